/* dbq_connections_delete.c: deleting a connection and everything it brought in, in short transactions. */
#include "dbq_connections_delete.h"

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

/* Rows per DELETE statement when a connection's data is removed. */
#define DEL_CHUNK 1000

static int
abort_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

/* The deadline (epoch ms; 0 = none) has passed. */
static bool
past(int64_t deadline_ms)
{
	return deadline_ms > 0 && clock_now_ms() >= deadline_ms;
}

/* Step 1: stop the fetcher from touching the connection. */
static int
del_begin(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	struct db_rows *rows;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = db_query(db, a, &rows, "SELECT id FROM connections WHERE tenant_id = ? AND id = ? FOR UPDATE", "ii",
		      tenant_id, id);
	if (rc == 0 && db_rows_count(rows) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = db_exec(db, a, "UPDATE connections SET paused = 1 WHERE tenant_id = ? AND id = ?", "ii",
			     tenant_id, id);
	if (rc == 0)
		rc = db_exec(db, a, "DELETE FROM sync_jobs WHERE tenant_id = ? AND connection_id = ?", "ii",
			     tenant_id, id);
	if (rc != 0)
		return abort_tx(db, rc);
	return db_commit(db);
}

/* Tables with (tenant_id, connection_id) and nothing hanging off them:
 * DELETE … LIMIT 1000 until fewer come back (each statement is its own
 * transaction). *stopped when the deadline passed first. */
static int
del_simple(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int64_t deadline_ms,
	   bool *stopped)
{
	static const char *const stmts[] = {
		"DELETE FROM sync_record_errors WHERE tenant_id = ? AND connection_id = ? LIMIT 1000",
		"DELETE FROM sync_runs WHERE tenant_id = ? AND connection_id = ? LIMIT 1000",
		"DELETE FROM shipments WHERE tenant_id = ? AND connection_id = ? LIMIT 1000",
		"DELETE FROM stock_levels WHERE tenant_id = ? AND connection_id = ? LIMIT 1000",
	};
	for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
		for (;;) {
			if (past(deadline_ms)) {
				*stopped = true;
				return 0;
			}
			int rc = db_exec(db, a, stmts[i], "ii", tenant_id, id);
			if (rc != 0)
				return rc;
			if (db_affected(db) < DEL_CHUNK)
				break;
		}
	}
	return 0;
}

/* One chunk of products: the first 1000 by external_id (index order), with
 * their payloads, in one transaction. *left = products remained. */
static int
del_products(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, bool *left)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT external_id FROM products WHERE tenant_id = ? AND connection_id = ?"
			  " ORDER BY external_id LIMIT 1 OFFSET 999", "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	const char *hi = db_rows_count(rows) == 1 ? db_str(rows, 0, 0) : NULL;
	if ((rc = db_begin(db)) != 0)
		return rc;
	if (hi != NULL) {
		rc = db_exec(db, a,
			     "DELETE p FROM products pr JOIN source_payloads p"
			     " ON p.kind = 'product' AND p.record_id = pr.id"
			     " WHERE pr.tenant_id = ? AND pr.connection_id = ? AND pr.external_id <= ?",
			     "iis", tenant_id, id, hi);
		if (rc == 0)
			rc = db_exec(db, a,
				     "DELETE FROM products WHERE tenant_id = ? AND connection_id = ?"
				     " AND external_id <= ?",
				     "iis", tenant_id, id, hi);
	} else {
		rc = db_exec(db, a,
			     "DELETE p FROM products pr JOIN source_payloads p"
			     " ON p.kind = 'product' AND p.record_id = pr.id"
			     " WHERE pr.tenant_id = ? AND pr.connection_id = ?", "ii", tenant_id, id);
		if (rc == 0)
			rc = db_exec(db, a, "DELETE FROM products WHERE tenant_id = ? AND connection_id = ?", "ii",
				     tenant_id, id);
	}
	if (rc != 0)
		return abort_tx(db, rc);
	*left = hi != NULL;
	return db_commit(db);
}

/* The lines of one order with more than DEL_CHUNK of them, 1000 a statement. */
static int
del_big_order_lines(struct db *db, struct arena *a, uint64_t tenant_id, const char *order_id)
{
	for (;;) {
		int rc = db_exec(db, a, "DELETE FROM order_lines WHERE order_id = ? AND tenant_id = ? LIMIT 1000",
				 "si", order_id, tenant_id);
		if (rc != 0 || db_affected(db) < DEL_CHUNK)
			return rc;
	}
}

/*
 * One chunk of orders in (ordered_at, id) order — the orders_conn_ordered
 * index, so no sort: at most 1000 orders whose line_count adds up to at
 * most DEL_CHUNK (at least one order), with their lines and payloads, in
 * one transaction. *left = orders remained.
 */
static int
del_orders(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, bool *left)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT ordered_at, id, line_count FROM orders WHERE tenant_id = ? AND connection_id = ?"
			  " ORDER BY ordered_at, id LIMIT 1000", "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	size_t n = db_rows_count(rows), last = 0;
	*left = false;
	if (n == 0)
		return 0;
	int64_t lines = 0, lc = 0;
	for (size_t i = 0; i < n; i++) {
		if (db_i64(rows, i, 2, &lc) != 0)
			return -ERR_DB;
		if (i > 0 && lines + lc > DEL_CHUNK)
			break;
		lines += lc;
		last = i;
	}
	const char *at = db_str(rows, last, 0), *oid = db_str(rows, last, 1);
	if (lines > DEL_CHUNK && (rc = del_big_order_lines(db, a, tenant_id, oid)) != 0)
		return rc;
	static const char *const stmts[] = {
		"DELETE l FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.tenant_id = o.tenant_id"
		" WHERE o.tenant_id = ? AND o.connection_id = ?"
		" AND (o.ordered_at < ? OR (o.ordered_at = ? AND o.id <= ?))",
		"DELETE p FROM orders o JOIN source_payloads p ON p.kind = 'order' AND p.record_id = o.id"
		" WHERE o.tenant_id = ? AND o.connection_id = ?"
		" AND (o.ordered_at < ? OR (o.ordered_at = ? AND o.id <= ?))",
		"DELETE FROM orders WHERE tenant_id = ? AND connection_id = ?"
		" AND (ordered_at < ? OR (ordered_at = ? AND id <= ?))",
	};
	if ((rc = db_begin(db)) != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < sizeof stmts / sizeof stmts[0]; i++)
		rc = db_exec(db, a, stmts[i], "iisss", tenant_id, id, at, at, oid);
	if (rc != 0)
		return abort_tx(db, rc);
	*left = n > last + 1 || n == DEL_CHUNK;
	return db_commit(db);
}

/* Step 3: the access list and the row itself. */
static int
del_finish(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = db_exec(db, a, "DELETE FROM user_connection_access WHERE tenant_id = ? AND connection_id = ?", "ii",
		     tenant_id, id);
	if (rc == 0)
		rc = db_exec(db, a, "DELETE FROM connections WHERE tenant_id = ? AND id = ?", "ii", tenant_id, id);
	if (rc == 0 && db_affected(db) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc != 0)
		return abort_tx(db, rc);
	return db_commit(db);
}

int
dbq_connections_delete_run(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			   int64_t deadline_ms, bool *done)
{
	*done = false;
	(void)a;
	/* a scratch arena, reset after every chunk: a shop with a million
	 * orders must not grow the caller's (request) arena */
	struct arena *t = arena_new(0);
	bool stopped = false, left = true;
	int rc = del_begin(db, t, tenant_id, id);
	if (rc == 0)
		rc = del_simple(db, t, tenant_id, id, deadline_ms, &stopped);
	while (rc == 0 && !stopped && left) {
		arena_reset(t);
		if (past(deadline_ms))
			stopped = true;
		else
			rc = del_products(db, t, tenant_id, id, &left);
	}
	left = true;
	while (rc == 0 && !stopped && left) {
		arena_reset(t);
		if (past(deadline_ms))
			stopped = true;
		else
			rc = del_orders(db, t, tenant_id, id, &left);
	}
	if (rc == 0 && !stopped && (rc = del_finish(db, t, tenant_id, id)) == 0)
		*done = true;
	arena_free(t);
	return rc;
}
