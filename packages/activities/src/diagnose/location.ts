import { toInt } from './text.js';

// Where a failure points: stack frames and `path:line:col` found in output, with the frames of
// runtimes and dependencies told apart from the project's own.

export interface Location {
  file: string;
  line?: number;
  column?: number;
}

/** Paths that belong to a runtime or a dependency rather than to the project. */
export function isLibraryPath(path: string): boolean {
  return (
    path.startsWith('node:') ||
    path.startsWith('internal/') ||
    path.includes('node_modules/') ||
    path.includes('<anonymous>') ||
    path.startsWith('<') ||
    /(^|\/)(site|dist)-packages\//.test(path) ||
    /(^|\/)lib\/python\d/.test(path) ||
    /(^|\/)go\/src\/(runtime|testing|internal|reflect|sync)\//.test(path) ||
    /(^|\/)(pkg\/mod)\//.test(path)
  );
}

export function cleanPath(path: string): string {
  return path.replace(/^file:\/\//, '');
}

/**
 * A V8 stack frame: `at fn (path:line:col)` or `at path:line:col`. With `requireAt` false the `at`
 * may be missing (node's TAP reporter prints frames without it).
 */
function parseFrame(line: string, requireAt = true): Location | undefined {
  const re = requireAt
    ? /^\s*at\s+(?:[^()]*?\s+\()?((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*\{?\s*$/
    : /^\s*(?:at\s+)?(?:[^()]*?\s+\()?((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*\{?\s*$/;
  const m = re.exec(line);
  if (!m?.[1]) return undefined;
  const file = cleanPath(m[1]);
  return { file, line: toInt(m[2]), column: toInt(m[3]) };
}

export function isStackLine(line: string): boolean {
  return /^\s*at\s+\S/.test(line);
}

/** The first frame in project code among `lines`, if any. */
export function firstUserFrame(lines: string[], requireAt = true): Location | undefined {
  for (const line of lines) {
    const loc = parseFrame(line, requireAt);
    if (loc && !isLibraryPath(loc.file)) return loc;
  }
  return undefined;
}

/** Any `path:line:col` in the lines (for messages that carry a location but no stack). */
export function firstPathLineCol(lines: string[]): Location | undefined {
  for (const line of lines) {
    const m = /((?:[A-Za-z]:)?[\w.@~+\-/\\]*\w\.[A-Za-z]\w*):(\d+):(\d+)/.exec(line);
    if (m?.[1] && !isLibraryPath(m[1])) return { file: m[1], line: toInt(m[2]), column: toInt(m[3]) };
  }
  return undefined;
}
