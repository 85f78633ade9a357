import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime, type Logger, type ReplayWorkerOptions, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { aidpActivities } from '@aidp/activities';
import type { AidpConfig } from '@aidp/config';
import type { AidpActivities } from '@aidp/workflows/contracts';
import { AidpWorkerError } from './errors.js';

/** What an activity is to Temporal: a function of serializable arguments that settles later. */
type ActivityFunction = (...args: never[]) => Promise<unknown>;

/**
 * Activities by name: those of AIDP's names under AIDP's contract (`AidpActivities` of
 * `@aidp/workflows/contracts`), any other name an activity function.
 */
export type ServiceActivities = Partial<AidpActivities> & Record<string, ActivityFunction>;

/**
 * Activities a service registers next to AIDP's, as a function infers them: its own, under new names,
 * and any of AIDP's it replaces, under AIDP's name, which must then keep AIDP's contract since AIDP's
 * workflows call it. A value typed only as `object` passes unchecked.
 */
export type AidpWorkerActivities<A extends object = ServiceActivities> = A & {
  [K in keyof A]: K extends keyof AidpActivities ? AidpActivities[K] : ActivityFunction;
};

/** Options of {@link aidpWorkerPlugin}. */
export interface AidpWorkerPluginOptions {
  /**
   * Module of workflow functions to bundle when the worker names none. Default: the bundle prebuilt
   * with this package when it fits the worker (the same Temporal version, nothing to add at bundling
   * time), else `@aidp/workflows` bundled at start-up.
   */
  workflowsPath?: string;
  /** Where the plugin says what it did (an activity replaced, a bundle made). Default: the Temporal runtime's logger. */
  logger?: Logger;
}

/** The name the plugin has in the worker's `plugins`. */
export const AIDP_WORKER_PLUGIN_NAME = 'aidp';

/**
 * The workflow bundle made at package build time (`scripts/bundle-workflows.js`), and next to it the
 * Temporal version it was made with. Starting from it skips webpack at worker start-up.
 */
export const PREBUILT_WORKFLOW_BUNDLE = join(__dirname, '..', 'lib', 'workflow-bundle.js');
const PREBUILT_WORKFLOW_BUNDLE_INFO = join(__dirname, '..', 'lib', 'workflow-bundle.json');

/**
 * AIDP as a Temporal worker plugin, for a service that creates its own worker with `Worker.create`:
 * the plugin adds AIDP's activities and workflows to the worker's and leaves everything else as the
 * service set it (connection, tuning, interceptors, other plugins).
 *
 * - Activities join: the worker's own stay, AIDP's are added. An activity of the worker with the name
 *   of one of AIDP's replaces AIDP's — on purpose, by name — and the plugin logs that once.
 * - Workflows: a worker that names its own (`workflowsPath`, `workflowBundle`) keeps them, and its
 *   module must re-export AIDP's (`export * from '@aidp/workflows'`); otherwise the plugin gives it
 *   AIDP's. The bundle prebuilt with this package is used only when nothing would be lost: the same
 *   Temporal version, and no workflow interceptor modules, payload or failure converter, bundler
 *   options or bundler plugins of the worker's, which take effect at bundling time.
 * - The worker must poll the namespace and task queue of `config.temporal`, where AIDP's client
 *   starts runs; anything else fails `Worker.create` with AidpWorkerError, instead of runs waiting
 *   for a worker that never comes.
 *
 * Put it last in `plugins`, so that it sees the activities other plugins add.
 */
export function aidpWorkerPlugin(config: AidpConfig, options: AidpWorkerPluginOptions = {}): WorkerPlugin {
  return new AidpWorkerPlugin(config, options);
}

// The SDK's interface rather than its `SimplePlugin` (@temporalio/plugin): SimplePlugin spreads a
// plugin's activities over the worker's, so the plugin would win a name the service chose to replace,
// and it resolves `workflowsPath` and `workflowBundle` each on its own, where a worker takes one.
class AidpWorkerPlugin implements WorkerPlugin {
  readonly name = AIDP_WORKER_PLUGIN_NAME;
  /** Activities already reported as replaced, so that a plugin reused for several workers says it once. */
  private readonly reported = new Set<string>();

  /**
   * Where AIDP's client starts runs. Only this is kept of the configuration: the SDK logs a worker's
   * options, plugins included, and the configuration may hold secrets (`temporal.api_key`).
   */
  private readonly target: { namespace: string; taskQueue: string };

  constructor(
    config: AidpConfig,
    private readonly options: AidpWorkerPluginOptions,
  ) {
    this.target = { namespace: config.temporal.namespace, taskQueue: config.temporal.task_queue };
  }

  configureWorker(options: WorkerOptions): WorkerOptions {
    this.checkTarget(options);
    return {
      ...options,
      activities: this.joinActivities(options.activities),
      ...this.workflowSource(options),
    };
  }

  configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    return { ...options, ...this.workflowSource(options) };
  }

  private get logger(): Logger {
    return this.options.logger ?? Runtime.instance().logger;
  }

  private checkTarget(options: WorkerOptions): void {
    const { namespace, taskQueue } = this.target;
    const polled = { namespace: options.namespace ?? 'default', taskQueue: options.taskQueue };
    const mismatch =
      polled.taskQueue !== taskQueue
        ? `task queue "${polled.taskQueue}", but temporal.task_queue is "${taskQueue}"`
        : polled.namespace !== namespace
          ? `namespace "${polled.namespace}", but temporal.namespace is "${namespace}"`
          : undefined;
    if (mismatch) {
      throw new AidpWorkerError(
        `the worker polls ${mismatch}: AIDP's client starts runs there, and no worker would take them; ` +
          "make the worker's options and the configuration agree (toWorkerOptions(config) gives both from aidp.yml)",
      );
    }
  }

  private joinActivities(own: object | undefined): object {
    const replaced = Object.keys(aidpActivities).filter((name) => own !== undefined && name in own);
    for (const name of replaced.filter((n) => !this.reported.has(n))) {
      this.reported.add(name);
      this.logger.info(`the worker's own ${name} activity replaces AIDP's`, { activityType: name, sdkComponent: 'worker' });
    }
    return { ...aidpActivities, ...own };
  }

  private workflowSource(options: WorkerOptions | ReplayWorkerOptions): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
    if (options.workflowsPath !== undefined || options.workflowBundle !== undefined) return {};
    if (this.options.workflowsPath !== undefined) return { workflowsPath: this.options.workflowsPath };
    const unfit = prebuiltBundleUnfit(options);
    if (unfit === undefined) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
    this.logger.info(`bundling AIDP's workflows at start-up (a few seconds): ${unfit}`, { sdkComponent: 'worker' });
    return { workflowsPath: require.resolve('@aidp/workflows') };
  }
}

/**
 * Why the prebuilt bundle cannot serve this worker, or undefined when it can. A bundle carries the
 * Temporal workflow runtime it was made with, which must be the worker's own, and everything a worker
 * adds at bundling time, which a prebuilt bundle cannot take.
 */
function prebuiltBundleUnfit(options: WorkerOptions | ReplayWorkerOptions): string | undefined {
  const bundled = prebuiltBundleVersion();
  if (bundled === undefined) return 'this package has no prebuilt bundle';
  const running = temporalWorkerVersion();
  if (bundled !== running) return `the prebuilt bundle is for Temporal ${bundled}, and this worker runs ${running}`;
  if ((options.interceptors?.workflowModules?.length ?? 0) > 0) return 'the worker has workflow interceptor modules';
  if (options.dataConverter?.payloadConverterPath !== undefined || options.dataConverter?.failureConverterPath !== undefined) {
    return 'the worker has its own payload or failure converter';
  }
  if (options.bundlerOptions !== undefined) return 'the worker has bundler options';
  const bundlerPlugin = (options.plugins ?? []).find((p) => p.name !== AIDP_WORKER_PLUGIN_NAME && 'configureBundler' in p);
  if (bundlerPlugin !== undefined) return `the ${bundlerPlugin.name} plugin configures the bundler`;
  return undefined;
}

function prebuiltBundleVersion(): string | undefined {
  if (!existsSync(PREBUILT_WORKFLOW_BUNDLE) || !existsSync(PREBUILT_WORKFLOW_BUNDLE_INFO)) return undefined;
  return (JSON.parse(readFileSync(PREBUILT_WORKFLOW_BUNDLE_INFO, 'utf8')) as { temporal: string }).temporal;
}

/** The version of `@temporalio/worker` this package runs with: the application's, a peer dependency. */
function temporalWorkerVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
}
