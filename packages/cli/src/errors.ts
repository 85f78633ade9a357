/**
 * An error whose message is written for the person at the terminal: printed as it is, without a stack
 * trace, with exit code 1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

// Errors from our libraries whose messages already say what is wrong and what to do.
const USER_FACING = new Set([
  'CliError',
  'ConfigError',
  'TemporalCliNotFoundError',
  'DevServerStartError',
  'MetricsAddressInUseError',
  'TemporalSetupError',
]);

/** True for errors whose message is meant for the user as it is. */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof Error && USER_FACING.has(error.name);
}
