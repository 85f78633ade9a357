import { execFileSync } from 'node:child_process';
import { commandLine, shellQuote } from '../shell-quote';

/** The words a POSIX shell makes of `line`. */
function wordsOf(line: string): string[] {
  const out = execFileSync('sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shell quoting of printed hints', () => {
  const words = [
    'aidp-workloop-fix-tests-1a2b3c4d',
    'has space',
    "it's",
    '$HOME',
    '`date`',
    'a;b',
    'a|b',
    '*',
    '~',
    'ü',
    '',
    'a\nb',
    '"q"',
    'x\\y',
    'owner/repo#1',
  ];

  it.each(words)('hands %j back to the command unchanged', (word) => {
    expect(wordsOf(`x ${shellQuote(word)}`)).toEqual(['x', word]);
  });

  it('leaves plain ids as they are', () => {
    expect(shellQuote('aidp-workloop-fix-tests-1a2b3c4d')).toBe('aidp-workloop-fix-tests-1a2b3c4d');
    expect(commandLine(['aidp', 'temporal', 'status'], ['has space'], ['--follow'])).toBe("aidp temporal status 'has space' --follow");
  });

  it('puts an argument that starts with "-" after "--", options first', () => {
    expect(commandLine(['aidp', 'temporal', 'status'], ['-x'], ['--follow'])).toBe('aidp temporal status --follow -- -x');
  });
});
