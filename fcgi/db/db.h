/* db.h: one MariaDB connection: prepared statements with typed arguments, results in an arena, transactions. */
#ifndef ECC_DB_H
#define ECC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db_arg.h"

/*
 * Design
 * - A struct db is one connection, owned by one worker process (or thread);
 *   it is not thread-safe (a thread that uses one must have called
 *   mysql_thread_init). It is opened lazily by the first statement, so it
 *   may be created before fork() as long as each process connects after.
 * - Data only ever travels as prepared-statement parameters (mysql_stmt_*).
 *   The one exception, db_exec_trusted(), exists for migration files.
 * - Every statement is prepared, executed, fully fetched into the caller's
 *   arena and closed before the call returns: no MariaDB handle outlives a
 *   call, so arena_reset() never has to touch the connection.
 * - Outages: when the server has gone away (errors 2002, 2003, 2006, 2013,
 *   2055, 1053, 1927 …) the connection is closed; the next call reconnects
 *   (connect timeout 2 s, so a request during an outage fails fast). Outside
 *   a transaction a statement is retried once after a successful reconnect
 *   when that cannot run it twice: it failed before it was executed, or it
 *   returns rows (a SELECT). An INSERT/UPDATE/DELETE whose connection broke
 *   after it was sent is not retried (it may have been applied): the caller
 *   gets -ERR_UNAVAILABLE. Inside a transaction nothing is retried: every
 *   call until db_commit()/db_rollback() fails with -ERR_UNAVAILABLE (the
 *   server rolled the transaction back), and db_commit() reports it.
 * - Errors: -ERR_UNAVAILABLE (server unreachable or gone), -ERR_CONFLICT
 *   (duplicate key: 1062, 1586, 1761, 1762), -ERR_INVALID (type string, arguments
 *   and placeholders disagree, or misuse such as a nested db_begin), -ERR_DB
 *   (any other SQL error). Each failure is logged through log_event with the
 *   MariaDB error number, SQLSTATE and message; quoted values inside
 *   MariaDB's message (e.g. "Duplicate entry '…'") are replaced by '?', and
 *   bound values are never logged. db_last_error() gives the same text.
 * - Session settings on every connection: utf8mb4 (collation utf8mb4_bin),
 *   time_zone '+00:00', strict sql_mode, no LOCAL INFILE, CLIENT_FOUND_ROWS
 *   (db_affected() counts the rows an UPDATE matched, not only the changed
 *   ones, so "0 rows" really means "no such row").
 */
struct db;

/* One result cell. val is NUL-terminated (the NUL is not counted in len) and
 * NULL exactly when is_null; numbers and dates arrive as their text form
 * ("42", "2025-01-31 09:00:00"), blobs as bytes (they may contain NULs). */
struct db_cell {
	const char *val;
	size_t len;
	bool is_null;
};

/* A fully fetched result set, allocated in the arena given to db_query(). */
struct db_rows;

/* db_global_init: mysql_library_init; call once per process before any other
 * db_* call and before starting threads. Returns 0 or -ERR_DB. */
int db_global_init(void);

/* db_global_end: mysql_library_end, at process exit after every db_close. */
void db_global_end(void);

/*
 * db_new: a connection object (not connected yet) allocated in app, a
 * process-lifetime arena. The strings are copied into app. password may be
 * NULL (none). arena_free(app) closes the connection (arena_defer). Never
 * NULL.
 */
struct db *db_new(struct arena *app, const char *socket, const char *user, const char *password,
		  const char *dbname);

/* db_set_timeouts: network read/write timeouts in seconds for connections
 * made after the call (default 30/30; 0 keeps the default). ecc-admin raises
 * them for migrations, which may run long DDL. */
void db_set_timeouts(struct db *db, unsigned read_s, unsigned write_s);

/* db_connect: connect if not connected (Unix socket, 2 s connect timeout,
 * the session settings above). Returns 0 or -ERR_UNAVAILABLE (also for bad
 * credentials or an unknown database; the reason is logged and kept in
 * db_last_error). */
int db_connect(struct db *db);

/* db_connected: true while a connection is open (it may still turn out to be
 * dead on the next call). */
bool db_connected(const struct db *db);

/* db_close: close the connection if open and forget any transaction state.
 * The struct stays usable: the next call reconnects. */
void db_close(struct db *db);

/* db_server_version: the server's version string, connecting if needed;
 * NULL if the server cannot be reached. The string lives inside db and is
 * overwritten by the next reconnect. */
const char *db_server_version(struct db *db);

/* db_last_error: a one-line description of the last failure of a call on db
 * ("" after a success); e.g. "MariaDB 1146 (42S02): Table 'ecc.x' doesn't
 * exist". Points into db; valid until the next call. Never NULL. */
const char *db_last_error(const struct db *db);

/*
 * db_exec(db, a, sql, types, args...): prepare sql, bind args as described by
 * types, execute, and discard any result rows. Returns 0 or a negative
 * ERR_* (see above). a is the arena for the bind buffers.
 *
 * db_query(db, a, &rows, sql, types, args...): the same, and on success
 * *out is every row of the result, allocated in a (valid until a is reset).
 * On failure *out is an empty result, never NULL. (out comes before sql
 * because nothing can follow the variable arguments.)
 *
 * The type string has one letter per '?' placeholder, in order:
 *   i  integer (any integer type; unsigned ones are bound unsigned)
 *   s  text: a NUL-terminated char * (NULL binds SQL NULL)
 *   b  bytes: two arguments, a data pointer and a length (pointer NULL and
 *      length 0 bind SQL NULL)
 *   n  SQL NULL: takes no argument
 * e.g. db_exec(db, a, "INSERT INTO t (id, name, data, note) VALUES (?, ?, ?, ?)",
 *              "isbn", id, name, data, data_len);
 * The number of letters must equal the number of placeholders and the
 * arguments must match the letters in number and kind, else -ERR_INVALID
 * (checked before anything is sent, except the placeholder count, which is
 * known after the prepare).
 */
#define db_exec(db, a, sql, ...) db_exec_args((db), (a), (sql), DB_ARGS_(__VA_ARGS__))
#define db_query(db, a, out, sql, ...) \
	db_query_args((db), (a), (out), (sql), DB_ARGS_(__VA_ARGS__))

/* The functions behind db_exec/db_query; call them directly only when the
 * arguments are already an array. nargs is the length of args. */
int db_exec_args(struct db *db, struct arena *a, const char *sql, const char *types, size_t nargs,
		 const struct db_arg *args);
int db_query_args(struct db *db, struct arena *a, struct db_rows **out, const char *sql,
		  const char *types, size_t nargs, const struct db_arg *args);

/* db_last_id: AUTO_INCREMENT value of the last successful INSERT on db (0 if
 * none). db_affected: rows inserted, matched by an UPDATE, deleted, or
 * returned by the last successful statement. */
int64_t db_last_id(const struct db *db);
uint64_t db_affected(const struct db *db);

/*
 * Transactions. db_begin: START TRANSACTION (connecting, and retrying once
 * after a reconnect, as needed). 0, -ERR_INVALID if one is open already,
 * -ERR_UNAVAILABLE, -ERR_DB. db_commit: 0; -ERR_INVALID without db_begin;
 * -ERR_UNAVAILABLE if the connection was lost during the transaction (it
 * was rolled back) or during the commit (outcome unknown, logged); -ERR_DB
 * or -ERR_CONFLICT if the server refused (the transaction is rolled back).
 * db_rollback: 0 also without an open transaction or with a lost connection
 * (the server has rolled back already); if ROLLBACK itself fails the
 * connection is closed, which rolls back, and -ERR_DB is returned.
 * After db_commit/db_rollback the transaction is over whatever they return.
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* db_in_tx: true between db_begin and db_commit/db_rollback. */
bool db_in_tx(const struct db *db);

/* db_rows_count / db_rows_cols: rows and columns of a result (0 for NULL). */
size_t db_rows_count(const struct db_rows *rows);
size_t db_rows_cols(const struct db_rows *rows);

/* db_cell: cell (r, c), or NULL when out of range. Points into the arena the
 * rows came from. */
const struct db_cell *db_cell(const struct db_rows *rows, size_t r, size_t c);

/* db_str: the cell's text, or NULL when it is SQL NULL or out of range. */
const char *db_str(const struct db_rows *rows, size_t r, size_t c);

/* db_i64: parse the cell as a decimal int64 (optional '-', digits only, no
 * spaces, no overflow) into *out. 0, or -ERR_INVALID (NULL, out of range,
 * not an integer); *out is untouched on failure. */
int db_i64(const struct db_rows *rows, size_t r, size_t c, int64_t *out);

/*
 * db_exec_trusted: run one SQL statement text with mysql_real_query, without
 * parameters, discarding any result. THE ONLY non-prepared path, and it
 * exists for migrate.c alone: it runs DDL from the trusted files in schema/
 * (DDL takes no parameters). Never pass text that contains request data.
 * Not retried; errors as for db_exec (text in db_last_error).
 */
int db_exec_trusted(struct db *db, const char *sql, size_t len);

#endif
