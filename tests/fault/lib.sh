# lib.sh: shared helpers for the fault tests (sourced): counting checks, curl against the test stack, worker pids.
export ECC_MODE=${ECC_MODE:-test}
. "$(dirname "${BASH_SOURCE[0]}")/../../ops/dev/env.sh"
PASS=0
FAIL=0
check() { # check "what" command...
	local what=$1; shift
	if "$@"; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL: $what" >&2; fi
}
finish() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]; }
ccurl() { curl -sS --max-time 20 --cacert "$ECC_VAR/tls/ca.pem" "$@"; }
status_of() { ccurl -o /dev/null -w '%{http_code}' "$ECC_BASE_URL$1"; }
sup_pid() { cat "$ECC_VAR/run/ecc-web-$1.pid"; }
workers_of() { pgrep -P "$(sup_pid "$1")" | sort; }
now_ms() { date +%s%3N; }
