// The real agent CLIs in a test: each one's own configuration written into a HOME of the test's
// own, pointed at the scripted model server on 127.0.0.1 with a dummy key, and an `aidp temporal
// worker` process running it through AIDP's adapter. One table says, per CLI, how it is pointed at a
// gateway — the same settings docs/agents.md gives users.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { agentCli, type AgentCliName } from './agent-clis.js';
import type { ModelServer } from './model-server/index.js';
import { temporalAddress, uniqueName } from './temporal.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** Dummy keys: real-looking, never valid anywhere, searched for in histories and logs by the tests. */
export const DUMMY_KEYS = {
  claude: 'sk-ant-api03-aidpDummyKeyForTheScriptedServer0000',
  codex: 'sk-proj-aidpDummyKeyForTheScriptedServer0000',
  gemini: 'AIzaSyAidpDummyKeyForTheScriptedServer000',
  opencode: 'sk-proj-aidpDummyKeyForTheScriptedServer1111',
  copilot: 'sk-proj-aidpDummyKeyForTheScriptedServer2222',
} as const satisfies Record<AgentCliName, string>;

/** How one CLI is set up for a test. */
export interface RealAgentProfile {
  provider: AgentCliName;
  /** Two tiers, cheapest first: models the CLI knows. */
  tiers: [string, string];
  /**
   * The model names the requests carry for each tier (opencode sends `gpt-5` for `openai/gpt-5`).
   */
  wireModels: [string, string];
  /** Writes the CLI's configuration under `home`; returns the variables the worker needs for it. */
  prepare(home: string, server: ModelServer): Record<string, string>;
  /** Variable names, besides the adapter's credentials, the agent must get (`agent.env`). */
  agentEnv: string[];
}

export const REAL_AGENTS: Record<AgentCliName, RealAgentProfile> = {
  claude: {
    provider: 'claude',
    // `opus` is an alias Claude Code resolves itself (to claude-opus-5-5 in 2.1.328): the model it
    // reports is not the tier's name.
    tiers: ['claude-haiku-4-5', 'opus'],
    wireModels: ['claude-haiku-4-5', 'claude-opus-5-5'],
    prepare: (_home, server) => ({
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: DUMMY_KEYS.claude,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // One retry of its own, so a refused request reaches AIDP in seconds rather than minutes.
      CLAUDE_CODE_MAX_RETRIES: '1',
    }),
    agentEnv: ['DISABLE_TELEMETRY', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'CLAUDE_CODE_MAX_RETRIES'],
  },
  codex: {
    provider: 'codex',
    // gpt-5.5 is in codex's model catalog and gets its apply_patch tool; gpt-5.4 is not (codex
    // falls back to generic metadata and offers only its shell, exec_command). Newer catalog models
    // carry their tools another way, which the scripted server does not speak.
    tiers: ['gpt-5.5', 'gpt-5.4'],
    wireModels: ['gpt-5.5', 'gpt-5.4'],
    prepare: (home, server) => {
      const codexHome = join(home, '.codex');
      mkdirSync(codexHome, { recursive: true });
      // A model provider of its own rather than `openai_base_url`: the same base URL, and
      // `supports_websockets = false` spares the WebSocket attempts codex makes first.
      writeFileSync(
        join(codexHome, 'config.toml'),
        [
          'model_provider = "gateway"',
          '',
          '[model_providers.gateway]',
          'name = "Gateway"',
          `base_url = "${server.url}/v1"`,
          'env_key = "OPENAI_API_KEY"',
          'wire_api = "responses"',
          'supports_websockets = false',
          'request_max_retries = 1',
          'stream_max_retries = 1',
          '',
        ].join('\n'),
      );
      return { CODEX_HOME: codexHome, OPENAI_API_KEY: DUMMY_KEYS.codex };
    },
    agentEnv: [],
  },
  gemini: {
    provider: 'gemini',
    tiers: ['gemini-2.5-flash', 'gemini-2.5-pro'],
    wireModels: ['gemini-2.5-flash', 'gemini-2.5-pro'],
    prepare: (home, server) => {
      mkdirSync(join(home, '.gemini'), { recursive: true });
      writeFileSync(
        join(home, '.gemini', 'settings.json'),
        `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }, null, 2)}\n`,
      );
      // No folder trust here: the adapter must make the worktree usable by itself.
      return { GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_API_KEY: DUMMY_KEYS.gemini };
    },
    agentEnv: [],
  },
  opencode: {
    provider: 'opencode',
    tiers: ['openai/gpt-5-mini', 'openai/gpt-5'],
    wireModels: ['gpt-5-mini', 'gpt-5'],
    prepare: (home, server) => {
      mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'opencode', 'opencode.json'),
        `${JSON.stringify({ $schema: 'https://opencode.ai/config.json', provider: { openai: { options: { baseURL: `${server.url}/v1` } } } }, null, 2)}\n`,
      );
      return { OPENAI_API_KEY: DUMMY_KEYS.opencode };
    },
    agentEnv: [],
  },
  copilot: {
    provider: 'copilot',
    // A model provider of the user's own (BYOK) over Chat Completions: any model name goes through.
    tiers: ['gpt-5-mini', 'gpt-5'],
    wireModels: ['gpt-5-mini', 'gpt-5'],
    prepare: (home, server) => ({
      COPILOT_HOME: join(home, '.copilot'),
      // No GitHub account: only the provider below.
      COPILOT_OFFLINE: 'true',
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_PROVIDER_BASE_URL: `${server.url}/v1`,
      COPILOT_PROVIDER_API_KEY: DUMMY_KEYS.copilot,
      COPILOT_PROVIDER_WIRE_API: 'completions',
    }),
    agentEnv: [],
  },
};

/** A worker process running one real CLI, on a task queue of its own. */
export interface RealAgentWorker {
  profile: RealAgentProfile;
  taskQueue: string;
  /** The test's HOME: the CLI's configuration, sessions and logs. */
  home: string;
  configFile: string;
  /** The raw configuration written to `configFile`, for `testConfig`. */
  raw: Record<string, unknown>;
  /** Variables the worker runs with (the dummy key among them). */
  env: Record<string, string>;
  worker: WorkerProcess;
}

export interface RealAgentWorkerOptions {
  /** `agent.timeout`, seconds (default 60). */
  agentTimeout?: number;
  /** Tiers other than the profile's. */
  tiers?: string[];
  maxIterations?: number;
}

/**
 * Installs (once) and finds the CLI, writes its configuration into a fresh HOME, writes an aidp.yml
 * and starts `aidp temporal worker` with that HOME and the CLI first on PATH; resolves once it polls.
 */
export async function startRealAgentWorker(
  cli: AgentCliName,
  server: ModelServer,
  options: RealAgentWorkerOptions = {},
): Promise<RealAgentWorker> {
  const profile = REAL_AGENTS[cli];
  const bin = await agentCli(cli);
  const dir = mkdtempSync(join(tmpdir(), `aidp-real-${cli}-`));
  const home = join(dir, 'home');
  mkdirSync(home);
  const taskQueue = uniqueName(`real-${cli}`);
  const raw = {
    temporal: {
      target_host: temporalAddress(),
      task_queue: taskQueue,
      timeouts: { activity_heartbeat: 10 },
      // A rate-limited run is retried once by Temporal, a second after the first.
      retry: { initial_interval: 1, maximum_interval: 2, maximum_attempts: 2 },
      worker: { shutdown_grace_period: 1 },
    },
    agent: {
      provider: profile.provider,
      tiers: options.tiers ?? profile.tiers,
      timeout: options.agentTimeout ?? 60,
      env: profile.agentEnv,
    },
    work_loop: {
      checks: [{ name: 'test', command: 'node --test test/', timeout: 60 }],
      max_iterations: options.maxIterations ?? 4,
      escalate_after: 10,
    },
    metrics: { enabled: false },
  };
  const configFile = join(dir, 'aidp.yml');
  // JSON is YAML.
  writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
  const env = {
    HOME: home,
    // The CLI's folder first; the Node running the tests next, for the CLIs' `#!/usr/bin/env node`.
    PATH: [dirname(bin), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    ...profile.prepare(home, server),
  };
  const worker = startWorkerProcess(configFile, env);
  await worker.polling;
  return { profile, taskQueue, home, configFile, raw, env, worker };
}
