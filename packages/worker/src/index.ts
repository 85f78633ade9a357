/**
 * @aidp/worker — runs AIDP's workflows and activities in a Temporal worker, standalone (`aidp temporal
 * worker`, `aidp temporal dev`) or embedded in another service. Also starts a local Temporal dev
 * server for development and tests. Node-only: never import it from workflow code.
 */
export { createAidpWorker } from './worker.js';
export type { CreateAidpWorkerOptions, AidpWorker } from './worker.js';
export { runWorker } from './run-worker.js';
export { installAidpRuntime, coreLogFilter, MetricsAddressInUseError } from './runtime.js';
export type { AidpRuntime, InstallAidpRuntimeOptions } from './runtime.js';
export { createAidpLogger } from './logger.js';
export type { AidpLogger, AidpLoggerOptions, LogStream } from './logger.js';
export type { RunWorkerOptions, WorkerEndpoint } from './run-worker.js';
export { startDevServer, freePort, isPortFree, DevServerStartError } from './dev-server.js';
export type { DevServerOptions, DevServer } from './dev-server.js';
export {
  resolveTemporalCli,
  temporalCliCacheDir,
  TemporalCliNotFoundError,
  TEMPORAL_CLI_VERSION,
} from './temporal-cli.js';
export type { TemporalCliLocation, ResolveTemporalCliOptions } from './temporal-cli.js';
