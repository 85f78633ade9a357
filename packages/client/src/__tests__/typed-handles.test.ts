import type { WorkLoopWorkflow } from '@aidp/workflows';
import type {
  AidpClient,
  EscalationAck,
  FollowEvent,
  InstructionAck,
  IssueRunHandle,
  IssueToPrInput,
  IssueToPrResult,
  PauseResult,
  RunFailure,
  SubIssueResult,
  WorkLoopHandle,
  WorkLoopResult,
} from '..';

// What the compiler holds a user of the client to. These functions are never run: the build type-checks
// this file (`tsc -b`), and each `@ts-expect-error` fails the build if the mistake below it compiles.

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function holds<T extends true>(): T | undefined {
  return undefined;
}

export async function startedHandlesAreTypedByTheirWorkflow(aidp: AidpClient): Promise<void> {
  const loop = await aidp.startWorkLoop({ projectDir: '.', stepName: 'lint' });
  holds<Equals<typeof loop, WorkLoopHandle>>();
  holds<Equals<Awaited<ReturnType<typeof loop.result>>, WorkLoopResult>>();
  const loopResult: WorkLoopResult = await loop.result();
  void loopResult;
  const issue = await aidp.startIssueToPr({ issueNumber: 1, projectDir: '.' }, { workflowId: 'issue-1' });
  holds<Equals<typeof issue, IssueRunHandle>>();
  holds<Equals<Awaited<ReturnType<typeof issue.result>>, IssueToPrResult>>();
  // @ts-expect-error an issue run's result is not a work loop's
  const wrong: WorkLoopResult = await issue.result();
  void wrong;
}

export async function failuresAreTypedByTheirWorkflow(loop: WorkLoopHandle, issue: IssueRunHandle): Promise<void> {
  try {
    await loop.result();
  } catch (err) {
    if (loop.isFailure(err)) {
      holds<Equals<typeof err.reason, RunFailure<'WorkLoopWorkflow'>>>();
      holds<Equals<typeof err.partialResult, WorkLoopResult | undefined>>();
      // @ts-expect-error a work loop never ends NeedsHuman: only issue runs do
      if (err.reason === 'NeedsHuman') return;
    }
    if (issue.isFailure(err) && err.reason === 'NeedsHuman') holds<Equals<typeof err.partialResult, IssueToPrResult | undefined>>();
  }
}

export async function handlesByIdNarrowOnceDescribed(aidp: AidpClient): Promise<void> {
  const byId = aidp.getHandle('some-run');
  holds<Equals<Awaited<ReturnType<typeof byId.result>>, WorkLoopResult | IssueToPrResult | SubIssueResult>>();
  // @ts-expect-error the run may be of any of the three types
  const unknownResult: WorkLoopResult = await byId.result();
  void unknownResult;
  const typed = await byId.narrow();
  switch (typed.type) {
    case 'IssueToPrWorkflow':
      holds<Equals<Awaited<ReturnType<typeof typed.result>>, IssueToPrResult>>();
      break;
    case 'WorkLoopWorkflow':
      holds<Equals<Awaited<ReturnType<typeof typed.result>>, WorkLoopResult>>();
      break;
    default:
      holds<Equals<Awaited<ReturnType<typeof typed.result>>, SubIssueResult>>();
  }
  await byId.describe();
  if (byId.is('WorkLoopWorkflow')) holds<Equals<Awaited<ReturnType<typeof byId.result>>, WorkLoopResult>>();
  holds<Equals<Awaited<ReturnType<AidpClient['getIssueHandle']>>, IssueRunHandle>>();
}

export async function steeringAnswersUnlessItMayNot(loop: WorkLoopHandle): Promise<void> {
  holds<Equals<Awaited<ReturnType<typeof loop.pause>>, PauseResult>>();
  const queued: InstructionAck = await loop.injectInstruction('Use the helper.');
  const escalated: EscalationAck = await loop.escalateModel({ timeoutMs: 5_000 });
  const sent: void = await loop.injectInstruction('Use the helper.', { wait: false });
  // @ts-expect-error fire-and-forget answers nothing
  const answer: InstructionAck = await loop.injectInstruction('Use the helper.', { wait: false });
  void [queued, escalated, sent, answer];
  for await (const event of loop.follow()) {
    if (event.kind === 'progress') void event.progress.state;
    else holds<Equals<typeof event, Extract<FollowEvent, { kind: 'no_worker' }>>>();
  }
}

export async function inputsAreCheckedAgainstTheWorkflow(aidp: AidpClient, issueInput: IssueToPrInput): Promise<void> {
  // A plain Temporal start, typed by the workflow through a type-only import: no workflow code loads.
  await aidp.temporal.workflow.start<typeof WorkLoopWorkflow>('WorkLoopWorkflow', {
    taskQueue: aidp.taskQueue,
    workflowId: 'typed-start',
    // @ts-expect-error an issue run's input is not a work loop's
    args: [issueInput],
  });
}

describe('the typed handles', () => {
  it('are checked by the compiler (this file is type-checked by the build)', () => {
    expect(typeof startedHandlesAreTypedByTheirWorkflow).toBe('function');
  });
});
