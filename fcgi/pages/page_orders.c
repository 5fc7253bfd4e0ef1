/* page_orders.c: the orders list (filters, keyset paging, sort), shared connection scope, money and masking. */
#include "page_orders.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "connectors/conn.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_audit.h"
#include "db/dbq_orders.h"
#include "html/svgchart.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/listing.h"
#include "pages/render.h"
#include "server/app.h"

#define PER_PAGE 50
#define COUNT_CAP 10000
#define MAX_PAGE 1000000

/* The list's query, as entered (for the form) and as parsed. */
struct list_q {
	const char *conn, *status, *from, *to, *number, *match, *sort, *after, *before, *page;
	struct dbq_orders_filter f;
	struct dbq_orders_cursor cur;
	size_t pageno;
	uint64_t chosen;
};

static const char *const sort_names[] = { "newest", "oldest", "total_desc", "total_asc" };
static const char *const status_names[] = { "pending", "paid", "shipped", "cancelled", "refunded", "other" };

static int
db_status(int rc)
{
	return rc == -ERR_UNAVAILABLE ? 503 : 500;
}

/* A positive decimal id (1 … INT64_MAX) without sign or leading zero. */
static bool
parse_id(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 19 || s[0] == '0' || strspn(s, "0123456789") != n)
		return false;
	if (n == 19 && strcmp(s, "9223372036854775807") > 0)
		return false;
	*out = strtoull(s, NULL, 10);
	return true;
}

int
page_orders_scope(struct req *r, const char *param, struct dbq_orders_conn **conns, size_t *n,
		  uint64_t *chosen)
{
	struct session *s = r->session;
	const char *v;
	*chosen = 0;
	if (listing_param(r, param, 20, &v) != 0)
		return 400;
	int rc = dbq_orders_connections(((struct app *)r->app)->db, r->arena, s->tenant_id, s->user_id,
					s->restrict_connections, conns, n);
	if (rc != 0)
		return db_status(rc);
	if (*v == '\0')
		return 0;
	uint64_t id;
	if (!parse_id(v, &id))
		return 400;
	for (size_t i = 0; i < *n; i++)
		if ((*conns)[i].id == id) {
			*chosen = id;
			return 0;
		}
	return 404; /* another tenant's, a missing one, or one this user may not use: the same */
}

struct view *
page_orders_conn_options(struct req *r, const struct dbq_orders_conn *conns, size_t n, uint64_t chosen,
			 const char *all_label)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	if (all_label != NULL) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "value", "");
		view_set_str(a, o, "label", all_label);
		view_set_bool(a, o, "selected", chosen == 0);
		view_push(a, list, o);
	}
	for (size_t i = 0; i < n; i++) {
		struct view *o = view_obj(a);
		view_set_str(a, o, "value", arena_printf(a, "%" PRIu64, conns[i].id));
		view_set_str(a, o, "label", page_orders_conn_label(r, conns, n, conns[i].id));
		view_set_bool(a, o, "selected", conns[i].id == chosen);
		view_push(a, list, o);
	}
	return list;
}

const char *
page_orders_conn_label(struct req *r, const struct dbq_orders_conn *conns, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++) {
		if (conns[i].id != id)
			continue;
		const struct conn_ops *ops = conn_find(conns[i].platform);
		return arena_printf(r->arena, "%s（%s）", conns[i].name, ops ? ops->label : conns[i].platform);
	}
	return arena_printf(r->arena, "#%" PRIu64, id);
}

/* Options of a select from names[], with the i18n label prefix + name. */
static struct view *
options(struct req *r, const char *const *names, size_t n, const char *prefix, const char *selected,
	bool with_all)
{
	struct arena *a = r->arena;
	struct view *list = view_list(a);
	for (size_t i = 0; i < n + with_all; i++) {
		const char *name = with_all && i == 0 ? "" : names[i - with_all];
		struct view *o = view_obj(a);
		view_set_str(a, o, "value", name);
		view_set_str(a, o, "label", render_t(r, arena_printf(a, "%s%s", prefix, *name ? name : "all")));
		view_set_bool(a, o, "selected", strcmp(name, selected) == 0);
		view_push(a, list, o);
	}
	return list;
}

/* "<key>_<id>" → cursor (the key is checked by dbq_orders_list). */
static bool
parse_cursor(struct arena *a, const char *s, bool backward, struct dbq_orders_cursor *c)
{
	const char *us = strrchr(s, '_');
	if (us == NULL || us == s || us - s > 24)
		return false;
	c->key = arena_strndup(a, s, (size_t)(us - s));
	c->backward = backward;
	return parse_id(us + 1, &c->id);
}

/* Parse the query into q; 0, 400 (repeated/oversized), 404 (connection), or -1 with *err set. */
static int
parse(struct req *r, struct list_q *q, struct dbq_orders_conn **conns, size_t *nconns, const char **err)
{
	memset(q, 0, sizeof *q);
	*err = NULL;
	if (listing_param(r, "status", 20, &q->status) || listing_param(r, "from", 20, &q->from) ||
	    listing_param(r, "to", 20, &q->to) || listing_param(r, "number", 400, &q->number) ||
	    listing_param(r, "match", 10, &q->match) || listing_param(r, "sort", 20, &q->sort) ||
	    listing_param(r, "after", 64, &q->after) || listing_param(r, "before", 64, &q->before) ||
	    listing_param(r, "page", 10, &q->page) || listing_param(r, "conn", 20, &q->conn))
		return 400;
	int st = page_orders_scope(r, "conn", conns, nconns, &q->chosen);
	if (st == 400)
		*err = "orders_err_conn";
	else if (st != 0)
		return st;
	if (*err == NULL && *q->status && !dbq_orders_status_ok(q->status))
		*err = "orders_err_status";
	q->f.status = q->status;
	int64_t ms = 0;
	if (*q->from && dbq_audit_jst_day(q->from, &ms) == 0)
		q->f.from_s = ms / 1000;
	else if (*q->from && *err == NULL)
		*err = "orders_err_date";
	if (*q->to && dbq_audit_jst_day(q->to, &ms) == 0)
		q->f.to_s = ms / 1000 + 86400;
	else if (*q->to && *err == NULL)
		*err = "orders_err_date";
	if (*err == NULL && q->f.from_s && q->f.to_s && q->f.from_s >= q->f.to_s)
		*err = "orders_err_range";
	if (*err == NULL && *q->number && !dbq_orders_text_ok(q->number, 100, true))
		*err = "orders_err_number";
	q->f.number = q->number;
	if (*err == NULL && *q->match && strcmp(q->match, "exact") != 0 && strcmp(q->match, "prefix") != 0)
		*err = "orders_err_match";
	q->f.number_prefix = strcmp(q->match, "prefix") == 0;
	q->f.sort = DBQ_ORDERS_NEWEST;
	bool sort_ok = *q->sort == '\0';
	for (size_t i = 0; i < 4; i++)
		if (strcmp(q->sort, sort_names[i]) == 0) {
			q->f.sort = (enum dbq_orders_sort)i;
			sort_ok = true;
		}
	if (*err == NULL && !sort_ok)
		*err = "orders_err_sort";
	if (*err == NULL && listing_page(q->page, MAX_PAGE, &q->pageno) != 0)
		*err = "orders_err_page";
	if (q->pageno == 0)
		q->pageno = 1;
	if (*err == NULL && ((*q->after && *q->before) ||
			     (*q->after && !parse_cursor(r->arena, q->after, false, &q->cur)) ||
			     (*q->before && !parse_cursor(r->arena, q->before, true, &q->cur))))
		*err = "orders_err_page";
	if (q->chosen != 0) {
		q->f.conn_ids = &q->chosen;
		q->f.nconn = 1;
	} else {
		uint64_t *ids = arena_calloc(r->arena, *nconns ? *nconns : 1, sizeof *ids);
		for (size_t i = 0; i < *nconns; i++)
			ids[i] = (*conns)[i].id;
		q->f.conn_ids = ids;
		q->f.nconn = *nconns;
		q->f.all_conns = !r->session->restrict_connections;
	}
	return *err ? -1 : 0;
}

static const char *
cursor_of(struct req *r, const struct order_row *o, enum dbq_orders_sort s)
{
	if (s == DBQ_ORDERS_TOTAL_DESC || s == DBQ_ORDERS_TOTAL_ASC)
		return arena_printf(r->arena, "%s_%" PRIu64, o->total, o->id);
	return arena_printf(r->arena, "%" PRId64 "_%" PRIu64, o->ordered_at, o->id);
}

static struct view *
row_view(struct req *r, const struct order_row *o, const struct dbq_orders_conn *conns, size_t n)
{
	struct arena *a = r->arena;
	struct view *v = view_obj(a);
	char when[20];
	view_set_int(a, v, "id", (int64_t)o->id);
	view_set_str(a, v, "number", o->order_number);
	view_set_str(a, v, "ordered", clock_jst_minute((time_t)o->ordered_at, when));
	view_set_str(a, v, "conn", page_orders_conn_label(r, conns, n, o->connection_id));
	view_set_str(a, v, "status_label", render_t(r, arena_printf(a, "orders_status_%s", o->status)));
	view_set_str(a, v, "platform_status", o->platform_status);
	view_set_int(a, v, "quantity", o->item_quantity);
	view_set_str(a, v, "total", page_orders_money(a, o->currency, o->total));
	return v;
}

/* The filter form's values and choices. */
static void
form_view(struct req *r, struct view *v, const struct list_q *q, const struct dbq_orders_conn *conns,
	  size_t n)
{
	struct arena *a = r->arena;
	view_set(a, v, "conn_options", page_orders_conn_options(r, conns, n, q->chosen, render_t(r, "orders_all_conns")));
	view_set(a, v, "status_options", options(r, status_names, 6, "orders_status_", q->status, true));
	view_set(a, v, "sort_options", options(r, sort_names, 4, "orders_sort_", *q->sort ? q->sort : "newest", false));
	view_set_bool(a, v, "match_prefix", q->f.number_prefix);
	view_set_str(a, v, "f_conn", q->conn);
	view_set_str(a, v, "f_status", q->status);
	view_set_str(a, v, "f_from", q->from);
	view_set_str(a, v, "f_to", q->to);
	view_set_str(a, v, "f_number", q->number);
	view_set_str(a, v, "f_match", q->match);
	view_set_str(a, v, "f_sort", q->sort);
	view_set_bool(a, v, "has_conns", n > 0);
}

int
page_orders_list(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	struct list_q q;
	struct dbq_orders_conn *conns = NULL;
	size_t nconns = 0;
	const char *err;
	int st = parse(r, &q, &conns, &nconns, &err);
	if (st > 0)
		return st;
	struct view *v = render_root(r);
	resp_header(r, "Cache-Control", "no-store");
	form_view(r, v, &q, conns, nconns);
	struct view *rows = view_list(a);
	view_set(a, v, "rows", rows);
	if (st != 0) {
		view_set_str(a, v, "error", render_t(r, err));
		return render_page(r, "orders/list", v, 400);
	}
	struct order_row *list = NULL;
	size_t n = 0, count = 0;
	bool more = false;
	if (nconns > 0) {
		int rc = dbq_orders_list(app->db, a, r->session->tenant_id, &q.f, q.cur.key ? &q.cur : NULL,
					 PER_PAGE, &list, &n, &more);
		if (rc == 0)
			rc = dbq_orders_count(app->db, a, r->session->tenant_id, &q.f, COUNT_CAP, &count);
		if (rc == -ERR_INVALID) {
			view_set_str(a, v, "error", render_t(r, "orders_err_page"));
			return render_page(r, "orders/list", v, 400);
		}
		if (rc != 0)
			return db_status(rc);
	}
	for (size_t i = 0; i < n; i++)
		view_push(a, rows, row_view(r, &list[i], conns, nconns));
	view_set_bool(a, v, "has_rows", n > 0);
	view_set_str(a, v, "count", count > COUNT_CAP ? render_t(r, "orders_count_many")
						    : arena_printf(a, "%zu", count));
	bool backward = q.cur.key != NULL && q.cur.backward;
	bool has_prev = n > 0 && (backward ? more : q.pageno > 1 && q.cur.key != NULL);
	bool has_next = n > 0 && (backward ? true : more);
	view_set_int(a, v, "page", (int64_t)q.pageno);
	view_set_bool(a, v, "has_prev", has_prev);
	view_set_bool(a, v, "has_next", has_next);
	if (n > 0) {
		view_set_str(a, v, "prev_cursor", cursor_of(r, &list[0], q.f.sort));
		view_set_str(a, v, "next_cursor", cursor_of(r, &list[n - 1], q.f.sort));
	}
	view_set_int(a, v, "prev_page", (int64_t)(q.pageno > 1 ? q.pageno - 1 : 1));
	view_set_int(a, v, "next_page", (int64_t)(q.pageno + 1));
	return render_page(r, "orders/list", v, 200);
}

/* --- the dashboard's chart and counts --- */

#define CHART_DAYS 30
#define CHART_MAX_SERIES 32

int
page_orders_dashboard(struct req *r, struct view *v)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	struct session *s = r->session;
	struct dbq_orders_conn *conns = NULL;
	size_t n = 0;
	int rc = dbq_orders_connections(app->db, a, s->tenant_id, s->user_id, s->restrict_connections,
					&conns, &n);
	if (rc != 0)
		return db_status(rc);
	view_set_bool(a, v, "has_orders_chart", n > 0);
	if (n == 0)
		return 0;
	if (n > CHART_MAX_SERIES)
		n = CHART_MAX_SERIES;
	uint64_t *ids = arena_calloc(a, n, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = conns[i].id;
	char from[11];
	unsigned *daily, *today, total;
	rc = dbq_orders_daily(app->db, a, s->tenant_id, ids, n, dbq_orders_jst_day(CHART_DAYS - 1, from),
			      CHART_DAYS, &daily);
	if (rc == 0)
		rc = dbq_orders_today(app->db, a, s->tenant_id, ids, n, &today, &total);
	if (rc != 0)
		return db_status(rc);
	const char **labels = arena_calloc(a, CHART_DAYS, sizeof *labels);
	struct svgchart_series *series = arena_calloc(a, n, sizeof *series);
	struct view *days = view_list(a), *heads = view_list(a), *tv = view_list(a);
	for (size_t i = 0; i < n; i++) {
		int64_t *vals = arena_calloc(a, CHART_DAYS, sizeof *vals);
		for (size_t d = 0; d < CHART_DAYS; d++)
			vals[d] = daily[d * n + i];
		series[i] = (struct svgchart_series){ .label = page_orders_conn_label(r, conns, n, ids[i]),
						      .values = vals };
		struct view *h = view_obj(a), *t = view_obj(a);
		view_set_str(a, h, "label", series[i].label);
		view_push(a, heads, h);
		view_set_str(a, t, "label", series[i].label);
		view_set_int(a, t, "n", today[i]);
		view_push(a, tv, t);
	}
	for (size_t d = 0; d < CHART_DAYS; d++) {
		char day[11];
		dbq_orders_jst_day((int)(CHART_DAYS - 1 - d), day);
		labels[d] = arena_printf(a, "%.2s/%.2s", day + 5, day + 8);
		struct view *row = view_obj(a), *cells = view_list(a);
		view_set_str(a, row, "day", labels[d]);
		for (size_t i = 0; i < n; i++) {
			struct view *c = view_obj(a);
			view_set_int(a, c, "n", daily[d * n + i]);
			view_push(a, cells, c);
		}
		view_set(a, row, "counts", cells);
		view_push(a, days, row);
	}
	struct svgchart c = { .kind = SVGCHART_LINE,
			      .title = render_t(r, "orders_chart_title"),
			      .desc = render_t(r, "orders_chart_desc"), .unit = render_t(r, "orders_chart_unit"),
			      .x_labels = labels, .npoints = CHART_DAYS, .series = series, .nseries = n,
			      .label_every = 5 };
	struct view *svg = svgchart_render(a, &c);
	if (svg == NULL)
		return 500;
	view_set(a, v, "orders_chart", svg);
	view_set(a, v, "orders_chart_days", days);
	view_set(a, v, "orders_chart_conns", heads);
	view_set(a, v, "orders_today", tv);
	view_set_int(a, v, "orders_today_total", total);
	return 0;
}

/* --- formatting --- */

const char *
page_orders_money(struct arena *a, const char *currency, const char *amount)
{
	const char *s = amount ? amount : "";
	bool neg = *s == '-';
	const char *p = s + neg;
	size_t ilen = strspn(p, "0123456789");
	const char *frac = p[ilen] == '.' ? p + ilen + 1 : "";
	size_t flen = strlen(frac);
	if (ilen == 0 || ilen > 18 || (p[ilen] != '\0' && p[ilen] != '.') || strspn(frac, "0123456789") != flen)
		return s;
	while (ilen > 1 && *p == '0') {
		p++;
		ilen--;
	}
	bool jpy = currency != NULL && strcmp(currency, "JPY") == 0;
	size_t min = jpy ? 0 : 2, keep = flen;
	while (keep > min && frac[keep - 1] == '0')
		keep--;
	if (keep < min)
		keep = min;
	struct buf b;
	buf_init(&b, a, 48);
	bool zero = ilen == 1 && *p == '0' && strspn(frac, "0") == flen;
	if (neg && !zero)
		buf_putc(&b, '-');
	if (jpy)
		buf_puts(&b, "¥");
	else if (currency != NULL && *currency)
		buf_printf(&b, "%s ", currency);
	for (size_t i = 0; i < ilen; i++) {
		if (i > 0 && (ilen - i) % 3 == 0)
			buf_putc(&b, ',');
		buf_putc(&b, p[i]);
	}
	if (keep > 0) {
		buf_putc(&b, '.');
		for (size_t i = 0; i < keep; i++)
			buf_putc(&b, i < flen ? frac[i] : '0');
	}
	return b.data;
}

const char *
page_orders_mask_name(struct arena *a, const char *s)
{
	uint32_t cp;
	size_t len;
	if (s == NULL || *s == '\0')
		return "";
	if (utf8_decode_one(s, strlen(s), &cp, &len) != 0)
		return "＊＊";
	return arena_printf(a, "%.*s＊＊", (int)len, s);
}

const char *
page_orders_mask_email(struct arena *a, const char *s)
{
	const char *at = s ? strrchr(s, '@') : NULL;
	if (s == NULL || *s == '\0')
		return "";
	if (at == NULL || at == s)
		return "***";
	uint32_t cp;
	size_t len;
	if (utf8_decode_one(s, (size_t)(at - s), &cp, &len) != 0)
		len = 0;
	return arena_printf(a, "%.*s***%s", (int)len, s, at);
}

const char *
page_orders_mask_phone(struct arena *a, const char *s)
{
	char d[5];
	size_t nd = 0;
	if (s == NULL || *s == '\0')
		return "";
	for (const char *p = s + strlen(s); p > s && nd < 4;) /* the last four digits */
		if (*--p >= '0' && *p <= '9')
			d[3 - nd++] = *p;
	if (nd < 4)
		return "＊＊＊＊";
	d[4] = '\0';
	return arena_printf(a, "＊＊＊＊%s", d);
}
