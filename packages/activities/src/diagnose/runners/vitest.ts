import { cleanPath, firstUserFrame, isLibraryPath, isStackLine, type Location } from '../location.js';
import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, linesUntil, toInt } from '../text.js';

// vitest's default reporter: a "Failed Tests" section of `FAIL file > describe > test` blocks, each with
// the message, a `❯ file:line:col` pointer and a code frame; a terse reporter prints only the `×` tree.

const isSeparator = (l: string) => /^\s*⎯{3,}/.test(l);
const isCodeFrame = (l: string) => /^\s*\d+\s*\|/.test(l) || /^\s*\|\s/.test(l);

function pointer(l: string): Location | undefined {
  const m = /^\s*❯\s+(?:.*\s)?(\S+?):(\d+):(\d+)\s*$/.exec(l);
  return m?.[1] ? { file: cleanPath(m[1]), line: toInt(m[2]), column: toInt(m[3]) } : undefined;
}

function parse(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const head = /^\s*FAIL\s+(\S+)(?:\s+\[.*\])?(?:\s+>\s+(.+))?\s*$/.exec(line);
    if (!head?.[1]) continue;
    const body = linesUntil(lines, i + 1, (l) => isSeparator(l) || /^\s*FAIL\s+\S/.test(l) || /^\s*Test Files\s/.test(l));
    i += body.length;
    const messageLines = linesUntil(body, 0, (l) => /^\s*❯\s/.test(l) || isCodeFrame(l) || isStackLine(l));
    let loc: Location | undefined;
    for (const l of body) {
      const p = pointer(l);
      if (p && !isLibraryPath(p.file)) {
        loc = p;
        break;
      }
    }
    loc ??= firstUserFrame(body) ?? { file: head[1] };
    const test = head[2]?.trim();
    out.push(failureAt(check, test ? 'test' : 'suite', cleanMessage(messageLines), loc, test));
  }
  if (out.length > 0) return out;

  // No "Failed Tests" section (a terse reporter): fall back to the `×` lines of the tree.
  let file: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fileLine = /^\s*[❯✓×]\s+(\S+\.\w+)\s+\(\d+ tests?/.exec(line);
    if (fileLine?.[1]) {
      file = fileLine[1];
      continue;
    }
    const failed = /^\s*×\s+(.+?)(?:\s+\d+m?s)?\s*$/.exec(line);
    if (!failed?.[1]) continue;
    const next = /^\s*→\s+(.*)$/.exec(lines[i + 1] ?? '');
    out.push(failureAt(check, 'test', cleanMessage(next?.[1] ?? 'failed'), file ? { file } : undefined, failed[1]));
  }
  return out;
}

export const vitest: RunnerParser = {
  runner: 'vitest',
  detect: (t) => /⎯ Failed (Tests|Suites) \d+ ⎯/.test(t) || (/^\s*RUN\s+v\d+\.\d+/m.test(t) && /^\s*Test Files\s+\d/m.test(t)),
  parse,
};
