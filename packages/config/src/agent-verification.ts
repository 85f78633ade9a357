import type { AgentProvider } from './schema.js';

/**
 * How far AIDP has checked a built-in adapter: against the real CLI from the npm registry (pinned),
 * driven end to end in AIDP's tests against a scripted model server; or only against the output
 * format its documentation and users' captures show, where the CLI cannot be installed or pointed at
 * a local model API on the machines the tests run on. `command` is whatever program the user names.
 */
export type AgentVerification =
  { status: 'real-cli'; package: string; version: string } | { status: 'documented-format'; why: string } | { status: 'user-command' };

export const AGENT_VERIFICATION: Readonly<Record<AgentProvider, AgentVerification>> = {
  claude: { status: 'real-cli', package: '@anthropic-ai/claude-code', version: '2.1.328' },
  codex: { status: 'real-cli', package: '@openai/codex', version: '0.169.0' },
  gemini: { status: 'real-cli', package: '@google/gemini-cli', version: '0.61.0' },
  opencode: { status: 'real-cli', package: 'opencode-ai', version: '1.18.33' },
  copilot: { status: 'real-cli', package: '@github/copilot', version: '1.0.102' },
  aider: { status: 'documented-format', why: 'aider is a PyPI package, and the test machines reach only the npm registry' },
  cursor: {
    status: 'documented-format',
    why: "cursor-agent installs only through Cursor's own download script, not from a package registry",
  },
  command: { status: 'user-command' },
};

/** One line saying how the adapter of `provider` is verified, for `aidp temporal config`. */
export function describeAgentVerification(provider: AgentProvider): string {
  const v = AGENT_VERIFICATION[provider];
  switch (v.status) {
    case 'real-cli':
      return `verified against its real CLI (${v.package} ${v.version}) in AIDP's tests`;
    case 'documented-format':
      return `checked only against its documented output format, not its real CLI: ${v.why}`;
    case 'user-command':
      return 'runs the program agent.command names; it reports usage with AIDP_COST lines';
  }
}
