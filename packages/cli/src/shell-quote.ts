// Characters a POSIX shell takes literally in any position of a word (after the first one of a
// command, where `=` could start an assignment; hints never begin with a user's value).
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `word` as a POSIX shell reads it back unchanged: as it is when every character is plain, otherwise
 * in single quotes (a single quote inside becomes `'\''`). The empty string is `''`.
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line to print as a hint, every word shell-quoted: `command args options`. When an argument
 * starts with `-`, the options go first and the arguments after a `--`, so that the command reads
 * them as arguments rather than options.
 */
export function commandLine(command: string[], args: string[], options: string[] = []): string {
  const words = args.some((a) => a.startsWith('-')) ? [...command, ...options, '--', ...args] : [...command, ...args, ...options];
  return words.map(shellQuote).join(' ');
}
