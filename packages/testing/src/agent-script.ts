import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What the scripted agent does in one iteration (see bin/scripted-agent.js). */
export interface AgentStep {
  write?: Record<string, string>;
  remove?: string[];
  exitCode?: number;
  sleepMs?: number;
  crash?: boolean;
  spawnChild?: boolean;
  say?: string;
  complete?: boolean;
  /** Print NAME=value of every environment variable it got, into its output and so its log. */
  printEnv?: boolean;
  cost?: { usd: number; inputTokens: number; outputTokens: number };
}

/** One invocation of the scripted agent, as it recorded it. */
export interface AgentInvocation {
  iteration: number;
  model: string | null;
  argv: string[];
  cwd: string;
  pid: number;
  childPid: number | null;
  stdinMatchesPromptFile: boolean | null;
  prompt: string;
  env: string[];
  startedAt: number;
}

/** The path of the scripted agent executable. */
export const SCRIPTED_AGENT = resolve(__dirname, '..', 'bin', 'scripted-agent.js');

export interface ScriptedAgent {
  /** The `agent.command` argv template that runs this script. */
  command: string[];
  /** Every invocation so far, in order. */
  invocations(): AgentInvocation[];
}

/** Writes an agent script and returns the argv template to run it and a reader of its record. */
/** A step chosen by what the prompt says (a regex found in it), before iterations and default. */
export interface AgentRule {
  match: string;
  iteration?: number;
  step: AgentStep;
}

export function scriptAgent(steps: { iterations?: Record<number, AgentStep>; default?: AgentStep; rules?: AgentRule[] }): ScriptedAgent {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-agent-'));
  const record = join(dir, 'record.jsonl');
  const scriptPath = join(dir, 'script.json');
  writeFileSync(scriptPath, JSON.stringify({ ...steps, record }, null, 2));
  return {
    command: [process.execPath, SCRIPTED_AGENT, '--script', scriptPath, '--prompt-file', '{promptFile}', '--model', '{model}'],
    invocations: () =>
      existsSync(record)
        ? readFileSync(record, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as AgentInvocation)
        : [],
  };
}
