import { isLibraryPath, type Location } from '../location.js';
import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, indentOf, toInt } from '../text.js';

// `go test`: `--- FAIL: Name (…)` per failed test or subtest, its `file_test.go:line:` messages under
// `=== RUN`, compile and vet errors of packages that did not build, and panics with their goroutine stacks.

function isGoRuntimePath(path: string): boolean {
  return /\/src\/(runtime|testing|internal|reflect|sync)\//.test(path) || isLibraryPath(path);
}

function parse(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  const failed: string[] = [];
  const messages = new Map<string, Array<{ loc: Location; lines: string[] }>>();
  const addMessage = (test: string, loc: Location, first: string): string[] => {
    const list = messages.get(test) ?? [];
    const entry = { loc, lines: [first] };
    list.push(entry);
    messages.set(test, list);
    return entry.lines;
  };
  let current: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const run = /^=== (RUN|CONT|NAME|PAUSE)\s+(\S+)/.exec(line);
    if (run?.[2]) {
      current = run[2];
      continue;
    }
    const status = /^\s*--- (FAIL|PASS|SKIP): (\S+) \(/.exec(line);
    if (status?.[2]) {
      current = status[2];
      if (status[1] === 'FAIL' && !failed.includes(status[2])) failed.push(status[2]);
      continue;
    }
    // Compile and vet errors: unindented `file.go:line:col: message`, continuation lines start with a tab.
    const build = /^((?:[A-Za-z]:)?[^\s:]+\.go):(\d+)(?::(\d+))?: (.*)$/.exec(line);
    if (build?.[1]) {
      const detail = [build[4] ?? ''];
      while (/^\t/.test(lines[i + 1] ?? '')) detail.push(lines[++i] ?? '');
      out.push(
        failureAt(check, 'build', cleanMessage(detail), {
          file: build[1],
          line: toInt(build[2]),
          column: toInt(build[3]),
        }),
      );
      continue;
    }
    const msg = /^(\s+)([^\s:]+\.go):(\d+): (.*)$/.exec(line);
    if (msg?.[2] && current !== undefined) {
      const own = (msg[1] ?? '').length;
      const detail = addMessage(current, { file: msg[2], line: toInt(msg[3]) }, msg[4] ?? '');
      while (i + 1 < lines.length) {
        const next = lines[i + 1] ?? '';
        if (next.trim() === '' || indentOf(next) <= own || /^\s*(---|===) /.test(next)) break;
        detail.push(next);
        i++;
      }
      continue;
    }
    const panic = /^panic: (.*?)(?: \[recovered[^\]]*\])?$/.exec(line);
    if (panic) {
      let loc: Location | undefined;
      for (let j = i + 1; j < lines.length && !/^(FAIL|ok)\s/.test(lines[j] ?? ''); j++) {
        const frame = /^\s+((?:[A-Za-z]:)?\/?[^\s:]+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(lines[j] ?? '');
        if (frame?.[1] && !isGoRuntimePath(frame[1])) {
          loc = { file: frame[1], line: toInt(frame[2]) };
          break;
        }
      }
      const test = failed[failed.length - 1] ?? current;
      if (test !== undefined) addMessage(test, loc ?? { file: '' }, `panic: ${panic[1] ?? ''}`);
      else out.push(failureAt(check, 'test', cleanMessage(`panic: ${panic[1] ?? ''}`), loc));
    }
  }
  for (const test of failed) {
    const own = messages.get(test) ?? [];
    if (own.length === 0) {
      if (failed.some((t) => t.startsWith(`${test}/`))) continue;
      out.push(failureAt(check, 'test', 'test failed', undefined, test));
      continue;
    }
    for (const m of own) out.push(failureAt(check, 'test', cleanMessage(m.lines), m.loc.file ? m.loc : undefined, test));
  }
  return out;
}

export const go: RunnerParser = {
  runner: 'go',
  detect: (t) =>
    /^\s*--- FAIL: \S+ \(/m.test(t) ||
    /^FAIL\s+\S+\s+(\[(build|setup) failed\]|[\d.]+s)$/m.test(t) ||
    /^# \S+( \[\S+\])?\n[^\s:]+\.go:\d+:\d+: /m.test(t),
  parse,
};
