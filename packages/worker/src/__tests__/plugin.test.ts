import type { Logger, WorkerOptions, WorkerPlugin } from '@temporalio/worker';
import { aidpActivities } from '@aidp/activities';
import { resolveConfig, toWorkerOptions } from '@aidp/config';
import { aidpWorkerPlugin, PREBUILT_WORKFLOW_BUNDLE } from '../plugin';

// The plugin's part of `Worker.create`: what it makes of the options a service gives its own worker.
// (packaging.int.test.ts and plugin.int.test.ts run it in real workers.)

const { config } = resolveConfig({ temporal: { namespace: 'team-a', task_queue: 'orders' } }, { env: {} });

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return { lines, log, trace: log, debug: log, info: log, warn: log, error: log };
}

/** A service's own worker options: its namespace and task queue, as aidp.yml has them. */
function serviceOptions(extra: Partial<WorkerOptions> = {}): WorkerOptions {
  return { ...toWorkerOptions(config), ...extra };
}

function configure(plugin: WorkerPlugin, options: WorkerOptions): WorkerOptions {
  return plugin.configureWorker!(options) as WorkerOptions;
}

describe('aidpWorkerPlugin', () => {
  it("keeps no secret of the configuration: the SDK logs a worker's plugins with its options", () => {
    const key = 'aidp-plugin-canary-0123456789';
    const withKey = resolveConfig({ temporal: { namespace: 'team-a', task_queue: 'orders', api_key: key, tls: true } }, { env: {} }).config;
    const plugin = aidpWorkerPlugin(withKey, { logger: recordingLogger() });
    expect(JSON.stringify(plugin)).not.toContain(key);
    expect(JSON.stringify(configure(plugin, serviceOptions({ plugins: [plugin] })))).not.toContain(key);
  });

  it("adds AIDP's activities to the worker's own", () => {
    const sendInvoice = () => Promise.resolve('sent');
    const options = configure(aidpWorkerPlugin(config, { logger: recordingLogger() }), serviceOptions({ activities: { sendInvoice } }));

    expect(options.activities).toEqual({ ...aidpActivities, sendInvoice });
  });

  it("keeps the worker's own activity of an AIDP name, and says so once", () => {
    const logger = recordingLogger();
    const runChecks = () => Promise.resolve({ iteration: 1, passing: true, checks: [] });
    const plugin = aidpWorkerPlugin(config, { logger });

    const first = configure(plugin, serviceOptions({ activities: { runChecks } }));
    configure(plugin, serviceOptions({ activities: { runChecks } }));

    expect((first.activities as Record<string, unknown>).runChecks).toBe(runChecks);
    expect((first.activities as Record<string, unknown>).runAgent).toBe(aidpActivities.runAgent);
    expect(logger.lines).toEqual(["the worker's own runChecks activity replaces AIDP's"]);
  });

  it("leaves the worker's interceptors, connection settings and tuning as they were", () => {
    const activityInterceptor = () => ({});
    const given = serviceOptions({
      interceptors: { activity: [activityInterceptor] },
      identity: 'billing@host-1',
      maxConcurrentActivityTaskExecutions: 3,
      shutdownGraceTime: '1 minute',
    });
    const options = configure(aidpWorkerPlugin(config, { logger: recordingLogger() }), given);

    expect(options.interceptors).toBe(given.interceptors);
    expect(options).toMatchObject({ identity: 'billing@host-1', maxConcurrentActivityTaskExecutions: 3, shutdownGraceTime: '1 minute' });
  });

  it("keeps the worker's own workflows, and gives AIDP's to a worker that names none", () => {
    const plugin = aidpWorkerPlugin(config, { logger: recordingLogger() });

    const ownModule = configure(plugin, serviceOptions({ workflowsPath: '/srv/billing/workflows.js' }));
    expect([ownModule.workflowsPath, ownModule.workflowBundle]).toEqual(['/srv/billing/workflows.js', undefined]);
    const ownBundle = configure(plugin, serviceOptions({ workflowBundle: { codePath: '/srv/billing/bundle.js' } }));
    expect([ownBundle.workflowsPath, ownBundle.workflowBundle]).toEqual([undefined, { codePath: '/srv/billing/bundle.js' }]);
    // The package's build made the bundle, for the Temporal version the workspace runs.
    expect(configure(plugin, serviceOptions())).toMatchObject({ workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } });
  });

  it.each([
    ['workflow interceptor modules', { interceptors: { workflowModules: ['/srv/billing/tracing.js'] } }, 'workflow interceptor modules'],
    ['a payload converter', { dataConverter: { payloadConverterPath: '/srv/billing/converter.js' } }, 'payload or failure converter'],
    ['bundler options', { bundlerOptions: { ignoreModules: ['fs'] } }, 'bundler options'],
    [
      'a plugin that configures the bundler',
      { plugins: [{ name: 'tracing', configureBundler: (o: unknown) => o } as WorkerPlugin] },
      'tracing plugin',
    ],
  ])('bundles the workflows at start-up for a worker with %s, which the prebuilt bundle would lose', (_what, extra, reason) => {
    const logger = recordingLogger();
    const options = configure(aidpWorkerPlugin(config, { logger }), serviceOptions(extra));

    expect(options.workflowBundle).toBeUndefined();
    expect(options.workflowsPath).toBe(require.resolve('@aidp/workflows'));
    expect(logger.lines).toEqual([expect.stringContaining(reason)]);
  });

  it('refuses a worker that polls elsewhere than where AIDP starts runs', () => {
    const plugin = aidpWorkerPlugin(config, { logger: recordingLogger() });
    const thrown = (options: WorkerOptions): unknown => {
      try {
        configure(plugin, options);
      } catch (err) {
        return err;
      }
      return undefined;
    };

    expect(thrown(serviceOptions({ taskQueue: 'billing' }))).toMatchObject({
      name: 'AidpWorkerError',
      message: expect.stringContaining('the worker polls task queue "billing", but temporal.task_queue is "orders"'),
    });
    expect(thrown({ taskQueue: 'orders' })).toMatchObject({
      name: 'AidpWorkerError',
      message: expect.stringContaining('namespace "default", but temporal.namespace is "team-a"'),
    });
  });

  it("gives a replay worker AIDP's workflows", () => {
    const plugin = aidpWorkerPlugin(config, { logger: recordingLogger(), workflowsPath: '/srv/billing/workflows.js' });

    expect(plugin.configureReplayWorker!({})).toEqual({ workflowsPath: '/srv/billing/workflows.js' });
  });
});
