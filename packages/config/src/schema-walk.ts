/**
 * Reading the shape of the valibot schema, so the steps that need to know which keys exist (unknown
 * key detection, the list of every key for explain) follow the schema instead of repeating it.
 */
import { isPlainObject, type PathSegment } from './paths.js';

/** The parts of a valibot schema object this module reads. */
interface SchemaNode {
  type: string;
  message?: unknown;
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  options?: SchemaNode[];
  item?: SchemaNode;
  value?: SchemaNode;
}

const OBJECT_TYPES = new Set(['object', 'strict_object', 'loose_object', 'object_with_rest']);
const WRAPPER_TYPES = new Set(['optional', 'exact_optional', 'nullish', 'nullable', 'undefinedable']);

function unwrap(schema: SchemaNode): SchemaNode {
  let current = schema;
  while (WRAPPER_TYPES.has(current.type) && current.wrapped) current = current.wrapped;
  return current;
}

function asNode(schema: unknown): SchemaNode {
  return schema as SchemaNode;
}

function objectOption(schema: SchemaNode): SchemaNode | undefined {
  return schema.options?.map(unwrap).find((option) => OBJECT_TYPES.has(option.type));
}

function arrayOption(schema: SchemaNode): SchemaNode | undefined {
  return schema.options?.map(unwrap).find((option) => option.type === 'array');
}

/** A structural problem found by {@link findStructuralProblems}. */
export type StructuralProblem =
  | { kind: 'unknown-key'; path: PathSegment[]; key: string; knownKeys: string[] }
  | { kind: 'list-not-object'; path: PathSegment[]; expected: string };

/**
 * Finds every key the schema does not know, at any depth, and every list given where an object is
 * expected. (valibot's strict objects stop at the first unknown key and accept a list as an object;
 * this reports them all, so one run shows every mistake.)
 */
export function findStructuralProblems(schema: unknown, value: unknown): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  const walk = (node: SchemaNode, current: unknown, path: PathSegment[]): void => {
    const s = unwrap(node);
    if (OBJECT_TYPES.has(s.type) && s.entries) {
      if (Array.isArray(current)) {
        problems.push({ kind: 'list-not-object', path, expected: typeof s.message === 'string' ? s.message : 'an object' });
        return;
      }
      if (!isPlainObject(current)) return;
      const entries = s.entries;
      for (const [key, item] of Object.entries(current)) {
        const entry = Object.prototype.hasOwnProperty.call(entries, key) ? entries[key] : undefined;
        if (entry) walk(entry, item, [...path, key]);
        else if (s.type === 'strict_object')
          problems.push({ kind: 'unknown-key', path: [...path, key], key, knownKeys: Object.keys(entries) });
      }
      return;
    }
    if (s.type === 'record' && s.value) {
      if (Array.isArray(current)) {
        problems.push({ kind: 'list-not-object', path, expected: typeof s.message === 'string' ? s.message : 'an object' });
        return;
      }
      if (isPlainObject(current)) for (const [key, item] of Object.entries(current)) walk(s.value, item, [...path, key]);
      return;
    }
    if (s.type === 'array' && s.item) {
      if (Array.isArray(current)) current.forEach((item: unknown, index) => walk(s.item!, item, [...path, index]));
      return;
    }
    if (s.type === 'union') {
      const option = isPlainObject(current) ? objectOption(s) : Array.isArray(current) ? arrayOption(s) : undefined;
      if (option) walk(option, current, path);
    }
  };
  walk(asNode(schema), value, []);
  return problems;
}

/**
 * Visits every leaf of a validated configuration in schema order: scalars, lists, and objects keyed
 * by user-chosen names when empty. Optional keys that are not set are visited with `undefined`, so
 * explain can show the whole picture.
 */
export function schemaLeaves(schema: unknown, value: unknown, visit: (path: PathSegment[], leaf: unknown) => void): void {
  const walk = (node: SchemaNode, current: unknown, path: PathSegment[]): void => {
    const s = unwrap(node);
    if (OBJECT_TYPES.has(s.type) && s.entries && (isPlainObject(current) || current === undefined)) {
      for (const [key, entry] of Object.entries(s.entries)) {
        walk(entry, isPlainObject(current) ? current[key] : undefined, [...path, key]);
      }
      return;
    }
    if (s.type === 'record' && s.value && isPlainObject(current) && Object.keys(current).length > 0) {
      for (const [key, item] of Object.entries(current)) walk(s.value, item, [...path, key]);
      return;
    }
    if (s.type === 'union' && isPlainObject(current)) {
      const option = objectOption(s);
      if (option) {
        walk(option, current, path);
        return;
      }
    }
    visit(path, current);
  };
  walk(asNode(schema), value, []);
}
