/**
 * @aidp/cli — the `aidp` command line. Every command is a thin layer over `@aidp/config`,
 * `@aidp/client` and `@aidp/worker`; use those libraries to do the same from code.
 */
export { main, createCli } from './main.js';
export type { AidpContext } from './context.js';
export { CliError } from './errors.js';
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './base-command.js';
