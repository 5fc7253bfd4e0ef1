# suite.sh: sourced by the shell test suites — the test stack's environment, check/finish counting, HTTPS and database helpers.
# Set SUITE=<name> before sourcing. check "what" command... counts one check; finish prints "SUITE: N passed, N failed"
# and exits non-zero on any failure (or when nothing was checked).
export ECC_MODE=${ECC_MODE:-test}
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/ops/dev/env.sh"
cd "$ECC_ROOT"
PASS=0
FAIL=0
check() {
	local what=$1
	shift
	if "$@"; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL ${SUITE:-suite}: $what" >&2; fi
}
finish() {
	echo "${SUITE:-suite}: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
	exit $?
}
# curl against the stack with the development CA
ccurl() { curl -sS --max-time 20 --cacert "$ECC_VAR/tls/ca.pem" "$@"; }
# the database as the stack's processes see it
export ECC_DB_PASSWORD_FILE=$ECC_VAR/secrets/db_app.pw
export ECC_DB_MIGRATE_PASSWORD_FILE=$ECC_VAR/secrets/db_migrate.pw
export ECC_SCHEMA_DIR=$ECC_ROOT/schema
if [ -z "${ECC_CONFIG:-}" ] && [ -f "$ECC_VAR/etc/ecc.conf" ]; then export ECC_CONFIG=$ECC_VAR/etc/ecc.conf; fi
ADMIN=$ECC_BUILD/ecc-admin
PROBE=$ECC_BUILD/tests/tools/db_probe
