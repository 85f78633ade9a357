import type { CostSummary } from '@aidp/workflows/contracts';
import type { AgentReport } from './types.js';

/** What one run cost, and what the CLI's session has cost so far (kept for the next run of it). */
export interface RunFigures {
  /** This run's own tokens and cost. */
  cost: CostSummary;
  /**
   * The session's figures as the CLI last reported them, for a CLI that reports session totals:
   * the next run of the same session subtracts them. Absent for CLIs that report per run.
   */
  sessionTotals?: CostSummary;
}

const ZERO: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };

function reported(report: AgentReport): CostSummary | undefined {
  if (report.costUsd === undefined && report.inputTokens === undefined && report.outputTokens === undefined) return undefined;
  return { usd: report.costUsd ?? 0, inputTokens: report.inputTokens ?? 0, outputTokens: report.outputTokens ?? 0 };
}

/**
 * A run's own figures from what the CLI reported. A CLI that reports session totals (claude, codex)
 * counts, in a resumed session, everything since the session began: the run's part is the difference
 * from the totals the previous run of the same session reported. Figures lower than those totals mean
 * the CLI did not carry the session's count over (a new session, or one it could not restore): they
 * are the run's own. A run that reported nothing cost nothing that is known, and leaves the totals as
 * they were.
 */
export function perRunFigures(
  report: AgentReport,
  options: { reportsSessionTotals: boolean; resumedSession?: string; previousTotals?: CostSummary },
): RunFigures {
  const now = reported(report);
  if (!options.reportsSessionTotals) return { cost: now ?? ZERO };
  const sameSession = options.resumedSession !== undefined && report.sessionId === options.resumedSession;
  const previous = sameSession ? options.previousTotals : undefined;
  if (!now) return previous ? { cost: ZERO, sessionTotals: previous } : { cost: ZERO };
  const continued =
    previous && now.usd >= previous.usd && now.inputTokens >= previous.inputTokens && now.outputTokens >= previous.outputTokens;
  if (!continued) return { cost: now, sessionTotals: now };
  return {
    cost: {
      // Rounded to what a USD figure can hold, so 0.02052 - 0.01026 is 0.01026 and not 0.010259999….
      usd: Math.round((now.usd - previous.usd) * 1e10) / 1e10,
      inputTokens: now.inputTokens - previous.inputTokens,
      outputTokens: now.outputTokens - previous.outputTokens,
    },
    sessionTotals: now,
  };
}
