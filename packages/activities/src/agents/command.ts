import type { CostSummary } from '@aidp/workflows/contracts';
import type { AgentAdapter, AgentFailureClass, AgentReport } from './types.js';

/** Replaces `{promptFile}`, `{model}` and `{workspace}` in an argv template. */
export function expandCommand(template: string[], values: { promptFile: string; model: string; workspace: string }): string[] {
  return template.map((part) => part.replace(/\{(promptFile|model|workspace)\}/g, (_, key: keyof typeof values) => values[key]));
}

/**
 * Usage a `command` agent reports: a line `AIDP_COST {"usd":…,"inputTokens":…,"outputTokens":…}`.
 * Several lines add up.
 */
export function parseReportedCost(output: string): CostSummary {
  const cost: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };
  for (const match of output.matchAll(/^AIDP_COST (\{.*\})\s*$/gm)) {
    try {
      const reported = JSON.parse(match[1]!) as Partial<CostSummary>;
      cost.usd += Number(reported.usd) || 0;
      cost.inputTokens += Number(reported.inputTokens) || 0;
      cost.outputTokens += Number(reported.outputTokens) || 0;
    } catch {
      // Not ours after all.
    }
  }
  return cost;
}

/**
 * The `command` provider: any executable, from the argv template of `agent.command`. The prompt
 * arrives on stdin and as `{promptFile}`; usage may be reported with `AIDP_COST` lines.
 */
export function commandAdapter(template: string[]): AgentAdapter {
  return {
    provider: 'command',
    executable: template[0] ?? '',
    installHint: 'install it, or set agent.command in aidp.yml to the agent CLI and its arguments',
    credentialEnv: [],
    resumesSessions: false,
    reportsSessionTotals: false,
    configHint: 'check agent.command in aidp.yml',
    buildInvocation: ({ promptFile, prompt, model, workspace }) => ({
      argv: expandCommand(template, { promptFile, model, workspace }),
      stdin: prompt,
    }),
    parseOutput(stdout: string): AgentReport {
      const cost = parseReportedCost(stdout);
      const reported = /^AIDP_COST /m.test(stdout);
      return reported ? { costUsd: cost.usd, inputTokens: cost.inputTokens, outputTokens: cost.outputTokens } : {};
    },
    classifyFailure(exitCode: number | null): AgentFailureClass {
      // 126/127: the shell's "cannot execute" / "not found", from a wrapper script.
      return exitCode === 127 || exitCode === 126 ? 'not_installed' : 'transient';
    },
  };
}
