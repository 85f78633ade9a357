// The environment a child process gets. Agents get a minimal one: the basics a CLI needs plus the
// variables `agent.env` names. Secrets of AIDP itself (GitHub token, Temporal API key) never reach an
// agent or a check unless configured to.

const BASICS = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'TERM', 'TZ', 'LANG', 'LANGUAGE'];

/** Variables that hold AIDP's own secrets. */
export const AIDP_SECRET_VARIABLES = ['GITHUB_TOKEN', 'GH_TOKEN', 'TEMPORAL_API_KEY'];

/** The agent's environment: basics, locale (`LC_*`), and the names in `passThrough`. */
export function agentEnvironment(source: NodeJS.ProcessEnv, passThrough: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (BASICS.includes(name) || name.startsWith('LC_') || passThrough.includes(name)) env[name] = value;
  }
  return env;
}

/** A check's environment: the worker's, less AIDP's secrets, with `CI=true` so tools do not prompt. */
export function checkEnvironment(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...source, CI: 'true' };
  for (const name of AIDP_SECRET_VARIABLES) delete env[name];
  return env;
}

// Shorter values (a flag, a port) would be replaced wherever they happen to occur.
const MIN_SECRET_LENGTH = 8;

/**
 * The values an agent run must not carry out of the worker: those of the variables it was given
 * beyond the basics (`agent.env`, its adapter's credentials) and AIDP's own secrets.
 */
export function secretValues(source: NodeJS.ProcessEnv, passThrough: readonly string[]): string[] {
  const names = new Set([...passThrough.filter((name) => !BASICS.includes(name)), ...AIDP_SECRET_VARIABLES]);
  const values = [...names].map((name) => source[name]).filter((value): value is string => (value?.length ?? 0) >= MIN_SECRET_LENGTH);
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
