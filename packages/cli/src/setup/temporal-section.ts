/**
 * What `aidp temporal setup` writes: the answers turned into the `temporal` keys they stand for,
 * what the file's `temporal` section says today (as answers), and the merge of the new keys into
 * the file's text — only the keys setup manages change; the rest of the file is kept byte for byte
 * by {@link AidpYmlEditor}. The file it produces is checked by `@aidp/config`'s loader, like any
 * other aidp.yml.
 */
import { parseYamlText } from '@aidp/config';
import { AidpYmlEditor, type SectionKeys, type Wanted } from './aidp-yml-editor.js';
import {
  checkAddress,
  checkEnvVarName,
  checkName,
  ENV_REFERENCE,
  type CurrentTemporalSetup,
  type SetupTls,
  type TemporalSetupAnswers,
} from './answers.js';

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

/** Answers that cannot be written; the message says which and why (never showing a secret). */
export class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError';
}

const MANAGED = ['target_host', 'namespace', 'task_queue', 'tls', 'api_key'] as const;
// `enabled` is not managed, but new keys go after it when it leads the section.
const TEMPORAL_ORDER = ['enabled', ...MANAGED] as const;
const TLS_KEYS = ['ca_file', 'cert_file', 'key_file', 'server_name'] as const;
const TEMPORAL_KEYS: SectionKeys = { order: TEMPORAL_ORDER, managed: MANAGED, nested: { tls: TLS_KEYS } };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
    const name = ENV_REFERENCE.exec(apiKey)?.[1];
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
  if (key === 'temporal.api_key' && !(typeof value === 'string' && ENV_REFERENCE.test(value))) return '***';
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

function wantedTemporal(section: TemporalSectionValues): Record<string, Wanted> {
  return {
    target_host: section.target_host,
    namespace: section.namespace,
    task_queue: section.task_queue,
    tls: section.tls,
    api_key: section.api_key,
  };
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
export function updateTemporalSection(text: string, answers: TemporalSetupAnswers): { text: string; changes: TemporalChange[] } {
  const section = temporalSectionFromAnswers(answers);
  const { section: before } = rawTemporal(text);
  const changes = changesBetween(before, section);
  if (changes.length === 0) return { text, changes };

  const editor = AidpYmlEditor.open(text);
  if (editor === undefined) {
    throw new TemporalSetupError(
      'cannot edit this file: its top level is not a block mapping of sections (temporal:, github:, …); edit the temporal section by hand',
    );
  }
  editor.setSection('temporal', wantedTemporal(section), sectionObject(before, section), TEMPORAL_KEYS);
  return { text: editor.apply(), changes };
}
