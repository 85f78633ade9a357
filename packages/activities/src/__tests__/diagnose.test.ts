// The fixtures in ./fixtures/check-output are real output, not written by hand: for each tool a tiny
// throwaway project with deliberate failures (at least two, with a nested describe or subtest for
// the test runners) was run with the tool's default reporter, stdout and stderr captured together
// and not on a terminal unless noted. The throwaway project's absolute path was then replaced with
// /home/dev/project (and the home directory with /home/dev); every other byte is as the tool wrote it.
// SAMPLES below names the tool that printed each one and what the parsers must read from it.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult, DiagnoseFailureInput, Failure } from '@aidp/workflows/contracts';
import {
  diagnose,
  detectRunners,
  MAX_FAILURES,
  MAX_MESSAGE_LENGTH,
  normalizeOutput,
  parseCheckOutput,
  parseFailures,
  stripAnsi,
  type FailureKind,
  type Runner,
} from '../diagnose';

const FIXTURES = join(__dirname, 'fixtures', 'check-output');

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

// Stands where an expected failure has a string, as jest's asymmetric matchers do.
const has = (fragment: string): string => expect.stringContaining(fragment) as string;

// Failures that more than one sample reports: the same project run through two reporters or two modes.

const JEST: Array<[FailureKind, Failure]> = [
  [
    'test',
    {
      check: 'test',
      file: 'src/math.test.js',
      line: 5,
      column: 23,
      test: 'math > adds two numbers',
      message: 'expect(received).toBe(expected) // Object.is equality\nExpected: 5\nReceived: -1',
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: 'src/math.js',
      line: 5,
      column: 22,
      test: 'math > divide > handles zero',
      message: 'division by zero is not allowed',
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: 'src/strings.test.js',
      line: 2,
      column: 31,
      test: 'uppercases a word',
      message: has('Expected: "ABD"\nReceived: "ABC"'),
    },
  ],
  [
    'suite',
    {
      check: 'test',
      file: 'src/broken.test.js',
      line: 1,
      column: 21,
      message: "Cannot find module './does-not-exist' from 'src/broken.test.js'",
    },
  ],
];

/** node:test's TAP and spec reporters name the error classes differently; everything else is the same. */
const nodeTest = (prefix: { assertion: string; type: string }): Array<[FailureKind, Failure]> => [
  [
    'test',
    {
      check: 'test',
      file: '/home/dev/project/test/config.test.js',
      line: 6,
      column: 12,
      test: 'config defaults > has a timeout',
      message: `${prefix.assertion}: Expected values to be strictly deep-equal:\n+ actual - expected\n{\n+   timeout: 30\n-   timeout: 60\n}`,
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: '/home/dev/project/test/slug.test.js',
      line: 12,
      column: 14,
      test: 'slugify > separators > uses dashes between words',
      message: `${prefix.assertion}: Expected values to be strictly equal:\n+ actual - expected\n+ 'hello_world'\n- 'hello-world'`,
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: '/home/dev/project/slug.js',
      line: 6,
      column: 38,
      test: 'parsePort > rejects text',
      message: `${prefix.type}: not a port: http`,
    },
  ],
];
const NODE_TEST_SPEC = nodeTest({ assertion: 'AssertionError [ERR_ASSERTION]', type: 'TypeError [Error]' });

const GO_TESTS: Array<[FailureKind, Failure]> = [
  ['test', { check: 'test', file: 'ledger_test.go', line: 7, test: 'TestBalance', message: 'Balance() = 30, want 35' }],
  [
    'test',
    {
      check: 'test',
      file: 'ledger_test.go',
      line: 24,
      test: 'TestFormat/whole_dollars',
      message: 'Format(500) = "$5.0", want "$5.00"',
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: 'ledger_test.go',
      line: 24,
      test: 'TestFormat/small_cents',
      message: 'Format(105) = "$1.5", want "$1.05"',
    },
  ],
  [
    'test',
    {
      check: 'test',
      file: 'ledger_test.go',
      line: 33,
      test: 'TestNested/nested/deeper',
      message: 'first problem\nsecond line of detail',
    },
  ],
];

const TSC: Array<[FailureKind, Failure]> = [
  [
    'type',
    {
      check: 'typecheck',
      file: 'src/main.ts',
      line: 3,
      column: 23,
      message: "TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.",
    },
  ],
  [
    'type',
    {
      check: 'typecheck',
      file: 'src/main.ts',
      line: 4,
      column: 18,
      message: "TS2339: Property 'nickname' does not exist on type 'User'.",
    },
  ],
  [
    'type',
    {
      check: 'typecheck',
      file: 'src/main.ts',
      line: 7,
      column: 14,
      message: has(
        "TS2322: Type '(u: { id: string; }) => string' is not assignable to type 'Render'.\nTypes of parameters 'u' and 'user' are incompatible.",
      ),
    },
  ],
  [
    'type',
    {
      check: 'typecheck',
      file: 'src/user.ts',
      line: 8,
      column: 12,
      message: "TS2322: Type 'string' is not assignable to type 'number'.",
    },
  ],
];

interface Sample {
  /** A file in ./fixtures/check-output. */
  file: string;
  /** The tool that printed it, and how it was run. */
  source: string;
  /** What the parsers must get right in it. */
  reads: string;
  check: string;
  /** The runners that recognise it (`generic` last when none found anything). */
  runners: Runner[];
  failures: Array<[FailureKind, Failure]>;
  /** Bytes the raw file must hold for the sample to test what it claims (colours, CRLF). */
  raw?: string[];
}

/** Every real output sample, and what reading it must give. One test below runs them all. */
const SAMPLES: Sample[] = [
  {
    file: 'jest.txt',
    source: 'jest 30.5.2 (`jest --ci`), Node 20.20.2',
    reads: 'each failing test at its innermost project frame, and the suite that failed to run',
    check: 'test',
    runners: ['jest'],
    failures: JEST,
  },
  {
    file: 'jest-color.txt',
    source: 'the same jest run with FORCE_COLOR=1',
    reads: 'coloured output the same way',
    check: 'test',
    runners: ['jest'],
    failures: JEST,
    raw: ['\u001b['],
  },
  {
    file: 'vitest.txt',
    source: 'vitest 3.2.7 (`vitest run`), Node 20.20.2',
    reads: 'failing tests with nested describe names and the first project frame',
    check: 'test',
    runners: ['vitest'],
    failures: [
      [
        'test',
        {
          check: 'test',
          file: 'src/cart.test.js',
          line: 11,
          column: 38,
          test: 'cart > applyDiscount > takes ten percent off',
          message: 'AssertionError: expected +0 to be 90 // Object.is equality\n- Expected\n+ Received\n- 90\n+ 0',
        },
      ],
      [
        'test',
        {
          check: 'test',
          file: 'src/cart.js',
          line: 5,
          column: 28,
          test: 'cart > applyDiscount > rejects discounts over 100',
          message: 'RangeError: invalid discount: 150',
        },
      ],
      [
        'test',
        {
          check: 'test',
          file: 'src/format.test.js',
          line: 4,
          column: 46,
          test: 'formats a name',
          message: has("AssertionError: expected { first: 'Ada', last: 'Lovelace' } to deeply equal"),
        },
      ],
    ],
  },
  {
    file: 'node-test-tap.txt',
    source: 'Node 20.20.2 `node --test`, stdout not a terminal: the TAP reporter',
    reads: 'leaf failures with subtest and suite names, parents skipped',
    check: 'test',
    runners: ['node-test-tap'],
    failures: nodeTest({ assertion: 'AssertionError', type: 'TypeError' }),
  },
  {
    file: 'node-test-spec.txt',
    source: 'Node 20.20.2 `node --test --test-reporter=spec`',
    reads: 'the spec reporter',
    check: 'test',
    runners: ['node-test-spec'],
    failures: NODE_TEST_SPEC,
  },
  {
    file: 'node-test-spec-tty.txt',
    source: 'Node 20.20.2 `node --test` on a pseudo-terminal (util-linux `script`)',
    reads: 'the spec reporter on a terminal, with colours and CRLF line endings',
    check: 'test',
    runners: ['node-test-spec'],
    failures: NODE_TEST_SPEC,
    raw: ['\r\n', '\u001b['],
  },
  {
    file: 'pytest.txt',
    source: 'pytest 7.2.1, Python 3.11.2',
    reads: 'node ids (nested classes, parametrised), the innermost project frame (not the standard library) and the E lines',
    check: 'test',
    runners: ['pytest'],
    failures: [
      [
        'test',
        {
          check: 'test',
          file: 'inventory.py',
          line: 3,
          test: 'tests/test_inventory.py::test_restock_rejects_negative',
          message: 'ValueError: negative amount: -1',
        },
      ],
      [
        'test',
        {
          check: 'test',
          file: 'tests/test_inventory.py',
          line: 17,
          test: 'tests/test_inventory.py::TestPricing::TestTax::test_standard_rate',
          message: 'assert 20.0 == 120\n+  where 20.0 = price_with_tax(100, 0.2)',
        },
      ],
      [
        'test',
        {
          check: 'test',
          file: 'tests/test_inventory.py',
          line: 21,
          test: 'tests/test_inventory.py::TestPricing::test_zero_rate[0-1]',
          message: 'assert 0 == 1\n+  where 0 = price_with_tax(0, 1)',
        },
      ],
      [
        'test',
        {
          check: 'test',
          file: 'tests/test_inventory.py',
          line: 27,
          test: 'tests/test_inventory.py::test_reads_settings',
          message: has('json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes'),
        },
      ],
    ],
  },
  {
    file: 'pytest-collect-error.txt',
    source: 'pytest 7.2.1, a test module that fails to import',
    reads: 'a collection error, at the test module rather than the import machinery',
    check: 'test',
    runners: ['pytest'],
    failures: [
      [
        'suite',
        {
          check: 'test',
          file: 'tests/test_orders.py',
          line: 1,
          message: "ModuleNotFoundError: No module named 'orders'",
        },
      ],
    ],
  },
  {
    file: 'go.txt',
    source: 'go1.26.8 `go test ./...`',
    reads: 'failing tests and subtests, multi-line messages, parents without messages skipped',
    check: 'test',
    runners: ['go'],
    failures: GO_TESTS,
  },
  {
    file: 'go-build-error.txt',
    source: 'go1.26.8 `go test ./...`, one package does not compile',
    reads: 'the compile errors of a package next to the failing tests of another',
    check: 'test',
    runners: ['go'],
    failures: [
      ['build', { check: 'test', file: 'util/util_test.go', line: 12, column: 5, message: 'undefined: Triple' }],
      ['build', { check: 'test', file: 'util/util_test.go', line: 15, column: 6, message: 'declared and not used: unused' }],
      ...GO_TESTS,
    ],
  },
  {
    file: 'go-panic.txt',
    source: 'go1.26.8 `go test ./...`, a subtest panics',
    reads: 'a panic, attached to the subtest that was running, at the first frame outside the runtime',
    check: 'test',
    runners: ['go'],
    failures: [
      ['test', { check: 'test', file: 'queue_test.go', line: 7, test: 'TestLen', message: 'len = 1, want 2' }],
      [
        'test',
        {
          check: 'test',
          file: '/home/dev/project/queue/queue.go',
          line: 4,
          test: 'TestPeek/past_the_end',
          message: 'panic: runtime error: index out of range [5] with length 2',
        },
      ],
    ],
  },
  {
    file: 'eslint.txt',
    source: 'ESLint 10.15.0 (`eslint .`, stylish formatter)',
    reads: 'errors with their rule; warnings dropped when there are errors',
    check: 'lint',
    runners: ['eslint'],
    failures: [
      [
        'lint',
        {
          check: 'lint',
          file: '/home/dev/project/src/app.js',
          line: 4,
          column: 7,
          message: "'unusedValue' is assigned a value but never used (no-unused-vars)",
        },
      ],
      [
        'lint',
        {
          check: 'lint',
          file: '/home/dev/project/src/app.js',
          line: 7,
          column: 13,
          message: "Expected '===' and instead saw '==' (eqeqeq)",
        },
      ],
      [
        'lint',
        {
          check: 'lint',
          file: '/home/dev/project/src/app.js',
          line: 10,
          column: 10,
          message: "'missingFunction' is not defined (no-undef)",
        },
      ],
      [
        'lint',
        {
          check: 'lint',
          file: '/home/dev/project/src/lib/helper.js',
          line: 1,
          column: 31,
          message: "'extra' is defined but never used (no-unused-vars)",
        },
      ],
    ],
  },
  {
    file: 'tsc.txt',
    source: 'TypeScript 5.9.3 (`tsc -p .`)',
    reads: 'the plain form `file(line,col): error TSxxxx`, with the chain of reasons',
    check: 'typecheck',
    runners: ['tsc'],
    failures: TSC,
  },
  {
    file: 'tsc-pretty.txt',
    source: 'TypeScript 5.9.3 (`tsc -p . --pretty`, with colours)',
    reads: 'the --pretty form `file:line:col - error TSxxxx`, related-information lines not counted',
    check: 'typecheck',
    runners: ['tsc'],
    failures: TSC,
    raw: ['\u001b['],
  },
  {
    file: 'generic-gcc.txt',
    source: 'GNU Make 4.3 running gcc 12.2.0 with -Wall -Werror',
    reads: 'compiler-style `path:line:col: error:` lines, notes and the make trailer ignored',
    check: 'build',
    runners: ['generic'],
    failures: [
      [
        'error',
        {
          check: 'build',
          file: 'main.c',
          line: 5,
          column: 20,
          message: 'error: ‘missing_value’ undeclared (first use in this function)',
        },
      ],
      [
        'error',
        {
          check: 'build',
          file: 'main.c',
          line: 6,
          column: 12,
          message: has('error: returning ‘char *’ from a function with return type ‘int’'),
        },
      ],
      [
        'error',
        {
          check: 'build',
          file: 'main.c',
          line: 4,
          column: 9,
          message: 'error: unused variable ‘unused’ [-Werror=unused-variable]',
        },
      ],
    ],
  },
  {
    file: 'generic-python.txt',
    source: 'Python 3.11.2, a script ending in an uncaught exception',
    reads: 'a Python traceback, at its innermost frame',
    check: 'migrate',
    runners: ['generic'],
    failures: [['error', { check: 'migrate', file: '/home/dev/project/migrate.py', line: 11, message: "KeyError: 'version'" }]],
  },
  {
    file: 'generic-npm.txt',
    source: 'npm 11.19.1 `npm run build` in a package with no build script',
    reads: 'otherwise the last meaningful lines, as one failure with no file',
    check: 'build',
    runners: ['generic'],
    failures: [
      [
        'output',
        {
          check: 'build',
          message: 'npm error Missing script: "build"\nnpm error To see a list of scripts, run:\nnpm error   npm run',
        },
      ],
    ],
  },
];

describe('parseCheckOutput on real output', () => {
  it('has a sample for every fixture', () => {
    expect(SAMPLES.map((s) => s.file).sort()).toEqual(readdirSync(FIXTURES).sort());
  });

  it.each(SAMPLES)('$file: $reads', ({ file, check, runners, failures, raw }) => {
    const text = fixture(file);
    for (const bytes of raw ?? []) expect(text).toContain(bytes);
    expect(detectRunners(text)).toEqual(runners.filter((r) => r !== 'generic'));
    expect(parseCheckOutput(check, text)).toStrictEqual({
      runners,
      failures: failures.map(([kind, failure]) => ({ kind, failure })),
    });
    expect(parseFailures(check, text)).toStrictEqual(failures.map(([, failure]) => failure));
  });
});

describe('parseFailures', () => {
  it('eslint (stylish): warnings when they are all there is', () => {
    const onlyWarnings = fixture('eslint.txt')
      .split('\n')
      .filter((l) => !/\serror\s/.test(l))
      .join('\n');
    expect(parseFailures('lint', onlyWarnings)).toEqual([
      {
        check: 'lint',
        file: '/home/dev/project/src/app.js',
        line: 3,
        column: 5,
        message: "warning: 'count' is never reassigned. Use 'const' instead (prefer-const)",
      },
    ]);
  });

  it('tsc: keeps long messages under the limit', () => {
    const chained = parseFailures('typecheck', fixture('tsc.txt'))[2];
    expect(chained?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(chained?.message.endsWith('…')).toBe(true);
  });

  describe('generic fallback', () => {
    it('takes the end of long unknown output, within the message limit', () => {
      const lines = Array.from({ length: 50 }, (_, i) => `step ${i + 1} of 50: doing something rather verbose`);
      const [only, ...rest] = parseFailures('custom', `${lines.join('\n')}\n\nsomething broke\n---\n`);
      expect(rest).toEqual([]);
      expect(only?.file).toBeUndefined();
      expect(only?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(only?.message.endsWith('something broke')).toBe(true);
      expect(only?.message).toContain('step 50 of 50');
      expect(only?.message).not.toContain('step 1 of 50');
    });

    it('nothing at all for empty output', () => {
      expect(parseFailures('custom', '')).toEqual([]);
      expect(parseFailures('custom', '\n  \n')).toEqual([]);
    });
  });

  describe('ANSI and line endings', () => {
    it('stripAnsi removes colour, hyperlink and cursor sequences', () => {
      expect(stripAnsi('\u001b[1m\u001b[31mred\u001b[39m\u001b[22m \u001b]8;;https://x.test\u0007link\u001b]8;;\u0007\u001b[2K')).toBe(
        'red link',
      );
      expect(stripAnsi(fixture('tsc-pretty.txt'))).not.toContain('\u001b');
    });

    it('normalizeOutput turns CRLF into LF and keeps what a carriage return redrew last', () => {
      expect(normalizeOutput('a\r\nprogress 10%\rprogress 100%\ndone')).toBe('a\nprogress 100%\ndone');
    });
  });

  it('reports a failure once when the output repeats it', () => {
    const once = parseFailures('test', fixture('jest.txt'));
    expect(parseFailures('test', `${fixture('jest.txt')}\n${fixture('jest.txt')}`)).toEqual(once);
  });

  it('runs every recognising parser when a check chains tools', () => {
    const chained = `${fixture('tsc.txt')}\n${fixture('eslint.txt')}`;
    const result = parseCheckOutput('ci', chained);
    expect(result.runners).toEqual(['tsc', 'eslint']);
    expect(result.failures.map((f) => f.kind)).toEqual(['type', 'type', 'type', 'type', 'lint', 'lint', 'lint', 'lint']);
  });
});

describe('diagnose', () => {
  let nextLog = 0;
  function check(name: string, output: string, extra: Partial<CheckResult> = {}): [CheckResult, string] {
    const result: CheckResult = {
      name,
      required: true,
      passed: false,
      exitCode: 1,
      durationMs: 1200,
      outputTail: output.split('\n').slice(-20).join('\n'),
      logPath: `/runs/r1/checks/${nextLog++}-${name}.log`,
      timedOut: false,
      ...extra,
    };
    return [result, output];
  }

  function run(iteration: number, ...entries: Array<[CheckResult, string]>) {
    const logs = new Map(entries.map(([c, out]) => [c.logPath, out]));
    const input: DiagnoseFailureInput = {
      iteration,
      results: { iteration, passing: false, checks: entries.map(([c]) => c) },
    };
    return diagnose(input, (c) => {
      const text = logs.get(c.logPath);
      if (text === undefined) throw new Error(`no log for ${c.name}`);
      return text;
    });
  }

  it('collects the failures of each failed check and summarises them', () => {
    const d = run(3, check('test', fixture('jest.txt')), check('lint', fixture('eslint.txt')), check('build', '', { passed: true }));
    expect(d.iteration).toBe(3);
    expect(d.failedChecks).toEqual(['test', 'lint']);
    expect(d.failures).toHaveLength(8);
    expect(d.failures.slice(0, 4).every((f) => f.check === 'test')).toBe(true);
    expect(d.failures.slice(4).every((f) => f.check === 'lint')).toBe(true);
    expect(d.omitted).toBe(0);
    expect(d.summary).toBe('2 checks failed (test, lint): 3 failing tests, 1 test file that could not run, 4 lint errors');
  });

  it('lists optional checks after required ones, whatever the configured order', () => {
    const d = run(
      1,
      check('format', fixture('eslint.txt'), { required: false }),
      check('typecheck', fixture('tsc.txt')),
      check('test', fixture('go.txt')),
    );
    expect(d.failedChecks).toEqual(['typecheck', 'test', 'format']);
    expect(d.failures.map((f) => f.check)).toEqual([
      ...Array<string>(4).fill('typecheck'),
      ...Array<string>(4).fill('test'),
      ...Array<string>(4).fill('format'),
    ]);
    expect(d.summary).toBe('3 checks failed (typecheck, test; optional: format): 4 failing tests, 4 type errors, 4 lint errors');
  });

  it('puts failures with a file before those without', () => {
    const d = run(2, check('build', fixture('generic-npm.txt')), check('typecheck', fixture('tsc.txt')));
    expect(d.failedChecks).toEqual(['build', 'typecheck']);
    expect(d.failures.map((f) => [f.check, f.file])).toEqual([
      ['typecheck', 'src/main.ts'],
      ['typecheck', 'src/main.ts'],
      ['typecheck', 'src/main.ts'],
      ['typecheck', 'src/user.ts'],
      ['build', undefined],
    ]);
    expect(d.summary).toBe('2 checks failed (build, typecheck): 4 type errors; no recognisable failures in build (see the output)');
  });

  it(`caps the list at ${MAX_FAILURES}, counts the rest in omitted, and keeps every failed check in the list`, () => {
    // Built for the cap (not a fixture): 40 type errors in the tsc plain format.
    const many = Array.from(
      { length: 40 },
      (_, i) => `src/gen${i}.ts(${i + 1},5): error TS2322: Type 'string' is not assignable to type 'number'.`,
    ).join('\n');
    const d = run(4, check('typecheck', many), check('lint', fixture('eslint.txt'), { required: false }));
    expect(d.failures).toHaveLength(MAX_FAILURES);
    expect(d.omitted).toBe(40 + 4 - MAX_FAILURES);
    expect(d.failures.slice(0, 29).every((f) => f.check === 'typecheck')).toBe(true);
    expect(d.failures[29]).toMatchObject({ check: 'lint', file: '/home/dev/project/src/app.js', line: 4 });
    expect(d.summary).toBe('2 checks failed (typecheck; optional: lint): 40 type errors, 4 lint errors; showing 30 of 44');
  });

  it('lists a failure reported by two checks once', () => {
    const d = run(1, check('typecheck', fixture('tsc.txt')), check('build', fixture('tsc-pretty.txt')));
    expect(d.failedChecks).toEqual(['typecheck', 'build']);
    expect(d.failures).toHaveLength(4);
    expect(d.failures.every((f) => f.check === 'typecheck')).toBe(true);
  });

  it('says when a check timed out', () => {
    const d = run(5, check('test', fixture('vitest.txt'), { timedOut: true, exitCode: null, durationMs: 600_000 }));
    expect(d.failures).toHaveLength(4);
    expect(d.failures[3]).toEqual({
      check: 'test',
      message: 'timed out after 10 min; its output may be cut short',
    });
    expect(d.summary).toBe('1 check failed (test): test timed out; 3 failing tests');
  });

  it('falls back to the output tail when the log cannot be read', () => {
    const [c] = check('typecheck', fixture('tsc.txt'));
    const input: DiagnoseFailureInput = {
      iteration: 1,
      results: { iteration: 1, passing: false, checks: [c] },
    };
    const d = diagnose(input, () => {
      throw new Error('ENOENT');
    });
    expect(d.failures.map((f) => f.line)).toEqual([3, 4, 7, 8]);
  });

  it('still reports a check that failed without printing anything', () => {
    const d = run(1, check('custom', '', { exitCode: 3 }));
    expect(d.failures).toEqual([{ check: 'custom', message: 'exited with code 3 and printed nothing' }]);
    expect(d.summary).toBe('1 check failed (custom): no recognisable failures in custom (see the output)');
  });

  it('has nothing to say when no check failed', () => {
    const d = run(1, check('test', '', { passed: true }));
    expect(d).toEqual({
      iteration: 1,
      failedChecks: [],
      failures: [],
      omitted: 0,
      summary: 'no checks failed',
    });
  });

  it('keeps the summary short', () => {
    const names = Array.from({ length: 60 }, (_, i) => `a-rather-long-check-name-${i}`);
    const d = run(1, ...names.map((n) => check(n, fixture('generic-npm.txt'))));
    expect(d.summary.length).toBeLessThanOrEqual(500);
    expect(d.summary.startsWith('60 checks failed (a-rather-long-check-name-0, ')).toBe(true);
  });
});
