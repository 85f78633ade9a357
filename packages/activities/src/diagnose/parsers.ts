import type { Failure } from '@aidp/workflows/contracts';

// Turns the text a check printed into structured failures. Each supported tool gets a parser that
// understands its default output; anything else goes through a generic fallback. Everything here is
// pure string work: no I/O, no clock, no environment.

/** The tools whose output is recognised. `generic` is the fallback for anything else. */
export type Runner =
  'jest' | 'vitest' | 'node-test-tap' | 'node-test-spec' | 'pytest' | 'go' | 'eslint' | 'tsc' | 'generic';

/**
 * What a failure is, for counting in summaries: a failing test, a test file that could not even run, a
 * lint problem, a type error, a compile error, some other located error or warning, plain output with
 * nothing recognisable in it, or (added by `diagnose`, never by a parser) a check that timed out.
 */
export type FailureKind =
  'timeout' | 'test' | 'suite' | 'lint' | 'lint-warning' | 'type' | 'build' | 'error' | 'warning' | 'output';

export interface ParsedFailure {
  failure: Failure;
  kind: FailureKind;
}

export interface ParsedOutput {
  /** The parsers that recognised the output, most specific first; `['generic']` when none did. */
  runners: Runner[];
  failures: ParsedFailure[];
}

/** Messages longer than this are cut (with an ellipsis). */
export const MAX_MESSAGE_LENGTH = 300;

/** The generic fallback keeps at most this many lines of the output's end. */
const TAIL_LINES = 10;

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

function indentOf(line: string): number {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0].replace(/\t/g, '    ').length : 0;
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

interface Location {
  file: string;
  line?: number;
  column?: number;
}

/** Paths that belong to a runtime or a dependency rather than to the project. */
function isLibraryPath(path: string): boolean {
  return (
    path.startsWith('node:') ||
    path.startsWith('internal/') ||
    path.includes('node_modules/') ||
    path.includes('<anonymous>') ||
    path.startsWith('<') ||
    /(^|\/)(site|dist)-packages\//.test(path) ||
    /(^|\/)lib\/python\d/.test(path) ||
    /(^|\/)go\/src\/(runtime|testing|internal|reflect|sync)\//.test(path) ||
    /(^|\/)(pkg\/mod)\//.test(path)
  );
}

function cleanPath(path: string): string {
  return path.replace(/^file:\/\//, '');
}

/**
 * A V8 stack frame: `at fn (path:line:col)` or `at path:line:col`. With `requireAt` false the `at`
 * may be missing (node's TAP reporter prints frames without it).
 */
function parseFrame(line: string, requireAt = true): Location | undefined {
  const re = requireAt
    ? /^\s*at\s+(?:[^()]*?\s+\()?((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*\{?\s*$/
    : /^\s*(?:at\s+)?(?:[^()]*?\s+\()?((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*\{?\s*$/;
  const m = re.exec(line);
  if (!m?.[1]) return undefined;
  const file = cleanPath(m[1]);
  return { file, line: toInt(m[2]), column: toInt(m[3]) };
}

function isStackLine(line: string): boolean {
  return /^\s*at\s+\S/.test(line);
}

/** The first frame in project code among `lines`, if any. */
function firstUserFrame(lines: string[], requireAt = true): Location | undefined {
  for (const line of lines) {
    const loc = parseFrame(line, requireAt);
    if (loc && !isLibraryPath(loc.file)) return loc;
  }
  return undefined;
}

/** Any `path:line:col` in the lines (for messages that carry a location but no stack). */
function firstPathLineCol(lines: string[]): Location | undefined {
  for (const line of lines) {
    const m = /((?:[A-Za-z]:)?[\w.@~+\-/\\]*\w\.[A-Za-z]\w*):(\d+):(\d+)/.exec(line);
    if (m?.[1] && !isLibraryPath(m[1])) return { file: m[1], line: toInt(m[2]), column: toInt(m[3]) };
  }
  return undefined;
}

function make(
  check: string,
  kind: FailureKind,
  message: string,
  loc?: Location,
  test?: string,
): ParsedFailure {
  const failure: Failure = { check, message: message === '' ? 'failed' : message };
  if (loc?.file) failure.file = loc.file;
  if (loc?.line !== undefined) failure.line = loc.line;
  if (loc?.column !== undefined) failure.column = loc.column;
  if (test !== undefined && test !== '') failure.test = test;
  return { failure, kind };
}

// ---------------------------------------------------------------------------------------------------
// Detection

const DETECTORS: Array<[Runner, (text: string) => boolean]> = [
  ['jest', (t) => /^\s*● (?!Console$)\S/m.test(t) && /^\s*(FAIL|PASS)\s+\S/m.test(t)],
  [
    'vitest',
    (t) =>
      /⎯ Failed (Tests|Suites) \d+ ⎯/.test(t) ||
      (/^\s*RUN\s+v\d+\.\d+/m.test(t) && /^\s*Test Files\s+\d/m.test(t)),
  ],
  [
    'node-test-tap',
    (t) => /^TAP version \d+$/m.test(t) || (/^\s*# Subtest: /m.test(t) && /^\s*not ok \d+ - /m.test(t)),
  ],
  [
    'node-test-spec',
    (t) => /^\s*✖ failing tests:$/m.test(t) || (/^ℹ (tests|fail) \d+$/m.test(t) && /^\s*✖ \S/m.test(t)),
  ],
  ['pytest', (t) => /^=+ (FAILURES|ERRORS) =+$/m.test(t) || /^=+ short test summary info =+$/m.test(t)],
  [
    'go',
    (t) =>
      /^\s*--- FAIL: \S+ \(/m.test(t) ||
      /^FAIL\s+\S+\s+(\[(build|setup) failed\]|[\d.]+s)$/m.test(t) ||
      /^# \S+( \[\S+\])?\n[^\s:]+\.go:\d+:\d+: /m.test(t),
  ],
  [
    'tsc',
    (t) =>
      /^.+\(\d+,\d+\): error TS\d+: /m.test(t) ||
      /^.+:\d+:\d+ - error TS\d+: /m.test(t) ||
      /^error TS\d+: /m.test(t),
  ],
  ['eslint', (t) => /^\s+\d+:\d+\s+(error|warning)\s+\S/m.test(t)],
];

/** The parsers that recognise `output` (already normalised or not), most specific first. */
export function detectRunners(output: string): Runner[] {
  const text = normalizeOutput(output);
  return DETECTORS.filter(([, test]) => test(text)).map(([runner]) => runner);
}

// ---------------------------------------------------------------------------------------------------
// jest

function parseJest(check: string, text: string): ParsedFailure[] {
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
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (
        /^\s{0,4}● /.test(l) ||
        /^\s*(FAIL|PASS)\s+\S/.test(l) ||
        /^(Test Suites|Summary of all failing tests)/.test(l)
      )
        break;
      body.push(l);
    }
    i = j - 1;
    const messageLines: string[] = [];
    for (const l of body) {
      if (/^\s*(>\s*)?\d+\s*\|/.test(l) || isStackLine(l)) break;
      messageLines.push(l);
    }
    const name = head[1].trim();
    const suiteLevel = name === 'Test suite failed to run';
    const loc =
      firstUserFrame(body) ?? firstPathLineCol(messageLines) ?? (suiteFile ? { file: suiteFile } : undefined);
    out.push(
      make(
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

// ---------------------------------------------------------------------------------------------------
// vitest

function parseVitest(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  const isSeparator = (l: string) => /^\s*⎯{3,}/.test(l);
  const isCodeFrame = (l: string) => /^\s*\d+\s*\|/.test(l) || /^\s*\|\s/.test(l);
  const pointer = (l: string): Location | undefined => {
    const m = /^\s*❯\s+(?:.*\s)?(\S+?):(\d+):(\d+)\s*$/.exec(l);
    return m?.[1] ? { file: cleanPath(m[1]), line: toInt(m[2]), column: toInt(m[3]) } : undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const head = /^\s*FAIL\s+(\S+)(?:\s+\[.*\])?(?:\s+>\s+(.+))?\s*$/.exec(line);
    if (!head?.[1]) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (isSeparator(l) || /^\s*FAIL\s+\S/.test(l) || /^\s*Test Files\s/.test(l)) break;
      body.push(l);
    }
    i = j - 1;
    const messageLines: string[] = [];
    for (const l of body) {
      if (/^\s*❯\s/.test(l) || isCodeFrame(l) || isStackLine(l)) break;
      messageLines.push(l);
    }
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
    out.push(make(check, test ? 'test' : 'suite', cleanMessage(messageLines), loc, test));
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
    out.push(
      make(check, 'test', cleanMessage(next?.[1] ?? 'failed'), file ? { file } : undefined, failed[1]),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// node:test, TAP reporter (the default when stdout is not a terminal)

function looksLikePath(name: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|file:\/\/)/.test(name) && /\.[cm]?[jt]sx?$/.test(name);
}

function unescapeTap(name: string): string {
  return name.replace(/\\#/g, '#').replace(/\\\\/g, '\\');
}

/** Reads the YAML diagnostic block node prints after a `not ok` line. */
function parseTapYaml(block: string[]): Map<string, string> {
  const values = new Map<string, string>();
  const first = block.find((l) => l.trim() !== '');
  if (first === undefined) return values;
  const base = indentOf(first);
  for (let i = 0; i < block.length; i++) {
    const line = block[i] ?? '';
    if (indentOf(line) !== base) continue;
    const m = /^\s*([\w-]+):\s?(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const raw = (m[2] ?? '').trim();
    if (raw === '' || /^[|>][-+]?$/.test(raw)) {
      const nested: string[] = [];
      let j = i + 1;
      for (; j < block.length; j++) {
        const l = block[j] ?? '';
        if (l.trim() !== '' && indentOf(l) <= base) break;
        nested.push(l);
      }
      i = j - 1;
      if (raw !== '') values.set(m[1], nested.map((l) => l.slice(base + 2)).join('\n'));
      continue;
    }
    let value = raw;
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2)
      value = value.slice(1, -1).replace(/''/g, "'");
    else if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    values.set(m[1], value);
  }
  return values;
}

function parseNodeTap(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  const stack: Array<{ indent: number; name: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const sub = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (sub) {
      const indent = (sub[1] ?? '').length;
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
      stack.push({ indent, name: unescapeTap(sub[2] ?? '') });
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+(?: - (.*))?$/.exec(line);
    if (!result) continue;
    const indent = (result[1] ?? '').length;
    const block: string[] = [];
    if (/^\s*---\s*$/.test(lines[i + 1] ?? '')) {
      let j = i + 2;
      for (; j < lines.length && !/^\s*\.\.\.\s*$/.test(lines[j] ?? ''); j++) block.push(lines[j] ?? '');
      i = j;
    }
    const parents = stack.filter((s) => s.indent < indent).map((s) => s.name);
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
    if (result[2] !== 'not ok') continue;
    const rawName = (result[3] ?? '').trim();
    const directive = /\s+#\s+(TODO|SKIP)\b.*$/i.exec(rawName);
    if (directive) continue;
    const yaml = parseTapYaml(block);
    const failureType = yaml.get('failureType');
    if (failureType === 'subtestsFailed' || failureType === 'cancelledByParent') continue;

    const name = unescapeTap(rawName);
    const pathParents = parents.filter(looksLikePath);
    const nameParents = parents.filter((p) => !looksLikePath(p));
    const fileOnly = looksLikePath(name);
    const test = fileOnly ? undefined : [...nameParents, name].join(' > ');

    const errorName = yaml.get('name');
    const error = yaml.get('error') ?? 'failed';
    const message = errorName && !error.startsWith(errorName) ? `${errorName}: ${error}` : error;

    let loc = firstUserFrame((yaml.get('stack') ?? '').split('\n'), false);
    if (!loc) {
      const where = /^(.*):(\d+):(\d+)$/.exec(yaml.get('location') ?? '');
      if (where?.[1]) loc = { file: cleanPath(where[1]), line: toInt(where[2]), column: toInt(where[3]) };
    }
    if (!loc && fileOnly) loc = { file: cleanPath(name) };
    if (!loc && pathParents.length > 0) loc = { file: cleanPath(pathParents[pathParents.length - 1] ?? '') };
    out.push(make(check, fileOnly ? 'suite' : 'test', cleanMessage(message), loc, test));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// node:test, spec reporter (the default on a terminal)

const SPEC_DURATION = /\s+\(\d+(?:\.\d+)?ms\)$/;

function parseNodeSpec(check: string, text: string): ParsedFailure[] {
  const all = text.split('\n');
  const end = all.findIndex((l) => /^ℹ (tests|suites|pass|fail) \d+/.test(l) || /^✖ failing tests:$/.test(l));
  const lines = end === -1 ? all : all.slice(0, end);

  // The "failing tests:" section lists where each failing test is declared.
  const declared = new Map<string, Location[]>();
  if (end !== -1) {
    const rest = all.slice(end);
    for (let i = 0; i < rest.length; i++) {
      const at = /^test at (.+):(\d+):(\d+)$/.exec(rest[i] ?? '');
      const next = /^\s*✖ (.*)$/.exec(rest[i + 1] ?? '');
      if (!at?.[1] || !next?.[1]) continue;
      const leaf = next[1].replace(SPEC_DURATION, '');
      const list = declared.get(leaf) ?? [];
      list.push({ file: cleanPath(at[1]), line: toInt(at[2]), column: toInt(at[3]) });
      declared.set(leaf, list);
    }
  }

  const out: ParsedFailure[] = [];
  const stack: Array<{ indent: number; name: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /^(\s*)(▶|✖|✔|﹣|#|⚠) (.*)$/.exec(line);
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    const marker = m[2];
    const name = (m[3] ?? '').replace(/\s+#\s+(SKIP|TODO)\b.*$/, '').replace(SPEC_DURATION, '');
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
    if (marker === '▶') {
      stack.push({ indent, name });
      continue;
    }
    if (marker !== '✖') continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (l.trim() !== '' && indentOf(l) <= indent) break;
      body.push(l);
    }
    i = j - 1;
    const messageLines: string[] = [];
    for (const l of body) {
      if (isStackLine(l)) break;
      messageLines.push(l);
    }
    const message = cleanMessage(messageLines);
    // A suite or a parent test whose only problem is its children: no body, or node's "N subtests failed".
    if (message === '' || /^'?\d+ subtests? failed'?$/.test(message)) continue;
    if (/# TODO\b/.test(m[3] ?? '')) continue;
    const parents = stack.map((s) => s.name).filter((p) => !looksLikePath(p));
    const fileOnly = looksLikePath(name);
    let loc = firstUserFrame(body);
    if (!loc) loc = declared.get(name)?.shift();
    if (!loc && fileOnly) loc = { file: cleanPath(name) };
    out.push(
      make(
        check,
        fileOnly ? 'suite' : 'test',
        message,
        loc,
        fileOnly ? undefined : [...parents, name].join(' > '),
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// pytest

function parsePytest(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];

  // `FAILED nodeid - message` / `ERROR nodeid - message` lines of the short summary.
  const summary: Array<{ kind: string; nodeid: string; message?: string }> = [];
  for (const line of lines) {
    const m = /^(FAILED|ERROR) (.+?)(?: - (.*))?$/.exec(line);
    if (m?.[1] && m[2]) summary.push({ kind: m[1], nodeid: m[2].trim(), message: m[3] });
  }
  const nodeidFor = (header: string): string | undefined =>
    summary.find((s) => s.nodeid.split('::').slice(1).join('.') === header)?.nodeid;

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
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (/^_{2,} .+ _{2,}$/.test(l) || /^=+ .+ =+$/.test(l)) break;
      body.push(l);
    }
    i = j - 1;

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
    out.push(make(check, kind, message, loc, test));
  }
  if (out.length > 0) return out;

  // No tracebacks (e.g. `--tb=no`): the short summary is all there is.
  for (const s of summary) {
    const file = s.nodeid.split('::')[0];
    const hasTest = s.nodeid.includes('::');
    out.push(
      make(
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

// ---------------------------------------------------------------------------------------------------
// go test

function isGoRuntimePath(path: string): boolean {
  return /\/src\/(runtime|testing|internal|reflect|sync)\//.test(path) || isLibraryPath(path);
}

function parseGo(check: string, text: string): ParsedFailure[] {
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
        make(check, 'build', cleanMessage(detail), {
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
      else out.push(make(check, 'test', cleanMessage(`panic: ${panic[1] ?? ''}`), loc));
    }
  }
  for (const test of failed) {
    const own = messages.get(test) ?? [];
    if (own.length === 0) {
      if (failed.some((t) => t.startsWith(`${test}/`))) continue;
      out.push(make(check, 'test', 'test failed', undefined, test));
      continue;
    }
    for (const m of own)
      out.push(make(check, 'test', cleanMessage(m.lines), m.loc.file ? m.loc : undefined, test));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// eslint (stylish formatter)

function parseEslint(check: string, text: string): ParsedFailure[] {
  const errors: ParsedFailure[] = [];
  const warnings: ParsedFailure[] = [];
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const problem = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)\s*$/.exec(line);
    if (problem && file) {
      let message = problem[4] ?? '';
      const rule = /^(.*?)\s{2,}(@?[\w-]+(?:\/[\w-]+)*)$/.exec(message);
      if (rule?.[1]) message = `${rule[1]} (${rule[2] ?? ''})`;
      const loc = { file, line: toInt(problem[1]), column: toInt(problem[2]) };
      if (problem[3] === 'error') errors.push(make(check, 'lint', cleanMessage(message), loc));
      else warnings.push(make(check, 'lint-warning', cleanMessage(`warning: ${message}`), loc));
      continue;
    }
    if (/^\S/.test(line) && !/^[✖×]/.test(line)) file = line.trim();
    else if (line.trim() === '') file = undefined;
  }
  // Warnings fail a check only under `--max-warnings`; when there are errors they are noise.
  return errors.length > 0 ? errors : warnings;
}

// ---------------------------------------------------------------------------------------------------
// tsc

function parseTsc(check: string, text: string): ParsedFailure[] {
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
    out.push(make(check, 'type', cleanMessage(detail), loc));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Generic fallback

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

function parseGeneric(check: string, text: string): ParsedFailure[] {
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
      if (/^warning$/i.test(severity)) warnings.push(make(check, 'warning', message, loc));
      else errors.push(make(check, 'error', message, loc));
      continue;
    }
    // rustc style: `error[E0425]: message` then ` --> file:line:col`.
    const rust = /^(error|warning)(\[\w+\])?: (.*)$/.exec(line);
    if (rust) {
      for (let j = i + 1; j <= i + 3 && j < lines.length; j++) {
        const arrow = /^\s*--> (.+?):(\d+):(\d+)\s*$/.exec(lines[j] ?? '');
        if (!arrow?.[1]) continue;
        const found = make(check, rust[1] === 'warning' ? 'warning' : 'error', cleanMessage(line), {
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
      if (exception.trim() !== '') errors.push(make(check, 'error', cleanMessage(exception), loc));
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
  return [make(check, 'output', cleanMessage(tail))];
}

// ---------------------------------------------------------------------------------------------------

const PARSERS: Record<Exclude<Runner, 'generic'>, (check: string, text: string) => ParsedFailure[]> = {
  jest: parseJest,
  vitest: parseVitest,
  'node-test-tap': parseNodeTap,
  'node-test-spec': parseNodeSpec,
  pytest: parsePytest,
  go: parseGo,
  tsc: parseTsc,
  eslint: parseEslint,
};

function locationKey(f: Failure): string | undefined {
  return f.file !== undefined && f.line !== undefined && f.column !== undefined
    ? `${f.file}:${f.line}:${f.column}`
    : undefined;
}

/**
 * Like `parseFailures`, with the runners that recognised the output and what kind each failure is.
 * Every recognising parser runs (a check may chain tools, e.g. `tsc && jest`); a later parser's
 * failure at a position an earlier one already reported is dropped. When no parser finds anything,
 * the generic fallback does.
 */
export function parseCheckOutput(check: string, output: string): ParsedOutput {
  const text = normalizeOutput(output);
  const runners = detectRunners(text);
  const seen = new Set<string>();
  const taken = new Set<string>();
  const failures: ParsedFailure[] = [];
  const add = (found: ParsedFailure[], fromParser: Set<string>) => {
    for (const f of found) {
      const key = JSON.stringify([
        f.failure.file,
        f.failure.line,
        f.failure.column,
        f.failure.test,
        f.failure.message,
      ]);
      if (seen.has(key)) continue;
      const loc = locationKey(f.failure);
      if (loc !== undefined && taken.has(loc) && !fromParser.has(loc)) continue;
      seen.add(key);
      if (loc !== undefined) fromParser.add(loc);
      failures.push(f);
    }
  };
  for (const runner of runners) {
    if (runner === 'generic') continue;
    const own = new Set<string>();
    add(PARSERS[runner](check, text), own);
    for (const loc of own) taken.add(loc);
  }
  if (failures.length > 0) return { runners, failures };
  const generic = parseGeneric(check, text);
  add(generic, new Set());
  return { runners: runners.length > 0 ? [...runners, 'generic'] : ['generic'], failures };
}

/**
 * The failures in a check's output. The runner is detected from the output itself; ANSI codes are
 * stripped, messages trimmed to `MAX_MESSAGE_LENGTH` and duplicates dropped.
 */
export function parseFailures(check: string, output: string): Failure[] {
  return parseCheckOutput(check, output).failures.map((f) => f.failure);
}
