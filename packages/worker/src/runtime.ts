import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { AidpConfig } from '@aidp/config';

const LEVELS: Record<AidpConfig['logging']['level'], LogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * Installs the Temporal runtime of an AIDP worker process: its log level from `logging.level`, and
 * — with `metrics.enabled` — the Prometheus endpoint on `metrics.prometheus`, whose counters carry the
 * `_total` suffix (`temporal_workflow_completed_total`, `aidp_iterations_total`, …). Call it once,
 * before any connection or worker is created; a service that installs its own runtime skips this.
 */
export function installAidpRuntime(config: AidpConfig): void {
  Runtime.install({
    logger: new DefaultLogger(LEVELS[config.logging.level]),
    telemetryOptions: config.metrics.enabled
      ? { metrics: { prometheus: { bindAddress: config.metrics.prometheus, countersTotalSuffix: true } } }
      : undefined,
  });
}
