import { describeRealAgent } from './real-agent-suite';

// opencode 1.18.33 with its openai provider against the scripted OpenAI Responses API (see
// real-agent-suite.ts). It prices usage from its bundled model catalog, and asks a small model for a
// title it does not report.
describeRealAgent('opencode', {
  rateLimit: 'recovers',
  overloadStatus: 503,
  cutAgentTimeout: 20,
  unknownModelTier: 'openai/no-such-model',
  unreportedSideRequests: true,
  prices: {
    'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
    'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  },
});
