#!/usr/bin/env node
'use strict';
// Bundles @aidp/workflows for the Temporal sandbox at build time, so a worker starts without running
// webpack. Run after `tsc -b` (it bundles the compiled workflows package).
const { bundleWorkflowCode } = require('@temporalio/worker');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

async function main() {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('@aidp/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  const out = join(__dirname, '..', 'lib', 'workflow-bundle.js');
  mkdirSync(join(__dirname, '..', 'lib'), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
