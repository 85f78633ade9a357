/**
 * Parsing config text. YAML goes through the `yaml` package so a syntax error points at its line and
 * column (`aidp.yml:3:5: Map keys must be unique`); JSON errors are located the same way. An empty
 * file is an empty configuration. A YAML alias that refers to a node containing it, an alias bomb
 * and data nested too deeply to read are errors of the file too, never a stack overflow or a hang.
 */
import { isAlias, isCollection, isNode, isPair, LineCounter, parseDocument, type Document } from 'yaml';

import { ConfigError, makeIssue } from './errors.js';
import { isPlainObject, setOwn } from './paths.js';

function syntaxError(source: string, what: string, reason: string, line?: number, column?: number): ConfigError {
  return new ConfigError([
    makeIssue({
      source,
      keyPath: '',
      expected: `valid ${what}`,
      found: reason,
      message: reason,
      ...(line !== undefined ? { line, column: column ?? 1 } : {}),
    }),
  ]);
}

/** Alias expansions a YAML file may make (the `yaml` package's measure); a bomb makes millions. */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * Nesting the YAML walk below follows before giving up. Far beyond any configuration (the loader
 * refuses more than 32 levels with the key path); this bound only keeps the walk off the stack limit.
 */
const MAX_YAML_NESTING = 1000;

const NESTED_TOO_DEEPLY = 'the data is nested too deeply to read';

/** Says a failure of the `yaml` package in a user's words. */
function yamlReason(error: unknown): string {
  if (error instanceof RangeError) return NESTED_TOO_DEEPLY;
  const message = error instanceof Error ? error.message : String(error);
  if (/Excessive alias count/i.test(message)) {
    return `too many YAML alias expansions (more than ${MAX_YAML_ALIAS_COUNT}): the file expands into far more data than it holds; write the values out or use fewer aliases`;
  }
  if (/Maximum call stack/i.test(message)) return NESTED_TOO_DEEPLY;
  return message;
}

class YamlStructureError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Finds an alias that names a node containing it (`a: &x [*x]`). The `yaml` package would build a
 * circular value from it, which every later step would follow forever; it is a mistake in the file,
 * so it is reported at the alias. Anchors are registered in document order, before their children,
 * which is how `yaml` resolves an alias (the last anchor of that name before it).
 */
function checkAliases(doc: Document): void {
  const anchors = new Map<string, unknown>();
  const ancestors = new Set<unknown>();
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_YAML_NESTING) throw new YamlStructureError(NESTED_TOO_DEEPLY, undefined);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined && ancestors.has(target)) {
        throw new YamlStructureError(`alias *${node.source} refers to a node that contains it (a recursive alias)`, node.range?.[0]);
      }
      return;
    }
    if (!isNode(node)) return;
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) return;
    ancestors.add(node);
    for (const item of node.items) {
      if (isPair(item)) {
        walk(item.key, depth + 1);
        walk(item.value, depth + 1);
      } else {
        walk(item, depth + 1);
      }
    }
    ancestors.delete(node);
  };
  walk(doc.contents, 0);
}

/**
 * Parses YAML text. Throws a {@link ConfigError} naming `source` and the line and column of the
 * first syntax error (later errors are usually consequences of the first), of an alias that refers
 * to itself, or of too many alias expansions (a "billion laughs" file).
 */
export function parseYamlText(text: string, source: string): unknown {
  if (text.trim() === '') return {};
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  } catch (error) {
    throw syntaxError(source, 'YAML', yamlReason(error));
  }
  const first = doc.errors[0];
  if (first) {
    const { line, column } = at(first.pos[0]);
    throw syntaxError(source, 'YAML', yamlReason(first), line, column);
  }
  try {
    checkAliases(doc);
  } catch (error) {
    if (!(error instanceof YamlStructureError)) throw syntaxError(source, 'YAML', yamlReason(error));
    const { line, column } = at(error.offset);
    throw syntaxError(source, 'YAML', error.message, line, column);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    throw syntaxError(source, 'YAML', yamlReason(error));
  }
  return value ?? {};
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Parses JSON text; a syntax error names `source` with its line and column when they are known. */
export function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof RangeError) throw syntaxError(source, 'JSON', NESTED_TOO_DEEPLY);
    const message = error instanceof Error ? error.message : String(error);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/ \(line \d+ column \d+\)$/, '')
      // The parser quotes the text it stopped at, line breaks included; a message is one line.
      .replace(/\r?\n/g, '\\n');
    const position = /at position (\d+)/.exec(message)?.[1];
    if (position !== undefined) {
      const { line, column } = lineAndColumn(text, Number(position));
      throw syntaxError(source, 'JSON', reason, line, column);
    }
    if (/Unexpected end of JSON input/.test(message)) {
      const { line, column } = lineAndColumn(text, text.length);
      throw syntaxError(source, 'JSON', reason, line, column);
    }
    throw syntaxError(source, 'JSON', reason);
  }
}

/**
 * Drops object keys whose value is null: in YAML `api_key:` with nothing after it, or a section
 * whose keys are all commented out, means "not set", so the default applies.
 */
export function dropNullEntries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => (isPlainObject(item) ? dropNullEntries(item) : item));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    setOwn(out, key, dropNullEntries(item));
  }
  return out;
}
