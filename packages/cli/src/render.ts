import type { ModelSelection, Progress } from '@aidp/client/contracts';

/** Colours, or none (not a terminal, or NO_COLOR). */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

export function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

function checksText(p: Progress): string {
  const c = p.lastChecks;
  if (!c) return 'not run yet';
  const passing = c.total - c.failedChecks.length;
  return `${passing}/${c.total} passing${c.failedChecks.length ? ` (failing: ${c.failedChecks.join(', ')})` : ''}`;
}

/**
 * A USD amount with the digits that show what it is: cents from a dollar up, else three significant
 * digits ($0.0041, $0.0103), since one agent run often costs less than a cent.
 */
export function usd(amount: number): string {
  if (amount === 0 || !Number.isFinite(amount) || Math.abs(amount) >= 1) return `$${amount.toFixed(2)}`;
  const digits = Math.min(6, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(amount)))));
  return `$${amount.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * The model of a run: the one the agent CLI reported running, beside the tier and the tier's
 * configured name when they differ (an alias it resolved, a model it substituted).
 */
export function modelText(m: ModelSelection): string {
  return m.reported && m.reported !== m.model ? `${m.reported} (tier ${m.tier}: ${m.model})` : `${m.model} (tier ${m.tier})`;
}

function costText(p: Progress, budgetUsd?: number): string {
  const spent = usd(p.cost.usd);
  return budgetUsd === undefined ? spent : `${spent} of ${usd(budgetUsd)}`;
}

/** What a run works on. */
export function subjectText(p: Progress): string {
  switch (p.subject.kind) {
    case 'step':
      return `step ${p.subject.stepName}`;
    case 'issue':
      return `${p.subject.repo}#${p.subject.issueNumber}`;
    case 'sub_issue':
      return `sub-issue ${p.subject.subIssueId}`;
  }
}

/** One line per change, for logs and pipes. */
export function progressLine(p: Progress): string {
  const parts = [
    `state=${p.state}`,
    `iteration=${p.iteration}/${p.maxIterations}`,
    `checks=${p.lastChecks ? `${p.lastChecks.total - p.lastChecks.failedChecks.length}/${p.lastChecks.total}` : '-'}`,
    `model=${p.model.reported ?? p.model.model}(tier ${p.model.tier}${p.model.reported && p.model.reported !== p.model.model ? `: ${p.model.model}` : ''})`,
    `cost=${usd(p.cost.usd)}`,
  ];
  if (p.paused) parts.push('paused');
  if (p.pendingInstructions > 0) parts.push(`instructions_pending=${p.pendingInstructions}`);
  if (p.children.length > 0) parts.push(`children=${p.children.filter((ch) => ch.state === 'completed').length}/${p.children.length}`);
  if (p.pullRequest) parts.push(`pr=${p.pullRequest.url}`);
  return parts.join(' ');
}

/** The live view on a terminal: a few lines, redrawn in place. */
export function progressPanel(p: Progress, c: Paint, budgetUsd?: number): string[] {
  const width = 24;
  const filled = p.maxIterations > 0 ? Math.round((Math.min(p.iteration, p.maxIterations) / p.maxIterations) * width) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const state = p.state === 'done' ? c.green(p.state) : p.state === 'failed' ? c.red(p.state) : c.bold(p.state);
  return [
    `${c.bold(p.workflowType)} ${c.dim(subjectText(p))}`,
    `  state       ${state}${p.paused && p.state !== 'paused' ? c.yellow(' (pause requested)') : ''}`,
    `  iteration   ${bar} ${p.iteration}/${p.maxIterations}`,
    `  checks      ${p.lastChecks?.passing ? c.green(checksText(p)) : checksText(p)}`,
    `  model       ${p.model.provider}/${modelText(p.model)}${p.consecutiveFailures ? c.yellow(`, ${p.consecutiveFailures} failed agent run(s) in a row`) : ''}`,
    `  cost        ${costText(p, budgetUsd)} (${p.cost.inputTokens} in / ${p.cost.outputTokens} out tokens)`,
    `  pending     ${p.pendingInstructions} instruction(s)`,
    ...(p.branch ? [`  branch      ${p.branch}`] : []),
    ...(p.issue ? [`  issue       ${p.issue.title} — ${p.issue.url}`] : []),
    ...(p.pullRequest ? [`  pull req.   #${p.pullRequest.number} ${c.green(p.pullRequest.url)}`] : []),
    ...childLines(p, c),
  ];
}

/** Children of a decomposed run: one line each. */
function childLines(p: Progress, c: Paint): string[] {
  if (p.children.length === 0) return [];
  const done = p.children.filter((ch) => ch.state === 'completed').length;
  return [
    `  children    ${done}/${p.children.length} done`,
    ...p.children.map((ch) => {
      const state = ch.state === 'completed' ? c.green(ch.state) : ch.state === 'failed' ? c.red(ch.state) : ch.state;
      const extra = ch.iterations !== undefined ? `, ${ch.iterations} iteration(s), ${usd(ch.cost?.usd ?? 0)}` : '';
      return `    ${ch.subIssueId ?? '-'}. ${ch.title ?? ch.workflowId} — ${state}${ch.outcome ? ` (${ch.outcome})` : ''}${extra}  ${c.dim(ch.workflowId)}`;
    }),
  ];
}

/** Seconds and minutes, for durations in tables. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A plain text table with left-aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
