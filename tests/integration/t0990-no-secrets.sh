#!/usr/bin/env bash
# t0990-no-secrets.sh: after every other suite — no password, TOTP key, recovery code, link token or session id that a
# test used (recorded in results/secrets.txt) appears in any log, in the mail store's headers, or in a database dump.
set -uo pipefail
SUITE=no-secrets
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"
SECRETS=$ECC_VAR/results/secrets.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
check "the suites recorded secrets to look for" test -s "$SECRETS"
sort -u "$SECRETS" | awk 'length($0) >= 12' >"$TMP/secrets"
check "at least 20 distinct secrets ($(wc -l <"$TMP/secrets"))" test "$(wc -l <"$TMP/secrets")" -ge 20
# logs: the application's, nginx's, the SMTP sink's, the mail sender's, MariaDB's error log
cat "$ECC_VAR"/log/*.log "$ECC_VAR"/nginx/logs/* "$ECC_VAR/db/mysqld.err" >"$TMP/logs" 2>/dev/null
# mail headers only (bodies carry links by design)
for f in "$ECC_VAR"/mail/*.eml; do
	[ -e "$f" ] && sed '/^\r\?$/q' "$f"
done >"$TMP/headers"
cat "$ECC_VAR/mail/index.jsonl" >>"$TMP/headers" 2>/dev/null
# a full logical dump of the application database
ops/dev/mariadb.sh client -e "SELECT 1" >/dev/null
mariadb-dump --defaults-file="$ECC_VAR/db/my.cnf" --single-transaction ecc >"$TMP/dump.sql" 2>"$TMP/dump.err"
check "database dump made ($(wc -c <"$TMP/dump.sql") bytes)" test -s "$TMP/dump.sql"
check "logs collected" test -s "$TMP/logs"
check "mail headers collected" test -s "$TMP/headers"
for what in logs headers dump.sql; do
	hits=$(grep -a -F -c -f "$TMP/secrets" "$TMP/$what" || true)
	check "no secret in $what (${hits} matching lines)" test "${hits:-0}" -eq 0
	if [ "${hits:-0}" -ne 0 ]; then grep -a -o -F -f "$TMP/secrets" "$TMP/$what" | sort -u | head -3 | cut -c1-6 | sed 's/$/… found/' >&2; fi
done
# the control: the same search finds a secret where one is (so it can fail)
head -1 "$TMP/secrets" >"$TMP/control"
check "the search finds a planted secret" grep -q -F -f "$TMP/secrets" "$TMP/control"
finish
