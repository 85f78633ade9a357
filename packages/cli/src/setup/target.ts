/**
 * The file `aidp temporal setup` writes: finding it, the configuration a new text of it gives (to
 * test the connection with before anything is written), and writing it and loading it back through
 * the normal loader, so a saved file is known to load.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigError,
  discoverConfig,
  ENVIRONMENT_VARIABLES,
  interpolateConfig,
  loadConfig,
  parseYamlText,
  resolveConfig,
  type AidpConfig,
} from '@aidp/config';
import { CliError } from '../errors.js';

/** The file the wizard writes. */
export interface Target {
  path: string;
  /** As messages show it. */
  shown: string;
  exists: boolean;
  text: string;
}

/** Where the wizard runs: the directory paths start from, and the environment. */
export interface TargetContext {
  cwd: string;
  env: Record<string, string | undefined>;
}

const YAML_FILE = /(?:\.ya?ml|^\.aidprc)$/;

/** The variables that would override the file's temporal keys; the wizard tests the file itself. */
export const TEMPORAL_VARIABLES = ENVIRONMENT_VARIABLES.filter((spec) => spec.keyPath.startsWith('temporal.'));

/** The file named by `--config`, else the one in use from `cwd` upward, else a new ./aidp.yml. */
export async function findTarget(configFile: string | undefined, ctx: TargetContext): Promise<Target> {
  let file: string;
  if (configFile !== undefined && configFile !== '') {
    file = path.resolve(ctx.cwd, configFile);
  } else {
    const found = await discoverConfig({ cwd: ctx.cwd, env: ctx.env });
    file = found?.filepath ?? path.join(ctx.cwd, 'aidp.yml');
  }
  const relative = path.relative(ctx.cwd, file);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  const exists = existsSync(file);
  if (exists && !statSync(file).isFile()) throw new CliError(`${shown} is not a file`);
  if (exists && !YAML_FILE.test(path.basename(file))) {
    throw new CliError(
      `aidp temporal setup edits YAML files, and the configuration in use is ${shown}. ` +
        'Edit its temporal section by hand, or pass --config aidp.yml to write a YAML file instead.',
    );
  }
  return { path: file, shown, exists, text: exists ? await readFile(file, 'utf8') : '' };
}

/** The environment with a stand-in for an API key variable that is not set, so the rest can be checked. */
function withKeyStandIn(env: Record<string, string | undefined>, keyVariable: string | undefined): Record<string, string | undefined> {
  return keyVariable !== undefined && !env[keyVariable] ? { ...env, [keyVariable]: 'unset' } : env;
}

/**
 * The configuration the new text gives. `${VAR}`s are expanded with the real environment, then the
 * TEMPORAL_* overrides are left out, so the test connects with what the file says. An API key
 * variable that is not set is stood in for, so the rest can still be checked.
 */
export function candidateConfig(text: string, target: Target, ctx: TargetContext, keyVariable: string | undefined): AidpConfig {
  const env = withKeyStandIn(ctx.env, keyVariable);
  const data = parseYamlText(text, target.shown);
  const expanded = interpolateConfig(data, env, target.shown);
  if (expanded.issues.length > 0) throw new ConfigError(expanded.issues);
  const fileOnly = { ...env };
  for (const spec of TEMPORAL_VARIABLES) if (spec.variable !== keyVariable) delete fileOnly[spec.variable];
  // resolveConfig interpolates again: a "${" that is now literal text must stay literal.
  return resolveConfig(escapeReferences(expanded.value), { filepath: target.path, cwd: ctx.cwd, env: fileOnly }).config;
}

function escapeReferences(value: unknown): unknown {
  // A function, because "$$" in a replacement string means one "$".
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeReferences);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeReferences(item)]));
  }
  return value;
}

/**
 * Writes the new text and loads the file back with the normal loader; a file that does not load is
 * an error that says so. `unsetKeyVariable`: an API key variable not set here, stood in for.
 */
export async function saveTarget(target: Target, text: string, ctx: TargetContext, unsetKeyVariable: string | undefined): Promise<void> {
  await mkdir(path.dirname(target.path), { recursive: true });
  await writeFile(target.path, text);
  try {
    await loadConfig({ cwd: ctx.cwd, configFile: target.path, env: withKeyStandIn(ctx.env, unsetKeyVariable) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`wrote ${target.shown}, but it does not load:\n${reason}`);
  }
}
