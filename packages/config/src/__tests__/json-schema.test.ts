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

    expect(node?.anyOf?.find((option) => option.type === 'number')).toEqual({ type: 'number', exclusiveMinimum: 0 });
    for (const ok of ['90', '90s', '10m', '1h30m', '500ms', '1d']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['soon', '10 m', '', '-1s']) expect(pattern.test(bad)).toBe(false);
    expect(node?.description).toMatch(/Seconds, or a string such as "90s"/);
  });
});
