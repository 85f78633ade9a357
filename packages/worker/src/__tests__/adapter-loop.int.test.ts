import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { FIXED_MATH, createFixtureProject } from '@aidp/testing';
import { recordHistory, testConfig, workLoopHarness } from '@aidp/testing/work-loop-harness';
import type { WorkLoopResult } from '@aidp/workflows/contracts';

// A work loop through a built-in adapter: a fake `claude` on PATH that speaks Claude Code's print-mode
// JSON (result, session_id, total_cost_usd, usage), records how it was called, and can be told to
// hit a rate limit or refuse its credentials — the real runAgent path, the real workflow.

interface Call {
  iteration: number;
  argv: string[];
  stdinHasPrompt: boolean;
  env: string[];
}

function fakeClaude(behaviour: { rateLimitFirstAttemptOf?: number; authFails?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-fake-claude-'));
  const record = join(dir, 'calls.jsonl');
  const script = `#!/usr/bin/env node
const fs = require('fs');
const input = fs.readFileSync(0, 'utf8');
const iteration = Number((/Iteration (\\d+) of/.exec(input) || [])[1] || 0);
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ iteration, argv: process.argv.slice(2), stdinHasPrompt: input.includes('## Task'), env: Object.keys(process.env) }) + '\\n');
const behaviour = ${JSON.stringify(behaviour)};
if (behaviour.authFails) { process.stderr.write('Invalid API key · Please run /login\\n'); process.exit(1); }
const marker = ${JSON.stringify(join(dir, 'limited'))};
if (behaviour.rateLimitFirstAttemptOf === iteration && !fs.existsSync(marker)) {
  fs.writeFileSync(marker, '1');
  process.stderr.write('API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}\\n');
  process.exit(1);
}
if (iteration === 2) fs.writeFileSync('src/math.js', ${JSON.stringify(FIXED_MATH)});
else fs.writeFileSync('notes.txt', 'iteration ' + iteration + '\\n');
process.stdout.write(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, duration_ms: 1200, num_turns: 3,
  result: 'Edited the files for iteration ' + iteration + '.', session_id: 'session-' + iteration, total_cost_usd: 0.125,
  usage: { input_tokens: 1000, output_tokens: 200 } }) + '\\n');
`;
  writeFileSync(join(dir, 'claude'), script);
  chmodSync(join(dir, 'claude'), 0o755);
  return {
    dir,
    calls: (): Call[] =>
      existsSync(record)
        ? readFileSync(record, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Call)
        : [],
  };
}

async function runLoop(fake: ReturnType<typeof fakeClaude>, historyName?: string) {
  const project = createFixtureProject();
  const savedPath = process.env.PATH;
  const savedKey = process.env.ANTHROPIC_API_KEY;
  // The worker runs in this process: its agents see this PATH, and the credential variable.
  process.env.PATH = `${fake.dir}${delimiter}${savedPath ?? ''}`;
  process.env.ANTHROPIC_API_KEY = 'sk-ant-test';
  const harness = await workLoopHarness(testConfig({ agent: { provider: 'claude', tiers: ['sonnet', 'opus'] } }));
  try {
    return await harness.run(async () => {
      const handle = await harness.start({ projectDir: project.dir, stepName: 'claude', task: 'Fix it.' });
      const outcome = await handle.result().then(
        (r) => r,
        (e: unknown) => e as Error,
      );
      if (historyName) await recordHistory(harness.client, handle.workflowId, historyName);
      return { project, outcome };
    });
  } finally {
    process.env.PATH = savedPath;
    if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = savedKey;
    await harness.close();
  }
}

describe('a work loop through the claude adapter', () => {
  it('runs Claude Code in print mode, continues its session, and adds up the cost it reports', async () => {
    const fake = fakeClaude({});
    const { project, outcome } = await runLoop(fake, 'claude-adapter-session');
    const result = outcome as WorkLoopResult;
    expect(result.outcome).toBe('completed');
    expect(result.iterations).toBe(2);
    expect(result.cost).toEqual({ usd: 0.25, inputTokens: 2000, outputTokens: 400 });
    expect(result.model).toEqual({ provider: 'claude', model: 'sonnet', tier: 0 });
    const [first, second] = fake.calls();
    expect(first!.argv).toEqual(['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', '--model', 'sonnet']);
    expect(second!.argv).toEqual([...first!.argv, '--resume', 'session-1']);
    expect(first!.stdinHasPrompt).toBe(true);
    // The agent gets its credential variable, and nothing of AIDP's own.
    expect(first!.env).toContain('ANTHROPIC_API_KEY');
    expect(first!.env).not.toContain('GITHUB_TOKEN');
    const record = JSON.parse(
      readFileSync(
        join(project.dir, '.aidp', 'runs', readdirSync(join(project.dir, '.aidp', 'runs'))[0]!, 'iter-2', 'agent-result.json'),
        'utf8',
      ),
    ) as { cost: unknown; sessionId: string; summary: string };
    expect(record).toMatchObject({ cost: { usd: 0.125, inputTokens: 1000, outputTokens: 200 }, sessionId: 'session-2' });
    expect(record.summary).toBe('Edited the files for iteration 2.');
  });

  it('retries a rate-limited agent run with backoff, within the same iteration', async () => {
    const fake = fakeClaude({ rateLimitFirstAttemptOf: 1 });
    const { outcome } = await runLoop(fake, 'claude-adapter-rate-limit');
    expect((outcome as WorkLoopResult).outcome).toBe('completed');
    expect(fake.calls().map((c) => c.iteration)).toEqual([1, 1, 2]);
  });

  it('fails the run as AgentUnavailable, without retrying, when the credentials are refused', async () => {
    const fake = fakeClaude({ authFails: true });
    const { outcome } = await runLoop(fake, 'claude-adapter-auth-refused');
    const cause = (outcome as Error & { cause: { type: string; message: string } }).cause;
    expect(cause.type).toBe('AgentUnavailable');
    expect(cause.message).toContain('refused its credentials');
    expect(cause.message).toContain('ANTHROPIC_API_KEY');
    expect(fake.calls()).toHaveLength(1);
  });
});
