// Small readers shared by the adapters. Agent output is untrusted text: every reader returns
// undefined (or skips) on anything unexpected instead of throwing.

/** True when a model was chosen; '' and 'default' leave the CLI's own default. */
export function isModelGiven(model: string): boolean {
  return model !== '' && model !== 'default';
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON-lines event: one object per line. */
export type JsonEvent = Record<string, unknown>;

/** The objects of a JSON-lines text, and the lines that were not JSON objects (the CLI's own messages). */
export function readJsonLines(text: string): { events: JsonEvent[]; other: string[] } {
  const events: JsonEvent[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isObject(value)) {
        events.push(value);
        continue;
      }
    } catch {
      // Not JSON: a message of the CLI's own, kept for classification.
    }
    other.push(trimmed);
  }
  return { events, other };
}
