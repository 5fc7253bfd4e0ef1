#!/usr/bin/env bash
# t0210-encryption-at-rest.sh: the server settings force encryption, every tablespace is encrypted, and a
# committed, checkpointed canary string appears nowhere in plaintext under $ECC_VAR/db.
set -uo pipefail
SUITE=t0210-encryption-at-rest
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

q() { ops/dev/mariadb.sh client -N -B ecc -e "$1"; }
TMP=$(mktemp -d)
CANARY=CANARY-$(openssl rand -hex 16)
OLD_PCT=
cleanup() {
	q "DELETE FROM notices WHERE title_ja = '$CANARY'" >/dev/null 2>&1 || true
	if [ -n "$OLD_PCT" ]; then q "SET GLOBAL innodb_max_dirty_pages_pct = $OLD_PCT" >/dev/null 2>&1 || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! ops/dev/mariadb.sh status >/dev/null 2>&1; then
	check "MariaDB is running (ops/dev/mariadb.sh init)" false
	finish
fi

# ---- settings ---------------------------------------------------------------------------------------
var() { q "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = '$1'"; }
expect_var() { # name value
	local got
	got=$(var "$1")
	check "$1 = $2 (got '$got')" test "$got" = "$2"
}
expect_var INNODB_ENCRYPT_TABLES FORCE
expect_var INNODB_ENCRYPT_LOG ON
expect_var INNODB_ENCRYPT_TEMPORARY_TABLES ON
expect_var ENCRYPT_TMP_FILES ON
expect_var ENCRYPT_TMP_DISK_TABLES ON
expect_var ARIA_ENCRYPT_TABLES ON
expect_var ENCRYPT_BINLOG ON
expect_var LOG_BIN ON
expect_var GENERAL_LOG OFF
expect_var SLOW_QUERY_LOG OFF
expect_var SKIP_NETWORKING ON
expect_var CHARACTER_SET_SERVER utf8mb4
expect_var COLLATION_SERVER utf8mb4_bin
expect_var TIME_ZONE +00:00
alg=$(var FILE_KEY_MANAGEMENT_ENCRYPTION_ALGORITHM)
check "file_key_management algorithm is AES_CTR or AES_CBC (got '$alg')" grep -qiE '^aes_(ctr|cbc)$' <<<"$alg"
# the cipher is chosen once per datadir and kept beside the key: a start with the other one reads garbage
check "the running cipher is the one recorded for this datadir ($(cat "$ECC_VAR/db/keys/algorithm" 2>&1))" \
	test "${alg^^}" = "$(tr -d '[:space:]' <"$ECC_VAR/db/keys/algorithm" 2>/dev/null)"
# the background threads encrypted the new datadir once (ops/dev/mariadb.sh encrypt_new_datadir) and are
# off since: pages are encrypted as they are written; the tablespace checks below prove it
threads=$(var INNODB_ENCRYPTION_THREADS)
check "innodb_encryption_threads = 0 after the first encryption (got '$threads')" test "${threads:-x}" = 0
check "sql_mode is strict" grep -q STRICT_ALL_TABLES <<<"$(var SQL_MODE)"
check "file_key_management plugin is ACTIVE" \
	test "$(q "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'file_key_management'")" = ACTIVE
check "a table cannot be created unencrypted" \
	bash -c '! ops/dev/mariadb.sh client ecc -e "CREATE TABLE t0210_plain (a INT) ENCRYPTED=NO" >/dev/null 2>&1'
q "DROP TABLE IF EXISTS t0210_plain" >/dev/null 2>&1
key=$ECC_VAR/db/keys/keyfile
check "key file is 0600 and not world-readable" test "$(stat -c %a "$key")" = 600

# ---- every tablespace encrypted (wait for the background encryption threads) ------------------------
for _ in $(seq 1 120); do
	busy=$(q "SELECT COUNT(*) FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE ROTATING_OR_FLUSHING <> 0")
	[ "$busy" = 0 ] && break
	sleep 0.5
done
check "no tablespace is still being encrypted" test "$busy" = 0
unencrypted=$(q "SELECT IFNULL(GROUP_CONCAT(s.NAME), '') FROM information_schema.INNODB_SYS_TABLESPACES s
	LEFT JOIN information_schema.INNODB_TABLESPACES_ENCRYPTION e ON e.SPACE = s.SPACE
	WHERE s.NAME <> 'innodb_temporary' AND (e.ENCRYPTION_SCHEME IS NULL OR e.ENCRYPTION_SCHEME <> 1
	OR e.MIN_KEY_VERSION = 0)")
check "every tablespace is encrypted (unencrypted: '$unencrypted')" test -z "$unencrypted"
check "the system tablespace is encrypted" \
	test "$(q "SELECT ENCRYPTION_SCHEME FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE SPACE = 0")" = 1
check "notices is listed as encrypted" \
	test "$(q "SELECT ENCRYPTION_SCHEME FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE NAME = 'ecc/notices'")" = 1

# ---- canary --------------------------------------------------------------------------------------
q "INSERT INTO notices (kind, title_ja, body_ja, body_en, published_at)
   VALUES ('info', '$CANARY', CONCAT('$CANARY', ' body'), '$CANARY', '2099-01-01 00:00:00'); COMMIT"
check "canary row is in the table" test "$(q "SELECT COUNT(*) FROM notices WHERE title_ja = '$CANARY'")" = 1
q "FLUSH TABLES" >/dev/null
OLD_PCT=$(var INNODB_MAX_DIRTY_PAGES_PCT)
q "SET GLOBAL innodb_max_dirty_pages_pct = 0"
dirty=
for _ in $(seq 1 120); do
	dirty=$(q "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")
	[ "$dirty" = 0 ] && break
	sleep 0.5
done
check "checkpoint: no dirty pages left (got '$dirty')" test "$dirty" = 0
q "SET GLOBAL innodb_max_dirty_pages_pct = $OLD_PCT"
OLD_PCT=
q "FLUSH BINARY LOGS" >/dev/null

hits=$(grep -r -a -F -l -- "$CANARY" "$ECC_VAR/db" 2>/dev/null)
check "canary appears nowhere under $ECC_VAR/db (found in: ${hits:-nothing})" test -z "$hits"
# control: the same grep finds a plaintext copy, so the check above can fail
printf 'plaintext %s here\n' "$CANARY" >"$TMP/control.bin"
check "control: grep finds the canary in a plaintext file" grep -r -a -F -q -- "$CANARY" "$TMP"
check "control: the datadir has files to search" test "$(find "$ECC_VAR/db/data" -type f | wc -l)" -gt 10
check "control: the same grep reads the datadir (finds the plaintext binlog index entry)" \
	grep -r -a -F -q -- "ecc-bin.0" "$ECC_VAR/db/data"

q "DELETE FROM notices WHERE title_ja = '$CANARY'"
check "canary row deleted" test "$(q "SELECT COUNT(*) FROM notices WHERE title_ja = '$CANARY'")" = 0
finish
