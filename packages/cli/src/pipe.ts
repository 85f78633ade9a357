/**
 * The exit status when the reader of our output has gone away (`aidp temporal list | head -1`): 141,
 * what a shell reports for git, ls and other programs that SIGPIPE ends (128 + 13). Node ignores
 * SIGPIPE and reports EPIPE on the stream instead, so the CLI exits with that status itself.
 */
export const EXIT_CLOSED_PIPE = 141;

const watched = new WeakSet<NodeJS.WritableStream>();

/**
 * Ends the process quietly — no message, no stack trace — with {@link EXIT_CLOSED_PIPE} once writing to
 * `stream` fails because its reader closed the pipe. Nothing else is worth doing then: there is no one
 * left to read a message.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_CLOSED_PIPE);
    throw error;
  });
}
