// Text work shared by every parser: escapes out, line endings normalised, messages trimmed to size.

/** Messages longer than this are cut (with an ellipsis). */
export const MAX_MESSAGE_LENGTH = 300;

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), and the remaining
// two-character escapes.
const ANSI_RE =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes ANSI escape sequences (colours, cursor movement, hyperlinks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

/**
 * Strips escapes and normalises line endings. A carriage return inside a line (progress output that
 * redraws itself) keeps only what was drawn last.
 */
export function normalizeOutput(text: string): string {
  return stripAnsi(text)
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cr = line.lastIndexOf('\r');
      return cr === -1 ? line : line.slice(cr + 1);
    })
    .join('\n');
}

/**
 * Trims each line, drops blank ones and bare `^`/`~` pointer lines, and cuts the result to
 * `MAX_MESSAGE_LENGTH`.
 */
export function cleanMessage(lines: string | string[]): string {
  const list = typeof lines === 'string' ? lines.split('\n') : lines;
  const text = list
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^[\^~]+$/.test(l))
    .join('\n');
  return clip(text, MAX_MESSAGE_LENGTH);
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The width of a line's leading whitespace, a tab counting as four. */
export function indentOf(line: string): number {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0].replace(/\t/g, '    ').length : 0;
}

/** A positive line or column number, or undefined. */
export function toInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The lines from `start` up to, not including, the first that `stop` accepts (or the end). */
export function linesUntil(lines: string[], start: number, stop: (line: string) => boolean): string[] {
  const out: string[] = [];
  for (let j = start; j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (stop(line)) break;
    out.push(line);
  }
  return out;
}

/** The lines after `start` that are blank or indented deeper than `indent`: a block nested under a line. */
export function nestedBlock(lines: string[], start: number, indent: number): string[] {
  return linesUntil(lines, start + 1, (l) => l.trim() !== '' && indentOf(l) <= indent);
}
