# lib.sh: shared helpers for the fault tests (sourced): tests/lib/suite.sh plus worker pids and timing.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"
status_of() { ccurl -o /dev/null -w '%{http_code}' "$ECC_BASE_URL$1"; }
sup_pid() { cat "$ECC_VAR/run/ecc-web-$1.pid"; }
workers_of() { pgrep -P "$(sup_pid "$1")" | sort; }
now_ms() { date +%s%3N; }
