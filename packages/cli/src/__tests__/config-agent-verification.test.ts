import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_PROVIDERS, AGENT_VERIFICATION, describeAgentVerification } from '@aidp/config';
import { runCli } from './run-cli';

// `aidp temporal config` says how far the configured agent adapter is verified: against its real CLI
// in AIDP's tests, or only against the output format its documentation shows. Never more.

function project(provider: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-cli-'));
  writeFileSync(join(dir, 'aidp.yml'), `agent:\n  provider: ${provider}\n`);
  return dir;
}

describe('aidp temporal config and the agent adapter', () => {
  it.each([
    ['claude', 'Agent adapter "claude": verified against its real CLI (@anthropic-ai/claude-code 2.1.328) in AIDP\'s tests'],
    ['copilot', 'Agent adapter "copilot": verified against its real CLI (@github/copilot 1.0.102) in AIDP\'s tests'],
    ['aider', 'Agent adapter "aider": checked only against its documented output format, not its real CLI'],
    ['cursor', 'Agent adapter "cursor": checked only against its documented output format, not its real CLI'],
  ])('says how the %s adapter is verified', async (provider, line) => {
    const run = await runCli(['temporal', 'config'], { cwd: project(provider) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(line);
  });

  it('gives the same in JSON', async () => {
    const run = await runCli(['temporal', 'config', '--json'], { cwd: project('gemini') });
    expect((JSON.parse(run.stdout) as { agent: unknown }).agent).toEqual({
      provider: 'gemini',
      verification: { status: 'real-cli', package: '@google/gemini-cli', version: '0.61.0' },
    });
  });

  it('has a line for every provider', () => {
    for (const provider of AGENT_PROVIDERS) expect(describeAgentVerification(provider)).toBeTruthy();
    expect(Object.keys(AGENT_VERIFICATION).sort()).toEqual([...AGENT_PROVIDERS].sort());
  });
});
