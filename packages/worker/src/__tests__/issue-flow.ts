// The issue flow's test setup, shared by its test files: a GitHub double, a worker on the dev server,
// a fixture project with a bare repository as origin, and a client.
import {
  createFixtureProjectWithOrigin,
  startGitHubDouble,
  type FixtureProjectWithOrigin,
  type GitHubDouble,
  type ScriptedAgent,
} from '@aidp/testing';
import { testConfig, workLoopHarness, type WorkLoopHarness } from '@aidp/testing/work-loop-harness';
import type { IssueToPrResult, Progress } from '@aidp/workflows/contracts';
import { AidpClient, type IssueRunHandle } from '@aidp/client';

export const REPO = 'acme/widgets';
export const TOKEN = 'ghs_issueFlowTestToken0123456789';
export const TOKEN_ENV = 'AIDP_TEST_ISSUE_FLOW_TOKEN';

process.env[TOKEN_ENV] = TOKEN;

export interface Flow {
  gh: GitHubDouble;
  harness: WorkLoopHarness;
  aidp: AidpClient;
  agent: ScriptedAgent;
  project: FixtureProjectWithOrigin;
  bare: string;
  origin: (...args: string[]) => string;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

/** Closes `close` after the current test. */
export function closeAfterTest(close: () => Promise<void>): void {
  open.push(close);
}

/** A GitHub double that knows the test repository and token. */
export async function githubDouble(): Promise<GitHubDouble> {
  const gh = await startGitHubDouble({ tokens: [TOKEN], repos: [{ owner: 'acme', name: 'widgets', defaultBranch: 'main' }] });
  open.push(() => gh.close());
  return gh;
}

export async function flow(
  agent: ScriptedAgent,
  raw: Record<string, unknown> = {},
  tokenEnv = TOKEN_ENV,
  project: FixtureProjectWithOrigin = createFixtureProjectWithOrigin(),
): Promise<Flow> {
  const gh = await githubDouble();
  const config = testConfig({
    github: { repo: REPO, base_url: gh.url, token_env: tokenEnv, draft: true },
    agent: { command: agent.command },
    metrics: { enabled: false },
    ...raw,
  });
  const harness = await workLoopHarness(config);
  const aidp = await AidpClient.connect(config);
  open.push(async () => {
    await aidp.close();
    await harness.close();
  });
  return { gh, harness, aidp, agent, project, bare: project.bare, origin: (...args: string[]) => project.origin(...args) };
}

/** Runs the issue to its end while the worker polls; the progress is asked while the worker is still there. */
export async function runIssue(
  f: Flow,
  issueNumber: number,
  maxDepth?: number,
): Promise<{ handle: IssueRunHandle; result: IssueToPrResult; progress: Progress }> {
  return await f.harness.run(async () => {
    const handle = await f.aidp.startIssueToPr({ issueNumber, projectDir: f.project.dir, ...(maxDepth !== undefined ? { maxDepth } : {}) });
    const result = await handle.result();
    return { handle, result, progress: await handle.progress() };
  });
}

/** Runs the issue, which must fail, and returns how. */
export async function failureOf(
  f: Flow,
  issueNumber: number,
): Promise<{ type: string | undefined; message: string; workflowId: string; partialResult?: IssueToPrResult }> {
  return await f.harness.run(async () => {
    const handle = await f.aidp.startIssueToPr({ issueNumber, projectDir: f.project.dir });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e as { reason?: string; message: string; partialResult?: IssueToPrResult },
    );
    expect(err).toBeDefined();
    return { type: err!.reason, message: err!.message, workflowId: handle.workflowId, partialResult: err!.partialResult };
  });
}
