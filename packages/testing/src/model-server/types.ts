// The script language of the scripted model server: what each model request is answered with.

/** Token figures of one response. `inputTokens` counts the whole prompt, its cached part included. */
export interface ServedUsage {
  inputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  cachedInputTokens: number;
  outputTokens: number;
}

/** Something the model asks the agent to do, translated into the tools the agent offered. */
export type ToolAction =
  /** Write a whole file (created, or replaced): Write, write_file, or an apply_patch patch. */
  | { write: { path: string; content: string } }
  /** Read a file. */
  | { read: string }
  /** Run a shell command: Bash, bash, exec_command, run_shell_command. */
  | { run: string };

/** An HTTP error the server answers with, in the provider's own error format. */
export interface ScriptedError {
  /** 401, 403, 429, 500, 503, 529, … */
  status: number;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** The error message; a provider-like one for the status when absent. */
  message?: string;
}

/** One model response. */
export interface ScriptedStep {
  /** Tool calls to make; when absent or empty, the response is final text. */
  tools?: ToolAction[];
  /** The text of the response (beside tool calls, or the final answer). */
  text?: string;
  /** Token figures for this response; the script's `usage` when absent. */
  usage?: Partial<ServedUsage>;
  /** Answer with an HTTP error instead (every time this step is asked for). */
  error?: ScriptedError;
  /** Answer with this error only the first `times` times this step is asked for, then normally. */
  errorTimes?: number;
  /** Start a streamed answer, then cut the connection in the middle of it. */
  cut?: boolean;
  /** Wait this long before the first byte. */
  delayMs?: number;
}

/** A whole script: run by run, the responses the model gives. */
export interface ModelScript {
  /**
   * Steps by agent run: the run is the `Iteration N of M` line of the last prompt that carries one
   * (AIDP's PROMPT.md). The k-th model request after that prompt gets the k-th step; past the end,
   * the last step again.
   */
  runs?: Record<number, ScriptedStep[]>;
  /** Steps of a run not listed in `runs`, and of prompts without an iteration line. */
  default?: ScriptedStep[];
  /**
   * The answer to side requests: calls that offer no tools (a title, a summary, a next-speaker
   * check), which the CLIs make besides the agent's own turns.
   */
  side?: ScriptedStep;
  /** Usage of every response that does not give its own. */
  usage?: Partial<ServedUsage>;
}

/** The provider API a request came in through. */
export type ModelApi = 'anthropic' | 'responses' | 'chat' | 'gemini';

/** One request the server answered, as its log keeps it. */
export interface ServedRequest {
  api: ModelApi;
  method: string;
  path: string;
  /** The model the request named. */
  model: string;
  stream: boolean;
  /** The agent run it belonged to (its iteration), or null for a side request or an unmarked prompt. */
  run: number | null;
  /** Which step of its run it got (0-based); null for side requests and token counts. */
  step: number | null;
  /** The iterations whose prompts the request's conversation carries ([1, 2] in run 2 of a resumed session). */
  prompts: number[];
  kind: 'turn' | 'side' | 'count_tokens' | 'other';
  /** The tool names the request offered. */
  tools: string[];
  /** The HTTP status answered. */
  status: number;
  /** Usage served (zero for errors and cut streams, which bill nothing). */
  usage: ServedUsage;
  /** The credential header as sent (the test checks the dummy key arrives). */
  credential: string | null;
  /** Tool calls made in this response, by tool name. */
  toolCalls: string[];
  cut: boolean;
}
