import { isLibraryPath, type Location } from '../location.js';
import { failureAt, type ParsedFailure } from '../runner.js';
import { cleanMessage, indentOf, MAX_MESSAGE_LENGTH, toInt } from '../text.js';

// The fallback for output no runner recognised: compiler-style `path:line[:col]: error` lines, rustc's
// `error[E…]` with its `-->` location, a Python traceback; failing all that, the end of the output.

/** The generic fallback keeps at most this many lines of the output's end. */
const TAIL_LINES = 10;

const GENERIC_LOCATED =
  /^\s*((?:[A-Za-z]:)?[\w.@~+\-/\\]*\w\.[A-Za-z]\w*):(\d+)(?::(\d+))?(?::\s*|\s+-\s+|\s+)((?:fatal )?error|Error|ERROR|warning|Warning|WARNING|[A-Z]{1,4}\d{2,5}\b)(.*)$/;

const NOISE = [
  /^[\s\W_]*$/u,
  /^(npm (error|ERR!)|ELIFECYCLE)\s*$/,
  /A complete log of this run can be found in/,
  /^(npm (error|ERR!)|error) (code|errno) /,
];

function isNoise(line: string): boolean {
  const t = line.trim();
  return NOISE.some((re) => re.test(t));
}

export function parseGeneric(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const errors: ParsedFailure[] = [];
  const warnings: ParsedFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const located = GENERIC_LOCATED.exec(line);
    if (located?.[1]) {
      const severity = located[4] ?? '';
      const message = cleanMessage(`${severity}${located[5] ?? ''}`);
      const loc = { file: located[1], line: toInt(located[2]), column: toInt(located[3]) };
      if (/^warning$/i.test(severity)) warnings.push(failureAt(check, 'warning', message, loc));
      else errors.push(failureAt(check, 'error', message, loc));
      continue;
    }
    // rustc style: `error[E0425]: message` then ` --> file:line:col`.
    const rust = /^(error|warning)(\[\w+\])?: (.*)$/.exec(line);
    if (rust) {
      for (let j = i + 1; j <= i + 3 && j < lines.length; j++) {
        const arrow = /^\s*--> (.+?):(\d+):(\d+)\s*$/.exec(lines[j] ?? '');
        if (!arrow?.[1]) continue;
        const found = failureAt(check, rust[1] === 'warning' ? 'warning' : 'error', cleanMessage(line), {
          file: arrow[1],
          line: toInt(arrow[2]),
          column: toInt(arrow[3]),
        });
        (rust[1] === 'warning' ? warnings : errors).push(found);
        break;
      }
      continue;
    }
    // Python traceback: the innermost project frame, and the exception line that ends it.
    if (/^\s*Traceback \(most recent call last\):\s*$/.test(line)) {
      const base = indentOf(line);
      let loc: Location | undefined;
      let j = i + 1;
      for (; j < lines.length; j++) {
        const l = lines[j] ?? '';
        const frame = /^\s*File "(.+?)", line (\d+)/.exec(l);
        if (frame?.[1]) {
          if (!isLibraryPath(frame[1]) || !loc) loc = { file: frame[1], line: toInt(frame[2]) };
          continue;
        }
        if (l.trim() !== '' && indentOf(l) <= base) break;
      }
      const exception = lines[j] ?? '';
      if (exception.trim() !== '') errors.push(failureAt(check, 'error', cleanMessage(exception), loc));
      i = j;
    }
  }
  if (errors.length > 0) return errors;
  if (warnings.length > 0) return warnings;

  // Nothing located: the end of the output, where tools usually say what went wrong.
  const tail: string[] = [];
  let length = 0;
  for (let i = lines.length - 1; i >= 0 && tail.length < TAIL_LINES; i--) {
    const line = (lines[i] ?? '').trimEnd();
    if (isNoise(line)) continue;
    if (length + line.length + 1 > MAX_MESSAGE_LENGTH && tail.length > 0) break;
    tail.unshift(line);
    length += line.length + 1;
  }
  if (tail.length === 0) return [];
  return [failureAt(check, 'output', cleanMessage(tail))];
}
