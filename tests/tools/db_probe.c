/* db_probe.c: exercises fcgi/db against a running MariaDB for the integration tests (roundtrip, outage, split). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/t.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"

/*
 * db_probe roundtrip   insert/select with every bind type, NULLs, 4-byte UTF-8,
 *                      a 1 MiB blob, duplicate key, misuse, transactions,
 *                      session settings; uses the scratch table probe_rt (created
 *                      and dropped with the migrate user)
 * db_probe outage      protocol on stdin/stdout with the test script:
 *                      prints "ready", waits for "down" (the script stopped
 *                      MariaDB), checks fast failures, prints "checked-down",
 *                      waits for "up" (restarted), checks recovery
 * db_probe split       migrate_split cases (no database needed)
 * Configuration as for ecc-admin: $ECC_CONFIG and ECC_* overrides.
 * Prints "db-probe-<mode>: N passed, N failed"; exit 0 only when all pass.
 */

static struct arena *app;
static struct config cfg;

static int
load_config(void)
{
	struct buf err;
	buf_init(&err, app, 128);
	if (config_load(app, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(app, &cfg, CONFIG_SECRET_DB | CONFIG_SECRET_DB_MIGRATE, &err) != 0) {
		fprintf(stderr, "db_probe: %s\n", buf_cstr(&err));
		return -1;
	}
	return 0;
}

static struct db *
app_db(void)
{
	return db_new(app, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
}

static struct db *
migrate_db(void)
{
	return db_new(app, cfg.db_socket, cfg.db_migrate_user, cfg.db_migrate_password_secret,
		      cfg.db_name);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- roundtrip ----------------------------------------------------------- */

static void
check_session(struct db *db, struct arena *a)
{
	struct db_rows *r;
	int rc = db_query(db, a, &r, "SELECT @@session.time_zone, @@session.sql_mode,"
			  " @@character_set_connection, @@collation_connection, NOW() = UTC_TIMESTAMP()",
			  "");
	T_INTEQ(rc, 0);
	T_STREQ(db_str(r, 0, 0), "+00:00");
	T_OK(db_str(r, 0, 1) && strstr(db_str(r, 0, 1), "STRICT_ALL_TABLES"), "strict sql_mode: %s",
	     db_str(r, 0, 1) ? db_str(r, 0, 1) : "(null)");
	T_STREQ(db_str(r, 0, 2), "utf8mb4");
	T_STREQ(db_str(r, 0, 3), "utf8mb4_bin");
	T_STREQ(db_str(r, 0, 4), "1");
	T_OK(db_server_version(db) && strstr(db_server_version(db), "MariaDB"), "server version");
}

static void
check_misuse(struct db *db, struct arena *a)
{
	const char *ins = "INSERT INTO probe_rt (k, n) VALUES (?, ?)";
	T_INTEQ(db_exec(db, a, ins, "si", "x"), -ERR_INVALID);               /* too few */
	T_OK(strstr(db_last_error(db), "takes 2 arguments, 1 given") != NULL, "msg: %s",
	     db_last_error(db));
	T_INTEQ(db_exec(db, a, ins, "si", "x", 1, 2), -ERR_INVALID);         /* too many */
	T_INTEQ(db_exec(db, a, ins, "ii", "x", 1), -ERR_INVALID);            /* string for i */
	T_INTEQ(db_exec(db, a, ins, "ss", "x", 1), -ERR_INVALID);            /* int for s */
	T_INTEQ(db_exec(db, a, ins, "sx", "x", 1), -ERR_INVALID);            /* unknown letter */
	T_INTEQ(db_exec(db, a, ins, "s", "x"), -ERR_INVALID);                /* placeholders */
	T_OK(strstr(db_last_error(db), "2 placeholders") != NULL, "msg: %s", db_last_error(db));
	T_INTEQ(db_exec(db, a, ins, "sii", "x", 1, 2), -ERR_INVALID);
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k, b) VALUES (?, ?)", "sb", "x",
			(const void *)NULL, 5), -ERR_INVALID);               /* NULL with length */
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k, b) VALUES (?, ?)", "sb", "x", "ab", -1),
		-ERR_INVALID);                                               /* negative length */
	T_INTEQ(db_query_args(db, a, &(struct db_rows *){ NULL }, "SELECT ?", "i", 1, NULL),
		-ERR_INVALID);                                               /* NULL array */
	/* the connection is still fine afterwards */
	struct db_rows *r;
	T_INTEQ(db_query(db, a, &r, "SELECT ? + 1", "i", 41), 0);
	T_STREQ(db_str(r, 0, 0), "42");
}

static void
check_types(struct db *db, struct arena *a)
{
	size_t blen = 1024 * 1024;
	unsigned char *blob = arena_alloc(a, blen);
	for (size_t i = 0; i < blen; i++)
		blob[i] = (unsigned char)(i * 7 + (i >> 9));
	const char *text = "日本語テキスト 😀🍣 emoji (4-byte) and 'quotes' \"too\" \\ ;";
	uint64_t big = UINT64_MAX;
	int64_t neg = INT64_MIN;

	int rc = db_exec(db, a, "INSERT INTO probe_rt (k, n, u, s, b, d) VALUES (?, ?, ?, ?, ?, ?)",
			 "siisbn", "row1", neg, big, text, blob, blen);
	T_INTEQ(rc, 0);
	int64_t id1 = db_last_id(db);
	T_OK(id1 > 0, "last id %lld", (long long)id1);
	T_INTEQ(db_affected(db), 1);

	rc = db_exec(db, a, "INSERT INTO probe_rt (k, n, u, s, b, d) VALUES (?, ?, ?, ?, ?, ?)",
		     "siisbs", "row2", (short)-7, (unsigned char)200, (const char *)NULL,
		     (const void *)NULL, (size_t)0, "2025-01-31 09:00:00");
	T_INTEQ(rc, 0);
	int64_t id2 = db_last_id(db);
	T_OK(id2 > id1, "second id %lld > %lld", (long long)id2, (long long)id1);

	struct db_rows *r;
	rc = db_query(db, a, &r, "SELECT id, k, n, u, s, b, d FROM probe_rt WHERE id IN (?, ?)"
		      " ORDER BY id", "ii", id1, id2);
	T_INTEQ(rc, 0);
	T_INTEQ(db_rows_count(r), 2);
	T_INTEQ(db_rows_cols(r), 7);
	int64_t v = 0;
	T_INTEQ(db_i64(r, 0, 0, &v), 0);
	T_INTEQ(v, id1);
	T_STREQ(db_str(r, 0, 1), "row1");
	T_INTEQ(db_i64(r, 0, 2, &v), 0);
	T_OK(v == INT64_MIN, "INT64_MIN round trip: %lld", (long long)v);
	T_STREQ(db_str(r, 0, 3), "18446744073709551615");
	T_INTEQ(db_i64(r, 0, 3, &v), -ERR_INVALID);  /* does not fit int64 */
	T_STREQ(db_str(r, 0, 4), text);
	const struct db_cell *c = db_cell(r, 0, 5);
	T_OK(c && !c->is_null && c->len == blen && memcmp(c->val, blob, blen) == 0,
	     "1 MiB blob round trip (len %zu)", c ? c->len : 0);
	T_OK(db_cell(r, 0, 6) && db_cell(r, 0, 6)->is_null, "n binds NULL");
	T_OK(db_str(r, 0, 6) == NULL, "db_str of NULL is NULL");
	T_INTEQ(db_i64(r, 0, 6, &v), -ERR_INVALID);
	T_INTEQ(db_i64(r, 1, 2, &v), 0);
	T_INTEQ(v, -7);
	T_STREQ(db_str(r, 1, 3), "200");
	T_OK(db_cell(r, 1, 4) && db_cell(r, 1, 4)->is_null, "NULL char * binds NULL");
	T_OK(db_cell(r, 1, 5) && db_cell(r, 1, 5)->is_null, "NULL blob binds NULL");
	T_STREQ(db_str(r, 1, 6), "2025-01-31 09:00:00");
	T_INTEQ(db_i64(r, 1, 6, &v), -ERR_INVALID);  /* strict parse */
	T_OK(db_cell(r, 2, 0) == NULL && db_cell(r, 0, 7) == NULL, "out of range cell is NULL");
	T_OK(db_str(r, 5, 5) == NULL, "out of range db_str is NULL");
	T_INTEQ(db_i64(r, 9, 0, &v), -ERR_INVALID);

	/* emoji compare exactly under utf8mb4_bin */
	T_INTEQ(db_query(db, a, &r, "SELECT COUNT(*) FROM probe_rt WHERE s = ?", "s", text), 0);
	T_STREQ(db_str(r, 0, 0), "1");
	/* empty result still has its columns */
	T_INTEQ(db_query(db, a, &r, "SELECT id, k FROM probe_rt WHERE 1 = 0", ""), 0);
	T_INTEQ(db_rows_count(r), 0);
	T_INTEQ(db_rows_cols(r), 2);
	/* UPDATE that changes nothing still counts the matched row (CLIENT_FOUND_ROWS) */
	T_INTEQ(db_exec(db, a, "UPDATE probe_rt SET k = ? WHERE id = ?", "si", "row1", id1), 0);
	T_INTEQ(db_affected(db), 1);
	T_INTEQ(db_exec(db, a, "UPDATE probe_rt SET k = ? WHERE id = ?", "si", "zz", (int64_t)-1), 0);
	T_INTEQ(db_affected(db), 0);
}

static void
check_errors(struct db *db, struct arena *a)
{
	/* duplicate key, and the value stays out of the message */
	int rc = db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "row1");
	T_INTEQ(rc, -ERR_CONFLICT);
	T_OK(strstr(db_last_error(db), "1062") != NULL, "dup errno: %s", db_last_error(db));
	T_OK(strstr(db_last_error(db), "row1") == NULL, "value redacted: %s", db_last_error(db));
	T_OK(strstr(db_last_error(db), "uq_k") != NULL, "key name kept: %s", db_last_error(db));
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "q' for key 'secret"), 0);
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "q' for key 'secret"),
		-ERR_CONFLICT);
	T_OK(strstr(db_last_error(db), "secret") == NULL && strstr(db_last_error(db), "uq_k"),
	     "quoted value redacted: %s", db_last_error(db));
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k, n) VALUES (?, ?)", "ss", "n1", "12x'y"),
		-ERR_DB);
	T_OK(strstr(db_last_error(db), "12x") == NULL, "bad integer redacted: %s",
	     db_last_error(db));
	/* strict mode: too long is an error, not a truncation */
	char longk[100];
	memset(longk, 'x', sizeof longk - 1);
	longk[sizeof longk - 1] = '\0';
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", longk), -ERR_DB);
	T_OK(strstr(db_last_error(db), "1406") != NULL, "too long: %s", db_last_error(db));
	/* invalid UTF-8 is refused */
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k, s) VALUES (?, ?)", "ss", "bad",
			"\xff\xfe"), -ERR_DB);
	T_OK(strstr(db_last_error(db), "\xff") == NULL, "no raw bytes in message");
	/* unknown table, syntax error */
	T_INTEQ(db_exec(db, a, "SELECT * FROM no_such_table", ""), -ERR_DB);
	T_OK(strstr(db_last_error(db), "1146") != NULL, "1146: %s", db_last_error(db));
	T_INTEQ(db_exec(db, a, "SELEC 1", ""), -ERR_DB);
	/* the application user has no DDL */
	T_INTEQ(db_exec(db, a, "CREATE TABLE probe_forbidden (a INT)", ""), -ERR_DB);
	T_OK(strstr(db_last_error(db), "1142") != NULL, "CREATE denied: %s", db_last_error(db));
	T_INTEQ(db_exec(db, a, "DROP TABLE probe_rt", ""), -ERR_DB);
	T_INTEQ(db_exec(db, a, "ALTER TABLE probe_rt ADD COLUMN z INT", ""), -ERR_DB);
}

static void
check_tx(struct db *db, struct arena *a)
{
	struct db_rows *r;
	T_INTEQ(db_commit(db), -ERR_INVALID);
	T_INTEQ(db_rollback(db), 0);
	T_INTEQ(db_begin(db), 0);
	T_OK(db_in_tx(db), "in tx");
	T_INTEQ(db_begin(db), -ERR_INVALID);
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "tx-rolled-back"), 0);
	T_INTEQ(db_query(db, a, &r, "SELECT COUNT(*) FROM probe_rt WHERE k = ?", "s",
			 "tx-rolled-back"), 0);
	T_STREQ(db_str(r, 0, 0), "1");
	T_INTEQ(db_rollback(db), 0);
	T_OK(!db_in_tx(db), "tx over");
	T_INTEQ(db_query(db, a, &r, "SELECT COUNT(*) FROM probe_rt WHERE k = ?", "s",
			 "tx-rolled-back"), 0);
	T_STREQ(db_str(r, 0, 0), "0");

	T_INTEQ(db_begin(db), 0);
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "tx-committed"), 0);
	T_INTEQ(db_exec(db, a, "INSERT INTO probe_rt (k) VALUES (?)", "s", "tx-committed"),
		-ERR_CONFLICT);  /* a failed statement leaves the transaction open */
	T_OK(db_in_tx(db), "still in tx after a failed statement");
	T_INTEQ(db_commit(db), 0);
	T_INTEQ(db_query(db, a, &r, "SELECT COUNT(*) FROM probe_rt WHERE k = ?", "s",
			 "tx-committed"), 0);
	T_STREQ(db_str(r, 0, 0), "1");
}

static int
roundtrip(void)
{
	if (load_config() != 0)
		return 1;
	struct arena *a = arena_new(0);
	struct db *mig = migrate_db(), *db = app_db();
	int rc = db_exec(mig, a, "DROP TABLE IF EXISTS probe_rt", "");
	T_INTEQ(rc, 0);
	rc = db_exec(mig, a, "CREATE TABLE probe_rt ("
		     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
		     " k VARCHAR(64) NOT NULL, n BIGINT NULL, u BIGINT UNSIGNED NULL,"
		     " s VARCHAR(200) NULL, b LONGBLOB NULL, d DATETIME NULL,"
		     " UNIQUE KEY uq_k (k)) ENGINE=InnoDB ENCRYPTED=YES", "");
	T_INTEQ(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "db_probe: cannot create probe_rt: %s\n", db_last_error(mig));
		return t_done("db-probe-roundtrip");
	}
	T_INTEQ(db_connect(db), 0);
	T_OK(db_connected(db), "connected");
	check_session(db, a);
	check_types(db, a);
	check_errors(db, a);
	check_misuse(db, a);
	check_tx(db, a);
	T_INTEQ(db_exec(mig, a, "DROP TABLE probe_rt", ""), 0);
	arena_free(a);
	return t_done("db-probe-roundtrip");
}

/* ---- outage --------------------------------------------------------------- */

static int
wait_line(const char *want)
{
	char line[64];
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, want) == 0)
			return 0;
	}
	fprintf(stderr, "db_probe: stdin closed while waiting for \"%s\"\n", want);
	return -1;
}

static int
outage(void)
{
	if (load_config() != 0)
		return 1;
	struct arena *a = arena_new(0);
	struct db *busy = app_db(), *idle = app_db(), *tx = app_db();
	struct db_rows *r;
	/* before: all three connected; tx has an open transaction */
	T_INTEQ(db_query(busy, a, &r, "SELECT 1", ""), 0);
	T_INTEQ(db_query(idle, a, &r, "SELECT CONNECTION_ID()", ""), 0);
	const char *idle_conn = db_str(r, 0, 0);
	T_INTEQ(db_begin(tx), 0);
	T_INTEQ(db_query(tx, a, &r, "SELECT 1", ""), 0);
	printf("ready\n");
	fflush(stdout);
	if (wait_line("down") != 0)
		return 1;

	/* the server is down: fail fast, keep running */
	double t0 = now_s();
	T_INTEQ(db_query(busy, a, &r, "SELECT 1", ""), -ERR_UNAVAILABLE);
	double took = now_s() - t0;
	T_OK(took < 2.5, "failed fast: %.3f s", took);
	T_OK(!db_connected(busy), "connection closed after the outage");
	T_OK(db_rows_count(r) == 0, "empty result on failure");
	t0 = now_s();
	T_INTEQ(db_exec(busy, a, "DO ?", "i", 1), -ERR_UNAVAILABLE);  /* reconnect fails fast */
	T_OK(now_s() - t0 < 2.5, "reconnect failed fast: %.3f s", now_s() - t0);
	T_OK(db_server_version(busy) == NULL, "no version while down");
	T_INTEQ(db_exec(tx, a, "DO 1", ""), -ERR_UNAVAILABLE);  /* inside the transaction */
	T_INTEQ(db_exec(tx, a, "DO 1", ""), -ERR_UNAVAILABLE);  /* still: tx is broken */
	printf("checked-down\n");
	fflush(stdout);
	if (wait_line("up") != 0)
		return 1;

	/* back: the next call reconnects; the idle handle's dead connection is
	 * replaced and its SELECT retried transparently */
	T_INTEQ(db_query(busy, a, &r, "SELECT 2", ""), 0);
	T_STREQ(db_str(r, 0, 0), "2");
	T_INTEQ(db_query(idle, a, &r, "SELECT CONNECTION_ID()", ""), 0);
	T_OK(db_str(r, 0, 0) && idle_conn && strcmp(db_str(r, 0, 0), idle_conn) != 0,
	     "idle handle reconnected (connection %s -> %s)", idle_conn ? idle_conn : "?",
	     db_str(r, 0, 0) ? db_str(r, 0, 0) : "?");
	T_INTEQ(db_exec(tx, a, "DO 1", ""), -ERR_UNAVAILABLE);  /* until the tx is ended */
	T_INTEQ(db_commit(tx), -ERR_UNAVAILABLE);
	T_OK(!db_in_tx(tx), "tx ended");
	T_INTEQ(db_begin(tx), 0);
	T_INTEQ(db_query(tx, a, &r, "SELECT 3", ""), 0);
	T_INTEQ(db_commit(tx), 0);
	arena_free(a);
	return t_done("db-probe-outage");
}

/* ---- split ---------------------------------------------------------------- */

static void
split_case(const char *text, int want_rc, size_t want_n, const char *first, const char *last)
{
	struct arena *a = arena_new(0);
	struct buf err;
	buf_init(&err, a, 64);
	struct migrate_stmt *st = NULL;
	size_t n = 99;
	int rc = migrate_split(a, text, strlen(text), &st, &n, &err);
	T_OK(rc == want_rc, "split rc %d want %d (%s) for: %s", rc, want_rc, buf_cstr(&err), text);
	if (rc == 0 && want_rc == 0) {
		T_OK(n == want_n, "split n %zu want %zu for: %s", n, want_n, text);
		if (n == want_n && n > 0 && first)
			T_OK(strlen(first) == st[0].len && memcmp(st[0].sql, first, st[0].len) == 0,
			     "first stmt \"%.*s\" want \"%s\"", (int)st[0].len, st[0].sql, first);
		if (n == want_n && n > 0 && last)
			T_OK(strlen(last) == st[n - 1].len &&
			     memcmp(st[n - 1].sql, last, st[n - 1].len) == 0,
			     "last stmt \"%.*s\" want \"%s\"", (int)st[n - 1].len, st[n - 1].sql, last);
	}
	arena_free(a);
}

static int
split(void)
{
	split_case("", 0, 0, NULL, NULL);
	split_case("-- only a comment\n# another\n/* block */\n", 0, 0, NULL, NULL);
	split_case("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", 0, 2,
		   "CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)");
	split_case("SELECT 1;", 0, 1, "SELECT 1", NULL);
	split_case("SELECT 1", 0, 1, "SELECT 1", NULL);  /* last ';' optional */
	split_case("SELECT 1;   -- trailing comment\nSELECT 2; # hash\n", 0, 2, NULL, "SELECT 2");
	split_case("INSERT INTO t VALUES ('a;\nb');\n", 0, 1, "INSERT INTO t VALUES ('a;\nb')", NULL);
	split_case("INSERT INTO t VALUES ('it''s;');\nSELECT 2;\n", 0, 2, NULL, "SELECT 2");
	split_case("INSERT INTO t VALUES ('back\\';slash');\n", 0, 1, NULL, NULL);
	split_case("SELECT \"dq;\n\" , `bq;\n`;\n", 0, 1, NULL, NULL);
	split_case("SELECT 1 /* c;\n */;\nSELECT 2 -- x;\n;\n", 0, 2, NULL, NULL);
	split_case("/*!40101 SET NAMES utf8mb4 */;\nSELECT 1;\n", 0, 2,
		   "/*!40101 SET NAMES utf8mb4 */", NULL);
	split_case("SELECT 1--1;\n", 0, 1, "SELECT 1--1", NULL);  /* not a comment */
	split_case("SELECT 1; SELECT 2;\n", -ERR_INVALID, 0, NULL, NULL);
	split_case("SELECT 'open;\n", -ERR_INVALID, 0, NULL, NULL);
	split_case("SELECT 1 /* open\n", -ERR_INVALID, 0, NULL, NULL);
	split_case("SELECT `open;\n", -ERR_INVALID, 0, NULL, NULL);
	{
		struct arena *a = arena_new(0);
		struct buf err;
		buf_init(&err, a, 64);
		struct migrate_stmt *st;
		size_t n;
		const char t[] = "SELECT 1;\nSELECT\0 2;\n";
		T_INTEQ(migrate_split(a, t, sizeof t - 1, &st, &n, &err), -ERR_INVALID);
		T_OK(strstr(buf_cstr(&err), "line 2") != NULL, "NUL reported on line 2: %s",
		     buf_cstr(&err));
		buf_clear(&err);
		const char u[] = "\n\n  CREATE TABLE x (\n a INT\n);\n\nDROP TABLE y;";
		T_INTEQ(migrate_split(a, u, sizeof u - 1, &st, &n, &err), 0);
		T_INTEQ(n, 2);
		T_INTEQ(st[0].line, 3);
		T_INTEQ(st[1].line, 7);
		arena_free(a);
	}
	return t_done("db-probe-split");
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: db_probe roundtrip|outage|split\n", stderr);
		return 2;
	}
	log_init("db_probe", NULL, getenv("DB_PROBE_LOG") ? LOG_DEBUG : (enum log_level)(LOG_ERROR + 1));
	if (db_global_init() != 0)
		return 1;
	app = arena_new(0);
	int rc;
	if (strcmp(argv[1], "roundtrip") == 0)
		rc = roundtrip();
	else if (strcmp(argv[1], "outage") == 0)
		rc = outage();
	else if (strcmp(argv[1], "split") == 0)
		rc = split();
	else {
		fputs("usage: db_probe roundtrip|outage|split\n", stderr);
		rc = 2;
	}
	arena_free(app);
	db_global_end();
	return rc;
}
