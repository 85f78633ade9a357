// Narrowing a configured check to a part's tests: the rules a plan's scope must follow, the command
// built for each runner, and real runs of the narrowed commands (node:test, jest, an npm script).
import { mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckSpec } from '@aidp/workflows/contracts';
import { narrowCheck, type PartScope } from '../part-checks';
import { JEST_COMMAND, sh, tempProject } from './temp-project';

function spec(command: string, name = 'test'): CheckSpec {
  return { name, command, required: false, timeoutMs: 90_000 };
}

/** The narrowed command, or the error. */
function narrowed(command: string, scope: PartScope, workspace: string): string {
  const result = narrowCheck(spec(command), scope, workspace);
  return 'check' in result ? result.check.command : `error: ${result.error}`;
}

describe('narrowCheck: the scope', () => {
  const ws = tempProject({
    'test/a.test.js': '',
    'test/b.test.js': '',
    'src/@scope/x+y.test.js': '',
    'pkg/sub/x_test.go': '',
    'a_test.go': '',
    'tests/test_one.py': '',
  });
  mkdirSync(join(ws, 'empty'));
  symlinkSync(tmpdir(), join(ws, 'outside'));

  it('builds a required check named after the configured one, with its timeout', () => {
    expect(narrowCheck(spec('jest'), { files: ['test/a.test.js'], tests: '  adds  ' }, ws)).toEqual({
      check: {
        name: 'test (part)',
        command: "jest '/test/a\\.test\\.js$' '-t' 'adds'",
        required: true,
        timeoutMs: 90_000,
        check: 'test',
        files: ['test/a.test.js'],
        tests: 'adds',
      },
    });
    expect(narrowCheck(spec('jest'), { tests: 'adds' }, ws)).toMatchObject({ check: { files: [], tests: 'adds' } });
    expect(narrowCheck(spec('jest'), { files: ['./test/a.test.js', 'test/a.test.js', 'test/'] }, ws)).toMatchObject({
      check: { files: ['test/a.test.js', 'test'] },
    });
  });

  it.each<[string, PartScope, string]>([
    ['neither files nor tests', {}, 'names neither test files nor a test name pattern'],
    ['an empty list and no tests', { files: [] }, 'names neither'],
    ['too many files', { files: Array.from({ length: 21 }, () => 'test/a.test.js') }, 'more than 20'],
    ['a space in a path', { files: ['test/a b.js'] }, 'not a plain relative path'],
    ['a shell character in a path', { files: ['test/$(rm -rf).js'] }, 'not a plain relative path'],
    ['an absolute path', { files: ['/etc/passwd'] }, 'must be a relative path'],
    ['an option', { files: ['-rf'] }, 'must be a relative path'],
    ['a way out', { files: ['test/../../etc'] }, 'leaves the workspace'],
    ['a link out', { files: ['outside'] }, 'leaves the workspace'],
    ['the whole workspace', { files: ['./'] }, 'the whole workspace'],
    ['a missing file', { files: ['test/c.test.js'] }, 'does not exist in the workspace'],
    ['an empty pattern', { tests: '   ' }, 'pattern is empty'],
    ['a long pattern', { tests: 'a'.repeat(201) }, 'longer than 200'],
    ['a shell character in the pattern', { tests: 'adds; rm -rf /' }, 'may only hold'],
    ['a quote of the other kind', { tests: 'say "hi"' }, 'may only hold'],
  ])('refuses %s', (_what, scope, reason) => {
    const result = narrowCheck(spec('jest'), scope, ws);
    expect(result).toEqual({ error: expect.stringContaining(reason) as string });
    expect(result).toEqual({ error: expect.stringMatching(/^the scope of check "test" cannot be used: /) as string });
  });

  it('keeps a name pattern with quotes and brackets in one quoted word', () => {
    expect(narrowed('jest', { tests: "it's (a) test, v1.2: a/b-c" }, ws)).toBe("jest '-t' 'it'\\''s (a) test, v1.2: a/b-c'");
    expect(sh(`printf '%s' ${narrowed('jest', { tests: "it's (a) test" }, ws).slice('jest '.length)}`, ws).output).toBe("-tit's (a) test");
  });

  it.each<[string, PartScope, string]>([
    // node:test: options first, the part's files last; the part's pattern replaces the command's.
    ['node --test test/', { files: ['test/a.test.js'], tests: 'adds' }, "node --test '--test-name-pattern=adds' 'test/a.test.js'"],
    ['node --test --test-name-pattern=old test/*.test.js', { tests: 'new' }, "node --test '--test-name-pattern=new' test/*.test.js"],
    [
      'node --import tsx --test --test-reporter spec',
      { files: ['test/a.test.js', 'test/b.test.js'] },
      "node --import tsx --test --test-reporter spec 'test/a.test.js' 'test/b.test.js'",
    ],
    // jest: path patterns that match the files (or the folder) only, first.
    ['jest', { files: ['src/@scope/x+y.test.js', 'test'] }, "jest '/src/@scope/x\\+y\\.test\\.js$' '/test/'"],
    ['npx jest --ci src/', { files: ['test/a.test.js'] }, "npx jest '/test/a\\.test\\.js$' --ci"],
    [
      'pnpm exec jest --selectProjects unit -t old',
      { files: ['test'], tests: 'new' },
      "pnpm exec jest '/test/' --selectProjects unit '-t' 'new'",
    ],
    ['yarn jest --testPathPatterns src', { files: ['test'] }, "yarn jest '/test/'"],
    ['yarn jest --testPathPatterns src', { tests: 'x' }, "yarn jest --testPathPatterns src '-t' 'x'"],
    ['CI=1 node node_modules/jest/bin/jest.js "--ci"', { files: ['test'] }, 'CI=1 node node_modules/jest/bin/jest.js \'/test/\' "--ci"'],
    // vitest: file filters first.
    ['vitest', { files: ['test/a.test.js'] }, "vitest 'test/a.test.js'"],
    [
      'npx vitest run --reporter dot src',
      { files: ['test/a.test.js'], tests: 'a' },
      "npx vitest run 'test/a.test.js' --reporter dot '-t' 'a'",
    ],
    // pytest.
    ['pytest -q tests', { files: ['tests/test_one.py'], tests: 'not slow' }, "pytest 'tests/test_one.py' -q '-k' 'not slow'"],
    ['python3 -m pytest', { files: ['tests'] }, "python3 -m pytest 'tests'"],
    // go test: packages from the files, `./dir/...` for a folder; go's own `-args` stays last.
    [
      'go test -v -count 1 ./... -args -x',
      { files: ['pkg/sub/x_test.go', 'pkg', 'a_test.go'], tests: 'TestX' },
      "go test -v -count 1 '-run' 'TestX' './pkg/sub' './pkg/...' '.' -args -x",
    ],
    ['go test ./...', { tests: 'TestX/case_1' }, "go test '-run' 'TestX/case_1' ./..."],
  ])('%s, narrowed to %j', (command, scope, expected) => {
    expect(narrowed(command, scope, ws)).toBe(expected);
  });

  it('refuses a folder for node --test, which takes files', () => {
    expect(narrowed('node --test', { files: ['test'] }, ws)).toMatch(/node --test is given test files, not folders \(test\)/);
  });

  it.each([
    ['make lint', 'it is not a test runner AIDP knows'],
    ['node scripts/test.js', 'it is not a test runner AIDP knows'],
    ['vitest related src/a.js', 'it is not a test runner AIDP knows'],
    ['jest && eslint .', 'it uses `&`'],
    ['jest; echo done', 'it uses `;`'],
    ['jest | tee out.log', 'it uses `|`'],
    ['jest $JEST_ARGS', 'it uses `$`'],
    ['jest "$JEST_ARGS"', 'it uses `$`'],
    ['jest `cat args`', 'it uses a backquote'],
    ['(cd app && jest)', 'it uses `(`'],
    ['jest < /dev/null', 'it uses `<`'],
    ['jest > out.log', 'it uses `>`'],
    ['jest # all', 'it uses a comment'],
    ["jest 'unterminated", 'it has an unterminated quote'],
  ])('refuses to narrow `%s`', (command, reason) => {
    const result = narrowCheck(spec(command, 'lint'), { files: ['test/a.test.js'] }, ws);
    expect(result).toEqual({
      error: expect.stringContaining(`check "lint" runs \`${command}\`, which AIDP cannot narrow to a part's tests: ${reason}`) as string,
    });
  });
});

describe('narrowCheck: package.json scripts', () => {
  const ws = tempProject({
    'test/a.test.js': '',
    'package.json': JSON.stringify({
      scripts: {
        test: 'node --test',
        'test:unit': 'jest --ci',
        'test:some': 'node --test test/',
        'test:vitest': 'vitest run src',
        'test:named': 'jest -t slow',
        lint: 'eslint .',
        both: 'tsc && jest',
      },
    }),
  });

  it.each<[string, PartScope, string]>([
    ['npm test', { files: ['test/a.test.js'], tests: 'adds' }, "npm test -- '--test-name-pattern=adds' 'test/a.test.js'"],
    ['npm test -- --test-reporter=spec', { files: ['test/a.test.js'] }, "npm test -- --test-reporter=spec 'test/a.test.js'"],
    ['npm run test:unit', { files: ['test/a.test.js'], tests: 'a' }, "npm run test:unit -- '-t' 'a' '/test/a\\.test\\.js$'"],
    ['pnpm test', { files: ['test/a.test.js'] }, "pnpm test 'test/a.test.js'"],
    ['pnpm run test:unit', { tests: 'a' }, "pnpm run test:unit '-t' 'a'"],
    ['yarn test', { files: ['test/a.test.js'] }, "yarn test 'test/a.test.js'"],
    ['yarn run test:vitest', { tests: 'a' }, "yarn run test:vitest '-t' 'a'"],
  ])('%s, narrowed to %j', (command, scope, expected) => {
    expect(narrowed(command, scope, ws)).toBe(expected);
  });

  it.each<[string, PartScope, string]>([
    ['npm run lint', { files: ['test'] }, 'its script "lint" (`eslint .`) is not a test runner AIDP knows'],
    ['npm run both', { files: ['test'] }, 'its script "both" (`tsc && jest`): it uses `&`'],
    ['npm run missing', { files: ['test'] }, 'package.json has no script "missing"'],
    // Arguments after a script's own files would add to them, not narrow them.
    ['npm run test:vitest', { files: ['test/a.test.js'] }, 'its script "test:vitest" already names what to test'],
    // node --test takes options before its files only.
    ['npm run test:some', { tests: 'a' }, 'its script "test:some" already names what to test'],
    ['npm run test:named', { tests: 'a' }, 'its script "test:named" already filters tests by name'],
  ])('refuses %s', (command, scope, reason) => {
    expect(narrowed(command, scope, ws)).toContain(
      `error: check "test" runs \`${command}\`, which AIDP cannot narrow to a part's tests: ${reason}`,
    );
  });

  it('needs a package.json', () => {
    expect(narrowed('npm test', { files: ['test'] }, tempProject({ test: '' }))).toMatch(/there is no readable package\.json/);
  });
});

// ---- real runs: the narrowed command, run with `sh -c` in the project as a check runs ----

const NODE_PASSING = "const { test } = require('node:test');\ntest('passes', () => {});\n";
const NODE_FAILING = "const { test } = require('node:test');\ntest('fails', () => { throw new Error('no'); });\n";
const NODE_TWO =
  "const { test } = require('node:test');\ntest('good one', () => {});\ntest('bad one', () => { throw new Error('no'); });\n";
const JEST_PASSING = "test('passes', () => expect(1).toBe(1));\n";
const JEST_FAILING = "test('fails', () => expect(1).toBe(2));\n";
const JEST_TWO =
  "describe('pair', () => {\n  test('good one', () => expect(1).toBe(1));\n  test('bad one', () => expect(1).toBe(2));\n});\n";

/** Narrows `command` in `dir` and runs the result: its exit code and output. */
function runNarrowed(command: string, scope: PartScope, dir: string): { status: number | null; output: string; command: string } {
  const result = narrowCheck(spec(command), scope, dir);
  if (!('check' in result)) throw new Error(result.error);
  return { ...sh(result.check.command, dir), command: result.check.command };
}

describe('narrowed checks, run for real', () => {
  it('node --test: passes on the passing file or test, fails on the failing one', () => {
    const dir = tempProject({ 'test/pass.test.js': NODE_PASSING, 'test/fail.test.js': NODE_FAILING, 'test/two.test.js': NODE_TWO });
    expect(sh('node --test test/', dir).status).not.toBe(0);
    expect(runNarrowed('node --test test/', { files: ['test/pass.test.js'] }, dir).status).toBe(0);
    expect(runNarrowed('node --test test/', { files: ['test/fail.test.js'] }, dir).status).not.toBe(0);
    expect(runNarrowed('node --test test/', { files: ['test/two.test.js'], tests: 'good' }, dir).status).toBe(0);
    const bad = runNarrowed('node --test test/', { files: ['test/two.test.js'], tests: 'bad' }, dir);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain('bad one');
    // A pattern alone narrows the command's own files.
    expect(runNarrowed('node --test test/', { tests: 'passes' }, dir).status).toBe(0);
  });

  it('jest: passes on the passing file or test, fails on the failing one', () => {
    const dir = tempProject({
      'package.json': '{ "name": "p", "private": true }\n',
      'test/pass.test.js': JEST_PASSING,
      'test/fail.test.js': JEST_FAILING,
      'test/two.test.js': JEST_TWO,
    });
    expect(sh(JEST_COMMAND, dir).status).not.toBe(0);
    const pass = runNarrowed(JEST_COMMAND, { files: ['test/pass.test.js'] }, dir);
    expect(pass.status).toBe(0);
    expect(pass.output).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(runNarrowed(JEST_COMMAND, { files: ['test/fail.test.js'] }, dir).status).not.toBe(0);
    const good = runNarrowed(JEST_COMMAND, { files: ['test/two.test.js'], tests: 'good' }, dir);
    expect(good.status).toBe(0);
    expect(good.output).toMatch(/Tests:\s+1 skipped, 1 passed, 2 total/);
    expect(runNarrowed(JEST_COMMAND, { files: ['test/two.test.js'], tests: 'bad' }, dir).status).not.toBe(0);
  });

  it('an npm script running node --test', () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test' } }),
      'test/pass.test.js': NODE_PASSING,
      'test/fail.test.js': NODE_FAILING,
      'test/two.test.js': NODE_TWO,
    });
    expect(sh('npm test', dir).status).not.toBe(0);
    expect(runNarrowed('npm test', { files: ['test/pass.test.js'] }, dir).status).toBe(0);
    expect(runNarrowed('npm test', { files: ['test/fail.test.js'] }, dir).status).not.toBe(0);
    expect(runNarrowed('npm test', { files: ['test/two.test.js'], tests: 'good' }, dir).status).toBe(0);
    expect(runNarrowed('npm test', { files: ['test/two.test.js'], tests: 'bad' }, dir).status).not.toBe(0);
  });
});
