#!/usr/bin/env node
// Writes schema.json (the JSON Schema of aidp.yml that ships with the package) from the built
// valibot schema. Run after building: `pnpm --filter @aidp/config schema`. A test fails when the
// committed file no longer matches the schema.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

let renderJsonSchema;
try {
  ({ renderJsonSchema } = require('../lib/json-schema.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    console.error('@aidp/config is not built: run `pnpm exec tsc -b packages/config` first.');
    process.exit(1);
  }
  throw error;
}

const target = path.join(__dirname, '..', 'schema.json');
fs.writeFileSync(target, renderJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
