/* page_lookups.c: code mapping tables (コード変換表) for lookup() — tables, their entries, and the shared page. */
#include "page_lookups.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/dbq_lookup.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/page_connections.h"
#include "pages/page_templates.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define ENTRIES_PAGE 50
#define ENTRIES_MAX_PAGE 10000
#define DESCRIPTION_MAX 500
#define SEARCH_MAX 100

/* What a page shows besides the stored data: values as entered and messages. */
struct lk_state {
	const char *name, *description, *name_err, *desc_err;
	const char *key, *value, *entry_err;
	const char *const *import_errs;
	size_t nimport;
	const char *error;
};

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

static bool
can_edit(struct req *r)
{
	return r->session->role >= ROLE_EDITOR;
}

/* The single value of a body field ("" when absent); -1 when repeated. */
static int
field(struct req *r, const char *name, const char **out)
{
	int rc = req_form(r, name, out);
	if (rc == -ERR_NOT_FOUND)
		*out = "";
	return rc == -ERR_CONFLICT ? -1 : 0;
}

static const char *
jst_minute(struct req *r, int64_t t)
{
	char buf[20];
	return t > 0 ? arena_strdup(r->arena, clock_jst_minute((time_t)t, buf)) : "";
}

static struct view *
table_view(struct req *r, const struct dbq_lookup_table *t)
{
	struct arena *a = r->arena;
	struct view *o = view_obj(a);
	view_set_int(a, o, "id", (int64_t)t->id);
	view_set_str(a, o, "name", t->name);
	view_set_str(a, o, "description", t->description ? t->description : "");
	view_set_int(a, o, "entries", (int64_t)t->entries);
	view_set_str(a, o, "updated", jst_minute(r, t->updated_at));
	return o;
}

static void
state_view(struct req *r, struct view *v, const struct lk_state *s)
{
	struct arena *a = r->arena;
	view_set_str(a, v, "f_name", s->name ? s->name : "");
	view_set_str(a, v, "f_description", s->description ? s->description : "");
	view_set_str(a, v, "name_err", s->name_err ? s->name_err : "");
	view_set_str(a, v, "desc_err", s->desc_err ? s->desc_err : "");
	view_set_str(a, v, "f_key", s->key ? s->key : "");
	view_set_str(a, v, "f_value", s->value ? s->value : "");
	view_set_str(a, v, "entry_err", s->entry_err ? s->entry_err : "");
	view_set_str(a, v, "error", s->error ? s->error : "");
	struct view *errs = view_list(a);
	for (size_t i = 0; i < s->nimport; i++)
		view_push(a, errs, view_str(a, s->import_errs[i]));
	view_set(a, v, "import_errors", errs);
	view_set_bool(a, v, "has_import_errors", s->nimport > 0);
	view_set_bool(a, v, "can_edit", can_edit(r));
}

int
page_lookups_done(struct req *r, const char *action, unsigned long long id, const char *extra, const char *flash)
{
	page_templates_record(r, action, "lookup", id, extra);
	render_flash_set(r, flash);
	return resp_redirect(r, arena_printf(r->arena, "/lookups/%llu", id));
}

/* --- the list ---------------------------------------------------------------- */

static int
render_list(struct req *r, const struct lk_state *s)
{
	struct dbq_lookup_table *ts = NULL;
	size_t n = 0;
	int rc = dbq_lookup_list(db_of(r), r->arena, r->session->tenant_id, &ts, &n);
	if (rc != 0)
		return page_templates_status(rc);
	struct arena *a = r->arena;
	struct view *v = render_root(r), *list = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, list, table_view(r, &ts[i]));
	view_set(a, v, "tables", list);
	view_set_bool(a, v, "has_tables", n > 0);
	view_set_str(a, v, "name_help", render_t(r, "lookup_name_help"));
	state_view(r, v, s);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/lookup_list", v, 200);
}

int
page_lookups_list(struct req *r)
{
	struct lk_state s;
	memset(&s, 0, sizeof s);
	return render_list(r, &s);
}

/* The name and description of the form, checked; false with messages in s. */
static int
read_table_form(struct req *r, struct lk_state *s, bool *ok)
{
	if (field(r, "name", &s->name) != 0 || field(r, "description", &s->description) != 0)
		return 400;
	*ok = true;
	if (!page_templates_text_ok(s->name, 1, DBQ_LOOKUP_NAME_MAX)) {
		s->name_err = render_t(r, "lookup_err_name");
		*ok = false;
	}
	if (!page_templates_text_ok(s->description, 0, DESCRIPTION_MAX)) {
		s->desc_err = render_t(r, "lookup_err_description");
		*ok = false;
	}
	return 0;
}

int
page_lookups_create(struct req *r)
{
	struct lk_state s;
	bool ok;
	memset(&s, 0, sizeof s);
	int st = read_table_form(r, &s, &ok);
	if (st != 0)
		return st;
	if (!ok)
		return render_list(r, &s);
	uint64_t id = 0;
	int rc = dbq_lookup_create(db_of(r), r->session->tenant_id, s.name, s.description, &id);
	if (rc == -ERR_CONFLICT) {
		s.name_err = render_t(r, "lookup_err_name_taken");
		return render_list(r, &s);
	}
	if (rc != 0)
		return page_templates_status(rc);
	return page_lookups_done(r, "lookup.create", id, "", "lookup_created");
}

/* --- one table --------------------------------------------------------------- */

int
page_lookups_load(struct req *r, struct dbq_lookup_table *t)
{
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	int rc = dbq_lookup_get(db_of(r), r->arena, r->session->tenant_id, (uint64_t)id, t);
	return rc == 0 ? 0 : page_templates_status(rc);
}

/* The entries of page `page` among those matching q, into v. 0 or a status. */
static int
entries_view(struct req *r, const struct dbq_lookup_table *t, struct view *v, size_t page, const char *q)
{
	struct dbq_lookup_entry *es = NULL;
	size_t n = 0, total = 0;
	int rc = dbq_lookup_entries(db_of(r), r->arena, r->session->tenant_id, t->id, &es, &n);
	if (rc != 0)
		return page_templates_status(rc);
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	size_t first = (page - 1) * ENTRIES_PAGE;
	for (size_t i = 0; i < n; i++) {
		if (*q && strstr(es[i].key, q) == NULL && strstr(es[i].value, q) == NULL)
			continue;
		if (total++ < first || total > first + ENTRIES_PAGE)
			continue;
		struct view *o = view_obj(a);
		view_set_int(a, o, "n", (int64_t)total);
		view_set_str(a, o, "key", es[i].key);
		view_set_str(a, o, "value", es[i].value);
		view_push(a, list, o);
	}
	view_set(a, v, "entries", list);
	view_set_bool(a, v, "has_entries", view_len(list) > 0);
	view_set_str(a, v, "q", q);
	listing_pager(r, v, page, total, ENTRIES_PAGE);
	return 0;
}

static int
render_show(struct req *r, const struct dbq_lookup_table *t, const struct lk_state *s, size_t page,
	    const char *q)
{
	struct view *v = render_root(r);
	int st = entries_view(r, t, v, page, q);
	if (st != 0)
		return st;
	view_set(r->arena, v, "table", table_view(r, t));
	view_set_int(r->arena, v, "id", (int64_t)t->id); /* for the per-entry forms' action */
	struct lk_state shown = *s;
	if (shown.name == NULL) {
		shown.name = t->name;
		shown.description = t->description;
	}
	view_set_str(r->arena, v, "name_help", render_t(r, "lookup_rename_help"));
	state_view(r, v, &shown);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/lookup_show", v, 200);
}

int
page_lookups_render_import(struct req *r, const struct dbq_lookup_table *t, const char *const *errs, size_t n)
{
	struct lk_state s;
	memset(&s, 0, sizeof s);
	s.import_errs = errs;
	s.nimport = n;
	return render_show(r, t, &s, 1, "");
}

int
page_lookups_show(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	const char *p, *q;
	size_t page;
	if (listing_param(r, "page", 8, &p) != 0 || listing_page(p, ENTRIES_MAX_PAGE, &page) != 0 ||
	    listing_param(r, "q", SEARCH_MAX * 4, &q) != 0 || !page_templates_text_ok(q, 0, SEARCH_MAX))
		return 400;
	struct lk_state s;
	memset(&s, 0, sizeof s);
	return render_show(r, &t, &s, page, q);
}

int
page_lookups_update(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	struct lk_state s;
	bool ok;
	memset(&s, 0, sizeof s);
	if ((st = read_table_form(r, &s, &ok)) != 0)
		return st;
	if (!ok)
		return render_show(r, &t, &s, 1, "");
	int rc = dbq_lookup_update(db_of(r), r->session->tenant_id, t.id, s.name, s.description);
	if (rc == -ERR_CONFLICT) {
		s.name_err = render_t(r, "lookup_err_name_taken");
		return render_show(r, &t, &s, 1, "");
	}
	if (rc != 0)
		return page_templates_status(rc);
	return page_lookups_done(r, "lookup.update", t.id, strcmp(s.name, t.name) ? "renamed=yes" : "renamed=no",
				 "lookup_updated");
}

int
page_lookups_delete(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	const char *c;
	if (field(r, "confirm", &c) != 0)
		return 400;
	if (strcmp(c, "1") != 0) {
		struct lk_state s;
		memset(&s, 0, sizeof s);
		s.error = render_t(r, "lookup_err_confirm");
		return render_show(r, &t, &s, 1, "");
	}
	int rc = dbq_lookup_delete(db_of(r), r->session->tenant_id, t.id);
	if (rc != 0)
		return page_templates_status(rc);
	page_templates_record(r, "lookup.delete", "lookup", t.id,
			      arena_printf(r->arena, "entries=%zu", t.entries));
	render_flash_set(r, "lookup_deleted");
	return resp_redirect(r, "/lookups");
}

/* --- entries ----------------------------------------------------------------- */

static int
entry_cmp(const void *x, const void *y)
{
	return strcmp(((const struct dbq_lookup_entry *)x)->key, ((const struct dbq_lookup_entry *)y)->key);
}

/* The position of key in es[0..n) sorted by key (bytewise), or where it goes. */
static size_t
find(const struct dbq_lookup_entry *es, size_t n, const char *key, bool *found)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(es[mid].key, key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Apply op to the entries es[0..n) (replaced when one is added); a refusal
 * leaves them and puts a message key in *msg. */
static void
entry_change(struct req *r, const char *op, const char *key, const char *value, struct dbq_lookup_entry **es,
	     size_t *n, const char **msg)
{
	bool found;
	for (size_t i = 1; i < *n; i++) /* the stored order is by key; keep it for the search */
		if (strcmp((*es)[i - 1].key, (*es)[i].key) > 0) {
			qsort(*es, *n, sizeof **es, entry_cmp);
			break;
		}
	size_t at = find(*es, *n, key, &found);
	if (strcmp(op, "delete") == 0) {
		if (!found) {
			*msg = "lookup_err_no_entry";
			return;
		}
		memmove(&(*es)[at], &(*es)[at + 1], (*n - at - 1) * sizeof **es);
		(*n)--;
		return;
	}
	if (found) {
		(*es)[at].value = value;
		return;
	}
	if (*n >= DBQ_LOOKUP_ENTRIES_MAX) {
		*msg = "lookup_err_too_many";
		return;
	}
	struct dbq_lookup_entry *grown = arena_calloc(r->arena, *n + 1, sizeof *grown);
	if (at > 0)
		memcpy(grown, *es, at * sizeof *grown);
	grown[at].key = key;
	grown[at].value = value;
	if (*n > at)
		memcpy(grown + at + 1, *es + at, (*n - at) * sizeof *grown);
	*es = grown;
	(*n)++;
}

int
page_lookups_entries(struct req *r)
{
	struct dbq_lookup_table t;
	int st = page_lookups_load(r, &t);
	if (st != 0)
		return st;
	struct lk_state s;
	const char *op;
	memset(&s, 0, sizeof s);
	if (field(r, "op", &op) != 0 || field(r, "key", &s.key) != 0 || field(r, "value", &s.value) != 0 ||
	    (strcmp(op, "set") != 0 && strcmp(op, "delete") != 0))
		return 400;
	if (!page_templates_text_ok(s.key, 1, DBQ_LOOKUP_KEY_MAX))
		s.entry_err = page_connections_t_n(r, "lookup_err_key", DBQ_LOOKUP_KEY_MAX);
	else if (strcmp(op, "set") == 0 && !page_templates_text_ok(s.value, 0, DBQ_LOOKUP_VALUE_MAX))
		s.entry_err = page_connections_t_n(r, "lookup_err_value", DBQ_LOOKUP_VALUE_MAX);
	if (s.entry_err != NULL)
		return render_show(r, &t, &s, 1, "");
	struct dbq_lookup_entry *es = NULL;
	size_t n = 0;
	const char *msg = NULL;
	int rc = dbq_lookup_entries(db_of(r), r->arena, r->session->tenant_id, t.id, &es, &n);
	if (rc != 0)
		return page_templates_status(rc);
	entry_change(r, op, s.key, s.value, &es, &n, &msg);
	if (msg != NULL) {
		s.entry_err = render_t(r, msg);
		return render_show(r, &t, &s, 1, "");
	}
	if ((rc = dbq_lookup_replace(db_of(r), r->session->tenant_id, t.id, es, n)) != 0)
		return page_templates_status(rc);
	bool del = strcmp(op, "delete") == 0;
	return page_lookups_done(r, del ? "lookup.entry_delete" : "lookup.entry_set", t.id,
				 arena_printf(r->arena, "entries=%zu", n),
				 del ? "lookup_entry_deleted" : "lookup_entry_saved");
}
