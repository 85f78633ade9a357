import { failureAt, type ParsedFailure, type RunnerParser } from '../runner.js';
import { cleanMessage, toInt } from '../text.js';

// ESLint's default (stylish) formatter: a file name, then `line:col  error|warning  message  rule` lines.

function parse(check: string, text: string): ParsedFailure[] {
  const errors: ParsedFailure[] = [];
  const warnings: ParsedFailure[] = [];
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const problem = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)\s*$/.exec(line);
    if (problem && file) {
      let message = problem[4] ?? '';
      const rule = /^(.*?)\s{2,}(@?[\w-]+(?:\/[\w-]+)*)$/.exec(message);
      if (rule?.[1]) message = `${rule[1]} (${rule[2] ?? ''})`;
      const loc = { file, line: toInt(problem[1]), column: toInt(problem[2]) };
      if (problem[3] === 'error') errors.push(failureAt(check, 'lint', cleanMessage(message), loc));
      else warnings.push(failureAt(check, 'lint-warning', cleanMessage(`warning: ${message}`), loc));
      continue;
    }
    if (/^\S/.test(line) && !/^[✖×]/.test(line)) file = line.trim();
    else if (line.trim() === '') file = undefined;
  }
  // Warnings fail a check only under `--max-warnings`; when there are errors they are noise.
  return errors.length > 0 ? errors : warnings;
}

export const eslint: RunnerParser = {
  runner: 'eslint',
  detect: (t) => /^\s+\d+:\d+\s+(error|warning)\s+\S/m.test(t),
  parse,
};
