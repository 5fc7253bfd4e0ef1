#!/usr/bin/env bash
# t0200-db.sh: database accounts and rights, ecc-admin migrate (idempotent, refuses edited/malformed files), db_probe.
#
# Needs a running instance (ops/dev/mariadb.sh init) with the migrations applied (ecc-admin migrate).
# Binaries come from $ECC_BUILD. Scratch migrations use versions 9991-9993 on a copy of schema/ and are
# removed again (tables and schema_migrations rows) at the end.
set -uo pipefail
SUITE=t0200-db
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

CLIENT=ops/dev/mariadb.sh

TMP=$(mktemp -d)
cleanup() {
	$CLIENT client ecc >/dev/null 2>&1 <<'SQL' || true
DROP TABLE IF EXISTS t0200_scratch, t0200_half, t0200_forbidden;
DELETE FROM schema_migrations WHERE version >= 9991;
SQL
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! $CLIENT status >/dev/null 2>&1; then
	check "MariaDB is running (ops/dev/mariadb.sh init)" false
	finish
fi
for b in "$ADMIN" "$PROBE"; do
	[ -x "$b" ] || { check "$b is built" false; finish; }
done

# per-user client option files (0600) so that passwords stay off the command line
mkcnf() { # user password-file
	(umask 077 && printf '[client]\nsocket=%s\nuser=%s\npassword=%s\n' "$ECC_DB_SOCKET" "$1" \
		"$(head -n 1 "$2")" >"$TMP/$1.cnf")
}
mkcnf ecc_app "$ECC_DB_PASSWORD_FILE"
mkcnf ecc_migrate "$ECC_DB_MIGRATE_PASSWORD_FILE"
as_app() { mariadb --defaults-file="$TMP/ecc_app.cnf" -N -B ecc "$@"; }
as_mig() { mariadb --defaults-file="$TMP/ecc_migrate.cnf" -N -B ecc "$@"; }
as_root() { $CLIENT client -N -B ecc "$@"; }
denied() { # sql: fails with "command denied"
	local out
	out=$(as_app -e "$1" 2>&1) && return 1
	grep -qE "command denied|Access denied" <<<"$out"
}

# ---- accounts and rights ------------------------------------------------------------------------
check "app user connects" test "$(as_app -e 'SELECT CURRENT_USER()' 2>&1)" = "ecc_app@localhost"
check "app user: CREATE denied" denied "CREATE TABLE t0200_forbidden (a INT)"
check "app user: DROP denied" denied "DROP TABLE notices"
check "app user: ALTER denied" denied "ALTER TABLE notices ADD COLUMN x INT"
check "app user: TRUNCATE denied" denied "TRUNCATE TABLE notices"
check "app user: CREATE TEMPORARY denied" denied "CREATE TEMPORARY TABLE t0200_tmp (a INT)"
check "app user: no access to mysql.*" denied "SELECT * FROM mysql.global_priv"
check "app user: grants are exactly DML on ecc.*" \
	test "$(as_app -e 'SHOW GRANTS' | grep -v 'GRANT USAGE ON \*\.\*')" = \
	'GRANT SELECT, INSERT, UPDATE, DELETE ON `ecc`.* TO `ecc_app`@`localhost`'
check "app user: DML works" as_app -e "INSERT INTO notices (kind, title_ja, body_ja, published_at)
	VALUES ('info', 't0200', 't0200', '2099-01-01 00:00:00');
	UPDATE notices SET title_en = 'x' WHERE title_ja = 't0200';
	DELETE FROM notices WHERE title_ja = 't0200'"
check "notices exists and still has its columns" \
	test "$(as_root -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ecc' AND TABLE_NAME = 'notices'")" = 8
check "migrate user: CREATE, ALTER, DROP" as_mig -e "CREATE TABLE t0200_scratch (a INT) ENGINE=InnoDB;
	ALTER TABLE t0200_scratch ADD COLUMN b INT; DROP TABLE t0200_scratch"
check "migrate user: no access outside ecc" \
	bash -c '! mariadb --defaults-file="$1" -e "SELECT * FROM mysql.global_priv" >/dev/null 2>&1' _ "$TMP/ecc_migrate.cnf"
check "accounts are root, mariadb.sys, ecc_app, ecc_migrate" \
	test "$(as_root -e "SELECT GROUP_CONCAT(CONCAT(User, '@', Host) ORDER BY User) FROM mysql.global_priv")" = \
	"ecc_app@localhost,ecc_migrate@localhost,mariadb.sys@localhost,root@localhost"
check "root authenticates only through unix_socket" \
	test "$(as_root -e "SELECT JSON_VALUE(Priv, '$.plugin'), IFNULL(JSON_VALUE(Priv, '$.auth_or'), '-') FROM mysql.global_priv WHERE User = 'root'")" = "unix_socket	-"
if runuser -u mysql -- test -r "$ECC_DB_SOCKET" 2>/dev/null; then
	check "OS user mysql cannot log in as root" \
		bash -c '! runuser -u mysql -- mariadb --no-defaults -S "$1" -uroot -e "SELECT 1" >/dev/null 2>&1' _ "$ECC_DB_SOCKET"
fi
check "database ecc is utf8mb4 / utf8mb4_bin" \
	test "$(as_root -e "SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, '/', DEFAULT_COLLATION_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ecc'")" = "utf8mb4/utf8mb4_bin"
check "notices is InnoDB, DYNAMIC, ENCRYPTED=YES" \
	test "$(as_root -e "SELECT CONCAT(ENGINE, ' ', ROW_FORMAT, ' ', CREATE_OPTIONS) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ecc' AND TABLE_NAME = 'notices'")" = \
	"InnoDB Dynamic row_format=DYNAMIC \`ENCRYPTED\`='YES'"

# ---- ecc-admin ------------------------------------------------------------------------------------
out=$("$ADMIN" db check 2>&1)
check "ecc-admin db check: $out" grep -q "^ok: MariaDB .* connected as ecc_app@localhost" <<<"$out"
"$ADMIN" >/dev/null 2>&1
check "ecc-admin without a command exits 2" test $? -eq 2
"$ADMIN" frobnicate >/dev/null 2>&1
check "ecc-admin unknown command exits 2" test $? -eq 2
"$ADMIN" migrate extra >/dev/null 2>&1
check "ecc-admin migrate with an extra argument exits 2" test $? -eq 2
check "ecc-admin help lists the commands" bash -c '"$1" help | grep -q "migrate status"' _ "$ADMIN"
err=$(ECC_DB_MIGRATE_PASSWORD_FILE=$TMP/missing.pw "$ADMIN" migrate 2>&1 >/dev/null)
check "missing secret: exit 1, one line" test "$?" = 1 -a "$(wc -l <<<"$err")" = 1

applied_before=$(as_root -e "SELECT COUNT(*), IFNULL(MAX(applied_at), '') FROM schema_migrations")
out=$("$ADMIN" migrate 2>&1)
check "ecc-admin migrate again: exit 0 ($out)" test $? -eq 0
check "ecc-admin migrate again: nothing applied" grep -q "^up to date" <<<"$out"
check "schema_migrations unchanged" test "$(as_root -e "SELECT COUNT(*), IFNULL(MAX(applied_at), '') FROM schema_migrations")" = "$applied_before"
out=$("$ADMIN" migrate status 2>&1)
check "ecc-admin migrate status: 0001_init applied" grep -qE "^0001_init +applied [0-9-]+ [0-9:]+ UTC" <<<"$out"
check "checksum recorded" test "$(as_root -e "SELECT checksum FROM schema_migrations WHERE version = 1")" = \
	"$(sha256sum schema/0001_init.sql | cut -d' ' -f1)"

# ---- a scratch copy of schema/ --------------------------------------------------------------------
S=$TMP/schema
cp -R schema "$S"
write_scratch() {
	cat >"$S/9991_t0200_scratch.sql" <<'SQL'
-- a scratch migration; ';' inside quotes and comments must not split
CREATE TABLE IF NOT EXISTS t0200_scratch (
	id INT NOT NULL PRIMARY KEY,
	note VARCHAR(50) NOT NULL DEFAULT 'a;b'  -- comment; with a semicolon
) ENGINE=InnoDB ENCRYPTED=YES;
INSERT INTO t0200_scratch (id, note) VALUES (1, 'it''s;
multi-line');
SQL
}
write_scratch
out=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1)
check "scratch migration applied ($out)" grep -q "^applied 9991_t0200_scratch (2 statements)" <<<"$out"
check "scratch data inserted" test "$(as_root -e "SELECT REPLACE(note, '\n', '|') FROM t0200_scratch")" = "it's;|multi-line"
out=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1)
check "scratch: second run is a no-op" grep -q "^up to date ([0-9]* migrations)" <<<"$out"

# an applied file edited: refused, nothing applied
echo "-- edited" >>"$S/0001_init.sql"
cat >"$S/9992_t0200_never.sql" <<'SQL'
CREATE TABLE t0200_never (a INT);
SQL
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
rc=$?
check "edited applied migration: exit 1" test $rc -eq 1
check "edited applied migration: names the file ($err)" grep -q "0001_init.sql: CHANGED since it was applied" <<<"$err"
check "edited applied migration: one line on stderr" test "$(wc -l <<<"$err")" = 1
check "edited applied migration: nothing else applied" \
	test "$(as_root -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ecc' AND TABLE_NAME = 't0200_never'")" = 0
ECC_SCHEMA_DIR=$S "$ADMIN" migrate status >"$TMP/status.out" 2>&1
check "migrate status with an edited file exits 1" test $? -eq 1
check "migrate status shows CHANGED and pending" bash -c 'grep -q CHANGED "$1" && grep -q "^9992_t0200_never .*pending" "$1"' _ "$TMP/status.out"
cp schema/0001_init.sql "$S/0001_init.sql"
rm -f "$S/9992_t0200_never.sql"

# malformed names and repeated numbers
touch "$S/12_bad.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "malformed file name refused ($err)" grep -q "12_bad.sql: malformed migration file name" <<<"$err"
rm -f "$S/12_bad.sql"
touch "$S/0005_Upper.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "upper-case name refused" grep -q "0005_Upper.sql: malformed" <<<"$err"
rm -f "$S/0005_Upper.sql"
echo "SELECT 1;" >"$S/9991_other.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "repeated number refused ($err)" grep -q "version 9991 is used twice" <<<"$err"
rm -f "$S/9991_other.sql"
printf 'SELECT 1; SELECT 2;\n' >"$S/9993_t0200_twoperline.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "two statements on one line refused ($err)" grep -q "9993_t0200_twoperline.sql: line 1: ';' must end its line" <<<"$err"
rm -f "$S/9993_t0200_twoperline.sql"
# a renamed applied migration
mv "$S/9991_t0200_scratch.sql" "$S/9991_t0200_renamed.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "renamed applied migration refused ($err)" grep -q "was applied as 9991_t0200_scratch.sql" <<<"$err"
rm -f "$S/9991_t0200_renamed.sql"
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "missing applied migration refused ($err)" grep -q "9991_t0200_scratch.sql: applied .* but the file is missing" <<<"$err"
write_scratch

# a file that fails halfway: DDL before the failure stays, the version is not recorded
cat >"$S/9993_t0200_half.sql" <<'SQL'
CREATE TABLE IF NOT EXISTS t0200_half (a INT) ENGINE=InnoDB;
INSERT INTO t0200_half (a) VALUES (1);
INSERT INTO t0200_no_such_table (a) VALUES (1);
SQL
err=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1 >/dev/null)
check "failing migration: exit 1" test $? -eq 1
check "failing migration names file and statement ($err)" \
	grep -q "9993_t0200_half.sql: statement 3 of 3 (line 3: INSERT INTO t0200_no_such_table" <<<"$err"
check "failing migration: the error says DDL stays" grep -q "not transactional" <<<"$err"
check "failing migration: version not recorded" test "$(as_root -e "SELECT COUNT(*) FROM schema_migrations WHERE version = 9993")" = 0
check "failing migration: DDL stayed, DML rolled back" \
	test "$(as_root -e "SELECT COUNT(*) FROM t0200_half" 2>&1)" = 0
sed -i 's/t0200_no_such_table/t0200_half/' "$S/9993_t0200_half.sql"
out=$(ECC_SCHEMA_DIR=$S "$ADMIN" migrate 2>&1)
check "fixed migration applies on re-run ($out)" grep -q "^applied 9993_t0200_half (3 statements)" <<<"$out"

# ---- the C layer --------------------------------------------------------------------------------
"$PROBE" split
check "db_probe split" test $? -eq 0
"$PROBE" roundtrip
check "db_probe roundtrip" test $? -eq 0

finish
