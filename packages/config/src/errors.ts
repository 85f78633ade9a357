/**
 * Configuration errors. Every problem found while loading is collected as a {@link ConfigIssue}
 * that names where the value came from (file, environment variable or flag), the key path, what
 * was expected and what was found; one {@link ConfigError} carries all of them so a user fixes
 * everything in one pass instead of one mistake per run.
 */

/** One problem with the configuration. */
export interface ConfigIssue {
  /**
   * Where the offending value came from: the config file (relative to the working directory when it
   * is inside it), an environment variable name such as `TEMPORAL_TLS`, or a flag such as
   * `--task-queue`. Empty when the value is not tied to one source.
   */
  source: string;
  /** The key path, e.g. `temporal.worker.max_concurrent_activities`; empty for the whole file. */
  keyPath: string;
  /** What a valid value looks like, e.g. `a positive integer`. */
  expected: string;
  /** What was found, as the user wrote it, e.g. `"ten"` (secrets are never shown). */
  found: string;
  /** What to do about it, when there is something specific to say. */
  hint?: string;
  /** The line the user reads after `source: keyPath: `. */
  message: string;
  /** 1-based line in the source file, for syntax errors. */
  line?: number;
  /** 1-based column in the source file, for syntax errors. */
  column?: number;
}

/** Fields to build an issue from; `message` defaults to `expected …, got …[; hint]`. */
export type IssueInit = Omit<ConfigIssue, 'message'> & { message?: string };

/** Builds a {@link ConfigIssue}, composing the message from `expected`, `found` and `hint`. */
export function makeIssue(init: IssueInit): ConfigIssue {
  const message = init.message ?? `expected ${init.expected}, got ${init.found}${init.hint ? `; ${init.hint}` : ''}`;
  const issue: ConfigIssue = {
    source: init.source,
    keyPath: init.keyPath,
    expected: init.expected,
    found: init.found,
    message,
  };
  if (init.hint !== undefined) issue.hint = init.hint;
  if (init.line !== undefined) issue.line = init.line;
  if (init.column !== undefined) issue.column = init.column;
  return issue;
}

/** The one-line form of an issue: `aidp.yml: temporal.namespace: expected a non-empty string, got 42`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.source && issue.line !== undefined ? `${issue.source}:${issue.line}:${issue.column ?? 1}` : issue.source;
  // One line per issue, whatever a parser or a key put in the message.
  return [where, issue.keyPath, issue.message]
    .filter((part) => part !== '')
    .join(': ')
    .replace(/\r?\n/g, ' ');
}

/**
 * The error every loading step throws. `issues` lists all problems found; the message has one line
 * per issue.
 */
export class ConfigError extends Error {
  /** Every problem found, in the order they were found. */
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const MAX_SHOWN = 60;

/** Describes a found value for a message: strings quoted, lists and objects by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Optimal-string-alignment distance: edits, counting a swap of neighbours as one. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `word`, when it is close enough to be what the user meant (case is
 * ignored, so `taskQueue` finds `task_queue`); undefined when nothing is close.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Why a connection failed, when the server could tell: see `diagnoseConnectionFailure`. */
export type ConnectionFailureReason =
  'server-not-tls' | 'server-requires-tls' | 'client-certificate-required' | 'client-certificate-rejected' | 'server-certificate-untrusted';

// Errors users branch on with `instanceof`, even when their application loads two copies of AIDP's
// packages (two versions side by side, a bundler's duplicate, jest's module registries): each class
// carries a brand made with `Symbol.for`, which every copy shares, and `instanceof` checks the brand
// instead of the prototype chain — as `@temporalio/common` does for the SDK's own errors. Each also
// sets `name`, for code that switches on it.

// Under this key each class keeps its own brand; every instance has its class's brand (and its base
// classes') on its prototype chain.
const BRAND = Symbol.for('aidp.error.brand');

type Branded = abstract new (...args: never[]) => Error;

/** Gives `cls` its brand, `Symbol.for('aidp.<name>')`; call once, right after the class. */
export function brand(cls: Branded, name: string): void {
  const mark = Symbol.for(`aidp.${name}`);
  Object.defineProperty(cls, BRAND, { value: mark });
  Object.defineProperty(cls.prototype, mark, { value: true });
}

/** The base of AIDP's errors: `err instanceof AidpError` is true for every one of them. */
export abstract class AidpError extends Error {
  static override [Symbol.hasInstance](this: Branded, value: unknown): boolean {
    // A subclass without a brand of its own (one a user derives) falls back to the prototype chain.
    if (!Object.prototype.hasOwnProperty.call(this, BRAND)) return Function.prototype[Symbol.hasInstance].call(this, value);
    const mark = (this as unknown as Record<symbol, symbol>)[BRAND]!;
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[mark] === true;
  }
}
brand(AidpError, 'AidpError');

/**
 * The Temporal server named by `temporal.target_host` could not be reached, or not over the configured
 * transport. Raised by the client and the worker alike, so callers handle one error whichever
 * connected. `reason` is set when the cause is known (TLS on one side only, a certificate problem).
 */
export class AidpConnectionError extends AidpError {
  override readonly name = 'AidpConnectionError';
  /** Why, when known; the message then says it instead of the transport's own words. */
  readonly reason: ConnectionFailureReason | undefined;
  /** What went wrong, without the address: the known reason, else the transport's message. */
  readonly detail: string;
  constructor(
    /** The `host:port` that was tried. */
    readonly address: string,
    override readonly cause: unknown,
    diagnosis?: { reason: ConnectionFailureReason; detail: string },
  ) {
    const detail = diagnosis?.detail ?? (cause instanceof Error ? cause.message : String(cause));
    super(`failed to connect to temporal server at ${address}: ${detail}`);
    this.reason = diagnosis?.reason;
    this.detail = detail;
  }
}
brand(AidpConnectionError, 'AidpConnectionError');

/**
 * The server refused the credentials (`temporal.api_key`, or the identity of a client certificate) for
 * the namespace: a key that is invalid, expired, signed by someone the server does not trust, or
 * without a permission on this namespace. The key itself is never part of the message.
 */
export class AidpPermissionDeniedError extends AidpError {
  override readonly name = 'AidpPermissionDeniedError';
  constructor(
    readonly namespace: string,
    /** The `host:port` that refused. */
    readonly address: string,
    override readonly cause: unknown,
  ) {
    super(`permission denied for namespace ${namespace} (on ${address})`);
  }
}
brand(AidpPermissionDeniedError, 'AidpPermissionDeniedError');

/** The namespace does not exist on the server (the client's and the worker's answer alike). */
export class AidpNamespaceNotFoundError extends AidpError {
  override readonly name = 'AidpNamespaceNotFoundError';
  constructor(
    readonly namespace: string,
    /** The `host:port` that was asked. */
    readonly address: string,
  ) {
    super(`namespace not found: ${namespace} (on ${address})`);
  }
}
brand(AidpNamespaceNotFoundError, 'AidpNamespaceNotFoundError');
