/**
 * The first step after reading a config source: making sure what was read is plain data. YAML,
 * JSON and `package.json#aidp` give plain objects, but keys such as `__proto__` survive parsing as
 * ordinary keys and turn dangerous the moment a later step copies them (`out[key] = value` with
 * `key === '__proto__'` replaces a prototype); a JS config can also hand over objects with a custom
 * prototype, getters, cycles or absurd nesting. Each of these is reported with its key path and
 * dropped from the copy the rest of the pipeline works on, so it is never applied.
 */
import { makeIssue, type ConfigIssue } from './errors.js';
import { formatKeyPath, isReservedKey, RESERVED_KEYS_TEXT, type PathSegment } from './paths.js';

/**
 * Deepest nesting a configuration source may have. The schema's deepest key
 * (`work_loop.steps.<name>.checks[i]`) is five levels down; 32 leaves room for mistakes to be
 * reported by the schema while keeping every later (recursive) step far from the stack limit.
 */
export const MAX_DEPTH = 32;

/** Result of {@link checkPlainData}. */
export interface PlainDataResult {
  /** A copy of the input without what was refused; undefined when the whole input was refused. */
  value: unknown;
  /** What was refused, one issue each. */
  issues: ConfigIssue[];
  /** Key paths of the refused values (later steps do not report them again). */
  failedPaths: PathSegment[][];
}

const CUSTOM_PROTOTYPE = 'an object with a custom prototype';

/** `a Date`, `a Map`, or {@link CUSTOM_PROTOTYPE} for an object whose prototype is just another object. */
function kindOf(value: object): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  const ctor =
    proto && Object.prototype.hasOwnProperty.call(proto, 'constructor') ? (proto as { constructor?: unknown }).constructor : undefined;
  const name = typeof ctor === 'function' ? ctor.name : '';
  return name !== '' && name !== 'Object' ? `a ${name}` : CUSTOM_PROTOTYPE;
}

/**
 * Copies `raw` keeping only plain data (objects with the standard or no prototype, arrays, scalars)
 * and reports, naming `source` and the key path:
 * - the reserved keys `__proto__`, `constructor` and `prototype`, at any depth;
 * - objects with another prototype (a `__proto__` literal in a JS config, class instances, dates);
 * - getters, which would run code while the configuration is read;
 * - cycles, and nesting deeper than {@link MAX_DEPTH}.
 */
export function checkPlainData(raw: unknown, source: string): PlainDataResult {
  const issues: ConfigIssue[] = [];
  const failedPaths: PathSegment[][] = [];
  const ancestors = new Set<object>();
  const refuse = (
    path: PathSegment[],
    init: { expected: string; found: string; hint?: string; message?: string },
    silence: PathSegment[] = path,
  ) => {
    issues.push(makeIssue({ source, keyPath: formatKeyPath(path), ...init }));
    failedPaths.push(silence);
  };
  const REFUSED = Symbol('refused');

  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (value === null || typeof value !== 'object') return value;
    // Whatever else the schema would say about a section that nests this deep or loops back on
    // itself follows from that one mistake, so the rest of the section is not reported.
    if (path.length > MAX_DEPTH) {
      refuse(path, { expected: `data nested at most ${MAX_DEPTH} levels deep`, found: 'deeper nesting' }, path.slice(0, 1));
      return REFUSED;
    }
    if (ancestors.has(value)) {
      refuse(path, { expected: 'plain data', found: 'a reference to an object that contains it (a cycle)' }, path.slice(0, 1));
      return REFUSED;
    }
    const isArray = Array.isArray(value);
    const proto = Object.getPrototypeOf(value) as unknown;
    if (!isArray && proto !== Object.prototype && proto !== null) {
      const found = kindOf(value);
      if (found === CUSTOM_PROTOTYPE) {
        refuse(path, { expected: 'a plain object', found: `${found} (a "__proto__" key sets one)`, hint: 'remove the "__proto__" key' });
      } else {
        refuse(path, { expected: 'plain data (an object, list, string, number or boolean)', found });
      }
      return REFUSED;
    }
    ancestors.add(value);
    try {
      if (isArray) {
        const out: unknown[] = [];
        for (let index = 0; index < value.length; index++) {
          const item = walk(Object.getOwnPropertyDescriptor(value, index)?.value, [...path, index]);
          out.push(item === REFUSED ? undefined : item);
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const keyPath = [...path, key];
        if (isReservedKey(key)) {
          refuse(keyPath, {
            expected: `a key other than ${RESERVED_KEYS_TEXT}`,
            found: JSON.stringify(key),
            message: `key ${JSON.stringify(key)} is not allowed (${RESERVED_KEYS_TEXT} are reserved); remove it`,
          });
          continue;
        }
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor && !('value' in descriptor)) {
          refuse(keyPath, { expected: 'a plain value', found: 'a getter' });
          continue;
        }
        const item = walk(descriptor?.value, keyPath);
        if (item !== REFUSED) out[key] = item;
      }
      return out;
    } finally {
      ancestors.delete(value);
    }
  };

  const value = walk(raw, []);
  return { value: value === REFUSED ? undefined : value, issues, failedPaths };
}
