#!/usr/bin/env node
'use strict';
// Bundles @aidp/workflows for the Temporal sandbox at build time, so a worker starts without running
// webpack. Run after `tsc -b` (it bundles the compiled workflows package). Next to the bundle goes the
// Temporal version whose workflow runtime it holds: a worker of another version bundles at start-up
// instead (see src/plugin.ts).
const { bundleWorkflowCode } = require('@temporalio/worker');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

async function main() {
  const started = Date.now();
  const workflowsPath = require.resolve('@aidp/workflows');
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  // The @temporalio/workflow the bundler took: the one @aidp/workflows resolves.
  const sdk = require.resolve('@temporalio/workflow/package.json', { paths: [dirname(workflowsPath)] });
  /** @type {unknown} */
  const manifest = JSON.parse(readFileSync(sdk, 'utf8'));
  const { version } = /** @type {{ version: string }} */ (manifest);
  const lib = join(__dirname, '..', 'lib');
  mkdirSync(lib, { recursive: true });
  writeFileSync(join(lib, 'workflow-bundle.js'), code);
  writeFileSync(join(lib, 'workflow-bundle.json'), `${JSON.stringify({ temporal: version })}\n`);
  console.log(
    `workflow bundle: ${join(lib, 'workflow-bundle.js')} (${Math.round(code.length / 1024)} KiB, Temporal ${version}, ${Date.now() - started} ms)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
