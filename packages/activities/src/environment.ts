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
