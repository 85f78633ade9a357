#!/usr/bin/env bash
# Prints the folder holding the agent CLIs the tests drive (claude, codex, gemini, opencode, copilot),
# installing them first when missing: the versions pinned in packages/testing/src/agent-clis.ts, with
# npm, once per machine, into ${XDG_CACHE_HOME:-~/.cache}/aidp/agent-clis-<hash of the pins> (or
# $AIDP_CACHE_DIR). They are large, so they live outside the repository. Needs a build (pnpm build).
# Progress goes to stderr; stdout carries only the folder:  BIN=$(scripts/agent-clis.sh)
# Exits 1, naming what is missing and the install log, when a CLI cannot be installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/helpers/built.sh"
run_with_built testing agent-clis '
const clis = require(process.argv[1]);
clis
  .ensureAgentClis({ onInstallStart: (dir, names) => console.error(`Installing the agent CLIs ${names.join(", ")} into ${dir} (once; about a minute)...`) })
  .then(({ missing, log }) => {
    if (missing.length > 0) {
      console.error(`Could not install the agent CLIs ${missing.join(", ")}; see ${log}.`);
      process.exit(1);
    }
    console.log(clis.agentClisBinDir());
  })
  .catch((err) => { console.error(err.message); process.exit(1); });
'
