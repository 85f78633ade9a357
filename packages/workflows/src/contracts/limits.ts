// The limits on what a caller may hand to AIDP, defined once: the client checks them before anything
// is sent, the CLI before it connects, and a worker may check them again. Pure functions only — this
// file is part of the contracts, which load in Temporal's workflow sandbox (no Buffer, no TextEncoder
// assumptions, no Node APIs).
//
// Each validator returns what is wrong with the value as a phrase that follows its name ("is empty",
// "is too long: …"), or undefined when the value is fine. Callers put the name in front: the client
// says `workflowId`, the CLI `--workflow-id`.

/**
 * Longest workflow id the client addresses (status, signal, cancel, history): the Temporal server's
 * default `limit.maxIDLength`, 1000 bytes of UTF-8. No run with a longer id can exist on a server with
 * the default limit.
 */
export const WORKFLOW_ID_MAX_BYTES = 1000;

/**
 * Longest workflow id AIDP starts a run with. Stricter than Temporal's limit because the id also names
 * the run's folders (`.aidp/worktrees/<id>`, `.aidp/runs/<id>`), and a file name may be at most 255
 * bytes on common file systems; the margin leaves room for the `.sub-<i>` suffix of child runs.
 */
export const NEW_WORKFLOW_ID_MAX_BYTES = 200;

/** Longest step name: the step names the branch `aidp/<step>` and the default workflow id. */
export const STEP_NAME_MAX_BYTES = 100;

/** Longest branch name a run may be given (`--branch`, `--base`). */
export const BRANCH_NAME_MAX_BYTES = 200;

/**
 * Largest task text (`--task`, `--task-file`, a step's task) and context, each. Both travel in the
 * workflow's input and in every continue-as-new, so they count against Temporal's payload limits
 * (a warning at 256 KB, an error at 2 MB per payload).
 */
export const TASK_MAX_BYTES = 256 * 1024;

/**
 * Largest operator instruction (`inject_instruction`). Each one is a signal in the history and is
 * carried, while pending, through continue-as-new and into the agent's prompt.
 */
export const INSTRUCTION_MAX_BYTES = 64 * 1024;

/** Largest iteration limit a run accepts (the range of `work_loop.max_iterations`). */
export const MAX_ITERATIONS_LIMIT = 10_000;

/** Length of `text` in UTF-8, as it travels on the wire; a lone surrogate counts as U+FFFD (3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A size for people: `2000 bytes`, `256 KiB`, `2.9 MiB`, and `65537 bytes` rather than `64.0 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (Number.isInteger(value)) return `${value} ${units[unit]}`;
  // "64.0 KiB" next to a limit of "64 KiB" would read as equal: say the bytes instead.
  const rounded = value.toFixed(1);
  return rounded.endsWith('.0') ? `${bytes} bytes` : `${rounded} ${units[unit]}`;
}

/**
 * Why `id` cannot be a workflow id: empty, longer than `maxBytes` (default
 * {@link WORKFLOW_ID_MAX_BYTES}), or holding a control character or broken Unicode, which no shell or
 * UI shows faithfully.
 */
export function validateWorkflowId(id: string, maxBytes: number = WORKFLOW_ID_MAX_BYTES): string | undefined {
  if (id.length === 0) return 'is empty';
  const tooLong = sizeProblem(id, maxBytes, 'too long');
  if (tooLong) return tooLong;
  const control = firstControlCharacter(id);
  if (control) return `contains a control character (${control})`;
  if (hasLoneSurrogate(id)) return 'is not valid Unicode (a lone surrogate)';
  return undefined;
}

/**
 * Why `name` cannot be a namespace name: empty, longer than the server's {@link WORKFLOW_ID_MAX_BYTES},
 * or holding anything but printable ASCII — the namespace travels in a gRPC header, which can carry
 * nothing else.
 */
export function validateNamespace(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  const tooLong = sizeProblem(name, WORKFLOW_ID_MAX_BYTES, 'too long');
  if (tooLong) return tooLong;
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit < 0x20 || unit > 0x7e)
      return `contains a character other than printable ASCII (U+${unit.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return undefined;
}

/** Why `id` cannot be the id of a new run (see {@link NEW_WORKFLOW_ID_MAX_BYTES}). */
export function validateNewWorkflowId(id: string): string | undefined {
  return validateWorkflowId(id, NEW_WORKFLOW_ID_MAX_BYTES);
}

/**
 * Why `ref` is not a valid git reference name, by the rules of `git check-ref-format`: no component
 * that is empty, starts with `.` or ends with `.lock`; no `..`, `@{`, `\`, space, `~ ^ : ? * [` or
 * control character anywhere; not ending with `/` or `.`; not `@` alone.
 */
export function validateRefName(ref: string): string | undefined {
  if (ref.length === 0) return 'is empty';
  if (ref === '@') return 'is "@", which git reads as HEAD';
  const control = firstControlCharacter(ref);
  if (control) return `contains a control character (${control})`;
  if (hasLoneSurrogate(ref)) return 'is not valid Unicode (a lone surrogate)';
  for (const sequence of ['..', '@{', '//']) {
    if (ref.includes(sequence)) return `contains "${sequence}"`;
  }
  const forbidden = [...ref].find((ch) => ' ~^:?*[\\'.includes(ch));
  if (forbidden !== undefined) return forbidden === ' ' ? 'contains a space' : `contains "${forbidden}"`;
  if (ref.startsWith('/')) return 'starts with "/"';
  if (ref.endsWith('/')) return 'ends with "/"';
  if (ref.endsWith('.')) return 'ends with "."';
  for (const component of ref.split('/')) {
    if (component.startsWith('.')) return `has a part that starts with "." (${component})`;
    if (component.endsWith('.lock')) return `has a part that ends with ".lock" (${component})`;
  }
  return undefined;
}

/**
 * Why `name` cannot be a branch: not a valid reference name (see {@link validateRefName}), starting
 * with `-` (git would read an option), `HEAD`, or longer than {@link BRANCH_NAME_MAX_BYTES}.
 */
export function validateBranchName(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  const tooLong = sizeProblem(name, BRANCH_NAME_MAX_BYTES, 'too long');
  if (tooLong) return tooLong;
  if (name.startsWith('-')) return 'starts with "-"';
  if (name === 'HEAD') return 'is "HEAD", which git reserves';
  const problem = validateRefName(name);
  return problem ? `is not a valid git branch name: it ${problem}` : undefined;
}

/**
 * Why `step` cannot be a step name: the run's branch is `aidp/<step>`, so it must make a valid branch
 * name; at most {@link STEP_NAME_MAX_BYTES}.
 */
export function validateStepName(step: string): string | undefined {
  if (step.length === 0) return 'is empty';
  const tooLong = sizeProblem(step, STEP_NAME_MAX_BYTES, 'too long');
  if (tooLong) return tooLong;
  if (step.startsWith('-')) return 'starts with "-"';
  // Named before the branch is shown, so the message never prints the character itself.
  const control = firstControlCharacter(step);
  if (control) return `contains a control character (${control})`;
  const problem = validateRefName(`aidp/${step}`);
  return problem ? `cannot name the branch aidp/${step}: it ${problem}` : undefined;
}

/** Why `text` cannot be a task or context: blank, or larger than {@link TASK_MAX_BYTES}. */
export function validateTaskText(text: string): string | undefined {
  return sizeProblem(text, TASK_MAX_BYTES, 'too large') ?? (text.trim() === '' ? 'is empty' : undefined);
}

/** Why `text` cannot be an operator instruction: blank, or larger than {@link INSTRUCTION_MAX_BYTES}. */
export function validateInstruction(text: string): string | undefined {
  return sizeProblem(text, INSTRUCTION_MAX_BYTES, 'too large') ?? (text.trim() === '' ? 'is empty' : undefined);
}

/** Why `value` cannot be an iteration limit: not an integer from 1 to {@link MAX_ITERATIONS_LIMIT}. */
export function validateMaxIterations(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1 || value > MAX_ITERATIONS_LIMIT) {
    return `must be a whole number from 1 to ${MAX_ITERATIONS_LIMIT}, got ${String(value)}`;
  }
  return undefined;
}

function sizeProblem(text: string, maxBytes: number, what: string): string | undefined {
  // Every UTF-16 unit is at least one byte and at most three: most texts need no count at all.
  if (text.length * 3 <= maxBytes) return undefined;
  const bytes = utf8ByteLength(text);
  return bytes > maxBytes ? `is ${what}: ${formatBytes(bytes)} (at most ${formatBytes(maxBytes)})` : undefined;
}

function firstControlCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    else if (isHighSurrogate(unit) || isLowSurrogate(unit)) return true;
  }
  return false;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
