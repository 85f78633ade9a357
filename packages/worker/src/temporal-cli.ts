import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { aidpCacheDir, findGo, goInstall } from './go-install.js';

/**
 * The Temporal CLI release AIDP builds when none is installed. v1.5.1 is the newest release whose
 * go.mod has no `replace` directive, so the newest that `go install` can build from the module proxy.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Where a Temporal CLI was found. */
export interface TemporalCliLocation {
  path: string;
  /** How it was found: the `AIDP_TEMPORAL_CLI` variable, `PATH`, the build cache, or a fresh build. */
  origin: 'env' | 'path' | 'cache' | 'built';
}

/** Options of {@link resolveTemporalCli}. */
export interface ResolveTemporalCliOptions {
  /** Environment to read `AIDP_TEMPORAL_CLI`, `AIDP_CACHE_DIR`, `XDG_CACHE_HOME` and `PATH` from. */
  env?: NodeJS.ProcessEnv;
  /** Build the CLI with `go install` when none is found (default true). */
  build?: boolean;
  /** Told about a build before it starts (it takes minutes the first time). */
  onBuildStart?: (targetDir: string) => void;
}

/** Raised when no Temporal CLI can be found or built; the message says what to install. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

/** The cache folder for the Temporal CLI build: `$AIDP_CACHE_DIR`, else `$XDG_CACHE_HOME/aidp`, else `~/.cache/aidp`. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(aidpCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION.slice(1)}`, 'bin');
}

function runs(path: string): boolean {
  if (!existsSync(path)) return false;
  const probe = spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 15_000 });
  return probe.status === 0;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (runs(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a working `temporal` CLI: `$AIDP_TEMPORAL_CLI`, then `temporal` on PATH, then a cached build,
 * and otherwise builds it once from source with `go install` into the cache folder.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<TemporalCliLocation> {
  const env = options.env ?? process.env;
  const explicit = env.AIDP_TEMPORAL_CLI;
  if (explicit) {
    if (runs(explicit)) return { path: explicit, origin: 'env' };
    throw new TemporalCliNotFoundError(
      `AIDP_TEMPORAL_CLI is set to "${explicit}", but that is not a working temporal CLI ` +
        `("${explicit} --version" failed). Point it at the temporal binary, or unset it.`,
    );
  }
  const found = onPath('temporal', env);
  if (found) return { path: found, origin: 'path' };

  const binDir = temporalCliCacheDir(env);
  const cached = join(binDir, 'temporal');
  if (runs(cached)) return { path: cached, origin: 'cache' };

  const installHint =
    'Install the Temporal CLI (https://docs.temporal.io/cli) and put it on PATH, or set ' + 'AIDP_TEMPORAL_CLI to its path';
  if (options.build === false) {
    throw new TemporalCliNotFoundError(`No temporal CLI found. ${installHint}.`);
  }
  const go = findGo(env);
  if (!go) {
    throw new TemporalCliNotFoundError(
      `No temporal CLI found, and Go is not installed to build one. ${installHint}; or install ` +
        `Go 1.25 or newer and AIDP builds temporal ${TEMPORAL_CLI_VERSION} once into ${binDir}.`,
    );
  }
  options.onBuildStart?.(binDir);
  const logPath = join(dirname(binDir), 'build.log');
  await goInstall({
    go,
    packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
    binDir,
    logPath,
    env,
    works: (dir) => runs(join(dir, 'temporal')),
    failure: (problem) =>
      new TemporalCliNotFoundError(
        'exitCode' in problem
          ? `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with "go install" failed (exit ${problem.exitCode}); see ${logPath}. ` +
              'Check that the Go module proxy is reachable (go env GOPROXY) and that Go is 1.25 or newer, ' +
              'or install the Temporal CLI another way and set AIDP_TEMPORAL_CLI.'
          : `The Temporal CLI was built into ${problem.builtInto} but "temporal --version" fails; see ${logPath}.`,
      ),
  });
  return { path: cached, origin: 'built' };
}
