// Jest runs this compiled file (lib/jest/global-setup.js), since its module mapping does not apply to
// global setup files; `pnpm test` builds first.
//
// Starts one Temporal dev server for the whole integration run, unless TEMPORAL_ADDRESS already points
// at a running server. Test files read the address from TEMPORAL_ADDRESS.
import { resolveTemporalCli, startDevServer, type DevServer } from '@aidp/worker';

declare global {
  var __AIDP_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Tests that drive the Go CLI (`temporal workflow signal …`) find it here too.
  const cli = await resolveTemporalCli({
    onBuildStart: (dir) => process.stderr.write(`\nBuilding the Temporal CLI into ${dir} (once; a few minutes)...\n`),
  });
  process.env.AIDP_TEMPORAL_CLI = cli.path;
  if (process.env.TEMPORAL_ADDRESS) return;
  const started = Date.now();
  const server = await startDevServer({ cliPath: cli.path, uiPort: false });
  globalThis.__AIDP_DEV_SERVER__ = server;
  process.env.TEMPORAL_ADDRESS = server.address;
  process.stderr.write(`\nTemporal dev server at ${server.address} (pid ${server.pid}, ready in ${Date.now() - started} ms)\n`);
}
