/**
 * @aidp/activities — everything in AIDP with side effects, run by the worker as Temporal activities:
 * git worktrees, agent processes, checks, failure diagnosis, checkpoints, GitHub issues and pull requests. Each implements an interface
 * of `@aidp/workflows/contracts` and never imports workflow code. Node-only.
 */
import type { AidpActivities } from '@aidp/workflows/contracts';
import { runAgent } from './run-agent.js';
import { runChecks } from './run-checks.js';
import { recordCheckpoint } from './record-checkpoint.js';
import { diagnoseFailure } from './diagnose/index.js';
import { createPrompt } from './create-prompt.js';
import { prepareWorkspace } from './prepare-workspace.js';
import { analyzeIssue } from './analyze-issue.js';
import { createPlan } from './create-plan.js';
import { mergeBranches } from './merge-branches.js';
import { createPullRequest } from './create-pull-request.js';

/** All of AIDP's activities, by the names the workflows call them. */
export const aidpActivities = {
  prepareWorkspace,
  createPrompt,
  runAgent,
  runChecks,
  diagnoseFailure,
  recordCheckpoint,
  analyzeIssue,
  createPlan,
  mergeBranches,
  createPullRequest,
} satisfies AidpActivities;

export { prepareWorkspace, runDirOf } from './prepare-workspace.js';
export { createPrompt, renderPrompt } from './create-prompt.js';
export { runAgent, hasCompletionMarker } from './run-agent.js';
export { adapterFor, commandAdapter, expandCommand, parseReportedCost } from './agents/index.js';
export type { AgentAdapter, AgentInvocation, AgentInvocationContext, AgentReport, AgentFailureClass } from './agents/index.js';
export { runChecks } from './run-checks.js';
export { recordCheckpoint } from './record-checkpoint.js';
export { diagnoseFailure, parseFailures, diagnose } from './diagnose/index.js';
export { agentEnvironment, checkEnvironment, secretValues, redactSecrets, AIDP_SECRET_VARIABLES } from './environment.js';
export { runProcess } from './process.js';
export { analyzeIssue } from './analyze-issue.js';
export { createPlan, deterministicPlan, validateAgentPlan, extractJson, renderPlanPrompt } from './create-plan.js';
export { mergeBranches } from './merge-branches.js';
export { createPullRequest, gitAuthEnvironment } from './create-pull-request.js';
export { resolveGitHubToken, toActivityError, splitRepo } from './github/client.js';
export { parseIssueBody, renderIssueForAgent, relevantComments, AIDP_COMMENT_MARKER } from './github/issue-text.js';
export type { RunProcessOptions, ProcessOutcome } from './process.js';
