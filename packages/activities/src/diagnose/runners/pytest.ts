import { isLibraryPath, type Location } from '../location.js';
import { failureAt, type FailureKind, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, linesUntil, toInt } from '../text.js';

// pytest: the FAILURES and ERRORS sections (one `___ name ___` block per failure, `E` lines for the
// error, `file.py:line:` for each frame), and the short summary's `FAILED nodeid - message` lines.

function parse(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];

  // `FAILED nodeid - message` / `ERROR nodeid - message` lines of the short summary.
  const summary: Array<{ kind: string; nodeid: string; message?: string }> = [];
  for (const line of lines) {
    const m = /^(FAILED|ERROR) (.+?)(?: - (.*))?$/.exec(line);
    if (m?.[1] && m[2]) summary.push({ kind: m[1], nodeid: m[2].trim(), message: m[3] });
  }
  const nodeidFor = (header: string): string | undefined => summary.find((s) => s.nodeid.split('::').slice(1).join('.') === header)?.nodeid;

  const location = /^((?:[A-Za-z]:)?[^\s:]+?\.py):(\d+):(?: (.*))?$/;
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const sec = /^=+ (.+?) =+$/.exec(line);
    if (sec) {
      section = sec[1];
      continue;
    }
    if (section !== 'FAILURES' && section !== 'ERRORS') continue;
    const head = /^_{2,} (.+?) _{2,}$/.exec(line);
    if (!head?.[1]) continue;
    const body = linesUntil(lines, i + 1, (l) => /^_{2,} .+ _{2,}$/.test(l) || /^=+ .+ =+$/.test(l));
    i += body.length;

    const errorLines = body
      .map((l) => /^E(?:\s+(.*))?$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m[1] ?? '');
    const locations = body
      .map((l) => location.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: m[1] ?? '', line: toInt(m[2]), rest: (m[3] ?? '').trim() }));
    const user = locations.filter((l) => !isLibraryPath(l.file));
    const where = user[user.length - 1] ?? locations[locations.length - 1];

    const name = head[1].trim();
    const collecting = /^ERROR collecting (.+)$/.exec(name);
    const phase = /^ERROR at (setup|teardown) of (.+)$/.exec(name);
    let test: string | undefined;
    let kind: FailureKind = 'test';
    let message = cleanMessage(errorLines);
    if (message === '') message = cleanMessage(where?.rest ?? body.slice(0, 3));
    if (collecting) {
      kind = 'suite';
    } else if (phase?.[2]) {
      test = nodeidFor(phase[2]) ?? phase[2];
      message = cleanMessage(`error at ${phase[1]}: ${message}`);
    } else {
      test = nodeidFor(name) ?? name;
    }
    const loc: Location | undefined = where
      ? { file: where.file, line: where.line }
      : collecting?.[1]
        ? { file: collecting[1] }
        : undefined;
    out.push(failureAt(check, kind, message, loc, test));
  }
  if (out.length > 0) return out;

  // No tracebacks (e.g. `--tb=no`): the short summary is all there is.
  for (const s of summary) {
    const file = s.nodeid.split('::')[0];
    const hasTest = s.nodeid.includes('::');
    out.push(
      failureAt(
        check,
        hasTest ? 'test' : 'suite',
        cleanMessage(s.message ?? (s.kind === 'ERROR' ? 'error' : 'failed')),
        file ? { file } : undefined,
        hasTest ? s.nodeid : undefined,
      ),
    );
  }
  return out;
}

export const pytest: RunnerParser = {
  runner: 'pytest',
  detect: (t) => /^=+ (FAILURES|ERRORS) =+$/m.test(t) || /^=+ short test summary info =+$/m.test(t),
  parse,
};
