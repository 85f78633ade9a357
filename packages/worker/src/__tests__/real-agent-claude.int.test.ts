import { describeRealAgent } from './real-agent-suite';

// Claude Code 2.1.328 against the scripted Anthropic Messages API (see real-agent-suite.ts).
describeRealAgent('claude', {
  reportsModel: true,
  rateLimit: 'gives-up',
  overloadStatus: 529,
  processes: 1,
  // Anthropic's list prices, which Claude Code applies to the usage it is served.
  prices: { 'claude-haiku-4-5': { input: 1, cachedInput: 0.1, output: 5 } },
});
