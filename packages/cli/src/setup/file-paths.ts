import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Paths of certificate files: typed relative to the working directory, written relative to the
 * config file (which is how the loader reads them), shown relative to the working directory again.
 */
export class SetupPaths {
  constructor(
    private readonly cwd: string,
    private readonly fileDir: string,
  ) {}

  absolute(typed: string): string {
    const expanded = typed === '~' || typed.startsWith('~/') ? path.join(homedir(), typed.slice(1)) : typed;
    return path.resolve(this.cwd, expanded);
  }

  /** What goes into the file for a path the person typed. */
  written(typed: string): string {
    const absolute = this.absolute(typed);
    if (path.isAbsolute(typed) || typed.startsWith('~')) return absolute;
    return path.relative(this.fileDir, absolute) || '.';
  }

  /** A path from the file, as the person would type it. */
  shown(written: string): string {
    const absolute = path.resolve(this.fileDir, written);
    if (path.isAbsolute(written)) return written;
    const relative = path.relative(this.cwd, absolute);
    return relative === '' ? '.' : relative;
  }

  /** What is wrong with a path that must name a PEM file, or undefined. */
  problem(typed: string): string | undefined {
    const absolute = this.absolute(typed);
    if (!existsSync(absolute)) return `no file at ${absolute}: give the path of an existing file (relative paths start from ${this.cwd})`;
    if (!statSync(absolute).isFile()) return `${absolute} is not a file`;
    // Temporal reads PEM only; a DER file or the wrong file fails later with an OpenSSL message.
    if (!readFileSync(absolute, 'utf8').includes('-----BEGIN ')) return `${absolute} is not a PEM file (it has no "-----BEGIN" line)`;
    return undefined;
  }
}
