import { describeRealAgent } from './real-agent-suite';

// GitHub Copilot CLI 1.0.102 with a model provider of its own (COPILOT_PROVIDER_BASE_URL, offline)
// against the scripted Chat Completions API (see real-agent-suite.ts). It reports neither tokens nor
// cost, only the model.
describeRealAgent('copilot', { rateLimit: 'gives-up', overloadStatus: 503, reportsModel: true, reportsNoUsage: true });
