/**
 * The `diagnoseFailure` activity and the pure functions behind it: each runner's output parser (one
 * module per tool under ./runners), the dispatcher that picks them, and `diagnose`, which turns a
 * failed run of the checks into the failures worth showing the agent.
 */
export { diagnoseFailure } from './activity.js';
export { diagnose, MAX_FAILURES, MAX_SUMMARY_LENGTH } from './diagnose.js';
export { itemiseFailures } from './itemise.js';
export type { ItemiseOptions } from './itemise.js';
export { parseCheckOutput, parseFailures, detectRunners } from './parse.js';
export type { ParsedOutput } from './parse.js';
export type { Runner, FailureKind, ParsedFailure } from './runner.js';
export { stripAnsi, normalizeOutput, cleanMessage, MAX_MESSAGE_LENGTH } from './text.js';
