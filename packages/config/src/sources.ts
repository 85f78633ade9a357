/**
 * Where each value came from. Every layer (file, environment, flags) records the key paths it set;
 * a later layer that sets a key replaces what earlier layers recorded at and under it, which is how
 * "defaults < file < environment < flags" shows up in `aidp temporal config`.
 */
import { dataLeaves, formatKeyPath, isPlainObject, isUnder, type PathSegment } from './paths.js';

interface ProvenanceEntry {
  path: PathSegment[];
  source: ConfigSource;
  exactOnly: boolean;
}

/** Where one resolved value came from. */
export type ConfigSource =
  | { kind: 'default' }
  | {
      kind: 'file';
      /** The config file, relative to the working directory when inside it. */
      path: string;
      /** Environment variables the value was interpolated from (`${VAR}`), when any. */
      variables?: string[];
    }
  | { kind: 'env'; variable: string }
  | { kind: 'flag'; flag: string };

/** Leaf key path (e.g. `temporal.task_queue`) → where its value came from. */
export type ConfigSources = Record<string, ConfigSource>;

/** The source every key has until a layer sets it. */
export const DEFAULT_SOURCE: ConfigSource = Object.freeze({ kind: 'default' as const });

/** The layers' record of which key paths they set. */
export class Provenance {
  private readonly entries = new Map<string, ProvenanceEntry>();

  /** @param fallbackLabel What {@link labelOf} names when no layer set anything at or above a path. */
  constructor(private readonly fallbackLabel = 'defaults') {}

  /**
   * Records that `source` set the value at `path`, replacing anything recorded at or under it.
   * `exactOnly` marks an empty object: it is the source of that key, not of the keys under it that
   * keep their defaults (`temporal: {}` in a file does not make every temporal key "from the file").
   */
  set(path: readonly PathSegment[], source: ConfigSource, exactOnly = false): void {
    for (const [key, entry] of this.entries) {
      if (isUnder(entry.path, path)) this.entries.delete(key);
    }
    this.entries.set(formatKeyPath(path), { path: [...path], source, exactOnly });
  }

  /** Records every leaf of a file's data as coming from that file. */
  recordFile(raw: unknown, filePath: string, variables: ReadonlyMap<string, string[]>): void {
    dataLeaves(raw, (path, leaf) => {
      const used = variables.get(formatKeyPath(path));
      const source: ConfigSource =
        used && used.length > 0 ? { kind: 'file', path: filePath, variables: [...used] } : { kind: 'file', path: filePath };
      this.set(path, source, isPlainObject(leaf));
    });
  }

  /** The source of the value at `path`: the entry recorded there or at its nearest ancestor. */
  sourceOf(path: readonly PathSegment[]): ConfigSource {
    for (let length = path.length; length > 0; length--) {
      const entry = this.entries.get(formatKeyPath(path.slice(0, length)));
      if (entry && (length === path.length || !entry.exactOnly)) return entry.source;
    }
    return DEFAULT_SOURCE;
  }

  /**
   * The source an issue at `path` names: file path, variable name or flag. Any recorded ancestor
   * counts (a key missing inside an object the file wrote is the file's problem).
   */
  labelOf(path: readonly PathSegment[]): string {
    for (let length = path.length; length > 0; length--) {
      const entry = this.entries.get(formatKeyPath(path.slice(0, length)));
      if (entry) return sourceName(entry.source);
    }
    return this.fallbackLabel;
  }
}

/** How an issue names a source: `aidp.yml`, `TEMPORAL_TLS`, `--task-queue`, or `defaults`. */
export function sourceName(source: ConfigSource): string {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'env':
      return source.variable;
    case 'flag':
      return source.flag;
    default:
      return 'defaults';
  }
}

/** How explain shows a source: `default`, `aidp.yml`, `aidp.yml (${TEMPORAL_HOST})`, `env X`, `flag --x`. */
export function sourceLabel(source: ConfigSource): string {
  switch (source.kind) {
    case 'file':
      return source.variables && source.variables.length > 0
        ? `${source.path} (${source.variables.map((name) => `\${${name}}`).join(', ')})`
        : source.path;
    case 'env':
      return `env ${source.variable}`;
    case 'flag':
      return `flag ${source.flag}`;
    default:
      return 'default';
  }
}
