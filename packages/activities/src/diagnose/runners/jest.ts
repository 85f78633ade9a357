import { firstPathLineCol, firstUserFrame, isStackLine } from '../location.js';
import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, linesUntil } from '../text.js';

// jest's default reporter: `FAIL path` per file, then a `● describe › test` block per failure with the
// message, a code frame and the stack. `● Test suite failed to run` is a file that could not run.

function parse(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  let suiteFile: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const suite = /^\s*(FAIL|PASS)\s+(.+)$/.exec(line);
    if (suite?.[2]) {
      const tokens = suite[2]
        .replace(/\s*\([\d.]+ m?s\)\s*$/, '')
        .trim()
        .split(/\s+/);
      suiteFile = tokens[tokens.length - 1];
      continue;
    }
    const head = /^\s{0,4}● (.+)$/.exec(line);
    if (!head?.[1] || head[1].trim() === 'Console') continue;
    const body = linesUntil(
      lines,
      i + 1,
      (l) => /^\s{0,4}● /.test(l) || /^\s*(FAIL|PASS)\s+\S/.test(l) || /^(Test Suites|Summary of all failing tests)/.test(l),
    );
    i += body.length;
    const messageLines = linesUntil(body, 0, (l) => /^\s*(>\s*)?\d+\s*\|/.test(l) || isStackLine(l));
    const name = head[1].trim();
    const suiteLevel = name === 'Test suite failed to run';
    const loc = firstUserFrame(body) ?? firstPathLineCol(messageLines) ?? (suiteFile ? { file: suiteFile } : undefined);
    out.push(
      failureAt(
        check,
        suiteLevel ? 'suite' : 'test',
        cleanMessage(messageLines),
        loc,
        suiteLevel ? undefined : name.split(' › ').join(' > '),
      ),
    );
  }
  return out;
}

export const jest: RunnerParser = {
  runner: 'jest',
  detect: (t) => /^\s*● (?!Console$)\S/m.test(t) && /^\s*(FAIL|PASS)\s+\S/m.test(t),
  parse,
};
