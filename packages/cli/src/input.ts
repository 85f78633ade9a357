import { UsageError } from 'clipanion';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBytes } from '@aidp/client/contracts';
import type { AidpContext } from './context.js';
import { CliError } from './errors.js';

// What the commands read from the user beyond their options — files, standard input — checked against
// the input limits of the workflow contracts (`@aidp/client/contracts`) before the CLI connects to
// anything, so a mistake costs no round trip and reads as one line naming the flag. (The options
// themselves are checked by their validators, in validators.ts.)

/** Throws a usage error `<label> <problem>` when a contracts validator found a problem. */
export function refuse(label: string, problem: string | undefined): void {
  if (problem !== undefined) throw new UsageError(`${label} ${problem}`);
}

/**
 * A value the user gave, for a message: in double quotes with control characters escaped, and cut
 * short when long, so a message stays one readable line whatever was typed.
 */
export function quoted(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut);
}

/**
 * The text of `path` (`-`: standard input; a relative path starts from the command's working folder),
 * at most `maxBytes`. A regular file's size is checked
 * before a byte is read, so a huge file is refused at once; anything else (a pipe, a device) is read
 * only up to the limit.
 * @throws UsageError when the text is larger than `maxBytes`
 * @throws CliError when the file cannot be read (missing, a folder, no permission)
 */
export async function readTextInput(context: AidpContext, flag: string, path: string, maxBytes: number): Promise<string> {
  if (path === '-') return await readStream(context.stdin, maxBytes);
  const absolute = resolve(context.cwd, path);
  let fd: number;
  try {
    fd = openSync(absolute, 'r');
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${absolute}: ${reason(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CliError(`${flag}: ${absolute} is a folder; give a file`);
    if (stat.isFile() && stat.size > maxBytes) {
      throw new UsageError(`${flag} ${path} is too large: ${formatBytes(stat.size)} (at most ${formatBytes(maxBytes)})`);
    }
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let total = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw new CliError(`${flag}: cannot read ${absolute}: ${reason(error)}`);
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new UsageError(`${flag} ${path} is too large (at most ${formatBytes(maxBytes)})`);
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > maxBytes) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new UsageError(`standard input is too large (at most ${formatBytes(maxBytes)})`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a file operation failed, in words, from its error code. */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return code ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}
