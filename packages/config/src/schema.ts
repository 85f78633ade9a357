/**
 * The schema of aidp.yml: the single source of truth for the configuration's types, defaults,
 * documentation and the JSON Schema that editors use. Each message given to a valibot schema or
 * action is the "expected …" half of the error a user reads, so every schema here passes one.
 *
 * Value normalisation that belongs to a single key lives here too (durations become seconds, a
 * command string becomes argv, a tier name becomes `{ model }`); rules that relate several keys
 * live in `rules.ts`.
 */
import * as v from 'valibot';

import { DURATION_PATTERN, durationExpected, formatSeconds, parseDuration } from './duration.js';
import { splitCommandLine } from './shell-words.js';
import { parseSize, sizeExpected, SIZE_PATTERN } from './size.js';

/** Agent adapters AIDP ships; `command` runs any executable through an argv template. */
export const AGENT_PROVIDERS = ['claude', 'codex', 'gemini', 'aider', 'cursor', 'opencode', 'copilot', 'command'] as const;

/** Kinds a check may declare, so results can be grouped and diagnosed. */
export const CHECK_KINDS = ['test', 'lint', 'typecheck', 'build', 'custom'] as const;

/** Log levels, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** Log formats; `auto` is pretty on a terminal and JSON otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/** Workspace modes for the work loop. */
export const WORKSPACE_MODES = ['worktree', 'in-place'] as const;

/** How much of one agent run's output is stored per iteration unless `agent.max_output_bytes` says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/** Placeholders an `agent.command` argv template may use. */
export const AGENT_COMMAND_PLACEHOLDERS = ['{promptFile}', '{model}', '{workspace}'] as const;

const quoteAll = (options: readonly string[]): string => options.map((o) => `"${o}"`).join(', ');
const oneOf = (options: readonly string[]): string => `one of ${quoteAll(options)}`;

const NON_EMPTY_STRING = 'a non-empty string';
const BOOLEAN = 'a boolean';
const OBJECT = 'an object';
const ENV_NAME = 'an environment variable name (letters, digits and "_", not starting with a digit)';
const HOST_PORT = 'an address as "host:port" (port 1-65535)';

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_PORT_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):[0-9]{1,5}$/;
const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
/**
 * A step names the branch `aidp/<step>`, so a step name is one git accepts in a branch: no "..", no
 * "." or ".lock" at the end, and at most 100 characters (the limit the client checks too).
 */
const STEP_NAME_PATTERN = /^(?!.*\.\.)(?!.*\.lock$)(?!.*\.$)[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function portInRange(address: string): boolean {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/**
 * The range of every number in aidp.yml. Each is stated by the schema, so it shows in the JSON
 * Schema and in docs/configuration.md, and each is one Temporal's SDK and Node.js take as they are:
 *
 * - Worker concurrency becomes the size of a fixed slot supplier in Temporal's core, which panics
 *   on sizes it cannot allocate (`1e19`); 10000 activities or workflow tasks is far beyond what one
 *   worker process runs. The SDK raises `maxConcurrentWorkflowTaskExecutions` below 2 to 2 (with a
 *   warning) while the workflow cache is on, as it is, so 2 is the least that takes effect.
 * - Durations that Temporal keeps (timeouts, retry intervals, the loop's wall clock) go up to ten
 *   years: whole milliseconds, well inside protobuf's Duration and Go's time.Duration (292 years).
 * - Durations that the worker waits out with a Node.js timer (an agent run, a check, the shutdown
 *   grace period) go up to 24 days: a longer timer overflows Node's 32-bit delay and fires at once.
 * - Iteration and escalation counts, and retry attempts, go up to 10000.
 */
export const LIMITS = Object.freeze({
  concurrency: { min: 1, max: 10_000 },
  workflowConcurrency: { min: 2, max: 10_000 },
  count: { min: 1, max: 10_000 },
  attempts: { min: 0, max: 10_000 },
  backoffCoefficient: { min: 1, max: 100 },
  costUsd: { max: 1_000_000 },
  /** A share of a budget. */
  share: { min: 0.05, max: 1 },
  /** Seconds. */
  temporalDuration: { min: 0.001, max: 3650 * 86_400 },
  /** Seconds. */
  timerDuration: { min: 0.001, max: 24 * 86_400 },
  /** Bytes. */
  outputBytes: { min: 64 * 1024, max: 1024 ** 3 },
});

const integerIn = ({ min, max }: { min: number; max: number }, note = '') => {
  const expected = `an integer from ${min} to ${max}${note}`;
  return v.pipe(v.number(expected), v.integer(expected), v.minValue(min, expected), v.maxValue(max, expected));
};

const numberIn = ({ min, max }: { min: number; max: number }) => {
  const expected = `a number from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.minValue(min, expected), v.maxValue(max, expected));
};

const positiveNumberUpTo = (max: number) => {
  const expected = `a number greater than 0 and at most ${max}`;
  return v.pipe(v.number(expected), v.gtValue(0, expected), v.maxValue(max, expected));
};

const nonEmptyString = (expected: string = NON_EMPTY_STRING) => v.pipe(v.string(expected), v.minLength(1, expected));

const boolean = () => v.boolean(BOOLEAN);

const picklist = <const T extends readonly [string, ...string[]]>(options: T) => v.picklist(options, oneOf(options));

const hostPort = () => v.pipe(v.string(HOST_PORT), v.regex(HOST_PORT_PATTERN, HOST_PORT), v.check(portInRange, HOST_PORT));

const envName = () => v.pipe(v.string(ENV_NAME), v.regex(ENV_NAME_PATTERN, ENV_NAME));

/**
 * A duration: a number of seconds or a string such as "90s", "10m", "1h", normalised to seconds,
 * from 1 ms to `limit.max` seconds. The description sits before the transform so the JSON Schema
 * (which describes what a file may contain) keeps it.
 */
const duration = (description: string, limit: { min: number; max: number } = LIMITS.temporalDuration) => {
  const expected = durationExpected(limit.max);
  return v.pipe(
    v.union(
      [
        v.pipe(v.number(expected), v.minValue(limit.min, expected), v.maxValue(limit.max, expected)),
        v.pipe(v.string(expected), v.regex(DURATION_PATTERN, expected)),
      ],
      expected,
    ),
    v.description(`${description} Seconds, or a string such as "90s", "10m", "1h", "500ms", "1d"; at most ${formatSeconds(limit.max)}.`),
    v.check((value) => {
      const seconds = parseDuration(value);
      return seconds !== undefined && seconds >= limit.min && seconds <= limit.max;
    }, expected),
    v.transform((value): number => parseDuration(value) ?? 0),
  );
};

/** A size in bytes: a whole number or a string such as "512KiB", "10MiB", "20MB", normalised to bytes. */
const byteSize = (description: string, limit: { min: number; max: number }) => {
  const expected = sizeExpected(limit.min, limit.max);
  return v.pipe(
    v.union(
      [
        v.pipe(v.number(expected), v.integer(expected), v.minValue(limit.min, expected), v.maxValue(limit.max, expected)),
        v.pipe(v.string(expected), v.regex(SIZE_PATTERN, expected)),
      ],
      expected,
    ),
    v.description(description),
    v.check((value) => {
      const bytes = parseSize(value);
      return bytes !== undefined && bytes >= limit.min && bytes <= limit.max;
    }, expected),
    v.transform((value): number => parseSize(value) ?? 0),
  );
};

const described = <S extends v.GenericSchema>(schema: S, description: string) => v.pipe(schema, v.description(description));

// ---------------------------------------------------------------------------------------------
// temporal

const TLS_EXPECTED = 'true, false or an object with ca_file, cert_file, key_file, server_name';

const TlsFilesSchema = v.strictObject(
  {
    ca_file: v.optional(
      described(
        nonEmptyString('a file path'),
        'PEM file with the CA that signed the server certificate (a private CA); relative paths are resolved from the file that sets them.',
      ),
    ),
    cert_file: v.optional(described(nonEmptyString('a file path'), 'PEM client certificate for mTLS; requires key_file.')),
    key_file: v.optional(described(nonEmptyString('a file path'), 'PEM private key of the client certificate; requires cert_file.')),
    server_name: v.optional(
      described(nonEmptyString(), 'Server name to verify the server certificate against, when it differs from the host in target_host.'),
    ),
  },
  TLS_EXPECTED,
);

const WorkerSchema = v.strictObject(
  {
    max_concurrent_activities: v.optional(described(integerIn(LIMITS.concurrency), 'Activities one worker runs at the same time.'), 10),
    max_concurrent_workflows: v.optional(
      described(
        integerIn(LIMITS.workflowConcurrency),
        'Workflow tasks one worker runs at the same time (at least 2: Temporal raises lower values to 2).',
      ),
      10,
    ),
    shutdown_grace_period: v.optional(
      duration('Time in-flight activities get to finish when the worker shuts down.', LIMITS.timerDuration),
      30,
    ),
  },
  OBJECT,
);

const TimeoutsSchema = v.strictObject(
  {
    workflow_execution: v.optional(duration('Longest a workflow may run in total, across continue-as-new.'), 86400),
    workflow_run: v.optional(duration('Longest a single workflow run may take.'), 3600),
    activity_start_to_close: v.optional(duration('Longest a single activity attempt may take.'), 600),
    activity_schedule_to_close: v.optional(duration('Longest an activity may take in total, retries included.'), 1800),
    activity_heartbeat: v.optional(duration('Longest a long activity may go without a heartbeat before it is retried.'), 60),
  },
  OBJECT,
);

const RetrySchema = v.strictObject(
  {
    initial_interval: v.optional(duration('Wait before the first retry of a failed activity.'), 1),
    backoff_coefficient: v.optional(
      described(numberIn(LIMITS.backoffCoefficient), 'Each retry waits this many times longer than the previous one.'),
      2,
    ),
    maximum_interval: v.optional(duration('Longest wait between retries.'), 60),
    maximum_attempts: v.optional(
      described(
        integerIn(LIMITS.attempts, ' (0 means unlimited)'),
        'Attempts of a failing activity before it fails for good; 0 means unlimited.',
      ),
      3,
    ),
  },
  OBJECT,
);

const TemporalSchema = v.strictObject(
  {
    enabled: v.optional(
      described(boolean(), 'Run work on Temporal. false routes work to the local in-process orchestrator (no durability).'),
      true,
    ),
    target_host: v.optional(described(hostPort(), 'Temporal frontend address, "host:port".'), 'localhost:7233'),
    namespace: v.optional(described(nonEmptyString(), 'Temporal namespace.'), 'default'),
    task_queue: v.optional(
      described(nonEmptyString(), 'Task queue the worker polls and the client starts workflows on.'),
      'aidp-workflows',
    ),
    tls: v.optional(
      described(
        v.union([boolean(), TlsFilesSchema], TLS_EXPECTED),
        'TLS to the Temporal server: true for system CAs, or an object with a CA file and/or a client certificate pair (mTLS). Not set: off, unless an api_key is set, which turns it on; false keeps it off even with an api_key (a TLS-terminating proxy in front of the server).',
      ),
    ),
    api_key: v.optional(
      described(nonEmptyString(), 'API key for Temporal Cloud (secret: prefer ${TEMPORAL_API_KEY} or the TEMPORAL_API_KEY variable).'),
    ),
    worker: v.optional(described(WorkerSchema, 'Worker tuning.'), {}),
    timeouts: v.optional(described(TimeoutsSchema, 'Workflow and activity timeouts.'), {}),
    retry: v.optional(described(RetrySchema, 'Retry policy of activities.'), {}),
  },
  OBJECT,
);

// ---------------------------------------------------------------------------------------------
// github

const GithubSchema = v.strictObject(
  {
    repo: v.optional(
      described(
        v.pipe(v.string('a repository as "owner/name"'), v.regex(REPO_PATTERN, 'a repository as "owner/name"')),
        'Repository as "owner/name"; default: taken from the origin remote.',
      ),
    ),
    base_url: v.optional(
      described(
        v.pipe(
          v.string('an http(s) URL'),
          v.url('an http(s) URL'),
          v.check((url) => /^https?:\/\//i.test(url), 'an http(s) URL'),
        ),
        'GitHub API URL; set it for GitHub Enterprise Server (e.g. "https://github.example.com/api/v3").',
      ),
      'https://api.github.com',
    ),
    token_env: v.optional(
      described(envName(), 'Name of the environment variable that holds the GitHub token (the token itself never goes in the config).'),
      'GITHUB_TOKEN',
    ),
    base_branch: v.optional(described(nonEmptyString(), 'Branch pull requests target; default: the repository default branch.')),
    draft: v.optional(described(boolean(), 'Open pull requests as drafts.'), true),
  },
  OBJECT,
);

// ---------------------------------------------------------------------------------------------
// agent

const TIER_EXPECTED = 'a model name or an object { model, provider }';
const COMMAND_EXPECTED = 'a command: a list of strings, or a command line string';

const TierSchema = v.union(
  [
    nonEmptyString(TIER_EXPECTED),
    v.strictObject(
      {
        model: described(nonEmptyString(), 'Model name passed to the agent.'),
        provider: v.optional(described(picklist(AGENT_PROVIDERS), 'Provider for this tier, when it differs from agent.provider.')),
      },
      TIER_EXPECTED,
    ),
  ],
  TIER_EXPECTED,
);

/** One model tier after loading: a model, and a provider when it differs from `agent.provider`. */
export interface AgentTier {
  /** Model name passed to the agent. */
  model: string;
  /** Provider for this tier; `agent.provider` when absent. */
  provider?: AgentProvider;
}

function commandArgv(value: string | string[]): string[] | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  const split = splitCommandLine(value);
  return split.ok && split.argv.length > 0 ? split.argv : undefined;
}

const AgentCommandSchema = v.pipe(
  v.union(
    [v.pipe(v.array(v.string(COMMAND_EXPECTED), COMMAND_EXPECTED), v.minLength(1, COMMAND_EXPECTED)), nonEmptyString(COMMAND_EXPECTED)],
    COMMAND_EXPECTED,
  ),
  v.description(
    'Command for provider "command": an argv list, or one string split like a shell would (no expansion). Placeholders: {promptFile}, {model}, {workspace}; the prompt also arrives on stdin.',
  ),
  v.check(
    (value) => commandArgv(value) !== undefined,
    (issue) => {
      const input = issue.input;
      const split = typeof input === 'string' ? splitCommandLine(input) : undefined;
      return split && !split.ok ? `a command line with balanced quotes (${split.reason})` : COMMAND_EXPECTED;
    },
  ),
  v.transform((value): string[] => commandArgv(value) ?? []),
);

const AgentSchema = v.strictObject(
  {
    provider: v.optional(described(picklist(AGENT_PROVIDERS), 'Agent adapter; "command" runs agent.command.'), 'command'),
    tiers: v.optional(
      v.pipe(
        v.array(TierSchema, 'a list of model names or { model, provider } objects'),
        v.description('Models from cheapest to strongest; escalation moves up this list.'),
        v.transform((tiers): AgentTier[] =>
          tiers.map((tier) => {
            if (typeof tier === 'string') return { model: tier };
            const out: AgentTier = { model: tier.model };
            if (tier.provider !== undefined) out.provider = tier.provider;
            return out;
          }),
        ),
      ),
      [],
    ),
    command: v.optional(AgentCommandSchema),
    timeout: v.optional(duration('Longest one agent run may take.', LIMITS.timerDuration), 1800),
    max_output_bytes: v.optional(
      byteSize(
        `Most of one agent run's output that is stored per iteration; when it prints more, the end is kept. Bytes, or a string such as "512KiB", "10MiB", "20MB"; from 64KiB to 1GiB (default 10MiB).`,
        LIMITS.outputBytes,
      ),
      DEFAULT_MAX_OUTPUT_BYTES,
    ),
    env: v.optional(
      described(
        v.array(envName(), 'a list of environment variable names'),
        'Names of environment variables passed through to the agent (its environment is otherwise sanitized).',
      ),
      [],
    ),
  },
  OBJECT,
);

// ---------------------------------------------------------------------------------------------
// work_loop

const CheckSchema = v.strictObject(
  {
    name: described(nonEmptyString(), 'Unique name of the check; steps refer to checks by name.'),
    command: described(nonEmptyString(), 'Shell command; exit code 0 means the check passes.'),
    required: v.optional(described(boolean(), 'Whether the loop needs this check to pass to finish.'), true),
    timeout: v.optional(duration('Longest the check may run.', LIMITS.timerDuration), 600),
    kind: v.optional(described(picklist(CHECK_KINDS), 'What the check is, for diagnosis of its output.')),
  },
  'an object with name and command',
);

const STEP_NAME =
  'a step name of at most 100 characters (letters, digits, "_", "-", "."; not starting with a punctuation mark, without "..", not ending with "." or ".lock")';

const StepSchema = v.strictObject(
  {
    task: described(nonEmptyString(), 'What the agent is asked to do in this step.'),
    checks: v.optional(
      described(
        v.array(nonEmptyString('a check name'), 'a list of check names'),
        'Names of work_loop.checks to run for this step; default: all of them. An empty list runs none: the agent decides when the step is done (it prints "STATUS: COMPLETE").',
      ),
    ),
    max_iterations: v.optional(described(integerIn(LIMITS.count), 'Iteration limit for this step; default: work_loop.max_iterations.')),
  },
  'an object with a task',
);

const WorkLoopSchema = v.strictObject(
  {
    max_iterations: v.optional(described(integerIn(LIMITS.count), 'Agent iterations before the loop gives up.'), 50),
    checkpoint_interval: v.optional(
      described(integerIn(LIMITS.count), 'Record a checkpoint (and commit work in progress) every this many iterations.'),
      5,
    ),
    escalate_after: v.optional(described(integerIn(LIMITS.count), 'Consecutive failed iterations before the next model tier is used.'), 3),
    escalate_on_no_progress: v.optional(
      described(integerIn(LIMITS.count), 'Iterations without progress on the checks before the next model tier is used.'),
    ),
    max_cost_usd: v.optional(described(positiveNumberUpTo(LIMITS.costUsd.max), 'Budget in US dollars, from the cost the agent reports.')),
    max_wall_clock: v.optional(duration('Wall-clock budget for one loop.')),
    parts_budget_share: v.optional(
      described(
        numberIn(LIMITS.share),
        'A decomposed issue: the share of what is left of max_cost_usd that its parts may spend together (split evenly between them); the rest is kept for merging the parts and the loop on the merged result.',
      ),
      0.6,
    ),
    workspace: v.optional(
      described(picklist(WORKSPACE_MODES), '"worktree": a git worktree on a run branch; "in-place": the checkout as it is, no commits.'),
      'worktree',
    ),
    checks: v.optional(
      described(
        v.array(CheckSchema, 'a list of checks'),
        'Checks that decide when the work is done. Leave the key out to let the agent decide (it prints "STATUS: COMPLETE" when the work is done); an empty list is an error.',
      ),
      [],
    ),
    steps: v.optional(
      described(
        v.record(v.pipe(v.string(STEP_NAME), v.regex(STEP_NAME_PATTERN, STEP_NAME)), StepSchema, 'an object of named steps'),
        'Named steps for `aidp temporal start workloop <step>`.',
      ),
      {},
    ),
  },
  OBJECT,
);

// ---------------------------------------------------------------------------------------------
// metrics, logging

const MetricsSchema = v.strictObject(
  {
    enabled: v.optional(described(boolean(), 'Serve Prometheus metrics from the worker.'), true),
    prometheus: v.optional(described(hostPort(), 'Bind address of the Prometheus endpoint, "host:port".'), '0.0.0.0:9090'),
  },
  OBJECT,
);

const LoggingSchema = v.strictObject(
  {
    level: v.optional(described(picklist(LOG_LEVELS), 'Lowest level that is logged.'), 'info'),
    format: v.optional(described(picklist(LOG_FORMATS), '"auto" is pretty on a terminal and JSON otherwise.'), 'auto'),
  },
  OBJECT,
);

/**
 * The whole of aidp.yml. Unknown keys are errors; every key has a default or is optional, so an
 * empty file (or none at all) is a valid configuration that runs on local defaults.
 */
export const AidpConfigSchema = v.pipe(
  v.strictObject(
    {
      temporal: v.optional(described(TemporalSchema, 'Connection to Temporal, worker tuning, timeouts and retries.'), {}),
      github: v.optional(described(GithubSchema, 'GitHub repository and pull request settings.'), {}),
      agent: v.optional(described(AgentSchema, 'The AI coding agent and its models.'), {}),
      work_loop: v.optional(described(WorkLoopSchema, 'The fix-forward loop: limits, escalation, checks and steps.'), {}),
      metrics: v.optional(described(MetricsSchema, 'Prometheus metrics.'), {}),
      logging: v.optional(described(LoggingSchema, 'Log level and format.'), {}),
    },
    'an object with the sections temporal, github, agent, work_loop, metrics, logging',
  ),
  v.title('aidp.yml'),
  v.description('Configuration of AIDP, the durable AI development pipeline.'),
);

/** The configuration after loading: every default applied, durations in seconds, argv split. */
export type AidpConfig = v.InferOutput<typeof AidpConfigSchema>;

/** What a config file may contain (every key optional). */
export type AidpConfigInput = v.InferInput<typeof AidpConfigSchema>;

/** The `temporal` section after loading. */
export type TemporalConfig = AidpConfig['temporal'];

/** The `github` section after loading. */
export type GithubConfig = AidpConfig['github'];

/** The `agent` section after loading. */
export type AgentConfig = AidpConfig['agent'];

/** The `work_loop` section after loading. */
export type WorkLoopConfig = AidpConfig['work_loop'];

/** One entry of `work_loop.checks` after loading. */
export type CheckConfig = WorkLoopConfig['checks'][number];

/** One entry of `work_loop.steps` after loading. */
export type StepConfig = WorkLoopConfig['steps'][string];

/** The `metrics` section after loading. */
export type MetricsConfig = AidpConfig['metrics'];

/** The `logging` section after loading. */
export type LoggingConfig = AidpConfig['logging'];

/** An agent adapter name. */
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];

/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The configuration a project with no config file runs on. */
export function defaultConfig(): AidpConfig {
  return v.parse(AidpConfigSchema, {});
}
