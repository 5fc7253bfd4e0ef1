/* page_templates_versions.c: a template's versions — the list, a column-by-column comparison of two, rollback. */
#include "page_templates_versions.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "convert/conv_def.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_templates.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_connections.h"
#include "pages/page_templates.h"
#include "pages/page_templates_form.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

/* A version number "1".."999999"; 0 when s is not one. */
static unsigned
version_of(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 6 || strspn(s, "0123456789") != n || s[0] == '0')
		return 0;
	return (unsigned)strtoul(s, NULL, 10);
}

/* --- the list ---------------------------------------------------------------- */

/* Who saved a version: the system, a user's name, or "#id" of a user gone. */
static const char *
who(struct req *r, uint64_t user_id, uint64_t *ids, const char **names, size_t *nknown)
{
	if (user_id == 0)
		return render_t(r, "tpl_by_system");
	for (size_t i = 0; i < *nknown; i++)
		if (ids[i] == user_id)
			return names[i];
	struct user u;
	struct session *s = r->session;
	const char *name = dbq_users_get(db_of(r), r->arena, s->tenant_id, s->key, user_id, &u) == 0
				   ? u.name
				   : arena_printf(r->arena, "#%llu", (unsigned long long)user_id);
	ids[*nknown] = user_id;
	names[(*nknown)++] = name;
	return name;
}

int
page_templates_versions_list(struct req *r)
{
	struct dbq_template t;
	struct conv_def d;
	int st = page_templates_load(r, &t, &d);
	if (st != 0)
		return st;
	struct dbq_template_version *vs;
	size_t n;
	int rc = dbq_templates_versions(db_of(r), r->arena, r->session->tenant_id, t.id, &vs, &n);
	if (rc != 0)
		return page_templates_status(rc);
	struct arena *a = r->arena;
	uint64_t *ids = arena_calloc(a, n, sizeof *ids);
	const char **names = arena_calloc(a, n, sizeof *names);
	size_t known = 0;
	struct view *v = render_root(r), *list = view_list(a);
	bool editor = r->session->role >= ROLE_EDITOR;
	for (size_t i = 0; i < n; i++) {
		struct view *o = view_obj(a);
		char buf[20];
		view_set_int(a, o, "version", vs[i].version);
		view_set_str(a, o, "note", vs[i].note);
		view_set_str(a, o, "who", who(r, vs[i].created_by, ids, names, &known));
		view_set_str(a, o, "at", arena_strdup(a, clock_jst_minute((time_t)vs[i].created_at, buf)));
		view_set_bool(a, o, "current", vs[i].version == t.current_version);
		view_set_bool(a, o, "can_rollback", editor && vs[i].version != t.current_version);
		view_set_str(a, o, "rollback_label", page_connections_t_n(r, "tpl_rollback_label", vs[i].version));
		view_push(a, list, o);
	}
	view_set_int(a, v, "id", (int64_t)t.id);
	view_set_str(a, v, "name", t.name);
	view_set_int(a, v, "current", t.current_version);
	view_set(a, v, "versions", list);
	view_set_bool(a, v, "can_compare", n > 1);
	view_set_int(a, v, "newest", n > 0 ? vs[0].version : 0);
	view_set_int(a, v, "previous", n > 1 ? vs[1].version : 0);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_versions", v, 200);
}

/* --- compare ------------------------------------------------------------------- */

enum match { M_NONE, M_SAME, M_CHANGED, M_MOVED, M_RENAMED };

static const char *
src_name(enum conv_source s)
{
	return s == CONV_SRC_FIELD ? "field" : s == CONV_SRC_FIXED ? "fixed" : "expr";
}

static bool
same_content(const struct conv_column *x, const struct conv_column *y)
{
	return x->source == y->source && strcmp(x->value, y->value) == 0;
}

/* pair[j] of b: the index in a + 1 of the column it continues (0: added). */
static void
match_columns(struct arena *ar, const struct conv_def *a, const struct conv_def *b, size_t *pair)
{
	bool *used = arena_calloc(ar, a->ncolumns + 1, sizeof *used);
	for (size_t j = 0; j < b->ncolumns; j++)
		for (size_t i = 0; i < a->ncolumns; i++)
			if (!used[i] && strcmp(a->columns[i].header, b->columns[j].header) == 0) {
				used[i] = true;
				pair[j] = i + 1;
				break;
			}
	for (size_t j = 0; j < b->ncolumns; j++)
		for (size_t i = 0; pair[j] == 0 && i < a->ncolumns; i++)
			if (!used[i] && same_content(&a->columns[i], &b->columns[j])) {
				used[i] = true;
				pair[j] = i + 1;
			}
}

static struct view *
diff_row(struct req *r, const char *status, const struct conv_column *x, size_t nx, const struct conv_column *y,
	 size_t ny)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	view_set_str(a, o, "status", status);
	view_set_str(a, o, "status_label", render_t(r, arena_printf(a, "tpl_diff_%s", status)));
	view_set_str(a, o, "status_class", strcmp(status, "same") == 0 ? "tag"
					    : strcmp(status, "removed") == 0 ? "tag-incident"
					    : strcmp(status, "added") == 0 ? "tag-change"
									  : "tag-maintenance");
	view_set_str(a, o, "n_a", nx ? arena_printf(a, "%zu", nx) : "—");
	view_set_str(a, o, "n_b", ny ? arena_printf(a, "%zu", ny) : "—");
	view_set_str(a, o, "header_a", x ? x->header : "");
	view_set_str(a, o, "header_b", y ? y->header : "");
	view_set_str(a, o, "source_a", x ? render_t(r, arena_printf(a, "tpl_src_%s", src_name(x->source))) : "");
	view_set_str(a, o, "source_b", y ? render_t(r, arena_printf(a, "tpl_src_%s", src_name(y->source))) : "");
	view_set_str(a, o, "value_a", x ? x->value : "");
	view_set_str(a, o, "value_b", y ? y->value : "");
	view_set_bool(a, o, "header_changed", x && y && strcmp(x->header, y->header) != 0);
	view_set_bool(a, o, "source_changed", x && y && x->source != y->source);
	view_set_bool(a, o, "value_changed", x && y && strcmp(x->value, y->value) != 0);
	return o;
}

static struct view *
columns_diff(struct req *r, const struct conv_def *a, const struct conv_def *b, size_t *changes)
{
	struct arena *ar = r->arena;
	size_t *pair = arena_calloc(ar, b->ncolumns + 1, sizeof *pair);
	bool *kept = arena_calloc(ar, a->ncolumns + 1, sizeof *kept);
	struct view *list = view_list(ar);
	match_columns(ar, a, b, pair);
	for (size_t j = 0; j < b->ncolumns; j++) {
		const struct conv_column *y = &b->columns[j], *x = pair[j] ? &a->columns[pair[j] - 1] : NULL;
		const char *status = "added";
		if (x != NULL) {
			kept[pair[j] - 1] = true;
			status = strcmp(x->header, y->header) != 0 ? "renamed"
				 : !same_content(x, y)            ? "changed"
				 : pair[j] != j + 1               ? "moved"
								  : "same";
		}
		if (strcmp(status, "same") != 0)
			(*changes)++;
		view_push(ar, list, diff_row(r, status, x, pair[j], y, j + 1));
	}
	for (size_t i = 0; i < a->ncolumns; i++)
		if (!kept[i]) {
			(*changes)++;
			view_push(ar, list, diff_row(r, "removed", &a->columns[i], i + 1, NULL, 0));
		}
	return list;
}

static const char *
sort_text(struct arena *a, const struct conv_def *d)
{
	struct buf b;
	buf_init(&b, a, 64);
	for (size_t i = 0; i < d->nsort; i++)
		buf_printf(&b, "%s%s%s", i ? ", " : "", d->sort[i].value, d->sort[i].desc ? " (desc)" : "");
	return buf_cstr(&b);
}

static void
option_row(struct req *r, struct view *list, const char *key, const char *x, const char *y)
{
	if (strcmp(x, y) == 0)
		return;
	struct view *o = view_obj(r->arena);
	view_set_str(r->arena, o, "label", render_t(r, key));
	view_set_str(r->arena, o, "a", x);
	view_set_str(r->arena, o, "b", y);
	view_push(r->arena, list, o);
}

static const char *
opt_label(struct req *r, const char *prefix, const char *value)
{
	return render_t(r, arena_printf(r->arena, "%s%s", prefix, value));
}

static struct view *
options_diff(struct req *r, const struct conv_def *a, const struct conv_def *b)
{
	struct arena *ar = r->arena;
	struct view *list = view_list(ar);
	struct tpl_form fa, fb;
	memset(&fa, 0, sizeof fa);
	memset(&fb, 0, sizeof fb);
	page_templates_form_from_def(r, &fa, a);
	page_templates_form_from_def(r, &fb, b);
	option_row(r, list, "tpl_header_row", render_t(r, fa.header_row ? "tpl_on" : "tpl_off"),
		   render_t(r, fb.header_row ? "tpl_on" : "tpl_off"));
	option_row(r, list, "tpl_encoding", opt_label(r, "tpl_enc_", fa.encoding),
		   opt_label(r, "tpl_enc_", fb.encoding));
	option_row(r, list, "tpl_eol", opt_label(r, "tpl_eol_", fa.eol), opt_label(r, "tpl_eol_", fb.eol));
	option_row(r, list, "tpl_quote", opt_label(r, "tpl_quote_", fa.quote), opt_label(r, "tpl_quote_", fb.quote));
	option_row(r, list, "tpl_unencodable", opt_label(r, "tpl_unenc_", fa.unencodable),
		   opt_label(r, "tpl_unenc_", fb.unencodable));
	option_row(r, list, "tpl_file_name", fa.file_name, fb.file_name);
	option_row(r, list, "tpl_filter", fa.filter, fb.filter);
	option_row(r, list, "tpl_sort", sort_text(ar, a), sort_text(ar, b));
	return list;
}

static int
load_version(struct req *r, uint64_t id, unsigned version, struct conv_def *d)
{
	struct dbq_template_version v;
	int rc = dbq_templates_version(db_of(r), r->arena, r->session->tenant_id, id, version, &v);
	if (rc != 0)
		return page_templates_status(rc);
	struct conv_def_error e;
	return conv_def_parse(r->arena, v.definition, strlen(v.definition), d, &e) == 0 ? 0 : 500;
}

int
page_templates_versions_compare(struct req *r)
{
	struct dbq_template t;
	struct conv_def cur, da, db;
	int st = page_templates_load(r, &t, &cur);
	if (st != 0)
		return st;
	const char *sa, *sb;
	if (listing_param(r, "a", 8, &sa) != 0 || listing_param(r, "b", 8, &sb) != 0)
		return 400;
	unsigned va = version_of(sa), vb = version_of(sb);
	if (va == 0 || vb == 0)
		return 400;
	if ((st = load_version(r, t.id, va, &da)) != 0 || (st = load_version(r, t.id, vb, &db)) != 0)
		return st;
	struct arena *a = r->arena;
	struct view *v = render_root(r);
	size_t changes = 0;
	view_set_int(a, v, "id", (int64_t)t.id);
	view_set_str(a, v, "name", t.name);
	view_set_int(a, v, "a", va);
	view_set_int(a, v, "b", vb);
	view_set(a, v, "columns", columns_diff(r, &da, &db, &changes));
	struct view *opts = options_diff(r, &da, &db);
	view_set(a, v, "options", opts);
	view_set_bool(a, v, "has_options", view_len(opts) > 0);
	view_set_bool(a, v, "identical", changes == 0 && view_len(opts) == 0);
	view_set_int(a, v, "changes", (int64_t)changes);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_compare", v, 200);
}

/* --- rollback -------------------------------------------------------------------- */

int
page_templates_versions_rollback(struct req *r)
{
	struct dbq_template t;
	struct conv_def d;
	int st = page_templates_load(r, &t, &d);
	if (st != 0)
		return st;
	const char *s = "";
	if (req_form(r, "version", &s) != 0)
		return 400;
	unsigned version = version_of(s), made = 0;
	if (version == 0 || version == t.current_version)
		return 400;
	int rc = dbq_templates_rollback(db_of(r), r->session->tenant_id, t.id, version, r->session->user_id, &made);
	if (rc != 0)
		return page_templates_status(rc);
	page_templates_record(r, "template.rollback", "template", t.id,
			      arena_printf(r->arena, "to=%u version=%u", version, made));
	render_flash_set(r, "tpl_rolled_back");
	return resp_redirect(r, arena_printf(r->arena, "/templates/%llu/versions", (unsigned long long)t.id));
}
