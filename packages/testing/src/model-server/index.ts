export { startModelServer } from './server.js';
export type { ModelServer, ModelServerOptions } from './server.js';
export type { ModelApi, ModelScript, ScriptedError, ScriptedStep, ServedRequest, ServedUsage, ToolAction } from './types.js';
