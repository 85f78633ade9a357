/**
 * The answers of `aidp temporal setup` and the checks each answer goes through, shared by the
 * questions, the flags and the writing of the file. Pure: nothing here reads a terminal or a file.
 */
import { validateConfig } from '@aidp/config';

/** Where the Temporal server runs. */
export const SETUP_MODES = ['local', 'self-hosted', 'cloud'] as const;
export type SetupMode = (typeof SETUP_MODES)[number];

/** How the connection is secured. */
export type SetupTls =
  | { kind: 'none' }
  /** TLS verified with the system's CA roots. */
  | { kind: 'system'; serverName?: string }
  /** TLS verified with a private CA. */
  | { kind: 'ca'; caFile: string; serverName?: string }
  /** TLS with a client certificate (mTLS); `caFile` only for a private CA. */
  | { kind: 'mtls'; certFile: string; keyFile: string; caFile?: string; serverName?: string };

/** The wizard's answers. File paths are written as given (the caller makes them relative to the file). */
export interface TemporalSetupAnswers {
  mode: SetupMode;
  /** `host:port`. */
  address: string;
  namespace: string;
  taskQueue: string;
  tls: SetupTls;
  /** Cloud only: the name of the environment variable that holds the API key (never the key). */
  apiKeyEnv?: string;
}

/**
 * What the file says today, as answers the wizard can offer as defaults: `mode` is a guess from the
 * address, TLS and API key (absent when there is no section), `apiKeyEnv` the variable named by
 * `api_key: ${NAME}`.
 */
export interface CurrentTemporalSetup extends Partial<TemporalSetupAnswers> {
  /** Whether the file has a `temporal` section at all. */
  configured: boolean;
  /** True when `api_key` holds a value that is not a `${NAME}` reference: a secret in the file. */
  apiKeyIsLiteral: boolean;
  /** `temporal.enabled` as written, when it is. */
  enabled?: unknown;
}

/** The default variable for the Temporal Cloud API key; the loader reads the same one directly. */
export const DEFAULT_API_KEY_ENV = 'TEMPORAL_API_KEY';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${NAME}`: the only form of `api_key` the wizard writes, and the only one safe to show. */
export const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

// A pasted key rather than a variable name: a JWT, something long with characters no name has, or
// a long run of letters and digits without the underscores variable names are made of.
function looksLikeSecret(text: string): boolean {
  if (text.startsWith('eyJ')) return true;
  if (!ENV_NAME.test(text)) return text.length >= 16;
  return text.length >= 24 && !text.includes('_') && /[0-9]/.test(text);
}

/**
 * Checks the answer to "which environment variable holds the API key?". `$NAME` and `${NAME}` are
 * accepted as NAME. Something that looks like a key itself is refused with an explanation; the
 * message never repeats the input, so a pasted secret does not end up in a log.
 */
export function checkEnvVarName(text: string): { name: string } | { error: string; looksLikeSecret: boolean } {
  const trimmed = text.trim();
  const name = ENV_REFERENCE.exec(trimmed)?.[1] ?? /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(trimmed)?.[1] ?? trimmed;
  if (name === '') {
    return { error: `enter the name of an environment variable, such as ${DEFAULT_API_KEY_ENV}`, looksLikeSecret: false };
  }
  if (looksLikeSecret(name)) {
    return {
      error:
        'that looks like an API key itself, not the name of a variable. The key is a secret and is never ' +
        `written to aidp.yml: put it in an environment variable (for example: export ${DEFAULT_API_KEY_ENV}=<your key>) ` +
        'and give the name of that variable instead',
      looksLikeSecret: true,
    };
  }
  if (!ENV_NAME.test(name)) {
    return {
      error: 'not a variable name: use letters, digits and "_", not starting with a digit',
      looksLikeSecret: false,
    };
  }
  return { name };
}

/** Checks a `host:port` answer; returns what is wrong, or undefined when it is fine. */
export function checkAddress(text: string): string | undefined {
  if (text.includes('${')) return undefined; // a variable reference, checked when the file loads
  // The loader's own rule for target_host, so setup accepts exactly what loading will.
  const { issues } = validateConfig({ temporal: { target_host: text } });
  if (issues.length === 0) return undefined;
  return `expected an address as "host:port" (port 1-65535), got ${JSON.stringify(text)}`;
}

/** Checks a namespace or task queue answer; returns what is wrong, or undefined when it is fine. */
export function checkName(text: string): string | undefined {
  if (text === '') return 'expected a non-empty name';
  if (/\s/.test(text)) return `expected a name without spaces, got ${JSON.stringify(text)}`;
  return undefined;
}

/** Checks a TLS server name answer (empty means no override). */
export function checkServerName(text: string): string | undefined {
  return /\s/.test(text) ? 'a server name has no spaces' : undefined;
}

/**
 * The Temporal Cloud endpoint of a namespace: `<namespace>.<account>` serves at
 * `<namespace>.<account>.tmprl.cloud:7233`. Undefined for a name without the account part.
 */
export function cloudAddressFor(namespace: string): string | undefined {
  return /^[A-Za-z0-9-]+\.[A-Za-z0-9-]+$/.test(namespace) ? `${namespace}.tmprl.cloud:7233` : undefined;
}
