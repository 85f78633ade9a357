/**
 * The two ways the questions get answered: a person at a terminal, or — without one — the flags and
 * the defaults, where a question with neither is a missing flag.
 */
import type { Asker, FileAsk, SelectAsk, TextAsk } from './questions.js';
import type { SetupPaths } from './file-paths.js';
import type { Prompter } from './prompt.js';

/** Asks on the terminal; file paths are typed as the person sees them and checked to be PEM files. */
export class TerminalAsker implements Asker {
  constructor(
    private readonly prompter: Prompter,
    private readonly paths: SetupPaths,
  ) {}

  text(q: TextAsk): Promise<string> {
    return this.prompter.text(q);
  }

  async file(q: FileAsk): Promise<string> {
    const typed = await this.prompter.text({
      ...q,
      default: q.default === undefined ? undefined : this.paths.shown(q.default),
      validate: (answer) => this.paths.problem(answer),
    });
    return typed === '' ? '' : this.paths.written(typed);
  }

  select<T>(q: SelectAsk<T>): Promise<T> {
    return this.prompter.select(q.message, q.choices, q.default);
  }
}

/** Takes every default; records the flags that would have been needed for the rest. */
export class FlagAsker implements Asker {
  readonly missing: string[] = [];

  text(q: TextAsk): string {
    if (q.default !== undefined) return q.default;
    if (!q.optional) this.missing.push(q.flag);
    return '';
  }

  file(q: FileAsk): string {
    return this.text(q);
  }

  select<T>(q: SelectAsk<T>): T {
    if (q.needsFlag) this.missing.push(q.flag);
    return q.default;
  }
}
