/* page_templates_edit.c: the template editor — new (from scratch or a standard template), edit, row actions, save. */
#include "page_templates_edit.h"

#include <string.h>

#include "auth/session.h"
#include "convert/conv_def.h"
#include "convert/conv_fields.h"
#include "convert/conv_std.h"
#include "core/err.h"
#include "db/dbq_templates.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_templates.h"
#include "pages/page_templates_form.h"
#include "pages/render.h"
#include "server/app.h"

#define NAME_TRIES 20

static const enum conv_kind kinds[] = { CONV_ORDER, CONV_ORDER_LINE, CONV_PRODUCT, CONV_STOCK, CONV_SHIPMENT };

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

int
page_templates_edit_render(struct req *r, const struct tpl_form *f, int status)
{
	struct view *v = render_root(r);
	page_templates_form_view(r, f, v);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_edit", v, status);
}

void
page_templates_edit_choices(struct req *r, struct view *v)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a), *std = view_list(a);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "value", conv_kind_name(kinds[i]));
		view_set_str(a, o, "label", conv_kind_label(kinds[i]));
		view_push(a, list, o);
	}
	const struct conv_std *s;
	for (size_t i = 0; (s = conv_std_get(i)) != NULL; i++) {
		struct view *o = view_obj(a);
		enum conv_kind k = 0;
		conv_kind_parse(s->kind, &k);
		view_set_str(a, o, "key", s->key);
		view_set_str(a, o, "name", s->name);
		view_set_str(a, o, "kind_label", conv_kind_label(k));
		view_set_str(a, o, "description", s->description);
		view_push(a, std, o);
	}
	view_set(a, v, "kinds", list);
	view_set(a, v, "standards", std);
}

int
page_templates_edit_new(struct req *r)
{
	const char *k;
	if (listing_param(r, "kind", 20, &k) != 0)
		return 400;
	if (*k == '\0') {
		struct view *v = render_root(r);
		page_templates_edit_choices(r, v);
		resp_header(r, "Cache-Control", "no-store");
		return render_page(r, "conv/tpl_new", v, 200);
	}
	enum conv_kind kind;
	if (conv_kind_parse(k, &kind) != 0)
		return 400;
	struct tpl_form f;
	page_templates_form_init(r, &f, kind);
	return page_templates_edit_render(r, &f, 200);
}

/* The posted op ("refresh" when absent); NULL for a repeated one. */
static const char *
op_of(struct req *r)
{
	const char *op = "refresh";
	int rc = req_form(r, "op", &op);
	if (rc == -ERR_CONFLICT)
		return NULL;
	return rc == 0 ? op : "refresh";
}

/* The common start of a post: read, then a row action; *save tells whether
 * to go on with the checks. 0 or a status. */
static int
posted(struct req *r, struct tpl_form *f, bool *save)
{
	const char *op = op_of(r);
	*save = false;
	if (op == NULL || page_templates_form_read(r, f) != 0)
		return 400;
	if (strcmp(op, "save") == 0) {
		*save = true;
		return 0;
	}
	if (strcmp(op, "preview") == 0)
		op = "refresh"; /* the preview button posts to the preview itself; here it only shows the form */
	return page_templates_form_apply(r, f, op);
}

int
page_templates_edit_create(struct req *r)
{
	struct tpl_form f;
	struct conv_def d;
	bool save;
	memset(&f, 0, sizeof f);
	int st = posted(r, &f, &save);
	if (st != 0)
		return st;
	if (!save || !page_templates_form_check(r, &f, true, &d))
		return page_templates_edit_render(r, &f, 200);
	struct session *s = r->session;
	uint64_t id = 0;
	int rc = dbq_templates_create(db_of(r), s->tenant_id, f.name, conv_kind_name(f.kind),
				      conv_def_json(r->arena, &d), NULL, s->user_id, &id);
	if (rc == -ERR_CONFLICT) {
		f.name_err = render_t(r, "tpl_err_name_taken");
		return page_templates_edit_render(r, &f, 200);
	}
	if (rc == -ERR_TOO_LARGE) {
		f.error = render_t(r, "tpl_err_too_large");
		return page_templates_edit_render(r, &f, 200);
	}
	if (rc != 0)
		return page_templates_status(rc);
	page_templates_record(r, "template.create", "template", id,
			      arena_printf(r->arena, "kind=%s version=1", conv_kind_name(f.kind)));
	render_flash_set(r, "tpl_created");
	return resp_redirect(r, arena_printf(r->arena, "/templates/%llu", (unsigned long long)id));
}

int
page_templates_edit_form(struct req *r)
{
	struct dbq_template t;
	struct tpl_form f;
	int st = page_templates_load_form(r, &t, &f, true);
	if (st != 0)
		return st;
	return page_templates_edit_render(r, &f, 200);
}

int
page_templates_edit_update(struct req *r)
{
	struct dbq_template t;
	struct conv_def d;
	struct tpl_form f;
	bool save;
	int st = page_templates_load_form(r, &t, &f, false);
	if (st != 0 || (st = posted(r, &f, &save)) != 0)
		return st;
	if (!save || !page_templates_form_check(r, &f, true, &d))
		return page_templates_edit_render(r, &f, 200);
	struct session *s = r->session;
	unsigned version = 0;
	int rc = dbq_templates_save(db_of(r), s->tenant_id, t.id, f.name, conv_def_json(r->arena, &d), s->user_id,
				    f.note, &version);
	if (rc == -ERR_CONFLICT) {
		f.name_err = render_t(r, "tpl_err_name_taken");
		return page_templates_edit_render(r, &f, 200);
	}
	if (rc == -ERR_INVALID || rc == -ERR_TOO_LARGE) {
		f.error = render_t(r, rc == -ERR_INVALID ? "tpl_err_note" : "tpl_err_too_large");
		return page_templates_edit_render(r, &f, 200);
	}
	if (rc != 0)
		return page_templates_status(rc);
	bool saved = version != t.current_version, renamed = strcmp(f.name, t.name) != 0;
	if (saved || renamed)
		page_templates_record(r, "template.save", "template", t.id,
				      arena_printf(r->arena, "version=%u renamed=%s", version, renamed ? "yes" : "no"));
	render_flash_set(r, saved ? "tpl_saved" : renamed ? "tpl_renamed" : "tpl_unchanged");
	return resp_redirect(r, arena_printf(r->arena, "/templates/%llu", (unsigned long long)t.id));
}

int
page_templates_edit_standard(struct req *r)
{
	const char *key = "";
	if (req_form(r, "key", &key) != 0)
		return 400;
	const struct conv_std *s = conv_std_find(key);
	if (s == NULL)
		return 400;
	struct session *sess = r->session;
	uint64_t id = 0;
	int rc = -ERR_CONFLICT;
	const char *name = s->name;
	for (int i = 2; rc == -ERR_CONFLICT && i <= NAME_TRIES + 1; i++) {
		rc = dbq_templates_create(db_of(r), sess->tenant_id, name, s->kind, s->definition, s->key,
					  sess->user_id, &id);
		name = arena_printf(r->arena, "%s (%d)", s->name, i);
	}
	if (rc != 0)
		return page_templates_status(rc);
	page_templates_record(r, "template.create", "template", id,
			      arena_printf(r->arena, "kind=%s version=1 standard=%s", s->kind, s->key));
	render_flash_set(r, "tpl_created_standard");
	return resp_redirect(r, arena_printf(r->arena, "/templates/%llu/edit", (unsigned long long)id));
}
