/* page_templates_preview.c: a template run on the latest 20 real records — the table, the exact bytes, issues, download. */
#include "page_templates_preview.h"

#include <string.h>

#include "auth/session.h"
#include "convert/conv_def.h"
#include "convert/conv_fields.h"
#include "convert/conv_run.h"
#include "convert/cp932.h"
#include "convert/csv_read.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_convsrc.h"
#include "db/dbq_lookup.h"
#include "db/dbq_orders.h"
#include "db/dbq_templates.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_orders.h"
#include "pages/page_templates.h"
#include "pages/page_templates_edit.h"
#include "pages/page_templates_form.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define HEX_BYTES 4096
#define PREVIEW_MAX_BYTES (8u * 1024u * 1024u)
#define PREVIEW_MAX_ISSUES 200

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

/* --- masking for viewers --------------------------------------------------- */

enum mask { M_NONE, M_NAME, M_EMAIL, M_PHONE, M_REMOVE };

/* How a catalog field is shown to a viewer: the buyer's and the ship-to's
 * personal data is masked like the order page does; their prefecture, city
 * and country stay; anything else of theirs is removed. */
static enum mask
mask_of(const char *name)
{
	const char *dot = strchr(name, '.');
	if (dot == NULL || (strncmp(name, "buyer.", 6) != 0 && strncmp(name, "ship.", 5) != 0))
		return M_NONE;
	const char *f = dot + 1;
	if (strcmp(f, "name") == 0 || strcmp(f, "kana") == 0)
		return M_NAME;
	if (strcmp(f, "email") == 0)
		return M_EMAIL;
	if (strcmp(f, "phone") == 0)
		return M_PHONE;
	if (strcmp(f, "prefecture") == 0 || strcmp(f, "city") == 0 || strcmp(f, "country") == 0)
		return M_NONE;
	return M_REMOVE;
}

static void
mask_records(struct arena *a, enum conv_kind kind, struct conv_record *recs, size_t n)
{
	const struct expr_catalog *cat = conv_fields_catalog(kind);
	for (size_t f = 0; cat != NULL && f < cat->count; f++) {
		enum mask m = mask_of(cat->fields[f].name);
		for (size_t i = 0; m != M_NONE && i < n; i++) {
			struct expr_value *v = &recs[i].values[f];
			if (v->type != EXPR_TEXT)
				continue;
			const char *s = arena_strndup(a, v->s, v->len);
			s = m == M_NAME ? page_orders_mask_name(a, s)
			    : m == M_EMAIL ? page_orders_mask_email(a, s)
			    : m == M_PHONE ? page_orders_mask_phone(a, s)
					   : "";
			v->s = s;
			v->len = strlen(s);
		}
	}
}

/* --- the run --------------------------------------------------------------- */

/* The records of d's kind the user may see: the newest 20 of the allowed
 * connections (masked for viewers). 0 or a status. */
static int
records(struct req *r, const struct conv_def *d, struct conv_record **recs, size_t *n)
{
	struct session *s = r->session;
	struct arena *a = r->arena;
	struct dbq_convsrc_query q;
	memset(&q, 0, sizeof q);
	*n = 0;
	if (s->restrict_connections) {
		struct dbq_orders_conn *conns;
		size_t nc = 0;
		int rc = dbq_orders_connections(db_of(r), a, s->tenant_id, s->user_id, true, &conns, &nc);
		if (rc != 0)
			return page_templates_status(rc);
		if (nc == 0)
			return 0; /* 0 connections would mean all of them */
		uint64_t *ids = arena_calloc(a, nc, sizeof *ids);
		for (size_t i = 0; i < nc; i++)
			ids[i] = conns[i].id;
		q.connections = ids;
		q.nconnections = nc;
	}
	q.tenant_id = s->tenant_id;
	q.key = s->key;
	q.kind = d->kind;
	q.latest = PAGE_TEMPLATES_PREVIEW_RECORDS;
	int rc = dbq_convsrc_read(db_of(r), a, &q, recs, n);
	if (rc != 0) {
		log_event(LOG_ERROR, "template_preview_read_failed", LOG_S("error", err_name(rc)));
		return page_templates_status(rc);
	}
	if (s->role < ROLE_EDITOR)
		mask_records(a, d->kind, *recs, *n);
	return 0;
}

static int
run(struct req *r, const struct conv_def *d, struct conv_result *res)
{
	struct conv_record *recs = NULL;
	size_t n = 0;
	int st = records(r, d, &recs, &n);
	if (st != 0)
		return st;
	struct conv_run_opts o;
	memset(&o, 0, sizeof o);
	o.lookup = dbq_lookup_cache_fn;
	o.lookup_ctx = dbq_lookup_cache_new(db_of(r), r->arena, r->session->tenant_id);
	o.now_ms = clock_now_ms();
	o.max_issues = PREVIEW_MAX_ISSUES;
	o.max_bytes = PREVIEW_MAX_BYTES;
	int rc = conv_run(r->arena, d, recs, n, &o, res);
	if (rc != 0) {
		log_event(LOG_ERROR, "template_preview_failed", LOG_S("error", err_name(rc)));
		return rc == -ERR_TOO_LARGE ? 413 : 500;
	}
	return 0;
}

/* --- the bytes as an attachment -------------------------------------------- */

/* RFC 8187 attr-chars stay, every other byte is %XX. */
static const char *
pct(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	buf_init(&b, a, 64);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p) != NULL) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	return buf_cstr(&b);
}

/* The ASCII fallback file name: other bytes, quotes and backslashes as '_'. */
static const char *
ascii_name(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s);
	for (char *p = o; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\')
			*p = '_';
	return o;
}

static int
send_bytes(struct req *r, uint64_t id, const struct conv_def *d, const struct conv_result *res)
{
	struct arena *a = r->arena;
	const char *fn = res->file_name && *res->file_name ? res->file_name : "preview.csv";
	resp_header(r, "Content-Disposition", arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
							       ascii_name(a, fn), pct(a, fn)));
	resp_header(r, "Cache-Control", "no-store");
	resp_set_body(r, d->encoding == CSV_CP932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8",
		      res->bytes, res->len);
	page_templates_record(r, "template.preview_download", "template", id,
			      arena_printf(a, "records=%zu bytes=%zu masked=%s", res->records_out, res->len,
					   r->session->role < ROLE_EDITOR ? "yes" : "no"));
	return 200;
}

/* --- the page -------------------------------------------------------------- */

static const char *
hex_view(struct arena *a, const char *bytes, size_t len)
{
	struct buf b;
	buf_init(&b, a, 4 * HEX_BYTES + 1024);
	size_t n = len < HEX_BYTES ? len : HEX_BYTES;
	for (size_t off = 0; off < n; off += 16) {
		buf_printf(&b, "%08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				buf_putc(&b, ' ');
			if (off + i < n)
				buf_printf(&b, " %02x", (unsigned char)bytes[off + i]);
			else
				buf_puts(&b, "   ");
		}
		buf_puts(&b, "  |");
		for (size_t i = 0; i < 16 && off + i < n; i++) {
			unsigned char c = (unsigned char)bytes[off + i];
			buf_putc(&b, c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		buf_puts(&b, "|\n");
	}
	return buf_cstr(&b);
}

/* The bytes as text: CP932 decoded, a UTF-8 BOM left out. */
static const char *
decoded(struct req *r, const struct conv_def *d, const struct conv_result *res, bool *ok)
{
	struct buf b;
	buf_init(&b, r->arena, res->len + 16);
	*ok = true;
	if (d->encoding == CSV_CP932) {
		size_t bad = 0;
		if (cp932_to_utf8(&b, res->bytes, res->len, &bad) != 0)
			*ok = false;
		return buf_cstr(&b);
	}
	size_t skip = res->len >= 3 && memcmp(res->bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	buf_append(&b, res->bytes + skip, res->len - skip);
	return buf_cstr(&b);
}

/* The data rows read back from the bytes (the header row, if any, skipped). */
static struct view *
rows_view(struct req *r, const struct conv_def *d, const struct conv_result *res, const char **err)
{
	struct arena *a = r->arena;
	struct view *rows = view_list(a);
	struct csv_reader rd;
	struct csv_read_opts o;
	memset(&o, 0, sizeof o);
	o.enc = d->encoding == CSV_CP932 ? CSV_READ_CP932 : CSV_READ_UTF8;
	o.max_size = PREVIEW_MAX_BYTES;
	*err = NULL;
	if (csv_read_init(&rd, a, res->bytes, res->len, &o) != 0) {
		*err = rd.msg;
		return rows;
	}
	struct csv_row row;
	for (size_t i = 0;; i++) {
		if (csv_read_next(&rd, a, &row) != 0) {
			*err = rd.msg;
			break;
		}
		if (row.n == 0)
			break;
		if (i == 0 && d->header_row)
			continue;
		struct view *cells = view_list(a);
		for (size_t c = 0; c < row.n; c++)
			view_push(a, cells, view_strn(a, row.f[c], row.len[c]));
		struct view *o2 = view_obj(a);
		view_set(a, o2, "cells", cells);
		view_push(a, rows, o2);
	}
	return rows;
}

static struct view *
issues_view(struct req *r, const struct conv_result *res)
{
	struct view *list = view_list(r->arena);
	for (size_t i = 0; i < res->nissues; i++) {
		struct view *o = view_obj(r->arena);
		view_set_str(r->arena, o, "message", res->issues[i].message ? res->issues[i].message : "");
		view_set_bool(r->arena, o, "is_error", res->issues[i].kind == CONV_ISSUE_ERROR);
		view_push(r->arena, list, o);
	}
	return list;
}

/* The page for the result res of d, with the template's id, name and
 * version (0 and saved false: the editor's unsaved state, already in v). */
static int
render_preview(struct req *r, const struct conv_def *d, const struct conv_result *res, struct view *v,
	       uint64_t id, const char *name, unsigned version, bool saved)
{
	struct arena *a = r->arena;
	view_set_int(a, v, "id", (int64_t)id);
	view_set_str(a, v, "name", name);
	view_set_int(a, v, "version", version);
	view_set_bool(a, v, "saved", saved);
	struct view *p = view_obj(a), *head = view_list(a);
	for (size_t i = 0; i < d->ncolumns; i++)
		view_push(a, head, view_str(a, d->columns[i].header));
	const char *read_err;
	bool dec_ok;
	view_set(a, p, "head", head);
	view_set(a, p, "rows", rows_view(r, d, res, &read_err));
	view_set_str(a, p, "read_error", read_err ? read_err : "");
	view_set_str(a, p, "text", decoded(r, d, res, &dec_ok));
	view_set_bool(a, p, "decode_failed", !dec_ok);
	view_set_str(a, p, "hex", hex_view(a, res->bytes, res->len));
	view_set_bool(a, p, "hex_cut", res->len > HEX_BYTES);
	view_set_str(a, p, "file_name", res->file_name ? res->file_name : "");
	view_set_int(a, p, "bytes", (int64_t)res->len);
	view_set_int(a, p, "records_in", (int64_t)res->records_in);
	view_set_int(a, p, "records_filtered", (int64_t)res->records_filtered);
	view_set_int(a, p, "records_out", (int64_t)res->records_out);
	view_set_int(a, p, "records_failed", (int64_t)res->records_failed);
	view_set_int(a, p, "rows_out", (int64_t)res->rows_out);
	view_set_int(a, p, "unencodable", (int64_t)res->unencodable);
	view_set(a, p, "issues", issues_view(r, res));
	view_set_bool(a, p, "has_issues", res->nissues > 0);
	view_set_int(a, p, "issues_dropped", (int64_t)res->issues_dropped);
	view_set_bool(a, p, "has_dropped", res->issues_dropped > 0);
	view_set_bool(a, p, "no_records", res->records_in == 0);
	view_set_bool(a, p, "masked", r->session->role < ROLE_EDITOR);
	view_set_int(a, p, "limit", PAGE_TEMPLATES_PREVIEW_RECORDS);
	view_set(a, v, "preview", p);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "conv/tpl_preview", v, 200);
}

/* The saved template's current version, run; 0 or a status. */
static int
load_run(struct req *r, struct dbq_template *t, struct conv_def *d, struct conv_result *res)
{
	int st = page_templates_load(r, t, d);
	return st != 0 ? st : run(r, d, res);
}

int
page_templates_preview_show(struct req *r)
{
	struct dbq_template t;
	struct conv_def d;
	struct conv_result res;
	int st = load_run(r, &t, &d, &res);
	return st != 0 ? st : render_preview(r, &d, &res, render_root(r), t.id, t.name, t.current_version, true);
}

int
page_templates_preview_download(struct req *r)
{
	struct dbq_template t;
	struct conv_def d;
	struct conv_result res;
	int st = load_run(r, &t, &d, &res);
	return st != 0 ? st : send_bytes(r, t.id, &d, &res);
}

/* The editor's posted state: checked, run, and the page or the bytes. */
static int
posted(struct req *r, struct tpl_form *f)
{
	const char *op = "";
	int rc = req_form(r, "op", &op);
	if (rc == -ERR_CONFLICT || page_templates_form_read(r, f) != 0)
		return 400;
	struct conv_def d;
	if (!page_templates_form_check(r, f, false, &d))
		return page_templates_edit_render(r, f, 200);
	struct conv_result res;
	int st = run(r, &d, &res);
	if (st != 0)
		return st;
	if (strcmp(op, "download") == 0)
		return send_bytes(r, f->id, &d, &res);
	struct view *v = render_root(r);
	page_templates_form_view(r, f, v);
	return render_preview(r, &d, &res, v, f->id, f->name, 0, false);
}

int
page_templates_preview_post(struct req *r)
{
	struct dbq_template t;
	struct tpl_form f;
	int st = page_templates_load_form(r, &t, &f, false);
	return st != 0 ? st : posted(r, &f);
}

int
page_templates_preview_new(struct req *r)
{
	struct tpl_form f;
	memset(&f, 0, sizeof f);
	return posted(r, &f);
}
