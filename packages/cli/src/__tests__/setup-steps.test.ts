import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { UsageError } from 'clipanion';
import type { CurrentTemporalSetup } from '../setup/answers';
import { FlagAsker } from '../setup/askers';
import { SetupPaths } from '../setup/file-paths';
import { presetFromFlags, type SetupFlags } from '../setup/flags';
import { nextSteps } from '../setup/messages';
import { askAnswers, type Asker, type FileAsk, type SelectAsk, type TextAsk } from '../setup/questions';
import { runSetup } from '../setup/wizard';

// The steps of `aidp temporal setup` without a terminal: the questions answered by a script, the
// flags turned into answers, and the hints printed at the end.

/** Answers questions from a script, keyed by their message; records what was asked, with its default. */
class ScriptedAsker implements Asker {
  readonly asked: { message: string; default: unknown }[] = [];
  constructor(private readonly script: Record<string, unknown>) {}

  private answer(message: string, fallback: unknown): unknown {
    return message in this.script ? this.script[message] : fallback;
  }

  text(q: TextAsk): string {
    this.asked.push({ message: q.message, default: q.default });
    const answer = this.answer(q.message, q.default ?? '') as string;
    const problem = q.validate?.(answer);
    if (problem) throw new Error(`${q.message}: ${problem}`);
    return answer;
  }

  file(q: FileAsk): string {
    this.asked.push({ message: q.message, default: q.default });
    return this.answer(q.message, q.default ?? '') as string;
  }

  select<T>(q: SelectAsk<T>): T {
    this.asked.push({ message: q.message, default: q.default });
    return this.answer(q.message, q.default) as T;
  }
}

const MODE = 'Where does your Temporal server run?';
const KEY_VARIABLE = 'Environment variable that holds the API key';
const NOTHING: CurrentTemporalSetup = { configured: false, apiKeyIsLiteral: false };

describe('the questions of temporal setup', () => {
  it('offers the local dev server defaults when the file has no temporal section', async () => {
    const ask = new ScriptedAsker({});
    const answers = await askAnswers(ask, {}, NOTHING);
    expect(answers).toEqual({
      mode: 'local',
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'aidp-workflows',
      tls: { kind: 'none' },
    });
    expect(ask.asked.map((q) => q.message)).toEqual([
      'Where does your Temporal server run?',
      'Temporal server address (host:port)',
      'Namespace',
      'Task queue',
    ]);
  });

  it('derives the Cloud endpoint from the namespace and asks for the API key variable, not the key', async () => {
    const ask = new ScriptedAsker({ [MODE]: 'cloud', Namespace: 'prod.a1b2c', [KEY_VARIABLE]: '$PROD_KEY' });
    const answers = await askAnswers(ask, {}, NOTHING);
    expect(answers).toMatchObject({ mode: 'cloud', address: 'prod.a1b2c.tmprl.cloud:7233', apiKeyEnv: 'PROD_KEY', tls: { kind: 'none' } });
    expect(ask.asked.find((q) => q.message === 'Endpoint (host:port)')?.default).toBe('prod.a1b2c.tmprl.cloud:7233');
  });

  it('refuses a pasted API key in place of a variable name', async () => {
    const ask = new ScriptedAsker({ [MODE]: 'cloud', Namespace: 'prod.a1b2c', [KEY_VARIABLE]: 'eyJhbGciOiJFUzI1NiJ9.payload' });
    await expect(askAnswers(ask, {}, NOTHING)).rejects.toThrow(/looks like an API key itself/);
  });

  it('keeps what the file says as defaults only for the same mode', async () => {
    const file = {
      mode: 'self-hosted',
      address: 'old.internal:7233',
      namespace: 'team-a',
      taskQueue: 'q',
      tls: { kind: 'system' },
    } as const;
    const current: CurrentTemporalSetup = { configured: true, ...file, apiKeyIsLiteral: false };
    expect(await askAnswers(new ScriptedAsker({}), {}, current)).toEqual(file);
    const local = new ScriptedAsker({ [MODE]: 'local' });
    expect(await askAnswers(local, {}, current)).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'q' });
  });

  it('asks nothing a flag answered, and without a terminal names the flags still missing', async () => {
    const flagsOnly = new FlagAsker();
    await askAnswers(flagsOnly, { mode: 'self-hosted' }, NOTHING);
    expect(flagsOnly.missing).toEqual(['--address <host:port>']);
    const cloud = new FlagAsker();
    await askAnswers(cloud, { mode: 'cloud', namespace: 'prod.a1b2c' }, NOTHING);
    expect(cloud.missing).toEqual(['--api-key-env <NAME> (or --tls-cert and --tls-key)']);
  });
});

describe('the flags of temporal setup', () => {
  const paths = new SetupPaths(tmpdir(), tmpdir());
  const flags = (extra: Partial<SetupFlags>): SetupFlags => ({ verify: true, yes: true, ...extra });

  it('turns flags into answers', () => {
    const cloud = presetFromFlags(flags({ mode: 'cloud', namespace: 'prod.a1b2c', apiKeyEnv: '${PROD_KEY}' }), paths);
    expect(cloud).toEqual({ mode: 'cloud', namespace: 'prod.a1b2c', apiKeyEnv: 'PROD_KEY' });
    expect(presetFromFlags(flags({ tls: true, tlsServerName: 'temporal' }), paths)).toEqual({
      tls: { kind: 'system', serverName: 'temporal' },
    });
  });

  it.each([
    [{ mode: 'remote' }, '--mode: expected one of local, self-hosted, cloud, got "remote"'],
    [{ address: 'no-port' }, '--address: expected an address'],
    [{ mode: 'local', tls: true }, '--mode local: the local dev server takes no TLS or API key flags'],
    [{ mode: 'self-hosted', apiKeyEnv: 'KEY' }, '--api-key-env is for --mode cloud'],
    [{ tls: false, tlsServerName: 'x' }, '--no-tls cannot go with'],
  ] as [Partial<SetupFlags>, string][])('refuses %j as a usage error', (given, message) => {
    const attempt = () => presetFromFlags(flags(given), paths);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});

/** The words a POSIX shell makes of `line`. */
function wordsOf(line: string): string[] {
  const out = execFileSync('sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('the next steps after temporal setup', () => {
  const local = {
    mode: 'local',
    address: 'localhost:7233',
    namespace: 'default',
    taskQueue: 'aidp-workflows',
    tls: { kind: 'none' },
  } as const;

  it('quotes a --config path with a space so the hint can be pasted as it is', () => {
    const lines = nextSteps(local, 'my project/aidp.yml', undefined);
    expect(lines).toContain(
      "  aidp temporal dev --config 'my project/aidp.yml'      start a local dev server (Web UI included) and a worker",
    );
    const command = lines
      .find((line) => line.includes('temporal config'))!
      .split('   ')[0]!
      .trim();
    expect(wordsOf(command)).toEqual(['aidp', 'temporal', 'config', '--config', 'my project/aidp.yml']);
  });

  it('leaves a plain path and no path as they were', () => {
    const plain = nextSteps(local, 'deploy/aidp.yml', undefined);
    expect(plain).toContain('  aidp temporal worker --config deploy/aidp.yml   or, with a server already running, just a worker');
    expect(nextSteps(local, undefined, undefined)).toContain('  aidp temporal config   show the resolved configuration');
  });

  it('prints the quoted hints after saving a file whose path has a space', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aidp-setup-steps-'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = '';
    stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const code = await runSetup(
      { configFile: 'my project/aidp.yml', mode: 'local', verify: false, yes: true },
      { cwd, env: {}, stdin: new PassThrough(), stdout, stderr, interactive: false, colors: false },
    );
    expect(code).toBe(0);
    expect(readFileSync(join(cwd, 'my project', 'aidp.yml'), 'utf8')).toContain('target_host: localhost:7233');
    expect(printed).toContain('Saved my project/aidp.yml; it loads cleanly');
    expect(printed).toContain("  aidp temporal dev --config 'my project/aidp.yml'");
  });
});
