import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { adapterFor } from '@aidp/activities';
import { AGENT_PROVIDERS, defaultConfig, ENVIRONMENT_VARIABLES } from '@aidp/config';
import { TemporalWorkerCommand } from '../commands/temporal/worker';
import { createCli } from '../main';
import {
  activeServices,
  composeSchemaValidator,
  interpolate,
  isObject,
  loadComposeFile,
  mergeCompose,
  MissingVariableError,
  scalarText,
  withoutMergeTags,
  type JsonObject,
} from './compose-model';

// The files under docker/ as `docker compose` and `docker build` read them: valid by the Compose
// specification, every promise of docker/README.md kept (ports, pinned images, the files they mount,
// the variables AIDP reads), and a Grafana dashboard that queries the metrics the workers export.

const REPO = resolve(__dirname, '..', '..', '..', '..');
const DOCKER = join(REPO, 'docker');
const TEMPORAL_FILE = join(DOCKER, 'docker-compose.temporal.yml');
const WORKER_FILE = join(DOCKER, 'docker-compose.worker.yml');
const PRODUCTION_FILE = join(DOCKER, 'docker-compose.production.yml');
const FILES = [TEMPORAL_FILE, WORKER_FILE, PRODUCTION_FILE];

// What an operator sets: the projects folder for the worker, and the external database in production.
const PRODUCTION_ENV = {
  AIDP_PROJECTS_DIR: '/srv/aidp/projects',
  POSTGRES_HOST: 'postgres.internal.example',
  POSTGRES_USER: 'temporal_prod',
  POSTGRES_PASSWORD: 'from-the-secret-store',
};

const validate = composeSchemaValidator();

function load(files: string[], env: Record<string, string | undefined> = PRODUCTION_ENV): JsonObject {
  return mergeCompose(...files.map((file) => loadComposeFile(file, env)));
}

function service(model: JsonObject, name: string): JsonObject {
  const found = isObject(model.services) ? model.services[name] : undefined;
  if (!isObject(found)) throw new Error(`no service "${name}"`);
  return found;
}

function env(svc: JsonObject): JsonObject {
  return isObject(svc.environment) ? svc.environment : {};
}

function ports(svc: JsonObject): string[] {
  return Array.isArray(svc.ports) ? svc.ports.map(String) : [];
}

/** What `docker compose up` would refuse: dependencies on services that are not started, undeclared volumes. */
function stackProblems(model: JsonObject, profiles: string[] = []): string[] {
  const active = activeServices(model, profiles);
  const volumes = isObject(model.volumes) ? Object.keys(model.volumes) : [];
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(active)) {
    for (const dependency of Object.keys(isObject(svc.depends_on) ? svc.depends_on : {})) {
      if (!(dependency in active)) problems.push(`${name} depends on ${dependency}, which is not started`);
    }
    for (const mount of Array.isArray(svc.volumes) ? svc.volumes.map(String) : []) {
      const source = mount.split(':')[0]!;
      if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source) && !volumes.includes(source)) {
        problems.push(`${name} mounts volume ${source}, which is not declared`);
      }
    }
  }
  return problems;
}

/** Bind mounts of a service as [source on the host, relative to docker/ when relative; target]. */
function bindMounts(svc: JsonObject): [string, string][] {
  const mounts = Array.isArray(svc.volumes) ? svc.volumes.map(String) : [];
  return mounts
    .map((mount) => mount.split(':'))
    .filter((parts) => parts.length >= 2 && (parts[0]!.startsWith('.') || parts[0]!.startsWith('/')))
    .map((parts) => [parts[0]!, parts[1]!]);
}

/** The host file behind a path inside the container, through the service's relative bind mounts. */
function hostPathOf(svc: JsonObject, containerPath: string): string | undefined {
  for (const [source, target] of bindMounts(svc)) {
    if (!source.startsWith('.')) continue;
    if (containerPath === target) return join(DOCKER, source);
    if (containerPath.startsWith(`${target}/`)) return join(DOCKER, source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

const METRICS_PORT = defaultConfig().metrics.prometheus.split(':').pop()!;

describe('the compose files in docker/', () => {
  it('are valid by the Compose specification, alone and merged the ways docker/README.md runs them', () => {
    for (const file of FILES) {
      expect({ file, problems: validate(withoutMergeTags(loadComposeFile(file, PRODUCTION_ENV))) }).toEqual({ file, problems: [] });
    }
    const stacks = [[TEMPORAL_FILE], [TEMPORAL_FILE, WORKER_FILE], [TEMPORAL_FILE, WORKER_FILE, PRODUCTION_FILE]];
    for (const files of stacks) {
      const model = load(files);
      expect({ files, problems: validate(model) }).toEqual({ files, problems: [] });
      for (const profiles of [[], ['monitoring']]) {
        expect({ files, profiles, problems: stackProblems(model, profiles) }).toEqual({ files, profiles, problems: [] });
      }
    }
  });

  it('are read with the variables as Compose substitutes them', () => {
    const problems: string[] = [];
    const env = { SET: 'x', EMPTY: '' };
    const read = (text: string) => interpolate(text, env, problems);
    expect([read('${SET:-d}'), read('${EMPTY:-d}'), read('${EMPTY-d}'), read('${UNSET-d}'), read('$SET/$$SET')]).toEqual([
      'x',
      'd',
      '',
      'd',
      'x/$SET',
    ]);
    expect([read('${SET:+alt}'), read('${EMPTY:+alt}'), read('${EMPTY+alt}'), read('${UNSET}')]).toEqual(['alt', '', 'alt', '']);
    expect(problems).toEqual([]);
    read('${EMPTY?fine when set, even empty}');
    read('${EMPTY:?needs a value}');
    read('${UNSET?needs to be set}');
    expect(problems).toEqual([
      'required variable EMPTY is missing a value: needs a value',
      'required variable UNSET is missing a value: needs to be set',
    ]);
  });

  it('are checked for real: broken copies are rejected', () => {
    const good = load([TEMPORAL_FILE, WORKER_FILE]);
    expect(validate(good)).toEqual([]);
    const broken = (edit: (model: JsonObject) => void): string[] => {
      const copy = JSON.parse(JSON.stringify(good)) as JsonObject;
      edit(copy);
      return validate(copy);
    };
    // A misspelt top-level key, a port that is not a list, a port that is no port, a duration compose cannot read.
    expect(broken((m) => (m.servics = {})).join('\n')).toMatch(/additional properties/);
    expect(broken((m) => (service(m, 'temporal').ports = 7233)).join('\n')).toMatch(/\/services\/temporal\/ports must be array/);
    expect(broken((m) => (service(m, 'temporal').ports = ['72a33:7233'])).join('\n')).toMatch(/must match format "ports"/);
    expect(broken((m) => (service(m, 'postgresql').healthcheck = { test: ['CMD', 'true'], interval: '5 seconds' })).join('\n')).toMatch(
      /must match format "duration"/,
    );
    expect(broken((m) => (service(m, 'worker').depends_on = { temporal: { condition: 'service_ready' } })).length).toBeGreaterThan(0);
    // Without the production file's `!reset`, the schema job would wait for a database that never starts.
    const production = load([TEMPORAL_FILE, WORKER_FILE, PRODUCTION_FILE]);
    service(production, 'temporal-schema-setup').depends_on = { postgresql: { condition: 'service_healthy' } };
    expect(stackProblems(production)).toEqual(['temporal-schema-setup depends on postgresql, which is not started']);
  });

  it('pin every image to a version', () => {
    const model = load([TEMPORAL_FILE, WORKER_FILE, PRODUCTION_FILE]);
    const services = Object.entries(isObject(model.services) ? model.services : {});
    expect(services.length).toBeGreaterThanOrEqual(8);
    for (const [name, svc] of services) {
      const image = scalarText((svc as JsonObject).image);
      if ((svc as JsonObject).build !== undefined) {
        expect({ name, image }).toEqual({ name, image: expect.not.stringMatching(/:latest$|^[^:]*$/) });
      } else {
        // A tag with at least major.minor, never `latest` or a bare major version.
        expect({ name, image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./-]+:v?\d+\.\d+[\w.-]*$/) });
      }
    }
  });

  it('publish Temporal on 7233 and its UI on 8080, both pointed at the server', () => {
    const model = load([TEMPORAL_FILE]);
    const temporal = service(model, 'temporal');
    expect(ports(temporal)).toContain('7233:7233');
    // The frontend binds to the container's interfaces, not only its loopback, or the port leads nowhere.
    expect(env(temporal).BIND_ON_IP).toBe('0.0.0.0');
    expect(env(temporal)).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    const ui = service(model, 'temporal-ui');
    expect(ports(ui)).toContain('8080:8080');
    expect(env(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env(service(model, 'temporal-admin-tools')).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(service(model, 'temporal').depends_on).toEqual({ 'temporal-schema-setup': { condition: 'service_completed_successfully' } });
    expect(service(model, 'postgresql').volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    for (const name of ['postgresql', 'temporal']) expect(service(model, name).healthcheck).toBeDefined();
  });

  it('mount files that exist in docker/: the dynamic config, the setup scripts, the monitoring configuration', () => {
    const model = load([TEMPORAL_FILE, WORKER_FILE]);
    const temporal = service(model, 'temporal');
    const dynamicConfig = hostPathOf(temporal, scalarText(env(temporal).DYNAMIC_CONFIG_FILE_PATH));
    expect(dynamicConfig).toBe(join(DOCKER, 'dynamicconfig', 'development-sql.yaml'));
    const settings = parseYaml(readFileSync(dynamicConfig!, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(settings).length).toBeGreaterThan(0);
    for (const [key, values] of Object.entries(settings)) {
      expect({ key, values }).toEqual({ key, values: expect.arrayContaining([expect.objectContaining({ value: expect.anything() })]) });
    }
    expect(settings['frontend.enableUpdateWorkflowExecution']).toEqual([{ value: true, constraints: {} }]);

    for (const [name, svc] of Object.entries(activeServices(model, ['monitoring']))) {
      for (const [source] of bindMounts(svc)) {
        if (source.startsWith('.'))
          expect({ name, source, exists: existsSync(join(DOCKER, source)) }).toEqual({ name, source, exists: true });
      }
      const entrypoint = Array.isArray(svc.entrypoint) ? svc.entrypoint.map(String) : [];
      for (const arg of entrypoint.filter((a) => a.endsWith('.sh'))) {
        const script = hostPathOf(svc, arg);
        expect({ name, arg, script: script && existsSync(script) }).toEqual({ name, arg, script: true });
      }
    }
  });

  it('configure the worker only with variables AIDP reads, and leave every secret to the environment', () => {
    const read = new Set([...ENVIRONMENT_VARIABLES.map((v) => v.variable), defaultConfig().github.token_env]);
    const agentKeys = new Set(
      AGENT_PROVIDERS.flatMap((provider) => adapterFor({ provider, command: [], timeoutMs: 0, env: [] })?.credentialEnv ?? []),
    );
    const model = load([TEMPORAL_FILE, WORKER_FILE], { AIDP_PROJECTS_DIR: '/home/me/projects' });
    const worker = service(model, 'worker');
    const variables = env(worker);
    expect(Object.keys(variables).length).toBeGreaterThan(0);
    for (const name of Object.keys(variables)) {
      expect({ name, known: read.has(name) || agentKeys.has(name) }).toEqual({ name, known: true });
    }
    // Secrets: named so they pass through from the environment, never given a value in the file.
    for (const secret of ['GITHUB_TOKEN', ...agentKeys].filter((name) => name in variables)) {
      expect({ secret, value: variables[secret] }).toEqual({ secret, value: null });
    }
    expect(variables).toMatchObject({
      TEMPORAL_HOST: 'temporal:7233',
      TEMPORAL_NAMESPACE: defaultConfig().temporal.namespace,
      TEMPORAL_TASK_QUEUE: 'aidp-workflows',
      AIDP_LOG_LEVEL: 'info',
      GITHUB_TOKEN: null,
    });
    expect(defaultConfig().temporal.task_queue).toBe('aidp-workflows');
    // The worker polls the namespace that the namespace job registers, whatever TEMPORAL_NAMESPACE says.
    const custom = load([TEMPORAL_FILE, WORKER_FILE], { AIDP_PROJECTS_DIR: '/p', TEMPORAL_NAMESPACE: 'aidp-team' });
    expect(env(service(custom, 'worker')).TEMPORAL_NAMESPACE).toBe('aidp-team');
    expect(env(service(custom, 'temporal-create-namespace')).DEFAULT_NAMESPACE).toBe('aidp-team');

    expect(ports(worker)).toContain(`${METRICS_PORT}:${METRICS_PORT}`);
    expect(worker.depends_on).toEqual({
      temporal: { condition: 'service_healthy' },
      'temporal-create-namespace': { condition: 'service_completed_successfully' },
    });
    // The projects are mounted at the path the client sends.
    expect(worker.volumes).toEqual(['/home/me/projects:/home/me/projects']);
    expect(() => loadComposeFile(WORKER_FILE, {})).toThrow(/AIDP_PROJECTS_DIR/);
    const build = worker.build as JsonObject;
    expect(resolve(DOCKER, scalarText(build.context))).toBe(REPO);
    expect(existsSync(join(REPO, scalarText(build.dockerfile)))).toBe(true);
  });

  it('make the production stack run several workers on an external database that must be given', () => {
    const model = load([TEMPORAL_FILE, WORKER_FILE, PRODUCTION_FILE]);
    const worker = service(model, 'worker');
    const deploy = worker.deploy as JsonObject;
    expect(deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(deploy.resources).toMatchObject({ limits: { cpus: expect.anything(), memory: expect.any(String) } });
    // Replicas cannot share a host port; Prometheus reaches each on the compose network instead.
    expect(ports(worker)).toEqual([]);
    expect(worker.restart).toBe('unless-stopped');
    expect(service(model, 'temporal').restart).toBe('unless-stopped');
    expect(Object.keys(activeServices(model))).not.toContain('postgresql');
    for (const name of ['temporal', 'temporal-schema-setup']) {
      expect(env(service(model, name))).toMatchObject({
        POSTGRES_SEEDS: 'postgres.internal.example',
        POSTGRES_USER: 'temporal_prod',
        POSTGRES_PWD: 'from-the-secret-store',
        DB_PORT: '5432',
      });
    }
    for (const missing of ['POSTGRES_HOST', 'POSTGRES_USER', 'POSTGRES_PASSWORD']) {
      const without = { ...PRODUCTION_ENV, [missing]: undefined };
      expect(() => loadComposeFile(PRODUCTION_FILE, without)).toThrow(MissingVariableError);
      expect(() => loadComposeFile(PRODUCTION_FILE, without)).toThrow(
        new RegExp(`required variable ${missing} is missing a value: set ${missing}`),
      );
    }
    // The local files alone need none of them.
    expect(() => loadComposeFile(TEMPORAL_FILE, {})).not.toThrow();
  });

  it("let Prometheus scrape the workers' and the Temporal server's metrics, and Grafana read Prometheus", () => {
    const model = load([TEMPORAL_FILE, WORKER_FILE], { AIDP_PROJECTS_DIR: '/p' });
    const prometheus = parseYaml(readFileSync(join(DOCKER, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; port: number }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job]));
    expect(jobs['aidp-worker']?.dns_sd_configs).toEqual([
      expect.objectContaining({ names: ['worker'], type: 'A', port: Number(METRICS_PORT) }),
    ]);
    const serverMetrics = scalarText(env(service(model, 'temporal')).PROMETHEUS_ENDPOINT)
      .split(':')
      .pop();
    expect(jobs['temporal-server']?.static_configs).toEqual([{ targets: [`temporal:${serverMetrics}`] }]);
    expect(hostPathOf(service(model, 'prometheus'), '/etc/prometheus/prometheus.yml')).toBe(join(DOCKER, 'prometheus.yml'));

    const grafana = service(model, 'grafana');
    const datasources = parseYaml(readFileSync(join(DOCKER, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { type: string; url: string }[];
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = parseYaml(readFileSync(join(DOCKER, 'grafana/provisioning/dashboards/aidp.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const dashboardDir = providers.providers[0]!.options.path;
    expect(hostPathOf(grafana, posix.join(dashboardDir, 'aidp-dashboard.json'))).toBe(join(DOCKER, 'grafana', 'aidp-dashboard.json'));
    expect(hostPathOf(grafana, scalarText(env(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH))).toBe(
      join(DOCKER, 'grafana', 'aidp-dashboard.json'),
    );
  });
});

// ---- the worker image ----------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

function dockerfileInstructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n');
  return logical
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** Whether `.dockerignore` keeps `path` (relative to the repository) out of the build context. */
function dockerIgnored(path: string, patterns: string[]): boolean {
  const segments = path.split('/');
  const candidates = segments.map((_s, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const source = pattern
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) =>
        part === '**/'
          ? '(?:.*/)?'
          : part === '**'
            ? '.*'
            : part === '*'
              ? '[^/]*'
              : part === '?'
                ? '[^/]'
                : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    const re = new RegExp(`^${source}$`);
    if (candidates.some((candidate) => re.test(candidate))) ignored = !negated;
  }
  return ignored;
}

describe('the worker image (docker/worker.Dockerfile)', () => {
  const dockerfile = readFileSync(join(DOCKER, 'worker.Dockerfile'), 'utf8');
  const instructions = dockerfileInstructions(dockerfile);
  const ignorePatterns = readFileSync(join(REPO, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('copies files that exist in the repository and are in the build context', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        expect({ source, exists: existsSync(join(REPO, source)) }).toEqual({ source, exists: true });
        if (source !== '.') expect({ source, ignored: dockerIgnored(source, ignorePatterns) }).toEqual({ source, ignored: false });
      }
    }
    // `COPY . .` then the build: everything `pnpm install --frozen-lockfile` and `pnpm run build` read is in the context...
    const lockfile = parseYaml(readFileSync(join(REPO, 'pnpm-lock.yaml'), 'utf8')) as { importers: Record<string, unknown> };
    const needed = [
      ...Object.keys(lockfile.importers).map((dir) => posix.join(dir, 'package.json')),
      'tsconfig.json',
      'tsconfig.base.json',
      'tsconfig.tests.json',
      'packages/cli/bin/aidp.js',
      'packages/worker/scripts/bundle-workflows.js',
      'packages/workflows/src/index.ts',
    ];
    for (const path of needed) {
      expect({ path, exists: existsSync(join(REPO, path)), ignored: dockerIgnored(path, ignorePatterns) }).toEqual({
        path,
        exists: true,
        ignored: false,
      });
    }
    // ...and nothing of a local install, build or run, nor a compose .env with secrets.
    for (const path of [
      'node_modules',
      'packages/worker/node_modules',
      'packages/worker/lib',
      'packages/cli/lib/main.js',
      '.aidp',
      'packages/x/.aidp/runs',
      'docker/.env',
    ]) {
      expect({ path, ignored: dockerIgnored(path, ignorePatterns) }).toEqual({ path, ignored: true });
    }
  });

  it('installs the pinned pnpm with npm, the locked dependencies, and git', () => {
    const packageManager = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toContainEqual(`npm install -g ${packageManager}`);
    expect(runs.join('\n')).not.toMatch(/corepack/);
    expect(runs).toContainEqual(expect.stringMatching(/pnpm install --frozen-lockfile\b.*&& pnpm run build/));
    expect(runs).toContainEqual(expect.stringMatching(/apt-get install -y --no-install-recommends [^&]*\bgit\b/));
    // The agent CLI is a build argument, installed globally when given.
    expect(instructions).toContainEqual({ keyword: 'ARG', args: 'AGENT_NPM_PACKAGES=""' });
    expect(runs).toContainEqual(expect.stringMatching(/npm install -g \$AGENT_NPM_PACKAGES/));
    // Both stages on a pinned Node 20 (bookworm-slim), the engines' major version.
    const nodeImage = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='))!.args;
    expect(nodeImage).toMatch(/^NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim$/);
    expect(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args)).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
  });

  it('bakes no secret into the image', () => {
    const secretish = /(TOKEN|API_KEY|PASSWORD|SECRET)/;
    for (const i of instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      expect({ instruction: `${i.keyword} ${i.args}`, secret: secretish.test(i.args) }).toEqual({
        instruction: `${i.keyword} ${i.args}`,
        secret: false,
      });
    }
  });

  it('runs `aidp temporal worker` from the built workspace', () => {
    const cmd = instructions.filter((i) => i.keyword === 'CMD').pop()!;
    const argv = JSON.parse(cmd.args) as string[];
    expect(argv.slice(0, 2)).toEqual(['node', 'packages/cli/bin/aidp.js']);
    expect(statSync(join(REPO, argv[1]!)).isFile()).toBe(true);
    const command = createCli({}).process(argv.slice(2), { cwd: REPO });
    expect(command).toBeInstanceOf(TemporalWorkerCommand);
    expect(instructions.filter((i) => i.keyword === 'ENTRYPOINT').map((i) => JSON.parse(i.args) as string[])).toEqual([['tini', '--']]);
    expect(instructions).toContainEqual({ keyword: 'EXPOSE', args: METRICS_PORT });
  });
});

// ---- the Grafana dashboard -----------------------------------------------------------------------

// The names the deployment guide lists for Temporal's SDK metrics (with the `_total` suffix the
// worker's Prometheus exporter adds to counters); latency is a histogram, queried through `_bucket`.
const SDK_METRICS = [
  'temporal_workflow_completed_total',
  'temporal_workflow_failed_total',
  'temporal_activity_execution_latency',
  'temporal_worker_task_slots_used',
];
const SDK_HISTOGRAMS = ['temporal_activity_execution_latency'];
// AIDP's own, as the fix-forward loop defines them (cost is a histogram: its `_sum` is the total).
const AIDP_METRICS = [
  'aidp_iterations_total',
  'aidp_agent_tokens_total',
  'aidp_agent_cost_usd',
  'aidp_check_failures_total',
  'aidp_escalations_total',
];
// Labels the dashboard may group by: AIDP's (provider, model, direction, reason) and Temporal's.
const LABELS = [
  'provider',
  'model',
  'direction',
  'reason',
  'workflow_type',
  'activity_type',
  'worker_type',
  'task_queue',
  'namespace',
  'le',
];

/** AIDP's metrics as exported, read from the instruments the fix-forward loop (every workflow's) creates. */
function aidpMetricsInCode(): { name: string; histogram: boolean }[] {
  const source = readFileSync(join(REPO, 'packages/workflows/src/fix-forward.ts'), 'utf8');
  return [...source.matchAll(/metricMeter\.create(Counter|Histogram|Gauge)\(\s*'([a-z_:][a-z0-9_:]*)'/g)].map(([, kind, name]) => ({
    name: kind === 'Counter' ? `${name}_total` : name!,
    histogram: kind === 'Histogram',
  }));
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names a PromQL expression selects. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)]
    .filter((m) => !/^\s*\(/.test(bare.slice(m.index + m[0].length)) && !PROMQL_WORDS.has(m[0]))
    .map((m) => m[0]);
}

function labelsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
}

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

describe('the Grafana dashboard (docker/grafana/aidp-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(join(DOCKER, 'grafana', 'aidp-dashboard.json'), 'utf8')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Panel[];
    templating: { list: { name: string; type: string; query: string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('is a dashboard Grafana 10 and later loads, with panels that each query Prometheus', () => {
    expect(dashboard.uid).toBe('aidp-workers');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(panels.length).toBeGreaterThanOrEqual(8);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of panels)
      expect({ panel: panel.title, queries: (panel.targets ?? []).length > 0 }).toEqual({ panel: panel.title, queries: true });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
  });

  it("finds AIDP's metrics in the work loop under the names the dashboard expects", () => {
    expect(
      aidpMetricsInCode()
        .map((m) => m.name)
        .sort(),
    ).toEqual([...AIDP_METRICS].sort());
  });

  it('queries only metrics the workers export, grouped by labels they carry', () => {
    const histograms = [
      ...SDK_HISTOGRAMS,
      ...aidpMetricsInCode()
        .filter((m) => m.histogram)
        .map((m) => m.name),
    ];
    const exported = new Set([
      ...SDK_METRICS.filter((name) => !histograms.includes(name)),
      ...aidpMetricsInCode()
        .filter((m) => !m.histogram)
        .map((m) => m.name),
      ...histograms.flatMap((name) => ['_bucket', '_sum', '_count'].map((suffix) => name + suffix)),
    ]);
    for (const { panel, expr } of exprs) {
      const names = metricsIn(expr);
      expect({ panel, expr, names: names.length > 0 }).toEqual({ panel, expr, names: true });
      for (const name of names) expect({ panel, name, exported: exported.has(name) }).toEqual({ panel, name, exported: true });
      for (const label of labelsIn(expr)) expect({ panel, label, known: LABELS.includes(label) }).toEqual({ panel, label, known: true });
    }
    // Quantiles come from a histogram's buckets, grouped by `le`.
    for (const { panel, expr } of exprs.filter((e) => e.expr.includes('histogram_quantile'))) {
      expect({ panel, expr }).toEqual({
        panel,
        expr: expect.stringMatching(/histogram_quantile\(0?\.\d+, sum by \(le\b[^)]*\) \(rate\([a-z_]+_bucket\[/),
      });
    }
  });

  it('shows every metric the guide lists and every metric of AIDP', () => {
    const used = new Set(exprs.flatMap((e) => metricsIn(e.expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const metric of [...SDK_METRICS, ...AIDP_METRICS]) expect({ metric, shown: used.has(metric) }).toEqual({ metric, shown: true });
    // Cost is summed from the histogram, latency read from its buckets.
    expect(exprs.map((e) => e.expr).join('\n')).toContain('aidp_agent_cost_usd_sum');
    expect(exprs.map((e) => e.expr).join('\n')).toContain('temporal_activity_execution_latency_bucket');
  });
});
