/**
 * What `aidp temporal setup` tells the person, as lines: notes about the environment, the summary of
 * changes before writing, and the next steps after. Pure, so each is tested without a terminal.
 */
import type { Paint } from '../render.js';
import { commandLine } from '../shell-quote.js';
import type { TemporalSetupAnswers } from './answers.js';
import type { Target } from './target.js';
import { TEMPORAL_VARIABLES } from './target.js';
import type { TemporalChange } from './temporal-section.js';

/** What the person should know about the environment before the file is written. */
export function environmentNotes(
  answers: TemporalSetupAnswers,
  target: Target,
  env: Record<string, string | undefined>,
  c: Paint,
): string[] {
  const keyVariable = answers.apiKeyEnv;
  const lines: string[] = [];
  const say = (line: string) => lines.push(`${c.yellow('Note:')} ${line}`);
  if (keyVariable !== undefined && !env[keyVariable]) {
    say(
      `${keyVariable} is not set here. Set it wherever AIDP runs (export ${keyVariable}=<your key>); the key itself stays out of ${target.shown}.`,
    );
  }
  for (const spec of TEMPORAL_VARIABLES) {
    if (spec.variable !== keyVariable && env[spec.variable]) {
      say(`${spec.variable} is set here, and overrides ${spec.keyPath} from ${target.shown} whenever AIDP runs with it.`);
    }
  }
  return lines;
}

/** The keys that change, before the person confirms. */
export function changeSummary(changes: TemporalChange[], target: Target, c: Paint): string[] {
  const lines = [`Changes to ${target.shown}${target.exists ? '' : ' (a new file)'}:`];
  for (const change of changes) {
    if (change.before === undefined) lines.push(`  ${c.green('+')} ${change.key}: ${change.after}`);
    else if (change.after === undefined) lines.push(`  ${c.red('-')} ${change.key} (was ${change.before})`);
    else lines.push(`  ${c.yellow('~')} ${change.key}: ${change.before} → ${change.after}`);
  }
  if (target.exists) lines.push('Nothing else in the file changes.');
  return lines;
}

/**
 * The commands to run next, ready to paste: `--config` is repeated when it was given (shell-quoted,
 * so a path with a space or a quote reaches the command as typed).
 */
export function nextSteps(answers: TemporalSetupAnswers, configFile: string | undefined, unsetKeyVariable: string | undefined): string[] {
  const options = configFile !== undefined && configFile !== '' ? ['--config', configFile] : [];
  const aidp = (verb: string) => commandLine(['aidp', 'temporal', verb], [], options);
  const lines = ['', 'Next steps:'];
  if (unsetKeyVariable !== undefined) lines.push(`  export ${unsetKeyVariable}=<your key>   where AIDP runs`);
  if (answers.mode === 'local') {
    lines.push(`  ${aidp('dev')}      start a local dev server (Web UI included) and a worker`);
    lines.push(`  ${aidp('worker')}   or, with a server already running, just a worker`);
  } else {
    lines.push(`  ${aidp('worker')}   run a worker for ${answers.address}`);
  }
  lines.push(`  ${aidp('config')}   show the resolved configuration`);
  return lines;
}
