import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXED_MATH,
  FIXTURE_TEST_COMMAND,
  assertNoSecrets,
  createFixtureProject,
  createFixtureProjectWithOrigin,
  filesUnder,
  startGitHubDouble,
  scriptAgent,
  temporalAddress,
  uniqueName,
  type AgentStep,
  type FixtureProject,
  type GitHubDouble,
  type SearchedText,
} from '@aidp/testing';
import { AIDP_BIN, runCli } from './run-cli';

// Complete runs as a user drives them — `aidp temporal worker` in a process of its own,
// `aidp temporal start workloop` and `aidp temporal start issue` (against the local GitHub double)
// in-process, at the most detailed log level — with a GitHub token and a Temporal API key in the
// environment of each. Afterwards every line any of them printed, every run's history and every file
// a run left behind is searched for both: neither may appear, in any encoding.
//
// The agent prints its whole environment and the check runs `env`, as careless ones would, so a
// secret that reached either would land in the run folder. The API key is really used: it goes to
// the server as a header, over plaintext (TEMPORAL_TLS=false) because the dev server has no TLS.

const SECRETS = {
  GITHUB_TOKEN: `ghp_aidpLeakCanary${randomBytes(12).toString('hex')}`,
  TEMPORAL_API_KEY: `aidp-leak-canary-${randomBytes(12).toString('base64url')}`,
};
const ENV = { ...SECRETS, TEMPORAL_TLS: 'false', AIDP_LOG_LEVEL: 'trace', NO_COLOR: '1' };

const taskQueue = uniqueName('secrets');
const searched: SearchedText[] = [];
let worker: ChildProcess;
let workerOut = '';
let workerErr = '';
const runs: { id: string; project: FixtureProject; outcome: number | null }[] = [];
let gh: GitHubDouble;

function project(
  steps: { iterations?: Record<number, AgentStep>; default?: AgentStep },
  fixture: FixtureProject = createFixtureProject(),
  extra: Record<string, unknown> = {},
): FixtureProject {
  writeFileSync(
    join(fixture.dir, 'aidp.yml'),
    JSON.stringify({
      ...extra,
      temporal: { target_host: temporalAddress(), task_queue: taskQueue, timeouts: { activity_heartbeat: 5 } },
      metrics: { enabled: false },
      agent: { command: scriptAgent(steps).command, tiers: ['small', 'large'] },
      work_loop: {
        max_iterations: 3,
        escalate_after: 1,
        checks: [{ name: 'test', command: `env && ${FIXTURE_TEST_COMMAND}` }],
        steps: { 'fix-tests': { task: 'Make the tests pass.' } },
      },
    }),
  );
  return fixture;
}

async function aidp(cwd: string, ...args: string[]) {
  const run = await runCli(args, { cwd, env: ENV });
  searched.push(
    { source: `aidp ${args.join(' ')} (stdout)`, text: run.stdout },
    { source: `aidp ${args.join(' ')} (stderr)`, text: run.stderr },
  );
  return run;
}

beforeAll(async () => {
  const good = project({
    iterations: {
      1: { sleepMs: 1_500, write: { 'notes.txt': 'x\n' }, printEnv: true },
      2: { write: { 'src/math.js': FIXED_MATH }, printEnv: true },
    },
  });
  // Never fixes the bug; its failed runs escalate it to the next model tier before it gives up.
  const bad = project({ default: { printEnv: true, exitCode: 1 } });

  worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker'], {
    cwd: good.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (c: Buffer) => (workerOut += c.toString()));
  worker.stderr!.on('data', (c: Buffer) => (workerErr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    worker.stdout!.on('data', () => workerOut.includes('Worker polling') && resolve());
    worker.once('exit', () => reject(new Error(`worker exited:\n${workerOut}\n${workerErr.slice(-5000)}`)));
  });

  // A run that completes, steered on the way.
  const goodId = uniqueName('secrets-ok');
  expect((await aidp(good.dir, 'temporal', 'start', 'workloop', 'fix-tests', '--workflow-id', goodId)).code).toBe(0);
  expect((await aidp(good.dir, 'temporal', 'signal', goodId, 'pause')).code).toBe(0);
  expect((await aidp(good.dir, 'temporal', 'signal', goodId, 'inject_instruction', 'Use the plus operator')).code).toBe(0);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const status = JSON.parse((await aidp(good.dir, 'temporal', 'status', goodId, '--json')).stdout) as {
      progress: { state: string } | null;
    };
    if (status.progress?.state === 'paused') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect((await aidp(good.dir, 'temporal', 'signal', goodId, 'resume')).code).toBe(0);
  runs.push({ id: goodId, project: good, outcome: (await aidp(good.dir, 'temporal', 'status', goodId, '--follow')).code });

  // A run that fails.
  const badId = uniqueName('secrets-fail');
  runs.push({
    id: badId,
    project: bad,
    outcome: (await aidp(bad.dir, 'temporal', 'start', 'workloop', 'fix-tests', '--workflow-id', badId, '--follow')).code,
  });

  // An issue turned into a pull request: the token really authenticates to GitHub (the double accepts
  // only it) and to git's push; origin is a local bare repository.
  gh = await startGitHubDouble({ tokens: [SECRETS.GITHUB_TOKEN], repos: [{ owner: 'acme', name: 'canary', defaultBranch: 'main' }] });
  gh.addIssue('acme/canary', { number: 41, title: 'add() subtracts', body: 'Fix add.' });
  const withOrigin = createFixtureProjectWithOrigin();
  const issue = project({ default: { write: { 'src/math.js': FIXED_MATH }, printEnv: true } }, withOrigin, {
    github: { repo: 'acme/canary', base_url: gh.url },
  });
  const started = await aidp(issue.dir, 'temporal', 'start', 'issue', '41', '--follow');
  runs.push({ id: /workflow id: (\S+)/.exec(started.stdout)![1]!, project: issue, outcome: started.code });
  const [pr] = gh.pulls('acme/canary');
  searched.push(
    { source: 'the pull request on GitHub', text: JSON.stringify(pr) },
    { source: 'the comments on the issue', text: JSON.stringify(gh.issueComments('acme/canary', 41)) },
  );
  searched.push({ source: "the project's .git/config", text: readFileSync(join(issue.dir, '.git', 'config'), 'utf8') });
  searched.push({
    source: "origin's refs and config",
    text:
      execFileSync('git', ['log', '-p', '--all'], { cwd: withOrigin.bare, encoding: 'utf8' }) +
      readFileSync(join(withOrigin.bare, 'config'), 'utf8'),
  });

  for (const run of runs) {
    const file = join(run.project.dir, `${run.id}.history.json`);
    expect((await aidp(run.project.dir, 'temporal', 'history', run.id, '--output', file)).code).toBe(0);
    searched.push({ source: `history of ${run.id}`, text: readFileSync(file, 'utf8') });
    searched.push(...filesUnder(join(run.project.dir, '.aidp'), run.project.dir));
    // What AIDP committed on the run's branch.
    searched.push({
      source: `git log -p of ${run.id}`,
      text: execFileSync('git', ['log', '-p', '--all'], { cwd: run.project.dir, encoding: 'utf8' }),
    });
  }
  await aidp(good.dir, 'temporal', 'config', '--json');
  await aidp(good.dir, 'temporal', 'list', '--status', 'all', '--json');

  // Stop the worker so everything it buffered is written.
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGTERM');
  });
  searched.push({ source: 'aidp temporal worker (stdout)', text: workerOut }, { source: 'aidp temporal worker (stderr)', text: workerErr });
}, 180_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await gh?.close();
});

describe('secrets in the environment of the worker and the CLI', () => {
  it('the runs complete and fail as scripted, with the API key read from the environment', () => {
    expect(runs.map((run) => run.outcome)).toEqual([0, 1, 0]);
    expect(gh.pulls('acme/canary')).toHaveLength(1);
    gh.assertNoProblems();
    const config = JSON.parse(searched.find((t) => t.source === 'aidp temporal config --json (stdout)')!.text) as {
      entries: { key: string; value: unknown; source: string }[];
    };
    const entry = (key: string) => config.entries.find((e) => e.key === key);
    expect(entry('temporal.api_key')).toEqual({
      key: 'temporal.api_key',
      value: '***',
      source: expect.stringContaining('TEMPORAL_API_KEY'),
    });
    expect(entry('temporal.tls')).toEqual({ key: 'temporal.tls', value: false, source: expect.stringContaining('TEMPORAL_TLS') });
  });

  it('the search covers every process, history and run file, and what the agent and the checks saw', () => {
    const sources = searched.map((t) => t.source);
    for (const run of runs) {
      expect(sources).toContain(`history of ${run.id}`);
      expect(sources.filter((s) => s.startsWith(`.aidp/runs/${run.id}/`)).length).toBeGreaterThan(5);
    }
    const text = (pattern: RegExp) =>
      searched
        .filter((t) => pattern.test(t.source))
        .map((t) => t.text)
        .join('\n');
    expect(text(/\/agent\.log$/)).toMatch(/^PATH=/m); // the agent's environment, printed
    expect(text(/\/checks\/test\.log$/)).toMatch(/^CI=true$/m); // the check's environment, printed
    expect(text(/\/PROMPT/)).toContain('Use the plus operator');
    expect(workerErr.split('\n').filter((line) => line.includes('"level":"trace"')).length).toBeGreaterThan(10);
  });

  it('neither secret appears in any output, history or run file, in any encoding', () => {
    assertNoSecrets(searched, SECRETS);
  });
});

describe('the worker log', () => {
  const entries = () =>
    workerErr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown> & { message: string; level: string });

  it('is one JSON object per line on stderr, while stdout keeps its human lines', () => {
    expect(workerErr.length).toBeGreaterThan(0);
    for (const entry of entries())
      expect(entry).toMatchObject({ time: expect.any(String), level: expect.any(String), message: expect.any(String) });
    expect(workerOut).toMatch(/^Worker polling task queue "secrets-\w+" in namespace "default" at [^\n]+\. Ctrl\+C to stop\.\n/);
    expect(workerOut).not.toContain('{"time"');
  });

  it("carries the SDK's, the core's, the activities' and the workflows' entries, each with its run", () => {
    const all = entries();
    const [good, bad] = runs.map((run) => run.id);
    const find = (message: string, extra: Record<string, unknown> = {}) =>
      all.find((e) => e.message === message && Object.entries(extra).every(([k, v]) => e[k] === v));

    expect(all.some((e) => e.sdkComponent === 'core')).toBe(true);
    expect(find('Worker state changed', { sdkComponent: 'worker', taskQueue })).toBeDefined();
    expect(
      find('iteration started', { sdkComponent: 'workflow', workflowId: good, workflowType: 'WorkLoopWorkflow', iteration: 1 }),
    ).toMatchObject({
      runId: expect.any(String),
      taskQueue,
      namespace: 'default',
    });
    expect(find('pause requested: the run holds at the next safe point', { workflowId: good })).toBeDefined();
    expect(find('resumed', { workflowId: good })).toBeDefined();
    expect(find('iteration finished', { workflowId: good, iteration: 2 })).toMatchObject({
      agentOk: true,
      passing: true,
      goalReached: true,
    });
    expect(find('work loop finished', { workflowId: good })).toMatchObject({ outcome: 'completed', iterations: 2 });
    expect(find('model tier escalated', { workflowId: bad })).toMatchObject({ reason: 'consecutive_failures', model: 'large' });
    expect(find('work loop failed', { workflowId: bad })).toMatchObject({ level: 'warn', reason: 'MaxIterationsReached', iterations: 3 });
    expect(find('agent finished', { sdkComponent: 'activity', activityType: 'runAgent', workflowId: bad })).toMatchObject({
      level: 'warn',
      exitCode: 1,
      ok: false,
    });
    expect(find('agent finished', { activityType: 'runAgent', workflowId: good, iteration: 2 })).toMatchObject({
      exitCode: 0,
      durationMs: expect.any(Number),
    });
    expect(find('checks finished', { activityType: 'runChecks', workflowId: good, iteration: 2 })).toMatchObject({
      passing: true,
      failed: [],
    });
    // Each workflow event once, although the workflow replays its history on every task.
    expect(all.filter((e) => e.message === 'work loop started' && e.workflowId === good)).toHaveLength(1);
  });
});
