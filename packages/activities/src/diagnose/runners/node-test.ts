import { cleanPath, firstUserFrame, isStackLine, type Location } from '../location.js';
import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, indentOf, linesUntil, nestedBlock, toInt } from '../text.js';

// node:test's two default reporters: TAP when stdout is not a terminal, spec on a terminal. Both nest
// subtests under their suites; a file that failed as a whole is reported under its path.

function looksLikePath(name: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|file:\/\/)/.test(name) && /\.[cm]?[jt]sx?$/.test(name);
}

/** Pops the entries of a stack of nested names at `indent` or deeper: the line at `indent` closes them. */
function closeTo(stack: Array<{ indent: number; name: string }>, indent: number): void {
  while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
}

// ---------------------------------------------------------------------------------------------------
// TAP reporter

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
      const nested = nestedBlock(block, i, base);
      i += nested.length;
      if (raw !== '') values.set(m[1], nested.map((l) => l.slice(base + 2)).join('\n'));
      continue;
    }
    let value = raw;
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) value = value.slice(1, -1).replace(/''/g, "'");
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

function parseTap(check: string, text: string): ParsedFailure[] {
  const lines = text.split('\n');
  const out: ParsedFailure[] = [];
  const stack: Array<{ indent: number; name: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const sub = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (sub) {
      const indent = (sub[1] ?? '').length;
      closeTo(stack, indent);
      stack.push({ indent, name: unescapeTap(sub[2] ?? '') });
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+(?: - (.*))?$/.exec(line);
    if (!result) continue;
    const indent = (result[1] ?? '').length;
    let block: string[] = [];
    if (/^\s*---\s*$/.test(lines[i + 1] ?? '')) {
      block = linesUntil(lines, i + 2, (l) => /^\s*\.\.\.\s*$/.test(l));
      i += block.length + 2;
    }
    const parents = stack.filter((s) => s.indent < indent).map((s) => s.name);
    closeTo(stack, indent);
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
    out.push(failureAt(check, fileOnly ? 'suite' : 'test', cleanMessage(message), loc, test));
  }
  return out;
}

export const nodeTestTap: RunnerParser = {
  runner: 'node-test-tap',
  detect: (t) => /^TAP version \d+$/m.test(t) || (/^\s*# Subtest: /m.test(t) && /^\s*not ok \d+ - /m.test(t)),
  parse: parseTap,
};

// ---------------------------------------------------------------------------------------------------
// spec reporter

const SPEC_DURATION = /\s+\(\d+(?:\.\d+)?ms\)$/;

function parseSpec(check: string, text: string): ParsedFailure[] {
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
    closeTo(stack, indent);
    if (marker === '▶') {
      stack.push({ indent, name });
      continue;
    }
    if (marker !== '✖') continue;
    const body = nestedBlock(lines, i, indent);
    i += body.length;
    const message = cleanMessage(linesUntil(body, 0, isStackLine));
    // A suite or a parent test whose only problem is its children: no body, or node's "N subtests failed".
    if (message === '' || /^'?\d+ subtests? failed'?$/.test(message)) continue;
    if (/# TODO\b/.test(m[3] ?? '')) continue;
    const parents = stack.map((s) => s.name).filter((p) => !looksLikePath(p));
    const fileOnly = looksLikePath(name);
    let loc = firstUserFrame(body);
    if (!loc) loc = declared.get(name)?.shift();
    if (!loc && fileOnly) loc = { file: cleanPath(name) };
    out.push(failureAt(check, fileOnly ? 'suite' : 'test', message, loc, fileOnly ? undefined : [...parents, name].join(' > ')));
  }
  return out;
}

export const nodeTestSpec: RunnerParser = {
  runner: 'node-test-spec',
  detect: (t) => /^\s*✖ failing tests:$/m.test(t) || (/^ℹ (tests|fail) \d+$/m.test(t) && /^\s*✖ \S/m.test(t)),
  parse: parseSpec,
};
