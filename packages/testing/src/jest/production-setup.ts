// Jest runs this compiled file (lib/jest/production-setup.js) as the global setup of the "production"
// project: tests against the full Temporal server on PostgreSQL (*.prod.test.ts). Each test file starts
// its own PostgreSQL and server (they differ in TLS and authorization, and the fault tests kill them);
// this finds, or builds once, what they run, so a missing piece fails here with one clear message.
import { resolveTemporalCli } from '@aidp/worker';
import { resolvePostgresBin } from '../postgres.js';
import { resolveTemporalServer } from '../temporal-server.js';
import { dirname } from 'node:path';

export default async function productionSetup(): Promise<void> {
  process.env.AIDP_POSTGRES_BIN = resolvePostgresBin();
  const server = await resolveTemporalServer({
    onBuildStart: (dir) => process.stderr.write(`\nBuilding the Temporal server into ${dir} (once; ten minutes or more)...\n`),
  });
  process.env.AIDP_TEMPORAL_SERVER_BIN = dirname(server.server);
  // Some tests compare with the dev server or drive the `temporal` CLI.
  process.env.AIDP_TEMPORAL_CLI ??= (await resolveTemporalCli()).path;
}
