// A failed check's failures as ids: read from the real output samples of ./fixtures/check-output
// (see diagnose.test.ts for how they were captured), and from real node:test and jest runs on a tiny
// project, run twice with the tests moved to other lines in between.
import { MockActivityEnvironment } from '@temporalio/testing';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PART_LIST_CAP, type RunChecksInput, type TestResults } from '@aidp/workflows/contracts';
import { itemiseFailures, parseFailures } from '../diagnose';
import { runChecks } from '../run-checks';
import { JEST_COMMAND, sh, tempProject, writeFiles } from './temp-project';

const FIXTURES = join(__dirname, 'fixtures', 'check-output');
// The folder the samples were captured in, as it appears in them.
const SAMPLE_PROJECT = '/home/dev/project';

function sample(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const NODE_TEST_IDS = [
  'test: config defaults > has a timeout',
  'test: parsePort > rejects text',
  'test: slugify > separators > uses dashes between words',
];
const JEST_IDS = [
  'test: math > adds two numbers',
  'test: math > divide > handles zero',
  "test: src/broken.test.js: Cannot find module './does-not-exist' from 'src/broken.test.js'",
  'test: uppercases a word',
];
const TSC_IDS = [
  "typecheck: src/main.ts: TS2322: Type '(u: { id: string; }) => string' is not assignable to type 'Render'. Types of parameters 'u' and 'user' are incompatible. Type '{ id: number; name: string; }' is …",
  "typecheck: src/main.ts: TS2339: Property 'nickname' does not exist on type 'User'.",
  "typecheck: src/main.ts: TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.",
  "typecheck: src/user.ts: TS2322: Type 'string' is not assignable to type 'number'.",
];
const GO_IDS = ['test: TestBalance', 'test: TestFormat/small_cents', 'test: TestFormat/whole_dollars', 'test: TestNested/nested/deeper'];

/** Every sample, the check it is read as, and its ids (null: it cannot be itemised). */
const SAMPLES: Array<[file: string, check: string, ids: string[] | null]> = [
  ['jest.txt', 'test', JEST_IDS],
  ['jest-color.txt', 'test', JEST_IDS],
  [
    'vitest.txt',
    'test',
    [
      'test: cart > applyDiscount > rejects discounts over 100',
      'test: cart > applyDiscount > takes ten percent off',
      'test: formats a name',
    ],
  ],
  ['node-test-tap.txt', 'test', NODE_TEST_IDS],
  ['node-test-spec.txt', 'test', NODE_TEST_IDS],
  ['node-test-spec-tty.txt', 'test', NODE_TEST_IDS],
  [
    'pytest.txt',
    'test',
    [
      'test: tests/test_inventory.py::TestPricing::TestTax::test_standard_rate',
      'test: tests/test_inventory.py::TestPricing::test_zero_rate[0-1]',
      'test: tests/test_inventory.py::test_reads_settings',
      'test: tests/test_inventory.py::test_restock_rejects_negative',
    ],
  ],
  ['pytest-collect-error.txt', 'test', ["test: tests/test_orders.py: ModuleNotFoundError: No module named 'orders'"]],
  ['go.txt', 'test', GO_IDS],
  ['go-panic.txt', 'test', ['test: TestLen', 'test: TestPeek/past_the_end']],
  [
    'go-build-error.txt',
    'test',
    [...GO_IDS, 'test: util/util_test.go: declared and not used: unused', 'test: util/util_test.go: undefined: Triple'],
  ],
  ['tsc.txt', 'typecheck', TSC_IDS],
  ['tsc-pretty.txt', 'typecheck', TSC_IDS],
  [
    'eslint.txt',
    'lint',
    [
      "lint: src/app.js: 'missingFunction' is not defined (no-undef)",
      "lint: src/app.js: 'unusedValue' is assigned a value but never used (no-unused-vars)",
      "lint: src/app.js: Expected '===' and instead saw '==' (eqeqeq)",
      "lint: src/lib/helper.js: 'extra' is defined but never used (no-unused-vars)",
    ],
  ],
  // Nothing a runner's parser recognises: the generic fallback's guesses are not listed.
  ['generic-gcc.txt', 'build', null],
  ['generic-npm.txt', 'test', null],
  ['generic-python.txt', 'test', null],
];

describe('itemiseFailures on real output samples', () => {
  it.each(SAMPLES)('%s', (file, check, ids) => {
    expect(itemiseFailures(check, sample(file), { workspace: SAMPLE_PROJECT }) ?? null).toEqual(ids);
  });

  it('gives the same ids whichever reporter printed them', () => {
    const ids = (file: string) => itemiseFailures('test', sample(file), { workspace: SAMPLE_PROJECT });
    expect(ids('node-test-spec.txt')).toEqual(ids('node-test-tap.txt'));
    expect(ids('jest-color.txt')).toEqual(ids('jest.txt'));
  });

  it('takes the workspace out of paths, so every worktree gives the same ids', () => {
    // eslint prints absolute paths.
    expect(itemiseFailures('lint', sample('eslint.txt'))?.[0]).toBe(
      "lint: /home/dev/project/src/app.js: 'missingFunction' is not defined (no-undef)",
    );
    const moved = sample('eslint.txt').split(SAMPLE_PROJECT).join('/srv/checkouts/wt-2');
    expect(itemiseFailures('lint', moved, { workspace: '/srv/checkouts/wt-2/' })).toEqual(
      itemiseFailures('lint', sample('eslint.txt'), { workspace: SAMPLE_PROJECT }),
    );
  });

  it('lists nothing for a check that timed out, or output with no failure in it', () => {
    expect(itemiseFailures('test', sample('jest.txt'), { timedOut: true })).toBeUndefined();
    expect(itemiseFailures('test', '')).toBeUndefined();
    expect(itemiseFailures('test', 'Segmentation fault (core dumped)\n')).toBeUndefined();
  });
});

// ---- real runs ----

const NODE_TESTS = `const { describe, test } = require('node:test');
const assert = require('node:assert');
describe('math', () => {
  test('adds', () => assert.strictEqual(1 + 1, 3));
  test('subtracts', () => assert.strictEqual(2 - 1, 1));
  test('divides', () => {
    throw new Error('not yet');
  });
});
`;

const JEST_TESTS = `describe('math', () => {
  test('adds', () => expect(1 + 1).toBe(3));
  test('subtracts', () => expect(2 - 1).toBe(1));
  test('divides', () => {
    throw new Error('not yet');
  });
});
`;

const MOVED = '// moved down\n\n\n\n\n';

/** Runs `command` in `dir`, then again with the test file's tests five lines further down. */
function twice(dir: string, file: string, content: string, command: string, check = 'test') {
  const first = sh(command, dir);
  writeFiles(dir, { [file]: MOVED + content });
  const second = sh(command, dir);
  return [first, second].map(({ status, output }) => ({
    status,
    ids: itemiseFailures(check, output, { workspace: dir }),
    lines: parseFailures(check, output).map((f) => f.line),
  }));
}

describe('itemiseFailures on real runs', () => {
  it('node --test (TAP, as a check prints it): one id per failing test, named, whatever its line', () => {
    const dir = tempProject({ 'test/math.test.js': NODE_TESTS });
    const [first, second] = twice(dir, 'test/math.test.js', NODE_TESTS, 'node --test test/');
    expect(first!.status).toBe(1);
    expect(first!.ids).toEqual(['test: math > adds', 'test: math > divides']);
    expect(second!.ids).toEqual(first!.ids);
    // The failures did move.
    expect(second!.lines).not.toEqual(first!.lines);
  });

  it("node --test's spec reporter gives the same ids as its TAP reporter", () => {
    const dir = tempProject({ 'test/math.test.js': NODE_TESTS, 'test/other.test.js': "require('./missing-module');\n" });
    const tap = sh('node --test --test-reporter=tap test/', dir);
    const spec = sh('node --test --test-reporter=spec test/', dir);
    expect(tap.output).toMatch(/^TAP version/m);
    expect(spec.output).toMatch(/✖ failing tests:/);
    const ids = ['test: math > adds', 'test: math > divides', 'test: test/other.test.js: test failed'];
    expect(itemiseFailures('test', tap.output, { workspace: dir })).toEqual(ids);
    expect(itemiseFailures('test', spec.output, { workspace: dir })).toEqual(ids);
  });

  it('jest: one id per failing test, named, whatever its line', () => {
    const dir = tempProject({ 'math.test.js': JEST_TESTS, 'package.json': '{ "name": "p", "private": true }\n' });
    const [first, second] = twice(dir, 'math.test.js', JEST_TESTS, JEST_COMMAND);
    expect(first!.status).toBe(1);
    expect(first!.ids).toEqual(['test: math > adds', 'test: math > divides']);
    expect(second!.ids).toEqual(first!.ids);
    expect(second!.lines).not.toEqual(first!.lines);
  });

  it(`lists nothing past ${PART_LIST_CAP} failures`, () => {
    const many = Array.from({ length: PART_LIST_CAP + 1 }, (_, i) => `test('case ${i}', () => { throw new Error('no'); });`);
    const dir = tempProject({ 'test/many.test.js': `const { test } = require('node:test');\n${many.join('\n')}\n` });
    const { output } = sh('node --test test/', dir);
    expect(parseFailures('test', output)).toHaveLength(PART_LIST_CAP + 1);
    expect(itemiseFailures('test', output, { workspace: dir })).toBeUndefined();
  });
});

// The activities log what they do; the test output needs none of it.
const noop = () => undefined;
const QUIET = { logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } };

function checks(input: RunChecksInput): Promise<TestResults> {
  return new MockActivityEnvironment(undefined, QUIET).run<[RunChecksInput], TestResults, typeof runChecks>(runChecks, input);
}

describe('runChecks', () => {
  it("lists a failed check's failures when its runner's output could be read failure by failure", async () => {
    const project = tempProject({ 'test/math.test.js': NODE_TESTS, 'test/broken.test.js': "require('./missing-module');\n" });
    // Reached through a link: node prints the resolved paths.
    const dir = join(tempProject({}), 'link');
    symlinkSync(project, dir);
    const results = await checks({
      workspace: dir,
      runDir: join(dir, '.run'),
      iteration: 1,
      checks: [
        { name: 'test', command: 'node --test test/', required: true, timeoutMs: 60_000 },
        { name: 'passes', command: 'node --test --test-name-pattern=subtracts test/math.test.js', required: true, timeoutMs: 60_000 },
        { name: 'unknown', command: 'echo "something went wrong"; exit 1', required: true, timeoutMs: 60_000 },
        { name: 'slow', command: 'node --test test/; sleep 30', required: false, timeoutMs: 2_000 },
      ],
      itemise: true,
    });
    const [test, passes, unknown, slow] = results.checks;
    // Paths come relative to the workspace: a part's worktree gives the same ids.
    expect(readFileSync(test!.logPath, 'utf8')).toContain(`${project}/test/broken.test.js`);
    expect(test!.failures).toEqual(['test: math > adds', 'test: math > divides', 'test: test/broken.test.js: test failed']);
    expect(passes).toMatchObject({ passed: true });
    expect(passes).not.toHaveProperty('failures');
    expect(unknown).toMatchObject({ passed: false });
    expect(unknown).not.toHaveProperty('failures');
    expect(slow).toMatchObject({ passed: false, timedOut: true });
    expect(slow).not.toHaveProperty('failures');
  });

  it('leaves the failures unlisted when the run does not ask for them (the plain loop never compares them)', async () => {
    const project = tempProject({ 'test/math.test.js': NODE_TESTS });
    const results = await checks({
      workspace: project,
      runDir: join(project, '.run'),
      iteration: 1,
      checks: [{ name: 'test', command: 'node --test test/', required: true, timeoutMs: 60_000 }],
    });
    expect(results.checks[0]).toMatchObject({ passed: false });
    expect(results.checks[0]).not.toHaveProperty('failures');
  });
});
