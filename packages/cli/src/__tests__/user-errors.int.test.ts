import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureProject, temporalAddress, uniqueName } from '@aidp/testing';
import { AIDP_BIN, runCli, type CliRun } from './run-cli';

// Every mistake a user can make on the command line gets an answer of one line and the right exit
// code (2 for a usage error, 1 for a failure), never a stack trace. The CLI in-process with captured
// streams, against the shared dev server; the built binary in a shell pipe for what only a process
// shows (a closed pipe).

/** Lines of a JavaScript stack trace, or the CLI's own report of a crash. */
const CRASH = [/^\s+at .+:\d+(:\d+)?\)?$/m, /unexpected failure/, /node:internal/, /^\w*Error: .*\n\s+at /m];

let cwd: string;
let work: string;
let existing: string;

beforeAll(async () => {
  cwd = createFixtureProject().dir;
  work = mkdtempSync(join(tmpdir(), 'aidp-user-errors-'));
  writeFileSync(
    join(cwd, 'aidp.yml'),
    JSON.stringify({
      temporal: { target_host: temporalAddress(), task_queue: uniqueName('user-errors') },
      metrics: { enabled: false },
      agent: { command: ['my-agent'] },
    }),
  );
  writeFileSync(join(work, 'three-mb.md'), 'x'.repeat(3 * 1024 * 1024));
  writeFileSync(join(cwd, 'big-task.md'), 'x'.repeat(3 * 1024 * 1024));
  writeFileSync(join(work, 'notes.md'), 'y'.repeat(64 * 1024 + 1));
  // 50 MB without writing 50 MB: the size is what the CLI must look at first.
  const fd = openSync(join(work, 'fifty-mb.md'), 'w');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);
  mkdirSync(join(work, 'folder'));
  // A run that exists (no worker polls its task queue, so it just waits): `history` of it gets as far
  // as writing its output.
  existing = uniqueName('user-errors-run');
  const started = await aidp('temporal', 'start', 'workloop', 'waits', '--task', 'Wait.', '--workflow-id', existing);
  expect(started.code).toBe(0);
});

afterAll(async () => {
  await aidp('temporal', 'cancel', existing, '--yes');
});

function aidp(...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd, env: { NO_COLOR: '1' } });
}

interface Row {
  what: string;
  args: () => string[];
  code: 1 | 2;
  /** Words the first line of stderr must hold. */
  says: string[];
}

const long = 'i'.repeat(2000);

const rows: Row[] = [
  // Files the CLI writes or reads
  {
    what: 'history --output into a missing folder',
    args: () => ['temporal', 'history', existing, '--output', join(work, 'missing', 'run.json')],
    code: 1,
    says: ['--output: cannot write', 'missing', 'does not exist'],
  },
  {
    what: 'history --output onto a folder',
    args: () => ['temporal', 'history', existing, '--output', join(work, 'folder')],
    code: 1,
    says: ['--output: cannot write', 'is a folder'],
  },
  {
    what: 'history --output under a file',
    args: () => ['temporal', 'history', existing, '--output', join(work, 'notes.md', 'run.json')],
    code: 1,
    says: ['--output: cannot write', 'is not a folder'],
  },
  // Linux refuses to write this file even for root, so the write itself fails, after the history came.
  {
    what: 'history --output to a file that refuses writes',
    args: () => ['temporal', 'history', existing, '--output', '/proc/version'],
    code: 1,
    says: ['--output: cannot write /proc/version'],
  },
  {
    what: 'a 3 MB --task-file',
    args: () => ['temporal', 'start', 'workloop', 'big', '--task-file', join(work, 'three-mb.md')],
    code: 2,
    says: ['--task-file', 'is too large: 3 MiB (at most 256 KiB)'],
  },
  {
    what: 'a 50 MB --task-file',
    args: () => ['temporal', 'start', 'workloop', 'big', '--task-file', join(work, 'fifty-mb.md')],
    code: 2,
    says: ['--task-file', 'is too large: 50 MiB (at most 256 KiB)'],
  },
  {
    what: 'a --task-file that does not exist',
    args: () => ['temporal', 'start', 'workloop', 'big', '--task-file', join(work, 'nowhere.md')],
    code: 1,
    says: ['--task-file: cannot read', 'nowhere.md', 'no such file'],
  },
  {
    what: 'a --task-file that is a folder',
    args: () => ['temporal', 'start', 'workloop', 'big', '--task-file', join(work, 'folder')],
    code: 1,
    says: ['--task-file:', 'is a folder'],
  },
  // Workflow ids
  {
    what: 'an empty --workflow-id',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--workflow-id', ''],
    code: 2,
    says: ['Invalid value for --workflow-id: it is empty'],
  },
  {
    what: 'a 2,000-character --workflow-id',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--workflow-id', long],
    code: 2,
    says: ['Invalid value for --workflow-id: it is too long: 2000 bytes (at most 200 bytes)'],
  },
  { what: 'status of an empty id', args: () => ['temporal', 'status', ''], code: 2, says: ['Invalid value for workflow-id: it is empty'] },
  {
    what: 'status of a 2,000-character id',
    args: () => ['temporal', 'status', long],
    code: 2,
    says: ['Invalid value for workflow-id: it is too long: 2000 bytes (at most 1000 bytes)'],
  },
  {
    what: 'signal to an id with a line break',
    args: () => ['temporal', 'signal', 'a\nb', 'pause'],
    code: 2,
    says: ['workflow id contains a control character (U+000A)'],
  },
  {
    what: 'cancel of an empty id',
    args: () => ['temporal', 'cancel', '', '--yes'],
    code: 2,
    says: ['Invalid value for workflow-id: it is empty'],
  },
  {
    what: 'history of a 2,000-character id',
    args: () => ['temporal', 'history', long],
    code: 2,
    says: ['Invalid value for workflow-id: it is too long'],
  },
  {
    what: 'status of a run that does not exist',
    args: () => ['temporal', 'status', 'no-such-run'],
    code: 1,
    says: ['workflow not found: no-such-run'],
  },
  {
    what: 'a namespace no gRPC header can carry',
    args: () => ['temporal', 'list', '--namespace', 'équipe'],
    code: 2,
    says: ['namespace contains a character other than printable ASCII (U+00E9)'],
  },
  {
    what: "a namespace past the server's limit",
    args: () => ['temporal', 'list', '--namespace', long],
    code: 2,
    says: ['namespace is too long: 2000 bytes (at most 1000 bytes)'],
  },
  // Step and branch names
  {
    what: 'a step with ".."',
    args: () => ['temporal', 'start', 'workloop', 'x..y', '--task', 'x'],
    code: 2,
    says: ['Invalid value for step: it cannot name the branch aidp/x..y: it contains ".."'],
  },
  {
    what: 'a step with a space',
    args: () => ['temporal', 'start', 'workloop', 'a b', '--task', 'x'],
    code: 2,
    says: ['Invalid value for step: it cannot name the branch aidp/a b: it contains a space'],
  },
  {
    what: 'a step ending in .lock',
    args: () => ['temporal', 'start', 'workloop', 'x.lock', '--task', 'x'],
    code: 2,
    says: ['ends with ".lock"'],
  },
  {
    what: 'a --branch git refuses',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--branch', 'feature:x'],
    code: 2,
    says: ['Invalid value for --branch: it is not a valid git branch name: it contains ":"'],
  },
  {
    what: '--branch with --in-place',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--branch', 'b', '--in-place'],
    code: 2,
    says: ['give --branch or --in-place, not both: --in-place works on the branch checked out'],
  },
  {
    what: 'a --base git refuses',
    args: () => ['temporal', 'start', 'issue', '1', '--repo', 'acme/widgets', '--base', 'main~1'],
    code: 2,
    says: ['Invalid value for --base: it is not a valid git branch name: it contains "~"'],
  },
  // Numbers
  {
    what: '--max-iterations 1e9',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--max-iterations', '1e9'],
    code: 2,
    says: ['Invalid value for --max-iterations: expected a whole number from 1 to 10000, got "1e9"'],
  },
  {
    what: '--max-iterations 10001',
    args: () => ['temporal', 'start', 'issue', '1', '--max-iterations', '10001'],
    code: 2,
    says: ['--max-iterations', 'from 1 to 10000'],
  },
  {
    what: 'an issue number past any integer',
    args: () => ['temporal', 'start', 'issue', '99999999999999999999'],
    code: 2,
    says: ['Invalid value for number: expected an issue number such as 42 or #42, got "99999999999999999999"'],
  },
  // Texts
  {
    what: 'a blank --task',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', '  '],
    code: 2,
    says: ['Invalid value for --task: it is empty'],
  },
  {
    what: '--task with --task-file',
    args: () => ['temporal', 'start', 'workloop', 'step', '--task', 'x', '--task-file', join(work, 'notes.md')],
    code: 2,
    says: ['give --task or --task-file, not both'],
  },
  {
    what: '--draft with --ready',
    args: () => ['temporal', 'start', 'issue', '7', '--draft', '--ready'],
    code: 2,
    says: ['give --draft or --ready, not both'],
  },
  {
    what: 'a --repo that is not owner/name',
    args: () => ['temporal', 'start', 'issue', '7', '--repo', 'widgets'],
    code: 2,
    says: ['Invalid value for --repo: expected owner/name, got "widgets"'],
  },
  {
    what: 'a --status list does not know',
    args: () => ['temporal', 'list', '--status', 'done'],
    code: 2,
    says: ['Invalid value for --status: expected one of running, completed, failed, canceled, terminated, timed_out, all, got "done"'],
  },
  {
    what: 'a --limit of 0',
    args: () => ['temporal', 'list', '--limit', '0'],
    code: 2,
    says: ['Invalid value for --limit: expected a positive integer, got "0"'],
  },
  // Found from the command's working folder, not the process's: too large, rather than missing.
  {
    what: 'a relative --task-file',
    args: () => ['temporal', 'start', 'workloop', 'big', '--task-file', 'big-task.md'],
    code: 2,
    says: ['--task-file big-task.md is too large: 3 MiB (at most 256 KiB)'],
  },
  {
    what: 'an empty instruction',
    args: () => ['temporal', 'signal', existing, 'inject_instruction', ''],
    code: 2,
    says: ['the text of inject_instruction is empty'],
  },
  {
    what: 'an instruction file over 64 KiB',
    args: () => ['temporal', 'signal', existing, 'inject_instruction', '--file', join(work, 'notes.md')],
    code: 2,
    says: ['--file', 'is too large: 65537 bytes (at most 64 KiB)'],
  },
  {
    what: 'an instruction file that does not exist',
    args: () => ['temporal', 'signal', existing, 'inject_instruction', '--file', join(work, 'nowhere.md')],
    code: 1,
    says: ['--file: cannot read', 'no such file'],
  },
  {
    what: 'an instruction and --file at once',
    args: () => ['temporal', 'signal', existing, 'inject_instruction', 'text', '--file', join(work, 'notes.md')],
    code: 2,
    says: ['give the text or --file, not both'],
  },
  {
    what: '--file with a signal that takes no text',
    args: () => ['temporal', 'signal', existing, 'pause', '--file', join(work, 'notes.md')],
    code: 2,
    says: ['pause takes no argument'],
  },
  {
    what: 'an unknown signal with a line break',
    args: () => ['temporal', 'signal', existing, 'pa\nuse'],
    code: 2,
    says: ['unknown signal "pa\\nuse"'],
  },
];

describe('a user error', () => {
  it.each(rows)('$what: exit $code, one line, no stack trace', async (row) => {
    const started = Date.now();
    const run = await aidp(...row.args());
    for (const pattern of CRASH) expect(`${run.stdout}${run.stderr}`).not.toMatch(pattern);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: row.code, stdout: '' });
    const first = run.stderr.split('\n')[0]!;
    for (const words of row.says) expect(first).toContain(words);
    // Nothing large is read to find out it is too large.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

/** Runs `script` in bash with the built CLI as `aidp`, and returns the CLI's own exit status and stderr. */
function inPipe(script: string): Promise<{ status: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      'bash',
      ['-c', `aidp() { "${process.execPath}" "${AIDP_BIN}" "$@"; }\n${script}\necho "status=\${PIPESTATUS[0]}" >&2`],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', () => {
      const status = /status=(\d+)\n$/.exec(stderr);
      done({ status: Number(status?.[1]), stderr: stderr.replace(/status=\d+\n$/, '') });
    });
  });
}

describe('output into a pipe whose reader has gone', () => {
  it('ends quietly with 141, as git and ls do, for list, config and --help', async () => {
    for (const command of ['aidp temporal list --status completed', 'aidp temporal config', 'aidp --help']) {
      // The reader is gone before the CLI writes: `sleep` holds the CLI back until `head -0` has exited.
      const run = await inPipe(`{ sleep 0.3; ${command}; } | head -0`);
      expect({ command, status: run.status, stderr: run.stderr }).toEqual({ command, status: 141, stderr: '' });
    }
  });
});
