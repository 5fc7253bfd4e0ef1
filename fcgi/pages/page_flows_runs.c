/* page_flows_runs.c: a flow's runs — the history, one run with its issues and records, 再送, the produced file. */
#include "page_flows_runs.h"

#include <string.h>

#include "auth/session.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_flows.h"
#include "delivery/delivery_http.h"
#include "html/view.h"
#include "http/form.h"
#include "http/req.h"
#include "http/resp.h"
#include "pages/page_flows.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define HISTORY_RUNS 200
#define RECORDS_SHOWN 1000
#define RESEND_MAX 1000

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

static const char *
jst(struct req *r, int64_t ms)
{
	char buf[32];
	return ms > 0 ? arena_strdup(r->arena, clock_jst(ms, buf)) : "";
}

static const char *
status_class(const char *status)
{
	if (strcmp(status, "ok") == 0)
		return "tag-change";
	if (strcmp(status, "running") == 0 || strcmp(status, "nothing") == 0)
		return "tag";
	if (strcmp(status, "partial") == 0)
		return "tag-maintenance";
	return "tag-incident";
}

struct view *
page_flows_runs_view(struct req *r, const struct dbq_flow_run *run)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	view_set_int(a, o, "id", (int64_t)run->id);
	view_set_int(a, o, "flow_id", (int64_t)run->flow_id);
	view_set_str(a, o, "started", jst(r, run->started_at_ms));
	view_set_str(a, o, "finished", jst(r, run->finished_at_ms));
	view_set_bool(a, o, "has_finished", run->finished_at_ms > 0);
	if (run->finished_at_ms > 0)
		view_set_str(a, o, "duration",
			     arena_printf(a, "%.1f", (double)(run->finished_at_ms - run->started_at_ms) / 1000.0));
	view_set_str(a, o, "trigger_label", render_t(r, arena_printf(a, "flow_trigger_%s", run->trigger_kind)));
	view_set_str(a, o, "status_label", render_t(r, arena_printf(a, "flow_status_%s", run->status)));
	view_set_str(a, o, "status_class", status_class(run->status));
	view_set_int(a, o, "template_version", run->template_version);
	view_set_int(a, o, "records_in", run->records_in);
	view_set_int(a, o, "records_out", run->records_out);
	view_set_int(a, o, "records_failed", run->records_failed);
	view_set_bool(a, o, "has_failed", run->records_failed > 0);
	view_set_int(a, o, "rows_out", run->rows_out);
	view_set_int(a, o, "unencodable", run->chars_unencodable);
	view_set_bool(a, o, "has_file", run->file_id != 0);
	view_set_str(a, o, "file_name", run->file_name ? run->file_name : "");
	view_set_str(a, o, "file_kib", arena_printf(a, "%.1f", (double)run->file_size / 1024.0));
	view_set_str(a, o, "delivery_label",
		     render_t(r, arena_printf(a, "flow_delivery_%s", run->delivery_status)));
	view_set_str(a, o, "delivery_message", run->delivery_message ? run->delivery_message : "");
	view_set_bool(a, o, "has_error", run->error != NULL && *run->error != '\0');
	view_set_str(a, o, "error", run->error ? run->error : "");
	view_set_bool(a, o, "resendable",
		      run->file_id != 0 && (strcmp(run->delivery_status, "delivered") == 0 ||
					    strcmp(run->delivery_status, "download") == 0));
	return o;
}

int
page_flows_runs_list(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	struct dbq_flow_run *runs;
	size_t n;
	int rc = dbq_flows_runs(db_of(r), r->arena, r->session->tenant_id, f.id, HISTORY_RUNS, &runs, &n);
	if (rc != 0)
		return page_flows_db_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, page_flows_runs_view(r, &runs[i]));
	view_set(a, v, "flow", page_flows_view(r, &f));
	view_set(a, v, "runs", list);
	view_set_bool(a, v, "has_runs", n > 0);
	view_set_bool(a, v, "runs_cut", n == HISTORY_RUNS);
	view_set_bool(a, v, "can_edit", r->session->role >= ROLE_EDITOR);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "flows/runs", v, 200);
}

/* A flow's run as the handlers below load it: the flow, the run and its issues. */
struct loaded {
	struct dbq_flow f;
	struct dbq_flow_run run;
	struct dbq_flow_issue *issues;
	size_t nissues;
};

/* load_run: the flow {id} and its run {run}; 0 or a status. */
static int
load_run(struct req *r, struct loaded *l)
{
	int st = page_flows_load(r, &l->f);
	if (st != 0)
		return st;
	int64_t id;
	if (req_param_i64(r, "run", &id) != 0 || id <= 0)
		return 404;
	int rc = dbq_flows_run_get(db_of(r), r->arena, r->session->tenant_id, (uint64_t)id, &l->run, &l->issues,
				   &l->nissues);
	if (rc != 0)
		return page_flows_db_status(rc);
	return l->run.flow_id == l->f.id ? 0 : 404;
}

/* "髙 (U+9AD9)" for a code point, "" for none. */
static const char *
char_text(struct req *r, uint32_t cp)
{
	if (cp == 0)
		return "";
	struct buf b;
	buf_init(&b, r->arena, 24);
	if (cp != 0xFFFD && cp >= 0x20 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0x7F)
		utf8_encode(&b, cp);
	buf_printf(&b, "%sU+%04X%s", b.len ? " (" : "", (unsigned)cp, b.len ? ")" : "");
	return buf_cstr(&b);
}

static struct view *
issues_view(struct req *r, const struct dbq_flow_issue *is, size_t n)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "kind_label", render_t(r, arena_printf(a, "flow_issue_%s", is[i].kind)));
		view_set_bool(a, o, "is_error", strcmp(is[i].kind, "error") == 0);
		view_set_str(a, o, "record", is[i].record_label ? is[i].record_label : "");
		view_set_str(a, o, "column", is[i].column_name ? is[i].column_name : "");
		view_set_str(a, o, "char", char_text(r, is[i].codepoint));
		view_set_str(a, o, "action_label",
			     is[i].action ? render_t(r, arena_printf(a, "flow_action_%s", is[i].action)) : "");
		view_set_str(a, o, "message", is[i].message ? is[i].message : "");
		view_push(a, list, o);
	}
	return list;
}

int
page_flows_runs_show(struct req *r)
{
	struct loaded l;
	int st = load_run(r, &l);
	if (st != 0)
		return st;
	struct dbq_flow_record *recs;
	size_t nrecs, total;
	int rc = dbq_flows_run_records(db_of(r), r->arena, r->session->tenant_id, l.run.id, RECORDS_SHOWN, &recs, &nrecs,
				       &total);
	if (rc != 0)
		return page_flows_db_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	for (size_t i = 0; i < nrecs; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "id", arena_printf(a, "%llu", (unsigned long long)recs[i].id));
		view_set_str(a, o, "label", recs[i].label && *recs[i].label ? recs[i].label
									  : arena_printf(a, "#%llu", (unsigned long long)recs[i].id));
		view_push(a, list, o);
	}
	view_set(a, v, "flow", page_flows_view(r, &l.f));
	view_set(a, v, "run", page_flows_runs_view(r, &l.run));
	view_set(a, v, "issues", issues_view(r, l.issues, l.nissues));
	view_set_bool(a, v, "has_issues", l.nissues > 0);
	view_set(a, v, "records", list);
	view_set_bool(a, v, "has_records", nrecs > 0);
	view_set_bool(a, v, "records_cut", total > nrecs);
	view_set_int(a, v, "records_total", (int64_t)total);
	view_set_bool(a, v, "can_edit", r->session->role >= ROLE_EDITOR);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "flows/run", v, 200);
}

static int
back(struct req *r, const struct dbq_flow *f, const char *flash)
{
	render_flash_set(r, flash);
	return resp_redirect(r, arena_printf(r->arena, "/flows/%llu/runs", (unsigned long long)f->id));
}

int
page_flows_runs_resend(struct req *r)
{
	struct loaded l;
	int st = load_run(r, &l);
	if (st != 0)
		return st;
	int rc = dbq_flows_resend_run(db_of(r), r->session->tenant_id, l.f.id, l.run.id);
	if (rc == -ERR_NOT_FOUND)
		return back(r, &l.f, "error_flow_resend_no_file");
	if (rc == -ERR_CONFLICT)
		return back(r, &l.f, "error_flow_resend_undelivered");
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.resend_run", l.f.id, arena_printf(r->arena, "run=%llu", (unsigned long long)l.run.id));
	return back(r, &l.f, "flow_resend_requested");
}

/* The record ids chosen on the form ("record", repeated): 0, or -1 for a value that is not an id. */
static int
chosen(struct req *r, uint64_t **ids, size_t *n)
{
	const char **vals = NULL;
	size_t count = form_get_all(&r->form, r->arena, "record", &vals, NULL);
	*ids = arena_calloc(r->arena, count + 1, sizeof **ids);
	for (*n = 0; *n < count; (*n)++)
		if (count > RESEND_MAX || ((*ids)[*n] = page_flows_id(vals[*n])) == 0)
			return -1;
	return 0;
}

int
page_flows_runs_records(struct req *r)
{
	struct loaded l;
	size_t n;
	int st = load_run(r, &l);
	if (st != 0)
		return st;
	uint64_t *ids;
	if (chosen(r, &ids, &n) != 0)
		return 400;
	if (n == 0)
		return back(r, &l.f, "error_flow_resend_none");
	int rc = dbq_flows_resend_records(db_of(r), r->session->tenant_id, l.f.id, ids, n);
	if (rc == -ERR_NOT_FOUND)
		return back(r, &l.f, "error_flow_resend_none");
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.resend_records", l.f.id,
			  arena_printf(r->arena, "run=%llu records=%zu", (unsigned long long)l.run.id, n));
	return back(r, &l.f, "flow_resend_requested");
}

/* A static content type for the stored one (resp_set_body keeps the pointer). */
static const char *
static_type(const char *ct)
{
	if (ct != NULL && strstr(ct, "Shift_JIS") != NULL)
		return "text/csv; charset=Shift_JIS";
	return "text/csv; charset=UTF-8";
}

int
page_flows_runs_file(struct req *r)
{
	struct loaded l;
	int st = load_run(r, &l);
	if (st != 0)
		return st;
	if (l.run.file_id == 0)
		return 404;
	const char *name, *ct;
	char *bytes;
	size_t len;
	struct session *s = r->session;
	int rc = dbq_flows_file(db_of(r), r->arena, s->key, s->tenant_id, l.run.file_id, &name, &ct, &bytes, &len);
	if (rc == -ERR_INVALID)
		return 500; /* it does not open: logged by seal */
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.download", l.f.id,
			  arena_printf(r->arena, "run=%llu file=%llu bytes=%zu", (unsigned long long)l.run.id,
				       (unsigned long long)l.run.file_id, len));
	resp_header(r, "Content-Disposition", delivery_http_disposition(r->arena, name));
	resp_header(r, "Cache-Control", "no-store");
	resp_set_body(r, static_type(ct), bytes, len);
	return 200;
}
