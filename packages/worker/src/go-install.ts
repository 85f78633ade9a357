import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

// Builds Go programs AIDP needs from the Go module proxy into a cache folder outside the repository:
// the Temporal CLI here (resolveTemporalCli), the full Temporal server in @aidp/testing. One `go install`
// helper so both build the same way; each caller keeps its own messages and error class.

/** AIDP's cache folder: `$AIDP_CACHE_DIR`, else `$XDG_CACHE_HOME/aidp`, else `~/.cache/aidp`. */
export function aidpCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AIDP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aidp');
}

/** The `go` binary: the first on `PATH`, else Go's default install location. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

/** What went wrong: go exited with `exitCode`, or what it built into `builtInto` does not work. */
export type GoInstallProblem = { exitCode: number | null } | { builtInto: string };

/** Options of {@link goInstall}. */
export interface GoInstallOptions {
  /** The `go` binary ({@link findGo}). */
  go: string;
  /** Packages at a version, as `go install` takes them: `github.com/temporalio/cli/cmd/temporal@v1.5.1`. */
  packages: string[];
  /** Where the binaries end up. Replaced as a whole, and only by a build that `works`. */
  binDir: string;
  /** Where go's output is written. */
  logPath: string;
  /** Whether the binaries built into a folder run; checked before they are moved into `binDir`. */
  works: (dir: string) => boolean;
  /** The environment go runs with (GOBIN is set here). */
  env?: NodeJS.ProcessEnv;
  /** The error to throw, in the caller's words and class. */
  failure: (problem: GoInstallProblem) => Error;
}

/**
 * `go install`s `packages` into `binDir`. The build goes to a staging folder beside `binDir` and is
 * renamed into place once it `works`, so an interrupted build is never mistaken for a finished one;
 * go runs in a scratch folder, so no go.mod around the caller's folder can interfere.
 */
export async function goInstall(options: GoInstallOptions): Promise<void> {
  const env = options.env ?? process.env;
  const parent = dirname(options.binDir);
  mkdirSync(parent, { recursive: true });
  mkdirSync(dirname(options.logPath), { recursive: true });
  const staging = mkdtempSync(join(parent, 'bin-'));
  chmodSync(staging, 0o755); // as a folder made with mkdir would be, not mkdtemp's 0700
  const scratch = mkdtempSync(join(tmpdir(), 'aidp-go-install-'));
  const log = createWriteStream(options.logPath);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(options.go, ['install', ...options.packages], {
        cwd: scratch,
        // Nothing to stamp: the build happens outside any repository.
        env: { ...env, GOBIN: staging, GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw options.failure({ exitCode: code });
    if (!options.works(staging)) throw options.failure({ builtInto: staging });
    rmSync(options.binDir, { recursive: true, force: true });
    renameSync(staging, options.binDir);
  } finally {
    log.end();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
