/**
 * Loading: discover → parse → plain data → interpolate → environment → flags → validate →
 * cross-field rules → normalise. Each step is a small function of its inputs; `env` is always a
 * parameter so nothing here reads or changes the process environment unless the caller passes
 * `process.env`.
 */
import path from 'node:path';

import { discoverConfig, displayPath } from './discover.js';
import { ConfigError, describeValue, makeIssue, type ConfigIssue } from './errors.js';
import { interpolateConfig } from './interpolate.js';
import { applyEnvironment, applyOverrides, type ConfigOverride } from './overlay.js';
import { dropNullEntries } from './parse.js';
import { cloneData, formatKeyPath, isPlainObject, type PathSegment } from './paths.js';
import { checkPlainData } from './plain-data.js';
import { checkCrossFieldRules } from './rules.js';
import { AidpConfigSchema, type AidpConfig } from './schema.js';
import { schemaLeaves } from './schema-walk.js';
import { Provenance, type ConfigSources } from './sources.js';
import { validateConfig } from './validate.js';

/** The resolved configuration and where every value came from. */
export interface LoadedConfig {
  /** The validated, normalised configuration. */
  config: AidpConfig;
  /** Absolute path of the config file, or null when there is none (defaults and environment only). */
  filepath: string | null;
  /** Every leaf key path of `config` → where its value came from. */
  sources: ConfigSources;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Directory to search from and to resolve relative paths against; default `process.cwd()`. */
  cwd?: string;
  /** Config file to use instead of searching (`--config`); it must exist. */
  configFile?: string;
  /** Environment for `${VAR}`, the overlay variables and `AIDP_CONFIG`; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Command-line values, applied last. */
  overrides?: readonly ConfigOverride[];
  /** Last directory the search looks in; default: the filesystem root. */
  stopDir?: string;
}

/** Options for {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /** The file `raw` was read from (absolute, or relative to `cwd`); null or absent for none. */
  filepath?: string | null;
  /** Working directory: file paths in messages are shown relative to it; default `process.cwd()`. */
  cwd?: string;
  /** Environment; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Command-line values, applied last. */
  overrides?: readonly ConfigOverride[];
}

/**
 * Makes the file paths in the configuration absolute: a path written in the config file is relative
 * to that file's directory (so the config works from any subdirectory), a path from a flag or the
 * environment is relative to the working directory.
 */
export function resolveConfigPaths(config: AidpConfig, provenance: Provenance, base: { cwd: string; filepath: string | null }): AidpConfig {
  const out = cloneData(config);
  const tls = out.temporal.tls;
  if (typeof tls !== 'object') return out;
  for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
    const value = tls[key];
    if (value === undefined || path.isAbsolute(value)) continue;
    const source = provenance.sourceOf(['temporal', 'tls', key]);
    const dir = source.kind === 'file' && base.filepath ? path.dirname(base.filepath) : base.cwd;
    tls[key] = path.resolve(dir, value);
  }
  return out;
}

/** Every leaf key path of `config` (in schema order) with the source of its value. */
export function collectSources(config: AidpConfig, provenance: Provenance): ConfigSources {
  const sources: ConfigSources = {};
  schemaLeaves(AidpConfigSchema, config, (keyPath) => {
    sources[formatKeyPath(keyPath)] = provenance.sourceOf(keyPath);
  });
  return sources;
}

/**
 * Everything after reading the file: interpolation, the environment and flag layers, validation,
 * cross-field rules and normalisation. `raw` is the file's content as data (`{}` or undefined for no
 * file). Throws a {@link ConfigError} listing every problem found.
 */
export function resolveConfig(raw: unknown, options: ResolveConfigOptions = {}): LoadedConfig {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const filepath = options.filepath ? path.resolve(cwd, options.filepath) : null;
  const fileLabel = filepath ? displayPath(filepath, cwd) : 'config';

  const input = raw ?? {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([
      makeIssue({
        source: fileLabel,
        keyPath: '',
        expected: 'an object with the sections temporal, github, agent, work_loop, metrics, logging',
        found: describeValue(input),
      }),
    ]);
  }

  const issues: ConfigIssue[] = [];
  const failedPaths: PathSegment[][] = [];
  const provenance = new Provenance(filepath ? fileLabel : 'defaults');

  const plain = checkPlainData(input, fileLabel);
  issues.push(...plain.issues);
  failedPaths.push(...plain.failedPaths);
  const dropped = dropNullEntries(plain.value ?? {});
  const data = isPlainObject(dropped) ? dropped : {};

  const interpolated = interpolateConfig(data, env, fileLabel);
  issues.push(...interpolated.issues);
  failedPaths.push(...interpolated.failedPaths);
  provenance.recordFile(interpolated.value, fileLabel, interpolated.variables);

  const withEnv = applyEnvironment(interpolated.value, env, provenance);
  issues.push(...withEnv.issues);
  failedPaths.push(...withEnv.failedPaths);

  const withFlags = applyOverrides(withEnv.value, options.overrides ?? [], provenance);
  issues.push(...withFlags.issues);
  failedPaths.push(...withFlags.failedPaths);

  const sourceOf = (keyPath: readonly PathSegment[]) => provenance.labelOf(keyPath);
  const validated = validateConfig(withFlags.value, { sourceOf, skip: failedPaths });
  issues.push(...validated.issues);
  if (validated.config) issues.push(...checkCrossFieldRules(validated.config, sourceOf));
  if (issues.length > 0 || !validated.config) throw new ConfigError(issues);

  const config = resolveConfigPaths(validated.config, provenance, { cwd, filepath });
  return { config, filepath, sources: collectSources(config, provenance) };
}

/**
 * Finds, reads and resolves the configuration: the file given by `configFile` or `AIDP_CONFIG`, or
 * the nearest config file from `cwd` upward; with no file at all, the defaults (plus environment and
 * flags). Throws a {@link ConfigError} that lists every problem with its file, key path, what was
 * expected and what was found.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const discovered = await discoverConfig({
    cwd,
    env,
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    ...(options.stopDir !== undefined ? { stopDir: options.stopDir } : {}),
  });
  return resolveConfig(discovered?.raw ?? {}, {
    filepath: discovered?.filepath ?? null,
    cwd,
    env,
    overrides: options.overrides ?? [],
  });
}
