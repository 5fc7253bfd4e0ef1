#!/usr/bin/env bash
# mariadb.sh: the private, encrypted-at-rest MariaDB instance of a dev/test/bench stack (Unix socket only).
#
# Usage: ops/dev/mariadb.sh init|start|stop|status|client [mariadb client args]
#
#   init    idempotent: key file and password files if absent, datadir if empty, start, then database
#           `ecc` and the accounts ecc_app (DML only) and ecc_migrate (all on ecc.*); every run makes the
#           passwords equal to $ECC_VAR/secrets/db_{app,migrate}.pw (changing them only when they differ).
#   start   start the server (no-op when it is running); waits until the socket answers.
#   stop    clean shutdown (mariadb-admin shutdown), SIGTERM then SIGKILL fallbacks; bounded waits.
#   status  "running (pid …)" and exit 0, or "stopped" and exit 3.
#   client  the mariadb command-line client as the MariaDB root account (unix_socket auth).
#
# Paths come from ops/dev/env.sh (ECC_MODE selects var/, var/test/ or var/bench/). The generated
# $ECC_VAR/db/my.cnf is passed with --defaults-file, so /etc/mysql is never read, and the server has
# skip-networking, so nothing collides with a system MariaDB.
#
# Choices made here:
# - Collation utf8mb4_bin: byte-exact comparison and uniqueness. utf8mb4_unicode_ci gives every
#   supplementary character (emoji, rare kanji) the same weight, so a UNIQUE index would call two
#   different emoji strings duplicates, and it folds case and accents ("a" = "A" = "á"). Lookups
#   that must ignore case store a normalised copy (e.g. lower-cased e-mail) instead.
# - The binary log is on (ROW format, encrypted, expires after 7 days): it costs little at this
#   scale, makes encrypt_binlog meaningful and gives point-in-time recovery and a replica path.
# - file_key_management uses AES_CTR when mariadbd is linked with OpenSSL (Debian 12's is), else
#   AES_CBC. The choice is made once per datadir and kept in $KEYDIR/algorithm: the pages are encrypted
#   with it, and a start with the other cipher reads every page as garbage ("Page read from tablespace is
#   corrupted" / "decrypt failed"). Losing the key file loses the data: it is never overwritten, and
#   `init` refuses to run with an existing datadir but no key file.
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

DB=$ECC_VAR/db
DATA=$DB/data
SOCK=$ECC_DB_SOCKET
PIDF=$DB/mysqld.pid
ERRLOG=$DB/mysqld.err
CNF=$DB/my.cnf
KEYDIR=$DB/keys
KEYF=$KEYDIR/keyfile
ALGF=$KEYDIR/algorithm
TMPD=$DB/tmp
SECRETS=$ECC_VAR/secrets
APP_PW=$SECRETS/db_app.pw
MIG_PW=$SECRETS/db_migrate.pw
DBNAME=ecc
APP_USER=ecc_app
MIG_USER=ecc_migrate
START_WAIT=60   # seconds for the socket to answer after start
STOP_WAIT=60    # seconds for a clean shutdown before SIGTERM

say() { echo "mariadb: $*"; }
die() { echo "mariadb: $*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (it creates files for the mysql user and uses unix_socket auth)"
}

# The server runs as `mysql` when that user can reach $ECC_VAR; when the checkout lives somewhere
# mysql cannot traverse (e.g. under a 0700 home directory) it runs as root (user = root in the generated
# my.cnf, the same as --user=root).
run_user() {
	if id mysql >/dev/null 2>&1 && runuser -u mysql -- test -x "$ECC_VAR" 2>/dev/null; then
		echo mysql
	else
		echo root
	fi
}

# pid of our running server, or nothing (a stale pid file is removed). A zombie counts as gone.
server_pid() {
	local pid state
	[ -f "$PIDF" ] || return 1
	pid=$(tr -dc 0-9 <"$PIDF" 2>/dev/null || true)
	if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
		state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
		# no `… | grep -q` here or below: under pipefail, grep's early exit can fail the writer (SIGPIPE)
		if [ "$state" != Z ] && [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"$CNF"* ]]; then
			echo "$pid"
			return 0
		fi
	fi
	rm -f "$PIDF"
	return 1
}

alive() { # pid: true while the process exists and is not a zombie
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

wait_gone() { # pid seconds
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

ping_ok() {
	timeout 5 mariadb-admin --defaults-file="$CNF" --connect-timeout=2 ping >/dev/null 2>&1
}

# key_algorithm: the datadir's cipher, from $ALGF; the first call (a new datadir, or one made before
# the file existed) writes it: AES_CTR when mariadbd is linked with OpenSSL's libcrypto, else AES_CBC.
key_algorithm() {
	local alg libs
	if [ -s "$ALGF" ]; then
		alg=$(tr -d '[:space:]' <"$ALGF")
		[[ $alg == AES_CTR || $alg == AES_CBC ]] || die "$ALGF: want AES_CTR or AES_CBC, found '$alg'"
	else
		libs=$(ldd "$(command -v mariadbd)" 2>/dev/null) || die "ldd mariadbd failed"
		if [[ $libs == *libcrypto* ]]; then alg=AES_CTR; else alg=AES_CBC; fi
		mkdir -p "$KEYDIR"
		printf '%s\n' "$alg" >"$ALGF.tmp" && mv -f "$ALGF.tmp" "$ALGF"
	fi
	echo "$alg"
}

write_cnf() { # user encryption-threads
	local user=$1 threads=$2 tmp alg
	mkdir -p "$DB"
	alg=$(key_algorithm)
	tmp=$(mktemp "$DB/my.cnf.XXXXXX")
	cat >"$tmp" <<EOF
# my.cnf: generated by ops/dev/mariadb.sh on every start; edit the script, not this file.
[client]
socket = $SOCK
default-character-set = utf8mb4

[mariadbd]
user = $user
datadir = $DATA
socket = $SOCK
pid-file = $PIDF
log-error = $ERRLOG
tmpdir = $TMPD
skip-networking
skip-name-resolve
performance_schema = OFF

character-set-server = utf8mb4
collation-server = utf8mb4_bin
default-time-zone = '+00:00'
sql_mode = STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION,NO_AUTO_CREATE_USER

innodb_buffer_pool_size = 1G
innodb_log_file_size = 64M
innodb_file_per_table = ON
# thread-based I/O instead of io_uring (costs nothing at this scale, one less kernel feature to depend on)
innodb_use_native_aio = OFF
max_connections = 200

# data-at-rest encryption, forced
plugin_load_add = file_key_management
file_key_management_filename = $KEYF
file_key_management_encryption_algorithm = $alg
innodb_encrypt_tables = FORCE
innodb_encrypt_log = ON
innodb_encrypt_temporary_tables = ON
# Background encryption threads run only while a new datadir is encrypted for the first time (see
# encrypt_new_datadir), to encrypt the system tablespace that mariadb-install-db wrote. They are not
# needed afterwards: every page InnoDB writes is encrypted as it is written, and file_key_management
# has a single key version, so there is nothing to rotate.
innodb_encryption_threads = $threads
innodb_encryption_rotate_key_age = 1
encrypt_tmp_files = ON
encrypt_tmp_disk_tables = ON
aria_encrypt_tables = ON
encrypt_binlog = ON

# binary log (in the datadir), row format, a week of history
server_id = 1
log_bin = ecc-bin
binlog_format = ROW
binlog_expire_logs_seconds = 604800
max_binlog_size = 64M
# triggers created by ecc_migrate need this with the binlog on (safe in ROW format)
log_bin_trust_function_creators = ON

# no statement text on disk
general_log = 0
slow_query_log = 0
EOF
	chmod 0644 "$tmp"
	mv -f "$tmp" "$CNF"
}

make_secret() { # file: 48 hex chars, 0600, root; kept when present
	local f=$1
	if [ ! -s "$f" ]; then
		(umask 077 && openssl rand -hex 24 >"$f.tmp" && mv -f "$f.tmp" "$f")
		say "created $f"
	fi
	chown root:root "$f"
	chmod 0600 "$f"
}

prepare_files() { # user
	local user=$1
	mkdir -p "$DB" "$DATA" "$KEYDIR" "$TMPD"
	if [ ! -s "$KEYF" ]; then
		if [ -n "$(ls -A "$DATA" 2>/dev/null)" ]; then
			die "$KEYF is missing but $DATA holds data encrypted with it; restore the key file or remove $DATA"
		fi
		(umask 077 && printf '1;%s\n' "$(openssl rand -hex 32)" >"$KEYF.tmp" && mv -f "$KEYF.tmp" "$KEYF")
		say "created key file $KEYF"
	fi
	grep -qE '^1;[0-9a-fA-F]{64}$' "$KEYF" || die "$KEYF: want one line '1;<64 hex digits>'"
	chown -R "$user:" "$DB"
	chown root:root "$CNF" 2>/dev/null || true
	chmod 0750 "$DB" "$DATA"
	chmod 0700 "$KEYDIR" "$TMPD"
	chmod 0600 "$KEYF"
}

cmd_start() {
	need_root
	local pid user
	if pid=$(server_pid); then
		say "already running (pid $pid)"
		return 0
	fi
	mkdir -p "$ECC_VAR"
	user=$(run_user)
	write_cnf "$user" 0
	prepare_files "$user"
	rm -f "$SOCK"
	: >>"$ERRLOG"
	chown "$user:" "$ERRLOG"
	if [ -z "$(ls -A "$DATA")" ]; then
		create_datadir "$user"
		encrypt_new_datadir "$user"
	fi
	launch "$user" || exit 1
}

# create_datadir USER: mariadb-install-db into the empty $DATA.
create_datadir() {
	local user=$1
	say "creating datadir $DATA (server user $user)"
	mariadb-install-db --defaults-file="$CNF" --user="$user" --datadir="$DATA" \
		--auth-root-authentication-method=socket --skip-test-db >"$DB/install.log" 2>&1 ||
		{ tail -n 20 "$DB/install.log" >&2; die "mariadb-install-db failed (full log: $DB/install.log)"; }
	chown -R "$user:" "$DATA"
}

# encrypt_new_datadir USER: start a new datadir once with the encryption threads on, wait until every
# tablespace (the system tablespace included) is encrypted, and shut down cleanly; from then on the
# server runs with the threads off (see write_cnf).
encrypt_new_datadir() {
	local user=$1 i left
	say "encrypting the new datadir (system tablespace and the tables mariadb-install-db wrote)"
	write_cnf "$user" 2
	launch "$user" || exit 1
	for ((i = 0; i < 1200; i++)); do
		left=$(root_sql <<<"SELECT COUNT(*) FROM information_schema.INNODB_TABLESPACES_ENCRYPTION
			WHERE NAME <> 'innodb_temporary' AND (ROTATING_OR_FLUSHING <> 0 OR MIN_KEY_VERSION = 0)") || left=x
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	[ "$left" = 0 ] || { cmd_stop; die "the new datadir was not encrypted within 120 s ($left tablespaces left)"; }
	cmd_stop >/dev/null
	write_cnf "$user" 0
}

# launch USER: start mariadbd and wait until it answers. 0: running; 1: failed (the error log's tail is shown).
launch() {
	local user=$1 pid i
	# setsid: the server gets its own session and outlives this script and its terminal.
	setsid mariadbd --defaults-file="$CNF" </dev/null >>"$ERRLOG" 2>&1 &
	pid=$!
	for ((i = 0; i < START_WAIT * 10; i++)); do
		# the pid file is written a moment after the socket answers: wait for both, so that a `start` right
		# after this one finds the server (server_pid) instead of launching a second one
		if [ -S "$SOCK" ] && ping_ok && [ -s "$PIDF" ] && server_pid >/dev/null; then
			say "running (pid $(cat "$PIDF" 2>/dev/null || echo "$pid"), socket $SOCK, user $user)"
			return 0
		fi
		alive "$pid" || server_pid >/dev/null || break
		sleep 0.1
	done
	if alive "$pid"; then
		echo "mariadb: server did not answer on $SOCK within ${START_WAIT}s; last lines of $ERRLOG:" >&2
	else
		echo "mariadb: mariadbd exited during start-up; last lines of $ERRLOG:" >&2
	fi
	tail -n 20 "$ERRLOG" >&2
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null || true
	fi
	return 1
}

cmd_stop() {
	need_root
	local pid
	if ! pid=$(server_pid); then
		say "not running"
		return 0
	fi
	timeout "$STOP_WAIT" mariadb-admin --defaults-file="$CNF" --connect-timeout=2 shutdown >/dev/null 2>&1 || true
	if ! wait_gone "$pid" "$STOP_WAIT"; then
		say "clean shutdown timed out; sending SIGTERM to $pid"
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$pid" 30; then
			say "still running; sending SIGKILL to $pid"
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" 10 || die "pid $pid did not exit"
		fi
	fi
	rm -f "$PIDF"
	say "stopped"
}

cmd_status() {
	local pid
	if pid=$(server_pid); then
		if ping_ok; then
			say "running (pid $pid, socket $SOCK)"
		else
			say "process $pid exists but $SOCK does not answer"
		fi
		return 0
	fi
	say "stopped"
	return 3
}

sql_pw() { # file: the password, refusing characters that would need quoting in SQL
	local pw
	pw=$(head -n 1 "$1" | tr -d '\r\n')
	[[ $pw =~ ^[A-Za-z0-9._~+/=-]{16,200}$ ]] ||
		die "$1: password must be 16-200 characters of [A-Za-z0-9._~+/=-]"
	printf '%s' "$pw"
}

# root_sql: run SQL from stdin as the MariaDB root account (stdin keeps passwords out of the process list).
root_sql() {
	mariadb --defaults-file="$CNF" --connect-timeout=5 --batch --skip-column-names
}

# account_sql user password privileges: the statements that bring the account to the wanted state, and
# nothing when it is there already. Writing the mysql.* tables only when something changes matters for
# encryption at rest: MariaDB 10.11 writes the unused tail of encrypted Aria index pages (the mysql.*
# privilege tables are Aria) from an uninitialised buffer, which can hold fragments of recently handled
# rows, whenever those pages are flushed. So init changes them only when needed, and flushes them at once.
account_sql() {
	local user=$1 pw=$2 privs=$3 have grants want
	have=$(root_sql <<EOF
SELECT CONCAT(IFNULL(JSON_VALUE(Priv, '\$.plugin'), '-'), ' ',
	IFNULL(JSON_VALUE(Priv, '\$.authentication_string') = PASSWORD('$pw'), 0))
FROM mysql.global_priv WHERE User = '$user' AND Host = 'localhost';
EOF
	)
	if [ -z "$have" ]; then
		echo "CREATE USER '$user'@'localhost' IDENTIFIED BY '$pw';"
	elif [ "$have" != "mysql_native_password 1" ]; then
		echo "ALTER USER '$user'@'localhost' IDENTIFIED BY '$pw';"
	fi
	grants=$(echo "SHOW GRANTS FOR '$user'@'localhost';" | root_sql 2>/dev/null | grep -v '^GRANT USAGE ON \*\.\* TO' || true)
	want="GRANT $privs ON \`$DBNAME\`.* TO \`$user\`@\`localhost\`"
	if [ "$grants" != "$want" ]; then
		echo "REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$user'@'localhost';"
		echo "GRANT $privs ON \`$DBNAME\`.* TO '$user'@'localhost';"
	fi
}

cmd_init() {
	need_root
	mkdir -p "$ECC_VAR" "$SECRETS"
	chown root:root "$SECRETS"
	chmod 0700 "$SECRETS"
	make_secret "$APP_PW"
	make_secret "$MIG_PW"
	cmd_start
	local app mig root changes
	app=$(sql_pw "$APP_PW")
	mig=$(sql_pw "$MIG_PW")
	changes=$(account_sql "$APP_USER" "$app" "SELECT, INSERT, UPDATE, DELETE" &&
		account_sql "$MIG_USER" "$mig" "ALL PRIVILEGES") || die "cannot read the accounts"
	root=$(echo "SELECT CONCAT(JSON_VALUE(Priv, '\$.plugin'), ' ', IFNULL(JSON_VALUE(Priv, '\$.auth_or'), '-'))
		FROM mysql.global_priv WHERE User = 'root' AND Host = 'localhost';" | root_sql) || die "cannot read the root account"
	if [ "$root" != "unix_socket -" ]; then
		changes+=$'\n'"ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;"
	fi
	# DROP … IF EXISTS and a DELETE that matches nothing write nothing.
	root_sql <<EOF || die "account setup failed (see above)"
CREATE DATABASE IF NOT EXISTS \`$DBNAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER DATABASE \`$DBNAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
$changes
DROP USER IF EXISTS 'mysql'@'localhost', ''@'localhost', ''@'$(hostname)', 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(hostname)';
DROP DATABASE IF EXISTS test;
DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost' OR User <> 'root';
FLUSH PRIVILEGES;
FLUSH TABLES;
EOF
	if [ -n "$(tr -d '[:space:]' <<<"$changes")" ]; then
		say "accounts updated: $(grep -oE "'[a-z_]+'@" <<<"$changes" | tr -d "'@" | sort -u | tr '\n' ' ' | sed 's/ $//')"
	fi
	say "database $DBNAME ready: $APP_USER (SELECT, INSERT, UPDATE, DELETE), $MIG_USER (ALL on $DBNAME.*)"
}

cmd_client() {
	need_root
	server_pid >/dev/null || die "not running (ops/dev/mariadb.sh start)"
	exec mariadb --defaults-file="$CNF" "$@"
}

case "${1:-}" in
init)   cmd_init ;;
start)  cmd_start ;;
stop)   cmd_stop ;;
status) cmd_status ;;
client) shift; cmd_client "$@" ;;
*)      echo "usage: $0 init|start|stop|status|client [mariadb args]" >&2; exit 2 ;;
esac
