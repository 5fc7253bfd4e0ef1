/* page_templates_form.c: the template editor's state — read from a post or a definition, actions, checks, the view. */
#include "page_templates_form.h"

#include <stdlib.h>
#include <string.h>

#include "convert/conv_fields.h"
#include "convert/expr.h"
#include "core/err.h"
#include "db/dbq_templates.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_connections.h"
#include "pages/page_templates.h"
#include "pages/render.h"

/* The option lists: posted values, their message keys, and the definition's enums. */
struct option {
	const char *value;
	int code;
};

static const struct option encodings[] = {
	{ "cp932", CSV_CP932 }, { "utf8_bom", CSV_UTF8_BOM }, { "utf8", CSV_UTF8 }, { NULL, 0 } };
static const struct option eols[] = { { "crlf", 0 }, { "lf", 1 }, { NULL, 0 } };
static const struct option quotes[] = {
	{ "minimal", CSV_QUOTE_MINIMAL }, { "all", CSV_QUOTE_ALL }, { "nonnumeric", CSV_QUOTE_NONNUMERIC },
	{ NULL, 0 } };
static const struct option policies[] = {
	{ "fail", CP932_FAIL }, { "geta", CP932_REPLACE_GETA }, { "qmark", CP932_REPLACE_QMARK },
	{ "drop", CP932_DROP }, { NULL, 0 } };
static const struct option sources[] = {
	{ "field", CONV_SRC_FIELD }, { "fixed", CONV_SRC_FIXED }, { "expr", CONV_SRC_EXPR }, { NULL, 0 } };

/* The option whose value is s, or NULL. */
static const struct option *
option_of(const struct option *opts, const char *s)
{
	for (; s != NULL && opts->value != NULL; opts++)
		if (strcmp(opts->value, s) == 0)
			return opts;
	return NULL;
}

/* The value of the option with code, or the first one. */
static const char *
value_of(const struct option *opts, int code)
{
	for (const struct option *o = opts; o->value != NULL; o++)
		if (o->code == code)
			return o->value;
	return opts->value;
}

void
page_templates_form_init(struct req *r, struct tpl_form *f, enum conv_kind kind)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->name = "";
	f->note = "";
	f->header_row = true;
	f->encoding = "cp932";
	f->eol = "crlf";
	f->quote = "minimal";
	f->unencodable = "fail";
	f->file_name = arena_printf(r->arena, "%s_{yyyyMMdd_HHmmss}.csv", conv_kind_name(kind));
	f->filter = "";
	const struct expr_catalog *cat = conv_fields_catalog(kind);
	f->cols = arena_calloc(r->arena, 1, sizeof *f->cols);
	f->ncols = 1;
	f->cols[0].source = "field";
	f->cols[0].value = cat != NULL && cat->count > 0 ? cat->fields[0].name : "";
	f->cols[0].header = cat != NULL && cat->count > 0 && cat->fields[0].label ? cat->fields[0].label
										 : f->cols[0].value;
}

void
page_templates_form_from_def(struct req *r, struct tpl_form *f, const struct conv_def *d)
{
	f->kind = d->kind;
	f->note = "";
	f->header_row = d->header_row;
	f->encoding = value_of(encodings, (int)d->encoding);
	f->eol = strcmp(d->eol, "\n") == 0 ? "lf" : "crlf";
	f->quote = value_of(quotes, (int)d->quote);
	f->unencodable = value_of(policies, (int)d->unencodable);
	f->file_name = d->file_name;
	f->filter = d->filter ? d->filter : "";
	f->ncols = d->ncolumns;
	f->cols = arena_calloc(r->arena, d->ncolumns ? d->ncolumns : 1, sizeof *f->cols);
	for (size_t i = 0; i < d->ncolumns; i++) {
		f->cols[i].header = d->columns[i].header;
		f->cols[i].source = value_of(sources, (int)d->columns[i].source);
		f->cols[i].value = d->columns[i].value;
	}
	f->nsort = d->nsort < CONV_MAX_SORT ? d->nsort : CONV_MAX_SORT;
	for (size_t i = 0; i < f->nsort; i++) {
		f->sort[i].value = d->sort[i].value;
		f->sort[i].desc = d->sort[i].desc;
	}
}

/* --- reading the post ---------------------------------------------------- */

/* The single value of a body field ("" when absent); -1 when repeated. */
static int
field(struct req *r, const char *name, const char **out)
{
	int rc = req_form(r, name, out);
	if (rc == -ERR_NOT_FOUND)
		*out = "";
	return rc == -ERR_CONFLICT ? -1 : 0;
}

static int
fieldf(struct req *r, const char *prefix, size_t i, const char **out)
{
	return field(r, arena_printf(r->arena, "%s_%zu", prefix, i), out);
}

/* An option field: its value must be one of opts. */
static int
option_field(struct req *r, const char *name, const struct option *opts, const char **out)
{
	if (field(r, name, out) != 0 || option_of(opts, *out) == NULL)
		return -1;
	return 0;
}

/* A plain decimal count 0..max. */
static int
count_field(struct req *r, const char *name, size_t max, size_t *out)
{
	const char *s;
	if (field(r, name, &s) != 0 || *s == '\0' || strlen(s) > 6 || strspn(s, "0123456789") != strlen(s))
		return -1;
	*out = (size_t)strtoul(s, NULL, 10);
	return *out <= max ? 0 : -1;
}

static const char *
trimmed(struct req *r, const char *s)
{
	size_t n = strlen(s);
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++, n--;
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return arena_strndup(r->arena, s, n);
}

int
page_templates_form_read(struct req *r, struct tpl_form *f)
{
	const char *s;
	if (f->kind == 0 && (field(r, "kind", &s) != 0 || conv_kind_parse(s, &f->kind) != 0))
		return 400;
	if (field(r, "name", &s) != 0)
		return 400;
	f->name = trimmed(r, s);
	if (field(r, "note", &f->note) != 0 || field(r, "header_row", &s) != 0)
		return 400;
	f->header_row = strcmp(s, "1") == 0;
	if (option_field(r, "encoding", encodings, &f->encoding) != 0 ||
	    option_field(r, "eol", eols, &f->eol) != 0 || option_field(r, "quote", quotes, &f->quote) != 0 ||
	    option_field(r, "unencodable", policies, &f->unencodable) != 0 ||
	    field(r, "file_name", &f->file_name) != 0 || field(r, "filter", &f->filter) != 0)
		return 400;
	size_t rows;
	if (count_field(r, "rows", CONV_MAX_COLUMNS + 1, &rows) != 0)
		return 400;
	f->cols = arena_calloc(r->arena, rows + 1, sizeof *f->cols);
	f->ncols = rows;
	for (size_t i = 0; i < rows; i++) {
		struct tpl_col *c = &f->cols[i];
		if (fieldf(r, "col_header", i, &c->header) != 0 || fieldf(r, "col_value", i, &c->value) != 0 ||
		    fieldf(r, "col_source", i, &c->source) != 0 || option_of(sources, c->source) == NULL)
			return 400;
	}
	f->nsort = 0;
	for (size_t i = 0; i < CONV_MAX_SORT; i++) {
		const char *v, *desc;
		if (fieldf(r, "sort_value", i, &v) != 0 || fieldf(r, "sort_desc", i, &desc) != 0)
			return 400;
		if (*v == '\0')
			continue;
		f->sort[f->nsort].value = v;
		f->sort[f->nsort++].desc = strcmp(desc, "1") == 0;
	}
	return 0;
}

/* --- row actions --------------------------------------------------------- */

/* "del:3" → 3 when op starts with verb and the row exists. */
static bool
row_of(const char *op, const char *verb, size_t nrows, size_t *row)
{
	size_t n = strlen(verb);
	if (strncmp(op, verb, n) != 0 || op[n] != ':' || op[n + 1] == '\0' || strlen(op + n + 1) > 4 ||
	    strspn(op + n + 1, "0123456789") != strlen(op + n + 1))
		return false;
	*row = (size_t)strtoul(op + n + 1, NULL, 10);
	return *row < nrows;
}

static void
swap(struct tpl_col *a, struct tpl_col *b)
{
	struct tpl_col t = *a;
	*a = *b;
	*b = t;
}

int
page_templates_form_apply(struct req *r, struct tpl_form *f, const char *op)
{
	size_t i;
	if (strcmp(op, "refresh") == 0)
		return 0;
	if (strcmp(op, "add") == 0) {
		if (f->ncols >= CONV_MAX_COLUMNS) {
			f->error = page_connections_t_n(r, "tpl_err_max_columns", CONV_MAX_COLUMNS);
			return 0;
		}
		struct tpl_col *c = &f->cols[f->ncols++]; /* read() left room for one more */
		memset(c, 0, sizeof *c);
		c->header = "";
		c->source = "field";
		c->value = "";
		return 0;
	}
	if (row_of(op, "del", f->ncols, &i)) {
		if (f->ncols == 1) {
			f->error = render_t(r, "tpl_err_last_column");
			return 0;
		}
		memmove(&f->cols[i], &f->cols[i + 1], (f->ncols - i - 1) * sizeof *f->cols);
		f->ncols--;
		return 0;
	}
	if (row_of(op, "up", f->ncols, &i)) {
		if (i > 0)
			swap(&f->cols[i - 1], &f->cols[i]);
		return 0;
	}
	if (row_of(op, "down", f->ncols, &i)) {
		if (i + 1 < f->ncols)
			swap(&f->cols[i], &f->cols[i + 1]);
		return 0;
	}
	return 400;
}

/* --- checking ------------------------------------------------------------ */

/* Put the validator's message beside the input it names. */
static void
place(struct req *r, struct tpl_form *f, const struct conv_def_error *e)
{
	const char *msg = arena_strdup(r->arena, e->msg[0] ? e->msg : render_t(r, "tpl_err_invalid"));
	const char *p = e->part;
	if (e->column >= 1 && e->column <= f->ncols) {
		struct tpl_col *c = &f->cols[e->column - 1];
		if (strcmp(p, "header") == 0)
			c->header_err = msg;
		else
			c->value_err = msg;
	} else if (strcmp(p, "filter") == 0) {
		f->filter_err = msg;
	} else if (strcmp(p, "sort") == 0) {
		f->sort_err = msg;
	} else if (strcmp(p, "file_name") == 0) {
		f->file_name_err = msg;
	} else if (strcmp(p, "encoding") == 0 || strcmp(p, "eol") == 0 || strcmp(p, "quote") == 0 ||
		   strcmp(p, "unencodable") == 0 || strcmp(p, "header_row") == 0) {
		f->options_err = msg;
	} else {
		f->error = msg;
	}
}

bool
page_templates_form_check(struct req *r, struct tpl_form *f, bool saving, struct conv_def *d)
{
	struct arena *a = r->arena;
	bool ok = true;
	if (saving && !page_templates_text_ok(f->name, 1, DBQ_TEMPLATES_NAME_MAX)) {
		f->name_err = render_t(r, "tpl_err_name");
		ok = false;
	}
	memset(d, 0, sizeof *d);
	d->kind = f->kind;
	d->ncolumns = f->ncols;
	d->columns = arena_calloc(a, f->ncols ? f->ncols : 1, sizeof *d->columns);
	for (size_t i = 0; i < f->ncols; i++) {
		d->columns[i].header = f->cols[i].header;
		d->columns[i].source = (enum conv_source)option_of(sources, f->cols[i].source)->code;
		d->columns[i].value = f->cols[i].value;
	}
	d->filter = f->filter;
	d->nsort = f->nsort;
	d->sort = arena_calloc(a, f->nsort ? f->nsort : 1, sizeof *d->sort);
	for (size_t i = 0; i < f->nsort; i++) {
		d->sort[i].value = f->sort[i].value;
		d->sort[i].desc = f->sort[i].desc;
	}
	d->header_row = f->header_row;
	d->encoding = (enum csv_encoding)option_of(encodings, f->encoding)->code;
	d->eol = strcmp(f->eol, "lf") == 0 ? "\n" : "\r\n";
	d->quote = (enum csv_quote)option_of(quotes, f->quote)->code;
	d->unencodable = (enum cp932_policy)option_of(policies, f->unencodable)->code;
	d->file_name = f->file_name;
	struct conv_def_error e;
	memset(&e, 0, sizeof e);
	if (conv_def_validate(a, d, &e) != 0) {
		place(r, f, &e);
		ok = false;
	}
	return ok;
}

/* --- the view ------------------------------------------------------------ */

static struct view *
options_view(struct req *r, const struct option *opts, const char *prefix, const char *chosen)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	for (const struct option *o = opts; o->value != NULL; o++) {
		struct view *v = view_obj(a);
		view_set_str(a, v, "value", o->value);
		view_set_str(a, v, "label", render_t(r, arena_printf(a, "%s%s", prefix, o->value)));
		view_set_bool(a, v, "selected", strcmp(o->value, chosen) == 0);
		view_push(a, list, v);
	}
	return list;
}

/* The kind's fields as <option>s, value selected; an unknown value stays as
 * typed, as an extra option saying so. */
static struct view *
field_options(struct req *r, const struct expr_catalog *cat, const char *value)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	bool found = false;
	struct view *none = view_obj(a);
	view_set_str(a, none, "value", "");
	view_set_str(a, none, "label", render_t(r, "tpl_field_choose"));
	view_set_bool(a, none, "selected", *value == '\0');
	view_push(a, list, none);
	for (size_t i = 0; cat != NULL && i < cat->count; i++) {
		const struct expr_field *fd = &cat->fields[i];
		bool sel = strcmp(fd->name, value) == 0 || (fd->label != NULL && strcmp(fd->label, value) == 0);
		struct view *v = view_obj(a);
		view_set_str(a, v, "value", sel ? value : fd->name);
		view_set_str(a, v, "label", fd->label ? arena_printf(a, "%s (%s)", fd->label, fd->name) : fd->name);
		view_set_bool(a, v, "selected", sel && !found);
		found = found || sel;
		view_push(a, list, v);
	}
	if (!found && *value != '\0') {
		struct view *v = view_obj(a);
		view_set_str(a, v, "value", value);
		view_set_str(a, v, "label", arena_printf(a, "%s: %s", render_t(r, "tpl_field_unknown"), value));
		view_set_bool(a, v, "selected", true);
		view_push(a, list, v);
	}
	return list;
}

static const char *
row_label(struct req *r, const char *key, size_t n)
{
	return page_connections_t_n(r, key, (long long)n);
}

static struct view *
cols_view(struct req *r, const struct tpl_form *f, const struct expr_catalog *cat)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	for (size_t i = 0; i < f->ncols; i++) {
		const struct tpl_col *c = &f->cols[i];
		struct view *v = view_obj(a);
		view_set_int(a, v, "i", (int64_t)i);
		view_set_int(a, v, "n", (int64_t)(i + 1));
		view_set_str(a, v, "header", c->header);
		view_set_str(a, v, "source", c->source);
		view_set(a, v, "sources", options_view(r, sources, "tpl_src_", c->source));
		view_set_bool(a, v, "is_field", strcmp(c->source, "field") == 0);
		view_set_str(a, v, "value", c->value);
		if (strcmp(c->source, "field") == 0)
			view_set(a, v, "field_options", field_options(r, cat, c->value));
		view_set_str(a, v, "header_err", c->header_err ? c->header_err : "");
		view_set_str(a, v, "value_err", c->value_err ? c->value_err : "");
		view_set_bool(a, v, "first", i == 0);
		view_set_bool(a, v, "last", i + 1 == f->ncols);
		view_set_str(a, v, "header_label", row_label(r, "tpl_row_header", i + 1));
		view_set_str(a, v, "source_label", row_label(r, "tpl_row_source", i + 1));
		view_set_str(a, v, "value_label", row_label(r, "tpl_row_value", i + 1));
		view_set_str(a, v, "up_label", row_label(r, "tpl_row_up", i + 1));
		view_set_str(a, v, "down_label", row_label(r, "tpl_row_down", i + 1));
		view_set_str(a, v, "del_label", row_label(r, "tpl_row_del", i + 1));
		view_push(a, list, v);
	}
	return list;
}

static struct view *
sorts_view(struct req *r, const struct tpl_form *f)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	size_t shown = f->nsort < CONV_MAX_SORT ? f->nsort + 1 : CONV_MAX_SORT;
	for (size_t i = 0; i < shown; i++) {
		struct view *v = view_obj(a);
		view_set_int(a, v, "i", (int64_t)i);
		view_set_int(a, v, "n", (int64_t)(i + 1));
		view_set_str(a, v, "value", i < f->nsort ? f->sort[i].value : "");
		view_set_bool(a, v, "desc", i < f->nsort && f->sort[i].desc);
		view_push(a, list, v);
	}
	return list;
}

static struct view *
help_view(struct req *r, const struct expr_catalog *cat, struct view *fns)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	for (size_t i = 0; cat != NULL && i < cat->count; i++) {
		struct view *v = view_obj(a);
		view_set_str(a, v, "name", cat->fields[i].name);
		view_set_str(a, v, "label", cat->fields[i].label ? cat->fields[i].label : "");
		view_push(a, list, v);
	}
	const struct expr_fn_info *fi;
	for (size_t i = 0; (fi = expr_fn_help(i)) != NULL; i++) {
		struct view *v = view_obj(a);
		view_set_str(a, v, "name", fi->name);
		view_set_str(a, v, "usage", fi->usage);
		view_set_str(a, v, "help", fi->help);
		view_push(a, fns, v);
	}
	return list;
}

/* The ids of one copy of the 保存 / プレビュー buttons (templates/conv/tpl_buttons.html). */
static struct view *
buttons(struct req *r, const char *save_id, const char *preview_id)
{
	struct view *v = view_obj(r->arena);
	view_set_str(r->arena, v, "save_id", save_id);
	view_set_str(r->arena, v, "preview_id", preview_id);
	return v;
}

static void
set_opt_str(struct arena *a, struct view *v, const char *key, const char *s)
{
	view_set_str(a, v, key, s ? s : "");
}

void
page_templates_form_view(struct req *r, const struct tpl_form *f, struct view *root)
{
	struct arena *a = r->arena;
	const struct expr_catalog *cat = conv_fields_catalog(f->kind);
	struct view *v = view_obj(a), *fns = view_list(a);
	view_set_int(a, v, "id", (int64_t)f->id);
	view_set_bool(a, v, "is_new", f->id == 0);
	view_set_str(a, v, "kind", conv_kind_name(f->kind));
	view_set_str(a, v, "kind_label", conv_kind_label(f->kind));
	view_set_str(a, v, "name", f->name);
	view_set_str(a, v, "note", f->note ? f->note : "");
	view_set_bool(a, v, "header_row", f->header_row);
	view_set_str(a, v, "encoding", f->encoding);
	view_set_str(a, v, "eol", f->eol);
	view_set_str(a, v, "quote", f->quote);
	view_set_str(a, v, "unencodable", f->unencodable);
	view_set(a, v, "encodings", options_view(r, encodings, "tpl_enc_", f->encoding));
	view_set(a, v, "eols", options_view(r, eols, "tpl_eol_", f->eol));
	view_set(a, v, "quotes", options_view(r, quotes, "tpl_quote_", f->quote));
	view_set(a, v, "policies", options_view(r, policies, "tpl_unenc_", f->unencodable));
	view_set_str(a, v, "file_name", f->file_name);
	view_set_str(a, v, "filter", f->filter);
	view_set(a, v, "sorts", sorts_view(r, f));
	view_set(a, v, "cols", cols_view(r, f, cat));
	view_set_int(a, v, "rows", (int64_t)f->ncols);
	set_opt_str(a, v, "name_err", f->name_err);
	set_opt_str(a, v, "filter_err", f->filter_err);
	set_opt_str(a, v, "sort_err", f->sort_err);
	set_opt_str(a, v, "file_name_err", f->file_name_err);
	set_opt_str(a, v, "options_err", f->options_err);
	set_opt_str(a, v, "error", f->error);
	view_set(a, v, "help_fields", help_view(r, cat, fns));
	view_set(a, v, "functions", fns);
	view_set(a, v, "buttons_top", buttons(r, "tpl-save", "tpl-preview"));
	view_set(a, v, "buttons_bottom", buttons(r, "tpl-save-bottom", "tpl-preview-bottom"));
	view_set(a, root, "tpl", v);
}
