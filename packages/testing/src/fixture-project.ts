import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The fixture's source with the bug, and fixed. */
export const BROKEN_MATH = `'use strict';\nexports.add = (a, b) => a - b;\nexports.double = (a) => a * 2;\n`;
export const FIXED_MATH = `'use strict';\nexports.add = (a, b) => a + b;\nexports.double = (a) => a * 2;\n`;

const MATH_TEST = `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { add, double } = require('../src/math.js');

test('add sums two numbers', () => {
  assert.strictEqual(add(2, 3), 5);
});

test('double doubles', () => {
  assert.strictEqual(double(4), 8);
});
`;

const MATH_PROJECT = { 'src/math.js': BROKEN_MATH, 'test/math.test.js': MATH_TEST };

/** One function of the parts project: its file, its bug, its fix and its test. */
export interface PartsProjectFunction {
  file: string;
  test: string;
  testName: string;
  broken: string;
  fixed: string;
}

function operation(name: string, broken: string, fixed: string): PartsProjectFunction {
  return {
    file: `src/${name}.js`,
    test: `test/${name}.test.js`,
    testName: `${name} works`,
    broken: `'use strict';\nexports.${name} = ${broken};\n`,
    fixed: `'use strict';\nexports.${name} = ${fixed};\n`,
  };
}

/**
 * A project with independent bugs, one file and one test file each, for decomposed issues: `add`,
 * `mul` and `sub` are broken; `double` works (its test passes, for a part to break).
 */
export const PARTS_PROJECT = {
  add: operation('add', '(a, b) => a - b', '(a, b) => a + b'),
  mul: operation('mul', '(a, b) => a + b', '(a, b) => a * b'),
  sub: operation('sub', '(a, b) => a + b', '(a, b) => a - b'),
  double: operation('double', '(a) => a * 2', '(a) => a * 2'),
};

const PARTS_CALLS: Record<keyof typeof PARTS_PROJECT, [string, number]> = {
  add: ['add(2, 3)', 5],
  mul: ['mul(2, 4)', 8],
  sub: ['sub(5, 3)', 2],
  double: ['double(4)', 8],
};

/** A {@link PARTS_PROJECT} repository with a local bare `origin`; `broken` says which functions have their bug. */
export function createPartsProjectWithOrigin(
  broken: Array<keyof typeof PARTS_PROJECT> = ['add', 'mul', 'sub'],
  parent: string = tmpdir(),
): FixtureProjectWithOrigin {
  const files: Record<string, string> = {};
  for (const [name, f] of Object.entries(PARTS_PROJECT) as Array<[keyof typeof PARTS_PROJECT, PartsProjectFunction]>) {
    const [call, expected] = PARTS_CALLS[name];
    files[f.file] = broken.includes(name) ? f.broken : f.fixed;
    files[f.test] = [
      `'use strict';`,
      `const test = require('node:test');`,
      `const assert = require('node:assert');`,
      `const { ${name} } = require('../${f.file.replace(/\.js$/, '')}');`,
      '',
      `test('${f.testName}', () => {`,
      `  assert.strictEqual(${call}, ${expected});`,
      '});',
      '',
    ].join('\n');
  }
  return withOrigin(createFixtureProject(parent, files), parent);
}

/** The check that passes once `add` is fixed: the project's own test command. */
export const FIXTURE_TEST_COMMAND = 'node --test test/';

export interface FixtureProject {
  dir: string;
  /** Runs git in the project and returns its trimmed output. */
  git(...args: string[]): string;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A small git repository whose test fails until `add` in `src/math.js` is fixed — the project a
 * work loop is pointed at in tests. One commit on branch `main`.
 */
export function createFixtureProject(parent: string = tmpdir(), files: Record<string, string> = MATH_PROJECT): FixtureProject {
  const dir = mkdtempSync(join(parent, 'aidp-fixture-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture', private: true, scripts: { test: FIXTURE_TEST_COMMAND } }, null, 2) + '\n',
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.email', 'fixture@example.com']);
  git(dir, ['config', 'user.name', 'Fixture']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'Initial commit']);
  return { dir, git: (...args) => git(dir, args) };
}

/** A fixture project whose `origin` is a local bare repository (with `origin/main` fetched). */
export interface FixtureProjectWithOrigin extends FixtureProject {
  /** The bare repository's path. */
  bare: string;
  /** Runs git in the bare repository (`origin('show', 'branch:file')`). */
  origin(...args: string[]): string;
}

export function createFixtureProjectWithOrigin(parent: string = tmpdir()): FixtureProjectWithOrigin {
  return withOrigin(createFixtureProject(parent), parent);
}

function withOrigin(project: FixtureProject, parent: string): FixtureProjectWithOrigin {
  const bare = mkdtempSync(join(parent, 'aidp-origin-'));
  project.git('clone', '-q', '--bare', project.dir, bare);
  project.git('remote', 'add', 'origin', bare);
  project.git('fetch', '-q', 'origin');
  return { ...project, bare, origin: (...args) => git(bare, args) };
}
