/* fetch_main.c: ecc-fetch, the fetcher cron starts every minute — pulls platform data, then runs due flows (連携フロー). */
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/conn_open.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "db/db.h"
#include "db/dbq_flows.h"
#include "db/dbq_sync.h"
#include "db/dbq_tenants.h"
#include "delivery/delivery.h"
#include "jobs/flow_run.h"
#include "jobs/sync_notify.h"
#include "jobs/sync_run.h"
#include "server/app.h"

/*
 * ecc-fetch [--config FILE] [--max-seconds N] [--max-jobs N] [--tenant CODE] [-v]
 *
 * Claims due jobs (connection × stream) one at a time and runs each to the
 * end of its window; starts no new job after --max-seconds (default 50, so
 * the minutely cron runs do not pile up; a job in progress is finished) or
 * after --max-jobs jobs. --tenant limits it to one tenant's jobs (an
 * operator's "sync this customer now"; tests). Any number of ecc-fetch processes may run at once,
 * on any number of hosts: jobs are leased in the database. Before the first
 * job it expires the leases of fetchers on this host that died, and sends
 * the credential-expiry warnings that are due.
 *
 * After the sync jobs it claims the flows (連携フロー) that are due — by
 * their schedule, 今すぐ実行 or a 再送 — one at a time until none is left
 * or --max-seconds have passed (jobs/flow_run.h; flows are leased in the
 * database like jobs, --tenant limits them too, --max-jobs does not count
 * them), then deletes the stored flow files past their keeping period.
 *
 * Prints one line per job ("job <id> <stream> ok|failed …"), one per flow
 * run ("flow <id> run <id> <trigger> <status> …") and a summary; exit
 * status 0 (also when jobs or flows failed: that is recorded and mailed or
 * shown in the run history), 1 when it cannot start (configuration, keys,
 * database), 2 for a usage error.
 */

static void
usage(FILE *f)
{
	fputs("usage: ecc-fetch [--config FILE] [--max-seconds N] [--max-jobs N] [--tenant CODE] [-v]\n", f);
}

/* number: a decimal 1..max, or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*s == '\0' || *end != '\0' || v < 1 || v > max) ? -1 : v;
}

#define FLOW_LEASE_S 600   /* a conversion plus a delivery (timeout 120 s) fit well inside */
#define PURGE_BATCH 500

/* run_flows: the due flows one by one until none is left or the deadline, then the purge of expired files. */
static int
run_flows(const struct sync_env *senv, const struct http_client_opts *http, struct arena *fa, int64_t deadline,
	  long *runs, long *failed, size_t *purged)
{
	struct delivery_opts dopts = { .allow = http->allow, .ca_file = http->ca_file };
	struct flow_env env = {
		.db = senv->db,
		.delivery = &dopts,
		.owner = senv->owner,
		.only_tenant = senv->only_tenant,
		.lease_s = FLOW_LEASE_S,
	};
	int status = 0;
	while (clock_mono_us() < deadline) {
		struct flow_outcome o;
		int rc = flow_run_next(&env, fa, &o);
		if (rc == -ERR_NOT_FOUND)
			break;
		if (rc != 0) {
			fprintf(stderr, "ecc-fetch: claiming a flow failed: %s\n", err_name(rc));
			status = 1;
			break;
		}
		(*runs)++;
		*failed += strcmp(o.status, "failed") == 0;
		printf("flow %llu run %llu %s %s in=%u out=%u failed=%u unencodable=%u delivery=%s%s%s%s\n",
		       (unsigned long long)o.flow_id, (unsigned long long)o.run_id, o.trigger ? o.trigger : "?",
		       o.lost_lease ? "lost-lease" : o.status, o.records_in, o.records_out, o.records_failed,
		       o.unencodable, o.delivery_status, *o.message ? " message=" : "", o.message,
		       o.lost_lease ? " (another fetcher took the flow over)" : "");
		fflush(stdout);
		arena_reset(fa);
	}
	for (size_t n = PURGE_BATCH; status == 0 && n == PURGE_BATCH && clock_mono_us() < deadline;) {
		int rc = dbq_flows_purge(env.db, PURGE_BATCH, &n);
		if (rc != 0) {
			fprintf(stderr, "ecc-fetch: purging expired flow files failed: %s\n", err_name(rc));
			break;
		}
		*purged += n;
	}
	return status;
}

/*
 * keep_heap: a sync run's page arena gives its chunks back to malloc after
 * every page, and with glibc's defaults (trim the heap top above 128 KiB,
 * mmap blocks above 128 KiB) malloc gives them to the kernel, which zeroes
 * and faults them in again for the next page: ~10 MiB a Shopify page, ~20 µs
 * an order. A fetcher's peak is one page (two while pipelining), so it keeps
 * that memory instead.
 */
static void
keep_heap(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int
main(int argc, char **argv)
{
	keep_heap();
	const char *config = getenv("ECC_CONFIG");
	long max_s = 50, max_jobs = 100000;
	bool verbose = false;
	const char *tenant_code = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc) {
			if ((max_s = number(argv[++i], 86400)) < 0)
				return usage(stderr), 2;
		} else if (strcmp(argv[i], "--max-jobs") == 0 && i + 1 < argc) {
			if ((max_jobs = number(argv[++i], 1000000)) < 0)
				return usage(stderr), 2;
		} else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
			tenant_code = argv[++i];
		} else if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ecc-fetch: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (db_global_init() != 0) {
		fputs("ecc-fetch: cannot initialise the MariaDB client library\n", stderr);
		return 1;
	}
	struct arena *tmp = arena_new(0);
	struct buf err;
	buf_init(&err, tmp, 256);
	struct app *app = NULL;
	if (app_load(config, ZONE_CUSTOMER, &app, &err) != 0) {
		fprintf(stderr, "ecc-fetch: %s\n", buf_cstr(&err));
		arena_free(tmp);
		return 1;
	}
	log_init("ecc-fetch", NULL, verbose ? LOG_DEBUG : log_level_parse(app->cfg.log_level));

	struct http_client_opts http;
	if (conn_http_opts(app->arena, &app->cfg, 10, 60, &http, &err) != 0) {
		fprintf(stderr, "ecc-fetch: %s\n", buf_cstr(&err));
		app_free(app);
		arena_free(tmp);
		return 1;
	}
	char host[HOST_NAME_MAX + 1] = "localhost";
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "%s", "localhost");
	host[sizeof host - 1] = '\0';
	struct sync_env env = {
		.db = app->db,
		.http = &http,
		.mail = app->tmpl,
		.host = host,
		.owner = arena_printf(app->arena, "%s:%ld:%s", host, (long)getpid(), rand_hex(app->arena, 6)),
		.base_url = app->cfg.base_url,
		.lease_ms = 120000,
		.notify_after = 3,
		.max_pages = 100000,
	};
	int status = 0;
	if (tenant_code != NULL) {
		struct tenant t;
		int trc = dbq_tenants_find_by_code(env.db, tmp, tenant_code, &t);
		if (trc != 0) {
			fprintf(stderr, "ecc-fetch: --tenant %s: %s\n", tenant_code,
				trc == -ERR_NOT_FOUND ? "no such tenant" : err_name(trc));
			app_free(app);
			arena_free(tmp);
			return trc == -ERR_NOT_FOUND ? 2 : 1;
		}
		env.only_tenant = t.id;
	}
	int rc = dbq_sync_reap_dead(env.db, tmp, host, clock_now_ms());
	if (rc < 0) {
		fprintf(stderr, "ecc-fetch: database: %s\n", err_name(rc));
		status = 1;
	} else {
		if (rc > 0)
			printf("reaped %d lease(s) of dead fetchers on %s\n", rc, host);
		sync_notify_expiring(&env, tmp, clock_now_ms());
	}
	int64_t deadline = clock_mono_us() + (int64_t)max_s * 1000000;
	long jobs = 0, failed = 0;
	struct arena *ja = arena_new(0); /* per job; reset after each */
	while (status == 0 && jobs < max_jobs && clock_mono_us() < deadline) {
		struct sync_outcome o;
		rc = sync_run_next(&env, ja, &o);
		if (rc == -ERR_NOT_FOUND)
			break;
		if (rc != 0) {
			fprintf(stderr, "ecc-fetch: claiming a job failed: %s\n", err_name(rc));
			status = 1;
			break;
		}
		jobs++;
		failed += !o.ok;
		printf("job %llu %s %s pages=%u new=%u updated=%u unchanged=%u failed=%u%s%s\n",
		       (unsigned long long)o.job_id, o.stream ? o.stream : "?",
		       o.lost_lease ? "lost-lease" : o.ok ? "ok" : "failed", o.pages, o.new_count, o.updated,
		       o.unchanged, o.failed, o.error ? " error=" : "", o.error ? o.error : "");
		fflush(stdout);
		arena_reset(ja);
	}
	long flows = 0, flows_failed = 0;
	size_t purged = 0;
	if (status == 0)
		status = run_flows(&env, &http, ja, deadline, &flows, &flows_failed, &purged);
	printf("ecc-fetch %s: %ld job(s), %ld failed; %ld flow run(s), %ld failed; %zu file(s) purged\n", env.owner,
	       jobs, failed, flows, flows_failed, purged);
	arena_free(ja);
	app_free(app);
	arena_free(tmp);
	db_global_end();
	return status;
}
