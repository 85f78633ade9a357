'use strict';
// One measurement in a fresh process: createAidpWorker → the worker polling its task queue.
// argv: <address> <taskQueue> <bundle|workflowsPath>
const { resolveConfig } = require('@aidp/config');
const { createAidpWorker } = require('@aidp/worker');

async function main() {
  const [address, taskQueue, mode] = process.argv.slice(2);
  const { config } = resolveConfig({ temporal: { target_host: address, task_queue: taskQueue } }, { env: {} });
  const started = process.hrtime.bigint();
  const { worker, close } = await createAidpWorker({
    config,
    workflowsPath: mode === 'workflowsPath' ? require.resolve('@aidp/workflows') : undefined,
  });
  const running = worker.run();
  while (worker.getState() !== 'RUNNING') await new Promise((r) => setTimeout(r, 2));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`RUNNING ${ms}\n`);
  worker.shutdown();
  await running;
  await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
