/**
 * Parsing config text. YAML goes through the `yaml` package so a syntax error points at its line and
 * column (`aidp.yml:3:5: Map keys must be unique`); JSON errors are located the same way. An empty
 * file is an empty configuration.
 */
import { LineCounter, parseDocument } from 'yaml';

import { ConfigError, makeIssue } from './errors.js';
import { isPlainObject } from './paths.js';

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

/**
 * Parses YAML text. Throws a {@link ConfigError} naming `source` and the line and column of the
 * first syntax error (later errors are usually consequences of the first).
 */
export function parseYamlText(text: string, source: string): unknown {
  if (text.trim() === '') return {};
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw syntaxError(source, 'YAML', first.message, pos.line, pos.col);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw syntaxError(source, 'YAML', error instanceof Error ? error.message : String(error));
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
    const message = error instanceof Error ? error.message : String(error);
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
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
    out[key] = dropNullEntries(item);
  }
  return out;
}
