import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Histories of real runs of every main scenario (recorded by the integration tests with
// AIDP_RECORD_HISTORIES=1) replayed against today's workflow code. A change that would break runs
// already in flight fails here; make such a change with patched() instead, or re-record on purpose.

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replaying recorded histories', () => {
  it('has a history for each main scenario of the work loop', () => {
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
      ]),
    );
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: join(__dirname, '..', 'index.ts') }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
