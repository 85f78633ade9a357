/**
 * The command line of `aidp temporal setup`, checked and turned into preset answers: the questions
 * a flag answers are not asked. Every mistake is a `UsageError` that names the flag.
 */
import { UsageError } from 'clipanion';
import { checkAddress, checkEnvVarName, checkName, SETUP_MODES, type SetupMode, type TemporalSetupAnswers } from './answers.js';
import type { SetupPaths } from './file-paths.js';

/** The command line of `aidp temporal setup`, as given. */
export interface SetupFlags {
  configFile?: string | undefined;
  mode?: string | undefined;
  address?: string | undefined;
  namespace?: string | undefined;
  taskQueue?: string | undefined;
  /** `--tls` (system roots) or `--no-tls`. */
  tls?: boolean | undefined;
  tlsCa?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  tlsServerName?: string | undefined;
  apiKeyEnv?: string | undefined;
  verify: boolean;
  yes: boolean;
}

/** Answers given as flags, checked. Paths are as the file will hold them. */
export type Preset = Partial<TemporalSetupAnswers>;

/** The answers the flags give; throws a `UsageError` for a flag that is wrong or that contradicts another. */
export function presetFromFlags(flags: SetupFlags, paths: SetupPaths): Preset {
  const preset: Preset = {};
  const usage = (message: string) => new UsageError(message);
  if (flags.mode !== undefined) {
    if (!(SETUP_MODES as readonly string[]).includes(flags.mode))
      throw usage(`--mode: expected one of ${SETUP_MODES.join(', ')}, got "${flags.mode}"`);
    preset.mode = flags.mode as SetupMode;
  }
  const checked = (flag: string, value: string | undefined, check: (v: string) => string | undefined) => {
    if (value === undefined) return undefined;
    const problem = check(value);
    if (problem) throw usage(`${flag}: ${problem}`);
    return value;
  };
  const address = checked('--address', flags.address, checkAddress);
  const namespace = checked('--namespace', flags.namespace, checkName);
  const taskQueue = checked('--task-queue', flags.taskQueue, checkName);
  if (address !== undefined) preset.address = address;
  if (namespace !== undefined) preset.namespace = namespace;
  if (taskQueue !== undefined) preset.taskQueue = taskQueue;
  if (flags.apiKeyEnv !== undefined) {
    const result = checkEnvVarName(flags.apiKeyEnv);
    if ('error' in result) throw usage(`--api-key-env: ${result.error}`);
    preset.apiKeyEnv = result.name;
  }
  const file = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const problem = paths.problem(value);
    if (problem) throw usage(`${flag}: ${problem}`);
    return paths.written(value);
  };
  const caFile = file('--tls-ca', flags.tlsCa);
  const certFile = file('--tls-cert', flags.tlsCert);
  const keyFile = file('--tls-key', flags.tlsKey);
  if ((certFile === undefined) !== (keyFile === undefined))
    throw usage('--tls-cert and --tls-key go together: a client certificate needs its key');
  const anyTlsFile = caFile !== undefined || certFile !== undefined || flags.tlsServerName !== undefined;
  if (flags.tls === false && anyTlsFile) throw usage('--no-tls cannot go with --tls-ca, --tls-cert, --tls-key or --tls-server-name');
  if (flags.tlsServerName !== undefined && (flags.tlsServerName === '' || /\s/.test(flags.tlsServerName))) {
    throw usage(`--tls-server-name: expected a host name, got ${JSON.stringify(flags.tlsServerName)}`);
  }
  const serverName = flags.tlsServerName !== undefined ? { serverName: flags.tlsServerName } : {};
  if (certFile !== undefined && keyFile !== undefined) {
    preset.tls = { kind: 'mtls', certFile, keyFile, ...(caFile !== undefined ? { caFile } : {}), ...serverName };
  } else if (caFile !== undefined) preset.tls = { kind: 'ca', caFile, ...serverName };
  else if (flags.tls === true || flags.tlsServerName !== undefined) preset.tls = { kind: 'system', ...serverName };
  else if (flags.tls === false) preset.tls = { kind: 'none' };

  const usesTls = preset.tls !== undefined && preset.tls.kind !== 'none';
  if (preset.mode === 'local' && (usesTls || preset.apiKeyEnv !== undefined)) {
    throw usage('--mode local: the local dev server takes no TLS or API key flags');
  }
  if (preset.mode === 'self-hosted' && preset.apiKeyEnv !== undefined) throw usage('--api-key-env is for --mode cloud');
  if (preset.mode === 'cloud') {
    if (preset.apiKeyEnv !== undefined && usesTls) throw usage('--mode cloud: give --api-key-env, or --tls-cert and --tls-key, not both');
    if (usesTls && preset.tls?.kind !== 'mtls')
      throw usage('--mode cloud: Temporal Cloud uses --api-key-env <NAME>, or --tls-cert and --tls-key');
  }
  return preset;
}
