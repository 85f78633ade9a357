import { isAbsolute, resolve } from 'node:path';
import { toActivityOptions, type AidpConfig } from '@aidp/config';
import {
  validateBranchName,
  validateMaxIterations,
  validateStepName,
  validateTaskText,
  type CheckSpec,
  type ContinueAsNewPolicy,
  type LoopSettings,
  type WorkLoopInput,
  type WorkspaceMode,
} from '@aidp/workflows/contracts';
import { AidpError, brand } from '@aidp/config';
import { assertInput } from './errors.js';

/** What a caller says about one work loop; everything else comes from the configuration. */
export interface WorkLoopRequest {
  /** The project to work on (absolute, or resolved against the current directory). */
  projectDir: string;
  /** The step: its task and checks come from `work_loop.steps.<stepName>` unless given here. */
  stepName: string;
  /** The objective; required when the step is not defined in the configuration. At most `TASK_MAX_BYTES`. */
  task?: string;
  /** More background for the agent; at most `TASK_MAX_BYTES`. */
  context?: string;
  /** From 1 to `MAX_ITERATIONS_LIMIT`; default the step's, else `work_loop.max_iterations`. */
  maxIterations?: number;
  workspaceMode?: WorkspaceMode;
  /** The branch to work on; default `aidp/<stepName>`. Must be a valid git branch name. */
  branch?: string;
  continueAsNew?: ContinueAsNewPolicy;
}

/** Raised when a request cannot become a work loop; the message says what to change. */
export class WorkLoopRequestError extends AidpError {
  override readonly name = 'WorkLoopRequestError';
}
brand(WorkLoopRequestError, 'WorkLoopRequestError');

/**
 * Builds WorkLoopWorkflow's input from the configuration and a request. The input carries only what
 * the run needs — never the configuration itself, so no secret reaches workflow history.
 * @throws AidpInputError when a value breaks one of the input limits (step name, branch, task size, …)
 * @throws WorkLoopRequestError when the request cannot become a work loop (no task, no agent command)
 */
export function buildWorkLoopInput(config: AidpConfig, request: WorkLoopRequest): WorkLoopInput {
  // The step names the branch `aidp/<step>`: a name git refuses would fail the run on its first step.
  assertInput('stepName', validateStepName(request.stepName));
  if (request.branch !== undefined) assertInput('branch', validateBranchName(request.branch));
  if (request.task !== undefined) assertInput('task', validateTaskText(request.task));
  if (request.context) assertInput('context', validateTaskText(request.context));
  const loop = config.work_loop;
  const step = Object.hasOwn(loop.steps, request.stepName) ? loop.steps[request.stepName] : undefined;
  const task = request.task ?? step?.task;
  if (!task) {
    const defined = Object.keys(loop.steps);
    throw new WorkLoopRequestError(
      `step "${request.stepName}" is not defined in work_loop.steps and no task was given; ` +
        (defined.length > 0 ? `defined steps: ${defined.join(', ')}` : 'no steps are defined') +
        '. Give the task with --task or --task-file, or define the step in aidp.yml.',
    );
  }
  assertInput('task', validateTaskText(task));
  const checks = checkSpecs(config, step?.checks);
  return {
    ...loopSettings(config, checks, request.maxIterations ?? step?.max_iterations ?? loop.max_iterations),
    projectDir: isAbsolute(request.projectDir) ? request.projectDir : resolve(request.projectDir),
    stepName: request.stepName,
    task,
    context: request.context,
    workspaceMode: request.workspaceMode ?? loop.workspace,
    branch: request.branch,
    continueAsNew: request.continueAsNew,
  };
}

/** The loop's settings from the configuration: limits, escalation, checks, agent and tiers, activities. */
export function loopSettings(config: AidpConfig, checks: CheckSpec[], maxIterations: number): LoopSettings {
  assertInput('maxIterations', validateMaxIterations(maxIterations));
  const loop = config.work_loop;
  const agent = config.agent;
  if (agent.provider === 'command' && !agent.command) {
    throw new WorkLoopRequestError(
      'agent.command is not set: with agent.provider "command", aidp.yml must say which program to run, ' +
        'e.g. agent.command: ["my-agent", "--prompt-file", "{promptFile}"]',
    );
  }
  const tiers = agent.tiers.map((t) => ({ provider: t.provider ?? agent.provider, model: t.model }));
  return {
    maxIterations,
    checkpointInterval: loop.checkpoint_interval,
    escalation: { escalateAfter: loop.escalate_after, escalateOnNoProgress: loop.escalate_on_no_progress },
    budget: {
      maxCostUsd: loop.max_cost_usd,
      maxDurationMs: loop.max_wall_clock === undefined ? undefined : loop.max_wall_clock * 1000,
      partsShare: loop.parts_budget_share,
    },
    checks,
    agent: {
      provider: agent.provider,
      command: agent.command ?? [],
      timeoutMs: agent.timeout * 1000,
      env: agent.env,
      maxOutputBytes: agent.max_output_bytes,
    },
    tiers: tiers.length > 0 ? tiers : [{ provider: agent.provider, model: 'default' }],
    activities: toActivityOptions(config),
  };
}

/** The configured checks as the activities run them (all of them, or those named). */
export function checkSpecs(config: AidpConfig, names?: string[]): CheckSpec[] {
  return config.work_loop.checks
    .filter((c) => !names || names.includes(c.name))
    .map((c) => ({ name: c.name, command: c.command, required: c.required, timeoutMs: c.timeout * 1000 }));
}
