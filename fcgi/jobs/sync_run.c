/* sync_run.c: one fetcher step — claim a due job and pull its window page by page, each page committed with its position. */
#include "sync_run.h"

#include <pthread.h>
#include <string.h>

#include "connectors/conn.h"
#include "connectors/conn_open.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "db/db.h"
#include "db/dbq_catalog.h"
#include "db/dbq_connections.h"
#include "db/dbq_orders.h"
#include "db/dbq_outbox.h"
#include "db/dbq_payload.h"
#include "db/dbq_sync.h"
#include "jobs/sync_notify.h"

#define RETRY_MAX_MS (60LL * 60 * 1000) /* failed jobs are retried at least hourly */
#define PAGE_ARENA_CAP ((size_t)64 << 20) /* one page of records, parsed and written: far above what a page needs */

/* One job being worked on: what every step needs. */
struct job_run {
	const struct sync_env *env;
	struct arena *a;              /* the caller's: lives past the run */
	struct sync_job job;
	const struct conn_ops *ops;
	struct conn_ctx ctx;
	unsigned char key[32];        /* the tenant's data key */
	enum conn_stream stream;
	uint64_t run_id;
	struct sync_outcome *out;
	struct buf msg;
};

/* retry_ms: exponential backoff with full jitter on the job's interval, capped at an hour. */
static int64_t
retry_ms(const struct sync_job *j)
{
	int64_t base = (int64_t)(j->interval_s ? j->interval_s : 60) * 1000;
	unsigned shift = j->consecutive_failures < 6 ? j->consecutive_failures : 6;
	int64_t cap = base << shift;
	if (cap > RETRY_MAX_MS)
		cap = RETRY_MAX_MS;
	uint32_t r;
	rand_bytes(&r, sizeof r);
	return base + (int64_t)(r % (uint64_t)cap);
}

/* write_page: the page's rows, errors, counters and next token, inside an open transaction
 * (z: the orders' payloads compressed ahead, or NULL). */
static int
write_page(struct job_run *jr, struct arena *pa, const struct conn_window *w, const struct conn_page *p,
	   const struct dbq_payload_z *z, struct dbq_sync_counts *c)
{
	const struct sync_env *env = jr->env;
	int64_t now = clock_now_ms();
	int rc = 0;
	switch (jr->stream) {
	case CONN_ORDERS:
		rc = dbq_orders_upsert_z(env->db, pa, jr->job.tenant_id, jr->key, jr->job.connection_id,
					 p->orders, z, p->norders, c);
		break;
	case CONN_PRODUCTS:
		rc = dbq_catalog_upsert_products(env->db, pa, jr->job.tenant_id, jr->key, jr->job.connection_id,
						 p->products, p->nproducts, c);
		break;
	case CONN_STOCK:
		rc = dbq_catalog_upsert_stock(env->db, pa, jr->job.tenant_id, jr->job.connection_id, p->stock,
					      p->nstock, c);
		break;
	}
	for (size_t i = 0; rc == 0 && i < p->nerrors; i++)
		rc = dbq_sync_record_error(env->db, pa, jr->job.tenant_id, jr->run_id, jr->job.connection_id,
					   p->errors[i].external_id, p->errors[i].message, now);
	for (size_t i = 0; rc == 0 && i < c->nerrors; i++)
		rc = dbq_sync_record_error(env->db, pa, jr->job.tenant_id, jr->run_id, jr->job.connection_id,
					   c->errors[i].external_id, c->errors[i].message, now);
	if (rc == 0)
		rc = dbq_sync_run_add(env->db, pa, jr->run_id, c->new_count, c->updated, c->unchanged,
				      c->failed + (unsigned)p->nerrors);
	if (rc == 0)
		rc = dbq_sync_save_window(env->db, pa, jr->job.id, w->from_ms, w->to_ms, p->next_token,
					  now + env->lease_ms);
	return rc;
}

/*
 * commit_page: write_page in one transaction that first checks the lease
 * (-ERR_CONFLICT: lost). A page whose new rows collide with rows written
 * meanwhile (the upserts answer -ERR_CONFLICT) is tried again, twice.
 */
static int
commit_page(struct job_run *jr, struct arena *pa, const struct conn_window *w, const struct conn_page *p,
	    const struct dbq_payload_z *z)
{
	struct db *db = jr->env->db;
	for (int attempt = 0;; attempt++) {
		struct dbq_sync_counts c;
		memset(&c, 0, sizeof c);
		int rc = db_begin(db);
		if (rc != 0)
			return rc;
		if ((rc = dbq_sync_lock_job(db, pa, jr->job.id, jr->env->owner)) != 0) {
			db_rollback(db);
			return rc;
		}
		rc = write_page(jr, pa, w, p, z, &c);
		if (rc == 0 && (rc = db_commit(db)) == 0) {
			jr->out->new_count += c.new_count;
			jr->out->updated += c.updated;
			jr->out->unchanged += c.unchanged;
			jr->out->failed += c.failed + (unsigned)p->nerrors;
			return 0;
		}
		db_rollback(db);
		if (rc != -ERR_CONFLICT || attempt == 2)
			return rc == -ERR_CONFLICT ? -ERR_DB : rc;
	}
}

/* start_window: the window of this run (a saved unfinished one, or a new one) saved under the lease. */
static int
start_window(struct job_run *jr, struct conn_window *w, const char **token)
{
	const struct sync_job *j = &jr->job;
	int64_t now = clock_now_ms();
	if (j->window_from_ms != 0 && j->window_to_ms > j->window_from_ms) {
		w->from_ms = j->window_from_ms;
		w->to_ms = j->window_to_ms;
		*token = j->resume_token;
		return 0;
	}
	w->from_ms = j->cursor_ms != 0 ? j->cursor_ms - jr->ops->overlap_ms : now - jr->ops->first_sync_ms;
	w->to_ms = now - jr->ops->lag_ms;
	if (w->to_ms <= w->from_ms)
		w->to_ms = w->from_ms + 1;
	*token = NULL;
	int rc = db_begin(jr->env->db);
	if (rc != 0)
		return rc;
	rc = dbq_sync_lock_job(jr->env->db, jr->a, j->id, jr->env->owner);
	if (rc == 0)
		rc = dbq_sync_save_window(jr->env->db, jr->a, j->id, w->from_ms, w->to_ms, NULL,
					  now + jr->env->lease_ms);
	if (rc != 0) {
		db_rollback(jr->env->db);
		return rc;
	}
	return db_commit(jr->env->db);
}

/* One page: fetched (perhaps in a second thread while the page before it is committed), then committed. */
struct page_fetch {
	struct job_run *jr;
	const struct conn_window *w;
	struct arena *a;              /* the page's arena: its records, its message */
	const char *token;            /* NULL: the window's first page */
	struct conn_page page;
	struct dbq_payload_z *z;      /* the orders' payloads, compressed here (NULL: other streams) */
	struct buf msg;
	int rc;
};

/* fetch_page: the client's fetch of pf->token into pf->page (thread start routine, or called directly). */
static void *
fetch_page(void *arg)
{
	struct page_fetch *pf = arg;
	memset(&pf->page, 0, sizeof pf->page);
	buf_init(&pf->msg, pf->a, 256);
	pf->jr->ctx.a = pf->a;
	pf->rc = pf->jr->ops->fetch(&pf->jr->ctx, pf->jr->stream, pf->w, pf->token, &pf->page, &pf->msg);
	if (pf->rc == 0 && pf->page.next_token != NULL && pf->token != NULL &&
	    strcmp(pf->page.next_token, pf->token) == 0) {
		buf_puts(&pf->msg, "プラットフォームが同じページを繰り返し返しました（ページングの異常）。");
		pf->rc = -ERR_UPSTREAM;
	}
	/* the orders' payloads: compressed here, sealed by the upsert once their row ids are known */
	pf->z = NULL;
	if (pf->rc == 0 && pf->jr->stream == CONN_ORDERS && pf->page.norders > 0) {
		pf->z = arena_calloc(pf->a, pf->page.norders, sizeof *pf->z);
		for (size_t i = 0; i < pf->page.norders; i++) {
			const struct conn_order *o = &pf->page.orders[i];
			if (dbq_payload_compress(pf->a, o->raw, o->raw_len, &pf->z[i]) != 0)
				pf->z[i].z = NULL; /* the upsert refuses it with its own message */
		}
	}
	return NULL;
}

/* too_many: fetching page number k (0-based) of this run would pass the guard; the message is set. */
static bool
too_many(struct job_run *jr, unsigned k)
{
	if (k < jr->env->max_pages)
		return false;
	buf_printf(&jr->msg, "1回の実行で取得できるページ数の上限（%u）に達しました。次回の実行で続きから取得します。",
		   jr->env->max_pages);
	return true;
}

/* fetch_now: renew the lease, then fetch in this thread. */
static int
fetch_now(struct job_run *jr, struct page_fetch *pf)
{
	int rc = dbq_sync_renew(jr->env->db, pf->a, jr->job.id, jr->env->owner,
				clock_now_ms() + jr->env->lease_ms);
	if (rc != 0)
		return rc;
	fetch_page(pf);
	return 0;
}

/*
 * pull: fetch and commit pages until the window is complete. 0, a client
 * error (message in jr->msg), or a db error.
 *
 * Page k+1 is fetched in a second thread while page k is written and
 * committed, so the platform's answer, its parsing and MariaDB's work
 * overlap. Nothing of page k+1 is written before page k is committed (with
 * the token that names page k+1), and when that commit fails page k+1 is
 * dropped, so the position rule is the sequential one: the saved token is
 * always the first page not committed. The second thread touches only the
 * client context and its own page arena; the database stays in this one.
 * The lease: renewed before a fetch in this thread; a fetch ahead starts
 * right before the commit of the page before it, which extends the lease
 * (the commit checks it first).
 */
static int
pull(struct job_run *jr)
{
	struct conn_window w;
	const char *token;
	int rc = start_window(jr, &w, &token);
	if (rc != 0)
		return rc;
	struct arena *arenas[2] = { arena_new(PAGE_ARENA_CAP), arena_new(PAGE_ARENA_CAP) };
	struct page_fetch pf[2] = {
		{ .jr = jr, .w = &w, .a = arenas[0], .token = token },
		{ .jr = jr, .w = &w, .a = arenas[1] },
	};
	int cur = 0;
	if (too_many(jr, 0))
		rc = -ERR_UPSTREAM;
	else if ((rc = fetch_now(jr, &pf[0])) == 0 && (rc = pf[0].rc) != 0)
		buf_puts(&jr->msg, buf_cstr(&pf[0].msg));
	while (rc == 0) {
		struct page_fetch *p = &pf[cur], *next = &pf[!cur];
		bool more = p->page.next_token != NULL, ahead = false;
		pthread_t th;
		if (more && jr->out->pages + 1 < jr->env->max_pages) {
			arena_reset(next->a);
			next->token = arena_strdup(next->a, p->page.next_token);
			ahead = pthread_create(&th, NULL, fetch_page, next) == 0;
		}
		rc = commit_page(jr, p->a, &w, &p->page, p->z);
		if (ahead)
			pthread_join(th, NULL);
		if (rc != 0)
			break;
		jr->out->pages++;
		if (!more)
			break;
		if (!ahead) {
			if (too_many(jr, jr->out->pages)) {
				rc = -ERR_UPSTREAM;
				break;
			}
			arena_reset(next->a);
			next->token = arena_strdup(next->a, p->page.next_token);
			if ((rc = fetch_now(jr, next)) != 0)
				break;
		}
		if ((rc = next->rc) != 0)
			buf_puts(&jr->msg, buf_cstr(&next->msg));
		cur = !cur;
	}
	arena_free(arenas[0]);
	arena_free(arenas[1]);
	return rc;
}

/* open_job: the connection's client context with decrypted secrets, and the tenant key. */
static int
open_job(struct job_run *jr)
{
	const struct sync_job *j = &jr->job;
	if (conn_stream_parse(j->stream, &jr->stream) != 0) {
		buf_printf(&jr->msg, "不明な同期対象です（%s）。", j->stream);
		return -ERR_INVALID;
	}
	struct connection c;
	int rc = dbq_connections_get(jr->env->db, jr->a, j->tenant_id, j->connection_id, &c);
	if (rc == 0)
		rc = dbq_outbox_tenant_key(jr->env->db, jr->a, j->tenant_id, jr->key);
	if (rc != 0) {
		buf_printf(&jr->msg, "接続を読み込めません（%s）。", err_name(rc));
		return rc;
	}
	return conn_open(jr->env->db, jr->a, jr->env->http, j->tenant_id, jr->key, &c, &jr->ops, &jr->ctx,
			 &jr->msg);
}

/* finish: record the outcome on the job, the run and the connection; notify as needed. */
static void
finish(struct job_run *jr, int rc)
{
	const struct sync_env *env = jr->env;
	struct sync_outcome *o = jr->out;
	int64_t now = clock_now_ms();
	struct db *db = env->db;
	if (rc == -ERR_CONFLICT) {
		o->lost_lease = true;
		o->error = "別のフェッチャーがこのジョブを引き継ぎました。";
		dbq_sync_run_end(db, jr->a, jr->run_id, "abandoned", jr->ctx.stats.api_calls,
				 jr->ctx.stats.bytes_in, o->error, now);
		log_event(LOG_WARN, "sync_lease_lost", LOG_I("job", jr->job.id), LOG_I("run", jr->run_id));
		return;
	}
	o->ok = rc == 0;
	if (rc != 0) {
		if (jr->msg.len == 0)
			buf_printf(&jr->msg, "内部エラーのため同期できませんでした（%s）。", err_name(rc));
		o->error = arena_strdup(jr->a, buf_cstr(&jr->msg));
	}
	int frc = rc == 0 ? dbq_sync_finish_ok(db, jr->a, jr->job.id, env->owner, now)
			  : dbq_sync_finish_failed(db, jr->a, jr->job.id, env->owner, now, retry_ms(&jr->job));
	dbq_sync_run_end(db, jr->a, jr->run_id, rc == 0 ? "ok" : "failed", jr->ctx.stats.api_calls,
			 jr->ctx.stats.bytes_in, o->error, now);
	if (frc == -ERR_CONFLICT)
		o->lost_lease = true;
	log_event(rc == 0 ? LOG_INFO : LOG_WARN, "sync_run", LOG_I("job", jr->job.id), LOG_I("run", jr->run_id),
		  LOG_S("stream", jr->job.stream), LOG_S("platform", jr->job.platform),
		  LOG_S("status", rc == 0 ? "ok" : "failed"), LOG_I("pages", o->pages),
		  LOG_I("new", o->new_count), LOG_I("updated", o->updated), LOG_I("unchanged", o->unchanged),
		  LOG_I("failed", o->failed), LOG_I("calls", jr->ctx.stats.api_calls),
		  LOG_S("error", o->error ? o->error : ""));
	sync_notify_outcome(env, jr->a, jr->job.tenant_id, jr->job.connection_id, jr->key, rc, o->error, now);
}

int
sync_run_next(const struct sync_env *env, struct arena *a, struct sync_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct job_run jr = { .env = env, .a = a, .out = out };
	buf_init(&jr.msg, a, 256);
	int rc = dbq_sync_claim(env->db, a, env->owner, env->only_tenant, clock_now_ms(), env->lease_ms,
				&jr.job);
	if (rc != 0)
		return rc;
	out->job_id = jr.job.id;
	out->connection_id = jr.job.connection_id;
	out->stream = jr.job.stream;
	rc = dbq_sync_run_start(env->db, a, &jr.job, env->owner, jr.job.run_requested, clock_now_ms(), &jr.run_id);
	if (rc != 0) {
		dbq_sync_finish_failed(env->db, a, jr.job.id, env->owner, clock_now_ms(), retry_ms(&jr.job));
		return rc;
	}
	out->run_id = jr.run_id;
	rc = open_job(&jr);
	if (rc == 0)
		rc = pull(&jr);
	finish(&jr, rc);
	explicit_bzero(jr.key, sizeof jr.key);
	return 0;
}
