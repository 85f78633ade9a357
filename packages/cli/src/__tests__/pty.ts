import { spawn, type ChildProcess } from 'node:child_process';
import { AIDP_BIN } from './run-cli';

// Cursor moves and line clears that readline writes on a terminal.
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[A-Za-z]/g;

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * `aidp` on a pseudo-terminal, driven as a person types: `script` (util-linux) gives it a real TTY,
 * and each answer is written only once the question it answers has appeared, like `expect`.
 */
export class PtySession {
  private readonly child: ChildProcess;
  private output = '';
  /** Where the next `expect` starts looking, so an old line never answers a new question. */
  private seen = 0;
  private readonly exited: Promise<number | null>;
  private waiter: (() => void) | undefined;

  constructor(args: string[], options: { cwd: string; env: Record<string, string> }) {
    const command = [process.execPath, AIDP_BIN, ...args].map(quote).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a hung session is stopped with everything it started.
      detached: true,
    });
    const collect = (chunk: Buffer) => {
      // The terminal turns "\n" into "\r\n"; readline redraws lines with cursor moves. Keep the text.
      this.output += chunk.toString().replace(/\r/g, '').replace(ESCAPE_SEQUENCE, '');
      this.waiter?.();
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Everything the terminal showed so far. */
  get transcript(): string {
    return this.output;
  }

  /** Waits until `text` appears after what earlier expectations matched. */
  async expect(text: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.output.indexOf(text, this.seen);
      if (at !== -1) {
        this.seen = at + text.length;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`timed out waiting for ${JSON.stringify(text)}; the terminal showed:\n${this.output}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Types a line and presses Enter. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\r`);
  }

  /** Answers the question `prompt` with `line`. */
  async answer(prompt: string, line: string): Promise<void> {
    await this.expect(prompt);
    this.send(line);
  }

  /** Waits for the program to end and returns its exit code. */
  async exit(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
        reject(new Error(`did not exit within ${timeoutMs} ms; the terminal showed:\n${this.output}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
      this.child.stdin!.end();
    }
  }
}
