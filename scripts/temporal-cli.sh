#!/usr/bin/env bash
# Prints the path of a working `temporal` CLI: $AIDP_TEMPORAL_CLI, else `temporal` on PATH, else a
# cached build, else builds github.com/temporalio/cli/cmd/temporal@v1.5.1 once with `go install` into
# ${XDG_CACHE_HOME:-~/.cache}/aidp (or $AIDP_CACHE_DIR). The logic lives in @aidp/worker
# (resolveTemporalCli) so `aidp temporal dev` and this script agree; this needs a build (pnpm build).
# Progress goes to stderr; stdout carries only the path:  TEMPORAL=$(scripts/temporal-cli.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/helpers/built.sh"
run_with_built worker index '
require(process.argv[1])
  .resolveTemporalCli({ onBuildStart: (dir) => console.error(`Building the Temporal CLI into ${dir} (once; a few minutes)...`) })
  .then((cli) => console.log(cli.path))
  .catch((err) => { console.error(err.message); process.exit(1); });
'
