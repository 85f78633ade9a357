import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import Long from 'long';
import fc from 'fast-check';
import { temporalAddress, uniqueName } from '@aidp/testing';
import { createCli } from '..';
import { runCli } from './run-cli';

// For any command line at all, `aidp` answers with a message and exit code 0, 1 or 2 — never an
// uncaught exception, never a stack trace. The CLI runs in-process with captured streams (as clipanion
// means commands to be tested), against the shared dev server, so a command line that is valid does
// what it says at once: `list` lists, `status` finds nothing. Nothing is started: the configuration
// names the `command` agent without its command, which every start refuses before sending anything.
// `dev`, `worker` and `setup` are left out: they start servers, or write aidp.yml. Running out of time
// counts as a failure too: a command line that makes the CLI hang is as bad as one that crashes it.

const LEFT_OUT = new Set(['temporal dev', 'temporal worker', 'temporal setup']);

let env: Record<string, string>;
let cwd: string;

beforeAll(async () => {
  // A namespace of its own: `list` then has no runs of other tests to ask for their progress, which
  // takes a query's whole deadline for a run that no worker serves.
  const namespace = uniqueName('argv');
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    for (let tries = 0; ; tries++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch (error) {
        if (tries > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await connection.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'aidp-argv-'));
  cwd = dir;
  const configFile = join(dir, 'aidp.yml');
  writeFileSync(
    configFile,
    JSON.stringify({
      temporal: { target_host: temporalAddress(), namespace, task_queue: uniqueName('argv') },
      agent: { provider: 'command' },
    }),
  );
  env = { AIDP_CONFIG: configFile, NO_COLOR: '1', PATH: process.env.PATH ?? '' };
});

const tricky = fc.constantFrom(
  '',
  ' ',
  '1e9',
  '0',
  '-1',
  '10001',
  'NaN',
  'Infinity',
  '0x10',
  'x..y',
  'a b',
  '@{u}',
  'x.lock',
  '-x',
  '--',
  '-',
  'running',
  'all',
  'WorkLoopWorkflow',
  'acme/widgets',
  '#7',
  'pause',
  'inject_instruction',
  '\n',
  '\u0000',
  '😀',
  '\ud800',
);
const value = fc.oneof(
  { weight: 3, arbitrary: tricky },
  { weight: 2, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  // Past every limit: ids, names, texts.
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'z'.repeat(n)) },
);

/** `--flag value`, or `--flag=value`. */
const withValue = (flag: string): fc.Arbitrary<string[]> =>
  fc.tuple(value, fc.boolean()).map(([v, joined]) => (joined ? [`${flag}=${v}`] : [flag, v]));
const bare = (flag: string): fc.Arbitrary<string[]> => fc.constant([flag]);
/** Some of `options`, each with its value, in the order given. */
const someOf = (options: fc.Arbitrary<string[]>[]): fc.Arbitrary<string[]> =>
  fc
    .subarray(options)
    .chain((chosen) => (chosen.length > 0 ? fc.tuple(...chosen).map((parts) => parts.flat()) : fc.constant<string[]>([])));
const common = [withValue('--namespace'), withValue('--task-queue'), withValue('--config')];

// Each command with its own options, so that most lines get past clipanion to the command itself.
const COMMANDS: [string[], number, fc.Arbitrary<string[]>[]][] = [
  [
    ['temporal', 'start', 'workloop'],
    1,
    ['--task', '--task-file', '--max-iterations', '--workflow-id', '--branch', '--project-dir']
      .map(withValue)
      .concat(bare('--in-place'), bare('--follow')),
  ],
  [
    ['temporal', 'start', 'issue'],
    1,
    ['--repo', '--base', '--max-iterations', '--project-dir'].map(withValue).concat(bare('--draft'), bare('--ready'), bare('--follow')),
  ],
  [['temporal', 'list'], 0, ['--status', '--type', '--limit'].map(withValue).concat(bare('--json'))],
  [['temporal', 'status'], 1, [bare('--follow'), bare('--json')]],
  [['temporal', 'signal'], 3, [withValue('--file')]],
  [['temporal', 'cancel'], 1, [bare('--yes')]],
  [['temporal', 'history'], 1, [withValue('--output')]],
  [['temporal', 'config'], 0, [bare('--json')]],
];

const commandLine = fc.oneof(
  ...COMMANDS.map(([path, positionals, options]) =>
    fc
      .tuple(fc.array(value, { minLength: positionals, maxLength: positionals }), someOf([...options, ...common]))
      .map(([args, opts]) => [...path, ...args, ...opts]),
  ),
);
const anything = fc.array(
  fc.oneof(value, fc.constantFrom('temporal', 'start', 'workloop', 'list', 'status', '--json', '--follow', '--help', '--version')),
  { maxLength: 8 },
);
const argv = fc.oneof({ weight: 9, arbitrary: commandLine }, { weight: 1, arbitrary: anything });

/** The command `args` would run, as its path, or undefined when clipanion refuses the line. */
function commandPath(args: string[]): string | undefined {
  try {
    const command = createCli(env, false).process(args, { cwd, env });
    return ((command.constructor as { paths?: string[][] }).paths?.[0] ?? []).join(' ');
  } catch {
    return undefined;
  }
}

describe('aidp, given any command line', () => {
  it('answers with exit code 0, 1 or 2 and a message, never a crash or a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        fc.pre(!LEFT_OUT.has(commandPath(args) ?? ''));
        const { code, stdout, stderr } = await runCli(args, { cwd, env });
        expect([0, 1, 2]).toContain(code);
        if (code !== 0) expect(stderr.trim()).not.toBe('');
        const all = stdout + stderr;
        expect(all).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        expect(all).not.toMatch(/unexpected failure|Internal Error/);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true },
    );
  }, 60_000);
});
