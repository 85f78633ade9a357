/**
 * Key paths: how a place in the configuration is named in messages (`temporal.tls.ca_file`,
 * `work_loop.checks[1].name`, `work_loop.steps["fix.tests"].task`) and the small tree helpers the
 * loading steps share. Every step works on copies, so a step never changes what it was given.
 */

/** One step of a key path: an object key or an array index. */
export type PathSegment = string | number;

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats a key path the way messages show it. */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Splits a dotted override path such as `temporal.worker.max_concurrent_activities`. */
export function parseDottedPath(path: string): string[] {
  return path.split('.').filter((segment) => segment !== '');
}

/** A plain object as YAML, JSON or a JS config produce it (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Keys that name an object's prototype machinery rather than a setting. Assigning `__proto__` replaces
 * an object's prototype, and `constructor.prototype` reaches the prototype every object shares, so
 * no configuration source may use them anywhere (see `plain-data.ts`).
 */
export const RESERVED_KEYS: readonly string[] = Object.freeze(['__proto__', 'constructor', 'prototype']);

/** The reserved keys as messages list them. */
export const RESERVED_KEYS_TEXT = '__proto__, constructor and prototype';

/** True for a key in {@link RESERVED_KEYS}. */
export function isReservedKey(key: PathSegment): boolean {
  return typeof key === 'string' && RESERVED_KEYS.includes(key);
}

/**
 * Sets `key` as an own data property. Plain assignment of `__proto__` would change the prototype of
 * `target` instead; every step that copies data uses this, so a reserved key that reaches it stays
 * an inert key (and is reported) rather than changing how the copy behaves.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of plain data (objects, arrays, scalars). */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneData(item)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, cloneData(item));
    return out as T;
  }
  return value;
}

/** Reads the value at `path`, or undefined when any step is missing. */
export function getAtPath(root: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * The leaves of a plain-data tree, as explain and the source map see them: scalars, arrays (a list
 * is one value) and empty objects. Nested objects are walked into.
 */
export function dataLeaves(value: unknown, visit: (path: PathSegment[], leaf: unknown) => void, path: PathSegment[] = []): void {
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && path.length > 0) visit(path, value);
    for (const [key, item] of entries) dataLeaves(item, visit, [...path, key]);
    return;
  }
  if (path.length > 0) visit(path, value);
}

/** The path up to (not including) its first array index: the leaf a value inside a list belongs to. */
export function leafPathOf(path: readonly PathSegment[]): PathSegment[] {
  const index = path.findIndex((segment) => typeof segment === 'number');
  return index === -1 ? [...path] : path.slice(0, index);
}

/** True when `path` equals `prefix` or lies under it. */
export function isUnder(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, i) => segment === path[i]);
}
