/* db_stmt.h: run one prepared statement, fetch all its rows, redact error messages (internal to fcgi/db). */
#ifndef ECC_DB_STMT_H
#define ECC_DB_STMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "core/arena.h"
#include "db/db.h"

/* The result set behind the opaque struct db_rows of db.h. */
struct db_rows {
	size_t nrows, ncols;
	struct db_cell *cells;  /* nrows * ncols, row-major */
};

/* Where a statement failed; from DB_STAGE_EXECUTE on it may have run. */
enum db_stmt_stage {
	DB_STAGE_CHECK,    /* type string / arguments (nothing sent) */
	DB_STAGE_PREPARE,  /* statement init, prepare, placeholder count, bind */
	DB_STAGE_EXECUTE,
	DB_STAGE_FETCH,
};

/* What happened, for the caller's error mapping and logging. */
struct db_stmt_info {
	enum db_stmt_stage stage;  /* stage reached (the failing one on error) */
	unsigned int errnum;       /* MariaDB/client error number; 0 = local check */
	char sqlstate[6];
	char msg[256];             /* MariaDB's message or the local reason */
	bool has_rows;             /* the statement produces a result set */
	int64_t insert_id;
	uint64_t affected;
};

/*
 * Prepared statements are kept per connection, keyed by their SQL text, so a
 * statement costs one round trip (execute) after its first use instead of
 * three (prepare, execute, close). The cache belongs to one MYSQL handle and
 * must be cleared (db_stmt_cache_clear) before that handle is closed.
 */
#define DB_STMT_CACHE_MAX 64

struct db_stmt_cache {
	size_t n;
	struct {
		char *sql;        /* malloc'd copy */
		MYSQL_STMT *st;
	} e[DB_STMT_CACHE_MAX];
};

/* db_stmt_cache_clear: close every cached statement and forget them. */
void db_stmt_cache_clear(struct db_stmt_cache *c);

/* db_stmt_empty: an empty result set in a. Never NULL. */
struct db_rows *db_stmt_empty(struct arena *a);

/*
 * db_stmt_run: check types against args, prepare sql on m, check the
 * placeholder count, bind, execute and, when out is not NULL, fetch every
 * row into a (*out set only on success; when out is NULL rows are
 * discarded). With a cache (may be NULL) the prepared statement is reused
 * and kept for next time; a statement that failed is closed and dropped. Returns 0,
 * -ERR_INVALID (a local check failed: info->errnum == 0, reason in
 * info->msg) or -ERR_DB (the server or client library failed: errnum,
 * sqlstate, msg and stage in info; the caller maps it). info is always
 * filled.
 */
int db_stmt_run(MYSQL *m, struct db_stmt_cache *cache, struct arena *a, const char *sql,
		const char *types, size_t nargs, const struct db_arg *args, struct db_rows **out,
		struct db_stmt_info *info);

/*
 * db_stmt_redact: copy MariaDB's error message msg into out (capacity cap,
 * always NUL-terminated), replacing the contents of single-quoted strings
 * by '?' unless the word before them names an object ("column 'x'",
 * "table 'y'", "key 'z'", "near '<SQL text>'", 'user'@'host' …), so that
 * values such as "Duplicate entry 'a@b.jp'" never reach a log.
 */
void db_stmt_redact(const char *msg, char *out, size_t cap);

#endif
