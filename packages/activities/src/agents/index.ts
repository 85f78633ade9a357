import type { AgentSpec } from '@aidp/workflows/contracts';
import { commandAdapter } from './command.js';
import type { AgentAdapter } from './types.js';

/** The built-in adapters by `agent.provider`. */
const BUILT_IN: Record<string, AgentAdapter> = {};

/** The adapter for an agent: a built-in one, or `command` from its argv template. */
export function adapterFor(agent: AgentSpec): AgentAdapter | undefined {
  if (agent.provider === 'command') return commandAdapter(agent.command);
  return BUILT_IN[agent.provider];
}

export { commandAdapter, expandCommand, parseReportedCost } from './command.js';
export type { AgentAdapter, AgentInvocation, AgentInvocationContext, AgentReport, AgentFailureClass } from './types.js';
