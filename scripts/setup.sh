#!/usr/bin/env bash
# Sets up a checkout on a fresh machine: pnpm, dependencies, a build, and the Temporal CLI.
# Safe to run again: every step is skipped or quick when already done.
# Sourced by scripts/demo.sh and scripts/test.sh; exports AIDP_TEMPORAL_CLI for them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pnpm_version="10.34.9"

step() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is not installed. AIDP needs Node.js 20.19 or newer (https://nodejs.org)." >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "AIDP needs Node.js 20.19 or newer; this is $(node --version)." >&2
  exit 1
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  step "Installing pnpm $pnpm_version"
  # corepack cannot verify pnpm's signatures on every registry, so install it with npm; fall back to a
  # user-local prefix when the global one is not writable.
  if ! npm install -g "pnpm@$pnpm_version" >&2; then
    prefix="${XDG_CACHE_HOME:-$HOME/.cache}/aidp/pnpm-$pnpm_version"
    npm install --prefix "$prefix" "pnpm@$pnpm_version" >&2
    export PATH="$prefix/node_modules/.bin:$PATH"
  fi
fi

step "Installing dependencies"
pnpm install --frozen-lockfile >&2

step "Building"
pnpm run build >&2

step "Finding the Temporal CLI (built once from source when missing; a few minutes the first time)"
AIDP_TEMPORAL_CLI="$(bash scripts/temporal-cli.sh)"
export AIDP_TEMPORAL_CLI
echo "Temporal CLI: $AIDP_TEMPORAL_CLI ($("$AIDP_TEMPORAL_CLI" --version))" >&2
