/**
 * `${VAR}` and `${VAR:-default}` in the string values of a config file, so secrets and per-machine
 * values stay out of the committed file. `$${` writes a literal `${`. An empty variable counts as
 * unset (as it does for the environment overlay), so `${VAR:-default}` falls back to the default
 * and `${VAR}` is an error that names the key and the variable.
 *
 * A default may itself hold references, as in a shell: `${TEAM:-${USER:-shared}}`, up to
 * {@link MAX_REFERENCE_NESTING} deep. The whole string is parsed before anything is expanded, so a
 * malformed reference is an error even where the variable is set; never a half-expanded value.
 */
import { makeIssue, type ConfigIssue } from './errors.js';
import { formatKeyPath, isPlainObject, leafPathOf, setOwn, type PathSegment } from './paths.js';

/** The file's data with references replaced, and which variables each key used. */
export interface InterpolationResult {
  /** A copy of the input with every reference replaced. */
  value: unknown;
  /** Key path of each leaf that used variables → the variable names, in order of first use. */
  variables: Map<string, string[]>;
  /** Problems found: unset variables and malformed references. */
  issues: ConfigIssue[];
  /** Key paths (as segments) of the values that had problems. */
  failedPaths: PathSegment[][];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const FORMS = 'write ${NAME} or ${NAME:-default}, or $${ for a literal ${';

/** How deep `${A:-${B:-…}}` may nest; deeper is surely a mistake, and the bound keeps parsing flat. */
export const MAX_REFERENCE_NESTING = 8;

/** A parsed string: literal text and references, whose defaults are parsed the same way. */
type Part = { kind: 'text'; text: string } | { kind: 'reference'; name: string; fallback?: Part[]; source: string };

type Problem = Omit<ConfigIssue, 'source' | 'keyPath'>;

class ReferenceSyntaxError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function invalidReference(reference: string, reason: string): ReferenceSyntaxError {
  return new ReferenceSyntaxError(
    makeIssue({
      source: '',
      keyPath: '',
      expected: FORMS,
      found: JSON.stringify(reference),
      message: `invalid variable reference ${JSON.stringify(reference)} (${reason}); ${FORMS}`,
    }),
  );
}

/** The text of a malformed reference as messages show it: up to its first "}", or to the end. */
function shownReference(text: string, start: number): string {
  const close = text.indexOf('}', start);
  return close === -1 ? text.slice(start) : text.slice(start, close + 1);
}

/**
 * Parses `text` from `start`. Inside a default (`depth > 0`) parsing stops at the "}" that closes
 * it; at the top level it runs to the end. Throws {@link ReferenceSyntaxError} for malformed input.
 */
function parseParts(text: string, start: number, depth: number): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let literal = '';
  let i = start;
  const flush = () => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      flush();
      const reference = parseReference(text, i, depth + 1);
      parts.push(reference.part);
      i = reference.end;
    } else if (depth > 0 && text[i] === '}') {
      flush();
      return { parts, end: i };
    } else {
      literal += text[i];
      i++;
    }
  }
  flush();
  return { parts, end: i };
}

/** Parses the reference that starts at `start` (at "${"); `end` is just after its "}". */
function parseReference(text: string, start: number, depth: number): { part: Part; end: number } {
  if (depth > MAX_REFERENCE_NESTING) {
    throw new ReferenceSyntaxError(
      makeIssue({
        source: '',
        keyPath: '',
        expected: `references nested at most ${MAX_REFERENCE_NESTING} deep`,
        found: 'deeper nesting',
        message: `variable references nested more than ${MAX_REFERENCE_NESTING} deep; ${FORMS}`,
      }),
    );
  }
  let i = start + 2;
  if (i >= text.length) throw invalidReference(text.slice(start), 'no closing "}"');
  if (!NAME_START.test(text[i]!)) {
    const shown = shownReference(text, start);
    if (text[i] === '}' || text.startsWith(':-', i)) throw invalidReference(shown, 'no variable name');
    if (!shown.endsWith('}')) throw invalidReference(shown, 'no closing "}"');
    throw invalidReference(shown, 'a name is letters, digits and "_", not starting with a digit');
  }
  while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
  const name = text.slice(start + 2, i);
  if (text[i] === '}') return { part: { kind: 'reference', name, source: text.slice(start, i + 1) }, end: i + 1 };
  if (i >= text.length) throw invalidReference(text.slice(start), 'no closing "}"');
  if (!text.startsWith(':-', i)) {
    const shown = shownReference(text, start);
    throw invalidReference(shown, shown.endsWith('}') ? 'after the name, expected "}" or ":-"' : 'no closing "}"');
  }
  const fallback = parseParts(text, i + 2, depth);
  if (fallback.end >= text.length) throw invalidReference(text.slice(start), 'no closing "}"');
  const end = fallback.end + 1;
  return { part: { kind: 'reference', name, fallback: fallback.parts, source: text.slice(start, end) }, end };
}

interface StringResult {
  text: string;
  variables: string[];
  problems: Problem[];
}

/**
 * Expands parsed parts. A default is expanded only when its variable is unset or empty, as in a
 * shell, so a variable named only in an unused default need not be set.
 */
function expandParts(parts: Part[], env: Record<string, string | undefined>, result: StringResult): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const { name } = part;
    if (!result.variables.includes(name)) result.variables.push(name);
    const value = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    if (value !== undefined && value !== '') {
      out += value;
    } else if (part.fallback !== undefined) {
      out += expandParts(part.fallback, env, result);
    } else {
      const state = value === '' ? 'is empty' : 'is not set';
      const hint = `set it or write \${${name}:-default}`;
      result.problems.push(
        makeIssue({
          source: '',
          keyPath: '',
          expected: `environment variable ${name} to be set`,
          found: value === '' ? 'an empty value' : 'not set',
          hint,
          message: `environment variable ${name} ${state} (referenced as ${part.source}); ${hint}`,
        }),
      );
      out += part.source;
    }
  }
  return out;
}

function interpolateString(text: string, env: Record<string, string | undefined>): StringResult {
  const result: StringResult = { text, variables: [], problems: [] };
  let parts: Part[];
  try {
    parts = parseParts(text, 0, 0).parts;
  } catch (error) {
    if (!(error instanceof ReferenceSyntaxError)) throw error;
    result.problems.push(error.problem);
    return result;
  }
  result.text = expandParts(parts, env, result);
  return result;
}

/**
 * Replaces `${VAR}` references in every string of `raw` (objects and arrays, recursively; keys are
 * left alone). `source` is the file as messages show it. Does not throw: problems are returned so
 * they can be reported together with the rest.
 */
export function interpolateConfig(raw: unknown, env: Record<string, string | undefined>, source: string): InterpolationResult {
  const variables = new Map<string, string[]>();
  const issues: ConfigIssue[] = [];
  const failedPaths: PathSegment[][] = [];

  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const result = interpolateString(value, env);
      if (result.variables.length > 0) {
        const leaf = formatKeyPath(leafPathOf(path));
        const known = variables.get(leaf) ?? [];
        for (const name of result.variables) if (!known.includes(name)) known.push(name);
        variables.set(leaf, known);
      }
      if (result.problems.length > 0) {
        failedPaths.push(path);
        for (const problem of result.problems) issues.push({ ...problem, source, keyPath: formatKeyPath(path) });
      }
      return result.text;
    }
    if (Array.isArray(value)) return value.map((item: unknown, index) => walk(item, [...path, index]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setOwn(out, key, walk(item, [...path, key]));
      return out;
    }
    return value;
  };

  return { value: walk(raw, []), variables, issues, failedPaths };
}
