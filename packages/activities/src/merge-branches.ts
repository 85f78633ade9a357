// Merging finished children's branches into their parent's branch. A conflict gets one agent run to
// resolve it; if markers remain, the merge is undone and the conflicting files are reported.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { CostSummary, MergeBranchesInput, MergeBranchesResult } from '@aidp/workflows/contracts';
import { runAgent } from './run-agent.js';
import { identityArgs, type Repo } from './git.js';
import { workspaceRepo } from './prepare-workspace.js';

const CONFLICT_MARKER = /^(<{7}|>{7})( |$)/m;

async function isAncestor(repo: Repo, branch: string): Promise<boolean> {
  try {
    await repo.run(['merge-base', '--is-ancestor', branch, 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

async function mergeInProgress(repo: Repo): Promise<boolean> {
  const mergeHead = await repo.run(['rev-parse', '--git-path', 'MERGE_HEAD']);
  return existsSync(join(repo.workTree, mergeHead)) || existsSync(mergeHead);
}

async function unmergedFiles(repo: Repo): Promise<string[]> {
  const out = await repo.run(['diff', '--name-only', '--diff-filter=U']);
  return out ? out.split('\n') : [];
}

export function renderConflictPrompt(branch: string, files: string[]): string {
  return [
    '# Resolve a merge conflict',
    '',
    `Merging branch ${branch} into this branch left conflicts in these files:`,
    '',
    ...files.map((f) => `- ${f}`),
    '',
    'Edit each file so that it keeps the intent of both sides, and remove every conflict marker',
    '(<<<<<<<, =======, >>>>>>>). Do not change other files. Do not commit: AIDP commits the merge.',
    '',
  ].join('\n');
}

/**
 * Merges each branch into the workspace's branch, in order. Idempotent: a branch already merged is
 * skipped, and a merge a crash left half-done is started over.
 */
export async function mergeBranches(input: MergeBranchesInput): Promise<MergeBranchesResult> {
  const ctx = Context.current();
  const ws = input.workspace;
  const repo = await workspaceRepo(input.runDir, ws);
  const ident = await identityArgs(repo);
  const merged: string[] = [];
  let cost: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };
  if (await mergeInProgress(repo)) await repo.run(['merge', '--abort']);

  for (const [index, branch] of input.branches.entries()) {
    ctx.heartbeat({ branch });
    if (await isAncestor(repo, branch)) {
      merged.push(branch);
      continue;
    }
    try {
      await repo.run([...ident, 'merge', '--no-ff', '--no-edit', '-m', `aidp: merge ${branch}`, branch]);
      merged.push(branch);
      continue;
    } catch (err) {
      const files = await unmergedFiles(repo);
      if (files.length === 0) throw err;
      if (input.resolveWith) {
        const dir = join(input.runDir, `merge-${index + 1}`);
        mkdirSync(dir, { recursive: true });
        const promptPath = join(dir, 'PROMPT.md');
        writeFileSync(promptPath, renderConflictPrompt(branch, files));
        const run = await runAgent({
          workspace: ws,
          runDir: input.runDir,
          promptPath,
          iteration: 0,
          label: `merge-${index + 1}`,
          agent: input.resolveWith.agent,
          model: input.resolveWith.model,
        });
        cost = {
          usd: cost.usd + run.cost.usd,
          inputTokens: cost.inputTokens + run.cost.inputTokens,
          outputTokens: cost.outputTokens + run.cost.outputTokens,
        };
        const stillConflicted = files.filter((f) => {
          const path = join(ws, f);
          return existsSync(path) && CONFLICT_MARKER.test(readFileSync(path, 'utf8'));
        });
        if (run.ok && stillConflicted.length === 0) {
          // The agent ran in the worktree: it must still be the run's before the merge is committed.
          await workspaceRepo(input.runDir, ws);
          await repo.run(['add', '-A']);
          await repo.run([...ident, 'commit', '-q', '--no-verify', '--no-edit']);
          merged.push(branch);
          continue;
        }
      }
      await repo.run(['merge', '--abort']);
      return { merged, conflict: { branch, files }, cost, head: await repo.run(['rev-parse', 'HEAD']) };
    }
  }
  return { merged, cost, head: await repo.run(['rev-parse', 'HEAD']) };
}
