/**
 * The questions of `aidp temporal setup`, in order, with their defaults and checks. They are asked
 * through an {@link Asker}, so the same sequence runs on a terminal, from flags alone, or in a test
 * with scripted answers: nothing here reads a terminal or a file.
 *
 * Defaults: what the file says, where it fits the chosen mode; else the usual values.
 */
import type { Choice, TextQuestion } from './prompt.js';
import {
  checkAddress,
  checkEnvVarName,
  checkName,
  checkServerName,
  cloudAddressFor,
  DEFAULT_API_KEY_ENV,
  type CurrentTemporalSetup,
  type SetupMode,
  type SetupTls,
  type TemporalSetupAnswers,
} from './answers.js';
import type { Preset } from './flags.js';

/** A free-text question; `flag` names the flag that answers it (for the "missing" message). */
export type TextAsk = TextQuestion & { flag: string };

/** A question whose answer is the path of an existing PEM file; `default` is as the file holds it. */
export interface FileAsk {
  message: string;
  flag: string;
  default?: string | undefined;
  optional?: boolean;
  hint?: string;
}

/** A choice among options; `needsFlag` when, without a terminal, the default may not be assumed. */
export interface SelectAsk<T> {
  message: string;
  choices: readonly Choice<T>[];
  default: T;
  flag: string;
  needsFlag?: boolean;
}

/**
 * Who answers the questions: a person at a terminal (once they have typed), or the flags and defaults
 * (at once).
 */
export interface Asker {
  text(q: TextAsk): string | Promise<string>;
  /** The path as the file will hold it ('' for an optional one left out). */
  file(q: FileAsk): string | Promise<string>;
  select<T>(q: SelectAsk<T>): T | Promise<T>;
}

export const MODE_CHOICES: Choice<SetupMode>[] = [
  { value: 'local', label: 'Local dev server', hint: 'on this machine: aidp temporal dev, or temporal server start-dev' },
  { value: 'self-hosted', label: 'Self-hosted', hint: 'a Temporal cluster you run' },
  { value: 'cloud', label: 'Temporal Cloud', hint: 'with an API key or a client certificate' },
];

export const TLS_CHOICES: Choice<SetupTls['kind']>[] = [
  { value: 'none', label: 'None', hint: 'plaintext' },
  { value: 'system', label: 'TLS', hint: "verified with the system's CA roots" },
  { value: 'ca', label: 'TLS with a private CA', hint: 'a CA certificate file (PEM)' },
  { value: 'mtls', label: 'mTLS', hint: 'a client certificate and key (PEM), and optionally a CA file' },
];

type CloudAuth = 'api-key' | 'mtls';
export const CLOUD_AUTH_CHOICES: Choice<CloudAuth>[] = [
  { value: 'api-key', label: 'API key', hint: 'read from an environment variable; the key never goes into the file' },
  { value: 'mtls', label: 'mTLS', hint: 'a client certificate and key (PEM) registered with the namespace' },
];

/** Asks what `preset` does not answer and returns the whole set of answers. */
export async function askAnswers(ask: Asker, preset: Preset, current: CurrentTemporalSetup): Promise<TemporalSetupAnswers> {
  const mode =
    preset.mode ??
    (await ask.select({
      message: 'Where does your Temporal server run?',
      choices: MODE_CHOICES,
      default: current.mode ?? 'local',
      flag: '--mode <local|self-hosted|cloud>',
      needsFlag: true,
    }));
  const same = current.mode === mode;
  const keep = <T>(value: T | undefined): T | undefined => (same ? value : undefined);

  let address: string;
  let namespace: string;
  if (mode === 'cloud') {
    namespace =
      preset.namespace ??
      (await ask.text({
        message: 'Namespace',
        hint: 'Temporal Cloud namespaces are written <namespace>.<account>, as the Cloud UI shows them.',
        default: keep(current.namespace),
        validate: checkName,
        flag: '--namespace <namespace>.<account>',
      }));
    address =
      preset.address ??
      (await ask.text({
        message: 'Endpoint (host:port)',
        hint: 'The gRPC endpoint shown for the namespace in the Temporal Cloud UI, e.g. <namespace>.<account>.tmprl.cloud:7233.',
        // A new namespace has its own endpoint; the file's address fits only the namespace it had.
        default:
          (namespace === current.namespace ? keep(current.address) : undefined) ?? cloudAddressFor(namespace) ?? keep(current.address),
        validate: checkAddress,
        flag: '--address <host:port>',
      }));
  } else {
    address =
      preset.address ??
      (await ask.text({
        message: 'Temporal server address (host:port)',
        default: keep(current.address) ?? (mode === 'local' ? 'localhost:7233' : undefined),
        validate: checkAddress,
        flag: '--address <host:port>',
      }));
    namespace =
      preset.namespace ??
      (await ask.text({ message: 'Namespace', default: keep(current.namespace) ?? 'default', validate: checkName, flag: '--namespace' }));
  }
  const taskQueue =
    preset.taskQueue ??
    (await ask.text({ message: 'Task queue', default: current.taskQueue ?? 'aidp-workflows', validate: checkName, flag: '--task-queue' }));
  const answers: TemporalSetupAnswers = { mode, address, namespace, taskQueue, tls: { kind: 'none' } };
  const currentTls = keep(current.tls);

  if (mode === 'self-hosted') {
    answers.tls = preset.tls ?? (await askTls(ask, currentTls));
  } else if (mode === 'cloud') {
    const presetAuth: CloudAuth | undefined = preset.apiKeyEnv !== undefined ? 'api-key' : preset.tls?.kind === 'mtls' ? 'mtls' : undefined;
    const auth =
      presetAuth ??
      (await ask.select<CloudAuth>({
        message: 'How does AIDP sign in to Temporal Cloud?',
        choices: CLOUD_AUTH_CHOICES,
        default: currentTls?.kind === 'mtls' ? 'mtls' : 'api-key',
        flag: '--api-key-env <NAME> (or --tls-cert and --tls-key)',
        needsFlag: !(same && (current.apiKeyEnv !== undefined || currentTls?.kind === 'mtls')),
      }));
    if (auth === 'api-key') {
      answers.apiKeyEnv =
        preset.apiKeyEnv ??
        (await ask.text({
          message: 'Environment variable that holds the API key',
          hint: 'The key itself is never written to aidp.yml: the file gets api_key: ${NAME}, and AIDP reads the key from that variable when it runs.',
          default: keep(current.apiKeyEnv) ?? DEFAULT_API_KEY_ENV,
          validate: (answer) => {
            const checked = checkEnvVarName(answer);
            return 'error' in checked ? checked.error : undefined;
          },
          flag: '--api-key-env <NAME>',
        }));
      const checked = checkEnvVarName(answers.apiKeyEnv);
      if ('name' in checked) answers.apiKeyEnv = checked.name;
    } else {
      const old = currentTls?.kind === 'mtls' ? currentTls : undefined;
      const fromPreset = preset.tls?.kind === 'mtls' ? preset.tls : undefined;
      answers.tls = fromPreset ?? {
        kind: 'mtls',
        certFile: await ask.file({ message: 'Client certificate file (PEM)', default: old?.certFile, flag: '--tls-cert <file>' }),
        keyFile: await ask.file({ message: 'Client key file (PEM)', default: old?.keyFile, flag: '--tls-key <file>' }),
      };
    }
  }
  return answers;
}

async function askTls(ask: Asker, current: SetupTls | undefined): Promise<SetupTls> {
  const kind = await ask.select({
    message: 'How is the connection to the server secured?',
    choices: TLS_CHOICES,
    default: current?.kind ?? 'none',
    flag: '--tls, --tls-ca, --tls-cert/--tls-key or --no-tls',
  });
  if (kind === 'none') return { kind };
  const old = current as Partial<Extract<SetupTls, { kind: 'mtls' }>> | undefined;
  const serverName = async () => {
    const name = await ask.text({
      message: 'Server name to verify the certificate against',
      hint: 'Only when it differs from the host in the address ("none" for no override).',
      default: old?.serverName,
      optional: true,
      validate: checkServerName,
      flag: '--tls-server-name',
    });
    return name === '' ? {} : { serverName: name };
  };
  if (kind === 'system') return { kind, ...(await serverName()) };
  if (kind === 'ca') {
    const caFile = await ask.file({ message: 'CA certificate file (PEM)', default: old?.caFile, flag: '--tls-ca <file>' });
    return { kind, caFile, ...(await serverName()) };
  }
  const certFile = await ask.file({ message: 'Client certificate file (PEM)', default: old?.certFile, flag: '--tls-cert <file>' });
  const keyFile = await ask.file({ message: 'Client key file (PEM)', default: old?.keyFile, flag: '--tls-key <file>' });
  const caFile = await ask.file({
    message: 'CA certificate file (PEM)',
    hint: 'Only for a private CA ("none" to verify with the system\'s roots).',
    default: old?.caFile,
    optional: true,
    flag: '--tls-ca <file>',
  });
  return { kind, certFile, keyFile, ...(caFile ? { caFile } : {}), ...(await serverName()) };
}

/** The answers as defaults for another round of questions ("edit"). */
export function answersAsCurrent(answers: TemporalSetupAnswers): CurrentTemporalSetup {
  return {
    configured: true,
    mode: answers.mode,
    address: answers.address,
    namespace: answers.namespace,
    taskQueue: answers.taskQueue,
    tls: answers.tls,
    ...(answers.apiKeyEnv !== undefined ? { apiKeyEnv: answers.apiKeyEnv } : {}),
    apiKeyIsLiteral: false,
  };
}
