// A stand-in for an agent CLI, shared by the adapter tests (agents.test.ts). Each adapter test ends
// with one run "against a real process": a small Node script, named like the CLI, is made executable
// in a temporary directory put first on PATH, and started with the argv and stdin the adapter built,
// the way runAgent starts the real one. The script records what it was given (argv, stdin, working
// directory, the names of its environment variables) and prints a captured fixture, so a test can
// check both halves of the adapter: what it sends to the CLI and how it reads the CLI's answer.
//
// This is a helper, not a test file: jest only collects `*.test.ts`.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { AgentAdapter, AgentInvocation } from '../agents/types';
import { agentEnvironment } from '../environment';

/** What the fake CLI saw of its own start. */
export interface FakeCliRecord {
  /** Its arguments, without the executable (process.argv.slice(2)). */
  argv: string[];
  /** Everything written to its stdin ('' when stdin was closed at once). */
  stdin: string;
  /** Its working directory, as the process sees it (symlinks resolved). */
  cwd: string;
  /** The names of its environment variables; values are left out so no test writes a secret to disk. */
  env: string[];
  /** The contents of the file named after `messageFileFlag`, when that option was given and the flag was passed. */
  message?: string;
}

export interface FakeCliOptions {
  /** The CLI's executable name. The fake is written under it, and `invocation.argv[0]` must be it. */
  name: string;
  /**
   * When given, the child gets its environment the way runAgent builds it: agentEnvironment over this
   * process's environment plus `env`, passing through the adapter's credentialEnv. That is what lets a
   * test see that a variable (a forge token, say) does not reach the agent. Without it the child gets
   * `env` and PATH only, so a test sees exactly the variables it set.
   */
  adapter?: Pick<AgentAdapter, 'credentialEnv'>;
  /** What the adapter's buildInvocation returned: argv[0] is looked up on PATH, stdin is written and closed. */
  invocation: AgentInvocation;
  /** What the fake prints on stdout, usually a captured fixture. */
  stdout: string;
  /** What the fake prints on stderr. */
  stderr?: string;
  /** The fake's exit code. */
  exitCode?: number;
  /** Its working directory (the workspace); this process's when absent. */
  cwd?: string;
  /** Variables for the child. Its PATH (or this process's) gets the fake's directory put first. */
  env?: NodeJS.ProcessEnv;
  /**
   * A flag whose next argument names a file the fake reads and records as `message`, for CLIs that
   * take the prompt from a file rather than stdin (aider's --message-file).
   */
  messageFileFlag?: string;
}

export interface FakeCliRun {
  recorded: FakeCliRecord;
  stdout: string;
  stderr: string;
  status: number | null;
  /** spawnSync's error (a timeout, say): undefined when the process ran. */
  error: Error | undefined;
}

const FIXTURES = join(__dirname, 'fixtures', 'agents');

/** A captured output of one CLI, from fixtures/agents/<agent>/<file>. */
export function readFixture(agent: string, file: string): string {
  return readFileSync(join(FIXTURES, agent, file), 'utf8');
}

/** Like readFixture, but '' when there is no such file (the CLI printed nothing there). */
export function readFixtureIfAny(agent: string, file: string): string {
  return existsSync(join(FIXTURES, agent, file)) ? readFixture(agent, file) : '';
}

/**
 * A fresh temporary directory under the OS temp dir, with symlinks resolved: the fake records
 * process.cwd(), which is the resolved path (on macOS /var is /private/var), so a test can compare.
 */
function makeTempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/**
 * Returns a maker of temporary directories (workspaces, run directories) that are removed after the
 * enclosing describe block. Call it in a describe body, not in a test: it registers an afterAll.
 */
export function scopedTempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/**
 * The interpreter line of the fake. The Node running the tests, by absolute path, so the fake does
 * not depend on which `node` the child's PATH finds; `env node` when that path cannot go in a
 * shebang (the kernel splits at whitespace and caps the line's length).
 */
function shebang(): string {
  const node = process.execPath;
  return /\s/.test(node) || node.length > 120 ? '#!/usr/bin/env node' : `#!${node}`;
}

/** The fake's source: everything it needs is inlined, since its environment may be filtered. */
function fakeSource(spec: { record: string; stdout: string; stderr: string; exitCode: number; messageFileFlag?: string }): string {
  return [
    shebang(),
    "'use strict';",
    "const fs = require('node:fs');",
    // JSON is a valid JavaScript expression, so the spec (fixture text included) is inlined verbatim.
    `const spec = ${JSON.stringify(spec)};`,
    // Read stdin to its end first, as the real CLIs do before they answer.
    "const stdin = fs.readFileSync(0, 'utf8');",
    'const argv = process.argv.slice(2);',
    'const record = { argv, stdin, cwd: process.cwd(), env: Object.keys(process.env) };',
    'if (spec.messageFileFlag !== undefined) {',
    '  const at = argv.indexOf(spec.messageFileFlag);',
    "  if (at >= 0 && at + 1 < argv.length) record.message = fs.readFileSync(argv[at + 1], 'utf8');",
    '}',
    // Recorded before printing, so a test learns what the fake got even if printing fails.
    'fs.writeFileSync(spec.record, JSON.stringify(record));',
    'process.stdout.write(spec.stdout);',
    'process.stderr.write(spec.stderr);',
    // exitCode rather than exit(): exit() could cut off output still queued for a pipe.
    'process.exitCode = spec.exitCode;',
    '',
  ].join('\n');
}

/**
 * Writes a fake `name` CLI, runs `invocation` with it first on PATH, and returns what it recorded and
 * printed. The fake is a real executable file started by its bare name, so the PATH lookup, the
 * shebang, argv, stdin and the environment all go through the OS as they do for the real CLI.
 */
export function runFakeCli(options: FakeCliOptions): FakeCliRun {
  const { name, adapter, invocation, cwd, messageFileFlag } = options;
  const [executable, ...args] = invocation.argv;
  // Anything else would be looked up on PATH too and could start the real CLI, or nothing.
  if (executable !== name) {
    throw new Error(`runFakeCli: the invocation starts ${JSON.stringify(executable)}, not the fake ${JSON.stringify(name)}`);
  }

  const bin = makeTempDir(`aidp-fake-${name}-`);
  try {
    const record = join(bin, 'record.json');
    const fake = join(bin, name);
    writeFileSync(
      fake,
      fakeSource({
        record,
        stdout: options.stdout,
        stderr: options.stderr ?? '',
        exitCode: options.exitCode ?? 0,
        ...(messageFileFlag === undefined ? {} : { messageFileFlag }),
      }),
    );
    chmodSync(fake, 0o755);

    const base: NodeJS.ProcessEnv = adapter
      ? agentEnvironment({ ...process.env, ...options.env }, adapter.credentialEnv)
      : { ...options.env };
    // agentEnvironment passes PATH through unchanged, so putting the fake first after filtering is the
    // same as putting it first in the environment runAgent filters.
    const env: NodeJS.ProcessEnv = { ...base, PATH: `${bin}${delimiter}${base.PATH ?? process.env.PATH ?? ''}` };

    const run = spawnSync(executable, args, {
      ...(cwd === undefined ? {} : { cwd }),
      env,
      // Written, then closed; closed at once when the adapter sends none, as runAgent does.
      input: invocation.stdin ?? '',
      encoding: 'utf8',
    });

    if (!existsSync(record)) {
      // Say why here: without a record there is nothing for the test to check.
      throw new Error(
        `runFakeCli: the fake ${name} recorded nothing (status ${String(run.status)}, signal ${String(run.signal)}` +
          `${run.error ? `, error ${run.error.message}` : ''}); stderr:\n${run.stderr}`,
      );
    }
    return {
      recorded: JSON.parse(readFileSync(record, 'utf8')) as FakeCliRecord,
      stdout: run.stdout,
      stderr: run.stderr,
      status: run.status,
      error: run.error,
    };
  } finally {
    // The process has exited, so its directory can go: only the workspace outlives the run.
    rmSync(bin, { recursive: true, force: true });
  }
}
