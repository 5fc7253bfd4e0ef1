/* sync_run.h: one fetcher step — claim a due job (connection × stream) and pull its window to the end, page by page. */
#ifndef ECC_SYNC_RUN_H
#define ECC_SYNC_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/http_client.h"
#include "core/arena.h"

struct db;
struct tmpl_set;

/* What a fetcher process brings to every job. Everything is owned by the caller and outlives the calls. */
struct sync_env {
	struct db *db;
	const struct http_client_opts *http; /* allowlist, CA file, timeouts */
	const struct tmpl_set *mail;          /* mail templates (failure / recovery notices) */
	const char *host;                     /* this machine's name */
	const char *owner;                    /* "<host>:<pid>:<random>": the lease owner id */
	const char *base_url;                 /* links in mails (config base_url) */
	uint64_t only_tenant;                 /* claim only this tenant's jobs; 0 = every tenant */
	int64_t lease_ms;                     /* lease length, renewed before every call [120000] */
	unsigned notify_after;                /* mail the tenant's admins after this many failed runs in a row [3] */
	unsigned max_pages;                   /* pages one run may take before it stops (loop guard) [100000] */
};

/* The result of one job. */
struct sync_outcome {
	uint64_t job_id;
	uint64_t run_id;
	uint64_t connection_id;
	const char *stream;
	bool ok;
	bool lost_lease;                      /* another fetcher took the job over: nothing more was written */
	unsigned pages;
	unsigned new_count, updated, unchanged, failed;
	const char *error;                    /* Japanese, NULL when ok */
};

/*
 * sync_run_next: claim the job that is due longest and run it: its window is
 * [cursor − overlap, now − lag) (or the window a previous run left unfinished,
 * continued from its saved page token). Every page's rows, counters,
 * per-record errors and the next page's token are committed in ONE
 * transaction that first checks this process still holds the lease, so a
 * fetcher killed at any moment leaves either the whole page or none of it,
 * and the next run continues after the last committed page. The cursor moves
 * to the window's end only when the last page is committed. The next page is
 * fetched (and its orders' payloads compressed) in a second thread while a
 * page is committed, and dropped unless that commit succeeds; so the
 * platform client's fetch must not touch the database, and it runs on
 * another thread than the one that opened its context (one fetch at a time).
 *
 * Failures: a credential refusal flags the connection (auth_failed, with the
 * platform's message) and it is not retried until edited; any other failure
 * keeps the window and token and retries later with exponential backoff;
 * after env->notify_after failures in a row the tenant's admins are mailed
 * once, and again when a run succeeds. Returns 0 when a job ran (its result
 * in *out, strings in a), -ERR_NOT_FOUND when nothing is due, or a database
 * error. Process-wide: the first run raises glibc's trim and mmap thresholds
 * (mallopt) so that a page's memory is reused by the next page instead of
 * going back to the kernel (the fetcher's footprint stays at its largest page).
 */
int sync_run_next(const struct sync_env *env, struct arena *a, struct sync_outcome *out);

#endif
