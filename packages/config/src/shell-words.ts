/**
 * Splits a command line into argv the way a POSIX shell would for the common cases: blanks separate
 * words, single quotes keep text literally, double quotes keep blanks and honour `\"`, `\\`, `\$`
 * and `` \` ``, and a backslash outside quotes keeps the next character. Nothing is expanded: the
 * command is run without a shell, so `$HOME` or `*` stay as written.
 */

/** The argv, or the reason the text cannot be split. */
export type SplitResult = { ok: true; argv: string[] } | { ok: false; reason: string };

/** Splits `text` into argv; see the module comment for the rules. */
export function splitCommandLine(text: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return { ok: false, reason: 'unterminated single quote' };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
      if (!closed) return { ok: false, reason: 'unterminated double quote' };
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) return { ok: false, reason: 'trailing backslash' };
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  return { ok: true, argv };
}
