#!/usr/bin/env node
'use strict';
// AIDP's benchmarks, on one local Temporal dev server. They print figures and ratios and write them to
// bench/results/latest.json; they never fail a build. Run with `pnpm bench` (it builds first).
//
//  1. Work-loop overhead: seconds per iteration of WorkLoopWorkflow with an instant agent and instant
//     (failing) checks, against MinimalLoopWorkflow making the same activity calls. Goal: <= 1.15x.
//  2. Worker start -> polling, with the workflow bundle prebuilt at build time and with workflowsPath
//     (bundled at start-up). Goal: <= 1.5 s with the bundle.
//  3. `aidp temporal status <id>` against `temporal workflow describe <id>`, wall time. Goal: <= 2x.
const { spawn } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker, bundleWorkflowCode, DefaultLogger, Runtime } = require('@temporalio/worker');
const { resolveConfig } = require('@aidp/config');
const { buildWorkLoopInput } = require('@aidp/client');
const { aidpActivities } = require('@aidp/activities');
const { startDevServer, resolveTemporalCli } = require('@aidp/worker');
const { createFixtureProject } = require('@aidp/testing');

// Errors only: both benchmark workflows end as failed runs on purpose (MaxIterationsReached).
Runtime.install({ logger: new DefaultLogger('ERROR') });

const ITERATIONS = Number(process.env.AIDP_BENCH_ITERATIONS ?? 20);
const ROUNDS = Number(process.env.AIDP_BENCH_ROUNDS ?? 3);
const AIDP_BIN = join(__dirname, '..', 'packages', 'cli', 'bin', 'aidp.js');

/** @typedef {{ aidp: number[]; temporal: number[] }} StatusTimings wall times of the two status commands */

const median = (/** @type {number[]} */ xs) => /** @type {number} */ ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
const round = (/** @type {number} */ x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Runs a command to its end; `ms` is the time to the first output line containing `untilLine`, or to
 * the end without one.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} [untilLine]
 * @returns {Promise<{ ms: number; out: string }>}
 */
function spawnTimed(cmd, args, untilLine) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    /** @type {number | undefined} */
    let marked;
    child.stdout.on('data', (/** @type {Buffer} */ c) => {
      out += c.toString();
      if (untilLine && marked === undefined && out.includes(untilLine)) marked = Number(process.hrtime.bigint() - started) / 1e6;
    });
    child.stderr.on('data', (/** @type {Buffer} */ c) => (err += c.toString()));
    child.on('close', (code) => {
      const total = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ ms: marked ?? total, out });
    });
  });
}

/**
 * @param {string} address
 * @param {string} cliPath the Temporal CLI
 */
async function loopBenchmark(address, cliPath) {
  const taskQueue = `bench-loop-${Date.now()}`;
  const { config } = resolveConfig(
    {
      temporal: { target_host: address, task_queue: taskQueue },
      agent: { command: ['true'] },
      work_loop: { max_iterations: ITERATIONS, checks: [{ name: 'check', command: 'false' }] },
    },
    { env: {} },
  );
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, activities: aidpActivities });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  /** @type {{ WorkLoopWorkflow: number[]; MinimalLoopWorkflow: number[]; status: StatusTimings }} */
  const timings = { WorkLoopWorkflow: [], MinimalLoopWorkflow: [], status: { aidp: [], temporal: [] } };
  let statusTarget = '';
  await worker.runUntil(async () => {
    for (let r = 0; r < ROUNDS; r++) {
      for (const type of /** @type {const} */ (['MinimalLoopWorkflow', 'WorkLoopWorkflow'])) {
        const project = createFixtureProject();
        const input = buildWorkLoopInput(config, { projectDir: project.dir, stepName: 'bench', task: 'benchmark' });
        const workflowId = `bench-${type}-${r}-${Date.now()}`;
        const started = process.hrtime.bigint();
        const handle = await client.workflow.start(type, { taskQueue, workflowId, args: [input] });
        await handle.result().catch(() => undefined); // both end with MaxIterationsReached
        timings[type].push(Number(process.hrtime.bigint() - started) / 1e6 / ITERATIONS);
        statusTarget = workflowId;
      }
    }
    // 3. CLI wall time, while this worker can answer the progress query.
    /** @type {StatusTimings} */
    const statusRuns = { aidp: [], temporal: [] };
    for (let i = 0; i < 5; i++) {
      statusRuns.aidp.push((await spawnTimed(process.execPath, [AIDP_BIN, 'temporal', 'status', statusTarget, '--address', address])).ms);
      statusRuns.temporal.push(
        (await spawnTimed(cliPath, ['workflow', 'describe', '--workflow-id', statusTarget, '--address', address])).ms,
      );
    }
    timings.status = statusRuns;
  });
  await connection.close();
  await nativeConnection.close();
  return timings;
}

/** @param {string} address */
async function workerStartBenchmark(address) {
  /** @type {Record<'bundle' | 'workflowsPath', { process: number; inProcess: number }[]>} */
  const out = { bundle: [], workflowsPath: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of /** @type {const} */ (['bundle', 'workflowsPath'])) {
      const { ms, out: text } = await spawnTimed(
        process.execPath,
        [join(__dirname, 'worker-start.js'), address, `bench-start-${mode}-${r}`, mode],
        'RUNNING',
      );
      const running = /RUNNING (\S+)/.exec(text);
      if (!running) throw new Error(`worker-start.js printed no RUNNING line: ${text}`);
      out[mode].push({ process: ms, inProcess: Number(running[1]) });
    }
  }
  return out;
}

async function main() {
  const cli = await resolveTemporalCli();
  const server = await startDevServer({ cliPath: cli.path, uiPort: false });
  try {
    console.log(`Temporal dev server at ${server.address}; ${ITERATIONS} iterations x ${ROUNDS} rounds\n`);
    const loop = await loopBenchmark(server.address, cli.path);
    const start = await workerStartBenchmark(server.address);
    const aidpLoop = median(loop.WorkLoopWorkflow);
    const minimal = median(loop.MinimalLoopWorkflow);
    const results = {
      date: new Date().toISOString(),
      machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: require('node:os').cpus().length },
      loop: {
        iterations: ITERATIONS,
        rounds: ROUNDS,
        workLoopMsPerIteration: round(aidpLoop, 1),
        minimalMsPerIteration: round(minimal, 1),
        workLoopIterationsPerSecond: round(1000 / aidpLoop, 2),
        minimalIterationsPerSecond: round(1000 / minimal, 2),
        ratio: round(aidpLoop / minimal),
        goal: '<= 1.15',
      },
      workerStart: {
        bundleMs: round(median(start.bundle.map((x) => x.inProcess)), 0),
        bundleProcessMs: round(median(start.bundle.map((x) => x.process)), 0),
        workflowsPathMs: round(median(start.workflowsPath.map((x) => x.inProcess)), 0),
        workflowsPathProcessMs: round(median(start.workflowsPath.map((x) => x.process)), 0),
        goal: 'bundle <= 1500 ms',
      },
      status: {
        aidpMs: round(median(loop.status.aidp), 0),
        temporalDescribeMs: round(median(loop.status.temporal), 0),
        ratio: round(median(loop.status.aidp) / median(loop.status.temporal), 2),
        goal: '<= 2',
      },
    };
    console.log(
      'work loop     %s ms/iteration (%s it/s)  vs minimal %s ms/iteration (%s it/s)  ratio %s (goal %s)',
      results.loop.workLoopMsPerIteration,
      results.loop.workLoopIterationsPerSecond,
      results.loop.minimalMsPerIteration,
      results.loop.minimalIterationsPerSecond,
      results.loop.ratio,
      results.loop.goal,
    );
    console.log(
      'worker start  bundle %s ms (process %s ms)  workflowsPath %s ms (process %s ms)  (goal %s)',
      results.workerStart.bundleMs,
      results.workerStart.bundleProcessMs,
      results.workerStart.workflowsPathMs,
      results.workerStart.workflowsPathProcessMs,
      results.workerStart.goal,
    );
    console.log(
      'status        aidp %s ms  temporal describe %s ms  ratio %s (goal %s)',
      results.status.aidpMs,
      results.status.temporalDescribeMs,
      results.status.ratio,
      results.status.goal,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwritten to bench/results/latest.json');
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
