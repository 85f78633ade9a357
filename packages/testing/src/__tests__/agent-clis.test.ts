import { AGENT_VERIFICATION } from '@aidp/config';
import { AGENT_CLI_NAMES, AGENT_CLI_PACKAGES, agentClisDir } from '../agent-clis';

// What the docs and `aidp temporal config` claim is verified against a real CLI is exactly what the
// tests install and drive, at the same versions.

describe('the pinned agent CLIs', () => {
  it('are the adapters said to be verified against their real CLI, at the same versions', () => {
    const claimed = Object.entries(AGENT_VERIFICATION)
      .filter(([, v]) => v.status === 'real-cli')
      .map(([provider, v]) => [provider, v.status === 'real-cli' ? `${v.package}@${v.version}` : ''])
      .sort();
    const installed = AGENT_CLI_NAMES.map((name) => [name, `${AGENT_CLI_PACKAGES[name].name}@${AGENT_CLI_PACKAGES[name].version}`]).sort();
    expect(claimed).toEqual(installed);
  });

  it('are cached outside the repository, in a folder named after the pins', () => {
    const dir = agentClisDir({ XDG_CACHE_HOME: '/var/cache/x' });
    expect(dir).toMatch(/^\/var\/cache\/x\/aidp\/agent-clis-[0-9a-f]{12}$/);
    expect(agentClisDir({ AIDP_CACHE_DIR: '/c' })).toMatch(/^\/c\/agent-clis-/);
  });
});
