import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Everything of a user's checkout that a run must never change, byte for byte: every branch and tag
 * except AIDP's own `aidp/*` branches, HEAD, the index file, and every file of the working tree
 * (outside `.git` and AIDP's `.aidp` folder) with its content.
 */
export function repositoryState(dir: string): Record<string, string> {
  const state: Record<string, string> = {};
  const refs = execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: dir, encoding: 'utf8' });
  for (const line of refs.split('\n').filter(Boolean)) {
    const [name, sha] = line.split(' ');
    if (!name!.startsWith('refs/heads/aidp/')) state[`ref ${name}`] = sha!;
  }
  state.HEAD = readFileSync(join(dir, '.git', 'HEAD'), 'utf8');
  const index = join(dir, '.git', 'index');
  state.index = existsSync(index) ? createHash('sha256').update(readFileSync(index)).digest('hex') : '(none)';
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const rel = relative(dir, path);
      if (rel === '.git' || rel === '.aidp') continue;
      if (statSync(path).isDirectory()) walk(path);
      else state[`file ${rel}`] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return state;
}

/** Leaves uncommitted work in a fixture checkout: a staged change, an unstaged one, an untracked file. */
export function dirtyCheckout(dir: string): void {
  writeFileSync(join(dir, 'package.json'), '{ "name": "fixture", "private": true, "note": "staged by the user" }\n');
  execFileSync('git', ['add', 'package.json'], { cwd: dir });
  writeFileSync(join(dir, 'src', 'math.js'), "'use strict';\n// the user's own unfinished change\nexports.add = (a, b) => a - b;\n");
  writeFileSync(join(dir, 'NOTES.txt'), 'untracked notes of the user\n');
}
