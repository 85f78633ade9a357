/**
 * Sizes in aidp.yml are bytes. A value may be a whole number of bytes (`65536`) or a string with a
 * unit: decimal (`"20MB"`, `"100KB"`, `"1GB"`, `"512B"`) or binary (`"512KiB"`, `"10MiB"`,
 * `"1GiB"`); loading normalises every size to a whole number of bytes, as durations become seconds.
 */

/** A size string: a number, optionally a space, and an optional unit (B, KB, MB, GB, KiB, MiB, GiB). */
export const SIZE_PATTERN = /^(\d+(?:\.\d+)?) ?(B|KB|MB|GB|KiB|MiB|GiB)?$/;

const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** Shows a number of bytes the way a user writes it: `64KiB`, `10MiB`, `1GiB`, else bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** What a size looks like, as error messages say it, with its range. */
export function sizeExpected(min: number, max: number): string {
  return `a size from ${formatSize(min)} to ${formatSize(max)} (bytes, or a string like "512KiB", "10MiB", "20MB")`;
}

/**
 * Parses a size to whole bytes. Returns undefined for anything that is not a positive whole number
 * of bytes (a fraction of a byte, a negative or non-finite number, an unknown unit), so callers
 * decide how to report it.
 */
export function parseSize(value: unknown): number | undefined {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const match = SIZE_PATTERN.exec(value.trim());
    if (!match) return undefined;
    const unit = UNIT_BYTES[match[2] ?? 'B'] ?? Number.NaN;
    // "1.1MB" is 1100000 bytes, not 1100000.0000000002; a bare number is bytes and must be whole.
    bytes = unit === 1 ? Number(match[1]) : Math.round(Number(match[1]) * unit);
  } else {
    return undefined;
  }
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
