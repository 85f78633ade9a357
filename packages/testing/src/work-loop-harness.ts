import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig, toConnectionOptions, type AidpConfig } from '@aidp/config';
import { buildWorkLoopInput, type WorkLoopRequest } from '@aidp/client';
import { createAidpWorker } from '@aidp/worker';

export { freePort } from '@aidp/worker';
import type { WorkLoopWorkflow } from '@aidp/workflows';
import type { WorkLoopInput } from '@aidp/workflows/contracts';
import { FIXTURE_TEST_COMMAND } from './fixture-project.js';
import { temporalAddress, uniqueName } from './temporal.js';

/** Raw `aidp.yml` content for a test, on top of settings that keep tests fast. */
export type RawConfig = Record<string, unknown>;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflows package, bundled once per test file (a few seconds of webpack). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('@aidp/workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop },
  });
  return bundle;
}

/**
 * A test configuration: the shared dev server (unless `raw` names another), a task queue of its own,
 * short timeouts, the agent command and checks given.
 */
export function testConfig(raw: RawConfig = {}, taskQueue = uniqueName('aidp-test')): AidpConfig {
  const targetHost = (raw.temporal as RawConfig | undefined)?.target_host;
  const base: RawConfig = {
    temporal: {
      target_host: targetHost ?? temporalAddress(),
      task_queue: taskQueue,
      timeouts: { activity_heartbeat: 5, activity_start_to_close: 60, activity_schedule_to_close: 300 },
      retry: { initial_interval: 1, maximum_interval: 2, maximum_attempts: 5 },
      worker: { shutdown_grace_period: 1 },
    },
    work_loop: {
      checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND, timeout: 60 }],
      max_iterations: 5,
    },
  };
  return resolveConfig(merge(base, raw), { env: {} }).config;
}

function merge(a: RawConfig, b: RawConfig): RawConfig {
  const out: RawConfig = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)
        ? merge(existing as RawConfig, value as RawConfig)
        : value;
  }
  return out;
}

/** A client and a real AIDP worker (real activities, bundled workflows) on the config's task queue and server. */
export interface WorkLoopHarness {
  config: AidpConfig;
  client: Client;
  worker: Worker;
  start(
    request: WorkLoopRequest,
    tweak?: (input: WorkLoopInput) => WorkLoopInput,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof WorkLoopWorkflow>>;
  /** Runs `fn` while the worker polls, then shuts the worker down. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function workLoopHarness(config: AidpConfig, activities?: object): Promise<WorkLoopHarness> {
  // The configured TLS and API key too, so the harness runs against secured servers as well.
  const options = toConnectionOptions(config);
  const nativeConnection = await NativeConnection.connect(options);
  const connection = await Connection.connect(options);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const { worker } = await createAidpWorker({
    config,
    activities,
    connection: nativeConnection,
    workerOptions: { workflowBundle: await workflowBundle() },
  });
  return {
    config,
    client,
    worker,
    start: (request, tweak = (i) => i) =>
      client.workflow.start<typeof WorkLoopWorkflow>('WorkLoopWorkflow', {
        taskQueue: config.temporal.task_queue,
        workflowId: uniqueName(`workloop-${request.stepName}`),
        args: [tweak(buildWorkLoopInput(config, request))],
      }),
    run: (fn) => worker.runUntil(fn),
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/**
 * Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). A probe may answer at
 * once (`() => agent.invocations().length === 1`) or asynchronously (a query to the workflow).
 */
export async function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the workflows package keeps the histories its replay test replays. */
export const HISTORIES_DIR = resolve(__dirname, '..', '..', 'workflows', 'src', '__tests__', 'histories');

/**
 * With `AIDP_RECORD_HISTORIES=1`, saves a finished run's history (in the JSON format of
 * `temporal workflow show --output json`) for the replay test of the workflows package. Re-record them
 * when a workflow change is meant to be incompatible; otherwise the replay test guards running runs.
 */
export async function recordHistory(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.AIDP_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const repoRoot = resolve(__dirname, '..', '..', '..');
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${withoutCheckoutPaths(historyToJSON(history), repoRoot)}\n`);
}

/**
 * A history's JSON without the folder of this checkout, as `<repo>`: stack traces name it in plain
 * text, and payloads (the agent command of a run's input) in base64. Replay never reads those strings.
 */
export function withoutCheckoutPaths(json: string, repoRoot: string): string {
  const scrub = (text: string) => text.split(`${repoRoot}/`).join('<repo>/');
  return scrub(json).replace(/"data": ?"([A-Za-z0-9+/]+=*)"/g, (whole, data: string) => {
    const decoded = Buffer.from(data, 'base64').toString('utf8');
    if (!decoded.includes(`${repoRoot}/`)) return whole;
    return whole.replace(data, Buffer.from(scrub(decoded), 'utf8').toString('base64'));
  });
}
