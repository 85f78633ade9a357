/**
 * Finding and reading the config file with cosmiconfig.
 *
 * cosmiconfig 9 searches only the start directory by default, and its "global" strategy (the one that
 * walks upward) also reads a per-user config folder and stops at the home directory. AIDP wants a
 * project file found from any subdirectory and nothing outside the project tree, so it asks
 * cosmiconfig about one directory at a time, walking up to `stopDir` (default: the filesystem root).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';

import { ConfigError, makeIssue } from './errors.js';
import { parseJsonText, parseYamlText } from './parse.js';

/** Places searched in each directory, in order; `package.json` is read for its `aidp` key. */
export const SEARCH_PLACES = [
  'aidp.yml',
  'aidp.yaml',
  '.aidp/aidp.yml',
  '.aidprc',
  '.aidprc.json',
  '.aidprc.yaml',
  '.aidprc.yml',
  'aidp.config.js',
  'aidp.config.cjs',
  'aidp.config.mjs',
  'aidp.config.ts',
  'package.json',
] as const;

/** The environment variable that names a config file when none is given explicitly. */
export const CONFIG_FILE_ENV = 'AIDP_CONFIG';

/** Where to look for the config file. */
export interface DiscoverOptions {
  /** Directory the search starts from; relative paths are resolved against it. */
  cwd: string;
  /** An explicit config file; it must exist. */
  configFile?: string;
  /** Environment, for `AIDP_CONFIG`. */
  env: Record<string, string | undefined>;
  /** Last directory searched (inclusive); default: the filesystem root. */
  stopDir?: string;
}

/** A config file that was found and read, before interpolation and validation. */
export interface DiscoveredConfig {
  /** Absolute path of the file. */
  filepath: string;
  /** The file's content as data (`{}` for an empty file). */
  raw: unknown;
}

/** A path as messages show it: relative to `cwd` when the file is inside it. */
export function displayPath(filepath: string, cwd: string): string {
  const relative = path.relative(cwd, filepath);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative;
  return filepath;
}

function loadError(source: string, reason: string): ConfigError {
  return new ConfigError([makeIssue({ source, keyPath: '', expected: 'a config file that loads', found: reason, message: reason })]);
}

function createExplorer(cwd: string) {
  const show = (filepath: string) => displayPath(filepath, cwd);
  const yamlLoader: Loader = (filepath, content) => parseYamlText(content, show(filepath));
  const jsonLoader: Loader = (filepath, content) => parseJsonText(content, show(filepath));
  const wrap =
    (loader: Loader): Loader =>
    async (filepath, content) => {
      try {
        return (await loader(filepath, content)) as unknown;
      } catch (error) {
        const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        throw loadError(show(filepath), `cannot load: ${reason}`);
      }
    };
  return cosmiconfig('aidp', {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    // An empty aidp.yml is a valid (empty) configuration: it must not send the search upward.
    ignoreEmptySearchPlaces: false,
    cache: false,
    loaders: {
      '.yml': yamlLoader,
      '.yaml': yamlLoader,
      noExt: yamlLoader,
      default: yamlLoader,
      '.json': jsonLoader,
      '.js': wrap(defaultLoaders['.js']),
      '.cjs': wrap(defaultLoaders['.cjs']),
      '.mjs': wrap(defaultLoaders['.mjs']),
      '.ts': wrap(defaultLoaders['.ts']),
    },
  });
}

function asConfigError(error: unknown, fallbackSource: string, cwd: string): ConfigError {
  if (error instanceof ConfigError) return error;
  const filepath = (error as { filepath?: unknown } | null)?.filepath;
  const source = typeof filepath === 'string' ? displayPath(filepath, cwd) : fallbackSource;
  return loadError(source, error instanceof Error ? error.message : String(error));
}

function isPackageJson(filepath: string): boolean {
  return path.basename(filepath) === 'package.json';
}

async function loadExplicit(filepath: string, cwd: string, namedBy: string | undefined): Promise<DiscoveredConfig> {
  const shown = displayPath(filepath, cwd);
  const via = namedBy ? ` (named by ${namedBy})` : '';
  let isFile: boolean;
  try {
    isFile = (await stat(filepath)).isFile();
  } catch {
    throw new ConfigError([
      makeIssue({
        source: shown,
        keyPath: '',
        expected: 'an existing config file',
        found: 'no such file',
        message: `config file not found${via}`,
      }),
    ]);
  }
  if (!isFile) throw loadError(shown, `not a file${via}`);
  let result;
  try {
    result = await createExplorer(cwd).load(filepath);
  } catch (error) {
    throw asConfigError(error, shown, cwd);
  }
  if (result === null) {
    // Only a package.json without an "aidp" key reads as nothing.
    throw loadError(shown, 'has no "aidp" key');
  }
  return { filepath, raw: result.isEmpty ? {} : (result.config as unknown) };
}

/**
 * Finds and reads the config file: `configFile` if given, else the file named by `AIDP_CONFIG`, else
 * the first of {@link SEARCH_PLACES} in `cwd` or a directory above it. Returns null when there is
 * none. Throws a {@link ConfigError} for a named file that does not exist or a file that does not
 * parse.
 */
export async function discoverConfig(options: DiscoverOptions): Promise<DiscoveredConfig | null> {
  const cwd = path.resolve(options.cwd);
  const fromEnv = options.env[CONFIG_FILE_ENV];
  if (options.configFile !== undefined && options.configFile !== '') {
    return loadExplicit(path.resolve(cwd, options.configFile), cwd, undefined);
  }
  if (fromEnv !== undefined && fromEnv !== '') {
    return loadExplicit(path.resolve(cwd, fromEnv), cwd, CONFIG_FILE_ENV);
  }

  const explorer = createExplorer(cwd);
  const stopDir = options.stopDir === undefined ? undefined : path.resolve(cwd, options.stopDir);
  let dir = cwd;
  for (;;) {
    let result;
    try {
      result = await explorer.search(dir);
    } catch (error) {
      throw asConfigError(error, displayPath(dir, cwd), cwd);
    }
    // An empty package.json is not an AIDP config; anything else found here is.
    if (result !== null && !(result.isEmpty && isPackageJson(result.filepath))) {
      return { filepath: result.filepath, raw: result.isEmpty ? {} : (result.config as unknown) };
    }
    const parent = path.dirname(dir);
    if (dir === stopDir || parent === dir) return null;
    dir = parent;
  }
}
