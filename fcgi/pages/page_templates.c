/* page_templates.c: the conversion template screens — list, show, delete, and what the editor, preview and versions share. */
#include "page_templates.h"

#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "convert/conv_def.h"
#include "convert/conv_fields.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/dbq_audit.h"
#include "db/dbq_templates.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_connections.h"
#include "pages/page_templates_edit.h"
#include "pages/page_templates_form.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

bool
page_templates_text_ok(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), cps;
	if (!utf8_valid(s, n) || (cps = utf8_codepoints(s, n)) < min || cps > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int
page_templates_status(int rc)
{
	return rc == -ERR_NOT_FOUND ? 404 : rc == -ERR_CONFLICT ? 409 : rc == -ERR_UNAVAILABLE ? 503 : 500;
}

void
page_templates_record(struct req *r, const char *action, const char *object, uint64_t id, const char *extra)
{
	struct session *s = r->session;
	const char *detail = arena_printf(r->arena, "%s=%llu%s%s", object, (unsigned long long)id,
					  *extra ? " " : "", extra);
	int rc = dbq_audit_append(db_of(r), r->arena, s->tenant_id, s->user_id, action, 0, detail);
	log_event(LOG_INFO, action, LOG_I("tenant", (int64_t)s->tenant_id),
		  LOG_I("actor_user_id", (int64_t)s->user_id), LOG_S("detail", detail));
	if (rc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", action), LOG_S("error", err_name(rc)));
}

int
page_templates_load(struct req *r, struct dbq_template *t, struct conv_def *d)
{
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	const char *json = NULL;
	int rc = dbq_templates_get(db_of(r), r->arena, r->session->tenant_id, (uint64_t)id, t, &json);
	if (rc != 0)
		return page_templates_status(rc);
	struct conv_def_error e;
	if (conv_def_parse(r->arena, json, strlen(json), d, &e) != 0) {
		log_event(LOG_ERROR, "template_definition_broken", LOG_I("template", id), LOG_S("error", e.msg));
		return 500;
	}
	return 0;
}

int
page_templates_load_form(struct req *r, struct dbq_template *t, struct tpl_form *f, bool from_def)
{
	struct conv_def d;
	int st = page_templates_load(r, t, &d);
	if (st != 0)
		return st;
	memset(f, 0, sizeof *f);
	f->id = t->id;
	f->kind = d.kind;
	f->name = t->name;
	if (from_def)
		page_templates_form_from_def(r, f, &d);
	return 0;
}

static const char *
jst_minute(struct req *r, int64_t t)
{
	char buf[20];
	return t > 0 ? arena_strdup(r->arena, clock_jst_minute((time_t)t, buf)) : "";
}

static struct view *
template_view(struct req *r, const struct dbq_template *t)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	enum conv_kind k = 0;
	conv_kind_parse(t->kind, &k);
	view_set_int(a, o, "id", (int64_t)t->id);
	view_set_str(a, o, "name", t->name);
	view_set_str(a, o, "kind_label", conv_kind_label(k));
	view_set_int(a, o, "version", t->current_version);
	view_set_int(a, o, "latest", t->latest_version);
	view_set_bool(a, o, "rolled_back", t->current_version != t->latest_version);
	view_set_str(a, o, "updated", jst_minute(r, t->updated_at));
	view_set_str(a, o, "created", jst_minute(r, t->created_at));
	view_set_int(a, o, "flow_count", t->flow_count);
	view_set_bool(a, o, "in_use", t->flow_count > 0);
	return o;
}

static bool
can_edit(struct req *r)
{
	return r->session->role >= ROLE_EDITOR;
}

int
page_templates_list(struct req *r)
{
	struct dbq_template *ts = NULL;
	size_t n = 0;
	int rc = dbq_templates_list(db_of(r), r->arena, r->session->tenant_id, &ts, &n);
	if (rc != 0)
		return page_templates_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, template_view(r, &ts[i]));
	view_set(a, v, "templates", list);
	view_set_bool(a, v, "has_templates", n > 0);
	view_set_bool(a, v, "can_edit", can_edit(r));
	page_templates_edit_choices(r, v);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_list", v, 200);
}

static int
render_show(struct req *r, const struct dbq_template *t, const struct tpl_form *f, const char *error, int status)
{
	struct view *v = render_root(r);
	page_templates_form_view(r, f, v);
	view_set(r->arena, v, "template", template_view(r, t));
	view_set_bool(r->arena, v, "can_edit", can_edit(r));
	view_set_str(r->arena, v, "delete_error", error ? error : "");
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_show", v, status);
}

int
page_templates_show(struct req *r)
{
	struct dbq_template t;
	struct tpl_form f;
	int st = page_templates_load_form(r, &t, &f, true);
	if (st != 0)
		return st;
	return render_show(r, &t, &f, NULL, 200);
}

int
page_templates_delete(struct req *r)
{
	struct dbq_template t;
	struct tpl_form f;
	int st = page_templates_load_form(r, &t, &f, true);
	if (st != 0)
		return st;
	const char *c = "";
	int rc = req_form(r, "confirm", &c);
	if (rc == -ERR_CONFLICT)
		return 400;
	if (rc != 0 || strcmp(c, "1") != 0)
		return render_show(r, &t, &f, render_t(r, "tpl_err_confirm"), 200);
	rc = dbq_templates_delete(db_of(r), r->session->tenant_id, t.id);
	if (rc == -ERR_CONFLICT) {
		if (dbq_templates_get(db_of(r), r->arena, r->session->tenant_id, t.id, &t, NULL) != 0)
			return 500;
		return render_show(r, &t, &f, page_connections_t_n(r, "tpl_err_in_use", t.flow_count), 409);
	}
	if (rc != 0)
		return page_templates_status(rc);
	page_templates_record(r, "template.delete", "template", t.id, arena_printf(r->arena, "kind=%s", t.kind));
	render_flash_set(r, "tpl_deleted");
	return resp_redirect(r, "/templates");
}
