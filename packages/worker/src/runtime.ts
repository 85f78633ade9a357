import { Runtime, type Logger, type LogLevel } from '@temporalio/worker';
import type { AidpConfig } from '@aidp/config';
import { isPortFree } from './dev-server.js';
import { createAidpLogger } from './logger.js';

/**
 * What the Rust core logs: its own messages at the configured level; the libraries it uses (gRPC,
 * HTTP/2) only from warn, since their debug output is about frames and sockets, not about AIDP.
 */
export function coreLogFilter(level: AidpConfig['logging']['level']): { core: LogLevel; other: LogLevel } {
  const core = level.toUpperCase() as LogLevel;
  return { core, other: level === 'error' ? 'ERROR' : 'WARN' };
}

/** Raised when the metrics address is taken; the message says how to choose another. */
export class MetricsAddressInUseError extends Error {
  override readonly name = 'MetricsAddressInUseError';
  constructor(readonly address: string) {
    super(
      `metrics.prometheus ${address} is already in use (another worker on this machine?); ` +
        'set metrics.prometheus in aidp.yml to a free address, or metrics.enabled: false',
    );
  }
}

/** What {@link installAidpRuntime} set up. */
export interface AidpRuntime {
  /** The Prometheus endpoint, when metrics are on. */
  metricsAddress: string | null;
  /** The logger everything in the process logs through. */
  logger: Logger;
  /**
   * Shuts the runtime down, writing what its logger still holds. The runtime shuts itself down once
   * its last worker and connection close; call this when none may have been made (a command that
   * failed first), since forwarding the core's logs otherwise keeps the process alive.
   */
  close(): Promise<void>;
}

/** Options of {@link installAidpRuntime}. */
export interface InstallAidpRuntimeOptions {
  /** What to do when the metrics address is taken: fail (default) or run without metrics. */
  ifMetricsAddressInUse?: 'fail' | 'skip';
  /**
   * The logger; default {@link createAidpLogger} with `logging.level` and `logging.format`, on
   * stderr. A service passes its own to have AIDP's logs, and Temporal's, in its log stream.
   */
  logger?: Logger;
}

/**
 * Installs the Temporal runtime of an AIDP worker process: one logger for everything the process
 * logs — the SDK, the Rust core (forwarded to it, filtered at `logging.level`), activities and
 * workflows — and, with `metrics.enabled`, the Prometheus endpoint on `metrics.prometheus`, whose
 * counters carry the `_total` suffix (`temporal_workflow_completed_total`, `aidp_iterations_total`,
 * …). Call it once, before any connection or worker is created; a service that installs its own
 * runtime skips this.
 *
 * When the metrics address is taken it fails with {@link MetricsAddressInUseError}, or, with
 * `ifMetricsAddressInUse: 'skip'` (the zero-setup dev command), runs without metrics.
 */
export async function installAidpRuntime(config: AidpConfig, options: InstallAidpRuntimeOptions = {}): Promise<AidpRuntime> {
  const logger = options.logger ?? createAidpLogger({ level: config.logging.level, format: config.logging.format });
  let metricsAddress: string | null = config.metrics.enabled ? config.metrics.prometheus : null;
  if (metricsAddress) {
    const separator = metricsAddress.lastIndexOf(':');
    const host = metricsAddress.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(metricsAddress.slice(separator + 1));
    if (!(await isPortFree(port, host))) {
      if (options.ifMetricsAddressInUse !== 'skip') throw new MetricsAddressInUseError(metricsAddress);
      metricsAddress = null;
    }
  }
  let runtime: Runtime | undefined;
  const install = (address: string | null) =>
    (runtime = Runtime.install({
      logger,
      telemetryOptions: {
        logging: { forward: {}, filter: coreLogFilter(config.logging.level) },
        ...(address ? { metrics: { prometheus: { bindAddress: address, countersTotalSuffix: true } } } : {}),
      },
    }));
  try {
    install(metricsAddress);
  } catch (err) {
    // Taken between the check and the bind.
    if (!metricsAddress || !/address already in use/i.test((err as Error).message)) throw err;
    if (options.ifMetricsAddressInUse !== 'skip') throw new MetricsAddressInUseError(metricsAddress);
    metricsAddress = null;
    install(null);
  }
  return {
    metricsAddress,
    logger,
    // A no-op once the runtime has shut itself down.
    close: async () => await runtime?.shutdown(),
  };
}
