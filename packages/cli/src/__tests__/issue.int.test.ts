import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXED_MATH,
  FIXTURE_TEST_COMMAND,
  createFixtureProject,
  createFixtureProjectWithOrigin,
  scriptAgent,
  startGitHubDouble,
  temporalAddress,
  uniqueName,
  type FixtureProjectWithOrigin,
  type GitHubDouble,
} from '@aidp/testing';
import { AIDP_BIN, runCli } from './run-cli';

// `aidp temporal start issue` as a user drives it: the CLI in-process, a real `aidp temporal worker`
// (the built binary) holding the GitHub token in its own environment, GitHub played by the local REST
// double.

const TOKEN_ENV = 'AIDP_CLI_ISSUE_TEST_TOKEN';
const TOKEN = 'ghs_cliIssueTestToken9876543210';
const taskQueue = uniqueName('cli-issue');
let gh: GitHubDouble;
let project: FixtureProjectWithOrigin;
let worker: ChildProcess;

function writeConfig(dir: string, github: Record<string, unknown>): void {
  const agent = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } });
  writeFileSync(
    join(dir, 'aidp.yml'),
    JSON.stringify({
      temporal: { target_host: temporalAddress(), task_queue: taskQueue, timeouts: { activity_heartbeat: 5 } },
      metrics: { enabled: false },
      github: { base_url: gh.url, token_env: TOKEN_ENV, ...github },
      agent: { command: agent.command },
      work_loop: { max_iterations: 3, checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND }] },
    }),
  );
}

async function aidp(cwd: string, ...args: string[]) {
  return await runCli(args, { cwd, env: { NO_COLOR: '1' } });
}

beforeAll(async () => {
  gh = await startGitHubDouble({ tokens: [TOKEN], repos: [{ owner: 'acme', name: 'gadgets', defaultBranch: 'main' }] });
  project = createFixtureProjectWithOrigin();
  writeConfig(project.dir, { repo: 'acme/gadgets' });
  worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker'], {
    cwd: project.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [TOKEN_ENV]: TOKEN },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    worker.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve()));
    worker.stderr!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve()));
    worker.once('exit', () => reject(new Error(`worker exited:\n${out}`)));
  });
});

afterAll(async () => {
  worker?.kill('SIGTERM');
  await gh?.close();
});

describe('aidp temporal start issue', () => {
  it('follows an issue to its pull request, then status and list show the issue and the PR', async () => {
    gh.addIssue('acme/gadgets', { number: 31, title: 'add() subtracts', body: '## Acceptance criteria\n- add(2, 3) is 5' });
    const run = await aidp(project.dir, 'temporal', 'start', 'issue', '31', '--ready', '--follow');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /workflow id: (\S+)/.exec(run.stdout)![1]!;
    expect(id).toBe('aidp-issue-acme-gadgets-31');
    const [pr] = gh.pulls('acme/gadgets');
    expect(pr).toMatchObject({ head: 'aidp/issue-31', base: 'main', draft: false, title: 'add() subtracts (#31)' });
    expect(run.stdout).toContain(`acme/gadgets#31: pull request #${pr!.number} created: ${pr!.htmlUrl}`);
    expect(run.stdout).toContain('branch:  aidp/issue-31 → main');

    const status = await aidp(project.dir, 'temporal', 'status', id);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('acme/gadgets#31');
    expect(status.stdout).toContain(`issue       add() subtracts — ${gh.url}/acme/gadgets/issues/31`);
    expect(status.stdout).toContain(`pull req.   #${pr!.number} ${pr!.htmlUrl}`);

    const list = await aidp(project.dir, 'temporal', 'list', '--status', 'all', '--type', 'IssueToPrWorkflow');
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((line) => line.startsWith(id))!;
    expect(row).toContain('COMPLETED');
    expect(row).toContain(`acme/gadgets#31 ${pr!.htmlUrl}`);
    gh.assertNoProblems();
  }, 120_000);

  it('refuses bad arguments before anything starts', async () => {
    const notANumber = await aidp(project.dir, 'temporal', 'start', 'issue', 'twelve');
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('Invalid value for number: expected an issue number such as 42 or #42, got "twelve"');
    const both = await aidp(project.dir, 'temporal', 'start', 'issue', '3', '--draft', '--ready');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --draft or --ready, not both');
    const repo = await aidp(project.dir, 'temporal', 'start', 'issue', '3', '--repo', 'gadgets');
    expect(repo.code).toBe(2);
    expect(repo.stderr).toContain('Invalid value for --repo: expected owner/name, got "gadgets"');
  });

  it('says where the repository should come from when it cannot tell', async () => {
    const bare = createFixtureProject();
    writeConfig(bare.dir, {});
    const run = await aidp(bare.dir, 'temporal', 'start', 'issue', '3');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no origin remote; give the repository with --repo owner/name or github.repo in aidp.yml');
  });

  it('fails with the reason when the issue does not exist', async () => {
    const run = await aidp(project.dir, 'temporal', 'start', 'issue', '404', '--follow');
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('issue #404 not found in acme/gadgets');
  }, 60_000);
});
