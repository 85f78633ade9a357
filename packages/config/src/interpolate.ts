/**
 * `${VAR}` and `${VAR:-default}` in the string values of a config file, so secrets and per-machine
 * values stay out of the committed file. `$${` writes a literal `${`. An empty variable counts as
 * unset (as it does for the environment overlay), so `${VAR:-default}` falls back to the default
 * and `${VAR}` is an error that names the key and the variable.
 */
import { makeIssue, type ConfigIssue } from './errors.js';
import { formatKeyPath, isPlainObject, leafPathOf, type PathSegment } from './paths.js';

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

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMS = 'write ${NAME} or ${NAME:-default}, or $${ for a literal ${';

interface StringResult {
  text: string;
  variables: string[];
  problems: Array<Omit<ConfigIssue, 'source' | 'keyPath'>>;
}

function interpolateString(text: string, env: Record<string, string | undefined>): StringResult {
  let out = '';
  const variables: string[] = [];
  const problems: StringResult['problems'] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    const reference = end === -1 ? text.slice(i) : text.slice(i, end + 1);
    const body = end === -1 ? undefined : text.slice(i + 2, end);
    const separator = body?.indexOf(':-') ?? -1;
    const name = body === undefined ? undefined : separator === -1 ? body : body.slice(0, separator);
    if (body === undefined || name === undefined || !NAME.test(name)) {
      const reason = `invalid variable reference ${JSON.stringify(reference)}`;
      problems.push(
        makeIssue({ source: '', keyPath: '', expected: FORMS, found: JSON.stringify(reference), message: `${reason}; ${FORMS}` }),
      );
      out += reference;
      i += reference.length;
      continue;
    }
    const fallback = separator === -1 ? undefined : body.slice(separator + 2);
    if (!variables.includes(name)) variables.push(name);
    const value = env[name];
    if (value !== undefined && value !== '') {
      out += value;
    } else if (fallback !== undefined) {
      out += fallback;
    } else {
      const state = value === '' ? 'is empty' : 'is not set';
      const hint = `set it or write \${${name}:-default}`;
      problems.push(
        makeIssue({
          source: '',
          keyPath: '',
          expected: `environment variable ${name} to be set`,
          found: value === '' ? 'an empty value' : 'not set',
          hint,
          message: `environment variable ${name} ${state} (referenced as ${reference}); ${hint}`,
        }),
      );
      out += reference;
    }
    i += reference.length;
  }
  return { text: out, variables, problems };
}

/**
 * Replaces `${VAR}` references in every string of `raw` (objects and arrays, recursively; keys are
 * left alone). `source` is the file as messages show it. Does not throw: problems are returned so
 * they can be reported together with the rest.
 */
export function interpolateConfig(
  raw: unknown,
  env: Record<string, string | undefined>,
  source: string,
): InterpolationResult {
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
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };

  return { value: walk(raw, []), variables, issues, failedPaths };
}
