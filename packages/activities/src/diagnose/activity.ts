import { existsSync, readFileSync } from 'node:fs';
import type { CheckResult, DiagnoseFailureInput, Diagnosis } from '@aidp/workflows/contracts';
import { diagnose } from './diagnose.js';

// Reading more than this of a log adds nothing to a diagnosis.
const MAX_LOG_BYTES = 2 * 1024 * 1024;

function readOutput(check: CheckResult): string {
  if (!check.logPath || !existsSync(check.logPath)) return check.outputTail;
  const text = readFileSync(check.logPath, 'utf8');
  return text.length > MAX_LOG_BYTES ? text.slice(-MAX_LOG_BYTES) : text;
}

/**
 * Turns the failing checks' output into structured failures (file, line, test, message) for the next
 * prompt, reading each check's full log where it is still on disk.
 */
export function diagnoseFailure(input: DiagnoseFailureInput): Promise<Diagnosis> {
  // Synchronous work behind the activity contract's promise; the executor turns a throw into a rejection.
  return new Promise((resolve) => resolve(diagnose(input, readOutput)));
}
