import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The client types its starts and handles with the workflows' own signatures, through type-only imports
// that the compiler erases: loading the built package must load the workflows' contracts and nothing
// else of theirs — no workflow code in an application that only drives runs. Run after the build
// (`pnpm test` builds first), as an application would load the published package.

const packageDir = join(__dirname, '..', '..');

function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: packageDir, encoding: 'utf8' })) as string[];
}

describe('the built client', () => {
  const entry = join(packageDir, 'lib', 'index.js');

  it('is built', () => {
    expect(existsSync(entry)).toBe(true);
  });

  it("loads the workflows' contracts and none of their workflow code", () => {
    const loaded = modulesLoadedBy(entry).map((path) => path.replace(/\\/g, '/'));
    const workflows = loaded.filter((path) => /\/workflows\/lib\//.test(path));
    expect(workflows.length).toBeGreaterThan(0);
    expect(workflows.filter((path) => !/\/workflows\/lib\/contracts\//.test(path))).toEqual([]);
    expect(loaded.filter((path) => /@temporalio\/(worker|testing)\//.test(path))).toEqual([]);
  });
});
