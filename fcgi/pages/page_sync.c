/* page_sync.c: a connection's sync runs — the history, one run with its per-record errors, 今すぐ同期, pause and resume. */
#include "page_sync.h"

#include <string.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_connections.h"
#include "db/dbq_sync.h"
#include "html/view.h"
#include "http/req.h"
#include "http/resp.h"
#include "pages/listing.h"
#include "pages/page_connections.h"
#include "pages/render.h"
#include "server/app.h"

#define RUNS_PAGE_SIZE 50
#define RUNS_MAX_PAGE 10000
#define RUN_ERRORS_SHOWN 500

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

static int
db_status(int rc)
{
	return rc == -ERR_NOT_FOUND ? 404 : rc == -ERR_UNAVAILABLE ? 503 : 500;
}

static const char *
jst(struct req *r, int64_t ms)
{
	char buf[32];
	return ms > 0 ? arena_strdup(r->arena, clock_jst(ms, buf)) : "";
}

/* The connection's name, id and platform for the page heading. */
static struct view *
conn_view(struct req *r, const struct connection *c)
{
	struct view *o = view_obj(r->arena);
	view_set_int(r->arena, o, "id", (int64_t)c->id);
	view_set_str(r->arena, o, "name", c->name);
	view_set_bool(r->arena, o, "paused", c->paused);
	return o;
}

static struct view *
run_view(struct req *r, const struct sync_run *run)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	view_set_int(a, o, "id", (int64_t)run->id);
	view_set_str(a, o, "stream_label", render_t(r, arena_printf(a, "sync_stream_%s", run->stream)));
	view_set_str(a, o, "trigger_label", render_t(r, arena_printf(a, "sync_trigger_%s", run->trigger_kind)));
	view_set_str(a, o, "status_label", render_t(r, arena_printf(a, "sync_status_%s", run->status)));
	view_set_str(a, o, "status_class", strcmp(run->status, "ok") == 0 ? "tag-change"
					  : strcmp(run->status, "running") == 0 ? "tag"
										 : "tag-incident");
	view_set_str(a, o, "started", jst(r, run->started_ms));
	view_set_str(a, o, "finished", jst(r, run->finished_ms));
	view_set_bool(a, o, "has_finished", run->finished_ms > 0);
	if (run->finished_ms > 0)
		view_set_str(a, o, "duration", arena_printf(a, "%.1f", (double)(run->finished_ms - run->started_ms) / 1000.0));
	view_set_int(a, o, "new_count", run->new_count);
	view_set_int(a, o, "updated_count", run->updated_count);
	view_set_int(a, o, "unchanged_count", run->unchanged_count);
	view_set_int(a, o, "failed_count", run->failed_count);
	view_set_int(a, o, "api_calls", run->api_calls);
	view_set_str(a, o, "kib", arena_printf(a, "%.1f", (double)run->bytes_in / 1024.0));
	view_set_bool(a, o, "has_error", run->error != NULL && run->error[0] != '\0');
	view_set_str(a, o, "error", run->error ? run->error : "");
	return o;
}

int
page_sync_runs(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	const char *p;
	size_t page;
	if (listing_param(r, "page", 8, &p) != 0 || listing_page(p, RUNS_MAX_PAGE, &page) != 0)
		return 400;
	struct sync_run *runs;
	size_t n, total;
	int rc = dbq_sync_runs(db_of(r), r->arena, r->session->tenant_id, c.id, NULL, 0,
			       (page - 1) * RUNS_PAGE_SIZE, RUNS_PAGE_SIZE, &runs, &n, &total);
	if (rc != 0)
		return db_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	view_set(a, v, "conn", conn_view(r, &c));
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, run_view(r, &runs[i]));
	view_set(a, v, "runs", list);
	view_set_bool(a, v, "has_runs", n > 0);
	bool pending = false;
	if (dbq_sync_pending(db_of(r), a, r->session->tenant_id, c.id, &pending) == 0)
		view_set_bool(a, v, "pending", pending);
	listing_pager(r, v, page, total, RUNS_PAGE_SIZE);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "sync/runs", v, 200);
}

int
page_sync_run(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	int64_t run_id;
	if (req_param_i64(r, "run", &run_id) != 0 || run_id <= 0)
		return 404;
	struct sync_run run;
	struct sync_record_error *errs;
	size_t nerrs;
	int rc = dbq_sync_run_get(db_of(r), r->arena, r->session->tenant_id, (uint64_t)run_id, RUN_ERRORS_SHOWN,
				  &run, &errs, &nerrs);
	if (rc != 0)
		return db_status(rc);
	if (run.connection_id != c.id)
		return 404;
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	view_set(a, v, "conn", conn_view(r, &c));
	view_set(a, v, "run", run_view(r, &run));
	struct view *list = view_list(a);
	for (size_t i = 0; i < nerrs; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "external_id", errs[i].external_id ? errs[i].external_id : "");
		view_set_str(a, o, "message", errs[i].message ? errs[i].message : "");
		view_set_str(a, o, "at", jst(r, errs[i].at_ms));
		view_push(a, list, o);
	}
	view_set(a, v, "errors", list);
	view_set_bool(a, v, "has_errors", nerrs > 0);
	view_set_bool(a, v, "errors_cut", run.failed_count > nerrs && nerrs == RUN_ERRORS_SHOWN);
	view_set_str(a, v, "fetcher", run.fetcher ? run.fetcher : "");
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "sync/run", v, 200);
}

/* control: the common end of sync-now / pause / resume: audit, log, flash, back to the connection. */
static int
control(struct req *r, const struct connection *c, int rc, const char *action, const char *flash)
{
	if (rc != 0)
		return db_status(rc);
	struct session *s = r->session;
	const char *detail = arena_printf(r->arena, "connection=%llu platform=%s", (unsigned long long)c->id,
					  c->platform);
	int arc = dbq_audit_append(db_of(r), r->arena, s->tenant_id, s->user_id, action, 0, detail);
	if (arc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", action), LOG_S("error", err_name(arc)));
	log_event(LOG_INFO, action, LOG_I("tenant", (int64_t)s->tenant_id), LOG_I("connection", (int64_t)c->id),
		  LOG_I("actor_user_id", (int64_t)s->user_id));
	render_flash_set(r, flash);
	return resp_redirect(r, arena_printf(r->arena, "/connections/%llu", (unsigned long long)c->id));
}

int
page_sync_now(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	if (c.job_count == 0) { /* a delete in progress: nothing to run */
		render_flash_set(r, "error_sync_unavailable");
		return resp_redirect(r, arena_printf(r->arena, "/connections/%llu", (unsigned long long)c.id));
	}
	int rc = dbq_sync_request(db_of(r), r->arena, r->session->tenant_id, c.id, clock_now_ms());
	return control(r, &c, rc, "connection.sync_now", "sync_requested");
}

int
page_sync_pause(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	int rc = dbq_connections_set_paused(db_of(r), r->arena, r->session->tenant_id, c.id, true);
	return control(r, &c, rc, "connection.pause", "sync_paused");
}

int
page_sync_resume(struct req *r)
{
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	int rc = dbq_connections_set_paused(db_of(r), r->arena, r->session->tenant_id, c.id, false);
	return control(r, &c, rc, "connection.resume", "sync_resumed");
}
