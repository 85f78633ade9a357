import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { AidpConfig } from '@aidp/config';
import { isPortFree } from './dev-server.js';

const LEVELS: Record<AidpConfig['logging']['level'], LogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

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
}

/**
 * Installs the Temporal runtime of an AIDP worker process: its log level from `logging.level`, and
 * — with `metrics.enabled` — the Prometheus endpoint on `metrics.prometheus`, whose counters carry the
 * `_total` suffix (`temporal_workflow_completed_total`, `aidp_iterations_total`, …). Call it once,
 * before any connection or worker is created; a service that installs its own runtime skips this.
 *
 * When the metrics address is taken it fails with {@link MetricsAddressInUseError}, or, with
 * `ifMetricsAddressInUse: 'skip'` (the zero-setup dev command), runs without metrics.
 */
export async function installAidpRuntime(
  config: AidpConfig,
  options: { ifMetricsAddressInUse?: 'fail' | 'skip' } = {},
): Promise<AidpRuntime> {
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
  const install = (address: string | null) =>
    Runtime.install({
      logger: new DefaultLogger(LEVELS[config.logging.level]),
      telemetryOptions: address ? { metrics: { prometheus: { bindAddress: address, countersTotalSuffix: true } } } : undefined,
    });
  try {
    install(metricsAddress);
  } catch (err) {
    // Taken between the check and the bind.
    if (!metricsAddress || !/address already in use/i.test((err as Error).message)) throw err;
    if (options.ifMetricsAddressInUse !== 'skip') throw new MetricsAddressInUseError(metricsAddress);
    metricsAddress = null;
    install(null);
  }
  return { metricsAddress };
}
