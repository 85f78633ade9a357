/**
 * @aidp/activities — everything in AIDP with side effects, run by the worker as Temporal activities:
 * git worktrees, agent processes, checks, failure diagnosis, checkpoints. Each implements an interface
 * of `@aidp/workflows/contracts` and never imports workflow code. Node-only.
 */
import type { AidpActivities } from '@aidp/workflows/contracts';
import { runAgent } from './agent.js';
import { runChecks } from './checks.js';
import { recordCheckpoint } from './checkpoint.js';
import { diagnoseFailure } from './diagnose-failure.js';
import { createPrompt } from './prompt.js';
import { prepareWorkspace } from './workspace.js';

/** All of AIDP's activities, by the names the workflows call them. */
export const aidpActivities = {
  prepareWorkspace,
  createPrompt,
  runAgent,
  runChecks,
  diagnoseFailure,
  recordCheckpoint,
} satisfies AidpActivities;

export { prepareWorkspace, runDirOf } from './workspace.js';
export { createPrompt, renderPrompt } from './prompt.js';
export { runAgent, hasCompletionMarker } from './agent.js';
export { adapterFor, commandAdapter, expandCommand, parseReportedCost } from './agents/index.js';
export type { AgentAdapter, AgentInvocation, AgentInvocationContext, AgentReport, AgentFailureClass } from './agents/index.js';
export { runChecks } from './checks.js';
export { diagnoseFailure } from './diagnose-failure.js';
export { recordCheckpoint } from './checkpoint.js';
export { parseFailures, diagnose } from './diagnose/index.js';
export { agentEnvironment, checkEnvironment, secretValues, redactSecrets, AIDP_SECRET_VARIABLES } from './environment.js';
export { runProcess } from './process.js';
export type { RunProcessOptions, ProcessOutcome } from './process.js';
