import type { BaseContext } from 'clipanion';

/**
 * What an `aidp` command runs with: clipanion's streams, environment and colour depth, and the folder
 * it runs in. The binary fills it from its own process; a test or a host program gives its own, so
 * the commands run in-process and never read `process.cwd()` or `process.env` themselves.
 */
export interface AidpContext extends BaseContext {
  /**
   * The working folder: `aidp.yml` is searched from here upward, and relative paths on the command
   * line (`--task-file`, `--output`, `--project-dir`, …) start here.
   */
  cwd: string;
}
