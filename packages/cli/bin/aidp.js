#!/usr/bin/env node
'use strict';
// Kept tiny: commands load their heavy modules (Temporal, config) only when they run, so `--help` is instant.
// A rejection is a bug in main(), which answers every failure with an exit code: Node reports it.
void require('../lib/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
