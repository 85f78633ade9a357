import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, toInt } from '../text.js';

// tsc: `file(line,col): error TSxxxx: message` (plain), `file:line:col - error TSxxxx: message`
// (--pretty), or `error TSxxxx:` with no file; each followed by its indented chain of reasons.

function parse(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const plain = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    const pretty = plain ? null : /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/.exec(line);
    const bare = plain || pretty ? null : /^error (TS\d+): (.*)$/.exec(line);
    const m = plain ?? pretty;
    if (!m && !bare) continue;
    const detail = [m ? `${m[4] ?? ''}: ${m[5] ?? ''}` : `${bare?.[1] ?? ''}: ${bare?.[2] ?? ''}`];
    // The chain of "because" lines: indented, up to the next unindented line (plain) or blank line (pretty).
    while (i + 1 < lines.length) {
      const next = lines[i + 1] ?? '';
      if (next.trim() === '' || !/^\s/.test(next)) break;
      detail.push(next);
      i++;
    }
    const loc = m?.[1] ? { file: m[1].trim(), line: toInt(m[2]), column: toInt(m[3]) } : undefined;
    out.push(failureAt(check, 'type', cleanMessage(detail), loc));
  }
  return out;
}

export const tsc: RunnerParser = {
  runner: 'tsc',
  detect: (t) => /^.+\(\d+,\d+\): error TS\d+: /m.test(t) || /^.+:\d+:\d+ - error TS\d+: /m.test(t) || /^error TS\d+: /m.test(t),
  parse,
};
