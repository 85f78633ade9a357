import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Histories of real runs of every main scenario (recorded by the integration tests with
// AIDP_RECORD_HISTORIES=1) replayed against today's workflow code. A change that would break runs
// already in flight fails here; make such a change with patched() instead, or re-record on purpose.

const dir = join(__dirname, 'histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * A decomposed run derives its children's ids from its own, so it replays under the id it was recorded
 * with: the one its first child's id starts with.
 */
function recordedWorkflowId(history: { events: Array<Record<string, { workflowId?: string }>> }): string | undefined {
  const child = history.events.find(
    (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
  )?.startChildWorkflowExecutionInitiatedEventAttributes;
  return child?.workflowId?.replace(/\.sub-\d+$/, '');
}

describe('replaying recorded histories', () => {
  it('has a history for each main scenario of every workflow', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'already-passing.json',
        'budget-exceeded.json',
        'claude-adapter-auth-refused.json',
        'claude-adapter-rate-limit.json',
        'claude-adapter-session.json',
        'agent-unavailable.json',
        'cancelled.json',
        'continue-as-new-first-run.json',
        'continue-as-new-last-run.json',
        'escalation.json',
        'green-in-two-iterations.json',
        'inject-instruction.json',
        'max-iterations.json',
        'no-progress-escalation.json',
        'pause-resume.json',
        'issue-to-pr-completed.json',
        'issue-to-pr-existing-pr.json',
        'issue-to-pr-not-found.json',
        'issue-to-pr-three-children.json',
        'issue-to-pr-child-failed.json',
        'sub-issue-completed.json',
        // Parts judged by their own goals (the runs above started before parts had goals, and keep replaying).
        'issue-to-pr-parts-each-partial.json',
        'issue-to-pr-parts-final-loop.json',
        'issue-to-pr-parts-nested.json',
        'issue-to-pr-part-checks.json',
        'issue-to-pr-part-failed.json',
        'issue-to-pr-three-parts.json',
        'issue-to-pr-parts-conflict-resolved.json',
        'sub-issue-part-no-regression.json',
        'sub-issue-part-broke-then-repaired.json',
        'sub-issue-part-checks.json',
        'sub-issue-part-done.json',
        'sub-issue-parts-nested.json',
      ]),
    );
  });

  it('keeps the folder of the checkout that recorded them out of every history, payloads included', () => {
    const checkout = `${resolve(__dirname, '..', '..', '..', '..')}/`;
    const leaks = files.filter((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const payloads = [...text.matchAll(/"data": ?"([A-Za-z0-9+/]+=*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
      return [text, ...payloads].some((t) => t.includes(checkout));
    });
    expect(leaks).toEqual([]);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((file) => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: Array<Record<string, { workflowId?: string }>> };
      return { workflowId: recordedWorkflowId(json) ?? file.replace(/\.json$/, ''), history: historyFromJSON(json) };
    });
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: join(__dirname, '..', 'index.ts') }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
