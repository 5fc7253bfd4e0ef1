/* page_orders_detail.c: one order — header, amounts, lines, buyer and shipping (masked for viewers), shipments, raw data. */
#include "page_orders.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "db/dbq_orders.h"
#include "db/dbq_payload.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "pages/routes.h"
#include "server/app.h"

#define RAW_SHOW_MAX (1024 * 1024) /* longer raw data is cut for the page */

static int
db_status(int rc)
{
	return rc == -ERR_UNAVAILABLE ? 503 : 500;
}

/* The source's local time: "2026-01-02 03:04 (UTC-05:00)". */
static const char *
local_time(struct arena *a, int64_t t, int offset_min)
{
	char when[20];
	int m = offset_min < 0 ? -offset_min : offset_min;
	clock_jst_minute((time_t)(t + offset_min * 60 - 9 * 3600), when);
	return arena_printf(a, "%s (UTC%c%02d:%02d)", when, offset_min < 0 ? '-' : '+', m / 60, m % 60);
}

/* "10.00" → "10%", "8.50" → "8.5%"; NULL → "". */
static const char *
tax_text(struct arena *a, const char *t)
{
	if (t == NULL)
		return "";
	size_t n = strlen(t);
	while (n > 0 && strchr(t, '.') != NULL && (t[n - 1] == '0' || t[n - 1] == '.')) {
		bool dot = t[n - 1] == '.';
		n--;
		if (dot)
			break;
	}
	return arena_printf(a, "%.*s%%", (int)n, t);
}

/* A person as shown: everything for editors and admins; masked for viewers
 * (name and kana: first character; e-mail: a***@domain; phone: last four
 * digits; address: prefecture and city only). */
static struct view *
person_view(struct req *r, const struct conn_person *p, bool mask)
{
	struct arena *a = r->arena;
	struct view *v = view_obj(a);
	view_set_str(a, v, "name", mask ? page_orders_mask_name(a, p->name) : p->name);
	view_set_str(a, v, "kana", mask ? page_orders_mask_name(a, p->kana) : p->kana);
	view_set_str(a, v, "email", mask ? page_orders_mask_email(a, p->email) : p->email);
	view_set_str(a, v, "phone", mask ? page_orders_mask_phone(a, p->phone) : p->phone);
	view_set_str(a, v, "postal_code", mask ? "" : p->postal_code);
	view_set_str(a, v, "prefecture", p->prefecture);
	view_set_str(a, v, "city", p->city);
	view_set_str(a, v, "address1", mask ? "" : p->address1);
	view_set_str(a, v, "address2", mask ? "" : p->address2);
	view_set_bool(a, v, "masked", mask);
	view_set_bool(a, v, "empty", !*p->name && !*p->email && !*p->phone && !*p->prefecture &&
					      !*p->city && !*p->address1);
	return v;
}

static void
free_json(void *p)
{
	json_object_put(p);
}

/* The raw payload pretty-printed (json-c; numbers keep their source text), or as received when not JSON. */
static const char *
pretty(struct arena *a, const char *raw, size_t n, bool *cut)
{
	*cut = false;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *j = NULL;
	if (tok != NULL && n <= INT32_MAX) {
		j = json_tokener_parse_ex(tok, raw, (int)n);
		if (j != NULL && json_tokener_get_parse_end(tok) != n) {
			json_object_put(j);
			j = NULL;
		}
	}
	json_tokener_free(tok);
	struct buf b;
	buf_init(&b, a, n + 64);
	if (j != NULL) {
		arena_defer(a, free_json, j);
		const char *s = json_object_to_json_string_ext(
			j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
		raw = s;
		n = strlen(s);
	}
	if (n > RAW_SHOW_MAX) {
		n = RAW_SHOW_MAX;
		*cut = true;
	}
	utf8_sanitize(&b, raw, n);
	return b.data;
}

static void
set_money(struct arena *a, struct view *v, const char *key, const char *cur, const char *amount)
{
	view_set_str(a, v, key, page_orders_money(a, cur, amount));
}

int
page_orders_show(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct arena *a = r->arena;
	struct session *s = r->session;
	int64_t id = 0;
	if (req_param_i64(r, "id", &id) != 0 || id <= 0)
		return 404;
	struct order_detail d;
	int rc = dbq_orders_get(app->db, a, s->tenant_id, s->key, (uint64_t)id, &d);
	if (rc == -ERR_NOT_FOUND)
		return 404;
	if (rc != 0)
		return db_status(rc);
	if (!dbq_users_can_use_connection(app->db, a, s->tenant_id, s->user_id, s->restrict_connections,
					  d.row.connection_id))
		return 404;
	struct dbq_orders_conn *conns = NULL;
	size_t nconns = 0;
	if ((rc = dbq_orders_connections(app->db, a, s->tenant_id, s->user_id, s->restrict_connections,
					 &conns, &nconns)) != 0)
		return db_status(rc);
	bool viewer = s->role < ROLE_EDITOR;
	const char *cur = d.row.currency;
	char when[20];
	struct view *v = render_root(r);
	struct view *o = view_obj(a);
	view_set_int(a, o, "id", (int64_t)d.row.id);
	view_set_str(a, o, "number", d.row.order_number);
	view_set_str(a, o, "external_id", d.row.external_id);
	view_set_str(a, o, "conn", page_orders_conn_label(r, conns, nconns, d.row.connection_id));
	view_set_str(a, o, "status_label", render_t(r, arena_printf(a, "orders_status_%s", d.row.status)));
	view_set_str(a, o, "platform_status", d.row.platform_status);
	view_set_str(a, o, "ordered", clock_jst_minute((time_t)d.row.ordered_at, when));
	if (d.row.offset_min != 540)
		view_set_str(a, o, "ordered_local", local_time(a, d.row.ordered_at, d.row.offset_min));
	char jst[32];
	view_set_str(a, o, "source_updated", clock_jst(d.source_updated_ms, jst));
	view_set_str(a, o, "first_seen", clock_jst_minute((time_t)d.first_seen_at, when));
	view_set_str(a, o, "changed", clock_jst_minute((time_t)d.changed_at, when));
	view_set_str(a, o, "currency", cur);
	set_money(a, o, "subtotal", cur, d.subtotal);
	set_money(a, o, "shipping_fee", cur, d.shipping_fee);
	set_money(a, o, "tax", cur, d.tax);
	set_money(a, o, "discount", cur, d.discount);
	set_money(a, o, "total", cur, d.row.total);
	view_set_int(a, o, "quantity", d.row.item_quantity);
	view_set(a, v, "order", o);
	struct view *lines = view_list(a);
	for (size_t i = 0; i < d.nlines; i++) {
		const struct order_line *l = &d.lines[i];
		struct view *x = view_obj(a);
		view_set_int(a, x, "no", l->line_no);
		view_set_str(a, x, "sku", l->sku);
		view_set_str(a, x, "jan", l->jan);
		view_set_str(a, x, "name", l->name);
		view_set_int(a, x, "quantity", l->quantity);
		set_money(a, x, "unit_price", cur, l->unit_price);
		view_set_str(a, x, "tax_rate", tax_text(a, l->tax_rate));
		set_money(a, x, "line_total", cur, l->line_total);
		view_push(a, lines, x);
	}
	view_set(a, v, "lines", lines);
	view_set(a, v, "buyer", person_view(r, &d.buyer, viewer));
	view_set(a, v, "ship_to", person_view(r, &d.ship_to, viewer));
	view_set_bool(a, v, "masked", viewer);
	struct view *ships = view_list(a);
	for (size_t i = 0; i < d.nshipments; i++) {
		struct view *x = view_obj(a);
		view_set_str(a, x, "carrier", d.shipments[i].carrier);
		view_set_str(a, x, "tracking", d.shipments[i].tracking_number);
		view_set_str(a, x, "status", d.shipments[i].status);
		view_set_str(a, x, "shipped", d.shipments[i].shipped_at
					   ? clock_jst_minute((time_t)d.shipments[i].shipped_at, when) : "");
		view_push(a, ships, x);
	}
	view_set(a, v, "shipments", ships);
	view_set_bool(a, v, "may_see_raw", !viewer);
	if (!viewer && d.has_payload) {
		char *raw;
		size_t n;
		rc = dbq_payload_get(app->db, a, s->tenant_id, s->key, DBQ_PAYLOAD_ORDER, d.row.id, &raw, &n);
		if (rc != 0 && rc != -ERR_NOT_FOUND && rc != -ERR_INVALID)
			return db_status(rc);
		if (rc == 0) {
			bool cut;
			view_set_str(a, v, "raw", pretty(a, raw, n, &cut));
			view_set_bool(a, v, "raw_cut", cut);
		} else if (rc == -ERR_INVALID) {
			view_set_bool(a, v, "raw_broken", true);
		}
	}
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "orders/show", v, 200);
}
