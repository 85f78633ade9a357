import { readFileSync } from 'node:fs';
import path from 'node:path';

import { configKeyDocs, renderConfigurationDocs } from '../config-docs.js';
import { explainConfig } from '../explain.js';
import { resolveConfig } from '../load.js';
import { ENVIRONMENT_VARIABLES } from '../overlay.js';

const committedPath = path.join(__dirname, '..', '..', '..', '..', 'docs', 'configuration.md');

describe('the configuration reference in docs/configuration.md', () => {
  it('is what the generator makes from the schema', () => {
    if (readFileSync(committedPath, 'utf8') !== renderConfigurationDocs()) {
      throw new Error('docs/configuration.md is out of date: run pnpm --filter @aidp/config run docs (after a build)');
    }
  });

  it('lists every key the loader knows, with the default it applies', () => {
    const docs = new Map(configKeyDocs().map((doc) => [doc.key, doc]));
    const entries = explainConfig(resolveConfig({}, { cwd: process.cwd(), env: {} }));

    for (const entry of entries) {
      const documented = docs.get(entry.key);
      expect([entry.key, documented?.default ?? null]).toEqual([entry.key, entry.value]);
      expect([entry.key, documented?.description]).toEqual([entry.key, expect.stringMatching(/\S/)]);
    }
  });

  it('names the environment variable of every key that has one', () => {
    const text = readFileSync(committedPath, 'utf8');

    for (const { variable, keyPath } of ENVIRONMENT_VARIABLES) {
      expect(text).toContain(`| \`${keyPath}\` |`);
      expect(text.split('\n').find((line) => line.startsWith(`| \`${keyPath}\` |`))).toContain(`\`${variable}\``);
    }
  });

  it('shows the range of numeric keys and the size cap of agent output', () => {
    const row = (key: string) =>
      readFileSync(committedPath, 'utf8')
        .split('\n')
        .find((line) => line.startsWith(`| \`${key}\` |`)) ?? '';

    expect(row('temporal.worker.max_concurrent_activities')).toContain('| integer from 1 to 10000 |');
    expect(row('temporal.retry.maximum_attempts')).toContain('| integer from 0 to 10000 |');
    expect(row('temporal.retry.backoff_coefficient')).toContain('| number from 1 to 100 |');
    expect(row('work_loop.max_cost_usd')).toContain('| number > 0, at most 1000000 |');
    expect(row('agent.timeout')).toContain('| duration up to 24d |');
    expect(row('temporal.timeouts.workflow_execution')).toContain('| duration up to 3650d |');
    expect(row('agent.max_output_bytes')).toContain('| size from 64KiB to 1GiB | `10485760` |');
  });
});
