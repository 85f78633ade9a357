# Sourced by the scripts that find or install a tool through a built workspace package
# (temporal-cli.sh, temporal-server.sh, agent-clis.sh).
#
# run_with_built <package> <module> <script>: runs the Node <script> with the path of the built
# packages/<package>/lib/<module>.js as process.argv[1], in place of the calling shell. Exits 1, saying
# how to build, when that file is not there yet.
run_with_built() {
  local package="$1" module="$2" script="$3"
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local file="$root/packages/$package/lib/$module.js"
  if [ ! -f "$file" ]; then
    echo "@aidp/$package is not built yet: run 'pnpm install && pnpm build' first (or scripts/setup.sh)." >&2
    exit 1
  fi
  exec node -e "$script" "$file"
}
