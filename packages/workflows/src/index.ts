/**
 * @aidp/workflows — AIDP's Temporal workflows. This module is what a worker bundles into the
 * workflow sandbox: it may import only `@temporalio/workflow` and this package's own files. No Node
 * built-ins, no `Date.now()` or `Math.random()` for logic, no package with side effects — a test
 * bundles it with `bundleWorkflowCode` and fails when anything Node-only becomes reachable.
 *
 * The wire contracts (signals, queries, types) are also published on their own as
 * `@aidp/workflows/contracts`, which the client imports.
 */
export {
  pauseSignal,
  resumeSignal,
  injectInstructionSignal,
  escalateModelSignal,
  currentStateQuery,
  iterationCountQuery,
  progressQuery,
  testResultsQuery,
} from './contracts/index.js';
export { WorkLoopWorkflow } from './work-loop.js';
export { IssueToPrWorkflow } from './issue-to-pr.js';
export { SubIssueWorkflow } from './sub-issue.js';
