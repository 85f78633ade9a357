import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from 'clipanion';
import {
  checkAddress,
  checkEnvVarName,
  checkName,
  cloudAddressFor,
  ConfigError,
  currentTemporalSetup,
  DEFAULT_API_KEY_ENV,
  discoverConfig,
  ENVIRONMENT_VARIABLES,
  interpolateConfig,
  loadConfig,
  parseYamlText,
  resolveConfig,
  SETUP_MODES,
  updateTemporalSection,
  type AidpConfig,
  type CurrentTemporalSetup,
  type SetupMode,
  type SetupTls,
  type TemporalChange,
  type TemporalSetupAnswers,
} from '@aidp/config';
import { CliError } from '../errors.js';
import { paint, type Paint } from '../render.js';
import { PromptCancelled, Prompter, type Choice, type TextQuestion } from './prompt.js';
import { testConnection } from './verify.js';

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

export interface SetupContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Questions can be asked (stdin is a terminal). */
  interactive: boolean;
  colors: boolean;
}

/** The file the wizard writes. */
interface Target {
  path: string;
  /** As messages show it. */
  shown: string;
  exists: boolean;
  text: string;
}

const MODE_CHOICES: Choice<SetupMode>[] = [
  { value: 'local', label: 'Local dev server', hint: 'on this machine: aidp temporal dev, or temporal server start-dev' },
  { value: 'self-hosted', label: 'Self-hosted', hint: 'a Temporal cluster you run' },
  { value: 'cloud', label: 'Temporal Cloud', hint: 'with an API key or a client certificate' },
];

const TLS_CHOICES: Choice<SetupTls['kind']>[] = [
  { value: 'none', label: 'None', hint: 'plaintext' },
  { value: 'system', label: 'TLS', hint: "verified with the system's CA roots" },
  { value: 'ca', label: 'TLS with a private CA', hint: 'a CA certificate file (PEM)' },
  { value: 'mtls', label: 'mTLS', hint: 'a client certificate and key (PEM), and optionally a CA file' },
];

type CloudAuth = 'api-key' | 'mtls';
const CLOUD_AUTH_CHOICES: Choice<CloudAuth>[] = [
  { value: 'api-key', label: 'API key', hint: 'read from an environment variable; the key never goes into the file' },
  { value: 'mtls', label: 'mTLS', hint: 'a client certificate and key (PEM) registered with the namespace' },
];

/** Answers given as flags, checked. Paths are as the file will hold them. */
interface Preset {
  mode?: SetupMode;
  address?: string;
  namespace?: string;
  taskQueue?: string;
  tls?: SetupTls;
  apiKeyEnv?: string;
}

// ---------------------------------------------------------------------------------------------
// Paths: typed relative to the working directory, written relative to the config file (which is how
// the loader reads them), shown relative to the working directory again.

class Paths {
  constructor(
    private readonly cwd: string,
    private readonly fileDir: string,
  ) {}

  absolute(typed: string): string {
    const expanded = typed === '~' || typed.startsWith('~/') ? path.join(homedir(), typed.slice(1)) : typed;
    return path.resolve(this.cwd, expanded);
  }

  /** What goes into the file for a path the person typed. */
  written(typed: string): string {
    const absolute = this.absolute(typed);
    if (path.isAbsolute(typed) || typed.startsWith('~')) return absolute;
    return path.relative(this.fileDir, absolute) || '.';
  }

  /** A path from the file, as the person would type it. */
  shown(written: string): string {
    const absolute = path.resolve(this.fileDir, written);
    if (path.isAbsolute(written)) return written;
    const relative = path.relative(this.cwd, absolute);
    return relative === '' ? '.' : relative;
  }

  /** What is wrong with a path that must name a PEM file, or undefined. */
  problem(typed: string): string | undefined {
    const absolute = this.absolute(typed);
    if (!existsSync(absolute)) return `no file at ${absolute}: give the path of an existing file (relative paths start from ${this.cwd})`;
    if (!statSync(absolute).isFile()) return `${absolute} is not a file`;
    // Temporal reads PEM only; a DER file or the wrong file fails later with an OpenSSL message.
    if (!readFileSync(absolute, 'utf8').includes('-----BEGIN ')) return `${absolute} is not a PEM file (it has no "-----BEGIN" line)`;
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Questions, the same in both modes: on a terminal they are asked; without one, a flag or a default
// answers each, and a question with neither is a missing flag.

interface Asker {
  text(q: TextQuestion & { flag: string }): Promise<string>;
  file(q: { message: string; flag: string; default?: string | undefined; optional?: boolean; hint?: string }): Promise<string>;
  select<T>(q: { message: string; choices: readonly Choice<T>[]; default: T; flag: string; needsFlag?: boolean }): Promise<T>;
}

class TerminalAsker implements Asker {
  constructor(
    private readonly prompter: Prompter,
    private readonly paths: Paths,
  ) {}

  text(q: TextQuestion): Promise<string> {
    return this.prompter.text(q);
  }

  async file(q: { message: string; default?: string | undefined; optional?: boolean; hint?: string }): Promise<string> {
    const typed = await this.prompter.text({
      ...q,
      default: q.default === undefined ? undefined : this.paths.shown(q.default),
      validate: (answer) => this.paths.problem(answer),
    });
    return typed === '' ? '' : this.paths.written(typed);
  }

  select<T>(q: { message: string; choices: readonly Choice<T>[]; default: T }): Promise<T> {
    return this.prompter.select(q.message, q.choices, q.default);
  }
}

class FlagAsker implements Asker {
  readonly missing: string[] = [];

  async text(q: TextQuestion & { flag: string }): Promise<string> {
    if (q.default !== undefined) return q.default;
    if (!q.optional) this.missing.push(q.flag);
    return '';
  }

  async file(q: { flag: string; default?: string | undefined; optional?: boolean }): Promise<string> {
    return await this.text({ message: '', ...q });
  }

  async select<T>(q: { default: T; flag: string; needsFlag?: boolean }): Promise<T> {
    if (q.needsFlag) this.missing.push(q.flag);
    return q.default;
  }
}

/** The defaults: what the file says, where it fits the mode; else the usual values. */
async function gather(ask: Asker, preset: Preset, current: CurrentTemporalSetup): Promise<TemporalSetupAnswers> {
  const mode = preset.mode ?? (await ask.select({ message: 'Where does your Temporal server run?', choices: MODE_CHOICES, default: current.mode ?? 'local', flag: '--mode <local|self-hosted|cloud>', needsFlag: true }));
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
        default: (namespace === current.namespace ? keep(current.address) : undefined) ?? cloudAddressFor(namespace) ?? keep(current.address),
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
    namespace = preset.namespace ?? (await ask.text({ message: 'Namespace', default: keep(current.namespace) ?? 'default', validate: checkName, flag: '--namespace' }));
  }
  const taskQueue = preset.taskQueue ?? (await ask.text({ message: 'Task queue', default: current.taskQueue ?? 'aidp-workflows', validate: checkName, flag: '--task-queue' }));
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
  const kind = await ask.select({ message: 'How is the connection to the server secured?', choices: TLS_CHOICES, default: current?.kind ?? 'none', flag: '--tls, --tls-ca, --tls-cert/--tls-key or --no-tls' });
  if (kind === 'none') return { kind };
  const old = current as Partial<Extract<SetupTls, { kind: 'mtls' }>> | undefined;
  const serverName = async () => {
    const name = await ask.text({
      message: 'Server name to verify the certificate against',
      hint: 'Only when it differs from the host in the address ("none" for no override).',
      default: old?.serverName,
      optional: true,
      validate: (answer) => (/\s/.test(answer) ? 'a server name has no spaces' : undefined),
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
  const caFile = await ask.file({ message: 'CA certificate file (PEM)', hint: 'Only for a private CA ("none" to verify with the system\'s roots).', default: old?.caFile, optional: true, flag: '--tls-ca <file>' });
  return { kind, certFile, keyFile, ...(caFile ? { caFile } : {}), ...(await serverName()) };
}

/** The answers as defaults for another round of questions ("edit"). */
function asCurrent(answers: TemporalSetupAnswers): CurrentTemporalSetup {
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

// ---------------------------------------------------------------------------------------------
// Flags

function presetFromFlags(flags: SetupFlags, paths: Paths): Preset {
  const preset: Preset = {};
  const usage = (message: string) => new UsageError(message);
  if (flags.mode !== undefined) {
    if (!(SETUP_MODES as readonly string[]).includes(flags.mode)) throw usage(`--mode: expected one of ${SETUP_MODES.join(', ')}, got "${flags.mode}"`);
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
  if ((certFile === undefined) !== (keyFile === undefined)) throw usage('--tls-cert and --tls-key go together: a client certificate needs its key');
  const anyTlsFile = caFile !== undefined || certFile !== undefined || flags.tlsServerName !== undefined;
  if (flags.tls === false && anyTlsFile) throw usage('--no-tls cannot go with --tls-ca, --tls-cert, --tls-key or --tls-server-name');
  if (flags.tlsServerName !== undefined && (flags.tlsServerName === '' || /\s/.test(flags.tlsServerName))) {
    throw usage(`--tls-server-name: expected a host name, got ${JSON.stringify(flags.tlsServerName)}`);
  }
  const serverName = flags.tlsServerName !== undefined ? { serverName: flags.tlsServerName } : {};
  if (certFile !== undefined && keyFile !== undefined) preset.tls = { kind: 'mtls', certFile, keyFile, ...(caFile !== undefined ? { caFile } : {}), ...serverName };
  else if (caFile !== undefined) preset.tls = { kind: 'ca', caFile, ...serverName };
  else if (flags.tls === true || flags.tlsServerName !== undefined) preset.tls = { kind: 'system', ...serverName };
  else if (flags.tls === false) preset.tls = { kind: 'none' };

  const usesTls = preset.tls !== undefined && preset.tls.kind !== 'none';
  if (preset.mode === 'local' && (usesTls || preset.apiKeyEnv !== undefined)) {
    throw usage('--mode local: the local dev server takes no TLS or API key flags');
  }
  if (preset.mode === 'self-hosted' && preset.apiKeyEnv !== undefined) throw usage('--api-key-env is for --mode cloud');
  if (preset.mode === 'cloud') {
    if (preset.apiKeyEnv !== undefined && usesTls) throw usage('--mode cloud: give --api-key-env, or --tls-cert and --tls-key, not both');
    if (usesTls && preset.tls?.kind !== 'mtls') throw usage('--mode cloud: Temporal Cloud uses --api-key-env <NAME>, or --tls-cert and --tls-key');
  }
  return preset;
}

// ---------------------------------------------------------------------------------------------
// The file

const YAML_FILE = /(?:\.ya?ml|^\.aidprc)$/;

async function findTarget(flags: SetupFlags, ctx: SetupContext): Promise<Target> {
  let file: string;
  if (flags.configFile !== undefined && flags.configFile !== '') {
    file = path.resolve(ctx.cwd, flags.configFile);
  } else {
    const found = await discoverConfig({ cwd: ctx.cwd, env: ctx.env });
    file = found?.filepath ?? path.join(ctx.cwd, 'aidp.yml');
  }
  const relative = path.relative(ctx.cwd, file);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  const exists = existsSync(file);
  if (exists && !statSync(file).isFile()) throw new CliError(`${shown} is not a file`);
  if (exists && !YAML_FILE.test(path.basename(file))) {
    throw new CliError(
      `aidp temporal setup edits YAML files, and the configuration in use is ${shown}. Edit its temporal section by hand, or pass --config aidp.yml to write a YAML file instead.`,
    );
  }
  return { path: file, shown, exists, text: exists ? await readFile(file, 'utf8') : '' };
}

/** The variables that would override the file's temporal keys; the wizard tests the file itself. */
const TEMPORAL_VARIABLES = ENVIRONMENT_VARIABLES.filter((spec) => spec.keyPath.startsWith('temporal.'));

/**
 * The configuration the new text gives. `${VAR}`s are expanded with the real environment, then the
 * TEMPORAL_* overrides are left out, so the test connects with what the file says. An API key
 * variable that is not set is stood in for, so the rest can still be checked.
 */
function candidate(text: string, target: Target, ctx: SetupContext, keyVariable: string | undefined): AidpConfig {
  const env = keyVariable !== undefined && !ctx.env[keyVariable] ? { ...ctx.env, [keyVariable]: 'unset' } : ctx.env;
  const data = parseYamlText(text, target.shown);
  const expanded = interpolateConfig(data, env, target.shown);
  if (expanded.issues.length > 0) throw new ConfigError(expanded.issues);
  const fileOnly = { ...env };
  for (const spec of TEMPORAL_VARIABLES) if (spec.variable !== keyVariable) delete fileOnly[spec.variable];
  // resolveConfig interpolates again: a "${" that is now literal text must stay literal.
  return resolveConfig(escapeReferences(expanded.value), { filepath: target.path, cwd: ctx.cwd, env: fileOnly }).config;
}

function escapeReferences(value: unknown): unknown {
  // A function, because "$$" in a replacement string means one "$".
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeReferences);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeReferences(item)]));
  }
  return value;
}

function summary(changes: TemporalChange[], target: Target, c: Paint): string[] {
  const lines = [`Changes to ${target.shown}${target.exists ? '' : ' (a new file)'}:`];
  for (const change of changes) {
    if (change.before === undefined) lines.push(`  ${c.green('+')} ${change.key}: ${change.after}`);
    else if (change.after === undefined) lines.push(`  ${c.red('-')} ${change.key} (was ${change.before})`);
    else lines.push(`  ${c.yellow('~')} ${change.key}: ${change.before} → ${change.after}`);
  }
  if (target.exists) lines.push('Nothing else in the file changes.');
  return lines;
}

// ---------------------------------------------------------------------------------------------

/**
 * `aidp temporal setup`: asks (or takes from flags) where Temporal runs, tests the connection, shows
 * what changes and writes the temporal section of aidp.yml. Returns the exit code.
 */
export async function runSetup(flags: SetupFlags, ctx: SetupContext): Promise<number> {
  const c = paint(ctx.colors);
  let started = false;
  // A blank line separates parts of the output; none before the first.
  const out = (line = '') => {
    if (line === '' && !started) return;
    started = true;
    ctx.stdout.write(`${line}\n`);
  };
  const target = await findTarget(flags, ctx);
  const current = currentTemporalSetup(target.text);
  const paths = new Paths(ctx.cwd, path.dirname(target.path));
  const preset = presetFromFlags(flags, paths);

  let prompter: Prompter | undefined;
  let answers: TemporalSetupAnswers;
  if (ctx.interactive) {
    prompter = new Prompter(ctx.stdin, ctx.stdout, c);
    out(c.bold('Set up Temporal for AIDP'));
    out(`Answers go into the temporal section of ${target.shown}${target.exists ? '; nothing else in the file changes' : ' (a new file)'}.`);
    out(c.dim('Enter takes the [default]. Ctrl+C quits without writing anything.'));
    out();
  }
  if (current.apiKeyIsLiteral) {
    out(c.yellow(`Note: ${target.shown} holds an API key in clear text (temporal.api_key); setup replaces it, since keys belong in environment variables.`));
  }
  if (current.enabled === false) {
    out(c.yellow(`Note: temporal.enabled is false in ${target.shown}, so AIDP runs work without Temporal until you set it to true.`));
  }

  try {
    if (prompter) {
      answers = await gather(new TerminalAsker(prompter, paths), preset, current);
    } else {
      const flagsOnly = new FlagAsker();
      answers = await gather(flagsOnly, preset, current);
      const missing = [...flagsOnly.missing, ...(flags.yes ? [] : ['--yes'])];
      if (missing.length > 0) {
        throw new UsageError(`not on a terminal, so every answer must come from flags; missing: ${missing.join(', ')}`);
      }
    }

    let noted: TemporalSetupAnswers | undefined;
    for (;;) {
      const { text, changes } = updateTemporalSection(target.text, answers);
      const keyVariable = answers.apiKeyEnv;
      const keyMissing = keyVariable !== undefined && !ctx.env[keyVariable];
      const config = candidate(text, target, ctx, keyVariable);
      if (prompter) out();
      if (noted !== answers) {
        noted = answers;
        notes(answers, target, ctx, c, out);
      }

      if (flags.verify) {
        const tested = await verify(config, answers, keyMissing ? keyVariable : undefined, ctx, c, out);
        if (!tested) {
          if (!prompter) {
            ctx.stderr.write(`Nothing was written to ${target.shown} (--no-verify saves without testing).\n`);
            return 1;
          }
          const next = await prompter.select<'retry' | 'edit' | 'save' | 'quit'>(
            'What now?',
            [
              { value: 'retry', label: 'Retry', hint: 'test the connection again' },
              { value: 'edit', label: 'Edit', hint: 'change the answers' },
              { value: 'save', label: 'Save anyway', hint: 'write the settings without a working connection' },
              { value: 'quit', label: 'Quit', hint: 'write nothing' },
            ],
            answers.mode === 'local' ? 'retry' : 'edit',
          );
          if (next === 'quit') {
            out(`Nothing was written to ${target.shown}.`);
            return 1;
          }
          if (next === 'edit') {
            out();
            answers = await gather(new TerminalAsker(prompter, paths), {}, asCurrent(answers));
            continue;
          }
          if (next === 'retry') continue;
        }
      }

      out();
      if (changes.length === 0) {
        out(`${target.shown} already has these settings; nothing to write.`);
        return 0;
      }
      for (const line of summary(changes, target, c)) out(line);
      if (!flags.yes && prompter && !(await prompter.confirm(`Write these changes to ${target.shown}?`))) {
        out(`Nothing was written to ${target.shown}.`);
        return 1;
      }
      // Ctrl+C while the connection was tested: honour it even though no question was open.
      if (prompter?.cancelled) throw new PromptCancelled();
      await mkdir(path.dirname(target.path), { recursive: true });
      await writeFile(target.path, text);
      await checkSaved(target, ctx, keyMissing ? keyVariable : undefined);
      out();
      out(`${c.green('✔')} Saved ${target.shown}; it loads cleanly (aidp temporal config shows every value and where it comes from).`);
      for (const line of nextSteps(answers, flags, keyMissing ? keyVariable : undefined)) out(line);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof PromptCancelled)) throw error;
    out();
    out(`Setup cancelled; nothing was written to ${target.shown}.`);
    return 1;
  } finally {
    prompter?.close();
  }
}

/** What the person should know about the environment before the file is written. */
function notes(answers: TemporalSetupAnswers, target: Target, ctx: SetupContext, c: Paint, out: (line: string) => void): void {
  const keyVariable = answers.apiKeyEnv;
  const say = (line: string) => out(`${c.yellow('Note:')} ${line}`);
  if (keyVariable !== undefined && !ctx.env[keyVariable]) {
    say(`${keyVariable} is not set here. Set it wherever AIDP runs (export ${keyVariable}=<your key>); the key itself stays out of ${target.shown}.`);
  }
  for (const spec of TEMPORAL_VARIABLES) {
    if (spec.variable !== keyVariable && ctx.env[spec.variable]) {
      say(`${spec.variable} is set here, and overrides ${spec.keyPath} from ${target.shown} whenever AIDP runs with it.`);
    }
  }
}

/** Tests the connection and says how it went; true when it works. */
async function verify(
  config: AidpConfig,
  answers: TemporalSetupAnswers,
  unsetKeyVariable: string | undefined,
  ctx: SetupContext,
  c: Paint,
  out: (line: string) => void,
): Promise<boolean> {
  const where = `${answers.address}, namespace ${answers.namespace}`;
  // Without a terminal a failure is an error, for stderr; on one it is part of the conversation.
  const say = (line: string) => (ctx.interactive ? out(line) : ctx.stderr.write(`${line}\n`));
  if (unsetKeyVariable !== undefined) {
    say(`${c.red('✖')} Cannot test the connection: ${unsetKeyVariable} is not set, so there is no API key to sign in with.`);
    say(`  Set it (export ${unsetKeyVariable}=<your key>) and run setup again to test, or save without testing.`);
    return false;
  }
  out(`Testing the connection to ${where}...`);
  const result = await testConnection(config, ctx.env);
  if (result.ok) {
    out(`${c.green('✔')} Connected to ${answers.address}; namespace ${answers.namespace} is there.`);
    return true;
  }
  if (answers.mode === 'local' && result.unreachable) {
    say(`${c.red('✖')} Nothing answers at ${answers.address}: no Temporal dev server is running there.`);
    say('  Start one with: aidp temporal dev   (a dev server with its Web UI, and a worker)');
    say('  The settings can be saved now and the server started later.');
    return false;
  }
  say(`${c.red('✖')} ${result.message}`);
  return false;
}

async function checkSaved(target: Target, ctx: SetupContext, unsetKeyVariable: string | undefined): Promise<void> {
  const env = unsetKeyVariable !== undefined ? { ...ctx.env, [unsetKeyVariable]: 'unset' } : ctx.env;
  try {
    await loadConfig({ cwd: ctx.cwd, configFile: target.path, env });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`wrote ${target.shown}, but it does not load:\n${reason}`);
  }
}

function nextSteps(answers: TemporalSetupAnswers, flags: SetupFlags, unsetKeyVariable: string | undefined): string[] {
  const config = flags.configFile !== undefined && flags.configFile !== '' ? ` --config ${flags.configFile}` : '';
  const lines = ['', 'Next steps:'];
  if (unsetKeyVariable !== undefined) lines.push(`  export ${unsetKeyVariable}=<your key>   where AIDP runs`);
  if (answers.mode === 'local') {
    lines.push(`  aidp temporal dev${config}      start a local dev server (Web UI included) and a worker`);
    lines.push(`  aidp temporal worker${config}   or, with a server already running, just a worker`);
  } else {
    lines.push(`  aidp temporal worker${config}   run a worker for ${answers.address}`);
  }
  lines.push(`  aidp temporal config${config}   show the resolved configuration`);
  return lines;
}
