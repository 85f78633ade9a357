import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordCheckpointInput, RecordCheckpointResult } from '@aidp/workflows/contracts';
import { commitAll } from './git.js';
import { workspaceRepo } from './prepare-workspace.js';

interface CheckpointRecord {
  workflowId: string;
  iteration: number;
  reason: string;
  passing: boolean | null;
  summary: string;
  commit: string | null;
  recordedAt: string;
}

/**
 * Appends a checkpoint record to `<runDir>/checkpoints.jsonl` and, in worktree mode, commits the work in
 * progress on the run's branch, so the workspace can be rebuilt from the branch. Idempotent: a retry
 * finds nothing new to commit and returns the same commit, and records each checkpoint once.
 */
export async function recordCheckpoint(input: RecordCheckpointInput): Promise<RecordCheckpointResult> {
  let commit: string | null = null;
  if (input.mode === 'worktree') {
    // Verified first: the commit goes on the run's branch in the run's worktree, or nowhere.
    const repo = await workspaceRepo(input.runDir, input.workspace);
    const message = `aidp: ${input.summary}\n\nCheckpoint of iteration ${input.iteration} (${input.reason}).\nAIDP-Workflow-Id: ${input.workflowId}`;
    await commitAll(repo, message);
    commit = await repo.run(['rev-parse', 'HEAD']);
  }

  mkdirSync(input.runDir, { recursive: true });
  const recordPath = join(input.runDir, 'checkpoints.jsonl');
  const existing = existsSync(recordPath) ? readFileSync(recordPath, 'utf8').split('\n').filter(Boolean) : [];
  const already = existing.some((line) => {
    const r = JSON.parse(line) as CheckpointRecord;
    return r.iteration === input.iteration && r.reason === input.reason;
  });
  if (!already) {
    const record: CheckpointRecord = {
      workflowId: input.workflowId,
      iteration: input.iteration,
      reason: input.reason,
      passing: input.passing,
      summary: input.summary,
      commit,
      recordedAt: new Date().toISOString(),
    };
    appendFileSync(recordPath, `${JSON.stringify(record)}\n`);
  }
  return { commit, recordPath };
}
