// Runs the shell blocks of the documentation (docs/*.md and docker/README.md) for real, so every
// command they show works as written. Each block runs in `bash -euo pipefail`, in the order of its
// file, unless the comment right before it says `<!-- not run here: <reason> -->`; it must end with
// exit code 0, or the one its `<!-- run: exit <n> -->` marker names, and print every line of a `text`
// block that directly follows it. See markdown-blocks.ts for the markers; markdown-blocks.test.ts
// checks that none is missing a reason.
//
// The setting the blocks assume, and how the test provides it:
// - `aidp` on PATH: a shim in a temporary bin folder that runs packages/cli/bin/aidp.js.
// - "In your project": each file's blocks run in one fresh git repository made from
//   examples/fix-tests (its aidp.yml: the scripted example agent, `node --test`, step `fix-tests`).
// - The local dev server of `aidp temporal dev` on localhost:7233, with its worker: the test run's dev
//   server (TEMPORAL_ADDRESS, from the integration project's global setup) on a free port, and an
//   `aidp temporal worker` this test starts. So the blocks run with TEMPORAL_HOST set to that address,
//   and `localhost:7233` in a block (and in its expected output) is replaced by it. TEMPORAL_TASK_QUEUE
//   is a queue of this test's own, so only its worker picks up the runs the blocks start.
// - The worker's metrics on localhost:9090: the test's worker serves them on a free port, and
//   `localhost:9090` in a block is replaced by that address.
// - NO_COLOR=1, and no terminal: commands print plain lines, as in a script.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalAddress, uniqueName } from '@aidp/testing';
import { freePort } from '@aidp/testing/work-loop-harness';
import { documentedFiles, readDocument, REPO_ROOT, shellBlocks, shown } from './markdown-blocks';
import { AIDP_BIN } from './run-cli';

const BLOCK_TIMEOUT_MS = 150_000;

interface Setting {
  work: string;
  bin: string;
  taskQueue: string;
  metricsAddress: string;
  substitute(text: string): string;
}

function newProject(work: string, name: string): string {
  const dir = join(work, name);
  cpSync(join(REPO_ROOT, 'examples', 'fix-tests'), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=AIDP docs', '-c', 'user.email=docs@example.com', 'commit', '-q', '-m', 'Example project with failing tests');
  return dir;
}

function runBlock(setting: Setting, cwd: string, script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      detached: true,
      env: {
        PATH: `${setting.bin}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '',
        TEMPORAL_HOST: temporalAddress(),
        TEMPORAL_TASK_QUEUE: setting.taskQueue,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n[the block ran longer than ${BLOCK_TIMEOUT_MS / 1000} s and was stopped]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, BLOCK_TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

function startWorker(setting: Setting): Promise<ChildProcess> {
  const config = join(setting.work, 'worker.yml');
  writeFileSync(config, JSON.stringify({ metrics: { prometheus: setting.metricsAddress } }));
  const worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker', '--config', config], {
    cwd: setting.work,
    env: { ...process.env, TEMPORAL_HOST: temporalAddress(), TEMPORAL_TASK_QUEUE: setting.taskQueue, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    worker.stdout.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve(worker)));
    worker.stderr.on('data', (c: Buffer) => (out += c.toString()));
    worker.once('exit', () => reject(new Error(`the worker exited:\n${out}`)));
  });
}

const files = documentedFiles().map((file) => ({ file, name: shown(file), ...shellBlocks(readDocument(file)) }));

describe('the shell blocks of the documentation', () => {
  let setting: Setting;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'aidp-docs-'));
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'aidp'), `#!/bin/sh\nexec "${process.execPath}" "${AIDP_BIN}" "$@"\n`);
    chmodSync(join(bin, 'aidp'), 0o755);
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const replacements: Array<[string, string]> = [
      ['localhost:7233', temporalAddress()],
      ['localhost:9090', metricsAddress],
    ];
    setting = {
      work,
      bin,
      taskQueue: uniqueName('docs'),
      metricsAddress,
      substitute: (text) => replacements.reduce((t, [from, to]) => t.split(from).join(to), text),
    };
    worker = await startWorker(setting);
  }, 60_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    if (setting) rmSync(setting.work, { recursive: true, force: true });
  });

  it('has blocks to run', () => {
    expect(files.flatMap((f) => f.blocks.filter((b) => b.kind === 'run')).length).toBeGreaterThan(10);
  });

  describe.each(files)('$name', ({ name, blocks, problems }) => {
    let project: string;
    beforeAll(() => {
      project = newProject(setting.work, name.replace(/[^A-Za-z0-9]+/g, '-'));
    });

    it('marks every block it does not run with a reason', () => {
      expect(problems).toEqual([]);
    });

    const runnable = blocks.filter((b) => b.kind === 'run');
    if (runnable.length === 0) return;
    it.each(runnable.map((b) => [b.block.line, b] as const))(
      'line %i works as written',
      async (_line, block) => {
        if (block.kind !== 'run') return;
        const script = setting.substitute(block.block.code);
        const { code, output } = await runBlock(setting, project, script);
        expect({ script, code, output }).toEqual({ script, code: block.exitCode, output });
        for (const line of setting.substitute(block.expectedOutput ?? '').split('\n')) {
          if (line.trim() !== '') expect(output).toContain(line.trimEnd());
        }
      },
      BLOCK_TIMEOUT_MS + 10_000,
    );
  });
});
