#!/usr/bin/env bash
# t0220-db-outage.sh: a process keeps running through a MariaDB stop/start: fast failures while down, lazy
# reconnect afterwards (db_probe outage), and ecc-admin fails fast with one line while the server is down.
set -uo pipefail
SUITE=t0220-db-outage
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

TMP=$(mktemp -d)
PROBE_PID=
STOPPED=
cleanup() {
	exec 3>&- 2>/dev/null
	if [ -n "$PROBE_PID" ] && kill -0 "$PROBE_PID" 2>/dev/null; then
		kill -TERM "$PROBE_PID" 2>/dev/null
		wait "$PROBE_PID" 2>/dev/null
	fi
	# never leave the stack without its database
	if [ -n "$STOPPED" ]; then ops/dev/mariadb.sh start >/dev/null 2>&1 || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! ops/dev/mariadb.sh status >/dev/null 2>&1; then
	check "MariaDB is running (ops/dev/mariadb.sh init)" false
	finish
fi
[ -x "$PROBE" ] || { check "$PROBE is built" false; finish; }

wait_for() { # line seconds: wait until the probe printed it (or died)
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -qx -- "$1" "$TMP/out" 2>/dev/null && return 0
		kill -0 "$PROBE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

mkfifo "$TMP/ctl"
"$PROBE" outage <"$TMP/ctl" >"$TMP/out" 2>"$TMP/err" &
PROBE_PID=$!
exec 3>"$TMP/ctl"
check "probe connected before the outage" wait_for ready 20

ops/dev/mariadb.sh stop >"$TMP/stop.out" 2>&1
check "mariadb.sh stop ($(tr '\n' ' ' <"$TMP/stop.out"))" test $? -eq 0
STOPPED=1
check "no mariadbd of this instance is left" \
	bash -c '! pgrep -f -- "--defaults-file=$1" >/dev/null' _ "$ECC_VAR/db/my.cnf"
ops/dev/mariadb.sh status >/dev/null 2>&1
check "mariadb.sh status says stopped (exit 3)" test $? -eq 3

echo down >&3
check "probe checked the outage" wait_for checked-down 20
check "probe is still running during the outage" kill -0 "$PROBE_PID"

start=$(date +%s%N)
err=$("$ADMIN" db check 2>&1 >/dev/null)
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "ecc-admin db check while down: exit 1 ($rc)" test $rc -eq 1
check "ecc-admin db check while down: one line ($err)" test "$(wc -l <<<"$err")" = 1
check "ecc-admin db check while down: fast (${ms} ms)" test "$ms" -lt 3000

ops/dev/mariadb.sh start >"$TMP/start.out" 2>&1
check "mariadb.sh start ($(tr '\n' ' ' <"$TMP/start.out"))" test $? -eq 0
STOPPED=
ops/dev/mariadb.sh start >"$TMP/start2.out" 2>&1
check "start on a running instance is a no-op ($(cat "$TMP/start2.out"))" grep -q "already running" "$TMP/start2.out"

echo up >&3
exec 3>&-
wait "$PROBE_PID"
rc=$?
PROBE_PID=
cat "$TMP/out" | grep -v -x -e ready -e checked-down
cat "$TMP/err" >&2
check "db_probe outage passed (exit $rc)" test $rc -eq 0
check "db_probe printed its summary" grep -q "^db-probe-outage: [0-9]* passed, 0 failed" "$TMP/out"
check "ecc-admin db check after the restart" bash -c '"$1" db check >/dev/null' _ "$ADMIN"
finish
