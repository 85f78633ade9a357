import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { generateJsonSchema, renderJsonSchema } from '../json-schema.js';
import { getAtPath } from '../paths.js';
import { defaultConfig } from '../schema.js';

interface JsonSchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  pattern?: string;
  exclusiveMinimum?: number;
  minimum?: number;
  maximum?: number;
}

/** Every node of a JSON Schema with its key path: properties, options, list items and map values. */
function allNodes(node: JsonSchemaNode, prefix: string[] = []): Array<[string, JsonSchemaNode]> {
  const out: Array<[string, JsonSchemaNode]> = [[prefix.join('.'), node]];
  for (const [key, child] of Object.entries(node.properties ?? {})) out.push(...allNodes(child, [...prefix, key]));
  for (const option of node.anyOf ?? []) out.push(...allNodes(option, prefix));
  if (node.items) out.push(...allNodes(node.items, [...prefix, '[]']));
  if (typeof node.additionalProperties === 'object') out.push(...allNodes(node.additionalProperties, [...prefix, '<name>']));
  return out;
}

const committedPath = path.join(__dirname, '..', '..', 'schema.json');

function properties(node: JsonSchemaNode, prefix: string[] = []): Array<[string[], JsonSchemaNode]> {
  const out: Array<[string[], JsonSchemaNode]> = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    out.push([[...prefix, key], child]);
    out.push(...properties(child, [...prefix, key]));
    for (const option of child.anyOf ?? []) out.push(...properties(option, [...prefix, key]));
  }
  return out;
}

describe('the JSON Schema shipped for editors', () => {
  it('matches the committed schema.json', () => {
    const committed: unknown = JSON.parse(readFileSync(committedPath, 'utf8'));
    if (!isDeepStrictEqual(committed, generateJsonSchema())) {
      throw new Error('schema.json is out of date: run pnpm --filter @aidp/config schema');
    }
    expect(readFileSync(committedPath, 'utf8')).toBe(renderJsonSchema());
  });

  it('refuses unknown keys, like the loader', () => {
    const schema = generateJsonSchema() as JsonSchemaNode;

    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties?.temporal?.additionalProperties).toBe(false);
  });

  it('describes every key', () => {
    const undocumented = properties(generateJsonSchema() as JsonSchemaNode)
      .filter(([, node]) => !node.description)
      .map(([keyPath]) => keyPath.join('.'));

    expect(undocumented).toEqual([]);
  });

  it('gives every default the loader applies', () => {
    const defaults = defaultConfig();
    const withDefault = properties(generateJsonSchema() as JsonSchemaNode).filter(([, node]) => 'default' in node);

    expect(withDefault.length).toBeGreaterThan(30);
    for (const [keyPath, node] of withDefault) {
      if (node.type === 'object' && node.properties) continue;
      expect([keyPath.join('.'), node.default]).toEqual([keyPath.join('.'), getAtPath(defaults, keyPath)]);
    }
  });

  it('accepts a duration as seconds or a duration string, and nothing else', () => {
    const schema = generateJsonSchema() as JsonSchemaNode;
    const node = schema.properties?.temporal?.properties?.timeouts?.properties?.workflow_run;
    const stringOption = node?.anyOf?.find((option) => option.type === 'string');
    const pattern = new RegExp(stringOption?.pattern ?? '^$');

    expect(node?.anyOf?.find((option) => option.type === 'number')).toEqual({ type: 'number', minimum: 0.001, maximum: 315_360_000 });
    for (const ok of ['90', '90s', '10m', '1h30m', '500ms', '1d']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['soon', '10 m', '', '-1s']) expect(pattern.test(bad)).toBe(false);
    expect(node?.description).toMatch(/Seconds, or a string such as "90s"/);
  });

  it('states a lower and an upper bound for every number, so editors flag what the loader refuses', () => {
    const numeric = allNodes(generateJsonSchema() as JsonSchemaNode).filter(
      ([, node]) => node.type === 'integer' || node.type === 'number',
    );
    const unbounded = numeric
      .filter(([, node]) => (node.minimum === undefined && node.exclusiveMinimum === undefined) || node.maximum === undefined)
      .map(([keyPath]) => keyPath);

    expect(numeric.length).toBeGreaterThan(20);
    expect(unbounded).toEqual([]);
  });

  it('gives the worker concurrency the range the worker takes', () => {
    const worker = (generateJsonSchema() as JsonSchemaNode).properties?.temporal?.properties?.worker?.properties;

    expect(worker?.max_concurrent_activities).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000 });
    expect(worker?.max_concurrent_workflows).toMatchObject({ type: 'integer', minimum: 2, maximum: 10000 });
  });
});
