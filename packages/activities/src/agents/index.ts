import type { AgentSpec } from '@aidp/workflows/contracts';
import { aiderAdapter } from './aider.js';
import { claudeAdapter } from './claude.js';
import { codexAdapter } from './codex.js';
import { commandAdapter } from './command.js';
import { copilotAdapter } from './copilot.js';
import { cursorAdapter } from './cursor.js';
import { geminiAdapter } from './gemini.js';
import { opencodeAdapter } from './opencode.js';
import type { AgentAdapter } from './types.js';

/** The built-in adapters by `agent.provider`. */
export const BUILT_IN_ADAPTERS: Readonly<Record<string, AgentAdapter>> = Object.fromEntries(
  [claudeAdapter, codexAdapter, geminiAdapter, aiderAdapter, cursorAdapter, opencodeAdapter, copilotAdapter].map((a) => [a.provider, a]),
);

/** The adapter for an agent: a built-in one, or `command` from its argv template. */
export function adapterFor(agent: AgentSpec): AgentAdapter | undefined {
  if (agent.provider === 'command') return commandAdapter(agent.command);
  return BUILT_IN_ADAPTERS[agent.provider];
}

export { commandAdapter, expandCommand, parseReportedCost } from './command.js';
export { claudeAdapter, codexAdapter, geminiAdapter, aiderAdapter, cursorAdapter, opencodeAdapter, copilotAdapter };
export type { AgentAdapter, AgentInvocation, AgentInvocationContext, AgentReport, AgentFailureClass } from './types.js';
