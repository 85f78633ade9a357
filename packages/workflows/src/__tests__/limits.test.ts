import { spawnSync } from 'node:child_process';
import {
  INSTRUCTION_MAX_BYTES,
  MAX_ITERATIONS_LIMIT,
  NEW_WORKFLOW_ID_MAX_BYTES,
  STEP_NAME_MAX_BYTES,
  TASK_MAX_BYTES,
  WORKFLOW_ID_MAX_BYTES,
  formatBytes,
  utf8ByteLength,
  validateBranchName,
  validateInstruction,
  validateMaxIterations,
  validateNamespace,
  validateNewWorkflowId,
  validateRefName,
  validateStepName,
  validateTaskText,
  validateWorkflowId,
} from '../contracts/index.js';

/** What git itself says about a reference name. */
function gitAccepts(ref: string): boolean {
  return spawnSync('git', ['check-ref-format', ref], { stdio: 'ignore' }).status === 0;
}

describe('step names', () => {
  // [step, the problem, or undefined when aidp/<step> is a branch git accepts]
  const table: [string, string | undefined][] = [
    ['fix-tests', undefined],
    ['feature/login', undefined],
    ['übersetzung', undefined],
    ['v1.2', undefined],
    ['x..y', 'cannot name the branch aidp/x..y: it contains ".."'],
    ['a b', 'cannot name the branch aidp/a b: it contains a space'],
    ['a~1', 'cannot name the branch aidp/a~1: it contains "~"'],
    ['a^', 'cannot name the branch aidp/a^: it contains "^"'],
    ['a:b', 'cannot name the branch aidp/a:b: it contains ":"'],
    ['what?', 'cannot name the branch aidp/what?: it contains "?"'],
    ['a*', 'cannot name the branch aidp/a*: it contains "*"'],
    ['a[1]', 'cannot name the branch aidp/a[1]: it contains "["'],
    ['a\\b', 'cannot name the branch aidp/a\\b: it contains "\\"'],
    ['a@{1}', 'cannot name the branch aidp/a@{1}: it contains "@{"'],
    ['a//b', 'cannot name the branch aidp/a//b: it contains "//"'],
    ['a/', 'cannot name the branch aidp/a/: it ends with "/"'],
    ['a.', 'cannot name the branch aidp/a.: it ends with "."'],
    ['.hidden', 'cannot name the branch aidp/.hidden: it has a part that starts with "." (.hidden)'],
    ['a/.b', 'cannot name the branch aidp/a/.b: it has a part that starts with "." (.b)'],
    ['x.lock', 'cannot name the branch aidp/x.lock: it has a part that ends with ".lock" (x.lock)'],
    ['x.lock/y', 'cannot name the branch aidp/x.lock/y: it has a part that ends with ".lock" (x.lock)'],
    ['a\nb', 'contains a control character (U+000A)'],
    ['a\u007fb', 'contains a control character (U+007F)'],
    ['', 'is empty'],
    ['-x', 'starts with "-"'],
  ];

  it.each(table)('%j: %s', (step, problem) => {
    expect(validateStepName(step)).toBe(problem);
  });

  it('agrees with git check-ref-format on every name of the table', () => {
    for (const [step, problem] of table) {
      if (step.startsWith('-') || step === '') continue; // AIDP's own rules, stricter than git's
      expect([step, gitAccepts(`refs/heads/aidp/${step}`)]).toEqual([step, problem === undefined]);
    }
  });

  it(`is at most ${STEP_NAME_MAX_BYTES} bytes of UTF-8`, () => {
    expect(validateStepName('s'.repeat(STEP_NAME_MAX_BYTES))).toBeUndefined();
    expect(validateStepName('s'.repeat(STEP_NAME_MAX_BYTES + 1))).toBe(
      `is too long: ${STEP_NAME_MAX_BYTES + 1} bytes (at most ${STEP_NAME_MAX_BYTES} bytes)`,
    );
    // 34 characters, but 102 bytes.
    expect(validateStepName('€'.repeat(34))).toBe('is too long: 102 bytes (at most 100 bytes)');
  });
});

describe('branch names', () => {
  it('follow git check-ref-format, and refuse what git branch refuses', () => {
    expect(validateBranchName('main')).toBeUndefined();
    expect(validateBranchName('release/2.0')).toBeUndefined();
    expect(validateBranchName('-f')).toBe('starts with "-"');
    expect(validateBranchName('HEAD')).toBe('is "HEAD", which git reserves');
    expect(validateBranchName('@')).toBe('is not a valid git branch name: it is "@", which git reads as HEAD');
    expect(validateBranchName('a..b')).toBe('is not a valid git branch name: it contains ".."');
    expect(validateBranchName('/a')).toBe('is not a valid git branch name: it starts with "/"');
    expect(validateBranchName('')).toBe('is empty');
    expect(validateBranchName('b'.repeat(201))).toBe('is too long: 201 bytes (at most 200 bytes)');
    // ("@" alone is a valid ref under refs/heads/, but git reads it as HEAD wherever a branch is named.)
    for (const name of ['main', 'release/2.0', 'a..b', '/a', 'a b', 'x.lock', 'a@{b']) {
      expect([name, gitAccepts(`refs/heads/${name}`)]).toEqual([name, validateRefName(name) === undefined]);
    }
  });
});

describe('workflow ids', () => {
  it(`are not empty, at most ${WORKFLOW_ID_MAX_BYTES} bytes (Temporal's default limit), without control characters`, () => {
    expect(validateWorkflowId('aidp-workloop-fix-tests-1a2b3c4d')).toBeUndefined();
    expect(validateWorkflowId('has space')).toBeUndefined();
    expect(validateWorkflowId('')).toBe('is empty');
    expect(validateWorkflowId('i'.repeat(WORKFLOW_ID_MAX_BYTES))).toBeUndefined();
    expect(validateWorkflowId('i'.repeat(2000))).toBe('is too long: 2000 bytes (at most 1000 bytes)');
    expect(validateWorkflowId('a\tb')).toBe('contains a control character (U+0009)');
    expect(validateWorkflowId('a\u0085b')).toBe('contains a control character (U+0085)');
    expect(validateWorkflowId('a\ud800b')).toBe('is not valid Unicode (a lone surrogate)');
    expect(validateWorkflowId('😀')).toBeUndefined();
  });

  it(`of new runs are at most ${NEW_WORKFLOW_ID_MAX_BYTES} bytes: they also name the run's folders`, () => {
    expect(validateNewWorkflowId('n'.repeat(NEW_WORKFLOW_ID_MAX_BYTES))).toBeUndefined();
    expect(validateNewWorkflowId('n'.repeat(NEW_WORKFLOW_ID_MAX_BYTES + 1))).toBe('is too long: 201 bytes (at most 200 bytes)');
  });
});

describe('namespaces', () => {
  it("are printable ASCII, as a gRPC header must be, and at most the server's 1000 bytes", () => {
    expect(validateNamespace('default')).toBeUndefined();
    expect(validateNamespace('prod.a1b2c')).toBeUndefined();
    expect(validateNamespace('')).toBe('is empty');
    expect(validateNamespace('équipe')).toBe('contains a character other than printable ASCII (U+00E9)');
    expect(validateNamespace('a\tb')).toBe('contains a character other than printable ASCII (U+0009)');
    expect(validateNamespace('n'.repeat(1001))).toBe('is too long: 1001 bytes (at most 1000 bytes)');
  });
});

describe('texts', () => {
  it(`a task or context is at most ${formatBytes(TASK_MAX_BYTES)} and not blank`, () => {
    expect(validateTaskText('Make the tests pass.')).toBeUndefined();
    expect(validateTaskText('t'.repeat(TASK_MAX_BYTES))).toBeUndefined();
    expect(validateTaskText('t'.repeat(TASK_MAX_BYTES + 1))).toBe('is too large: 262145 bytes (at most 256 KiB)');
    expect(validateTaskText('t'.repeat(3 * 1024 * 1024))).toBe('is too large: 3 MiB (at most 256 KiB)');
    expect(validateTaskText(' \n\t')).toBe('is empty');
  });

  it(`an instruction is at most ${formatBytes(INSTRUCTION_MAX_BYTES)} and not blank`, () => {
    expect(validateInstruction('Use the helper in utils.ts')).toBeUndefined();
    expect(validateInstruction('')).toBe('is empty');
    expect(validateInstruction('   ')).toBe('is empty');
    expect(validateInstruction('i'.repeat(INSTRUCTION_MAX_BYTES + 1))).toBe('is too large: 65537 bytes (at most 64 KiB)');
  });

  it('are measured in UTF-8 bytes, as they travel', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a\ud800', 'mixed é € 😀 text']) {
      const lone = /[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
      expect([text, utf8ByteLength(text)]).toEqual([
        text,
        lone ? Buffer.byteLength(text.replace(/[\ud800-\udfff]/g, '\ufffd')) : Buffer.byteLength(text),
      ]);
    }
  });
});

describe('iteration limits', () => {
  it(`run from 1 to ${MAX_ITERATIONS_LIMIT}`, () => {
    expect(validateMaxIterations(1)).toBeUndefined();
    expect(validateMaxIterations(MAX_ITERATIONS_LIMIT)).toBeUndefined();
    expect(validateMaxIterations(0)).toBe(`must be a whole number from 1 to ${MAX_ITERATIONS_LIMIT}, got 0`);
    expect(validateMaxIterations(1e9)).toBe(`must be a whole number from 1 to ${MAX_ITERATIONS_LIMIT}, got 1000000000`);
    expect(validateMaxIterations(2.5)).toBeDefined();
    expect(validateMaxIterations(Number.NaN)).toBeDefined();
  });
});
