#!/usr/bin/env bash
# AIDP's main job on the embedded default, from a fresh clone: sets everything up (see setup.sh),
# starts a local Temporal dev server and an AIDP worker (`aidp temporal dev`), copies the example
# project (examples/fix-tests) into a new git repository and runs a real work loop on it with the
# example's scripted agent, following it live. Then shows the fix on its branch and leaves the server
# running for you to explore the run in the Temporal Web UI, until Ctrl+C.
#
#   --exit          stop the server and worker once the run has ended (for scripts and tests)
#   --skip-setup    assume setup.sh has run (pnpm, dependencies, build, Temporal CLI)
#   --port N        frontend port of the dev server (default 7233; the Web UI is N+1000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

exit_after=0
skip_setup=0
port=7233
while [ $# -gt 0 ]; do
  case "$1" in
    --exit) exit_after=1 ;;
    --skip-setup) skip_setup=1 ;;
    --port) port="$2"; shift ;;
    *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n==> %s\n' "$*" >&2; }
if [ "$skip_setup" = 0 ]; then
  # The demo runs on the embedded dev server: no PostgreSQL or full server build needed.
  export AIDP_SETUP_FULL_SERVER="${AIDP_SETUP_FULL_SERVER:-0}"
  source scripts/setup.sh
fi
aidp() { node "$root/packages/cli/bin/aidp.js" "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/aidp-demo-XXXXXX")"
log="$work/dev-server.log"
step "Starting a local Temporal dev server and an AIDP worker (aidp temporal dev --port $port)"
node "$root/packages/cli/bin/aidp.js" temporal dev --port "$port" --ui-port "$((port + 1000))" >"$log" 2>&1 &
dev=$!
stop_dev() {
  if kill -0 "$dev" 2>/dev/null; then
    kill -TERM "$dev" 2>/dev/null || true  # a background job of a script ignores SIGINT
    wait "$dev" 2>/dev/null || true
  fi
}
trap stop_dev EXIT
for _ in $(seq 1 600); do
  grep -q 'Worker polling' "$log" 2>/dev/null && break
  if ! kill -0 "$dev" 2>/dev/null; then
    cat "$log" >&2
    echo "aidp temporal dev stopped before it was ready (output above)." >&2
    exit 1
  fi
  sleep 0.2
done
grep -q 'Worker polling' "$log" || { cat "$log" >&2; echo "aidp temporal dev was not ready after 2 minutes." >&2; exit 1; }
grep -E 'dev server at|Worker polling' "$log" | sed 's/^/    /' >&2

project="$work/fix-tests"
step "Copying the example project to $project (a new git repository)"
cp -R examples/fix-tests "$project"
git -C "$project" init -q -b main
git -C "$project" add -A
git -C "$project" -c user.name="AIDP demo" -c user.email="demo@example.com" commit -q -m "Example project with failing tests"
(cd "$project" && node --test test/ >/dev/null 2>&1) && { echo "the example's tests should fail before the run" >&2; exit 1; }
echo "    its tests fail: node --test test/ exits non-zero" >&2

step "Running the work loop (aidp temporal start workloop fix-tests --follow)"
echo "    The agent is the example's scripted stand-in (tools/example-agent.js), not an AI:" >&2
echo "    this demo needs no AI agent installed. See the README to use a real one." >&2
status=0
(cd "$project" && aidp temporal start workloop fix-tests --follow --address "127.0.0.1:$port") || status=$?

step "The fix, on its own branch (git log and diff in $project)"
git -C "$project" log --oneline "main..aidp/fix-tests" || true
git -C "$project" diff --stat main aidp/fix-tests || true
git -C "$project" diff main aidp/fix-tests -- src/ || true

if [ "$status" -ne 0 ]; then
  echo "The run did not reach its goal (exit $status)." >&2
  exit "$status"
fi
if [ "$exit_after" = 1 ]; then
  exit 0
fi
step "The dev server and worker keep running: open the run in the Web UI (link above), or try"
echo "    aidp temporal list --status all --address 127.0.0.1:$port" >&2
echo "    Ctrl+C stops them." >&2
wait "$dev"
