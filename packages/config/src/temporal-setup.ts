/**
 * What `aidp temporal setup` writes: the answers of the wizard turned into the `temporal` keys they
 * stand for, and those keys merged into an existing aidp.yml.
 *
 * The merge edits the file's text where the keys it manages are, and nowhere else: the `yaml`
 * package's syntax tree says where each key and value is, and only those ranges are replaced, so
 * comments, blank lines, quoting and every other key stay exactly as the user wrote them.
 * (Re-printing the whole document would reflow comments and normalise spacing in parts of the file
 * the wizard has no business touching.)
 */
import { isMap, isScalar, parseDocument, stringify, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

import { parseYamlText } from './parse.js';
import { isPlainObject } from './paths.js';
import { validateConfig } from './validate.js';

/** Where the Temporal server runs. */
export const SETUP_MODES = ['local', 'self-hosted', 'cloud'] as const;
export type SetupMode = (typeof SETUP_MODES)[number];

/** How the connection is secured. */
export type SetupTls =
  | { kind: 'none' }
  /** TLS verified with the system's CA roots. */
  | { kind: 'system'; serverName?: string }
  /** TLS verified with a private CA. */
  | { kind: 'ca'; caFile: string; serverName?: string }
  /** TLS with a client certificate (mTLS); `caFile` only for a private CA. */
  | { kind: 'mtls'; certFile: string; keyFile: string; caFile?: string; serverName?: string };

/** The wizard's answers. File paths are written as given (the caller makes them relative to the file). */
export interface TemporalSetupAnswers {
  mode: SetupMode;
  /** `host:port`. */
  address: string;
  namespace: string;
  taskQueue: string;
  tls: SetupTls;
  /** Cloud only: the name of the environment variable that holds the API key (never the key). */
  apiKeyEnv?: string;
}

/** The `temporal` keys the wizard manages, as they go into the file. */
export interface TemporalSectionValues {
  target_host: string;
  namespace: string;
  task_queue: string;
  tls?: true | { ca_file?: string; cert_file?: string; key_file?: string; server_name?: string };
  /** Always a `${NAME}` reference. */
  api_key?: string;
}

/** One key the merge adds, changes or removes; values as the file shows them, secrets hidden. */
export interface TemporalChange {
  /** Dotted key path, e.g. `temporal.tls.ca_file`. */
  key: string;
  /** Absent when the key is added. */
  before?: string;
  /** Absent when the key is removed. */
  after?: string;
}

/** What the file says today, as answers the wizard can offer as defaults. */
export interface CurrentTemporalSetup {
  /** Whether the file has a `temporal` section at all. */
  configured: boolean;
  /** A guess from the address, TLS and API key; absent when there is no section. */
  mode?: SetupMode;
  address?: string;
  namespace?: string;
  taskQueue?: string;
  tls?: SetupTls;
  /** The variable named by `api_key: ${NAME}`. */
  apiKeyEnv?: string;
  /** True when `api_key` holds a value that is not a `${NAME}` reference: a secret in the file. */
  apiKeyIsLiteral: boolean;
  /** `temporal.enabled` as written, when it is. */
  enabled?: unknown;
}

/** Answers that cannot be written; the message says which and why (never showing a secret). */
export class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError';
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const MANAGED = ['target_host', 'namespace', 'task_queue', 'tls', 'api_key'] as const;
// `enabled` is not managed, but new keys go after it when it leads the section.
const TEMPORAL_ORDER = ['enabled', ...MANAGED] as const;
const TLS_KEYS = ['ca_file', 'cert_file', 'key_file', 'server_name'] as const;

/** The default variable for the Temporal Cloud API key; also read directly by the loader. */
export const DEFAULT_API_KEY_ENV = 'TEMPORAL_API_KEY';

// A pasted key rather than a variable name: a JWT, something long with characters no name has, or
// a long run of letters and digits without the underscores variable names are made of.
function looksLikeSecret(text: string): boolean {
  if (text.startsWith('eyJ')) return true;
  if (!ENV_NAME.test(text)) return text.length >= 16;
  return text.length >= 24 && !text.includes('_') && /[0-9]/.test(text);
}

/**
 * Checks the answer to "which environment variable holds the API key?". `$NAME` and `${NAME}` are
 * accepted as NAME. Something that looks like a key itself is refused with an explanation; the
 * message never repeats the input, so a pasted secret does not end up in a log.
 */
export function checkEnvVarName(text: string): { name: string } | { error: string; looksLikeSecret: boolean } {
  const trimmed = text.trim();
  const name = REFERENCE.exec(trimmed)?.[1] ?? /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(trimmed)?.[1] ?? trimmed;
  if (name === '') {
    return { error: `enter the name of an environment variable, such as ${DEFAULT_API_KEY_ENV}`, looksLikeSecret: false };
  }
  if (looksLikeSecret(name)) {
    return {
      error:
        'that looks like an API key itself, not the name of a variable. The key is a secret and is never ' +
        `written to aidp.yml: put it in an environment variable (for example: export ${DEFAULT_API_KEY_ENV}=<your key>) ` +
        'and give the name of that variable instead',
      looksLikeSecret: true,
    };
  }
  if (!ENV_NAME.test(name)) {
    return {
      error: 'not a variable name: use letters, digits and "_", not starting with a digit',
      looksLikeSecret: false,
    };
  }
  return { name };
}

/** Checks a `host:port` answer; returns what is wrong, or undefined when it is fine. */
export function checkAddress(text: string): string | undefined {
  if (text.includes('${')) return undefined; // a variable reference, checked when the file loads
  const { issues } = validateConfig({ temporal: { target_host: text } });
  if (issues.length === 0) return undefined;
  return `expected an address as "host:port" (port 1-65535), got ${JSON.stringify(text)}`;
}

/** Checks a namespace or task queue answer; returns what is wrong, or undefined when it is fine. */
export function checkName(text: string): string | undefined {
  if (text === '') return 'expected a non-empty name';
  if (/\s/.test(text)) return `expected a name without spaces, got ${JSON.stringify(text)}`;
  return undefined;
}

/**
 * The Temporal Cloud endpoint of a namespace: `<namespace>.<account>` serves at
 * `<namespace>.<account>.tmprl.cloud:7233`. Undefined for a name without the account part.
 */
export function cloudAddressFor(namespace: string): string | undefined {
  return /^[A-Za-z0-9-]+\.[A-Za-z0-9-]+$/.test(namespace) ? `${namespace}.tmprl.cloud:7233` : undefined;
}

/**
 * The `temporal` keys the answers stand for. Throws a {@link TemporalSetupError} for answers that do
 * not fit together (TLS for the local dev server, an API key outside Temporal Cloud, Cloud without a
 * way to authenticate) or that are invalid.
 */
export function temporalSectionFromAnswers(answers: TemporalSetupAnswers): TemporalSectionValues {
  const problems: string[] = [];
  const addressProblem = checkAddress(answers.address);
  if (addressProblem) problems.push(`address: ${addressProblem}`);
  const namespaceProblem = checkName(answers.namespace);
  if (namespaceProblem) problems.push(`namespace: ${namespaceProblem}`);
  const queueProblem = checkName(answers.taskQueue);
  if (queueProblem) problems.push(`task queue: ${queueProblem}`);
  const { tls, mode } = answers;
  if (mode === 'local' && tls.kind !== 'none') problems.push('the local dev server does not use TLS');
  if (mode !== 'cloud' && answers.apiKeyEnv !== undefined) problems.push('an API key is for Temporal Cloud only');
  if (mode === 'cloud') {
    if (answers.apiKeyEnv === undefined && tls.kind !== 'mtls') {
      problems.push('Temporal Cloud needs an API key variable or a client certificate and key (mTLS)');
    }
    if (answers.apiKeyEnv !== undefined && tls.kind !== 'none') {
      problems.push('use either an API key or a client certificate for Temporal Cloud, not both');
    }
  }
  let apiKey: string | undefined;
  if (answers.apiKeyEnv !== undefined) {
    const checked = checkEnvVarName(answers.apiKeyEnv);
    if ('error' in checked) problems.push(`API key variable: ${checked.error}`);
    else apiKey = `\${${checked.name}}`;
  }
  if (tls.kind === 'ca' && tls.caFile === '') problems.push('a CA file is needed');
  if (tls.kind === 'mtls' && (tls.certFile === '' || tls.keyFile === '')) problems.push('mTLS needs both a certificate and a key file');
  if (problems.length > 0) throw new TemporalSetupError(`cannot set up Temporal: ${problems.join('; ')}`);

  const section: TemporalSectionValues = {
    target_host: answers.address,
    namespace: answers.namespace,
    task_queue: answers.taskQueue,
  };
  if (tls.kind !== 'none') {
    const files: NonNullable<Exclude<TemporalSectionValues['tls'], true>> = {};
    if (tls.kind !== 'system' && tls.caFile) files.ca_file = tls.caFile;
    if (tls.kind === 'mtls') {
      files.cert_file = tls.certFile;
      files.key_file = tls.keyFile;
    }
    if (tls.serverName) files.server_name = tls.serverName;
    section.tls = Object.keys(files).length === 0 ? true : files;
  }
  if (apiKey !== undefined) section.api_key = apiKey;
  return section;
}

// ---------------------------------------------------------------------------------------------
// Reading what is there

function rawTemporal(text: string): { configured: boolean; section: Record<string, unknown> } {
  const data = parseYamlText(text, 'aidp.yml');
  if (!isPlainObject(data) || !('temporal' in data)) return { configured: false, section: {} };
  const section = data.temporal;
  return { configured: true, section: isPlainObject(section) ? section : {} };
}

const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\]):[0-9]+$/;
const CLOUD_HOST = /\.(?:tmprl\.cloud|api\.temporal\.io):[0-9]+$/;

function tlsFromRaw(raw: unknown): SetupTls | undefined {
  if (raw === undefined || raw === false) return { kind: 'none' };
  if (raw === true) return { kind: 'system' };
  if (!isPlainObject(raw)) return undefined;
  const str = (key: string) => (typeof raw[key] === 'string' ? raw[key] : undefined);
  const [caFile, certFile, keyFile, serverName] = [str('ca_file'), str('cert_file'), str('key_file'), str('server_name')];
  const name = serverName !== undefined ? { serverName } : {};
  if (certFile !== undefined && keyFile !== undefined) {
    return { kind: 'mtls', certFile, keyFile, ...(caFile !== undefined ? { caFile } : {}), ...name };
  }
  if (caFile !== undefined) return { kind: 'ca', caFile, ...name };
  return { kind: 'system', ...name };
}

/**
 * What the `temporal` section of `text` says, as answers: the wizard's defaults. Values are as
 * written (`${VAR}` references are not expanded). Throws a `ConfigError` when the text is not YAML.
 */
export function currentTemporalSetup(text: string): CurrentTemporalSetup {
  const { configured, section } = rawTemporal(text);
  const current: CurrentTemporalSetup = { configured, apiKeyIsLiteral: false };
  if (!configured) return current;
  const str = (key: string) => (typeof section[key] === 'string' ? section[key] : undefined);
  const address = str('target_host');
  const namespace = str('namespace');
  const taskQueue = str('task_queue');
  const tls = tlsFromRaw(section.tls);
  if (address !== undefined) current.address = address;
  if (namespace !== undefined) current.namespace = namespace;
  if (taskQueue !== undefined) current.taskQueue = taskQueue;
  if (tls !== undefined) current.tls = tls;
  if (section.enabled !== undefined) current.enabled = section.enabled;
  const apiKey = section.api_key;
  if (typeof apiKey === 'string') {
    const name = REFERENCE.exec(apiKey)?.[1];
    if (name !== undefined) current.apiKeyEnv = name;
    else current.apiKeyIsLiteral = true;
  } else if (apiKey !== undefined && apiKey !== null) {
    current.apiKeyIsLiteral = true;
  }
  const host = address ?? 'localhost:7233';
  if (apiKey !== undefined && apiKey !== null) current.mode = 'cloud';
  else if (CLOUD_HOST.test(host)) current.mode = 'cloud';
  else if (LOCAL_HOST.test(host) && (tls === undefined || tls.kind === 'none')) current.mode = 'local';
  else current.mode = 'self-hosted';
  return current;
}

// ---------------------------------------------------------------------------------------------
// Changes, for the summary shown before writing

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, `${prefix}.${key}`, out);
    return;
  }
  if (value !== undefined && value !== null) out.set(prefix, value);
}

function shown(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Only a `${NAME}` reference is safe to show; anything else in api_key is a secret.
  if (key === 'temporal.api_key' && !(typeof value === 'string' && REFERENCE.test(value))) return '***';
  return text;
}

function managedValues(section: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of MANAGED) {
    // `tls: false` is the default spelled out: nothing to show as removed beyond the key itself.
    if (section[key] !== undefined) out[key] = section[key];
  }
  return out;
}

function changesBetween(before: Record<string, unknown>, after: TemporalSectionValues): TemporalChange[] {
  const old = new Map<string, unknown>();
  const next = new Map<string, unknown>();
  flatten(managedValues(before), 'temporal', old);
  flatten(after, 'temporal', next);
  const changes: TemporalChange[] = [];
  for (const [key, value] of next) {
    const previous = old.get(key);
    if (previous === undefined) changes.push({ key, after: shown(key, value) });
    else if (previous !== value) changes.push({ key, before: shown(key, previous), after: shown(key, value) });
  }
  for (const [key, value] of old) {
    if (!next.has(key)) changes.push({ key, before: shown(key, value) });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Merging into the text

type Wanted = string | boolean | Record<string, string> | undefined;

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Edits one file's text by replacing the ranges of managed keys, never anything else. */
class TextEditor {
  readonly splices: Splice[] = [];
  readonly eol: string;
  readonly step: number;

  constructor(readonly text: string, root: YAMLMap | null) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.step = this.indentStep(root);
  }

  /** The indentation one level adds in this file (2 when it cannot tell). */
  private indentStep(root: YAMLMap | null): number {
    for (const pair of root?.items ?? []) {
      const value = pair.value as Node | null;
      if (isMap(value) && !value.flow && value.items.length > 0) {
        const column = this.column(value.items[0]!);
        if (column > 0) return column - this.column(pair);
      }
    }
    return 2;
  }

  lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** The end of the line `pos` is on, after its newline; `pos` itself when a line just ended there. */
  lineEnd(pos: number): number {
    if (pos > 0 && this.text[pos - 1] === '\n') return pos;
    const newline = this.text.indexOf('\n', pos);
    return newline === -1 ? this.text.length : newline + 1;
  }

  column(pair: Pair): number {
    const start = (pair.key as Node).range![0];
    return start - this.lineStart(start);
  }

  pairStart(pair: Pair): number {
    return this.lineStart((pair.key as Node).range![0]);
  }

  pairEnd(pair: Pair): number {
    const value = pair.value as Node | null;
    return this.lineEnd(value?.range ? value.range[1] : (pair.key as Node).range![1]);
  }

  /** `key: value` as block YAML at `column`, ending with a newline. */
  renderPair(key: string, value: unknown, column: number): string {
    const body = stringify({ [key]: value }, { indent: this.step, lineWidth: 0 });
    const pad = ' '.repeat(column);
    return body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => `${pad}${line}${this.eol}`)
      .join('');
  }

  /** A scalar in the style the old one was written in (quotes stay quotes). */
  renderScalar(value: string | boolean, old: Node): string {
    const type = isScalar(old) ? old.type : undefined;
    if (typeof value === 'string' && type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (typeof value === 'string' && type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
    return stringify(value, { lineWidth: 0 }).trimEnd();
  }

  replace(start: number, end: number, text: string): void {
    this.splices.push({ start, end, text });
  }

  /** Inserting at `pos`: a newline first when the text ends there without one. */
  insert(pos: number, text: string): void {
    const needsNewline = pos === this.text.length && pos > 0 && !this.text.endsWith('\n');
    this.replace(pos, pos, `${needsNewline ? this.eol : ''}${text}`);
  }

  apply(): string {
    const ordered = this.splices.map((s, i) => ({ ...s, i })).sort((a, b) => a.start - b.start || a.i - b.i);
    let out = '';
    let cursor = 0;
    for (const splice of ordered) {
      out += this.text.slice(cursor, splice.start) + splice.text;
      cursor = Math.max(cursor, splice.end);
    }
    return out + this.text.slice(cursor);
  }

  /**
   * Sets the `managed` keys of a block map to `wanted` (undefined removes a key). Keys in `order`
   * but not in `managed` are left alone and only decide where new keys go: after the last key that
   * precedes them in `order`, or before the map's first key.
   */
  editMap(map: YAMLMap, wanted: Record<string, Wanted>, order: readonly string[], managed: readonly string[]): void {
    const find = (key: string) => map.items.find((p) => isScalar(p.key) && p.key.value === key);
    const column = this.column(map.items[0]!);
    let insertAt = this.pairStart(map.items[0]!);
    for (const key of order) {
      const pair = find(key);
      if (!managed.includes(key)) {
        if (pair) insertAt = this.pairEnd(pair);
        continue;
      }
      const want = wanted[key];
      if (!pair) {
        if (want !== undefined) this.insert(insertAt, this.renderPair(key, want, column));
        continue;
      }
      const start = this.pairStart(pair);
      const end = this.pairEnd(pair);
      insertAt = end;
      const value = pair.value as Node | null;
      if (want === undefined) {
        this.replace(start, end, '');
      } else if (isPlainObject(want)) {
        if (isMap(value) && !value.flow && value.items.length > 0) this.editMap(value, want, TLS_KEYS, TLS_KEYS);
        else this.replace(start, end, this.renderPair(key, want, column));
      } else if (isScalar(value) && this.inline(pair, value)) {
        if (value.value !== want) this.replace(value.range![0], value.range![1], this.renderScalar(want, value));
      } else {
        this.replace(start, end, this.renderPair(key, want, column));
      }
    }
  }

  /** A scalar written on its key's line, which can be replaced in place. */
  private inline(pair: Pair, value: Scalar): boolean {
    const [start, end] = value.range!;
    if (end <= start || value.value === null) return false;
    if (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED') return false;
    const keyEnd = (pair.key as Node).range![1];
    return !this.text.slice(keyEnd, start).includes('\n') && value.anchor === undefined && value.tag === undefined;
  }
}

function wantedTemporal(section: TemporalSectionValues): Record<string, Wanted> {
  return { target_host: section.target_host, namespace: section.namespace, task_queue: section.task_queue, tls: section.tls, api_key: section.api_key };
}

/** The section as an ordered plain object, for writing it whole. */
function sectionObject(base: Record<string, unknown>, section: TemporalSectionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (base.enabled !== undefined) out.enabled = base.enabled;
  for (const [key, value] of Object.entries(wantedTemporal(section))) if (value !== undefined) out[key] = value;
  for (const [key, value] of Object.entries(base)) {
    if (!(TEMPORAL_ORDER as readonly string[]).includes(key)) out[key] = value;
  }
  return out;
}

/**
 * Merges the answers into the `temporal` section of an aidp.yml's text and returns the new text with
 * the list of changes. Only `target_host`, `namespace`, `task_queue`, `tls` and `api_key` are
 * written; `tls` and `api_key` are removed when the answers do not need them. Everything else —
 * other keys and sections, comments, blank lines, quoting — is kept byte for byte. An empty text
 * gets a new `temporal` section; so does a file without one (at its end).
 *
 * Throws a `ConfigError` when `text` is not valid YAML (with its line and column), and a
 * {@link TemporalSetupError} for answers that cannot be written or a file whose top level is not a
 * block mapping.
 */
export function updateTemporalSection(
  text: string,
  answers: TemporalSetupAnswers,
): { text: string; changes: TemporalChange[] } {
  const section = temporalSectionFromAnswers(answers);
  const { section: before } = rawTemporal(text);
  const changes = changesBetween(before, section);
  if (changes.length === 0) return { text, changes };

  const doc = parseDocument(text, { uniqueKeys: true });
  const root = doc.contents as Node | null;
  if (root !== null && !(isMap(root) && !root.flow)) {
    throw new TemporalSetupError(
      'cannot edit this file: its top level is not a block mapping of sections (temporal:, github:, …); edit the temporal section by hand',
    );
  }
  const editor = new TextEditor(text, root);
  const temporalPair = root?.items.find((p) => isScalar(p.key) && p.key.value === 'temporal');
  if (!temporalPair) {
    // A new section goes at the end, after a blank line when the file has something in it.
    const gap = text.trim() === '' ? '' : editor.eol;
    editor.insert(text.length, gap + editor.renderPair('temporal', sectionObject({}, section), 0));
    return { text: editor.apply(), changes };
  }
  const value = temporalPair.value as Node | null;
  if (isMap(value) && !value.flow && value.items.length > 0) {
    editor.editMap(value, wantedTemporal(section), TEMPORAL_ORDER, MANAGED);
  } else {
    // `temporal:` with nothing under it, or written inline: write the section whole.
    const base = isPlainObject(before) ? before : {};
    const column = editor.column(temporalPair);
    editor.replace(editor.pairStart(temporalPair), editor.pairEnd(temporalPair), editor.renderPair('temporal', sectionObject(base, section), column));
  }
  return { text: editor.apply(), changes };
}
