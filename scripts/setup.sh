#!/usr/bin/env bash
# Sets up a checkout on a fresh machine: pnpm, dependencies, a build, the Temporal CLI, and for the
# production tests PostgreSQL (from the distribution's packages) and the full Temporal server.
# Safe to run again: every step is skipped or quick when already done.
# Sourced by scripts/demo.sh and scripts/test.sh; exports AIDP_TEMPORAL_CLI (and AIDP_POSTGRES_BIN,
# AIDP_TEMPORAL_SERVER_BIN) for them.
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

# The tests drive the real agent CLIs (*.int.test.ts in packages/worker). A CLI that cannot be
# installed does not stop the setup: its tests fail, saying why. scripts/demo.sh needs none of them.
if [ "${AIDP_SETUP_AGENT_CLIS:-${AIDP_SETUP_FULL_SERVER:-1}}" != 0 ]; then
  step "Finding the agent CLIs the tests drive (installed once with npm into the cache; about a minute the first time)"
  if AIDP_AGENT_CLIS="$(bash scripts/agent-clis.sh)"; then
    export AIDP_AGENT_CLIS
    echo "Agent CLIs: $AIDP_AGENT_CLIS" >&2
  else
    echo "Some agent CLIs could not be installed; the tests that drive them will fail and say why." >&2
  fi
fi

# The production tests (*.prod.test.ts) run the full Temporal server on PostgreSQL. scripts/demo.sh
# does not need them and sets AIDP_SETUP_FULL_SERVER=0.
if [ "${AIDP_SETUP_FULL_SERVER:-1}" != 0 ]; then
  step "Finding PostgreSQL (for the tests against the full Temporal server)"
  # The tests make their certificates with the openssl command.
  if ! command -v openssl >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      step "Installing openssl from the distribution's packages"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2
    else
      echo "The openssl command is not installed; the TLS tests need it to make their certificates." >&2
      exit 1
    fi
  fi
  find_postgres() { node -e 'console.log(require(process.argv[1]).resolvePostgresBin())' "$root/packages/testing/lib/postgres.js" 2>/dev/null; }
  if ! AIDP_POSTGRES_BIN="$(find_postgres)"; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      step "Installing PostgreSQL from the distribution's packages"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
      step "Installing PostgreSQL from the distribution's packages (sudo)"
      sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    if ! AIDP_POSTGRES_BIN="$(find_postgres)"; then
      echo "PostgreSQL's server programs (initdb, pg_ctl, postgres) are not installed, and could not be installed" >&2
      echo "here. Install PostgreSQL 12 or newer, or set AIDP_POSTGRES_BIN to the folder holding them." >&2
      exit 1
    fi
  fi
  export AIDP_POSTGRES_BIN
  echo "PostgreSQL: $AIDP_POSTGRES_BIN ($("$AIDP_POSTGRES_BIN/postgres" --version))" >&2

  step "Finding the Temporal server (built once from source when missing; ten minutes or more the first time)"
  AIDP_TEMPORAL_SERVER_BIN="$(bash scripts/temporal-server.sh)"
  export AIDP_TEMPORAL_SERVER_BIN
  echo "Temporal server: $AIDP_TEMPORAL_SERVER_BIN" >&2
fi
