import { describeRealAgent } from './real-agent-suite';

// Codex 0.169.0 against the scripted OpenAI Responses API (see real-agent-suite.ts). It reports no cost.
describeRealAgent('codex', { rateLimit: 'gives-up', overloadStatus: 503 });
