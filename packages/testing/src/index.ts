/**
 * @aidp/testing — private helpers for AIDP's own test suites: where the shared Temporal dev server
 * is, unique names so tests never share a task queue, a fixture project whose test fails until fixed,
 * a scripted agent executable that stands in for an AI agent, and a local double of GitHub's REST API
 * checked against GitHub's OpenAPI description. Never published.
 *
 * Certificates made with openssl and a local JWT issuer stand in for a company's CA and identity
 * provider.
 *
 * A scripted model server speaks the providers' APIs to the real agent CLIs, which are installed
 * pinned into a cache outside the repository and run by a real worker process (`startRealAgentWorker`).
 *
 * The work-loop harness (a real worker and client on the shared server) is `@aidp/testing/work-loop-harness`,
 * and the full Temporal server on PostgreSQL is `@aidp/testing/temporal-server` and `@aidp/testing/postgres`,
 * kept apart so unit tests that need only fixtures do not load Temporal's worker.
 */
export { temporalAddress, uniqueName } from './temporal.js';
export {
  createFixtureProject,
  createFixtureProjectWithOrigin,
  createPartsProjectWithOrigin,
  PARTS_PROJECT,
  BROKEN_MATH,
  FIXED_MATH,
  FIXTURE_TEST_COMMAND,
} from './fixture-project.js';
export type { FixtureProject, FixtureProjectWithOrigin, PartsProjectFunction } from './fixture-project.js';
export { scriptAgent, SCRIPTED_AGENT } from './agent-script.js';
export type { AgentStep, AgentRule, AgentInvocation, ScriptedAgent } from './agent-script.js';
export { isProcessAlive } from './processes.js';
export { startModelServer } from './model-server/index.js';
export type {
  ModelApi,
  ModelScript,
  ModelServer,
  ModelServerOptions,
  ScriptedError,
  ScriptedStep,
  ServedRequest,
  ServedUsage,
  ToolAction,
} from './model-server/index.js';
export { repositoryState, dirtyCheckout } from './repository-state.js';
export { startWorkerProcess, writeKillableWorkerConfig, AIDP_BIN } from './worker-process.js';
export type { WorkerProcess, KillableWorkerConfig } from './worker-process.js';
export { startGitHubDouble } from './github/double.js';
export type { GitHubDouble, GitHubDoubleOptions, RecordedRequest, RequestMatch, CannedReply, NewIssue, NewPull } from './github/double.js';
export type { DoubleIssue, DoublePull, DoubleComment } from './github/resources.js';
export { loadGitHubOpenApi } from './github/openapi.js';
export type { OpenApiContract, OpenApiLoadTimings } from './github/openapi.js';
export { findSecrets, assertNoSecrets, secretForms, filesUnder } from './secrets.js';
export type { SearchedText, SecretFinding, SecretForm } from './secrets.js';
export { createCertificates } from './certificates.js';
export type { TestCertificates } from './certificates.js';
export { createJwtKey, signJwt, startJwtIssuer } from './jwt.js';
export type { JwtIssuer, JwtKey, TokenClaims } from './jwt.js';
export {
  AGENT_CLI_PACKAGES,
  AGENT_CLI_NAMES,
  agentCli,
  agentClisDir,
  agentClisBinDir,
  ensureAgentClis,
  missingAgentClis,
} from './agent-clis.js';
export type { AgentCliName, EnsureAgentClisOptions } from './agent-clis.js';
export { REAL_AGENTS, DUMMY_KEYS, startRealAgentWorker } from './real-agents.js';
export type { RealAgentProfile, RealAgentWorker, RealAgentWorkerOptions } from './real-agents.js';
