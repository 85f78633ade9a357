/**
 * `aidp temporal setup` from start to end: find the file, get the answers (asked, or from flags),
 * test the connection, show the changes, write. The parts live beside it: the questions
 * (`questions.ts`), who answers them (`askers.ts`), the flags (`flags.ts`), the `temporal` section
 * (`temporal-section.ts`), the file (`target.ts`), the connection test (`verify.ts`) and what is
 * said (`messages.ts`); this module only runs them in order and decides what happens next.
 */
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from 'clipanion';
import { paint } from '../render.js';
import type { TemporalSetupAnswers } from './answers.js';
import { FlagAsker, TerminalAsker } from './askers.js';
import { SetupPaths } from './file-paths.js';
import { presetFromFlags, type SetupFlags } from './flags.js';
import { changeSummary, environmentNotes, nextSteps } from './messages.js';
import { PromptCancelled, Prompter } from './prompt.js';
import { answersAsCurrent, askAnswers } from './questions.js';
import { candidateConfig, findTarget, saveTarget } from './target.js';
import { currentTemporalSetup, updateTemporalSection } from './temporal-section.js';
import { verifyConnection } from './verify.js';

export interface SetupContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Questions can be asked (stdin is a terminal). */
  interactive: boolean;
  colors: boolean;
}

type AfterFailedTest = 'retry' | 'edit' | 'save' | 'quit';

/**
 * `aidp temporal setup`: asks (or takes from flags) where Temporal runs, tests the connection, shows
 * what changes and writes the temporal section of aidp.yml. Returns the exit code.
 */
export async function runSetup(flags: SetupFlags, ctx: SetupContext): Promise<number> {
  const c = paint(ctx.colors);
  let started = false;
  // A blank line separates parts of the output; none before the first.
  const out = (line = '') => {
    if (line === '' && !started) return;
    started = true;
    ctx.stdout.write(`${line}\n`);
  };
  // Without a terminal a failure is an error, for stderr; on one it is part of the conversation.
  const fail = (line: string) => (ctx.interactive ? out(line) : ctx.stderr.write(`${line}\n`));
  const target = await findTarget(flags.configFile, ctx);
  const current = currentTemporalSetup(target.text);
  const paths = new SetupPaths(ctx.cwd, path.dirname(target.path));
  const preset = presetFromFlags(flags, paths);

  let prompter: Prompter | undefined;
  let answers: TemporalSetupAnswers;
  if (ctx.interactive) {
    prompter = new Prompter(ctx.stdin, ctx.stdout, c);
    out(c.bold('Set up Temporal for AIDP'));
    out(
      `Answers go into the temporal section of ${target.shown}${target.exists ? '; nothing else in the file changes' : ' (a new file)'}.`,
    );
    out(c.dim('Enter takes the [default]. Ctrl+C quits without writing anything.'));
    out();
  }
  if (current.apiKeyIsLiteral) {
    out(
      c.yellow(
        `Note: ${target.shown} holds an API key in clear text (temporal.api_key); setup replaces it, since keys belong in environment variables.`,
      ),
    );
  }
  if (current.enabled === false) {
    out(c.yellow(`Note: temporal.enabled is false in ${target.shown}, so AIDP runs work without Temporal until you set it to true.`));
  }

  try {
    if (prompter) {
      answers = await askAnswers(new TerminalAsker(prompter, paths), preset, current);
    } else {
      const flagsOnly = new FlagAsker();
      answers = await askAnswers(flagsOnly, preset, current);
      const missing = [...flagsOnly.missing, ...(flags.yes ? [] : ['--yes'])];
      if (missing.length > 0) {
        throw new UsageError(`not on a terminal, so every answer must come from flags; missing: ${missing.join(', ')}`);
      }
    }

    let noted: TemporalSetupAnswers | undefined;
    for (;;) {
      const { text, changes } = updateTemporalSection(target.text, answers);
      const keyVariable = answers.apiKeyEnv;
      const unsetKeyVariable = keyVariable !== undefined && !ctx.env[keyVariable] ? keyVariable : undefined;
      const config = candidateConfig(text, target, ctx, keyVariable);
      if (prompter) out();
      if (noted !== answers) {
        noted = answers;
        for (const line of environmentNotes(answers, target, ctx.env, c)) out(line);
      }

      if (flags.verify && !(await verifyConnection(config, answers, unsetKeyVariable, ctx.env, c, { out, fail }))) {
        if (!prompter) {
          ctx.stderr.write(`Nothing was written to ${target.shown} (--no-verify saves without testing).\n`);
          return 1;
        }
        const next = await prompter.select<AfterFailedTest>(
          'What now?',
          [
            { value: 'retry', label: 'Retry', hint: 'test the connection again' },
            { value: 'edit', label: 'Edit', hint: 'change the answers' },
            { value: 'save', label: 'Save anyway', hint: 'write the settings without a working connection' },
            { value: 'quit', label: 'Quit', hint: 'write nothing' },
          ],
          answers.mode === 'local' ? 'retry' : 'edit',
        );
        if (next === 'quit') {
          out(`Nothing was written to ${target.shown}.`);
          return 1;
        }
        if (next === 'edit') {
          out();
          answers = await askAnswers(new TerminalAsker(prompter, paths), {}, answersAsCurrent(answers));
          continue;
        }
        if (next === 'retry') continue;
      }

      out();
      if (changes.length === 0) {
        out(`${target.shown} already has these settings; nothing to write.`);
        return 0;
      }
      for (const line of changeSummary(changes, target, c)) out(line);
      if (!flags.yes && prompter && !(await prompter.confirm(`Write these changes to ${target.shown}?`))) {
        out(`Nothing was written to ${target.shown}.`);
        return 1;
      }
      // Ctrl+C while the connection was tested: honour it even though no question was open.
      if (prompter?.cancelled) throw new PromptCancelled();
      await saveTarget(target, text, ctx, unsetKeyVariable);
      out();
      out(`${c.green('✔')} Saved ${target.shown}; it loads cleanly (aidp temporal config shows every value and where it comes from).`);
      for (const line of nextSteps(answers, flags.configFile, unsetKeyVariable)) out(line);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof PromptCancelled)) throw error;
    out();
    out(`Setup cancelled; nothing was written to ${target.shown}.`);
    return 1;
  } finally {
    prompter?.close();
  }
}
