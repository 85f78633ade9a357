import { LogTimestamp, type LogLevel as TemporalLogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import type { LogLevel } from '@aidp/config';

/** The level names the configuration uses, lowest first. */
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** Where log lines go: a writable stream, and whether it is a terminal. */
export interface LogStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link createAidpLogger}. */
export interface AidpLoggerOptions {
  /** Lowest level written (`logging.level`); default `info`. */
  level?: LogLevel;
  /**
   * `json`: one JSON object per line. `pretty`: one readable line, colored on a terminal. `auto`
   * (default): pretty when the stream is a terminal, JSON otherwise (`logging.format`).
   */
  format?: 'auto' | 'json' | 'pretty';
  /** Default `process.stderr`, so a command's own output on stdout stays clean. */
  stream?: LogStream;
  /** Reads `NO_COLOR` and `FORCE_COLOR`; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A Temporal {@link Logger} that also says which level it writes from. */
export interface AidpLogger extends Logger {
  /** The lowest level written. */
  readonly level: LogLevel;
  /** `json` or `pretty`, after `auto` was decided. */
  readonly format: 'json' | 'pretty';
  /** True when `level` would be written. */
  isEnabled(level: LogLevel | TemporalLogLevel): boolean;
}

// Metadata that only adds noise to a line a person reads; JSON keeps everything.
const PRETTY_HIDDEN = new Set(['taskToken', 'sdkComponent', 'spanContexts', 'namespace', 'taskQueue']);
// Identity first, in this order, so lines of one run line up.
const PRETTY_FIRST = ['workflowType', 'workflowId', 'runId', 'workflowRunId', 'activityType', 'attempt'];
// A message's own fields take these names in JSON; metadata of the same name is kept beside them.
const RESERVED = new Set(['time', 'level', 'message']);

const COLORS: Record<LogLevel, string> = { trace: '90', debug: '36', info: '32', warn: '33', error: '31' };

/**
 * The logger of an AIDP worker process. Give it to `Runtime.install({ logger })` (as
 * `installAidpRuntime` does) and everything the process logs goes through it: the SDK's worker
 * messages, the Rust core's (forwarded), activities' `Context.current().log` and workflows' `log`
 * (which the SDK does not call again on replay).
 *
 * Each entry is one line: a JSON object with `time`, `level`, `message` and the entry's metadata
 * (`workflowId`, `runId`, `activityType`, `taskQueue`, `namespace`, …), or, on a terminal, a readable
 * line colored by level (no colors with `NO_COLOR`).
 */
export function createAidpLogger(options: AidpLoggerOptions = {}): AidpLogger {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const tty = stream.isTTY === true;
  const format = options.format === 'json' || options.format === 'pretty' ? options.format : tty ? 'pretty' : 'json';
  const colors = format === 'pretty' && !env.NO_COLOR && (tty || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'));
  const level = options.level ?? 'info';
  const threshold = LEVELS.indexOf(level);
  const isEnabled = (l: LogLevel | TemporalLogLevel) => LEVELS.indexOf(l.toLowerCase() as LogLevel) >= threshold;

  const write = (raw: TemporalLogLevel, message: string, meta: LogMetadata = {}) => {
    const l = raw.toLowerCase() as LogLevel;
    if (LEVELS.indexOf(l) < threshold) return;
    const time = timeOf(meta);
    const fields = plainFields(meta);
    const line = format === 'json' ? jsonLine(time, l, message, fields) : prettyLine(time, l, message, fields, colors);
    try {
      stream.write(`${line}\n`);
    } catch {
      // A closed stream must not take the worker down with it.
    }
  };

  return {
    level,
    format,
    isEnabled,
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/** When the entry happened: the SDK stamps buffered and forwarded entries, others happen now. */
function timeOf(meta: LogMetadata): Date {
  const stamp: unknown = meta[LogTimestamp];
  return typeof stamp === 'bigint' ? new Date(Number(stamp / 1_000_000n)) : new Date();
}

/** The metadata's string keys (the SDK's symbol keys are internal), as JSON-safe values. */
function plainFields(meta: LogMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined || typeof value === 'function') continue;
    out[key] = toPlain(value, new WeakSet());
  }
  return out;
}

/** A value JSON can hold: errors keep name, message, type and stack; bigints become numbers or strings. */
function toPlain(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'symbol' || typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const error = value as Error & { type?: unknown; cause?: unknown };
    const out: Record<string, unknown> = { name: error.name, message: error.message };
    if (typeof error.type === 'string') out.type = error.type;
    if (error.stack) out.stack = error.stack;
    if (error.cause !== undefined) out.cause = toPlain(error.cause, seen);
    return out;
  }
  if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value)) return value.map((item) => toPlain(item, seen) ?? null);
  if (value instanceof Map) return toPlain(Object.fromEntries(value), seen);
  if (value instanceof Set) return toPlain([...value], seen);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const plain = toPlain(item, seen);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

function jsonLine(time: Date, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const entry: Record<string, unknown> = { time: time.toISOString(), level, message };
  for (const [key, value] of Object.entries(fields)) entry[RESERVED.has(key) ? `meta.${key}` : key] = value;
  return JSON.stringify(entry);
}

function prettyLine(time: Date, level: LogLevel, message: string, fields: Record<string, unknown>, colors: boolean): string {
  const paint = (code: string, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  const stamp = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
  const component = typeof fields.sdkComponent === 'string' ? `${fields.sdkComponent} ` : '';
  const keys = [
    ...PRETTY_FIRST.filter((key) => key in fields),
    ...Object.keys(fields).filter((key) => !PRETTY_FIRST.includes(key) && !PRETTY_HIDDEN.has(key)),
  ];
  const stacks: string[] = [];
  const pairs = keys.map((key) => {
    const value = fields[key];
    if (isPlainError(value) && value.stack) stacks.push(value.stack);
    return `${key}=${prettyValue(isPlainError(value) ? `${value.name}: ${value.message}` : value)}`;
  });
  let line = `${paint('2', stamp)} ${paint(COLORS[level], level.toUpperCase().padEnd(5))} ${paint('2', component)}${message}`;
  if (pairs.length > 0) line += ` ${paint('2', pairs.join(' '))}`;
  for (const stack of stacks) line += `\n${paint('2', stack.replace(/^/gm, '    '))}`;
  return line;
}

function isPlainError(value: unknown): value is { name: string; message: string; stack?: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    'message' in value &&
    typeof (value as { name: unknown }).name === 'string'
  );
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
