import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@aidp/testing/work-loop-harness';

// The README's first command, after its setup step: a dev server and a worker, the example project in
// a fresh git repository, a real work loop followed live, and the fix on its branch.
const DEMO = resolve(__dirname, '..', '..', '..', '..', 'scripts', 'demo.sh');

describe('scripts/demo.sh', () => {
  it('runs the example work loop to green on a local dev server and shows the fix', async () => {
    const port = await freePort();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn('bash', [DEMO, '--skip-setup', '--exit', '--port', String(port)], {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('close', (code) => done({ code, output }));
    });
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
    expect(output).toContain('not an AI');
    expect(output).toContain('✔ fix-tests: the checks pass after 2 iteration(s)');
    expect(output).toContain(`http://127.0.0.1:${port + 1000}/namespaces/default/workflows/aidp-workloop-fix-tests-`);
    expect(output).toContain('+  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);');
    expect(output).toContain('+  return Math.round(amount * (1 - percent / 100) * 100) / 100;');
  }, 180_000);
});
