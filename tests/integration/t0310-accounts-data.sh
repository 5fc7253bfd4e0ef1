#!/usr/bin/env bash
# t0310-accounts-data.sh: tenants, users, tokens, audit chain, login history and CSV export against the stack's MariaDB.
#
# Needs a running stack (MariaDB with the migrations applied, kek_file). Uses ecc-admin and
# $ECC_BUILD/tests/tools/accounts_probe. Tenants get unique codes per run; the audit rows that the
# tamper test breaks are removed again (triggers dropped and re-created as the DB root) at the end.
set -uo pipefail
SUITE=t0310-accounts-data
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

CLIENT=ops/dev/mariadb.sh
APROBE=$ECC_BUILD/tests/tools/accounts_probe
TMP=$(mktemp -d)
RUN=$$$(date +%s | tail -c 5)
T1=t-a-$RUN T2=t-b-$RUN T3=t-c-$RUN
root() { $CLIENT client -N -B ecc "$@"; }
TAMPERED=
cleanup() {
	if [ -n "$TAMPERED" ]; then
		root >/dev/null 2>&1 <<SQL || true
DROP TRIGGER IF EXISTS audit_log_no_delete;
DELETE FROM audit_log WHERE tenant_id = $TAMPERED;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
SQL
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

for b in "$ADMIN" "$APROBE"; do
	[ -x "$b" ] || { check "$b is built" false; finish; }
done

# ---- tenant create via ecc-admin ----------------------------------------------------------------
EMAIL="canary.admin.$RUN@example.jp"
NAME="カナリア管理者$RUN"
check "tenant create" "$ADMIN" tenant create --code "${T1^^}" --name "株式会社テスト$RUN" \
	--admin-email "$EMAIL" --admin-name "$NAME" >"$TMP/create.out" 2>"$TMP/create.err"
LINK=$(sed -n 's/^invitation link (valid 24 h): //p' "$TMP/create.out")
TOKEN=${LINK##*/}
check "link built from base_url" test "$LINK" = "$ECC_BASE_URL/invite/$TOKEN"
check "token is 43 base64url chars" grep -Eq '^[A-Za-z0-9_-]{43}$' <<<"$TOKEN"
check "code stored lower-case" grep -q "^tenant: [0-9]* $T1\$" "$TMP/create.out"
"$ADMIN" tenant create --code "$T1" --name x --admin-email x@example.jp >/dev/null 2>"$TMP/dup.err"
check "duplicate code refused (exit 1)" test $? -eq 1
check "duplicate code message" grep -q "exists already" "$TMP/dup.err"
"$ADMIN" tenant create --code "no" --name x --admin-email x@example.jp >/dev/null 2>&1
check "bad code refused" test $? -eq 1
check "tenant list shows it" grep -q "$T1" <("$ADMIN" tenant list)

# ---- nothing in plaintext in the database ---------------------------------------------------------
mariadb-dump --defaults-extra-file=<(printf '[client]\nsocket=%s\nuser=root\n' "$ECC_DB_SOCKET") \
	--skip-extended-insert --hex-blob=0 ecc >"$TMP/dump.sql" 2>/dev/null ||
	$CLIENT client -N -B ecc -e "SELECT * FROM users; SELECT * FROM auth_tokens; SELECT * FROM mail_outbox;
		SELECT * FROM audit_log; SELECT * FROM login_history" >"$TMP/dump.sql"
check "dump is not empty" test -s "$TMP/dump.sql"
check "dump has no admin email" bash -c "! grep -aqi '$EMAIL' '$TMP/dump.sql'"
check "dump has no display name" bash -c "! grep -aq '$NAME' '$TMP/dump.sql'"
check "dump has no invitation token" bash -c "! grep -aq -- '$TOKEN' '$TMP/dump.sql'"

# ---- data layer through the probe --------------------------------------------------------------------
"$APROBE" basics "$T2" "$T3" >"$TMP/basics.out" 2>&1
check "accounts_probe basics" test $? -eq 0
tail -n 1 "$TMP/basics.out"
grep FAIL "$TMP/basics.out" >&2

# ---- tokens: single use, expiry (test clock), reissue ----------------------------------------------------
check "invitation link works once" test "$("$APROBE" consume "$TOKEN")" = ok
check "second use → not found" test "$("$APROBE" consume "$TOKEN")" = not-found
TOK=$("$APROBE" issue "$T1" "$EMAIL")
check "expired (clock +25 h) → not found" test "$(ECC_TEST_CLOCK_OFFSET=90000 "$APROBE" consume "$TOK")" = not-found
TOK2=$("$APROBE" issue "$T1" "$EMAIL")
check "reissue invalidates the old link" test "$("$APROBE" consume "$TOK")" = not-found
check "the new link works" test "$("$APROBE" consume "$TOK2")" = ok

# ---- audit chain: verify, alter, delete ----------------------------------------------------------------
check "audit append" "$APROBE" audit "$T1" 5
check "audit verify ok" "$ADMIN" audit verify --tenant "$T1"
check "audit verify (all chains) ok" "$ADMIN" audit verify
TID=$(root -e "SELECT id FROM tenants WHERE code = '$T1'")
TAMPERED=$TID
SEQS=($(root -e "SELECT seq FROM audit_log WHERE tenant_id = $TID ORDER BY seq"))
ALTER=${SEQS[3]} GONE=${SEQS[6]} AFTER=${SEQS[7]}
check "app user cannot UPDATE the audit log" bash -c "! mariadb --socket='$ECC_DB_SOCKET' -u ecc_app -p\"\$(cat '$ECC_DB_PASSWORD_FILE')\" ecc -e \"UPDATE audit_log SET detail='x' WHERE seq=$ALTER\" 2>/dev/null"
root <<SQL
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET detail = 'n=999' WHERE seq = $ALTER;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
SQL
"$ADMIN" audit verify --tenant "$T1" >"$TMP/v1.out" 2>&1
check "altered entry → exit 1" test $? -eq 1
check "altered entry reported with its seq" grep -q "seq $ALTER: altered" "$TMP/v1.out"
root <<SQL
DROP TRIGGER audit_log_no_delete;
DELETE FROM audit_log WHERE seq = $GONE;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
SQL
"$ADMIN" audit verify --tenant "$T1" >"$TMP/v2.out" 2>&1
check "deleted entry → exit 1" test $? -eq 1
check "deleted entry reported at the next seq" grep -q "seq $AFTER: broken link" "$TMP/v2.out"
check "triggers restored" test "$(root -e "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema='ecc' AND event_object_table='audit_log'")" = 2

# ---- login history CSV ------------------------------------------------------------------------------------
check "login with =cmd UA" "$APROBE" login "$T1" "$EMAIL" "=cmd|' /C calc'!A0"
check "csv utf8" "$APROBE" csv "$T1" "$TMP/l.csv" utf8
check "csv starts with BOM" test "$(head -c 3 "$TMP/l.csv" | od -An -tx1 | tr -d ' ')" = efbbbf
check "csv rows end with CRLF" grep -q $'\r$' "$TMP/l.csv"
check "formula cell neutralised" grep -q "'=cmd|' /C calc'!A0" "$TMP/l.csv"
check "no bare formula cell" bash -c "! grep -q ',=cmd' '$TMP/l.csv'"
check "csv cp932" "$APROBE" csv "$T1" "$TMP/s.csv" cp932
# 日時 in CP932 = 93 FA 8E 9E; 失敗 = 8E B8 94 73
check "CP932 bytes for Japanese header" test "$(head -c 4 "$TMP/s.csv" | od -An -tx1 | tr -d ' ')" = 93fa8e9e
check "CP932 bytes for 失敗" bash -c "od -An -tx1 -v '$TMP/s.csv' | tr -d ' \n' | grep -q 8eb89473"
check "CP932 file has no BOM" test "$(head -c 3 "$TMP/s.csv" | od -An -tx1 | tr -d ' ')" != efbbbf
check "CP932 round trip" bash -c "iconv -f CP932 -t UTF-8 '$TMP/s.csv' | grep -q '失敗'"
T2ID=$(root -e "SELECT id FROM tenants WHERE code = '$T2'")
check "T1 export has no T2 rows (T2 IP absent)" bash -c "! grep -q 198.51.100.1 '$TMP/l.csv'"

# ---- user unlock ------------------------------------------------------------------------------------------
check "user unlock" "$ADMIN" user unlock --tenant "$T1" --email "$EMAIL"
"$ADMIN" user unlock --tenant "$T1" --email "nobody@example.jp" >/dev/null 2>&1
check "unlock unknown user → exit 1" test $? -eq 1
: "$T2ID"
finish
