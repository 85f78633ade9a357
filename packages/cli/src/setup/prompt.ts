import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Paint } from '../render.js';

/** The person quit (Ctrl+C, or Ctrl+D at a question). */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';
  constructor() {
    super('cancelled');
  }
}

export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
}

export interface TextQuestion {
  message: string;
  /** Taken on Enter; shown in brackets. */
  default?: string | undefined;
  /** Enter with no default, or the answer "none", gives ''. */
  optional?: boolean;
  /** A line shown above the question. */
  hint?: string;
  /** What is wrong with an answer, or undefined when it is fine; a wrong answer is asked again. */
  validate?: (answer: string) => string | undefined;
}

/**
 * Questions on a terminal over one readline interface: numbered choices, text with a default, yes/no.
 * Lines typed before their question appears are kept and answer the next questions, as a shell
 * does. Colour comes from `paint`, which is plain with NO_COLOR or off a terminal.
 */
export class Prompter {
  private readonly rl: Interface;
  private closed = false;
  /** Lines typed while no question was open (during the connection test, say), oldest first. */
  private readonly typedAhead: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly c: Paint,
  ) {
    // No history: arrow-up would offer answers to other questions (and a pasted key would linger).
    this.rl = createInterface({ input, output, terminal: (output as NodeJS.WriteStream).isTTY === true, historySize: 0 });
    this.rl.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting.resolve(line);
      else this.typedAhead.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(new PromptCancelled());
    });
    // Without a listener readline swallows Ctrl+C; here it ends the conversation.
    this.rl.on('SIGINT', () => {
      this.output.write('\n');
      this.typedAhead.length = 0;
      this.rl.close();
    });
  }

  /** True once the person pressed Ctrl+C or ended the input, even while no question was open. */
  get cancelled(): boolean {
    return this.closed;
  }

  say(text = ''): void {
    this.output.write(`${text}\n`);
  }

  private ask(query: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const line = this.typedAhead.shift();
      if (line !== undefined) {
        this.output.write(`${query}${line}\n`);
        resolve(line.trim());
        return;
      }
      if (this.closed) {
        reject(new PromptCancelled());
        return;
      }
      this.waiting = { resolve: (answer) => resolve(answer.trim()), reject };
      this.rl.setPrompt(query);
      this.rl.prompt();
    });
  }

  private problem(text: string): void {
    this.say(`  ${this.c.red('✖')} ${text}`);
  }

  async text(q: TextQuestion): Promise<string> {
    if (q.hint) this.say(this.c.dim(q.hint));
    const shown = q.default !== undefined && q.default !== '' ? q.default : q.optional ? 'none' : undefined;
    for (;;) {
      const answer = await this.ask(`${this.c.bold('?')} ${q.message}${shown !== undefined ? ` ${this.c.dim(`[${shown}]`)}` : ''}: `);
      if (q.optional && answer.toLowerCase() === 'none') return '';
      const value = answer === '' ? (q.default ?? '') : answer;
      if (value === '' && !q.optional) {
        this.problem('an answer is needed here');
        continue;
      }
      const wrong = value === '' ? undefined : q.validate?.(value);
      if (wrong === undefined) return value;
      this.problem(wrong);
    }
  }

  async select<T>(message: string, choices: readonly Choice<T>[], defaultValue?: T): Promise<T> {
    const defaultIndex = choices.findIndex((choice) => choice.value === defaultValue);
    this.say(`${this.c.bold('?')} ${message}`);
    const width = Math.max(...choices.map((choice) => choice.label.length));
    choices.forEach((choice, i) => {
      const hint = choice.hint ? `  ${this.c.dim(choice.hint)}` : '';
      this.say(`  ${i + 1}) ${choice.label.padEnd(width)}${hint}`.trimEnd());
    });
    const range = `1-${choices.length}`;
    for (;;) {
      const answer = await this.ask(`Choose ${range}${defaultIndex >= 0 ? ` ${this.c.dim(`[${defaultIndex + 1}]`)}` : ''}: `);
      if (answer === '' && defaultIndex >= 0) return choices[defaultIndex]!.value;
      const byNumber = /^[0-9]+$/.test(answer) ? choices[Number(answer) - 1] : undefined;
      const byName = choices.find((choice) => String(choice.value).toLowerCase() === answer.toLowerCase());
      const chosen = byNumber ?? byName;
      if (chosen) return chosen.value;
      this.problem(`answer with a number from ${range}`);
    }
  }

  async confirm(message: string, defaultYes = true): Promise<boolean> {
    for (;;) {
      const answer = (await this.ask(`${this.c.bold('?')} ${message} ${this.c.dim(defaultYes ? '[Y/n]' : '[y/N]')} `)).toLowerCase();
      if (answer === '') return defaultYes;
      if (answer === 'y' || answer === 'yes') return true;
      if (answer === 'n' || answer === 'no') return false;
      this.problem('answer y or n');
    }
  }

  close(): void {
    if (!this.closed) this.rl.close();
  }
}
