/* dbq_sync.h: the fetcher's work queue (sync_jobs: leases, cursors, windows), its runs and per-record errors. */
#ifndef ECC_DBQ_SYNC_H
#define ECC_DBQ_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/* A claimed job (sync_jobs row joined with what the fetcher needs of its connection). Times are UTC ms. */
struct sync_job {
	uint64_t id;
	uint64_t tenant_id;
	uint64_t connection_id;
	const char *stream;          /* "orders" | "products" | "stock" */
	const char *platform;
	unsigned interval_s;
	bool run_requested;
	int64_t cursor_ms;           /* 0 = never completed a window */
	int64_t window_from_ms;      /* 0 = no window in progress */
	int64_t window_to_ms;
	const char *resume_token;    /* NULL = start of the window */
	unsigned consecutive_failures;
};

/* One run as the history shows it. */
struct sync_run {
	uint64_t id;
	uint64_t connection_id;
	const char *stream;
	const char *trigger_kind;    /* schedule | manual */
	const char *status;          /* running | ok | failed | abandoned */
	int64_t started_ms, finished_ms; /* finished 0 while running */
	unsigned new_count, updated_count, unchanged_count, failed_count, api_calls;
	uint64_t bytes_in;
	const char *error;           /* NULL when none */
	const char *fetcher;
};

struct sync_record_error {
	const char *external_id;
	const char *message;
	int64_t at_ms;
};

/*
 * dbq_sync_claim: take the job that is due longest (next_run_at ≤ now; lease
 * free or expired, connection not paused — unless run_requested — and not
 * flagged auth_failed, tenant active; only tenant only_tenant unless it is 0)
 * and lock it alone with SELECT … FOR UPDATE SKIP LOCKED (checked again
 * under the lock), writing the lease (owner, now + lease_ms) in the same
 * transaction. Runs this
 * job left 'running' (its previous holder died) become 'abandoned'.
 * Returns 0 with *out filled (strings in a), -ERR_NOT_FOUND when nothing is
 * due, or a database error.
 */
int dbq_sync_claim(struct db *db, struct arena *a, const char *owner, uint64_t only_tenant,
		   int64_t now_ms, int64_t lease_ms, struct sync_job *out);

/*
 * dbq_sync_reap_dead: leases of sync jobs and of flows held by owners on
 * this host ("<host>:<pid>:…") whose process no longer exists are expired at
 * once, so a killed fetcher's job or flow is taken over by the next run
 * without waiting for the lease to run out (the flow's unfinished run is then
 * marked abandoned by dbq_flows_claim_due). host is this machine's name.
 * Returns the number reaped or an error.
 */
int dbq_sync_reap_dead(struct db *db, struct arena *a, const char *host, int64_t now_ms);

/*
 * dbq_sync_lock_job: inside the caller's transaction, lock the job row and
 * check that owner still holds the lease. 0; -ERR_CONFLICT when the lease was
 * lost (another fetcher took the job over: the caller rolls back and stops).
 */
int dbq_sync_lock_job(struct db *db, struct arena *a, uint64_t job_id, const char *owner);

/*
 * dbq_sync_save_window: the run's window and the token of the next page to
 * fetch (NULL: from the start), and a renewed lease. Called in the caller's
 * transaction after dbq_sync_lock_job, together with the page's rows, so
 * the position advances exactly when the rows are committed.
 */
int dbq_sync_save_window(struct db *db, struct arena *a, uint64_t job_id, int64_t from_ms,
			 int64_t to_ms, const char *resume_token, int64_t lease_until_ms);

/*
 * dbq_sync_renew: extend the lease while a slow call is waited for.
 * -ERR_CONFLICT when owner no longer holds it. Own statement (autocommit).
 */
int dbq_sync_renew(struct db *db, struct arena *a, uint64_t job_id, const char *owner,
		   int64_t lease_until_ms);

/*
 * dbq_sync_finish_ok: the window is complete: cursor := window end, window
 * and token cleared, failures reset, next run after interval_s, lease and
 * run_requested released. Only while owner holds the lease (-ERR_CONFLICT).
 */
int dbq_sync_finish_ok(struct db *db, struct arena *a, uint64_t job_id, const char *owner,
		       int64_t now_ms);

/*
 * dbq_sync_finish_failed: the run failed: the window and token are kept (the
 * next run resumes there), failures + 1, the next attempt after retry_ms,
 * lease and run_requested released. Only while owner holds the lease.
 */
int dbq_sync_finish_failed(struct db *db, struct arena *a, uint64_t job_id, const char *owner,
			   int64_t now_ms, int64_t retry_ms);

/* dbq_sync_run_start: a new 'running' run; *run_id gets its id. */
int dbq_sync_run_start(struct db *db, struct arena *a, const struct sync_job *j, const char *owner,
		       bool manual, int64_t now_ms, uint64_t *run_id);

/* dbq_sync_run_add: add page counters to the run (in the page's transaction). */
int dbq_sync_run_add(struct db *db, struct arena *a, uint64_t run_id, unsigned new_count,
		     unsigned updated, unsigned unchanged, unsigned failed);

/* dbq_sync_run_end: status "ok" or "failed", the calls/bytes totals, error (NULL = none; ≤ 500 chars kept). */
int dbq_sync_run_end(struct db *db, struct arena *a, uint64_t run_id, const char *status,
		     unsigned api_calls, uint64_t bytes_in, const char *error, int64_t now_ms);

/* dbq_sync_record_error: one per-record problem of a run (in the page's transaction). */
int dbq_sync_record_error(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id,
			  uint64_t connection_id, const char *external_id, const char *message,
			  int64_t now_ms);

/*
 * dbq_sync_runs: the tenant's runs of one connection (connection_id 0: all
 * connections in allowed[0..nallowed), or all when allowed is NULL), newest
 * first, offset/limit; *total gets the count. Strings in a.
 */
int dbq_sync_runs(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		  const uint64_t *allowed, size_t nallowed, size_t offset, size_t limit,
		  struct sync_run **out, size_t *n, size_t *total);

/* dbq_sync_run_get: one run of the tenant (-ERR_NOT_FOUND), with its first max record errors. */
int dbq_sync_run_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id,
		     size_t max, struct sync_run *out, struct sync_record_error **errs, size_t *nerrs);

/* dbq_sync_request: 今すぐ同期 — every job of the connection is due at once (next_run_at ≤ now,
 * run_requested set: runs also when paused). -ERR_NOT_FOUND for no such connection of the tenant. */
int dbq_sync_request(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		     int64_t now_ms);

/* dbq_sync_failures: the longest current streak of failed runs among the connection's jobs (0: none failing). */
int dbq_sync_failures(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		      unsigned *max);

/* dbq_sync_pending: true when a job of the connection is requested or leased (shown as 同期中). */
int dbq_sync_pending(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		     bool *pending);

#endif
