import { describeRealAgent } from './real-agent-suite';

// Gemini CLI 0.61.0 against the scripted Gemini API (see real-agent-suite.ts). It reports no cost.
describeRealAgent('gemini', { rateLimit: 'recovers', overloadStatus: 503, reportsModel: true });
