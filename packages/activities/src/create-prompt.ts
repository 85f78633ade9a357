import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreatePromptInput, CreatePromptResult, Diagnosis } from '@aidp/workflows/contracts';

// Caps that keep the prompt bounded however long a run goes: it is rewritten each iteration from the
// latest state, never appended to.
const MAX_TASK_CHARS = 16_000;
const MAX_CONTEXT_CHARS = 8_000;
const MAX_INSTRUCTION_CHARS = 2_000;
const MAX_FAILURES = 20;
const MAX_AGENT_SUMMARY_CHARS = 2_000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters cut)`;
}

function renderDiagnosis(diagnosis: Diagnosis): string[] {
  const lines = [diagnosis.summary, ''];
  for (const f of diagnosis.failures.slice(0, MAX_FAILURES)) {
    const where = f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}` : null;
    const head = [`[${f.check}]`, where, f.test ? `"${f.test}"` : null].filter(Boolean).join(' ');
    lines.push(`- ${head}: ${f.message.replace(/\n/g, '\n  ')}`);
  }
  const omitted = diagnosis.omitted + Math.max(diagnosis.failures.length - MAX_FAILURES, 0);
  if (omitted > 0) lines.push(`- … and ${omitted} more failure(s)`);
  return lines;
}

/** The prompt's text, from the run's current state. Pure, so its shape is unit-tested. */
export function renderPrompt(input: CreatePromptInput): string {
  const out: string[] = [];
  out.push(`# ${input.stepName}`, '', `Iteration ${input.iteration} of ${input.maxIterations}`, '');
  out.push('## Task', '', clip(input.task.trim(), MAX_TASK_CHARS), '');
  if (input.context?.trim()) out.push('## Context', '', clip(input.context.trim(), MAX_CONTEXT_CHARS), '');
  if (input.instructions.length > 0) {
    out.push('## Instructions from the operator', '', 'A person watching this run added these; follow them:', '');
    for (const text of input.instructions) out.push(`- ${clip(text.trim(), MAX_INSTRUCTION_CHARS).replace(/\n/g, '\n  ')}`);
    out.push('');
  }
  const prev = input.previousAgentRun;
  if (prev && !prev.ok) {
    const how = prev.timedOut ? 'timed out' : `exited with code ${prev.exitCode ?? 'none (killed by a signal)'}`;
    out.push('## Your previous run failed', '', `In iteration ${prev.iteration} the agent ${how}. The end of its output:`, '');
    out.push('```', clip(prev.summary, MAX_AGENT_SUMMARY_CHARS), '```', '');
  }
  if (input.diagnosis && input.diagnosis.failures.length + input.diagnosis.failedChecks.length > 0) {
    out.push('## What is failing now', '', ...renderDiagnosis(input.diagnosis), '');
  }
  out.push('## How this run works', '');
  out.push(`- Work in ${input.workspace}. Change files there; AIDP commits your work, do not commit or push yourself.`);
  if (input.part) {
    out.push('- This is one part of a larger issue; the other parts are done on other branches and merged with it later.');
    if (input.part.rule === 'part_checks') {
      out.push(`- The part is done when its own checks pass: ${input.part.checks.map((c) => `\`${c}\``).join(', ')}.`);
    } else {
      out.push('- When your part is fully done, print a line `STATUS: COMPLETE` on its own.');
    }
    out.push(
      '- It counts as done only if nothing that passed when the part started fails. Tests that failed then and are not',
      '  about your part belong to other parts: leave them. Do not weaken, skip or delete tests or checks.',
    );
  } else if (input.completionByMarker) {
    out.push('- No checks are configured: when the task is fully done, print a line `STATUS: COMPLETE` on its own.');
  } else {
    out.push("- After you finish, AIDP runs the project's checks. The task is done when they pass; only their exit codes count.");
    out.push('- Fix the cause of each failure; do not weaken, skip or delete tests or checks to make them pass.');
  }
  out.push('- Make the smallest change that does the task well.', '');
  return out.join('\n');
}

/**
 * Writes `<runDir>/PROMPT.md` for this iteration (replacing the last one) and keeps a copy in
 * `<runDir>/iter-<n>/PROMPT.md` for the record. Idempotent: a retry writes the same text.
 */
export async function createPrompt(input: CreatePromptInput): Promise<CreatePromptResult> {
  const text = renderPrompt(input);
  await mkdir(join(input.runDir, `iter-${input.iteration}`), { recursive: true });
  const promptPath = join(input.runDir, 'PROMPT.md');
  await writeFile(promptPath, text);
  await writeFile(join(input.runDir, `iter-${input.iteration}`, 'PROMPT.md'), text);
  return { promptPath, bytes: Buffer.byteLength(text) };
}
