/**
 * The `temporal` section translated into the option objects Temporal's TypeScript SDK takes, so
 * every key takes effect. The return types are structural copies of the SDK's shapes (this package
 * imports nothing from Temporal); durations are whole milliseconds, the SDK's unit for a numeric
 * Duration.
 */
import { readFileSync } from 'node:fs';

import { secondsToMs } from './duration.js';
import { ConfigError, makeIssue } from './errors.js';
import type { AidpConfig } from './schema.js';

/** TLS settings in the shape of the SDK's `TLSConfig`. */
export interface TlsOptions {
  /** Name to verify the server certificate against (SNI), from `temporal.tls.server_name`. */
  serverNameOverride?: string;
  /** CA certificate (PEM), read from `temporal.tls.ca_file`. */
  serverRootCACertificate?: Buffer;
  /** Client certificate and key (PEM) for mTLS, read from `cert_file` and `key_file`. */
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/** Connection settings in the shape of the SDK's `ConnectionOptions` / `NativeConnectionOptions`. */
export interface AidpConnectionOptions {
  /** `temporal.target_host`. */
  address: string;
  /** Absent for a plaintext connection. */
  tls?: boolean | TlsOptions;
  /** `temporal.api_key`. */
  apiKey?: string;
}

/** Worker settings in the shape of the SDK's `WorkerOptions` (the subset the config sets). */
export interface AidpWorkerOptions {
  /** `temporal.namespace`. */
  namespace: string;
  /** `temporal.task_queue`. */
  taskQueue: string;
  /** `temporal.worker.max_concurrent_activities`. */
  maxConcurrentActivityTaskExecutions: number;
  /** `temporal.worker.max_concurrent_workflows`. */
  maxConcurrentWorkflowTaskExecutions: number;
  /** `temporal.worker.shutdown_grace_period`, in milliseconds. */
  shutdownGraceTime: number;
}

/** Workflow start settings in the shape of the SDK's `WorkflowStartOptions` (the subset the config sets). */
export interface AidpWorkflowStartOptions {
  /** `temporal.task_queue`. */
  taskQueue: string;
  /** `temporal.timeouts.workflow_execution`, in milliseconds. */
  workflowExecutionTimeout: number;
  /** `temporal.timeouts.workflow_run`, in milliseconds. */
  workflowRunTimeout: number;
}

/** Retry policy in the shape of the SDK's `RetryPolicy`. */
export interface AidpRetryPolicy {
  /** `temporal.retry.initial_interval`, in milliseconds. */
  initialInterval: number;
  /** `temporal.retry.backoff_coefficient`. */
  backoffCoefficient: number;
  /** `temporal.retry.maximum_interval`, in milliseconds. */
  maximumInterval: number;
  /** `temporal.retry.maximum_attempts`; 0 means unlimited. */
  maximumAttempts: number;
}

/**
 * Activity settings in the shape of the SDK's `ActivityOptions` (the subset the config sets). Plain
 * JSON, because it travels to workflows as part of their input.
 */
export interface AidpActivityOptions {
  /** `temporal.timeouts.activity_start_to_close`, in milliseconds. */
  startToCloseTimeout: number;
  /** `temporal.timeouts.activity_schedule_to_close`, in milliseconds. */
  scheduleToCloseTimeout: number;
  /** `temporal.timeouts.activity_heartbeat`, in milliseconds. */
  heartbeatTimeout: number;
  /** `temporal.retry.*`. */
  retry: AidpRetryPolicy;
}

/** Options for {@link toConnectionOptions}. */
export interface ConnectionTranslationOptions {
  /** Reads a TLS file; default `fs.readFileSync`. */
  readFile?: (path: string) => Buffer;
}

type TemporalSection = Pick<AidpConfig, 'temporal'>;

/**
 * Connection options from `temporal`: address, TLS (reading the CA and client certificate files) and
 * API key. An API key turns TLS on when `tls` is not set, as Temporal Cloud requires; an explicit
 * `tls: false` keeps the connection plaintext (a TLS-terminating proxy, a local server). Throws a
 * {@link ConfigError} naming the key and the path of a TLS file that cannot be read.
 */
export function toConnectionOptions(config: TemporalSection, options: ConnectionTranslationOptions = {}): AidpConnectionOptions {
  const { temporal } = config;
  const readFile = options.readFile ?? ((file: string) => readFileSync(file));
  const result: AidpConnectionOptions = { address: temporal.target_host };

  if (typeof temporal.tls === 'object') {
    const files = temporal.tls;
    const tls: TlsOptions = {};
    const problems: ConfigError['issues'] = [];
    const read = (key: 'ca_file' | 'cert_file' | 'key_file'): Buffer | undefined => {
      const file = files[key];
      if (file === undefined) return undefined;
      try {
        return readFile(file);
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        const notFound = code === 'ENOENT';
        problems.push(
          makeIssue({
            source: '',
            keyPath: `temporal.tls.${key}`,
            expected: 'a readable PEM file',
            found: notFound ? 'no such file' : String(code ?? error),
            message: notFound
              ? `file not found: ${file}`
              : `cannot read file: ${file} (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`,
          }),
        );
        return undefined;
      }
    };
    const ca = read('ca_file');
    const crt = read('cert_file');
    const key = read('key_file');
    if (problems.length > 0) throw new ConfigError(problems);
    if (files.server_name !== undefined) tls.serverNameOverride = files.server_name;
    if (ca) tls.serverRootCACertificate = ca;
    if (crt && key) tls.clientCertPair = { crt, key };
    result.tls = tls;
  } else if (temporal.tls === true || (temporal.tls === undefined && temporal.api_key !== undefined)) {
    result.tls = true;
  } else if (temporal.tls === false && temporal.api_key !== undefined) {
    // Said explicitly: the SDK would otherwise turn TLS on for the key.
    result.tls = false;
  }

  if (temporal.api_key !== undefined) result.apiKey = temporal.api_key;
  return result;
}

/** Worker options from `temporal`: namespace, task queue, concurrency and the shutdown grace time. */
export function toWorkerOptions(config: TemporalSection): AidpWorkerOptions {
  const { temporal } = config;
  return {
    namespace: temporal.namespace,
    taskQueue: temporal.task_queue,
    maxConcurrentActivityTaskExecutions: temporal.worker.max_concurrent_activities,
    maxConcurrentWorkflowTaskExecutions: temporal.worker.max_concurrent_workflows,
    shutdownGraceTime: secondsToMs(temporal.worker.shutdown_grace_period),
  };
}

/** Options for starting a workflow: task queue and the workflow timeouts. */
export function toWorkflowStartOptions(config: TemporalSection): AidpWorkflowStartOptions {
  const { temporal } = config;
  return {
    taskQueue: temporal.task_queue,
    workflowExecutionTimeout: secondsToMs(temporal.timeouts.workflow_execution),
    workflowRunTimeout: secondsToMs(temporal.timeouts.workflow_run),
  };
}

/** Activity options: the activity timeouts and the retry policy. */
export function toActivityOptions(config: TemporalSection): AidpActivityOptions {
  const { temporal } = config;
  return {
    startToCloseTimeout: secondsToMs(temporal.timeouts.activity_start_to_close),
    scheduleToCloseTimeout: secondsToMs(temporal.timeouts.activity_schedule_to_close),
    heartbeatTimeout: secondsToMs(temporal.timeouts.activity_heartbeat),
    retry: {
      initialInterval: secondsToMs(temporal.retry.initial_interval),
      backoffCoefficient: temporal.retry.backoff_coefficient,
      maximumInterval: secondsToMs(temporal.retry.maximum_interval),
      maximumAttempts: temporal.retry.maximum_attempts,
    },
  };
}
