import type { Progress } from '@aidp/client/contracts';
import { modelText, paint, progressLine, progressPanel, usd } from '../render.js';

// What a person watching a run sees of the agent: the model the CLI reported running (an alias such
// as `opus` resolved to a model id), beside the tier and its configured name; and costs of a cent or
// less with the digits that show them.

const progress: Progress = {
  workflowType: 'WorkLoopWorkflow',
  state: 'apply_patch',
  paused: false,
  iteration: 2,
  maxIterations: 5,
  subject: { kind: 'step', stepName: 'fix-tests' },
  model: { provider: 'claude', model: 'opus', tier: 1, reported: 'claude-opus-5-5' },
  consecutiveFailures: 0,
  pendingInstructions: 0,
  // What two runs of the real claude cost against the scripted model server.
  cost: { usd: 0.0041, inputTokens: 921, outputTokens: 51 },
  lastChecks: null,
  branch: 'aidp/fix-tests',
  workspace: '/p/.aidp/worktrees/x',
  children: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:01:00.000Z',
};

describe('the model shown for a run', () => {
  it('is the one the CLI reported, with the tier and its configured name', () => {
    expect(progressLine(progress)).toContain('model=claude-opus-5-5(tier 1: opus)');
    expect(progressPanel(progress, paint(false))).toContain('  model       claude/claude-opus-5-5 (tier 1: opus)');
  });

  it('is the tier’s name alone when the CLI reported nothing else', () => {
    const plain = { ...progress, model: { provider: 'codex', model: 'gpt-5.5', tier: 0 } };
    expect(progressLine(plain)).toContain('model=gpt-5.5(tier 0)');
    expect(modelText({ provider: 'gemini', model: 'gemini-2.5-pro', tier: 0, reported: 'gemini-2.5-pro' })).toBe('gemini-2.5-pro (tier 0)');
  });
});

describe('costs', () => {
  it('show a run that cost less than a cent', () => {
    expect(progressLine(progress)).toContain('cost=$0.0041');
    expect(progressPanel(progress, paint(false))).toContain('  cost        $0.0041 (921 in / 51 out tokens)');
  });

  it.each([
    [0, '$0.00'],
    [0.0041, '$0.0041'],
    [0.01026, '$0.0103'],
    [0.25, '$0.25'],
    [0.1, '$0.10'],
    [1.5, '$1.50'],
    [12.345, '$12.35'],
    [0.0000012, '$0.000001'],
  ])('%s is %s', (amount, text) => {
    expect(usd(amount)).toBe(text);
  });
});
