/**
 * @aidp/config — loads, validates and explains `aidp.yml`, the configuration of AIDP.
 *
 * Everything about configuration lives here: the valibot schema (the single source of the types,
 * defaults, ranges, documentation and the shipped `schema.json`), discovery of the config file, the
 * refusal of anything but plain data (prototype keys, cycles), `${VAR}` interpolation, the
 * environment and command-line layers, error messages that name the source and key path, explain
 * (every value and where it came from, secrets redacted), and the translation of the `temporal`
 * section into the option objects Temporal's SDK takes. (`aidp temporal setup` edits that section
 * itself and checks the result with the loader here.)
 *
 * This package has no Temporal imports, not even types: the worker, client and CLI import it, and
 * the translated options are plain structural objects they hand to the SDK. The JSON Schema
 * generator is not exported here (it needs a build-time dependency); see `scripts/generate-schema.js`.
 */

export { AGENT_VERIFICATION, describeAgentVerification } from './agent-verification.js';
export type { AgentVerification } from './agent-verification.js';
export {
  AGENT_COMMAND_PLACEHOLDERS,
  AGENT_PROVIDERS,
  AidpConfigSchema,
  CHECK_KINDS,
  DEFAULT_MAX_OUTPUT_BYTES,
  defaultConfig,
  LIMITS,
  LOG_FORMATS,
  LOG_LEVELS,
  WORKSPACE_MODES,
} from './schema.js';
export type {
  AgentConfig,
  AgentProvider,
  AgentTier,
  AidpConfig,
  AidpConfigInput,
  CheckConfig,
  GithubConfig,
  LogLevel,
  LoggingConfig,
  MetricsConfig,
  StepConfig,
  TemporalConfig,
  WorkLoopConfig,
} from './schema.js';

export { loadConfig, resolveConfig } from './load.js';
export type { LoadConfigOptions, LoadedConfig, ResolveConfigOptions } from './load.js';

export { CONFIG_FILE_ENV, discoverConfig, SEARCH_PLACES } from './discover.js';
export type { DiscoveredConfig, DiscoverOptions } from './discover.js';

export { parseJsonText, parseYamlText } from './parse.js';
export { checkPlainData } from './plain-data.js';
export type { PlainDataResult } from './plain-data.js';
export { interpolateConfig } from './interpolate.js';
export type { InterpolationResult } from './interpolate.js';
export { ENVIRONMENT_VARIABLES, parseBooleanText } from './overlay.js';
export type { ConfigOverride, EnvironmentValueKind, EnvironmentVariable } from './overlay.js';
export { validateConfig } from './validate.js';
export type { ValidateOptions, ValidationResult } from './validate.js';
export { checkCrossFieldRules } from './rules.js';
export { DURATION_PATTERN, parseDuration, secondsToMs } from './duration.js';
export { parseSize, SIZE_PATTERN } from './size.js';
export { splitCommandLine } from './shell-words.js';
export type { SplitResult } from './shell-words.js';

export {
  AidpError,
  brand,
  AidpConnectionError,
  AidpNamespaceNotFoundError,
  AidpPermissionDeniedError,
  ConfigError,
  formatIssue,
} from './errors.js';
export type { ConfigIssue, ConnectionFailureReason } from './errors.js';
export { connectionFailure, diagnoseConnectionFailure, isPermissionDenied } from './connection-errors.js';

export { sourceLabel } from './sources.js';
export type { ConfigSource, ConfigSources } from './sources.js';
export { explainConfig } from './explain.js';
export type { ExplainedEntry, JsonValue } from './explain.js';
export { REDACTED, redactConfig, SECRET_KEYS } from './secrets.js';

export { toActivityOptions, toConnectionOptions, toWorkerOptions, toWorkflowStartOptions } from './sdk-options.js';
export type {
  AidpActivityOptions,
  AidpConnectionOptions,
  AidpRetryPolicy,
  AidpWorkerOptions,
  AidpWorkflowStartOptions,
  ConnectionTranslationOptions,
  TlsOptions,
} from './sdk-options.js';
