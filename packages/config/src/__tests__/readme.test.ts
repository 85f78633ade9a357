import { readFileSync } from 'node:fs';
import path from 'node:path';

import { explainConfig } from '../explain.js';
import { resolveConfig } from '../load.js';
import { ENVIRONMENT_VARIABLES } from '../overlay.js';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

function tableRows(): Map<string, { defaultValue: string; env: string }> {
  const rows = new Map<string, { defaultValue: string; env: string }>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim().replace(/`/g, ''));
    // A table row: '', key, default, environment, ''
    if (cells.length !== 5 || !/^[a-z_]+\./.test(cells[1] ?? '')) continue;
    rows.set(cells[1]!, { defaultValue: cells[2]!, env: cells[3]! });
  }
  return rows;
}

function shown(value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

describe('the README key reference', () => {
  it('lists every key with the default the loader applies', () => {
    const rows = tableRows();
    const entries = explainConfig(resolveConfig({}, { cwd: process.cwd(), env: {} }));

    for (const entry of entries) {
      expect([entry.key, rows.get(entry.key)?.defaultValue]).toEqual([entry.key, shown(entry.value)]);
    }
  });

  it('names the environment variable of each key that has one, and no other', () => {
    const rows = tableRows();
    const expected = new Map(ENVIRONMENT_VARIABLES.map((spec) => [spec.keyPath, spec.variable]));

    for (const [key, row] of rows) {
      expect([key, row.env]).toEqual([key, expected.get(key) ?? '']);
    }
  });
});
