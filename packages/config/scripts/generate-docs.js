#!/usr/bin/env node
// Writes docs/configuration.md (the configuration reference) from the built valibot schema. Run
// after building: `pnpm --filter @aidp/config run docs`. A test fails when the committed file no
// longer matches the schema.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

let renderConfigurationDocs;
try {
  ({ renderConfigurationDocs } = require('../lib/config-docs.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    console.error('@aidp/config is not built: run `pnpm exec tsc -b packages/config` first.');
    process.exit(1);
  }
  throw error;
}

const target = path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md');
fs.writeFileSync(target, renderConfigurationDocs());
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
