/* page_flows.c: the flow screens (連携フロー) — list and show, the shared loading, views and audit record. */
#include "page_flows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "convert/conv_fields.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_connections.h"
#include "db/dbq_flows.h"
#include "db/dbq_users.h"
#include "delivery/delivery.h"
#include "html/view.h"
#include "http/req.h"
#include "http/resp.h"
#include "jobs/flow_dest.h"
#include "jobs/flow_schedule.h"
#include "pages/page_connections.h"
#include "pages/page_flows_runs.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define SHOW_RUNS 10

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

int
page_flows_db_status(int rc)
{
	return rc == -ERR_NOT_FOUND ? 404 : rc == -ERR_UNAVAILABLE ? 503 : 500;
}

uint64_t
page_flows_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 19 || s[0] < '1' || s[0] > '9' || strspn(s, "0123456789") != n)
		return 0;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	return errno == 0 && v <= INT64_MAX ? (uint64_t)v : 0;
}

struct view *
page_flows_test_view(struct req *r, const char *message, bool ok)
{
	struct view *o = view_obj(r->arena);
	view_set_bool(r->arena, o, "ok", ok);
	view_set_str(r->arena, o, "message", message);
	return o;
}

static bool
can_edit(struct req *r)
{
	return r->session->role >= ROLE_EDITOR;
}

bool
page_flows_allowed(struct req *r, const uint64_t *conns, size_t n)
{
	struct session *s = r->session;
	if (!s->restrict_connections)
		return true;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!dbq_users_can_use_connection(app_of(r)->db, r->arena, s->tenant_id, s->user_id, true, conns[i]))
			return false;
	return true;
}

int
page_flows_load(struct req *r, struct dbq_flow *f)
{
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	int rc = dbq_flows_get(app_of(r)->db, r->arena, r->session->tenant_id, (uint64_t)id, f);
	if (rc != 0)
		return page_flows_db_status(rc);
	return page_flows_allowed(r, f->connections, f->nconnections) ? 0 : 404;
}

void
page_flows_record(struct req *r, const char *action, uint64_t id, const char *extra)
{
	struct session *s = r->session;
	const char *detail = arena_printf(r->arena, "flow=%llu%s%s", (unsigned long long)id, *extra ? " " : "", extra);
	int rc = dbq_audit_append(app_of(r)->db, r->arena, s->tenant_id, s->user_id, action, 0, detail);
	if (rc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", action), LOG_S("error", err_name(rc)));
	log_event(LOG_INFO, action, LOG_I("tenant", (int64_t)s->tenant_id), LOG_I("flow", (int64_t)id),
		  LOG_I("actor_user_id", (int64_t)s->user_id), LOG_S("detail", extra));
}

/* --- views -------------------------------------------------------------- */

static const char *
jst_minute(struct req *r, int64_t t)
{
	char buf[20];
	return t > 0 ? arena_strdup(r->arena, clock_jst_minute((time_t)t, buf)) : "";
}

/* The days of a times schedule: "毎日", "平日", or the chosen day names. */
static const char *
days_text(struct req *r, unsigned days)
{
	if ((days & FLOW_SCHEDULE_ALL_DAYS) == FLOW_SCHEDULE_ALL_DAYS)
		return render_t(r, "flow_days_all");
	if (days == 0x3e)
		return render_t(r, "flow_days_weekdays");
	const char *out = "";
	for (int d = 0; d < 7; d++)
		if (days & (1u << d))
			out = arena_printf(r->arena, "%s%s%s", out, *out ? render_t(r, "flow_days_sep") : "",
					   render_t(r, arena_printf(r->arena, "flow_day_%d", d)));
	return out;
}

static const char *
schedule_text(struct req *r, const struct dbq_flow *f)
{
	struct flow_schedule s;
	if (flow_schedule_from(&s, f->schedule_kind, f->interval_min, f->schedule_times, f->schedule_days) != 0 ||
	    s.kind == FLOW_SCHEDULE_MANUAL)
		return render_t(r, "flow_sched_manual_text");
	if (s.kind == FLOW_SCHEDULE_INTERVAL)
		return page_connections_t_n(r, "flow_sched_every", (long long)s.interval_min);
	return arena_printf(r->arena, "%s %s", days_text(r, s.days), flow_schedule_times_text(r->arena, &s));
}

/* Where the files go, without any secret: "user@host:22/in", the URL, or "". */
static const char *
dest_place(struct req *r, const struct dbq_flow *f)
{
	struct delivery_target t;
	if (flow_dest_target(r->arena, f->destination, f->destination_settings, NULL, &t) != 0)
		return "";
	if (t.kind == DELIVERY_HTTP)
		return t.url ? t.url : "";
	return arena_printf(r->arena, "%s@%s:%d%s", t.user ? t.user : "", t.host ? t.host : "",
			    t.port > 0 ? t.port : DELIVERY_SFTP_PORT, t.dir ? t.dir : "");
}

struct view *
page_flows_view(struct req *r, const struct dbq_flow *f)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	enum conv_kind kind;
	view_set_int(a, o, "id", (int64_t)f->id);
	view_set_str(a, o, "name", f->name);
	view_set_int(a, o, "template_id", (int64_t)f->template_id);
	view_set_str(a, o, "template_name", f->template_name);
	view_set_str(a, o, "kind_label", conv_kind_parse(f->kind, &kind) == 0 ? conv_kind_label(kind) : f->kind);
	view_set_str(a, o, "dest_label", render_t(r, arena_printf(a, "flow_dest_%s", f->destination)));
	view_set_str(a, o, "dest_place", dest_place(r, f));
	view_set_bool(a, o, "has_secret", f->has_secret);
	view_set_str(a, o, "schedule", schedule_text(r, f));
	view_set_bool(a, o, "paused", f->paused);
	view_set_bool(a, o, "has_next", f->next_run_at > 0 && !f->paused);
	view_set_str(a, o, "next_run", jst_minute(r, f->next_run_at));
	view_set_bool(a, o, "requested", f->run_requested != 0 || f->resend_run_id != 0);
	view_set_int(a, o, "keep_days", f->keep_days);
	view_set_int(a, o, "failures", f->consecutive_failures);
	view_set_bool(a, o, "failing", f->consecutive_failures > 0);
	view_set_str(a, o, "filter_expr", f->filter_expr ? f->filter_expr : "");
	view_set_bool(a, o, "has_filter", f->filter_expr != NULL && *f->filter_expr != '\0');
	view_set_bool(a, o, "is_download", strcmp(f->destination, "download") == 0);
	view_set_str(a, o, "created", jst_minute(r, f->created_at));
	view_set_str(a, o, "updated", jst_minute(r, f->updated_at));
	return o;
}

/* The names of the flow's source connections (ids of deleted ones are gone from flow_sources). */
static struct view *
sources_view(struct req *r, const struct dbq_flow *f)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	struct connection *cs = NULL;
	size_t n = 0;
	if (dbq_connections_list(app_of(r)->db, a, r->session->tenant_id, 0, &cs, &n) != 0)
		n = 0;
	for (size_t i = 0; i < f->nconnections; i++) {
		struct view *o = view_obj(a);
		view_set_int(a, o, "id", (int64_t)f->connections[i]);
		view_set_str(a, o, "name", "");
		for (size_t k = 0; k < n; k++)
			if (cs[k].id == f->connections[i])
				view_set_str(a, o, "name", cs[k].name);
		view_push(a, list, o);
	}
	return list;
}

int
page_flows_list(struct req *r)
{
	struct dbq_flow *fs = NULL;
	size_t n = 0;
	int rc = dbq_flows_list(app_of(r)->db, r->arena, r->session->tenant_id, &fs, &n);
	if (rc != 0)
		return page_flows_db_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!page_flows_allowed(r, fs[i].connections, fs[i].nconnections))
			continue;
		view_push(a, list, page_flows_view(r, &fs[i]));
		shown++;
	}
	view_set(a, v, "flows", list);
	view_set_bool(a, v, "has_flows", shown > 0);
	view_set_bool(a, v, "can_edit", can_edit(r));
	view_set_bool(a, v, "restricted", r->session->restrict_connections);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "flows/list", v, 200);
}

int
page_flows_render_show(struct req *r, const struct dbq_flow *f, const char *test_message, bool test_ok, int status)
{
	struct arena *a = r->arena;
	struct view *v = render_root(r), *o = page_flows_view(r, f);
	view_set(a, o, "sources", sources_view(r, f));
	view_set_bool(a, o, "no_sources", f->nconnections == 0);
	view_set(a, v, "flow", o);
	struct dbq_flow_run *runs = NULL;
	size_t n = 0;
	int rc = dbq_flows_runs(app_of(r)->db, a, r->session->tenant_id, f->id, SHOW_RUNS, &runs, &n);
	if (rc != 0)
		return page_flows_db_status(rc);
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, page_flows_runs_view(r, &runs[i]));
	view_set(a, v, "runs", list);
	view_set_bool(a, v, "has_runs", n > 0);
	view_set_bool(a, v, "can_edit", can_edit(r));
	if (test_message != NULL)
		view_set(a, v, "test", page_flows_test_view(r, test_message, test_ok));
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "flows/show", v, status);
}

int
page_flows_show(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	return page_flows_render_show(r, &f, NULL, false, 200);
}
