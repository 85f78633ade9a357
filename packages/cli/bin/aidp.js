#!/usr/bin/env node
'use strict';
// Kept tiny: commands load their heavy modules (Temporal, config) only when they run, so `--help` is instant.
require('../lib/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
