import { failureId, PART_LIST_CAP, type Failure } from '@aidp/workflows/contracts';
import { parseCheckOutput } from './parse.js';

// A failed check's failures as a list of ids (see `failureId`), for a decomposed run to compare check
// runs failure by failure. Pure: the caller reads the output.

export interface ItemiseOptions {
  /**
   * Where the check ran (the path as given, and as the system resolves it, when they differ): it is
   * taken out of the failures, so a failure has the same id in every worktree (each part of a
   * decomposed run has its own).
   */
  workspace?: string | readonly string[];
  /** The check timed out: its output may stop before some failures were printed. */
  timedOut?: boolean;
}

/** The failure with the workspace's path taken out, and a message printed as a quoted string unquoted. */
function portable(failure: Failure, workspaces: readonly string[]): Failure {
  const prefixes = workspaces
    .map((w) => w.replace(/\/+$/, ''))
    .filter((w) => w !== '')
    .flatMap((root) => [`file://${root}/`, `${root}/`])
    // Longest first, so a path inside another is taken out whole.
    .sort((a, b) => b.length - a.length);
  const strip = (text: string) => prefixes.reduce((out, prefix) => out.split(prefix).join(''), text);
  // node:test's spec reporter prints a thrown string quoted where its TAP reporter does not.
  const message = /^'[^'\n]*'$/.test(failure.message) ? failure.message.slice(1, -1) : failure.message;
  return {
    ...failure,
    ...(failure.file !== undefined ? { file: strip(failure.file) } : {}),
    ...(failure.test !== undefined ? { test: strip(failure.test) } : {}),
    message: strip(message),
  };
}

/**
 * The sorted, unique ids of the failures in a failed check's output; undefined when they cannot be
 * listed: the check timed out, no runner's parser recognised the output (the generic fallback only
 * guesses), it found nothing, something in it is not a failure of its own (output with nothing
 * recognisable in it, a timeout), or there are more than `PART_LIST_CAP`.
 */
export function itemiseFailures(checkName: string, output: string, options: ItemiseOptions = {}): string[] | undefined {
  if (options.timedOut) return undefined;
  const { runners, failures } = parseCheckOutput(checkName, output);
  if (runners.includes('generic') || failures.length === 0) return undefined;
  if (failures.some((f) => f.kind === 'output' || f.kind === 'timeout')) return undefined;
  const workspaces = options.workspace === undefined ? [] : typeof options.workspace === 'string' ? [options.workspace] : options.workspace;
  const ids = [...new Set(failures.map((f) => failureId(portable(f.failure, workspaces))))].sort();
  return ids.length <= PART_LIST_CAP ? ids : undefined;
}
