# Sourced first by every benchmark, as
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Strict mode, the repository's root as the working directory (ROOT), and say / die for messages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Runs the function named $1 at exit; SIGINT and SIGTERM exit (130, 143), so that it runs then too.
bench_on_exit() {
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
