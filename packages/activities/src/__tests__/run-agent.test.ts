import { MockActivityEnvironment } from '@temporalio/testing';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { FIXED_MATH, createFixtureProject, isProcessAlive, scriptAgent } from '@aidp/testing';
import type { RunAgentInput } from '@aidp/workflows/contracts';
import { hasCompletionMarker, runAgent } from '../run-agent';
import { expandCommand, parseReportedCost } from '../agents';
import { prepareWorkspace } from '../prepare-workspace';

// The activities log what they do; the test output needs none of it.
const noop = () => undefined;
const QUIET = { logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } };

/** Runs an activity in a mock activity context, typed by the activity's own signature. */
function runActivity<A, R>(fn: (input: A) => Promise<R>, input: A, env = new MockActivityEnvironment(undefined, QUIET)): Promise<R> {
  return env.run<[A], R, typeof fn>(fn, input);
}

async function agentInput(command: string[], overrides: Partial<RunAgentInput['agent']> = {}): Promise<RunAgentInput> {
  const project = createFixtureProject();
  const ws = await prepareWorkspace({ projectDir: project.dir, workflowId: 'wf-agent', branch: 'aidp/t', mode: 'worktree' });
  const promptPath = join(ws.runDir, 'PROMPT.md');
  writeFileSync(promptPath, '# t\n\nIteration 1 of 3\n');
  return {
    workspace: ws.workspace,
    runDir: ws.runDir,
    promptPath,
    iteration: 1,
    model: 'big-model',
    agent: { provider: 'command', command, timeoutMs: 30_000, env: [], ...overrides },
  };
}

describe('runAgent', () => {
  it('logs the run through the activity logger: provider, model, exit code and duration, never the prompt', async () => {
    const entries: { level: string; message: string; meta: Record<string, unknown> }[] = [];
    const logger = {
      log: (level: string, message: string, meta: Record<string, unknown> = {}) => entries.push({ level, message, meta }),
      trace: (m: string, meta?: Record<string, unknown>) => logger.log('TRACE', m, meta),
      debug: (m: string, meta?: Record<string, unknown>) => logger.log('DEBUG', m, meta),
      info: (m: string, meta?: Record<string, unknown>) => logger.log('INFO', m, meta),
      warn: (m: string, meta?: Record<string, unknown>) => logger.log('WARN', m, meta),
      error: (m: string, meta?: Record<string, unknown>) => logger.log('ERROR', m, meta),
    };
    const agent = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH }, exitCode: 3 } });
    const input = await agentInput(agent.command);
    writeFileSync(input.promptPath, '# t\n\nIteration 1 of 3\n\nThe secret plan: PROMPT-TEXT-42\n');
    await runActivity(runAgent, input, new MockActivityEnvironment(undefined, { logger }));

    expect(entries.find((e) => e.message === 'agent started')).toMatchObject({
      level: 'INFO',
      meta: { activityType: expect.any(String), iteration: 1, provider: 'command', model: 'big-model', command: 'node' },
    });
    expect(entries.find((e) => e.message === 'agent finished')).toMatchObject({
      level: 'WARN',
      meta: {
        ok: false,
        exitCode: 3,
        timedOut: false,
        durationMs: expect.any(Number),
        changedFiles: 1,
        logPath: expect.stringMatching(/agent\.log$/),
      },
    });
    expect(JSON.stringify(entries)).not.toContain('PROMPT-TEXT-42');
    expect(JSON.stringify(entries)).not.toContain('--prompt-file');
  });

  it('runs the agent in the workspace with the prompt, and reports changed files, cost and completion', async () => {
    const agent = scriptAgent({
      default: { write: { 'src/math.js': FIXED_MATH }, cost: { usd: 0.12, inputTokens: 1000, outputTokens: 200 }, complete: true },
    });
    const input = await agentInput(agent.command);
    const result = await runActivity(runAgent, input);
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false, completionMarker: true, changedFiles: ['src/math.js'] });
    expect(result.cost).toEqual({ usd: 0.12, inputTokens: 1000, outputTokens: 200 });
    expect(readFileSync(result.logPath, 'utf8')).toContain('scripted-agent: iteration 1, model big-model');
    const [call] = agent.invocations();
    expect(call!.cwd).toBe(input.workspace);
    expect(call!.stdinMatchesPromptFile).toBe(true);
    expect(call!.argv).toContain(input.promptPath);
  });

  it('reports the same changed files when an iteration is retried after its first attempt already wrote them', async () => {
    const agent = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } });
    const input = await agentInput(agent.command);
    const first = await runActivity(runAgent, input);
    // The server never heard the first attempt finish (a crash, a restart): the same iteration runs again.
    const retry = await runActivity(runAgent, input);
    expect(first.changedFiles).toEqual(['src/math.js']);
    expect(retry.changedFiles).toEqual(['src/math.js']);
    // The next iteration starts from what this one left.
    const next = await runActivity(runAgent, { ...input, iteration: 2 });
    expect(next.changedFiles).toEqual([]);
  });

  it('gives the agent a minimal environment: no AIDP secrets unless agent.env passes them', async () => {
    const agent = scriptAgent({ default: {} });
    const saved = { ...process.env };
    Object.assign(process.env, { GITHUB_TOKEN: 'ghp_secret', TEMPORAL_API_KEY: 'tk', MY_AGENT_KEY: 'k', UNRELATED: 'u' });
    try {
      await runActivity(runAgent, await agentInput(agent.command, { env: ['MY_AGENT_KEY'] }));
    } finally {
      process.env = saved;
    }
    const env = agent.invocations()[0]!.env;
    expect(env).toContain('PATH');
    expect(env).toContain('MY_AGENT_KEY');
    expect(env).not.toContain('GITHUB_TOKEN');
    expect(env).not.toContain('TEMPORAL_API_KEY');
    expect(env).not.toContain('UNRELATED');
  });

  it('keeps a key it gave the agent out of the result, when the agent prints it', async () => {
    const key = 'sk-agent-key-0123456789';
    const agent = scriptAgent({ default: { printEnv: true, exitCode: 1 } });
    const saved = { ...process.env };
    Object.assign(process.env, { MY_AGENT_KEY: key, GITHUB_TOKEN: 'ghp_not-for-agents-123' });
    let result: Awaited<ReturnType<typeof runAgent>>;
    try {
      result = await runActivity(runAgent, await agentInput(agent.command, { env: ['MY_AGENT_KEY', 'GITHUB_TOKEN'] }));
    } finally {
      process.env = saved;
    }
    // The summary goes to workflow history and into the next prompt.
    expect(result.summary).toContain('MY_AGENT_KEY=***');
    expect(result.summary).toContain('GITHUB_TOKEN=***');
    expect(result.summary).not.toContain(key);
    expect(readFileSync(join(result.logPath, '..', 'agent-result.json'), 'utf8')).not.toContain(key);
  });

  it('stores the output once, and keeps only its end past agent.max_output_bytes, saying how much was dropped', async () => {
    // 300 KB in small writes, then a result line at the very end; the cap is 64 KiB.
    const script =
      "for (let i = 0; i < 3000; i++) process.stdout.write('x'.repeat(99) + '\\n'); process.stderr.write('cli note\\n'); console.log('AIDP_COST {\\\"usd\\\": 0.5}'); console.log('STATUS: COMPLETE');";
    const input = await agentInput([process.execPath, '-e', script], { maxOutputBytes: 65_536 });
    const result = await runActivity(runAgent, input);

    const log = readFileSync(result.logPath, 'utf8');
    expect(log).toMatch(/^\[aidp: the first \d+ bytes of this output were dropped to keep the log within 65536 bytes/);
    expect(Buffer.byteLength(log)).toBeLessThan(65_536 + 200);
    expect(log.trimEnd().endsWith('STATUS: COMPLETE')).toBe(true);
    // Nothing else in the iteration's folder holds the output a second time.
    const iterDir = join(input.runDir, 'iter-1');
    expect(readdirSync(iterDir).filter((f) => f.startsWith('agent.') && f !== 'agent.log')).toEqual([]);
    // What is read from the output still is.
    expect(result).toMatchObject({ ok: true, completionMarker: true, cost: { usd: 0.5 } });
  });

  it('returns a failed run, not an error, when the agent exits non-zero or crashes', async () => {
    const failing = await runActivity(runAgent, await agentInput(scriptAgent({ default: { exitCode: 4 } }).command));
    expect(failing).toMatchObject({ ok: false, exitCode: 4, timedOut: false });
    const crashed = await runActivity(runAgent, await agentInput(scriptAgent({ default: { crash: true } }).command));
    expect(crashed).toMatchObject({ ok: false, exitCode: null, signal: 'SIGSEGV' });
  });

  it('kills the agent and its children at agent.timeout and reports timedOut', async () => {
    const agent = scriptAgent({ default: { sleepMs: 60_000, spawnChild: true } });
    const result = await runActivity(runAgent, await agentInput(agent.command, { timeoutMs: 1_500 }));
    expect(result).toMatchObject({ ok: false, timedOut: true });
    const [call] = agent.invocations();
    expect(isProcessAlive(call!.pid)).toBe(false);
    expect(isProcessAlive(call!.childPid!)).toBe(false);
  });

  it('heartbeats while the agent runs', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 3_000 }, QUIET);
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await runActivity(runAgent, await agentInput(scriptAgent({ default: { sleepMs: 2_500 } }).command), env);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toEqual({ iteration: 1 });
  });

  it('on cancellation kills the whole process group and fails as cancelled', async () => {
    const agent = scriptAgent({ default: { sleepMs: 60_000, spawnChild: true } });
    const env = new MockActivityEnvironment(undefined, QUIET);
    const running = runActivity(runAgent, await agentInput(agent.command), env);
    const deadline = Date.now() + 10_000;
    while (agent.invocations().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [call] = agent.invocations();
    expect(isProcessAlive(call!.childPid!)).toBe(true);
    env.cancel();
    await expect(running).rejects.toMatchObject({ name: 'CancelledFailure' });
    expect(isProcessAlive(call!.pid)).toBe(false);
    expect(isProcessAlive(call!.childPid!)).toBe(false);
  });

  it('fails non-retryably, naming the command, when the agent is not installed', async () => {
    const input = await agentInput(['aidp-no-such-agent', '{promptFile}']);
    await expect(runActivity(runAgent, input)).rejects.toMatchObject({
      name: 'ApplicationFailure',
      type: 'AgentNotFound',
      nonRetryable: true,
      message: expect.stringContaining('agent command "aidp-no-such-agent" not found'),
    });
  });
});

describe('agent output conventions', () => {
  it('expands the argv template placeholders', () => {
    expect(expandCommand(['a', '--p={promptFile}', '{model}', '{workspace}/x'], { promptFile: 'P', model: 'M', workspace: 'W' })).toEqual([
      'a',
      '--p=P',
      'M',
      'W/x',
    ]);
  });

  it('adds up AIDP_COST lines and finds the completion marker only on its own line', () => {
    const out = 'AIDP_COST {"usd":0.5,"inputTokens":10,"outputTokens":2}\nx\nAIDP_COST {"usd":0.25}\nAIDP_COST nope\n';
    expect(parseReportedCost(out)).toEqual({ usd: 0.75, inputTokens: 10, outputTokens: 2 });
    expect(hasCompletionMarker('done\nSTATUS: COMPLETE\n')).toBe(true);
    expect(hasCompletionMarker('I will print STATUS: COMPLETE later')).toBe(false);
  });
});

describe('runAgent through a built-in adapter', () => {
  // A fake `claude` on PATH: prints a print-mode JSON result on stdout, a message on stderr, and exits.
  async function runFakeClaude(result: Record<string, unknown>, stderr: string, exitCode: number): Promise<unknown> {
    const bin = mkdtempSync(join(tmpdir(), 'aidp-claude-bin-'));
    writeFileSync(
      join(bin, 'claude'),
      `#!${process.execPath}\nrequire('fs').readFileSync(0);\nprocess.stdout.write(${JSON.stringify(JSON.stringify(result))} + '\\n');\nprocess.stderr.write(${JSON.stringify(stderr)});\nprocess.exit(${exitCode});\n`,
    );
    chmodSync(join(bin, 'claude'), 0o755);
    const input = await agentInput([]);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${savedPath ?? ''}`;
    try {
      return await runActivity(runAgent, { ...input, agent: { ...input.agent, provider: 'claude' } });
    } finally {
      process.env.PATH = savedPath;
    }
  }

  it("classifies a failure by the CLI's own messages, never by the model's prose on stdout", async () => {
    const prose = {
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'I fixed the rate limit handling and the Invalid API key message.',
      session_id: 's-1',
    };
    const result = await runFakeClaude(prose, '', 1);
    expect(result).toMatchObject({ ok: false, exitCode: 1, sessionId: 's-1' });
  });

  it('fails retryably on a rate limit the CLI reports on stderr', async () => {
    const error = { type: 'result', subtype: 'error_during_execution', is_error: true, result: '', session_id: 's-2' };
    await expect(runFakeClaude(error, 'API Error: 429 {"type":"rate_limit_error"}\n', 1)).rejects.toMatchObject({
      name: 'ApplicationFailure',
      type: 'AgentRateLimited',
      nonRetryable: false,
    });
  });
});
