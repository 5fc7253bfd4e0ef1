/* conn_shopify.c: the Shopify Admin REST API client (orders, products with variants, stock per location). */
#include "conn_shopify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "connectors/conn_call.h"
#include "connectors/conn_json.h"
#include "core/err.h"

#define DEF_VERSION "2025-01"
#define PAGE_LIMIT 250
#define ITEMS_PER_LEVELS_CALL 50
#define MIN_MS 60000LL
#define DAY_MS (86400LL * 1000)

/* REST: leaky bucket of 40 leaking 2/s; we use 32 of it (80 %) at once */
static const struct conn_rate rest_rate = { "rest", 2.0, 32.0 };

static const struct conn_field fields[] = {
	{ "shop_domain", "conn_f_shopify_shop_domain", "conn_h_shopify_shop_domain", false, true, 100,
	  "<name>.myshopify.com" },
	{ "api_version", "conn_f_shopify_api_version", "conn_h_shopify_api_version", false, false, 16,
	  "YYYY-MM" },
	{ "access_token", "conn_f_shopify_access_token", "conn_h_shopify_access_token", true, true, 255,
	  "shpat_…" },
};

/* ---- small helpers ---- */

static const char *
setting(struct json_object *o, const char *key)
{
	struct json_object *v = conn_json_at(o, key);
	if (v == NULL || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* at most n bytes of s, cut on a UTF-8 boundary */
static const char *
clip(struct arena *a, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return s;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return arena_printf(a, "%.*s…", (int)n, s);
}

/* the platform's "errors" text of a response body ("" if none) */
static const char *
errors_text(struct arena *a, const struct http_response *r)
{
	struct json_object *root;
	if (r->body == NULL || conn_json_parse(a, r->body, r->body_len, "", &root, NULL) != 0)
		return "";
	struct json_object *e = conn_json_at(root, "errors");
	if (e == NULL)
		e = conn_json_at(root, "error");
	if (e == NULL)
		return "";
	const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e)
		: conn_json_dump(a, e, NULL);
	return clip(a, s, 200);
}

static bool
pacing_on(const struct conn_ctx *c)
{
	return strcmp(setting(c->settings, "pacing"), "off") != 0;
}

int
conn_shopify_base(struct arena *a, const char *endpoint, struct json_object *settings,
		  const char **out, struct buf *msg)
{
	const char *shop = setting(settings, "shop_domain");
	const char *ep = endpoint != NULL ? endpoint : "";
	const char *mark = strstr(ep, "{shop_domain}");
	if (ep[0] == '\0' || mark != NULL) {
		if (shop[0] == '\0') {
			if (msg != NULL)
				buf_puts(msg, "ショップドメインが設定されていません。");
			return -ERR_INVALID;
		}
		ep = ep[0] == '\0' ? arena_printf(a, "https://%s", shop)
			: arena_printf(a, "%.*s%s%s", (int)(mark - ep), ep, shop, mark + 13);
	}
	size_t n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	*out = arena_strndup(a, ep, n);
	return 0;
}

void
conn_shopify_pace(struct conn_ctx *c, const char *call_limit)
{
	if (call_limit == NULL)
		return;
	char *end;
	long used = strtol(call_limit, &end, 10);
	if (end == call_limit || *end != '/')
		return;
	const char *p = end + 1;
	long size = strtol(p, &end, 10);
	if (end == p || *end != '\0' || used < 0 || size <= 0 || used > 100000 || size > 100000)
		return;
	conn_call_bucket_set(c->connection_id, &rest_rate, (double)used, (double)size);
}

/* url is on the origin of base, with a path */
static bool
same_origin(struct arena *a, const char *url, const char *base)
{
	const char *ou = conn_call_origin(a, url), *ob = conn_call_origin(a, base);
	return ou != NULL && ob != NULL && strcmp(ou, ob) == 0 && url[strlen(ou)] == '/' &&
	       strpbrk(url, " \t\r\n") == NULL;
}

int
conn_shopify_next_link(struct arena *a, const char *link, const char *base, const char **next,
		       struct buf *msg)
{
	*next = NULL;
	if (link == NULL)
		return 0;
	const char *p = link;
	while ((p = strchr(p, '<')) != NULL) {
		const char *e = strchr(p, '>');
		if (e == NULL)
			break;
		const char *params = e + 1, *stop = strchr(params, '<');
		size_t plen = stop != NULL ? (size_t)(stop - params) : strlen(params);
		char *ps = arena_strndup(a, params, plen);
		for (char *q = ps; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		if (strstr(ps, "rel=\"next\"") != NULL || strstr(ps, "rel=next") != NULL) {
			char *url = arena_strndup(a, p + 1, (size_t)(e - p - 1));
			if (!same_origin(a, url, base)) {
				if (msg != NULL)
					buf_puts(msg, "Shopify の次ページの URL が接続先と異なるホストを"
						 "指しているため、取得を中止しました。");
				return -ERR_UPSTREAM;
			}
			*next = url;
			return 0;
		}
		p = e + 1;
	}
	return 0;
}

/* ---- one GET with Shopify's error mapping ---- */

static int
get(struct conn_ctx *c, const char *url, struct http_response *r, struct buf *msg)
{
	const char *token = setting(c->secrets, "access_token");
	struct http_header h[] = {
		{ "X-Shopify-Access-Token", token },
		{ "Accept", "application/json" },
	};
	struct buf tmp;
	buf_init(&tmp, c->a, 128);
	int rc = conn_call(c, "shopify", pacing_on(c) ? &rest_rate : NULL, "GET", url, h, 2, NULL, 0,
			   r, &tmp);
	if (pacing_on(c))
		conn_shopify_pace(c, r->call_limit);
	if (rc == -ERR_FORBIDDEN) {
		const char *why = errors_text(c->a, r);
		if (r->status == 401)
			buf_printf(msg, "Shopify がアクセストークンを拒否しました（401）。管理画面で"
				   "アプリのトークンを確認してください。%s%s%s",
				   why[0] ? "（" : "", why, why[0] ? "）" : "");
		else
			buf_printf(msg, "Shopify がアクセスを拒否しました（403）。アプリに必要な"
				   "権限（read_orders, read_products, read_inventory, "
				   "read_locations）があるか確認してください。%s%s%s",
				   why[0] ? "（" : "", why, why[0] ? "）" : "");
		return rc;
	}
	if (rc != 0) {
		buf_puts(msg, buf_cstr(&tmp));
		return rc;
	}
	if (r->status == 200)
		return 0;
	const char *why = errors_text(c->a, r);
	if (r->status == 404) {
		buf_printf(msg, "Shopify のショップまたは API バージョンが見つかりません（404）。"
			   "ショップドメインと API バージョンを確認してください。");
		return -ERR_INVALID;
	}
	if (r->status == 402 || r->status == 423) {
		buf_printf(msg, "Shopify のショップが利用できない状態です（%ld）。ショップの"
			   "契約状況を確認してください。", r->status);
		return -ERR_FORBIDDEN;
	}
	buf_printf(msg, "Shopify が予期しない応答を返しました（HTTP %ld）。%s", r->status, why);
	return -ERR_UPSTREAM;
}

/* ---- orders ---- */

static enum conn_order_status
map_status(const char *fs, const char *ful, bool cancelled)
{
	if (cancelled)
		return CONN_ST_CANCELLED;
	if (strcmp(fs, "refunded") == 0)
		return CONN_ST_REFUNDED;
	if (strcmp(fs, "voided") == 0)
		return CONN_ST_CANCELLED;
	if (strcmp(ful, "fulfilled") == 0)
		return CONN_ST_SHIPPED;
	if (strcmp(fs, "paid") == 0 || strcmp(fs, "partially_paid") == 0 ||
	    strcmp(fs, "partially_refunded") == 0)
		return CONN_ST_PAID;
	if (fs[0] == '\0' || strcmp(fs, "pending") == 0 || strcmp(fs, "authorized") == 0)
		return CONN_ST_PENDING;
	return CONN_ST_OTHER;
}

static int
person(struct arena *a, struct json_object *addr, struct conn_person *p, struct buf *em)
{
	int rc = 0;
	const char *first, *last;
	rc |= conn_json_str(a, addr, "name", false, &p->name, em);
	rc |= conn_json_str(a, addr, "first_name", false, &first, em);
	rc |= conn_json_str(a, addr, "last_name", false, &last, em);
	if (p->name[0] == '\0') {
		const char *parts[] = { first, last };
		p->name = conn_json_join(a, " ", parts, 2);
	}
	p->kana = "";
	p->email = "";
	rc |= conn_json_str(a, addr, "phone", false, &p->phone, em);
	rc |= conn_json_str(a, addr, "zip", false, &p->postal_code, em);
	rc |= conn_json_str(a, addr, "province", false, &p->prefecture, em);
	rc |= conn_json_str(a, addr, "city", false, &p->city, em);
	rc |= conn_json_str(a, addr, "address1", false, &p->address1, em);
	rc |= conn_json_str(a, addr, "address2", false, &p->address2, em);
	return rc ? -ERR_INVALID : 0;
}

/* sum of rates[].rate as percent, NULL when there is none */
static int
rate_sum(struct arena *a, struct json_object *taxes, const char **out)
{
	*out = NULL;
	if (taxes == NULL || !json_object_is_type(taxes, json_type_array) ||
	    json_object_array_length(taxes) == 0)
		return 0;
	const char *sum = "0";
	for (size_t i = 0; i < json_object_array_length(taxes); i++) {
		const char *r;
		if (conn_json_money(a, json_object_array_get_idx(taxes, i), "rate", "0", &r, NULL) != 0 ||
		    conn_json_money_add(a, sum, r, &sum) != 0)
			return -ERR_INVALID;
	}
	return conn_json_percent(a, sum, out);
}

static int
line_from(struct arena *a, struct json_object *li, struct conn_line *l, struct buf *em)
{
	int64_t q;
	const char *disc, *gross;
	if (conn_json_str(a, li, "id", true, &l->external_line_id, em) != 0 ||
	    conn_json_str(a, li, "sku", false, &l->sku, em) != 0 ||
	    conn_json_str(a, li, "name", false, &l->name, em) != 0 ||
	    conn_json_i64(li, "quantity", true, 0, &q, em) != 0 ||
	    conn_json_money(a, li, "price", NULL, &l->unit_price, em) != 0 ||
	    conn_json_money(a, li, "total_discount", "0", &disc, em) != 0)
		return -ERR_INVALID;
	if (l->name[0] == '\0' && conn_json_str(a, li, "title", false, &l->name, em) != 0)
		return -ERR_INVALID;
	l->jan = "";
	l->quantity = (long)q;
	if (rate_sum(a, conn_json_at(li, "tax_lines"), &l->tax_rate) != 0) {
		buf_puts(em, "税率が数値ではありません");
		return -ERR_INVALID;
	}
	if (conn_json_money_mul(a, l->unit_price, l->quantity, &gross) != 0 ||
	    conn_json_money_sub(a, gross, disc, &l->line_total) != 0) {
		buf_puts(em, "明細金額を計算できません");
		return -ERR_INVALID;
	}
	return 0;
}

/* one fulfillment → a shipment: id, tracking_company, tracking_number (or the first of
 * tracking_numbers), created_at, shipment_status (carrier's) or else status (Shopify's) */
static int
shipment_from(struct arena *a, struct json_object *f, struct conn_shipment *s, struct buf *em)
{
	int64_t at;
	if (f == NULL || !json_object_is_type(f, json_type_object)) {
		buf_puts(em, "fulfillment がオブジェクトではありません");
		return -ERR_INVALID;
	}
	if (conn_json_str(a, f, "id", true, &s->external_id, em) != 0 ||
	    conn_json_str(a, f, "tracking_company", false, &s->carrier, em) != 0 ||
	    conn_json_str(a, f, "tracking_number", false, &s->tracking_number, em) != 0 ||
	    conn_json_time(f, "created_at", false, &at, NULL, em) != 0 ||
	    conn_json_str(a, f, "shipment_status", false, &s->status, em) != 0)
		return -ERR_INVALID;
	if (s->tracking_number[0] == '\0') {
		struct json_object *tn = conn_json_at(f, "tracking_numbers");
		if (tn != NULL && !json_object_is_type(tn, json_type_array)) {
			buf_puts(em, "項目 tracking_numbers の型が違います");
			return -ERR_INVALID;
		}
		if (conn_json_str(a, f, "tracking_numbers.0", false, &s->tracking_number, em) != 0)
			return -ERR_INVALID;
	}
	if (s->status[0] == '\0' && conn_json_str(a, f, "status", false, &s->status, em) != 0)
		return -ERR_INVALID;
	s->shipped_at = (time_t)(at / 1000);
	return 0;
}

/* fulfillments[] (absent or null: none), every one kept whatever its status */
static int
shipments_from(struct arena *a, struct json_object *o, struct conn_order *d, struct buf *em)
{
	struct json_object *fs = conn_json_at(o, "fulfillments");
	if (fs == NULL)
		return 0;
	if (!json_object_is_type(fs, json_type_array)) {
		buf_puts(em, "項目 fulfillments の型が違います");
		return -ERR_INVALID;
	}
	size_t n = json_object_array_length(fs);
	d->shipments = n ? arena_calloc(a, n, sizeof *d->shipments) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (shipment_from(a, json_object_array_get_idx(fs, i), &d->shipments[i], em) != 0) {
			buf_printf(em, "（出荷 %zu 件目）", i + 1);
			return -ERR_INVALID;
		}
	}
	d->nshipments = n;
	return 0;
}

static int
order_from(struct arena *a, struct json_object *o, struct conn_order *d, struct buf *em)
{
	const char *fs, *ful, *cancelled;
	int64_t created;
	memset(d, 0, sizeof *d);
	if (conn_json_str(a, o, "id", true, &d->external_id, em) != 0 ||
	    conn_json_str(a, o, "name", false, &d->order_number, em) != 0 ||
	    conn_json_time(o, "created_at", true, &created, &d->ordered_offset_min, em) != 0)
		return -ERR_INVALID;
	d->ordered_at = (time_t)(created / 1000);
	if (conn_json_time(o, "updated_at", true, &d->updated_at_ms, NULL, em) != 0 ||
	    conn_json_str(a, o, "financial_status", false, &fs, em) != 0 ||
	    conn_json_str(a, o, "fulfillment_status", false, &ful, em) != 0 ||
	    conn_json_str(a, o, "cancelled_at", false, &cancelled, em) != 0 ||
	    conn_json_str(a, o, "currency", false, &d->currency, em) != 0 ||
	    conn_json_money(a, o, "subtotal_price", "0", &d->subtotal, em) != 0 ||
	    conn_json_money(a, o, "total_tax", "0", &d->tax, em) != 0 ||
	    conn_json_money(a, o, "total_discounts", "0", &d->discount, em) != 0 ||
	    conn_json_money(a, o, "total_price", NULL, &d->total, em) != 0)
		return -ERR_INVALID;
	if (d->order_number[0] == '\0' &&
	    conn_json_str(a, o, "order_number", false, &d->order_number, em) != 0)
		return -ERR_INVALID;
	if (d->currency[0] == '\0')
		d->currency = "JPY";
	d->status = map_status(fs, ful, cancelled[0] != '\0');
	const char *sp[] = { cancelled[0] ? "cancelled" : NULL, fs[0] ? fs : "none",
			     ful[0] ? ful : "unfulfilled" };
	d->platform_status = conn_json_join(a, "/", sp, 3);
	/* shipping: the order's total, else the sum of the shipping lines */
	if (conn_json_at(o, "total_shipping_price_set.shop_money.amount") != NULL) {
		if (conn_json_money(a, o, "total_shipping_price_set.shop_money.amount", "0",
				    &d->shipping_fee, em) != 0)
			return -ERR_INVALID;
	} else {
		struct json_object *sl = conn_json_at(o, "shipping_lines");
		d->shipping_fee = "0";
		for (size_t i = 0; sl != NULL && json_object_is_type(sl, json_type_array) &&
				   i < json_object_array_length(sl); i++) {
			const char *p;
			if (conn_json_money(a, json_object_array_get_idx(sl, i), "price", "0", &p,
					    em) != 0 ||
			    conn_json_money_add(a, d->shipping_fee, p, &d->shipping_fee) != 0)
				return -ERR_INVALID;
		}
	}
	if (person(a, conn_json_at(o, "billing_address"), &d->buyer, em) != 0 ||
	    person(a, conn_json_at(o, "shipping_address"), &d->ship_to, em) != 0)
		return -ERR_INVALID;
	struct json_object *cust = conn_json_at(o, "customer");
	if (d->buyer.name[0] == '\0') {
		const char *first, *last;
		if (conn_json_str(a, cust, "first_name", false, &first, em) != 0 ||
		    conn_json_str(a, cust, "last_name", false, &last, em) != 0)
			return -ERR_INVALID;
		const char *parts[] = { first, last };
		d->buyer.name = conn_json_join(a, " ", parts, 2);
	}
	static const char *const email_paths[] = { "email", "contact_email", "customer.email" };
	static const char *const phone_paths[] = { "phone", "billing_address.phone", "customer.phone" };
	for (size_t i = 0; i < 3 && d->buyer.email[0] == '\0'; i++)
		if (conn_json_str(a, o, email_paths[i], false, &d->buyer.email, em) != 0)
			return -ERR_INVALID;
	for (size_t i = 0; i < 3 && (i == 0 || d->buyer.phone[0] == '\0'); i++) {
		const char *ph;
		if (conn_json_str(a, o, phone_paths[i], false, &ph, em) != 0)
			return -ERR_INVALID;
		if (ph[0] != '\0')
			d->buyer.phone = ph;
	}
	struct json_object *items = conn_json_at(o, "line_items");
	size_t n = items != NULL && json_object_is_type(items, json_type_array)
		? json_object_array_length(items) : 0;
	d->lines = arena_calloc(a, n ? n : 1, sizeof *d->lines);
	for (size_t i = 0; i < n; i++) {
		if (line_from(a, json_object_array_get_idx(items, i), &d->lines[i], em) != 0) {
			buf_printf(em, "（明細 %zu 行目）", i + 1);
			return -ERR_INVALID;
		}
	}
	d->nlines = n;
	if (shipments_from(a, o, d, em) != 0)
		return -ERR_INVALID;
	d->raw = conn_json_dump(a, o, &d->raw_len);
	return 0;
}

static void
record_error(struct arena *a, struct conn_page *p, struct json_object *o, const char *kind,
	     struct buf *em)
{
	const char *id = "";
	conn_json_str(a, o, "id", false, &id, NULL);
	struct conn_record_error *e = &p->errors[p->nerrors++];
	e->external_id = id;
	e->message = arena_printf(a, "Shopify の%s %s を読み取れません: %s", kind, id[0] ? id : "(ID なし)",
				  buf_cstr(em));
}

/* the array at key of a page body, or -ERR_UPSTREAM */
static int
page_array(struct arena *a, const char *body, size_t len, const char *key, const char *what,
	   struct json_object **arr, struct buf *msg)
{
	struct json_object *root;
	int rc = conn_json_parse(a, body, len, what, &root, msg);
	if (rc != 0)
		return rc;
	*arr = conn_json_at(root, key);
	if (*arr == NULL || !json_object_is_type(*arr, json_type_array)) {
		buf_printf(msg, "%sに %s の配列がありません", what, key);
		return -ERR_UPSTREAM;
	}
	return 0;
}

int
conn_shopify_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			  struct buf *msg)
{
	struct buf scratch;
	if (msg == NULL) {
		buf_init(&scratch, a, 64);
		msg = &scratch;
	}
	struct json_object *arr;
	memset(out, 0, sizeof *out);
	int rc = page_array(a, body, len, "orders", "Shopify の注文一覧", &arr, msg);
	if (rc != 0)
		return rc;
	size_t n = json_object_array_length(arr);
	out->orders = arena_calloc(a, n ? n : 1, sizeof *out->orders);
	out->errors = arena_calloc(a, n ? n : 1, sizeof *out->errors);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct buf em;
		buf_init(&em, a, 64);
		if (o == NULL || !json_object_is_type(o, json_type_object)) {
			buf_puts(&em, "注文がオブジェクトではありません");
			record_error(a, out, NULL, "注文", &em);
		} else if (order_from(a, o, &out->orders[out->norders], &em) == 0) {
			out->norders++;
		} else {
			record_error(a, out, o, "注文", &em);
		}
	}
	return 0;
}

/* ---- products ---- */

static int
product_from(struct arena *a, struct json_object *p, struct json_object *v, const char *currency,
	     struct conn_product *d, struct buf *em)
{
	const char *title, *vtitle;
	int64_t pu, vu;
	memset(d, 0, sizeof *d);
	if (conn_json_str(a, p, "id", true, &d->product_external_id, em) != 0 ||
	    conn_json_str(a, p, "title", false, &title, em) != 0 ||
	    conn_json_time(p, "updated_at", false, &pu, NULL, em) != 0 ||
	    conn_json_str(a, v, "id", true, &d->external_id, em) != 0 ||
	    conn_json_str(a, v, "sku", false, &d->sku, em) != 0 ||
	    conn_json_str(a, v, "barcode", false, &d->jan, em) != 0 ||
	    conn_json_str(a, v, "title", false, &vtitle, em) != 0 ||
	    conn_json_money(a, v, "price", NULL, &d->price, em) != 0 ||
	    conn_json_time(v, "updated_at", false, &vu, NULL, em) != 0)
		return -ERR_INVALID;
	const char *parts[] = { title, strcmp(vtitle, "Default Title") == 0 ? "" : vtitle };
	d->name = conn_json_join(a, " - ", parts, 2);
	d->currency = currency;
	d->updated_at_ms = vu > pu ? vu : pu;
	json_object_object_add(v, "_product_title", json_object_new_string(title));
	d->raw = conn_json_dump(a, v, &d->raw_len);
	return 0;
}

int
conn_shopify_parse_products(struct arena *a, const char *body, size_t len, const char *currency,
			    struct conn_page *out, struct buf *msg)
{
	struct buf scratch;
	if (msg == NULL) {
		buf_init(&scratch, a, 64);
		msg = &scratch;
	}
	struct json_object *arr;
	memset(out, 0, sizeof *out);
	int rc = page_array(a, body, len, "products", "Shopify の商品一覧", &arr, msg);
	if (rc != 0)
		return rc;
	size_t n = 0, np = json_object_array_length(arr);
	for (size_t i = 0; i < np; i++) {
		struct json_object *vs = conn_json_at(json_object_array_get_idx(arr, i), "variants");
		n += vs != NULL && json_object_is_type(vs, json_type_array)
			? json_object_array_length(vs) : 1;
	}
	out->products = arena_calloc(a, n ? n : 1, sizeof *out->products);
	out->errors = arena_calloc(a, n ? n : 1, sizeof *out->errors);
	for (size_t i = 0; i < np; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);
		struct json_object *vs = conn_json_at(p, "variants");
		struct buf em;
		buf_init(&em, a, 64);
		if (vs == NULL || !json_object_is_type(vs, json_type_array)) {
			buf_puts(&em, "variants がありません");
			record_error(a, out, p, "商品", &em);
			continue;
		}
		for (size_t j = 0; j < json_object_array_length(vs); j++) {
			struct json_object *v = json_object_array_get_idx(vs, j);
			buf_clear(&em);
			if (v != NULL && json_object_is_type(v, json_type_object) &&
			    product_from(a, p, v, currency, &out->products[out->nproducts], &em) == 0)
				out->nproducts++;
			else
				record_error(a, out, v, "商品バリエーション", &em);
		}
	}
	return 0;
}

/* ---- stock ---- */

struct item {
	const char *inv_id;
	const char *sku;
};

/* grow p->stock to hold n more rows */
static void
stock_room(struct arena *a, struct conn_page *p, size_t *cap, size_t n)
{
	if (p->nstock + n <= *cap)
		return;
	size_t nc = (p->nstock + n) * 2;
	struct conn_stock *ns = arena_calloc(a, nc, sizeof *ns);
	if (p->nstock > 0)
		memcpy(ns, p->stock, p->nstock * sizeof *ns);
	p->stock = ns;
	*cap = nc;
}

static int
levels(struct conn_ctx *c, const char *base, const char *ver, const struct item *items, size_t n,
       struct json_object *locs, struct conn_page *out, size_t *cap, size_t *bad, struct buf *msg)
{
	struct buf url;
	buf_init(&url, c->a, 1024);
	buf_printf(&url, "%s/admin/api/%s/inventory_levels.json?limit=%d&inventory_item_ids=", base, ver,
		   PAGE_LIMIT);
	for (size_t i = 0; i < n; i++)
		buf_printf(&url, "%s%s", i ? "%2C" : "", items[i].inv_id);
	const char *next = buf_cstr(&url);
	while (next != NULL) {
		struct http_response r;
		struct json_object *arr;
		int rc = get(c, next, &r, msg);
		if (rc == 0)
			rc = page_array(c->a, r.body, r.body_len, "inventory_levels",
					"Shopify の在庫一覧", &arr, msg);
		if (rc == 0)
			rc = conn_shopify_next_link(c->a, r.link, base, &next, msg);
		if (rc != 0)
			return rc;
		size_t m = json_object_array_length(arr);
		stock_room(c->a, out, cap, m);
		for (size_t i = 0; i < m; i++) {
			struct json_object *l = json_object_array_get_idx(arr, i);
			const char *iid, *lid;
			int64_t q, up;
			if (conn_json_at(l, "available") == NULL)
				continue; /* inventory not tracked at this location */
			if (conn_json_str(c->a, l, "inventory_item_id", true, &iid, NULL) != 0 ||
			    conn_json_str(c->a, l, "location_id", true, &lid, NULL) != 0 ||
			    conn_json_i64(l, "available", true, 0, &q, NULL) != 0 ||
			    conn_json_time(l, "updated_at", false, &up, NULL, NULL) != 0) {
				(*bad)++;
				continue;
			}
			const char *sku = NULL;
			for (size_t k = 0; k < n && sku == NULL; k++)
				if (strcmp(items[k].inv_id, iid) == 0)
					sku = items[k].sku;
			if (sku == NULL)
				continue; /* not asked for */
			struct conn_stock *s = &out->stock[out->nstock++];
			s->sku = sku;
			s->location_id = lid;
			s->location_name = "";
			for (size_t k = 0; locs != NULL && k < json_object_array_length(locs); k++) {
				struct json_object *lo = json_object_array_get_idx(locs, k);
				const char *id2;
				if (conn_json_str(c->a, lo, "id", false, &id2, NULL) == 0 &&
				    strcmp(id2, lid) == 0) {
					conn_json_str(c->a, lo, "name", false, &s->location_name, NULL);
					break;
				}
			}
			s->quantity = (long)q;
			s->updated_at_ms = up;
		}
	}
	return 0;
}

static int
fetch_stock(struct conn_ctx *c, const char *base, const char *ver, const char *url,
	    struct conn_page *out, struct buf *msg)
{
	struct http_response r;
	struct json_object *locs, *prods;
	const char *lurl = arena_printf(c->a, "%s/admin/api/%s/locations.json", base, ver);
	int rc = get(c, lurl, &r, msg);
	if (rc == 0)
		rc = page_array(c->a, r.body, r.body_len, "locations", "Shopify のロケーション一覧",
				&locs, msg);
	if (rc == 0)
		rc = get(c, url, &r, msg);
	if (rc == 0)
		rc = page_array(c->a, r.body, r.body_len, "products", "Shopify の商品一覧", &prods,
				msg);
	if (rc == 0)
		rc = conn_shopify_next_link(c->a, r.link, base, &out->next_token, msg);
	if (rc != 0)
		return rc;
	size_t nitems = 0, cap = 0, scap = 0, bad = 0;
	for (size_t i = 0; i < json_object_array_length(prods); i++) {
		struct json_object *vs = conn_json_at(json_object_array_get_idx(prods, i), "variants");
		if (vs != NULL && json_object_is_type(vs, json_type_array))
			cap += json_object_array_length(vs);
	}
	struct item *items = arena_calloc(c->a, cap ? cap : 1, sizeof *items);
	for (size_t i = 0; i < json_object_array_length(prods); i++) {
		struct json_object *vs = conn_json_at(json_object_array_get_idx(prods, i), "variants");
		for (size_t j = 0; vs != NULL && json_object_is_type(vs, json_type_array) &&
				   j < json_object_array_length(vs); j++) {
			struct json_object *v = json_object_array_get_idx(vs, j);
			const char *vid, *iid, *sku;
			if (conn_json_str(c->a, v, "id", true, &vid, NULL) != 0 ||
			    conn_json_str(c->a, v, "inventory_item_id", true, &iid, NULL) != 0 ||
			    conn_json_str(c->a, v, "sku", false, &sku, NULL) != 0)
				continue;
			bool digits = iid[strspn(iid, "0123456789")] == '\0';
			if (!digits)
				continue;
			items[nitems].inv_id = iid;
			items[nitems++].sku = sku[0] ? sku : arena_printf(c->a, "variant-%s", vid);
		}
	}
	for (size_t i = 0; i < nitems; i += ITEMS_PER_LEVELS_CALL) {
		size_t k = nitems - i < ITEMS_PER_LEVELS_CALL ? nitems - i : ITEMS_PER_LEVELS_CALL;
		if ((rc = levels(c, base, ver, items + i, k, locs, out, &scap, &bad, msg)) != 0)
			return rc;
	}
	if (bad > 0) {
		out->errors = arena_calloc(c->a, 1, sizeof *out->errors);
		out->errors[0].external_id = "";
		out->errors[0].message = arena_printf(c->a, "Shopify の在庫レコード %zu 件を読み取れません"
						      "でした（項目の形式が違います）。", bad);
		out->nerrors = 1;
	}
	return 0;
}

/* ---- ops ---- */

static const char *
version(const struct conn_ctx *c)
{
	const char *v = setting(c->settings, "api_version");
	return v[0] ? v : DEF_VERSION;
}

static int
fetch(struct conn_ctx *c, enum conn_stream s, const struct conn_window *w, const char *token,
      struct conn_page *out, struct buf *msg)
{
	const char *base, *url;
	memset(out, 0, sizeof *out);
	int rc = conn_shopify_base(c->a, c->endpoint, c->settings, &base, msg);
	if (rc != 0)
		return rc;
	const char *ver = version(c);
	if (token != NULL) {
		if (!same_origin(c->a, token, base)) {
			buf_puts(msg, "再開トークンの URL が Shopify の接続先と一致しません。");
			return -ERR_INVALID;
		}
		url = token;
	} else if (s == CONN_STOCK) {
		url = arena_printf(c->a, "%s/admin/api/%s/products.json?limit=%d&fields=id%%2Cvariants",
				   base, ver, PAGE_LIMIT);
	} else {
		const char *what = s == CONN_ORDERS ? "orders.json?status=any&" : "products.json?";
		url = arena_printf(c->a, "%s/admin/api/%s/%supdated_at_min=%s&updated_at_max=%s"
				   "&limit=%d%s", base, ver, what,
				   conn_json_time_format(c->a, w->from_ms, CONN_JSON_TS_UTC_Z),
				   conn_json_time_format(c->a, w->to_ms, CONN_JSON_TS_UTC_Z),
				   PAGE_LIMIT, s == CONN_ORDERS ? "&order=updated_at%20asc" : "");
	}
	if (s == CONN_STOCK)
		return fetch_stock(c, base, ver, url, out, msg);
	if (s != CONN_ORDERS && s != CONN_PRODUCTS) {
		buf_puts(msg, "Shopify ではこの種類の同期に対応していません。");
		return -ERR_INVALID;
	}
	struct http_response r;
	if ((rc = get(c, url, &r, msg)) != 0)
		return rc;
	const char *cur = setting(c->settings, "currency");
	rc = s == CONN_ORDERS ? conn_shopify_parse_orders(c->a, r.body, r.body_len, out, msg)
		: conn_shopify_parse_products(c->a, r.body, r.body_len, cur[0] ? cur : "JPY", out, msg);
	if (rc == 0)
		rc = conn_shopify_next_link(c->a, r.link, base, &out->next_token, msg);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

static int
test(struct conn_ctx *c, struct buf *msg)
{
	const char *base;
	int rc = conn_shopify_base(c->a, c->endpoint, c->settings, &base, msg);
	if (rc != 0)
		return rc;
	struct http_response r;
	const char *url = arena_printf(c->a, "%s/admin/api/%s/orders.json?status=any&limit=1&fields=id",
				       base, version(c));
	if ((rc = get(c, url, &r, msg)) != 0)
		return rc;
	struct conn_page p;
	struct buf tmp;
	buf_init(&tmp, c->a, 64);
	if ((rc = conn_shopify_parse_orders(c->a, r.body, r.body_len, &p, &tmp)) != 0) {
		buf_printf(msg, "Shopify の応答を読み取れません（%s）。", buf_cstr(&tmp));
		return rc;
	}
	buf_printf(msg, "Shopify に接続できました（%s、API バージョン %s、注文の読み取りを確認）。",
		   setting(c->settings, "shop_domain"), version(c));
	return 0;
}

static bool
shop_ok(const char *s)
{
	size_t n = strlen(s);
	const char *suf = ".myshopify.com";
	size_t k = strlen(suf);
	if (n <= k || n > 100 || strcmp(s + n - k, suf) != 0 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n - k; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool
token_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int
validate(struct json_object *settings, struct json_object *secrets, struct buf *msg)
{
	const char *shop = setting(settings, "shop_domain"), *ver = setting(settings, "api_version");
	if (!shop_ok(shop)) {
		buf_puts(msg, "ショップドメインは「ショップ名.myshopify.com」の形で、小文字で入力して"
			 "ください（https:// や末尾の / は不要です）。");
		return -ERR_INVALID;
	}
	if (ver[0] != '\0' && strcmp(ver, "unstable") != 0 &&
	    !(strlen(ver) == 7 && ver[4] == '-' && strspn(ver, "0123456789-") == 7 &&
	      strspn(ver, "0123456789") == 4 &&
	      (strcmp(ver + 5, "01") == 0 || strcmp(ver + 5, "04") == 0 ||
	       strcmp(ver + 5, "07") == 0 || strcmp(ver + 5, "10") == 0))) {
		buf_puts(msg, "API バージョンは「2025-01」のような 年-月（01・04・07・10 月）で入力して"
			 "ください。");
		return -ERR_INVALID;
	}
	if (!token_ok(setting(secrets, "access_token"), 255)) {
		buf_puts(msg, "Admin API アクセストークンを入力してください（空白を含まない英数字と"
			 "記号、255 文字まで）。");
		return -ERR_INVALID;
	}
	return 0;
}

static time_t
credential_expiry(struct json_object *settings)
{
	(void)settings;
	return 0; /* custom-app tokens do not expire */
}

const struct conn_ops conn_shopify_ops = {
	.platform = "shopify",
	.label = "Shopify",
	.default_endpoint = "https://{shop_domain}",
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.overlap_ms = 5 * MIN_MS,
	.lag_ms = 0,
	.max_window_ms = 0,
	.first_sync_ms = 730 * DAY_MS,
	.validate = validate,
	.test = test,
	.fetch = fetch,
	.credential_expiry = credential_expiry,
	.streams = (1u << CONN_ORDERS) | (1u << CONN_PRODUCTS) | (1u << CONN_STOCK),
};
