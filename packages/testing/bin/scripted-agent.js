#!/usr/bin/env node
'use strict';
// A scripted stand-in for an AI coding agent, driven through the real agent code path (the `command`
// provider). It reads the prompt from stdin (and --prompt-file), finds which iteration it is on from
// the prompt's "Iteration N of M" line, and acts out that iteration of a JSON script:
//
//   { "iterations": { "1": { "write": { "src/math.js": "..." }, "exitCode": 0, "sleepMs": 0,
//                            "crash": false, "spawnChild": false, "say": "...", "complete": false,
//                            "printEnv": false,             // print NAME=value of its whole environment
//                            "cost": { "usd": 0.01, "inputTokens": 100, "outputTokens": 50 } } },
//     "default": { ... },                     // for iterations the script does not name
//     "rules": [{ "match": "regex", "iteration": 1, "step": { ... } }],  // checked first, in order:
//                                             // the first whose regex is found in the prompt (and
//                                             // whose iteration, when given, is this one) wins
//     "record": "/tmp/agent-record.jsonl" }   // one JSON line per invocation
//
// Usage: scripted-agent.js --script <file> [--prompt-file <file>] [--model <name>]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The script as scriptAgent() writes it (src/agent-script.ts).
 * @typedef {import('../src/agent-script').AgentStep} AgentStep
 * @typedef {import('../src/agent-script').AgentRule} AgentRule
 * @typedef {{ iterations?: Record<string, AgentStep>; default?: AgentStep; rules?: AgentRule[]; record?: string }} AgentScript
 */

/** @param {string} name */
function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readStdin() {
  if (process.stdin.isTTY) return '';
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of /** @type {AsyncIterable<Buffer>} */ (process.stdin)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const scriptPath = arg('--script');
  if (!scriptPath) {
    process.stderr.write('scripted-agent: --script <file> is required\n');
    process.exit(64);
  }
  /** @type {unknown} */
  const parsed = JSON.parse(fs.readFileSync(scriptPath, 'utf8'));
  const script = /** @type {AgentScript} */ (parsed);
  const stdin = await readStdin();
  const promptFile = arg('--prompt-file');
  const prompt = promptFile ? fs.readFileSync(promptFile, 'utf8') : stdin;
  const match = /Iteration (\d+) of (\d+)/.exec(prompt);
  const iteration = match ? Number(match[1]) : 0;
  const rule = (script.rules || []).find(
    (r) => new RegExp(r.match).test(prompt) && (r.iteration === undefined || r.iteration === iteration),
  );
  /** @type {AgentStep} */
  const step = (rule && rule.step) || (script.iterations && script.iterations[String(iteration)]) || script.default || {};

  let childPid = null;
  if (step.spawnChild) {
    // A grandchild that outlives nothing: cancellation must kill the whole process group.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
    childPid = child.pid;
  }
  if (script.record) {
    const entry = {
      iteration,
      model: arg('--model') ?? null,
      argv: process.argv.slice(2),
      cwd: process.cwd(),
      pid: process.pid,
      childPid,
      stdinMatchesPromptFile: promptFile ? stdin === prompt : null,
      prompt,
      env: Object.keys(process.env).sort(),
      startedAt: Date.now(),
    };
    fs.appendFileSync(script.record, JSON.stringify(entry) + '\n');
  }
  process.stdout.write(`scripted-agent: iteration ${iteration}, model ${arg('--model') ?? '(none)'}\n`);
  if (step.sleepMs) await new Promise((r) => setTimeout(r, step.sleepMs));
  for (const [file, content] of Object.entries(step.write || {})) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  for (const file of step.remove || []) fs.rmSync(file, { force: true });
  if (step.say) process.stdout.write(`${step.say}\n`);
  if (step.printEnv) {
    // As a careless agent would: whatever reaches its environment ends up in its log.
    for (const [name, value] of Object.entries(process.env).sort()) process.stdout.write(`${name}=${value}\n`);
  }
  if (step.cost) process.stdout.write(`AIDP_COST ${JSON.stringify(step.cost)}\n`);
  if (step.complete) process.stdout.write('STATUS: COMPLETE\n');
  if (step.crash) process.kill(process.pid, 'SIGSEGV');
  process.exitCode = step.exitCode ?? 0;
}

main().catch((err) => {
  process.stderr.write(`scripted-agent: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
  process.exit(70);
});
