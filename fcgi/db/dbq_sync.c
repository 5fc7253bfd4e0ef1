/* dbq_sync.c: SQL of the fetcher's work queue (claims, leases, windows), runs and per-record errors. */
#include "dbq_sync.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/err.h"
#include "crypto/token.h"
#include "db/db.h"

#define MS(col) "CAST(ROUND(UNIX_TIMESTAMP(" col ") * 1000) AS SIGNED)"

/* i64 of a nullable column: 0 for NULL. */
static int
cell_ms(const struct db_rows *rows, size_t r, size_t c, int64_t *out)
{
	*out = 0;
	const struct db_cell *x = db_cell(rows, r, c);
	if (x == NULL || x->is_null)
		return 0;
	return db_i64(rows, r, c, out);
}

static const char *
cell_str(struct arena *a, const struct db_rows *rows, size_t r, size_t c)
{
	const struct db_cell *x = db_cell(rows, r, c);
	if (x == NULL || x->is_null)
		return NULL;
	return arena_strndup(a, x->val, x->len);
}

#define CLAIM_LIMIT "16" /* candidates read per claim */

/* lock_candidate: inside a transaction, lock job id if it is still due and free (SKIP LOCKED: another
 * fetcher holding it is passed over); 0 with its row in *rows, -ERR_NOT_FOUND, or a database error. */
static int
lock_candidate(struct db *db, struct arena *a, uint64_t id, int64_t now_ms, struct db_rows **rows)
{
	int rc = db_query(db, a, rows,
			  "SELECT id, tenant_id, connection_id, stream, '', interval_s, run_requested, "
			  MS("cursor_at") ", " MS("window_from") ", " MS("window_to") ", resume_token,"
			  " consecutive_failures FROM sync_jobs"
			  " WHERE id = ? AND next_run_at <= FROM_UNIXTIME(? / 1000)"
			  " AND (lease_until IS NULL OR lease_until < FROM_UNIXTIME(? / 1000))"
			  " FOR UPDATE SKIP LOCKED",
			  "iii", id, now_ms, now_ms);
	if (rc == 0 && db_rows_count(*rows) != 1)
		rc = -ERR_NOT_FOUND;
	return rc;
}

/*
 * The candidates are read without locks (a locking read would also lock the joined connection and tenant
 * rows, which every job of the tenant shares, so a second fetcher would skip them all); then each is
 * locked alone with SKIP LOCKED and checked again, so two fetchers never take the same job.
 */
int
dbq_sync_claim(struct db *db, struct arena *a, const char *owner, uint64_t only_tenant, int64_t now_ms,
	       int64_t lease_ms, struct sync_job *out)
{
	memset(out, 0, sizeof *out);
	struct db_rows *cands;
	int rc = db_query(db, a, &cands,
			  "SELECT j.id, c.platform FROM sync_jobs j"
			  " JOIN connections c ON c.id = j.connection_id AND c.tenant_id = j.tenant_id"
			  " JOIN tenants t ON t.id = j.tenant_id"
			  " WHERE j.next_run_at <= FROM_UNIXTIME(? / 1000)"
			  " AND (j.lease_until IS NULL OR j.lease_until < FROM_UNIXTIME(? / 1000))"
			  " AND (c.paused = 0 OR j.run_requested = 1) AND c.auth_failed = 0"
			  " AND t.status = 'active' AND (? = 0 OR j.tenant_id = ?)"
			  " ORDER BY j.next_run_at LIMIT " CLAIM_LIMIT,
			  "iiii", now_ms, now_ms, only_tenant, only_tenant);
	if (rc != 0)
		return rc;
	for (size_t k = 0; k < db_rows_count(cands); k++) {
		int64_t cand;
		if (db_i64(cands, k, 0, &cand) != 0)
			return -ERR_DB;
		if ((rc = db_begin(db)) != 0)
			return rc;
		struct db_rows *rows;
		rc = lock_candidate(db, a, (uint64_t)cand, now_ms, &rows);
		if (rc == -ERR_NOT_FOUND) {
			db_rollback(db);
			continue;
		}
		int64_t v[10] = { 0 }, fails = 0;
		if (rc == 0 &&
		    (db_i64(rows, 0, 0, &v[0]) != 0 || db_i64(rows, 0, 1, &v[1]) != 0 ||
		     db_i64(rows, 0, 2, &v[2]) != 0 || db_i64(rows, 0, 5, &v[5]) != 0 ||
		     db_i64(rows, 0, 6, &v[6]) != 0 || cell_ms(rows, 0, 7, &v[7]) != 0 ||
		     cell_ms(rows, 0, 8, &v[8]) != 0 || cell_ms(rows, 0, 9, &v[9]) != 0 ||
		     db_i64(rows, 0, 11, &fails) != 0))
			rc = -ERR_DB;
		if (rc == 0)
			rc = db_exec(db, a,
				     "UPDATE sync_jobs SET lease_owner = ?, lease_until = FROM_UNIXTIME(? / 1000)"
				     " WHERE id = ?",
				     "sii", owner, now_ms + lease_ms, v[0]);
		if (rc == 0)
			rc = db_exec(db, a,
				     "UPDATE sync_runs SET status = 'abandoned', finished_at = FROM_UNIXTIME(? / 1000),"
				     " error = 'fetcher stopped before the run ended (lease taken over)'"
				     " WHERE job_id = ? AND status = 'running'",
				     "ii", now_ms, v[0]);
		if (rc != 0) {
			db_rollback(db);
			return rc;
		}
		out->id = (uint64_t)v[0];
		out->tenant_id = (uint64_t)v[1];
		out->connection_id = (uint64_t)v[2];
		out->stream = cell_str(a, rows, 0, 3);
		out->platform = cell_str(a, cands, k, 1);
		out->interval_s = (unsigned)v[5];
		out->run_requested = v[6] != 0;
		out->cursor_ms = v[7];
		out->window_from_ms = v[8];
		out->window_to_ms = v[9];
		out->resume_token = cell_str(a, rows, 0, 10);
		out->consecutive_failures = (unsigned)fails;
		return db_commit(db);
	}
	return -ERR_NOT_FOUND;
}

/* owner_pid: the pid in "<host>:<pid>:<rand>" when host matches, else 0. */
static pid_t
owner_pid(const char *owner, const char *host)
{
	size_t hl = strlen(host);
	if (strncmp(owner, host, hl) != 0 || owner[hl] != ':')
		return 0;
	char *end;
	errno = 0;
	long pid = strtol(owner + hl + 1, &end, 10);
	if (errno != 0 || *end != ':' || pid <= 1 || pid > 4194304)
		return 0;
	return (pid_t)pid;
}

/* reap: the dead same-host leases of one table (sel lists id and lease_owner; upd expires one). */
static int
reap(struct db *db, struct arena *a, const char *host, int64_t now_ms, const char *sel, const char *upd)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, sel, "si", host, now_ms);
	if (rc != 0)
		return rc;
	int reaped = 0;
	for (size_t i = 0; i < db_rows_count(rows); i++) {
		int64_t id;
		const char *owner = db_str(rows, i, 1);
		if (db_i64(rows, i, 0, &id) != 0 || owner == NULL)
			continue;
		pid_t pid = owner_pid(owner, host);
		if (pid == 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		rc = db_exec(db, a, upd, "iis", now_ms, id, owner);
		if (rc != 0)
			return rc;
		reaped += (int)db_affected(db);
	}
	return reaped;
}

int
dbq_sync_reap_dead(struct db *db, struct arena *a, const char *host, int64_t now_ms)
{
	int jobs = reap(db, a, host, now_ms,
			"SELECT id, lease_owner FROM sync_jobs WHERE lease_owner LIKE CONCAT(?, ':%')"
			" AND lease_until >= FROM_UNIXTIME(? / 1000)",
			"UPDATE sync_jobs SET lease_until = FROM_UNIXTIME(? / 1000) - INTERVAL 1 SECOND"
			" WHERE id = ? AND lease_owner = ?");
	if (jobs < 0)
		return jobs;
	/* a flow whose lease expires is taken over by the next claim, which marks its run abandoned */
	int flows = reap(db, a, host, now_ms,
			 "SELECT id, lease_owner FROM flows WHERE lease_owner LIKE CONCAT(?, ':%')"
			 " AND lease_until >= FROM_UNIXTIME(? / 1000)",
			 "UPDATE flows SET lease_until = FROM_UNIXTIME(? / 1000) - INTERVAL 1 SECOND"
			 " WHERE id = ? AND lease_owner = ?");
	return flows < 0 ? flows : jobs + flows;
}

int
dbq_sync_lock_job(struct db *db, struct arena *a, uint64_t job_id, const char *owner)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT lease_owner FROM sync_jobs WHERE id = ? FOR UPDATE", "i",
			  job_id);
	if (rc != 0)
		return rc;
	const char *cur = db_rows_count(rows) == 1 ? db_str(rows, 0, 0) : NULL;
	return cur != NULL && strcmp(cur, owner) == 0 ? 0 : -ERR_CONFLICT;
}

int
dbq_sync_save_window(struct db *db, struct arena *a, uint64_t job_id, int64_t from_ms, int64_t to_ms,
		     const char *resume_token, int64_t lease_until_ms)
{
	return db_exec(db, a,
		       "UPDATE sync_jobs SET window_from = FROM_UNIXTIME(? / 1000),"
		       " window_to = FROM_UNIXTIME(? / 1000), resume_token = ?,"
		       " lease_until = FROM_UNIXTIME(? / 1000) WHERE id = ?",
		       "iisii", from_ms, to_ms, resume_token, lease_until_ms, job_id);
}

/* held: 0 when the last UPDATE … AND lease_owner = ? matched the row. */
static int
held(struct db *db, int rc)
{
	if (rc != 0)
		return rc;
	return db_affected(db) == 1 ? 0 : -ERR_CONFLICT;
}

int
dbq_sync_renew(struct db *db, struct arena *a, uint64_t job_id, const char *owner, int64_t lease_until_ms)
{
	return held(db, db_exec(db, a,
				"UPDATE sync_jobs SET lease_until = FROM_UNIXTIME(? / 1000)"
				" WHERE id = ? AND lease_owner = ?",
				"iis", lease_until_ms, job_id, owner));
}

int
dbq_sync_finish_ok(struct db *db, struct arena *a, uint64_t job_id, const char *owner, int64_t now_ms)
{
	return held(db, db_exec(db, a,
				"UPDATE sync_jobs SET cursor_at = COALESCE(window_to, cursor_at),"
				" window_from = NULL, window_to = NULL, resume_token = NULL,"
				" consecutive_failures = 0, run_requested = 0, lease_owner = NULL,"
				" lease_until = NULL,"
				" next_run_at = FROM_UNIXTIME(? / 1000) + INTERVAL interval_s SECOND"
				" WHERE id = ? AND lease_owner = ?",
				"iis", now_ms, job_id, owner));
}

int
dbq_sync_finish_failed(struct db *db, struct arena *a, uint64_t job_id, const char *owner, int64_t now_ms,
		       int64_t retry_ms)
{
	return held(db, db_exec(db, a,
				"UPDATE sync_jobs SET consecutive_failures = consecutive_failures + 1,"
				" run_requested = 0, lease_owner = NULL, lease_until = NULL,"
				" next_run_at = FROM_UNIXTIME(? / 1000) WHERE id = ? AND lease_owner = ?",
				"iis", now_ms + retry_ms, job_id, owner));
}

int
dbq_sync_run_start(struct db *db, struct arena *a, const struct sync_job *j, const char *owner, bool manual,
		   int64_t now_ms, uint64_t *run_id)
{
	uint64_t id = token_random_id();
	int rc = db_exec(db, a,
			 "INSERT INTO sync_runs (id, tenant_id, connection_id, job_id, stream, trigger_kind,"
			 " fetcher, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000))",
			 "iiiisssi", id, j->tenant_id, j->connection_id, j->id, j->stream,
			 manual ? "manual" : "schedule", owner, now_ms);
	if (rc == 0)
		rc = db_exec(db, a, "UPDATE sync_jobs SET last_run_id = ? WHERE id = ?", "ii", id, j->id);
	if (rc == 0)
		*run_id = id;
	return rc;
}

int
dbq_sync_run_add(struct db *db, struct arena *a, uint64_t run_id, unsigned new_count, unsigned updated,
		 unsigned unchanged, unsigned failed)
{
	return db_exec(db, a,
		       "UPDATE sync_runs SET new_count = new_count + ?, updated_count = updated_count + ?,"
		       " unchanged_count = unchanged_count + ?, failed_count = failed_count + ? WHERE id = ?",
		       "iiiii", new_count, updated, unchanged, failed, run_id);
}

/* clip: at most max bytes of s, cut on a UTF-8 boundary. */
static const char *
clip(struct arena *a, const char *s, size_t max)
{
	if (s == NULL || strlen(s) <= max)
		return s;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return arena_strndup(a, s, n);
}

int
dbq_sync_run_end(struct db *db, struct arena *a, uint64_t run_id, const char *status, unsigned api_calls,
		 uint64_t bytes_in, const char *error, int64_t now_ms)
{
	return db_exec(db, a,
		       "UPDATE sync_runs SET status = ?, api_calls = ?, bytes_in = ?, error = ?,"
		       " finished_at = FROM_UNIXTIME(? / 1000) WHERE id = ? AND status = 'running'",
		       "siisii", status, api_calls, bytes_in, clip(a, error, 500), now_ms, run_id);
}

int
dbq_sync_record_error(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id,
		      uint64_t connection_id, const char *external_id, const char *message, int64_t now_ms)
{
	return db_exec(db, a,
		       "INSERT INTO sync_record_errors (id, tenant_id, run_id, connection_id, external_id,"
		       " message, created_at) VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000))",
		       "iiiissi", token_random_id(), tenant_id, run_id, connection_id,
		       clip(a, external_id ? external_id : "", 100), clip(a, message ? message : "", 500),
		       now_ms);
}

#define RUN_COLS                                                                                    \
	"r.id, r.connection_id, r.stream, r.trigger_kind, r.status, " MS("r.started_at") ", "      \
	MS("r.finished_at") ", r.new_count, r.updated_count, r.unchanged_count, r.failed_count,"   \
	" r.api_calls, r.bytes_in, r.error, r.fetcher"

static int
run_row(struct arena *a, const struct db_rows *rows, size_t i, struct sync_run *o)
{
	int64_t v[13];
	if (db_i64(rows, i, 0, &v[0]) != 0 || db_i64(rows, i, 1, &v[1]) != 0 ||
	    db_i64(rows, i, 5, &v[5]) != 0 || cell_ms(rows, i, 6, &v[6]) != 0)
		return -ERR_DB;
	for (int c = 7; c <= 12; c++)
		if (db_i64(rows, i, (size_t)c, &v[c]) != 0)
			return -ERR_DB;
	*o = (struct sync_run){
		.id = (uint64_t)v[0],
		.connection_id = (uint64_t)v[1],
		.stream = cell_str(a, rows, i, 2),
		.trigger_kind = cell_str(a, rows, i, 3),
		.status = cell_str(a, rows, i, 4),
		.started_ms = v[5],
		.finished_ms = v[6],
		.new_count = (unsigned)v[7],
		.updated_count = (unsigned)v[8],
		.unchanged_count = (unsigned)v[9],
		.failed_count = (unsigned)v[10],
		.api_calls = (unsigned)v[11],
		.bytes_in = (uint64_t)v[12],
		.error = cell_str(a, rows, i, 13),
		.fetcher = cell_str(a, rows, i, 14),
	};
	return 0;
}

/* allowed_sql: " AND r.connection_id IN (…)" with its arguments appended to args; "" when not restricted. */
static const char *
allowed_sql(struct arena *a, const uint64_t *allowed, size_t nallowed, struct db_arg *args, size_t *nargs,
	    char *types, size_t *ntypes)
{
	if (allowed == NULL)
		return "";
	if (nallowed == 0)
		return " AND FALSE";
	struct buf b;
	buf_init(&b, a, 64 + nallowed * 3);
	buf_puts(&b, " AND r.connection_id IN (");
	for (size_t i = 0; i < nallowed; i++) {
		buf_puts(&b, i ? ", ?" : "?");
		args[(*nargs)++] = db_arg_uint(allowed[i]);
		types[(*ntypes)++] = 'i';
	}
	buf_putc(&b, ')');
	return buf_cstr(&b);
}

#define RUNS_MAX_ALLOWED 500

int
dbq_sync_runs(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
	      const uint64_t *allowed, size_t nallowed, size_t offset, size_t limit, struct sync_run **out,
	      size_t *n, size_t *total)
{
	*out = NULL;
	*n = *total = 0;
	if (nallowed > RUNS_MAX_ALLOWED || limit == 0 || limit > 1000)
		return -ERR_INVALID;
	struct db_arg args[RUNS_MAX_ALLOWED + 8];
	char types[RUNS_MAX_ALLOWED + 8];
	size_t na = 0, nt = 0;
	args[na++] = db_arg_uint(tenant_id);
	types[nt++] = 'i';
	const char *conn = "";
	if (connection_id != 0) {
		conn = " AND r.connection_id = ?";
		args[na++] = db_arg_uint(connection_id);
		types[nt++] = 'i';
	}
	const char *in = allowed_sql(a, allowed, nallowed, args, &na, types, &nt);
	types[nt] = '\0';
	struct db_rows *rows;
	int rc = db_query_args(db, a, &rows,
			       arena_printf(a, "SELECT COUNT(*) FROM sync_runs r WHERE r.tenant_id = ?%s%s",
					    conn, in),
			       types, na, args);
	int64_t cnt = 0;
	if (rc != 0 || db_i64(rows, 0, 0, &cnt) != 0)
		return rc != 0 ? rc : -ERR_DB;
	args[na++] = db_arg_uint(limit);
	args[na++] = db_arg_uint(offset);
	types[nt++] = 'i';
	types[nt++] = 'i';
	types[nt] = '\0';
	rc = db_query_args(db, a, &rows,
			   arena_printf(a,
					"SELECT " RUN_COLS " FROM sync_runs r WHERE r.tenant_id = ?%s%s"
					" ORDER BY r.started_at DESC, r.id LIMIT ? OFFSET ?",
					conn, in),
			   types, na, args);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct sync_run *runs = arena_calloc(a, count ? count : 1, sizeof *runs);
	for (size_t i = 0; i < count; i++)
		if ((rc = run_row(a, rows, i, &runs[i])) != 0)
			return rc;
	*out = runs;
	*n = count;
	*total = (size_t)cnt;
	return 0;
}

int
dbq_sync_run_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id, size_t max,
		 struct sync_run *out, struct sync_record_error **errs, size_t *nerrs)
{
	*errs = NULL;
	*nerrs = 0;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " RUN_COLS " FROM sync_runs r WHERE r.id = ? AND r.tenant_id = ?",
			  "ii", run_id, tenant_id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	if ((rc = run_row(a, rows, 0, out)) != 0)
		return rc;
	rc = db_query(db, a, &rows,
		      "SELECT external_id, message, " MS("created_at") " FROM sync_record_errors"
		      " WHERE tenant_id = ? AND run_id = ? ORDER BY created_at, id LIMIT ?",
		      "iii", tenant_id, run_id, max);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct sync_record_error *e = arena_calloc(a, count ? count : 1, sizeof *e);
	for (size_t i = 0; i < count; i++) {
		e[i].external_id = cell_str(a, rows, i, 0);
		e[i].message = cell_str(a, rows, i, 1);
		if (db_i64(rows, i, 2, &e[i].at_ms) != 0)
			return -ERR_DB;
	}
	*errs = e;
	*nerrs = count;
	return 0;
}

int
dbq_sync_request(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id, int64_t now_ms)
{
	int rc = db_exec(db, a,
			 "UPDATE sync_jobs SET run_requested = 1,"
			 " next_run_at = LEAST(next_run_at, FROM_UNIXTIME(? / 1000))"
			 " WHERE tenant_id = ? AND connection_id = ?",
			 "iii", now_ms, tenant_id, connection_id);
	if (rc == 0 && db_affected(db) == 0)
		return -ERR_NOT_FOUND;
	return rc;
}

int
dbq_sync_failures(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id, unsigned *max)
{
	struct db_rows *rows;
	*max = 0;
	int rc = db_query(db, a, &rows,
			  "SELECT IFNULL(MAX(consecutive_failures), 0) FROM sync_jobs"
			  " WHERE tenant_id = ? AND connection_id = ?",
			  "ii", tenant_id, connection_id);
	int64_t n = 0;
	if (rc == 0 && db_i64(rows, 0, 0, &n) != 0)
		rc = -ERR_DB;
	*max = (unsigned)n;
	return rc;
}

int
dbq_sync_pending(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id, bool *pending)
{
	struct db_rows *rows;
	*pending = false;
	int rc = db_query(db, a, &rows,
			  "SELECT COUNT(*) FROM sync_jobs WHERE tenant_id = ? AND connection_id = ?"
			  " AND (run_requested = 1 OR lease_until >= UTC_TIMESTAMP(3))",
			  "ii", tenant_id, connection_id);
	int64_t n = 0;
	if (rc == 0 && db_i64(rows, 0, 0, &n) != 0)
		rc = -ERR_DB;
	*pending = n > 0;
	return rc;
}
