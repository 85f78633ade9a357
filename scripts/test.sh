#!/usr/bin/env bash
# The test command: sets everything up (see setup.sh), type-checks, lints, then runs every test —
# unit, integration (against a real Temporal dev server that jest starts and stops) and production
# (against the full Temporal server on PostgreSQL, which each test file starts and stops).
# Ends with a plain "N passed, M failed" line; the exit code is non-zero when anything failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# If setup or the build fails before jest runs, CI still gets its closing line.
trap '[ -n "${summary_printed:-}" ] || echo "0 passed, 1 failed"' EXIT
source scripts/setup.sh

step "Linting"
pnpm run lint >&2

step "Testing"
mkdir -p test-results
rm -f test-results/jest.json
status=0
pnpm exec jest --ci --json --outputFile=test-results/jest.json "$@" || status=$?

# The closing line CI reads, from jest's own JSON report.
if [ -f test-results/jest.json ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  ' "$root/test-results/jest.json"
  summary_printed=1
else
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
