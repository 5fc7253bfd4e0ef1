/* db.c: one MariaDB connection: prepared statements with typed arguments, results in an arena, transactions. */
#include "db/db.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db_stmt.h"

/*
 * Connection life cycle: my is NULL until the first call connects; any
 * "server gone" error closes it again (close_conn) and the next call
 * reconnects. in_tx/tx_broken track a transaction across such a loss: once
 * broken, every call fails until db_commit/db_rollback ends it, so a
 * statement can never silently run outside the transaction it belongs to.
 */
struct db {
	MYSQL *my;
	struct db_stmt_cache cache;  /* statements prepared on my */
	int64_t last_used_us;         /* monotonic time of the last statement */
	char *socket, *user, *password, *dbname;
	unsigned read_timeout, write_timeout;
	bool ever_connected;
	bool in_tx, tx_broken;
	int64_t last_id;
	uint64_t affected;
	char version[96];
	char last_error[384];
};

#define DB_CONNECT_TIMEOUT 2
#define DB_IDLE_CHECK_US (5 * 1000000LL)
#define DB_SQL_MODE "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE," \
		    "NO_ENGINE_SUBSTITUTION,NO_AUTO_CREATE_USER"
#define DB_INIT_COMMAND "SET time_zone = '+00:00', sql_mode = '" DB_SQL_MODE "', " \
			"collation_connection = 'utf8mb4_bin'"

static void close_conn(struct db *db);
static bool peer_closed(MYSQL *m);
static bool gone(unsigned int errnum);
static int sql_error(struct db *db, const char *what, unsigned int errnum, const char *sqlstate,
		     const char *msg, const char *sql);

int
db_global_init(void)
{
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_event0(LOG_ERROR, "db_library_init_failed");
		return -ERR_DB;
	}
	return 0;
}

void
db_global_end(void)
{
	mysql_library_end();
}

static void
close_deferred(void *p)
{
	db_close(p);
}

struct db *
db_new(struct arena *app, const char *socket, const char *user, const char *password,
       const char *dbname)
{
	struct db *db = arena_calloc(app, 1, sizeof *db);
	db->socket = arena_strdup(app, socket ? socket : "");
	db->user = arena_strdup(app, user ? user : "");
	db->password = password ? arena_strdup(app, password) : NULL;
	db->dbname = arena_strdup(app, dbname ? dbname : "");
	db->read_timeout = 30;
	db->write_timeout = 30;
	arena_defer(app, close_deferred, db);
	return db;
}

void
db_set_timeouts(struct db *db, unsigned read_s, unsigned write_s)
{
	if (read_s > 0)
		db->read_timeout = read_s;
	if (write_s > 0)
		db->write_timeout = write_s;
}

/* Server gone or unreachable: the connection is useless, reconnect later. */
static bool
gone(unsigned int errnum)
{
	switch (errnum) {
	case CR_CONNECTION_ERROR:     /* 2002 */
	case CR_CONN_HOST_ERROR:      /* 2003 */
	case CR_SERVER_GONE_ERROR:    /* 2006 */
	case CR_SERVER_LOST:          /* 2013 */
	case CR_COMMANDS_OUT_OF_SYNC: /* 2014: the protocol state is unknown */
	case CR_SERVER_LOST_EXTENDED: /* 2055 */
	case ER_SERVER_SHUTDOWN:      /* 1053 */
	case ER_CONNECTION_KILLED:    /* 1927 */
	case 4031:                    /* client idle too long (ER_CLIENT_INTERACTION_TIMEOUT) */
		return true;
	default:
		return false;
	}
}

static bool
duplicate(unsigned int errnum)
{
	return errnum == ER_DUP_ENTRY || errnum == ER_DUP_ENTRY_WITH_KEY_NAME ||
	       errnum == ER_FOREIGN_DUPLICATE_KEY_WITH_CHILD_INFO ||
	       errnum == ER_FOREIGN_DUPLICATE_KEY_WITHOUT_CHILD_INFO;
}

/* Log and remember a server-side failure; returns the mapped error code. */
static int
sql_error(struct db *db, const char *what, unsigned int errnum, const char *sqlstate,
	  const char *msg, const char *sql)
{
	char clean[256];
	db_stmt_redact(msg, clean, sizeof clean);
	snprintf(db->last_error, sizeof db->last_error, "MariaDB %u (%s): %s", errnum, sqlstate,
		 clean);
	int rc = duplicate(errnum) ? -ERR_CONFLICT : gone(errnum) ? -ERR_UNAVAILABLE : -ERR_DB;
	log_event(rc == -ERR_CONFLICT ? LOG_INFO : LOG_ERROR, "db_error", LOG_S("stage", what),
		  LOG_I("errno", errnum), LOG_S("sqlstate", sqlstate), LOG_S("error", clean),
		  LOG_S("sql", sql ? sql : ""));
	return rc;
}

static void
close_conn(struct db *db)
{
	if (db->my != NULL) {
		db_stmt_cache_clear(&db->cache);
		mysql_close(db->my);
		db->my = NULL;
	}
	if (db->in_tx)
		db->tx_broken = true;
}

/* true when the server side of the connection has hung up or sent
 * something unasked (its goodbye error packet) */
static bool
peer_closed(MYSQL *m)
{
	my_socket fd = mysql_get_socket(m);
	if ((int)fd < 0)
		return true;
	struct pollfd p = { .fd = (int)fd, .events = POLLIN | POLLRDHUP };
	int n = poll(&p, 1, 0);
	return n > 0 && (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	close_conn(db);
	db->in_tx = false;
	db->tx_broken = false;
}

int
db_connect(struct db *db)
{
	if (db->my != NULL)
		return 0;
	MYSQL *m = mysql_init(NULL);
	if (m == NULL) {
		snprintf(db->last_error, sizeof db->last_error, "mysql_init: out of memory");
		log_event0(LOG_ERROR, "db_init_failed");
		return -ERR_UNAVAILABLE;
	}
	unsigned int ct = DB_CONNECT_TIMEOUT, rt = db->read_timeout, wt = db->write_timeout;
	unsigned int proto = MYSQL_PROTOCOL_SOCKET, infile = 0;
	my_bool no = 0;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
	mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &infile);
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &no);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_INIT_COMMAND, DB_INIT_COMMAND);
	if (mysql_real_connect(m, "localhost", db->user, db->password,
			       *db->dbname ? db->dbname : NULL, 0, db->socket,
			       CLIENT_FOUND_ROWS) == NULL) {
		char clean[256];
		db_stmt_redact(mysql_error(m), clean, sizeof clean);
		snprintf(db->last_error, sizeof db->last_error, "cannot connect to %s as %s: "
			 "MariaDB %u: %s", db->socket, db->user, mysql_errno(m), clean);
		log_event(LOG_ERROR, "db_connect_failed", LOG_S("socket", db->socket),
			  LOG_S("user", db->user), LOG_I("errno", mysql_errno(m)),
			  LOG_S("error", clean));
		mysql_close(m);
		return -ERR_UNAVAILABLE;
	}
	db->my = m;
	snprintf(db->version, sizeof db->version, "%s", mysql_get_server_info(m));
	if (db->ever_connected)
		log_event(LOG_INFO, "db_reconnected", LOG_S("socket", db->socket));
	db->ever_connected = true;
	db->last_error[0] = '\0';
	return 0;
}

bool
db_connected(const struct db *db)
{
	return db->my != NULL;
}

const char *
db_server_version(struct db *db)
{
	if (db_connect(db) != 0)
		return NULL;
	return db->version;
}

const char *
db_last_error(const struct db *db)
{
	return db->last_error;
}

static const char *const stage_names[] = { "check", "prepare", "execute", "fetch" };

static int
run(struct db *db, struct arena *a, const char *sql, const char *types, size_t nargs,
    const struct db_arg *args, struct db_rows **out)
{
	db->last_error[0] = '\0';
	if (db->tx_broken) {
		snprintf(db->last_error, sizeof db->last_error,
			 "connection lost inside a transaction; it was rolled back");
		return -ERR_UNAVAILABLE;
	}
	/* A connection the server has closed (restart, wait_timeout, kill) is
	 * noticed before a statement is sent on it: a cached statement that
	 * failed after execute could not be retried safely. Between statements
	 * the socket must be silent, so anything readable (EOF, an error packet)
	 * means it is gone; a connection idle for a while is also pinged. */
	int64_t now = clock_mono_us();
	if (db->my != NULL && (peer_closed(db->my) ||
			       (!db->in_tx && now - db->last_used_us > DB_IDLE_CHECK_US &&
				mysql_ping(db->my) != 0))) {
		log_event0(LOG_INFO, "db_connection_closed_by_server");
		close_conn(db);
	}
	db->last_used_us = now;
	for (int attempt = 0;; attempt++) {
		int rc = db_connect(db);
		if (rc != 0)
			return rc;
		struct db_stmt_info info;
		rc = db_stmt_run(db->my, &db->cache, a, sql, types, nargs, args, out, &info);
		if (rc == 0) {
			db->last_id = info.insert_id;
			db->affected = info.affected;
			return 0;
		}
		if (rc == -ERR_INVALID) {
			snprintf(db->last_error, sizeof db->last_error, "%s", info.msg);
			log_event(LOG_ERROR, "db_misuse", LOG_S("error", info.msg),
				  LOG_S("sql", sql ? sql : ""));
			return rc;
		}
		if (!gone(info.errnum))
			return sql_error(db, stage_names[info.stage], info.errnum, info.sqlstate,
					 info.msg, sql);
		bool may_have_run = info.stage >= DB_STAGE_EXECUTE && !info.has_rows;
		log_event(LOG_WARN, "db_connection_lost", LOG_S("stage", stage_names[info.stage]),
			  LOG_I("errno", info.errnum), LOG_S("error", info.msg),
			  LOG_I("in_tx", db->in_tx), LOG_I("retry", !db->in_tx && attempt == 0 &&
							      !may_have_run));
		close_conn(db);
		snprintf(db->last_error, sizeof db->last_error, "MariaDB %u: %s%s", info.errnum,
			 info.msg, db->in_tx ? " (inside a transaction, which was rolled back)"
			 : may_have_run ? " (the statement may have been applied)" : "");
		if (db->in_tx || attempt > 0 || may_have_run)
			return -ERR_UNAVAILABLE;
	}
}

int
db_exec_args(struct db *db, struct arena *a, const char *sql, const char *types, size_t nargs,
	     const struct db_arg *args)
{
	return run(db, a, sql, types, nargs, args, NULL);
}

int
db_query_args(struct db *db, struct arena *a, struct db_rows **out, const char *sql,
	      const char *types, size_t nargs, const struct db_arg *args)
{
	struct db_rows *rows = NULL;
	int rc = run(db, a, sql, types, nargs, args, &rows);
	*out = rc == 0 && rows != NULL ? rows : db_stmt_empty(a);
	return rc;
}

int64_t
db_last_id(const struct db *db)
{
	return db->last_id;
}

uint64_t
db_affected(const struct db *db)
{
	return db->affected;
}

/* Run a constant control statement (no data) with a reconnect-and-retry
 * when the connection turns out dead; used by db_begin. */
static int
control(struct db *db, const char *sql)
{
	for (int attempt = 0;; attempt++) {
		int rc = db_connect(db);
		if (rc != 0)
			return rc;
		if (mysql_real_query(db->my, sql, (unsigned long)strlen(sql)) == 0)
			return 0;
		unsigned int e = mysql_errno(db->my);
		rc = sql_error(db, "control", e, mysql_sqlstate(db->my), mysql_error(db->my), sql);
		if (!gone(e))
			return rc;
		close_conn(db);
		if (attempt > 0)
			return -ERR_UNAVAILABLE;
	}
}

int
db_begin(struct db *db)
{
	db->last_error[0] = '\0';
	if (db->in_tx) {
		snprintf(db->last_error, sizeof db->last_error, "db_begin: a transaction is open");
		log_event0(LOG_ERROR, "db_nested_begin");
		return -ERR_INVALID;
	}
	int rc = control(db, "START TRANSACTION");
	if (rc == 0)
		db->in_tx = true;
	return rc;
}

int
db_commit(struct db *db)
{
	db->last_error[0] = '\0';
	if (!db->in_tx) {
		snprintf(db->last_error, sizeof db->last_error, "db_commit without db_begin");
		log_event0(LOG_ERROR, "db_commit_without_begin");
		return -ERR_INVALID;
	}
	if (db->tx_broken || db->my == NULL) {
		db->in_tx = db->tx_broken = false;
		snprintf(db->last_error, sizeof db->last_error,
			 "connection lost inside the transaction; it was rolled back");
		return -ERR_UNAVAILABLE;
	}
	db->in_tx = false;
	if (mysql_commit(db->my) == 0)
		return 0;
	unsigned int e = mysql_errno(db->my);
	int rc = sql_error(db, "commit", e, mysql_sqlstate(db->my), mysql_error(db->my), "COMMIT");
	if (gone(e)) {
		log_event(LOG_ERROR, "db_commit_outcome_unknown", LOG_I("errno", e));
		close_conn(db);
		return -ERR_UNAVAILABLE;
	}
	if (mysql_rollback(db->my) != 0)
		close_conn(db);  /* closing rolls back */
	return rc;
}

int
db_rollback(struct db *db)
{
	db->last_error[0] = '\0';
	if (!db->in_tx)
		return 0;
	bool broken = db->tx_broken || db->my == NULL;
	db->in_tx = db->tx_broken = false;
	if (broken)
		return 0;  /* the server rolled back when the connection dropped */
	if (mysql_rollback(db->my) == 0)
		return 0;
	unsigned int e = mysql_errno(db->my);
	int rc = sql_error(db, "rollback", e, mysql_sqlstate(db->my), mysql_error(db->my),
			   "ROLLBACK");
	close_conn(db);  /* closing the connection rolls back for sure */
	(void)rc;
	return gone(e) ? 0 : -ERR_DB;
}

bool
db_in_tx(const struct db *db)
{
	return db->in_tx;
}

int
db_exec_trusted(struct db *db, const char *sql, size_t len)
{
	db->last_error[0] = '\0';
	if (db->tx_broken) {
		snprintf(db->last_error, sizeof db->last_error,
			 "connection lost inside a transaction; it was rolled back");
		return -ERR_UNAVAILABLE;
	}
	int rc = db_connect(db);
	if (rc != 0)
		return rc;
	if (mysql_real_query(db->my, sql, (unsigned long)len) != 0) {
		unsigned int e = mysql_errno(db->my);
		char head[128];
		snprintf(head, sizeof head, "%.*s", (int)(len < 120 ? len : 120), sql);
		rc = sql_error(db, "trusted", e, mysql_sqlstate(db->my), mysql_error(db->my), head);
		if (gone(e))
			close_conn(db);
		return rc;
	}
	MYSQL_RES *res = mysql_store_result(db->my);
	if (res != NULL)
		mysql_free_result(res);
	db->affected = mysql_affected_rows(db->my);
	if (db->affected == (uint64_t)-1)
		db->affected = 0;
	return 0;
}

size_t
db_rows_count(const struct db_rows *rows)
{
	return rows ? rows->nrows : 0;
}

size_t
db_rows_cols(const struct db_rows *rows)
{
	return rows ? rows->ncols : 0;
}

const struct db_cell *
db_cell(const struct db_rows *rows, size_t r, size_t c)
{
	if (rows == NULL || r >= rows->nrows || c >= rows->ncols)
		return NULL;
	return &rows->cells[r * rows->ncols + c];
}

const char *
db_str(const struct db_rows *rows, size_t r, size_t c)
{
	const struct db_cell *cell = db_cell(rows, r, c);
	return cell != NULL && !cell->is_null ? cell->val : NULL;
}

int
db_i64(const struct db_rows *rows, size_t r, size_t c, int64_t *out)
{
	const struct db_cell *cell = db_cell(rows, r, c);
	if (cell == NULL || cell->is_null || cell->len == 0 || cell->len > 20)
		return -ERR_INVALID;
	const char *s = cell->val;
	size_t i = s[0] == '-' ? 1 : 0;
	if (i == cell->len)
		return -ERR_INVALID;
	for (size_t k = i; k < cell->len; k++)
		if (s[k] < '0' || s[k] > '9')
			return -ERR_INVALID;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end != s + cell->len)
		return -ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}
