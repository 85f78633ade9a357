#!/usr/bin/env bash
# AIDP's main job on the embedded default: sets everything up (see setup.sh), then starts a local
# Temporal dev server with its Web UI and an AIDP worker (`aidp temporal dev`). Ctrl+C stops both.
# Extra arguments go to `aidp temporal dev` (try --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh
step "Starting AIDP (aidp temporal dev)"
exec node packages/cli/bin/aidp.js temporal dev "$@"
