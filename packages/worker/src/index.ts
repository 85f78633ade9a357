/**
 * @aidp/worker — runs AIDP's workflows and activities in a Temporal worker, standalone (`aidp temporal
 * worker`, `aidp temporal dev`), embedded in another service (`createAidpWorker`), or added to a
 * service's own worker as a Temporal worker plugin (`aidpWorkerPlugin`). Also starts a local Temporal
 * dev server for development and tests. Node-only: never import it from workflow code.
 */
export { createAidpWorker } from './worker.js';
export type { CreateAidpWorkerOptions, AidpWorker } from './worker.js';
export { aidpWorkerPlugin, AIDP_WORKER_PLUGIN_NAME } from './plugin.js';
export type { AidpWorkerPluginOptions, AidpWorkerActivities, ServiceActivities } from './plugin.js';
// AIDP's activities and their contract, for a service that wraps or replaces one.
export { aidpActivities } from '@aidp/activities';
export type { AidpActivities } from '@aidp/workflows/contracts';
export { AidpNamespaceNotFoundError, AidpWorkerError } from './errors.js';
export { runWorker } from './run-worker.js';
export { installAidpRuntime, coreLogFilter, MetricsAddressInUseError } from './runtime.js';
export type { AidpRuntime, InstallAidpRuntimeOptions } from './runtime.js';
export { createAidpLogger } from './logger.js';
export type { AidpLogger, AidpLoggerOptions, LogStream } from './logger.js';
export type { RunWorkerOptions, WorkerEndpoint } from './run-worker.js';
export { startDevServer, freePort, isPortFree, devServerErrors, DevServerStartError, DevServerExitedError } from './dev-server.js';
export type { DevServerOptions, DevServer, DevServerStartReason } from './dev-server.js';
export { probeListener, describeListener, listeningProcess, isLocalHost, localAddresses } from './listener.js';
export type { Listener, ListeningProcess, ProbeListenerOptions } from './listener.js';
export { resolveTemporalCli, temporalCliCacheDir, TemporalCliNotFoundError, TEMPORAL_CLI_VERSION } from './temporal-cli.js';
export type { TemporalCliLocation, ResolveTemporalCliOptions } from './temporal-cli.js';
