import type { Progress } from '@aidp/client/contracts';
import { paint, progressLine, progressPanel } from '../render.js';

const progress: Progress = {
  workflowType: 'IssueToPrWorkflow',
  state: 'awaiting_children',
  paused: false,
  iteration: 3,
  maxIterations: 10,
  subject: { kind: 'issue', repo: 'acme/widgets', issueNumber: 12 },
  model: { provider: 'claude', model: 'sonnet', tier: 0 },
  consecutiveFailures: 0,
  pendingInstructions: 0,
  cost: { usd: 0.42, inputTokens: 1000, outputTokens: 200 },
  lastChecks: null,
  branch: 'aidp/issue-12',
  workspace: '/p/.aidp/worktrees/x',
  children: [
    {
      workflowId: 'aidp-issue-acme-widgets-12.sub-1',
      subIssueId: '1',
      title: 'Parser',
      state: 'completed',
      outcome: 'completed',
      iterations: 2,
      cost: { usd: 0.3, inputTokens: 0, outputTokens: 0 },
    },
    { workflowId: 'aidp-issue-acme-widgets-12.sub-2', subIssueId: '2', title: 'Writer', state: 'running' },
  ],
  issue: { title: 'Read and write the format', url: 'https://github.com/acme/widgets/issues/12' },
  pullRequest: { number: 13, url: 'https://github.com/acme/widgets/pull/13' },
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:01:00.000Z',
};

describe('how an issue run is shown', () => {
  it('names the issue, the pull request and each part with its state', () => {
    const lines = progressPanel(progress, paint(false));
    expect(lines[0]).toBe('IssueToPrWorkflow acme/widgets#12');
    expect(lines).toContain('  issue       Read and write the format — https://github.com/acme/widgets/issues/12');
    expect(lines).toContain('  pull req.   #13 https://github.com/acme/widgets/pull/13');
    expect(lines).toContain('  children    1/2 done');
    expect(lines).toContain('    1. Parser — completed (completed), 2 iteration(s), $0.30  aidp-issue-acme-widgets-12.sub-1');
    expect(lines).toContain('    2. Writer — running  aidp-issue-acme-widgets-12.sub-2');
  });

  it('says it on one line for logs', () => {
    expect(progressLine(progress)).toContain('children=1/2 pr=https://github.com/acme/widgets/pull/13');
  });
});
