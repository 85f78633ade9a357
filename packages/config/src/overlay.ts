/**
 * The environment and command-line layers. Each takes the data so far and returns a new copy with
 * its values set, recording what it set in the {@link Provenance}; nothing is validated here beyond
 * what only this layer can know (how a variable spells a boolean), so every value, whatever its
 * source, goes through the same schema afterwards.
 */
import { makeIssue, type ConfigIssue } from './errors.js';
import {
  cloneData,
  formatKeyPath,
  isPlainObject,
  isReservedKey,
  parseDottedPath,
  RESERVED_KEYS_TEXT,
  setOwn,
  type PathSegment,
} from './paths.js';
import type { Provenance } from './sources.js';

/** A value given on the command line, applied over file and environment. */
export interface ConfigOverride {
  /** Dotted key path, e.g. `temporal.task_queue`. */
  path: string;
  /** The value; `undefined` means the flag was not given and nothing is set. */
  value: unknown;
  /** The flag as the user typed it, e.g. `--task-queue`; named in errors and by explain. */
  flag: string;
}

/** How an environment variable's text becomes a config value. */
export type EnvironmentValueKind = 'string' | 'boolean' | 'lowercase';

/** One environment variable that sets a config key. */
export interface EnvironmentVariable {
  /** The variable, e.g. `TEMPORAL_HOST`. */
  variable: string;
  /** The key it sets, e.g. `temporal.target_host`. */
  keyPath: string;
  /** How its text is read. */
  kind: EnvironmentValueKind;
}

/** The environment variables that override config keys (an empty value counts as unset). */
export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = Object.freeze([
  { variable: 'TEMPORAL_HOST', keyPath: 'temporal.target_host', kind: 'string' },
  { variable: 'TEMPORAL_NAMESPACE', keyPath: 'temporal.namespace', kind: 'string' },
  { variable: 'TEMPORAL_TASK_QUEUE', keyPath: 'temporal.task_queue', kind: 'string' },
  { variable: 'TEMPORAL_API_KEY', keyPath: 'temporal.api_key', kind: 'string' },
  { variable: 'TEMPORAL_TLS', keyPath: 'temporal.tls', kind: 'boolean' },
  { variable: 'TEMPORAL_ENABLED', keyPath: 'temporal.enabled', kind: 'boolean' },
  { variable: 'AIDP_LOG_LEVEL', keyPath: 'logging.level', kind: 'lowercase' },
] as const);

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** Reads a boolean the way environment variables spell it; undefined when it is none of them. */
export function parseBooleanText(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return undefined;
}

/** The result of applying one layer. */
export interface OverlayResult {
  /** A new copy of the data with this layer's values set. */
  value: Record<string, unknown>;
  /** Problems this layer found. */
  issues: ConfigIssue[];
  /** Key paths whose values had problems (later steps do not report them again). */
  failedPaths: PathSegment[][];
}

type SetResult = { ok: true } | { ok: false; blockedAt: PathSegment[]; found: unknown };

/**
 * Sets `value` at `path`, creating objects on the way. A boolean on the way is replaced by an object
 * (`tls: true` plus a CA file given by a flag is TLS with that CA); any other non-object blocks.
 */
function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): SetResult {
  let current = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    // Own keys only: an inherited one (`toString`) is not part of the data.
    const next = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    if (isPlainObject(next)) {
      current = next;
    } else if (next === undefined || typeof next === 'boolean') {
      const created: Record<string, unknown> = {};
      setOwn(current, key, created);
      current = created;
    } else {
      return { ok: false, blockedAt: path.slice(0, i + 1), found: next };
    }
  }
  setOwn(current, path[path.length - 1]!, value);
  return { ok: true };
}

function asRoot(data: unknown): Record<string, unknown> {
  return isPlainObject(data) ? cloneData(data) : {};
}

function blockedIssue(source: string, keyPath: string, blockedAt: PathSegment[], found: unknown): ConfigIssue {
  const parent = formatKeyPath(blockedAt);
  return makeIssue({
    source,
    keyPath,
    expected: `${parent} to be an object`,
    found: `${parent} set to a ${Array.isArray(found) ? 'list' : typeof found}`,
    message: `cannot be set because ${parent} is not an object`,
  });
}

/**
 * Applies the environment variables of {@link ENVIRONMENT_VARIABLES} over `data`. A boolean variable
 * that is not one of true/1/yes/on/false/0/no/off is an issue naming the variable.
 * `TEMPORAL_TLS=true` keeps a TLS object from the file (TLS is already on, with its files).
 */
export function applyEnvironment(data: unknown, env: Record<string, string | undefined>, provenance: Provenance): OverlayResult {
  const value = asRoot(data);
  const issues: ConfigIssue[] = [];
  const failedPaths: PathSegment[][] = [];
  for (const spec of ENVIRONMENT_VARIABLES) {
    const text = env[spec.variable];
    if (text === undefined || text === '') continue;
    const path = parseDottedPath(spec.keyPath);
    let parsed: unknown = text;
    if (spec.kind === 'boolean') {
      parsed = parseBooleanText(text);
      if (parsed === undefined) {
        issues.push(
          makeIssue({
            source: spec.variable,
            keyPath: spec.keyPath,
            expected: 'a boolean',
            found: JSON.stringify(text),
            hint: `accepted values: ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`,
          }),
        );
        failedPaths.push(path);
        continue;
      }
      if (
        parsed === true &&
        spec.keyPath === 'temporal.tls' &&
        isPlainObject((value.temporal as Record<string, unknown> | undefined)?.tls)
      ) {
        continue;
      }
    } else if (spec.kind === 'lowercase') {
      parsed = text.trim().toLowerCase();
    }
    const result = setAt(value, path, parsed);
    if (result.ok) {
      provenance.set(path, { kind: 'env', variable: spec.variable });
    } else {
      issues.push(blockedIssue(spec.variable, spec.keyPath, result.blockedAt, result.found));
      failedPaths.push(path);
    }
  }
  return { value, issues, failedPaths };
}

/** Applies command-line overrides over `data`, in order (a later one for the same key wins). */
export function applyOverrides(data: unknown, overrides: readonly ConfigOverride[], provenance: Provenance): OverlayResult {
  const value = asRoot(data);
  const issues: ConfigIssue[] = [];
  const failedPaths: PathSegment[][] = [];
  for (const override of overrides) {
    if (override.value === undefined) continue;
    const path = parseDottedPath(override.path);
    const reserved = path.find(isReservedKey);
    if (reserved !== undefined) {
      issues.push(
        makeIssue({
          source: override.flag,
          keyPath: override.path,
          expected: `a key path without ${RESERVED_KEYS_TEXT}`,
          found: JSON.stringify(override.path),
          message: `key ${JSON.stringify(reserved)} is not allowed (${RESERVED_KEYS_TEXT} are reserved); remove it`,
        }),
      );
      continue;
    }
    if (path.length === 0) {
      issues.push(
        makeIssue({
          source: override.flag,
          keyPath: override.path,
          expected: 'a key path such as "temporal.task_queue"',
          found: JSON.stringify(override.path),
        }),
      );
      continue;
    }
    const result = setAt(value, path, cloneData(override.value));
    if (result.ok) {
      provenance.set(path, { kind: 'flag', flag: override.flag });
    } else {
      issues.push(blockedIssue(override.flag, formatKeyPath(path), result.blockedAt, result.found));
      failedPaths.push(path);
    }
  }
  return { value, issues, failedPaths };
}
