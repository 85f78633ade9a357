// A part's own check: a configured check narrowed to the part's test files and test names. The plan
// only names the check, the files and a name pattern; the command is built here from the configured
// one, every added argument single-quoted, so nothing in an issue or a plan can choose a command.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import type { CheckSpec, PartCheck } from '@aidp/workflows/contracts';

/** What a plan says a part's check covers: test files or folders, and a pattern of test names. */
export interface PartScope {
  files?: string[];
  tests?: string;
}

/** At most this many files in a part's check. */
export const MAX_PART_FILES = 20;
/** The longest name pattern a part's check may have. */
export const MAX_TESTS_PATTERN = 200;

const FILE_CHARS = /^[A-Za-z0-9_./@+-]+$/;
const TESTS_CHARS = /^[A-Za-z0-9 _.,:()'/-]+$/;
const MAX_FILE_LENGTH = 300;

type Kind = 'node' | 'jest' | 'vitest' | 'pytest' | 'go';

/** One word of a command: as written (quotes and all), and as the program receives it. */
interface Word {
  raw: string;
  value: string;
}

/** A test runner's command: the words that start it, and the runner's own arguments after them. */
interface RunnerCommand {
  kind: Kind;
  head: Word[];
  args: Word[];
}

/**
 * How each runner takes options: those whose value may be the next word, its filter by test name, and
 * options that select test files.
 */
const RUNNERS: Record<Kind, { valueOptions: Set<string>; nameOptions: Set<string>; pathOptions?: Set<string> }> = {
  node: {
    valueOptions: new Set([
      '--import',
      '--require',
      '-r',
      '--loader',
      '--experimental-loader',
      '--conditions',
      '-C',
      '--env-file',
      '--input-type',
      '--disable-warning',
      '--title',
      '--watch-path',
      '--test-reporter',
      '--test-reporter-destination',
      '--test-concurrency',
      '--test-timeout',
      '--test-shard',
      '--test-name-pattern',
      '--test-skip-pattern',
      '--test-coverage-include',
      '--test-coverage-exclude',
      '--test-isolation',
      '--test-global-setup',
    ]),
    nameOptions: new Set(['--test-name-pattern']),
  },
  jest: {
    valueOptions: new Set([
      '-c',
      '--config',
      '-w',
      '--maxWorkers',
      '-t',
      '--testNamePattern',
      '--selectProjects',
      '--ignoreProjects',
      '--testPathIgnorePatterns',
      '--testPathPatterns',
      '--testPathPattern',
      '--testMatch',
      '--testRegex',
      '--roots',
      '--rootDir',
      '--reporters',
      '--shard',
      '--testTimeout',
      '--testEnvironment',
      '--env',
      '--outputFile',
      '--seed',
      '--coverageDirectory',
      '--coverageProvider',
      '--coverageReporters',
      '--collectCoverageFrom',
      '--setupFiles',
      '--setupFilesAfterEnv',
      '--modulePaths',
      '--moduleDirectories',
      '--maxConcurrency',
      '--testSequencer',
      '--globalSetup',
      '--globalTeardown',
    ]),
    nameOptions: new Set(['-t', '--testNamePattern']),
    // Their patterns add to the positional ones: a part's files replace them too.
    pathOptions: new Set(['--testPathPatterns', '--testPathPattern']),
  },
  vitest: {
    valueOptions: new Set([
      '-c',
      '--config',
      '-r',
      '--root',
      '--dir',
      '-t',
      '--testNamePattern',
      '--reporter',
      '--outputFile',
      '--project',
      '--pool',
      '--environment',
      '--shard',
      '--maxWorkers',
      '--minWorkers',
      '--mode',
      '--exclude',
      '--testTimeout',
      '--hookTimeout',
      '--bail',
      '--retry',
      '--workspace',
    ]),
    nameOptions: new Set(['-t', '--testNamePattern']),
  },
  pytest: {
    valueOptions: new Set([
      '-k',
      '-m',
      '-c',
      '-p',
      '-o',
      '-n',
      '-W',
      '--rootdir',
      '--confcutdir',
      '--basetemp',
      '--maxfail',
      '--tb',
      '--junitxml',
      '--junit-xml',
      '--ignore',
      '--ignore-glob',
      '--deselect',
      '--durations',
      '--log-level',
      '--import-mode',
      '--override-ini',
      '--cov-report',
      '--dist',
    ]),
    nameOptions: new Set(['-k']),
  },
  go: {
    valueOptions: new Set(
      [
        'run',
        'skip',
        'count',
        'timeout',
        'tags',
        'p',
        'parallel',
        'cpu',
        'bench',
        'benchtime',
        'coverprofile',
        'covermode',
        'coverpkg',
        'o',
        'exec',
        'shuffle',
        'ldflags',
        'gcflags',
        'asmflags',
        'mod',
        'modfile',
        'C',
        'vet',
        'list',
        'fuzz',
        'fuzztime',
        'outputdir',
        'cpuprofile',
        'memprofile',
        'blockprofile',
        'mutexprofile',
        'trace',
        'pkgdir',
        'overlay',
        'pgo',
        'buildmode',
      ].flatMap((name) => [`-${name}`, `--${name}`]),
    ),
    nameOptions: new Set(['-run', '--run']),
  },
};

/** A word as `sh` takes it literally. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function word(value: string): Word {
  return { raw: shellQuote(value), value };
}

/** A shell character, as an error message names it. */
function named(ch: string): string {
  return ch === '`' ? 'a backquote' : `\`${ch}\``;
}

/**
 * Splits a command into words the way `sh` would, for commands made of plain words: blanks separate
 * words, quotes and backslashes group them. Anything that makes it more than one simple command or
 * expands something (`; | & $ \` ( ) < >`, a newline, a comment) makes it a command AIDP does not
 * take apart.
 */
function splitWords(command: string): Word[] | { error: string } {
  const words: Word[] = [];
  let raw = '';
  let value = '';
  let inWord = false;
  const refuse = (what: string) => ({ error: `it uses ${what}, and AIDP only narrows commands made of plain words` });
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === ' ' || ch === '\t') {
      if (inWord) words.push({ raw, value });
      raw = '';
      value = '';
      inWord = false;
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) return { error: 'it has an unterminated quote' };
      raw += command.slice(i, end + 1);
      value += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      for (; j < command.length && command[j] !== '"'; j++) {
        const c = command[j]!;
        if (c === '$' || c === '`') return refuse(named(c));
        if (c === '\\' && j + 1 < command.length && '"\\'.includes(command[j + 1]!)) {
          text += command[j + 1];
          j++;
        } else text += c;
      }
      if (j >= command.length) return { error: 'it has an unterminated quote' };
      raw += command.slice(i, j + 1);
      value += text;
      inWord = true;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 >= command.length || command[i + 1] === '\n') return refuse('a line continuation');
      raw += command.slice(i, i + 2);
      value += command[i + 1];
      inWord = true;
      i++;
    } else if (';|&$`()<>\n\r'.includes(ch)) {
      return refuse(ch === '\n' || ch === '\r' ? 'more than one line' : named(ch));
    } else if (ch === '#' && !inWord) {
      return refuse('a comment');
    } else {
      raw += ch;
      value += ch;
      inWord = true;
    }
  }
  if (inWord) words.push({ raw, value });
  return words;
}

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The runner a program word names: `jest`, `node_modules/.bin/vitest`, a path to jest's own bin file, … */
function runnerOf(program: string): 'jest' | 'vitest' | 'pytest' | undefined {
  const name = base(program);
  if (name === 'jest' || /(^|\/)jest\/bin\/jest(\.js)?$/.test(program)) return 'jest';
  if (name === 'vitest' || /(^|\/)vitest\/vitest\.mjs$/.test(program)) return 'vitest';
  if (name === 'pytest' || name === 'py.test') return 'pytest';
  return undefined;
}

/** Recognises a test runner in a command's words, past launchers such as `npx` or `python -m`. */
function recogniseRunner(words: Word[]): RunnerCommand | undefined {
  let i = 0;
  // Leading variable assignments (`CI=1 jest`) stay as they are.
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.value)) i++;
  const at = (k: number) => words[k]?.value;
  const launcherEnd = (): number => {
    const first = at(i);
    if (first === 'npx' || first === 'bunx') {
      let k = i + 1;
      while (['--no-install', '--yes', '-y', '--no'].includes(at(k) ?? '')) k++;
      return k;
    }
    if (
      (first === 'pnpm' && at(i + 1) === 'exec') ||
      ((first === 'poetry' || first === 'uv' || first === 'pipenv') && at(i + 1) === 'run')
    ) {
      return i + 2;
    }
    if ((first === 'pnpm' || first === 'yarn') && runnerOf(at(i + 1) ?? '') !== undefined) return i + 1;
    if (/^python(\d(\.\d+)?)?$/.test(first ?? '') && at(i + 1) === '-m' && at(i + 2) === 'pytest') return i + 2;
    return i;
  };
  const start = launcherEnd();
  const program = at(start);
  if (program === undefined) return undefined;
  if (program === 'go' && at(start + 1) === 'test') {
    return { kind: 'go', head: words.slice(0, start + 2), args: words.slice(start + 2) };
  }
  if (program === 'node' || program === 'nodejs') {
    // `node path/to/jest/bin/jest.js …` runs jest; `node [options] --test [files]` runs node:test.
    const script = words.findIndex((w, k) => k > start && !w.value.startsWith('-'));
    const viaNode = script !== -1 ? runnerOf(words[script]!.value) : undefined;
    if (viaNode === 'jest' || viaNode === 'vitest') {
      if (words.slice(start + 1, script).some((w) => RUNNERS.node.valueOptions.has(w.value))) return undefined;
      return withSubcommand({ kind: viaNode, head: words.slice(0, script + 1), args: words.slice(script + 1) });
    }
    if (words.slice(start + 1).some((w) => w.value === '--test'))
      return { kind: 'node', head: words.slice(0, start + 1), args: words.slice(start + 1) };
    return undefined;
  }
  const kind = runnerOf(program);
  if (kind === undefined) return undefined;
  return withSubcommand({ kind, head: words.slice(0, start + 1), args: words.slice(start + 1) });
}

/** `vitest run` and `vitest watch` keep their subcommand in the head; vitest's other subcommands are not test runs. */
function withSubcommand(command: RunnerCommand): RunnerCommand | undefined {
  if (command.kind !== 'vitest') return command;
  const first = command.args[0]?.value;
  if (first === 'run' || first === 'watch') return { ...command, head: [...command.head, command.args[0]!], args: command.args.slice(1) };
  if (first !== undefined && ['related', 'bench', 'list', 'init', 'dev'].includes(first)) return undefined;
  return command;
}

/**
 * A runner's arguments sorted into options (with their values), its filter by test name, what selects
 * test files (positionals), and a tail kept last (go's `-args` and what follows).
 */
function classify(kind: Kind, args: Word[]): { options: Word[]; names: Word[]; positionals: Word[]; tail: Word[] } {
  const { valueOptions, nameOptions, pathOptions } = RUNNERS[kind];
  const options: Word[] = [];
  const names: Word[] = [];
  const positionals: Word[] = [];
  let tail: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    if (kind === 'go' && (w.value === '-args' || w.value === '--args')) {
      tail = args.slice(k);
      break;
    }
    if (w.value === '--' && kind !== 'go') {
      positionals.push(...args.slice(k + 1));
      break;
    }
    if (!w.value.startsWith('-') || w.value === '-') {
      positionals.push(w);
      continue;
    }
    const name = w.value.includes('=') ? w.value.slice(0, w.value.indexOf('=')) : w.value;
    const group = [w];
    if (!w.value.includes('=') && valueOptions.has(name) && k + 1 < args.length) group.push(args[++k]!);
    (nameOptions.has(name) ? names : pathOptions?.has(name) ? positionals : options).push(...group);
  }
  return { options, names, positionals, tail };
}

/** The runner's own filter by test name. */
function nameArgs(kind: Kind, tests: string | undefined): Word[] {
  if (tests === undefined) return [];
  if (kind === 'node') return [word(`--test-name-pattern=${tests}`)];
  if (kind === 'pytest') return [word('-k'), word(tests)];
  if (kind === 'go') return [word('-run'), word(tests)];
  return [word('-t'), word(tests)];
}

/** The arguments that select the part's files, for a runner, or why they cannot be given to it. */
function fileArgs(kind: Kind, files: string[], workspace: string): Word[] | { error: string } {
  const out: string[] = [];
  for (const file of files) {
    const folder = isDirectory(workspace, file);
    if (kind === 'go') {
      // go test takes packages: a file's own, or every package under a folder.
      const dir = posix.dirname(file);
      out.push(folder ? `./${file}/...` : dir === '.' ? '.' : `./${dir}`);
    } else if (kind === 'node' && folder) {
      return { error: `node --test is given test files, not folders (${file}): name the part's test files` };
    } else if (kind === 'jest') {
      // jest takes regular expressions of test paths: this one matches the file (or the folder's files) only.
      const pattern = file.replace(/[.+]/g, (c) => `\\${c}`);
      out.push(folder ? `/${pattern}/` : `/${pattern}$`);
    } else {
      out.push(file);
    }
  }
  return [...new Set(out)].map(word);
}

function isDirectory(workspace: string, file: string): boolean {
  try {
    return statSync(join(workspace, file)).isDirectory();
  } catch {
    return false;
  }
}

/** The scope's files (normalised) and name pattern (trimmed), or why the scope cannot be used. */
function checkScope(scope: PartScope, workspace: string): { files: string[]; tests?: string } | { error: string } {
  const files: string[] = [];
  const given = scope.files ?? [];
  if (given.length > MAX_PART_FILES) return { error: `it names ${given.length} files, more than ${MAX_PART_FILES}` };
  let root: string;
  try {
    root = realpathSync(workspace);
  } catch {
    return { error: `the workspace ${workspace} cannot be read` };
  }
  for (const file of given) {
    if (file.length === 0 || file.length > MAX_FILE_LENGTH || !FILE_CHARS.test(file)) {
      return { error: `the file "${file.slice(0, 80)}" is not a plain relative path (letters, digits and _ . / @ + - only)` };
    }
    if (file.startsWith('/') || file.startsWith('-')) return { error: `the file "${file}" must be a relative path` };
    if (file.split('/').includes('..')) return { error: `the file "${file}" leaves the workspace` };
    const normal = posix.normalize(file).replace(/\/+$/, '');
    if (normal === '.' || normal === '') return { error: `the file "${file}" is the whole workspace, not a part of it` };
    let real: string;
    try {
      real = realpathSync(join(root, normal));
    } catch {
      return { error: `the file "${file}" does not exist in the workspace` };
    }
    const inside = relative(root, real);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { error: `the file "${file}" leaves the workspace` };
    if (!files.includes(normal)) files.push(normal);
  }
  let tests: string | undefined;
  if (scope.tests !== undefined) {
    tests = scope.tests.trim();
    if (tests === '') return { error: 'its test name pattern is empty' };
    if (tests.length > MAX_TESTS_PATTERN) return { error: `its test name pattern is longer than ${MAX_TESTS_PATTERN} characters` };
    if (!TESTS_CHARS.test(tests)) {
      return { error: "its test name pattern may only hold letters, digits, spaces and _ . , : ( ) ' / -" };
    }
  }
  if (files.length === 0 && tests === undefined) return { error: 'it names neither test files nor a test name pattern' };
  return tests === undefined ? { files } : { files, tests };
}

/** A package.json script's command, or why there is none. */
function scriptOf(workspace: string, name: string): string | { error: string } {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')) as { scripts?: unknown }).scripts;
  } catch {
    return { error: `there is no readable package.json in the workspace for the script "${name}"` };
  }
  const script = scripts !== null && typeof scripts === 'object' ? (scripts as Record<string, unknown>)[name] : undefined;
  return typeof script === 'string' ? script : { error: `package.json has no script "${name}"` };
}

/** A package manager running a script: `npm test`, `npm run <script>`, `pnpm test`, `pnpm run <script>`, `yarn test`, `yarn run <script>`. */
function scriptCall(words: Word[]): { manager: 'npm' | 'pnpm' | 'yarn'; script: string; extra: Word[] } | undefined {
  const [manager, first, second] = words.map((w) => w.value);
  if (manager !== 'npm' && manager !== 'pnpm' && manager !== 'yarn') return undefined;
  if (first === 'test') return { manager, script: 'test', extra: words.slice(2) };
  if (first === 'run' && second !== undefined && !second.startsWith('-')) return { manager, script: second, extra: words.slice(3) };
  return undefined;
}

function build(words: Word[]): string {
  return words.map((w) => w.raw).join(' ');
}

/**
 * Narrows a configured check to a part's tests: the part's files (which must exist in the workspace)
 * replace the files the command selects, and its name pattern becomes the runner's own filter. The
 * runner is recognised from the command (node --test, jest, vitest, pytest, go test), directly or
 * through a package.json script run by npm, pnpm or yarn; any other command cannot be narrowed.
 */
export function narrowCheck(spec: CheckSpec, scope: PartScope, workspace: string): { check: PartCheck } | { error: string } {
  const cannot = (why: string) => ({
    error: `check "${spec.name}" runs \`${spec.command}\`, which AIDP cannot narrow to a part's tests: ${why}`,
  });
  const checked = checkScope(scope, workspace);
  if ('error' in checked) return { error: `the scope of check "${spec.name}" cannot be used: ${checked.error}` };
  const { files, tests } = checked;
  const words = splitWords(spec.command.trim());
  if ('error' in words) return cannot(words.error);

  let command: string;
  const call = scriptCall(words);
  if (call) {
    // The script's command is read to know the runner; the part's arguments are passed on to it.
    const script = scriptOf(workspace, call.script);
    if (typeof script !== 'string') return cannot(script.error);
    const scriptWords = splitWords(script.trim());
    if ('error' in scriptWords) return cannot(`its script "${call.script}" (\`${script}\`): ${scriptWords.error}`);
    const runner = recogniseRunner(scriptWords);
    if (!runner) return cannot(`its script "${call.script}" (\`${script}\`) is not a test runner AIDP knows`);
    const own = classify(runner.kind, [...runner.args, ...call.extra.filter((w) => w.value !== '--')]);
    if (own.positionals.length > 0 && (files.length > 0 || runner.kind === 'node')) {
      return cannot(`its script "${call.script}" already names what to test, and arguments added after it would not narrow it`);
    }
    if (own.names.length > 0 && tests !== undefined) return cannot(`its script "${call.script}" already filters tests by name`);
    const added = fileArgs(runner.kind, files, workspace);
    if ('error' in added) return cannot(added.error);
    const separator = call.manager === 'npm' && !call.extra.some((w) => w.value === '--') ? [{ raw: '--', value: '--' }] : [];
    command = build([...words, ...separator, ...nameArgs(runner.kind, tests), ...added]);
  } else {
    const runner = recogniseRunner(words);
    if (!runner)
      return cannot(
        'it is not a test runner AIDP knows (node --test, jest, vitest, pytest, go test, or a package.json script running one)',
      );
    const own = classify(runner.kind, runner.args);
    const added = fileArgs(runner.kind, files, workspace);
    if ('error' in added) return cannot(added.error);
    // The part's files replace the ones the command names; its name pattern replaces the command's.
    const selected = files.length > 0 ? added : own.positionals;
    const names = tests !== undefined ? nameArgs(runner.kind, tests) : own.names;
    // node and go take their files or packages last; the others first, where no option can take them for its value.
    const last = runner.kind === 'node' || runner.kind === 'go';
    command = build([...runner.head, ...(last ? [] : selected), ...own.options, ...names, ...(last ? selected : []), ...own.tail]);
  }
  const check: PartCheck = { name: `${spec.name} (part)`, command, required: true, timeoutMs: spec.timeoutMs, check: spec.name, files };
  if (tests !== undefined) check.tests = tests;
  return { check };
}
