/**
 * Explain: every key of the resolved configuration with its value and where the value came from,
 * secrets redacted. This is what `aidp temporal config` prints.
 */
import type { LoadedConfig } from './load.js';
import { formatKeyPath } from './paths.js';
import { AidpConfigSchema } from './schema.js';
import { schemaLeaves } from './schema-walk.js';
import { isSecretKey, REDACTED } from './secrets.js';
import { DEFAULT_SOURCE, sourceLabel, type ConfigSource } from './sources.js';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One key of the resolved configuration, as explain shows it. */
export interface ExplainedEntry {
  /** Key path, e.g. `temporal.task_queue`. */
  key: string;
  /** The value as JSON; `null` when an optional key is not set; `"***"` for a set secret. */
  value: JsonValue;
  /** Where the value came from. */
  source: ConfigSource;
  /** The source for people: `default`, `aidp.yml`, `aidp.yml (${TEMPORAL_HOST})`, `env TEMPORAL_HOST`, `flag --namespace`. */
  sourceLabel: string;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/**
 * One entry per leaf of the resolved configuration, in schema order, optional keys that are not set
 * included (as `null`), secrets shown as `"***"`.
 */
export function explainConfig(loaded: LoadedConfig): ExplainedEntry[] {
  const entries: ExplainedEntry[] = [];
  schemaLeaves(AidpConfigSchema, loaded.config, (path, value) => {
    const key = formatKeyPath(path);
    const source = loaded.sources[key] ?? DEFAULT_SOURCE;
    entries.push({
      key,
      value: isSecretKey(key) && value !== undefined && value !== null ? REDACTED : toJson(value),
      source,
      sourceLabel: sourceLabel(source),
    });
  });
  return entries;
}
