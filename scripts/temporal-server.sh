#!/usr/bin/env bash
# Prints the folder holding the full Temporal server and its SQL tool, which the production tests
# (*.prod.test.ts, pnpm test:faults) run on PostgreSQL: $AIDP_TEMPORAL_SERVER_BIN, else a cached build,
# else builds go.temporal.io/server's cmd/server and cmd/tools/sql once with `go install` into
# ${XDG_CACHE_HOME:-~/.cache}/aidp/temporal-server-<version> (or $AIDP_CACHE_DIR). The logic lives in
# @aidp/testing (resolveTemporalServer) so the tests and this script agree; this needs a build.
# Progress goes to stderr; stdout carries only the folder:  BIN=$(scripts/temporal-server.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/helpers/built.sh"
run_with_built testing temporal-server '
const { dirname } = require("node:path");
require(process.argv[1])
  .resolveTemporalServer({ onBuildStart: (dir) => console.error(`Building the Temporal server into ${dir} (once; ten minutes or more on two cores)...`) })
  .then((found) => console.log(dirname(found.server)))
  .catch((err) => { console.error(err.message); process.exit(1); });
'
