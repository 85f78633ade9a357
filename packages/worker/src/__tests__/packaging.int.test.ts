import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXED_MATH, FIXTURE_TEST_COMMAND, createFixtureProject, scriptAgent, temporalAddress, uniqueName } from '@aidp/testing';
import { aidpCacheDir } from '../go-install';

// The packages as a service gets them: every publishable package packed with `pnpm pack`, installed
// from the tarballs into a fresh project by npm, pnpm and yarn, each with the lowest and the highest
// Temporal version of AIDP's peer range. In each project: no peer-dependency warning at install, a
// service program (fixtures/packaging-host/host.ts) type-checks against the installed packages, and
// runs two work loops on a real Temporal server — on its own worker with AIDP's plugin, and on
// `createAidpWorker`. And the sources of the library packages type-check against the lowest version's
// declarations, so that the range's floor holds for code the service run does not reach.
//
// The projects are kept in the cache folder (`<cache>/packaging/<manager>-temporal-<version>`), and a
// project whose tarballs, Temporal version and package manager are unchanged is not installed again;
// new tarballs are installed into the project as it is, as a service upgrading AIDP would.

const REPO = resolve(__dirname, '..', '..', '..', '..');
const HOST_PROGRAM = join(__dirname, 'fixtures', 'packaging-host', 'host.ts');
/** Yarn (berry), installed from the npm registry: the test needs no other host (corepack fetches yarn from its own). */
const YARN_VERSION = '4.18.1';
const MANAGERS = ['npm', 'pnpm', 'yarn'] as const;
type Manager = (typeof MANAGERS)[number];

// ---- Packing ----------------------------------------------------------------------------------------

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  name: string;
  tarball: string;
  /** Of the packed files, not of the tarball's bytes (pnpm orders some manifest keys differently from one pack to the next). */
  digest: string;
  manifest: Manifest;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function publishablePackages(): string[] {
  const dir = join(REPO, 'packages');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')) && !readJson<Manifest>(join(dir, name, 'package.json')).private)
    .sort();
}

/** The files of a .tgz, by path: a tar's 512-byte headers, each followed by its content. */
function tarEntries(tarball: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(tarball));
  const entries = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (!name) break;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const prefix = field(345, 155);
    if (field(156, 1) === '0' || field(156, 1) === '')
      entries.set(prefix ? `${prefix}/${name}` : name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortedKeys(v)]),
    );
  }
  return value;
}

async function packAll(into: string): Promise<Packed[]> {
  return await Promise.all(
    publishablePackages().map(async (dir) => {
      const out = mkdtempSync(join(into, `${dir}-`));
      const pack = await run('pnpm', ['pack', '--pack-destination', out], { cwd: join(REPO, 'packages', dir), timeoutMs: 60_000 });
      if (pack.code !== 0) throw new Error(`pnpm pack failed in packages/${dir}:\n${pack.output}`);
      const tarball = join(
        out,
        readdirSync(out).find((f) => f.endsWith('.tgz'))!,
      );
      const entries = tarEntries(tarball);
      const manifest = JSON.parse(entries.get('package/package.json')!.toString('utf8')) as Manifest;
      const hash = createHash('sha256');
      for (const [path, content] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
        const normalized = path === 'package/package.json' ? JSON.stringify(sortedKeys(manifest)) : content;
        hash.update(`${path}\0${createHash('sha256').update(normalized).digest('hex')}\n`);
      }
      return { name: manifest.name, tarball, digest: hash.digest('hex').slice(0, 16), manifest };
    }),
  );
}

// ---- Versions ---------------------------------------------------------------------------------------

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new Error(`not a plain version: ${text}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The bounds of a `>=low <high` range: the only form AIDP's peer ranges take. */
function rangeBounds(range: string): { low: string; below: string } {
  const match = /^>=(\S+) <(\S+)$/.exec(range);
  if (!match) throw new Error(`peer range ${JSON.stringify(range)} is not of the form ">=low <high"`);
  return { low: match[1]!, below: match[2]! };
}

// ---- Processes --------------------------------------------------------------------------------------

interface Outcome {
  code: number | null;
  output: string;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of the package managers and the service: this one, without what a package manager
 * running this test put in it (`npm_config_*` and the like would configure the installs).
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_config_|yarn_|berry_)|^(INIT_CWD|NODE_ENV)$/i.test(key)),
  );
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Outcome> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), (output += chunk.toString())));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Holds `dir`'s lock (a folder next to it) while `fn` runs: another test run may use the same cache. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} stayed locked for 15 minutes`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---- The projects -----------------------------------------------------------------------------------

const cacheRoot = join(aidpCacheDir(), 'packaging');

/** `node` and the path of yarn's script, installed once from the npm registry into the cache. */
async function yarnCommand(): Promise<[string, string[]]> {
  const dir = join(cacheRoot, `yarn-${YARN_VERSION}`);
  const script = join(dir, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');
  mkdirSync(cacheRoot, { recursive: true });
  await withLock(dir, async () => {
    if (existsSync(script)) return;
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, `@yarnpkg/cli-dist@${YARN_VERSION}`], {
      cwd: cacheRoot,
      timeoutMs: 180_000,
    });
    if (install.code !== 0) throw new Error(`could not install yarn ${YARN_VERSION}:\n${install.output}`);
  });
  return [process.execPath, [script]];
}

interface Tools {
  command: Record<Manager, [string, string[]]>;
  version: Record<Manager, string>;
  registry: string;
}

async function tools(): Promise<Tools> {
  const command: Record<Manager, [string, string[]]> = { npm: ['npm', []], pnpm: ['pnpm', []], yarn: await yarnCommand() };
  const ask = async (manager: Manager, args: string[]) => {
    const [cmd, pre] = command[manager];
    const outcome = await run(cmd, [...pre, ...args], { cwd: tmpdir(), timeoutMs: 60_000 });
    if (outcome.code !== 0) throw new Error(`${manager} ${args.join(' ')} failed:\n${outcome.output}`);
    return outcome.stdout.trim();
  };
  const [npm, pnpm, yarn, registry] = await Promise.all([
    ask('npm', ['--version']),
    ask('pnpm', ['--version']),
    ask('yarn', ['--version']),
    ask('npm', ['config', 'get', 'registry']),
  ]);
  return { command, version: { npm, pnpm, yarn }, registry };
}

interface Cell {
  manager: Manager;
  temporal: string;
}

/** What a run of the service printed, and what it logged. */
interface HostReport {
  result: {
    temporal: string;
    plugin: { outcome: string; iterations: number };
    embedded: { outcome: string; iterations: number; checksRun: number };
  };
  messages: string[];
}

interface CellReport {
  installed: 'now' | 'before';
  install: Outcome | undefined;
  peerWarnings: string[];
  typecheck: Outcome;
  host: Outcome;
  report: HostReport | undefined;
}

/** Lines of an install's output about peer dependencies: npm's ERESOLVE, pnpm's peer issues, yarn's YN0002/YN0060/YN0086. */
function peerWarnings(output: string): string[] {
  return output.split('\n').filter((line) => /peer|ERESOLVE|YN0002|YN0060|YN0086/i.test(line));
}

const TEMPORAL_PACKAGES = ['activity', 'client', 'common', 'worker', 'workflow'].map((name) => `@temporalio/${name}`);

/** What a service imports; the other AIDP packages come as their dependencies, from the tarballs too. */
const SERVICE_IMPORTS = ['@aidp/worker', '@aidp/client', '@aidp/config'];

/** The packages a service's project gets: those it imports and their AIDP dependencies (not the CLI). */
function serviceClosure(packed: Packed[]): Packed[] {
  const byName = new Map(packed.map((p) => [p.name, p]));
  const names = new Set<string>();
  const visit = (name: string) => {
    if (names.has(name) || !byName.has(name)) return;
    names.add(name);
    Object.keys(byName.get(name)!.manifest.dependencies ?? {}).forEach(visit);
  };
  SERVICE_IMPORTS.forEach(visit);
  return packed.filter((p) => names.has(p.name));
}

function projectManifest(cell: Cell, tarballs: Record<string, string>): object {
  const rootDev = readJson<Manifest>(join(REPO, 'package.json')).devDependencies ?? {};
  const spec = (name: string) => `file:./tarballs/${tarballs[name]}`;
  const direct = SERVICE_IMPORTS;
  const pinned = Object.fromEntries(Object.keys(tarballs).map((name) => [name, spec(name)]));
  return {
    name: `aidp-host-${cell.manager}`,
    version: '1.0.0',
    private: true,
    dependencies: {
      ...Object.fromEntries(direct.map((name) => [name, spec(name)])),
      ...Object.fromEntries(TEMPORAL_PACKAGES.map((name) => [name, cell.temporal])),
    },
    devDependencies: { typescript: rootDev.typescript, '@types/node': rootDev['@types/node'] },
    ...(cell.manager === 'npm'
      ? { overrides: pinned }
      : cell.manager === 'pnpm'
        ? { pnpm: { overrides: pinned } }
        : { resolutions: pinned }),
  };
}

const HOST_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

async function installed(cell: Cell, dir: string, all: Packed[], tools: Tools): Promise<Pick<CellReport, 'installed' | 'install'>> {
  const packed = serviceClosure(all);
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, `${p.name.replace('@', '').replace('/', '-')}-${p.digest}.tgz`]));
  const key = JSON.stringify({ node: process.version, manager: tools.version[cell.manager], manifest: projectManifest(cell, tarballs) });
  const stamp = join(dir, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key && existsSync(join(dir, 'node_modules'))) {
    return { installed: 'before', install: undefined };
  }
  rmSync(stamp, { force: true });
  mkdirSync(join(dir, 'tarballs'), { recursive: true });
  for (const p of packed) copyFileSync(p.tarball, join(dir, 'tarballs', tarballs[p.name]!));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(projectManifest(cell, tarballs), null, 2)}\n`);
  if (cell.manager === 'pnpm') {
    // pnpm's defaults install missing peers and let wrong ones pass; a service may run it strict.
    writeFileSync(join(dir, '.npmrc'), 'auto-install-peers=false\nstrict-peer-dependencies=true\n');
  }
  if (cell.manager === 'yarn') {
    // Temporal's worker loads its native module and webpack from node_modules: no Plug'n'Play.
    writeFileSync(
      join(dir, '.yarnrc.yml'),
      `nodeLinker: node-modules\nnpmRegistryServer: "${tools.registry.replace(/\/$/, '')}"\nenableTelemetry: false\n`,
    );
    if (!existsSync(join(dir, 'yarn.lock'))) writeFileSync(join(dir, 'yarn.lock'), '');
  }
  const [cmd, pre] = tools.command[cell.manager];
  // In CI, pnpm and yarn refuse to change a lockfile by default; new tarballs change it.
  const args = { npm: ['install', '--no-audit', '--no-fund'], pnpm: ['install', '--no-frozen-lockfile'], yarn: ['install'] }[cell.manager];
  const install = await run(cmd, [...pre, ...args], {
    cwd: dir,
    env: cleanEnv({ YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', YARN_ENABLE_PROGRESS_BARS: 'false' }),
    timeoutMs: 600_000,
  });
  writeFileSync(join(dir, 'install.log'), install.output);
  if (install.code === 0 && peerWarnings(install.output).length === 0) {
    for (const file of readdirSync(join(dir, 'tarballs'))) {
      if (!Object.values(tarballs).includes(file)) rmSync(join(dir, 'tarballs', file));
    }
    writeFileSync(stamp, key);
  }
  return { installed: 'now', install };
}

function hostInput(cell: Cell): { config: object; projectDir: string } {
  const project = createFixtureProject();
  const agent = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } });
  return {
    projectDir: project.dir,
    config: {
      temporal: {
        target_host: temporalAddress(),
        task_queue: uniqueName(`aidp-packaging-${cell.manager}-${cell.temporal}`),
        timeouts: { activity_heartbeat: 5, activity_start_to_close: 60, activity_schedule_to_close: 300 },
        retry: { initial_interval: 1, maximum_interval: 2, maximum_attempts: 5 },
        worker: { shutdown_grace_period: 1 },
      },
      agent: { command: agent.command },
      work_loop: { checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND, timeout: 60 }], max_iterations: 3 },
      metrics: { enabled: false },
      logging: { level: 'info', format: 'json' },
    },
  };
}

function readHostReport(host: Outcome): HostReport | undefined {
  const line = host.stdout.split('\n').find((l) => l.startsWith('AIDP_HOST_RESULT '));
  if (!line) return undefined;
  const messages = host.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { message: string }).message);
  return { result: JSON.parse(line.slice('AIDP_HOST_RESULT '.length)) as HostReport['result'], messages };
}

function cellDirName(cell: Cell): string {
  return `${cell.manager}-temporal-${cell.temporal}`;
}

/** Removes the projects of versions no longer tested (a changed range), once unused for a week. */
function pruneStaleProjects(current: string[]): void {
  for (const name of readdirSync(cacheRoot)) {
    if (!/^(npm|pnpm|yarn)-temporal-[^.]+\.[^.]+\.[^.]+$/.test(name) || current.includes(name)) continue;
    const dir = join(cacheRoot, name);
    const used = statSync(join(dir, 'timings.json'), { throwIfNoEntry: false })?.mtimeMs ?? statSync(dir).mtimeMs;
    if (Date.now() - used > 7 * 24 * 3600_000 && !existsSync(`${dir}.lock`)) rmSync(dir, { recursive: true, force: true });
  }
}

async function runCell(cell: Cell, packed: Packed[], tools: Tools): Promise<CellReport> {
  const dir = join(cacheRoot, cellDirName(cell));
  mkdirSync(dir, { recursive: true });
  return await withLock(dir, async () => {
    const install = await installed(cell, dir, packed, tools);
    const warnings = install.install ? peerWarnings(install.install.output) : [];
    mkdirSync(join(dir, 'src'), { recursive: true });
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    copyFileSync(HOST_PROGRAM, join(dir, 'src', 'host.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(HOST_TSCONFIG, null, 2)}\n`);
    const typecheck = await run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: dir,
      timeoutMs: 180_000,
    });
    const inputFile = join(dir, 'input.json');
    writeFileSync(inputFile, JSON.stringify(hostInput(cell)));
    const host =
      typecheck.code === 0
        ? await run(process.execPath, [join('dist', 'host.js'), inputFile], { cwd: dir, timeoutMs: 240_000 })
        : { code: null, output: 'not run: the type-check failed', stdout: '', stderr: '', ms: 0 };
    // How long each step took, for whoever wonders where the time goes.
    const timings = { installed: install.installed, installMs: install.install?.ms, typecheckMs: typecheck.ms, hostMs: host.ms };
    writeFileSync(join(dir, 'timings.json'), `${JSON.stringify(timings)}\n`);
    return { ...install, peerWarnings: warnings, typecheck, host, report: readHostReport(host) };
  });
}

/**
 * Type-checks the sources of the library packages against the Temporal packages installed in `dir`
 * (a project of the matrix): every API AIDP uses, on paths the service run does not take too.
 */
async function compileSourcesAgainst(dir: string): Promise<Outcome> {
  const src = (pkg: string, file = 'index.ts') => join(REPO, 'packages', pkg, 'src', file);
  const tsconfig = {
    compilerOptions: {
      ...readJson<{ compilerOptions: object }>(join(REPO, 'tsconfig.base.json')).compilerOptions,
      composite: false,
      declaration: false,
      declarationMap: false,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(REPO, 'node_modules', '@types')],
      paths: {
        '@temporalio/*': [join(dir, 'node_modules', '@temporalio', '*')],
        '@aidp/workflows': [src('workflows')],
        '@aidp/workflows/contracts': [src('workflows', 'contracts/index.ts')],
        '@aidp/activities': [src('activities')],
        '@aidp/config': [src('config')],
        '@aidp/client': [src('client')],
        '@aidp/client/contracts': [src('client', 'contracts.ts')],
      },
    },
    include: ['workflows', 'activities', 'config', 'client', 'worker'].map((pkg) => join(REPO, 'packages', pkg, 'src', '**', '*.ts')),
    exclude: [join(REPO, 'packages', '*', 'src', '**', '__tests__', '**')],
  };
  const file = join(scratch, 'tsconfig.sources.json');
  writeFileSync(file, JSON.stringify(tsconfig));
  return await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file], {
    cwd: scratch,
    timeoutMs: 300_000,
  });
}

// ---- The tests --------------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), 'aidp-packaging-'));
let packing: Promise<Packed[]> | undefined;
const packed = () => (packing ??= packAll(scratch));

/** The peer range the packages declare for Temporal, and its lowest and highest versions. */
async function temporalRange(): Promise<{ range: string; lowest: string; highest: string }> {
  const ranges = new Set(
    (await packed())
      .flatMap((p) => Object.entries(p.manifest.peerDependencies ?? {}).filter(([n]) => n.startsWith('@temporalio/')))
      .map(([, r]) => r),
  );
  const [range] = ranges;
  if (ranges.size !== 1 || !range) throw new Error(`the packages declare different Temporal ranges: ${[...ranges].join(', ')}`);
  const { low, below } = rangeBounds(range);
  // The highest: the version the workspace itself builds and tests with.
  const highest = readJson<Manifest>(join(REPO, 'packages', 'worker', 'package.json')).devDependencies!['@temporalio/worker']!;
  if (compareVersions(highest, below) >= 0 || compareVersions(low, highest) > 0) throw new Error(`${highest} is outside ${range}`);
  return { range, lowest: low, highest };
}

let matrix: Promise<Map<string, Promise<CellReport>>> | undefined;
function cellReport(cell: Cell): Promise<CellReport> {
  matrix ??= (async () => {
    const [p, t, { lowest, highest }] = await Promise.all([packed(), tools(), temporalRange()]);
    const cells = MANAGERS.flatMap((manager) => [lowest, highest].map((temporal) => ({ manager, temporal })));
    pruneStaleProjects(cells.map(cellDirName));
    return new Map(cells.map((c) => [`${c.manager} ${c.temporal}`, runCell(c, p, t)]));
  })();
  return matrix.then((m) => m.get(`${cell.manager} ${cell.temporal}`)!);
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed packages', () => {
  it('ship no workspace references, and declare every Temporal peer their AIDP dependencies need', async () => {
    const all = await packed();
    const byName = new Map(all.map((p) => [p.name, p]));
    const undeclared: string[] = [];
    for (const p of all) {
      expect(JSON.stringify(p.manifest)).not.toContain('workspace:');
      const provides = { ...p.manifest.dependencies, ...p.manifest.peerDependencies };
      for (const dep of Object.keys(p.manifest.dependencies ?? {})) {
        for (const peer of Object.keys(byName.get(dep)?.manifest.peerDependencies ?? {})) {
          if (!(peer in provides)) undeclared.push(`${p.name} needs ${peer} (a peer of ${dep})`);
        }
      }
    }
    expect(undeclared).toEqual([]);
    await expect(temporalRange()).resolves.toMatchObject({ lowest: expect.any(String), highest: expect.any(String) });
  });

  describe.each(MANAGERS)('installed by %s into a fresh project', (manager) => {
    it.each(['lowest', 'highest'] as const)(
      'next to the %s Temporal version, with no peer warning: a service type-checks, and runs AIDP on its own worker and embedded',
      async (which) => {
        const range = await temporalRange();
        const temporal = range[which];
        const cell = await cellReport({ manager, temporal });
        const failure = (what: string, outcome?: Outcome) =>
          `${manager}, Temporal ${temporal}: ${what}\n${outcome?.output.slice(-6000) ?? ''}`;

        if (cell.install) expect({ code: cell.install.code, why: failure('install', cell.install) }).toMatchObject({ code: 0 });
        expect(cell.peerWarnings).toEqual([]);
        expect({ code: cell.typecheck.code, output: cell.typecheck.output }).toEqual({ code: 0, output: '' });
        expect({ code: cell.host.code, why: failure('the service', cell.host) }).toMatchObject({ code: 0 });

        const { result, messages } = cell.report!;
        expect(result).toMatchObject({
          temporal,
          plugin: { outcome: 'completed', iterations: 1 },
          embedded: { outcome: 'completed', iterations: 1 },
        });
        expect(result.embedded.checksRun).toBeGreaterThan(0);
        // The embedded worker replaced one of AIDP's activities, and said so once.
        expect(messages.filter((m) => m.includes('activity replaces AIDP'))).toEqual([
          "the worker's own runChecks activity replaces AIDP's",
        ]);
        // The prebuilt workflow bundle serves the version it was made with; another bundles at start-up.
        const bundled = messages.filter((m) => m.startsWith("bundling AIDP's workflows at start-up"));
        if (temporal === range.highest) expect(bundled).toEqual([]);
        else expect(bundled[0]).toContain(`the prebuilt bundle is for Temporal ${range.highest}, and this worker runs ${temporal}`);
      },
      900_000,
    );
  });

  it('build from sources that use only what the lowest Temporal version has', async () => {
    const { lowest } = await temporalRange();
    await cellReport({ manager: 'npm', temporal: lowest });
    const dir = join(cacheRoot, cellDirName({ manager: 'npm', temporal: lowest }));
    const compiled = await withLock(dir, () => compileSourcesAgainst(dir));

    expect({ code: compiled.code, output: compiled.output }).toEqual({ code: 0, output: '' });
  }, 600_000);
});
