// What the scripted model server answers, decided the same way for every provider API: each API's
// request is read into a `Conversation` (its messages reduced to roles and text, the tools it offers),
// the script picks the step for it, and the step's tool actions are translated into the tools that
// agent actually offered.

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ModelScript, ScriptedStep, ServedUsage, ToolAction } from './types.js';

/** A message of the conversation, reduced to what the script needs. */
export interface ConversationMessage {
  /** `tool`: a message carrying only tool results. */
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
}

/** A provider request, read into one shape. */
export interface Conversation {
  model: string;
  stream: boolean;
  /** Tool names the request offers. */
  tools: string[];
  /** Names of the tools offered as freeform (custom) tools rather than JSON functions. */
  freeformTools: string[];
  messages: ConversationMessage[];
  /** A JSON schema the answer must follow (structured output), when the request gives one. */
  responseSchema?: unknown;
}

/** A tool call as the server emits it, before the API's own framing. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON arguments, or the raw input of a freeform tool. */
  input: Record<string, unknown> | string;
}

/** What one response carries. */
export interface Reply {
  text: string;
  toolCalls: ToolCall[];
  usage: ServedUsage;
}

const ITERATION = /Iteration (\d+) of \d+/;
const ITERATION_ALL = new RegExp(ITERATION.source, 'g');

export const DEFAULT_USAGE: ServedUsage = { inputTokens: 1200, cachedInputTokens: 400, outputTokens: 60 };

/** Where the script is for one request. */
export interface Position {
  kind: 'turn' | 'side';
  run: number | null;
  step: number;
  /** The iterations whose prompts the conversation carries: more than one in a resumed session. */
  prompts: number[];
}

/**
 * The run a request belongs to and how far into it: the last message carrying an `Iteration N of M`
 * line is the run's prompt; every assistant turn after it is a step already taken. A request that
 * offers no tools is a side request (titles, summaries, next-speaker checks).
 */
export function position(conversation: Conversation): Position {
  const messages = conversation.messages;
  const prompts = messages
    .filter((m) => m.role === 'user')
    .flatMap((m) => [...m.text.matchAll(ITERATION_ALL)].map((match) => Number(match[1])));
  if (conversation.tools.length === 0) return { kind: 'side', run: null, step: 0, prompts };
  let promptAt = -1;
  let run: number | null = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'user') continue;
    // The last one: a CLI may merge the prompt of a run that got no answer with the next run's.
    const matches = [...message.text.matchAll(ITERATION_ALL)];
    const match = matches[matches.length - 1];
    if (match) {
      promptAt = i;
      run = Number(match[1]);
      break;
    }
  }
  if (promptAt < 0) {
    // No AIDP prompt: the run starts at the last user message that is not only tool results.
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!.role === 'user') {
        promptAt = i;
        break;
      }
    }
  }
  const step = messages.slice(promptAt + 1).filter((m) => m.role === 'assistant').length;
  return { kind: 'turn', run, step, prompts };
}

/** The agent's working directory, as its own system prompt or context states it. */
export function workingDirectory(conversation: Conversation): string | undefined {
  const text = conversation.messages.map((m) => m.text).join('\n');
  const patterns = [
    /Primary working directory: (\S+)/,
    /<cwd>([^<]+)<\/cwd>/,
    /Workspace Directories:\*\*\n\s*- (\S+)/,
    /Working directory: (\S+)/,
    /working directory[^/\n]*?(\/\S+)/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[1]!.trim();
  }
  return undefined;
}

/** The tool dialect of the agent, from the tools it offers. */
type Dialect = 'claude' | 'gemini' | 'patch' | 'opencode-write' | 'shell-only';

function dialectOf(tools: string[]): Dialect {
  if (tools.includes('Write')) return 'claude';
  if (tools.includes('write_file')) return 'gemini';
  if (tools.includes('apply_patch')) return 'patch';
  if (tools.includes('write')) return 'opencode-write';
  return 'shell-only';
}

/**
 * The steps of a run in this agent's dialect. Claude Code's Write and opencode's write refuse to
 * replace a file the conversation has not read, so each write is preceded by a step that reads it
 * (always, so that step numbers do not depend on which files exist).
 */
export function expandSteps(steps: ScriptedStep[], tools: string[]): ScriptedStep[] {
  const dialect = dialectOf(tools);
  if (dialect !== 'claude' && dialect !== 'opencode-write') return steps;
  const out: ScriptedStep[] = [];
  for (const step of steps) {
    const writes = (step.tools ?? []).filter((a): a is Extract<ToolAction, { write: unknown }> => 'write' in a);
    const errsAlways = step.error !== undefined && step.errorTimes === undefined;
    if (writes.length === 0 || errsAlways || step.cut) {
      out.push(step);
      continue;
    }
    // The read comes first, and so does a scripted error that gives way: the write then follows.
    const { error, errorTimes, delayMs, ...rest } = step;
    out.push({
      tools: writes.map((w) => ({ read: w.write.path })),
      ...(step.usage ? { usage: step.usage } : {}),
      ...(error ? { error, errorTimes } : {}),
      ...(delayMs ? { delayMs } : {}),
    });
    out.push(rest);
  }
  return out;
}

/** The step a request gets, and where it is. */
export function stepFor(script: ModelScript, conversation: Conversation): { position: Position; step: ScriptedStep } {
  const where = position(conversation);
  if (where.kind === 'side') return { position: where, step: script.side ?? { text: 'Scripted answer' } };
  const planned = (where.run !== null ? script.runs?.[where.run] : undefined) ?? script.default ?? [{ text: 'Done.' }];
  const steps = expandSteps(planned, conversation.tools);
  const step = steps[Math.min(where.step, steps.length - 1)] ?? { text: 'Done.' };
  return { position: where, step };
}

export function usageOf(script: ModelScript, step: ScriptedStep): ServedUsage {
  return { ...DEFAULT_USAGE, ...script.usage, ...step.usage };
}

function resolvePath(path: string, cwd: string | undefined): string {
  return isAbsolute(path) || !cwd ? path : join(cwd, path);
}

/**
 * A patch in the apply_patch format (codex's, which opencode shares): a new file is added; an existing
 * one is updated by one hunk replacing all its lines, which applies exactly to the file as it is now.
 */
export function patchFor(path: string, content: string, cwd: string | undefined): string {
  const absolute = resolvePath(path, cwd);
  const lines = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const added = lines(content).map((l) => `+${l}`);
  if (!existsSync(absolute)) return ['*** Begin Patch', `*** Add File: ${path}`, ...added, '*** End Patch', ''].join('\n');
  const removed = lines(readFileSync(absolute, 'utf8')).map((l) => `-${l}`);
  return ['*** Begin Patch', `*** Update File: ${path}`, '@@', ...removed, ...added, '*** End Patch', ''].join('\n');
}

function shellWrite(path: string, content: string): string {
  const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `printf %s ${quoted(content)} > ${quoted(path)}`;
}

/** One action as a call of a tool the agent offered. */
export function toolCall(action: ToolAction, conversation: Conversation, id: string): ToolCall {
  const cwd = workingDirectory(conversation);
  const tools = conversation.tools;
  const dialect = dialectOf(tools);
  const freeform = (name: string) => conversation.freeformTools.includes(name);
  if ('write' in action) {
    const { path, content } = action.write;
    const absolute = resolvePath(path, cwd);
    switch (dialect) {
      case 'claude':
        return { id, name: 'Write', input: { file_path: absolute, content } };
      case 'gemini':
        return { id, name: 'write_file', input: { file_path: absolute, content } };
      case 'opencode-write':
        return { id, name: 'write', input: { filePath: absolute, content } };
      case 'patch': {
        const patch = patchFor(path, content, cwd);
        return { id, name: 'apply_patch', input: freeform('apply_patch') ? patch : { patchText: patch } };
      }
      case 'shell-only':
        return shellCall(shellWrite(path, content), conversation, id);
    }
  }
  if ('read' in action) {
    const absolute = resolvePath(action.read, cwd);
    if (tools.includes('Read')) return { id, name: 'Read', input: { file_path: absolute } };
    if (tools.includes('read_file')) return { id, name: 'read_file', input: { file_path: absolute } };
    if (tools.includes('read')) return { id, name: 'read', input: { filePath: absolute } };
    return shellCall(`cat '${action.read}'`, conversation, id);
  }
  return shellCall(action.run, conversation, id);
}

function shellCall(command: string, conversation: Conversation, id: string): ToolCall {
  const tools = conversation.tools;
  if (tools.includes('Bash')) return { id, name: 'Bash', input: { command, description: 'Run a command' } };
  if (tools.includes('bash')) return { id, name: 'bash', input: { command, description: 'Run a command' } };
  if (tools.includes('exec_command')) return { id, name: 'exec_command', input: { cmd: command } };
  if (tools.includes('shell')) return { id, name: 'shell', input: { command: ['bash', '-lc', command] } };
  if (tools.includes('run_shell_command')) return { id, name: 'run_shell_command', input: { command } };
  throw new Error(`the agent offers no shell tool (tools: ${tools.join(', ')})`);
}

/**
 * A value that satisfies a JSON schema, for side requests that ask for structured output (Gemini
 * CLI's next-speaker check wants `{ reasoning, next_speaker }`): the user speaks next, nothing more.
 */
export function valueFor(schema: unknown, key = ''): unknown {
  const s = (schema ?? {}) as { type?: string | string[]; enum?: unknown[]; properties?: Record<string, unknown>; items?: unknown };
  if (Array.isArray(s.enum)) return s.enum.includes('user') ? 'user' : s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type?.toLowerCase()) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, valueFor(v, k)]));
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return 0;
    default:
      return key === 'next_speaker' ? 'user' : 'Scripted answer';
  }
}

/** The reply for a step: its tool calls in the agent's own tools, its text, its usage. */
export function replyFor(script: ModelScript, conversation: Conversation, step: ScriptedStep, idPrefix: string): Reply {
  const toolCalls = (step.tools ?? []).map((action, i) => toolCall(action, conversation, `${idPrefix}_${i}`));
  const text =
    conversation.responseSchema !== undefined
      ? JSON.stringify(valueFor(conversation.responseSchema))
      : (step.text ?? (toolCalls.length ? '' : 'Done.'));
  return { text, toolCalls, usage: usageOf(script, step) };
}
