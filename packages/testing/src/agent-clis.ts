// The real agent CLIs the tests drive, pinned, installed once per machine into a cache folder outside
// the repository (they are large: a few hundred MB each with their native binaries), the way
// scripts/temporal-cli.sh caches the Temporal CLI. scripts/setup.sh installs them; a test that needs
// one and finds it missing installs them itself, and fails with a message saying what went wrong when
// the registry refuses — it never skips.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The CLIs and the exact versions the tests are written against. */
export const AGENT_CLI_PACKAGES = {
  claude: { name: '@anthropic-ai/claude-code', version: '2.1.328', bin: 'claude', postinstall: 'install.cjs' },
  codex: { name: '@openai/codex', version: '0.169.0', bin: 'codex', postinstall: undefined },
  gemini: { name: '@google/gemini-cli', version: '0.61.0', bin: 'gemini', postinstall: undefined },
  opencode: { name: 'opencode-ai', version: '1.18.33', bin: 'opencode', postinstall: 'postinstall.mjs' },
  copilot: { name: '@github/copilot', version: '1.0.102', bin: 'copilot', postinstall: undefined },
} as const;

export type AgentCliName = keyof typeof AGENT_CLI_PACKAGES;

export const AGENT_CLI_NAMES = Object.keys(AGENT_CLI_PACKAGES) as AgentCliName[];

function specs(): string[] {
  return AGENT_CLI_NAMES.map((n) => `${AGENT_CLI_PACKAGES[n].name}@${AGENT_CLI_PACKAGES[n].version}`);
}

/**
 * `<cache>/agent-clis-<hash of the pinned list>`, the cache being `$AIDP_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/aidp`, else `~/.cache/aidp`. A change of any pin is a new folder.
 */
export function agentClisDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.AIDP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aidp');
  const hash = createHash('sha256').update(specs().join('\n')).digest('hex').slice(0, 12);
  return join(root, `agent-clis-${hash}`);
}

/** The folder holding the CLIs' executables (`node_modules/.bin`). */
export function agentClisBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(agentClisDir(env), 'node_modules', '.bin');
}

/** The installed version of one CLI, read from its package.json; undefined when it is not there. */
function installedVersion(dir: string, name: AgentCliName): string | undefined {
  const manifest = join(dir, 'node_modules', ...AGENT_CLI_PACKAGES[name].name.split('/'), 'package.json');
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The marker of a CLI that was installed, set up and started once. */
function readyMarker(dir: string, name: AgentCliName): string {
  return join(dir, `.ready-${name}`);
}

/** The CLIs not (or not at their pinned version, or not yet seen to start) in the cache. */
export function missingAgentClis(env: NodeJS.ProcessEnv = process.env): AgentCliName[] {
  const dir = agentClisDir(env);
  return AGENT_CLI_NAMES.filter(
    (name) => installedVersion(dir, name) !== AGENT_CLI_PACKAGES[name].version || !existsSync(readyMarker(dir, name)),
  );
}

/**
 * Finishes one CLI's install and checks that it starts. claude and opencode ship their native binary
 * as a platform package and copy it over a placeholder in their install script; the install runs with
 * scripts off, so that script (which only copies, never downloads) is run here, and nothing else.
 */
function finishInstall(dir: string, name: AgentCliName, log: string): boolean {
  const pkg = AGENT_CLI_PACKAGES[name];
  if (installedVersion(dir, name) !== pkg.version) return false;
  if (pkg.postinstall) {
    const run = spawnSync(process.execPath, [pkg.postinstall], {
      cwd: join(dir, 'node_modules', ...pkg.name.split('/')),
      encoding: 'utf8',
    });
    writeFileSync(log, `\n$ node ${pkg.postinstall} (${pkg.name})\n${run.stdout}${run.stderr}`, { flag: 'a' });
    if (run.status !== 0) return false;
  }
  const probe = spawnSync(join(dir, 'node_modules', '.bin', pkg.bin), ['--version'], { encoding: 'utf8', timeout: 60_000 });
  writeFileSync(log, `\n$ ${pkg.bin} --version\n${probe.stdout}${probe.stderr}`, { flag: 'a' });
  if (probe.status !== 0 || !probe.stdout.includes(pkg.version)) return false;
  writeFileSync(readyMarker(dir, name), `${pkg.version}\n`);
  return true;
}

function npmInstall(dir: string, packages: string[], log: string): Promise<number | null> {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`\n$ npm install ${packages.join(' ')}\n`);
    // --ignore-scripts: none of the CLIs needs its install script to run (their native binaries come
    // as optional dependencies), and an install script that downloads would fail here anyway.
    const child = spawn('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', ...packages], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      out.end();
      resolve(code);
    });
  });
}

/** Options of {@link ensureAgentClis}. */
export interface EnsureAgentClisOptions {
  env?: NodeJS.ProcessEnv;
  /** Told before an install starts (it takes half a minute or more). */
  onInstallStart?: (dir: string, missing: AgentCliName[]) => void;
}

const LOCK_STALE_MS = 10 * 60_000;

/**
 * Installs the pinned CLIs that are missing from the cache (all in one `npm install`; one by one when
 * that fails, so one refused package does not keep the others out). Safe to call from several test
 * files at once: one installs while the others wait on its lock. Returns what is still missing, with
 * the install log's path.
 */
export async function ensureAgentClis(
  options: EnsureAgentClisOptions = {},
): Promise<{ dir: string; missing: AgentCliName[]; log: string }> {
  const env = options.env ?? process.env;
  const dir = agentClisDir(env);
  const log = join(dir, 'install.log');
  let missing = missingAgentClis(env);
  if (missing.length === 0) return { dir, missing, log };
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.installing');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process installs: wait for it (or take over a lock it left behind).
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    missing = missingAgentClis(env);
    if (missing.length === 0) return { dir, missing, log };
    options.onInstallStart?.(dir, missing);
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    const all = AGENT_CLI_NAMES.map((n) => `${AGENT_CLI_PACKAGES[n].name}@${AGENT_CLI_PACKAGES[n].version}`);
    if ((await npmInstall(dir, all, log)) !== 0) {
      for (const name of missingAgentClis(env)) {
        if (installedVersion(dir, name) !== AGENT_CLI_PACKAGES[name].version)
          await npmInstall(dir, [`${AGENT_CLI_PACKAGES[name].name}@${AGENT_CLI_PACKAGES[name].version}`], log);
      }
    }
    for (const name of missingAgentClis(env)) finishInstall(dir, name, log);
    return { dir, missing: missingAgentClis(env), log };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The path of one pinned CLI's executable, installing the CLIs first when they are missing. Throws,
 * saying why and what to run, when it cannot be installed or does not start: a test that needs a
 * real CLI fails rather than skips.
 */
export async function agentCli(name: AgentCliName, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const pkg = AGENT_CLI_PACKAGES[name];
  const { dir, missing, log } = await ensureAgentClis({
    env,
    onInstallStart: (target, names) =>
      process.stderr.write(`\nInstalling the agent CLIs ${names.join(', ')} into ${target} (once; about a minute)...\n`),
  });
  if (missing.includes(name)) {
    // The end of the log says whether npm was refused or the CLI did not start.
    const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n') : '(no install log)';
    throw new Error(
      `the ${name} CLI (${pkg.name}@${pkg.version}) is not installed in ${dir}, and installing it from ` +
        `the npm registry failed or it did not start; the tests that drive it cannot run. Run scripts/setup.sh, or ` +
        `"npm install --prefix ${dir} ${pkg.name}@${pkg.version}". The end of ${log}:\n${tail}`,
    );
  }
  return join(dir, 'node_modules', '.bin', pkg.bin);
}
