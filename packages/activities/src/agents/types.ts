// The shape every built-in agent adapter implements: how to run one CLI non-interactively, how to read
// what it reports, and how to tell its failures apart. Adapters are pure: they build argv and parse
// text; `runAgent` does the process work for all of them.

/** Everything an adapter needs to build one invocation. */
export interface AgentInvocationContext {
  /** Absolute path of PROMPT.md. */
  promptFile: string;
  /** The prompt's text (also what the agent gets on stdin unless the adapter says otherwise). */
  prompt: string;
  /** The model of the current tier; '' or 'default' means the CLI's own default. */
  model: string;
  /** Where the agent runs (its working directory). */
  workspace: string;
  /** The session of the previous iteration, when the CLI can resume one. */
  sessionId?: string;
}

/** How to start the CLI for one run. */
export interface AgentInvocation {
  /** argv[0] is the executable. */
  argv: string[];
  /** Written to stdin, then stdin is closed. Absent: stdin is closed at once. */
  stdin?: string;
  /**
   * Variables the run needs whatever the user configured (gemini's folder trust): set on top of the
   * agent's environment. Never secrets.
   */
  env?: Record<string, string>;
}

/** What the CLI reported about its run. Absent fields: the CLI did not say. */
export interface AgentReport {
  finalMessage?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  sessionId?: string;
  /** The CLI itself reported an error result even if it exited 0. */
  isError?: boolean;
  /** The model the CLI says it ran (the main one, when it names several). */
  model?: string;
}

/**
 * Why a run failed: `not_installed`, `auth` (credentials refused) and `config` (an unknown model, an
 * auth method or folder trust the CLI refuses, a missing setting) cannot be fixed by retrying and end
 * the run; `rate_limit` (rate limit, quota, overload) is retried later with backoff; `transient` counts
 * as a failed iteration and the loop goes on.
 */
export type AgentFailureClass = 'not_installed' | 'auth' | 'config' | 'rate_limit' | 'transient';

export interface AgentAdapter {
  /** The `agent.provider` value. */
  provider: string;
  /** The executable looked up on PATH. */
  executable: string;
  /** Said when the executable is missing. */
  installHint: string;
  /** Credential variables the CLI reads, passed through to it besides `agent.env`. */
  credentialEnv: string[];
  /** True when the CLI can continue a session by id. */
  resumesSessions: boolean;
  /**
   * True when the tokens and cost the CLI reports for a resumed session cover the whole session so
   * far rather than this run: the run's own figures are the difference from the previous report.
   */
  reportsSessionTotals: boolean;
  /** What to check when the CLI refuses its configuration (`config` failures): the settings by name. */
  configHint: string;
  buildInvocation(context: AgentInvocationContext): AgentInvocation;
  /**
   * Reads the CLI's stdout (and stderr) after it exited. `model` is the model the run asked for (the
   * tier's, possibly an alias), for CLIs that name several models in a report.
   */
  parseOutput(stdout: string, stderr: string, model?: string): AgentReport;
  /** Classifies a failed run (non-zero exit, or `isError`). */
  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass;
  /** True when a failed run says the session it was asked to resume does not exist. */
  sessionMissing?(stdout: string, stderr: string): boolean;
}
