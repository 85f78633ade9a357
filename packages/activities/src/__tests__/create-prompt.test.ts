import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrompt, renderPrompt } from '../create-prompt';
import type { CreatePromptInput } from '@aidp/workflows/contracts';

const input: CreatePromptInput = {
  runDir: '/tmp/run',
  workspace: '/home/dev/project',
  stepName: 'fix-tests',
  task: 'Make the test suite pass.',
  iteration: 2,
  maxIterations: 10,
  instructions: [],
  diagnosis: null,
  previousAgentRun: null,
  completionByMarker: false,
};

describe('the prompt', () => {
  it('states the task, the iteration and how completion is judged', () => {
    const text = renderPrompt(input);
    expect(text).toContain('# fix-tests');
    expect(text).toContain('Iteration 2 of 10');
    expect(text).toContain('Make the test suite pass.');
    expect(text).toContain('only their exit codes count');
    expect(text).not.toContain('STATUS: COMPLETE');
    expect(renderPrompt({ ...input, completionByMarker: true })).toContain('`STATUS: COMPLETE`');
  });

  it('carries operator instructions, the last diagnosis and a failed agent run', () => {
    const text = renderPrompt({
      ...input,
      instructions: ['Prefer small commits.'],
      diagnosis: {
        iteration: 1,
        failedChecks: ['test'],
        failures: [{ check: 'test', file: 'src/math.test.js', line: 7, test: 'adds', message: 'expected 5, got -1' }],
        omitted: 3,
        summary: '1 check failed (test): 4 failing tests',
      },
      previousAgentRun: { iteration: 1, ok: false, exitCode: 2, timedOut: false, summary: 'boom' },
    });
    expect(text).toContain('## Instructions from the operator');
    expect(text).toContain('- Prefer small commits.');
    expect(text).toContain('[test] src/math.test.js:7 "adds": expected 5, got -1');
    expect(text).toContain('and 3 more failure(s)');
    expect(text).toContain('exited with code 2');
    expect(text).toContain('boom');
  });

  it('stays bounded however large the task, the instructions and the diagnosis grow', () => {
    const huge = 'x'.repeat(200_000);
    const text = renderPrompt({
      ...input,
      task: huge,
      context: huge,
      instructions: Array.from({ length: 5 }, () => huge),
      diagnosis: {
        iteration: 1,
        failedChecks: ['test'],
        failures: Array.from({ length: 500 }, (_, i) => ({ check: 'test', message: `failure ${i}` })),
        omitted: 0,
        summary: 'many',
      },
      previousAgentRun: { iteration: 1, ok: false, exitCode: 1, timedOut: false, summary: huge },
    });
    expect(text.length).toBeLessThan(64_000);
    expect(text).toContain('and 480 more failure(s)');
  });

  it('is rewritten each iteration, with a copy kept per iteration', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'aidp-prompt-'));
    await createPrompt({ ...input, runDir, iteration: 1, instructions: ['first only'] });
    const second = await createPrompt({ ...input, runDir, iteration: 2 });
    expect(second.promptPath).toBe(join(runDir, 'PROMPT.md'));
    expect(readFileSync(second.promptPath, 'utf8')).not.toContain('first only');
    expect(readFileSync(join(runDir, 'iter-1', 'PROMPT.md'), 'utf8')).toContain('first only');
    expect(second.bytes).toBe(Buffer.byteLength(readFileSync(second.promptPath)));
  });
});
