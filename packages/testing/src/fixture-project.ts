import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
export function createFixtureProject(parent: string = tmpdir()): FixtureProject {
  const dir = mkdtempSync(join(parent, 'aidp-fixture-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture', private: true, scripts: { test: FIXTURE_TEST_COMMAND } }, null, 2) + '\n',
  );
  writeFileSync(join(dir, 'src', 'math.js'), BROKEN_MATH);
  writeFileSync(join(dir, 'test', 'math.test.js'), MATH_TEST);
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
  const project = createFixtureProject(parent);
  const bare = mkdtempSync(join(parent, 'aidp-origin-'));
  project.git('clone', '-q', '--bare', project.dir, bare);
  project.git('remote', 'add', 'origin', bare);
  project.git('fetch', '-q', 'origin');
  return { ...project, bare, origin: (...args) => git(bare, args) };
}
