/**
 * Keys whose values are secrets: explain, redaction and error messages never show their values.
 * Add a key here and every place that shows configuration hides it.
 */
import { cloneData, getAtPath, isPlainObject, parseDottedPath } from './paths.js';

/** Key paths of secret values. */
export const SECRET_KEYS: readonly string[] = Object.freeze(['temporal.api_key']);

/** What a secret value is shown as. */
export const REDACTED = '***';

/** True when `keyPath` (as messages format it) names a secret. */
export function isSecretKey(keyPath: string): boolean {
  return SECRET_KEYS.includes(keyPath);
}

/** A deep copy of `config` with every set secret replaced by `"***"`. */
export function redactConfig<T>(config: T): T {
  const copy = cloneData(config);
  for (const key of SECRET_KEYS) {
    const path = parseDottedPath(key);
    const parent = getAtPath(copy, path.slice(0, -1));
    const last = path[path.length - 1];
    if (isPlainObject(parent) && last !== undefined && parent[last] !== undefined) parent[last] = REDACTED;
  }
  return copy;
}
