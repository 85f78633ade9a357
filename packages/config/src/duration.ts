/**
 * Durations in aidp.yml are seconds. A value may be a positive number of seconds (`90`, `0.5`) or a
 * string with units (`"500ms"`, `"90s"`, `"10m"`, `"1h"`, `"1d"`, `"1h30m"`, or `"90"` for seconds);
 * loading normalises every duration to a number of seconds.
 */

/** A duration string: a bare number of seconds, or one or more `<number><unit>` parts. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?|(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** Shows a number of seconds the way a user writes a duration: `24d`, `10m`, `90s`, `500ms`. */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}

/** What a duration looks like, as error messages say it, with its range (1 ms to `maxSeconds`). */
export function durationExpected(maxSeconds: number): string {
  return `a duration from 1ms to ${formatSeconds(maxSeconds)} (seconds, or a string like "30s", "10m")`;
}

/**
 * Parses a duration to seconds. Returns undefined for anything that is not a positive duration, so
 * callers decide how to report it.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  let seconds = 0;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    seconds = Number(text);
  } else {
    for (const match of text.matchAll(PART)) {
      seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
    }
  }
  // Rounded to whole milliseconds: that is the resolution Temporal works in.
  seconds = Math.round(seconds * 1000) / 1000;
  return seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

/** Seconds to whole milliseconds, the unit Temporal's TypeScript SDK takes for a numeric Duration. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
