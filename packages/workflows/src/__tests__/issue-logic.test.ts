import { childWorkflowId, childSubIssueId, pullRequestBody, shouldDecompose, subIssueBranch } from '../issue-logic.js';
import { issueWorkflowId } from '../contracts/index.js';

describe('issue flow names', () => {
  it('derives one workflow id per repository and issue, and child ids and branches from their place in the tree', () => {
    expect(issueWorkflowId('acme/widgets', 12)).toBe('aidp-issue-acme-widgets-12');
    expect(childWorkflowId('aidp-issue-acme-widgets-12', 0)).toBe('aidp-issue-acme-widgets-12.sub-1');
    expect(childSubIssueId(null, 1)).toBe('2');
    expect(childSubIssueId('2', 0)).toBe('2.1');
    // git cannot hold aidp/issue-12 and aidp/issue-12/… at once.
    expect(subIssueBranch(12, '2.1')).toBe('aidp/issue-12-sub-2-1');
  });

  it('splits a sub-task again only with two or more parts and below the depth limit', () => {
    const parts = {
      subTasks: [
        { title: 'a', detail: '' },
        { title: 'b', detail: '' },
      ],
    };
    expect(shouldDecompose(parts, 1, 3)).toBe(true);
    expect(shouldDecompose(parts, 3, 3)).toBe(false);
    expect(shouldDecompose({ subTasks: [{ title: 'a', detail: '' }] }, 1, 3)).toBe(false);
  });
});

describe('the pull request body', () => {
  it('says what changed, which checks passed, iterations and cost, and closes the issue', () => {
    const body = pullRequestBody({
      analysis: { issueNumber: 7, title: 'Fix add' },
      changedFiles: ['src/math.js'],
      checks: {
        iteration: 2,
        passing: true,
        checks: [
          { name: 'test', required: true, passed: true, exitCode: 0, durationMs: 1, outputTail: '', logPath: '', timedOut: false },
          { name: 'lint', required: false, passed: false, exitCode: 1, durationMs: 1, outputTail: '', logPath: '', timedOut: false },
        ],
      },
      iterations: 2,
      cost: { usd: 0.1234, inputTokens: 10, outputTokens: 5 },
      children: [],
      workflowId: 'aidp-issue-acme-widgets-7',
    });
    expect(body).toContain('- `src/math.js`');
    expect(body).toContain('✅ test');
    expect(body).toContain('❌ lint (optional)');
    expect(body).toContain('Iterations: 2');
    expect(body).toContain('Cost: $0.12');
    expect(body.trimEnd().endsWith('Closes #7')).toBe(true);
  });
});
