/* conn_shopify_parse.c: Shopify pages (orders, products) read into normalised records; each order's raw payload is its own bytes. */
#include "conn_shopify.h"

#include <string.h>

#include "connectors/conn_json.h"
#include "connectors/conn_jv.h"
#include "connectors/conn_page.h"
#include "core/err.h"
#include "core/jp_pref.h"

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
person(struct arena *a, const struct conn_jv *addr, struct conn_person *p, struct buf *em)
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
	/* Shopify names a Japanese prefecture in English ("Shizuoka") and gives its ISO 3166-2 code
	 * ("JP-22"): a Japanese shop, its carriers and its OMS want 静岡県. */
	const char *pcode;
	rc |= conn_json_str(a, addr, "province_code", false, &pcode, em);
	if (jp_pref_from_iso(pcode) != 0)
		p->prefecture = jp_pref_name(jp_pref_from_iso(pcode));
	rc |= conn_json_str(a, addr, "city", false, &p->city, em);
	rc |= conn_json_str(a, addr, "address1", false, &p->address1, em);
	rc |= conn_json_str(a, addr, "address2", false, &p->address2, em);
	return rc ? -ERR_INVALID : 0;
}

/* sum of rates[].rate as percent, NULL when there is none */
static int
rate_sum(struct arena *a, const struct conn_jv *taxes, const char **out)
{
	*out = NULL;
	if (!conn_jv_is(taxes, CONN_JV_ARRAY) || conn_jv_len(taxes) == 0)
		return 0;
	const char *sum = "0";
	for (size_t i = 0; i < conn_jv_len(taxes); i++) {
		const char *r;
		if (conn_json_money(a, conn_jv_idx(taxes, i), "rate", "0", &r, NULL) != 0 ||
		    conn_json_money_add(a, sum, r, &sum) != 0)
			return -ERR_INVALID;
	}
	return conn_json_percent(a, sum, out);
}

static int
line_from(struct arena *a, const struct conn_jv *li, struct conn_line *l, struct buf *em)
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
	if (rate_sum(a, conn_jv_get(li, "tax_lines"), &l->tax_rate) != 0) {
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
shipment_from(struct arena *a, const struct conn_jv *f, struct conn_shipment *s, struct buf *em)
{
	int64_t at;
	if (!conn_jv_is(f, CONN_JV_OBJECT)) {
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
		const struct conn_jv *tn = conn_jv_get(f, "tracking_numbers");
		if (tn != NULL && !conn_jv_is(tn, CONN_JV_ARRAY)) {
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
shipments_from(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
{
	const struct conn_jv *fs = conn_jv_get(o, "fulfillments");
	if (fs == NULL)
		return 0;
	if (!conn_jv_is(fs, CONN_JV_ARRAY)) {
		buf_puts(em, "項目 fulfillments の型が違います");
		return -ERR_INVALID;
	}
	size_t n = conn_jv_len(fs);
	d->shipments = n ? arena_calloc(a, n, sizeof *d->shipments) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (shipment_from(a, conn_jv_idx(fs, i), &d->shipments[i], em) != 0) {
			buf_printf(em, "（出荷 %zu 件目）", i + 1);
			return -ERR_INVALID;
		}
	}
	d->nshipments = n;
	return 0;
}

/* the buyer's name, email and phone where the addresses have none */
static int
buyer_contact(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
{
	if (d->buyer.name[0] == '\0') {
		const struct conn_jv *cust = conn_jv_get(o, "customer");
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
	return 0;
}

/* shipping: the order's total, else the sum of the shipping lines */
static int
shipping_fee(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
{
	if (conn_jv_at(o, "total_shipping_price_set.shop_money.amount") != NULL)
		return conn_json_money(a, o, "total_shipping_price_set.shop_money.amount", "0",
				       &d->shipping_fee, em);
	const struct conn_jv *sl = conn_jv_get(o, "shipping_lines");
	d->shipping_fee = "0";
	for (size_t i = 0; conn_jv_is(sl, CONN_JV_ARRAY) && i < conn_jv_len(sl); i++) {
		const char *p;
		if (conn_json_money(a, conn_jv_idx(sl, i), "price", "0", &p, em) != 0 ||
		    conn_json_money_add(a, d->shipping_fee, p, &d->shipping_fee) != 0)
			return -ERR_INVALID;
	}
	return 0;
}

static int
order_from(struct arena *a, const struct conn_jv *o, struct conn_order *d, struct buf *em)
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
	if (shipping_fee(a, o, d, em) != 0 ||
	    person(a, conn_jv_get(o, "billing_address"), &d->buyer, em) != 0 ||
	    person(a, conn_jv_get(o, "shipping_address"), &d->ship_to, em) != 0 ||
	    buyer_contact(a, o, d, em) != 0)
		return -ERR_INVALID;
	const struct conn_jv *items = conn_jv_get(o, "line_items");
	size_t n = conn_jv_is(items, CONN_JV_ARRAY) ? conn_jv_len(items) : 0;
	d->lines = arena_calloc(a, n ? n : 1, sizeof *d->lines);
	for (size_t i = 0; i < n; i++) {
		if (line_from(a, conn_jv_idx(items, i), &d->lines[i], em) != 0) {
			buf_printf(em, "（明細 %zu 行目）", i + 1);
			return -ERR_INVALID;
		}
	}
	d->nlines = n;
	if (shipments_from(a, o, d, em) != 0)
		return -ERR_INVALID;
	d->raw = conn_jv_raw(a, o, &d->raw_len);
	return 0;
}

int
conn_shopify_parse_orders(struct arena *a, const char *body, size_t len, struct conn_page *out,
			  struct buf *msg)
{
	const struct conn_jv *arr;
	memset(out, 0, sizeof *out);
	int rc = conn_page_array(a, body, len, "orders", "Shopify の注文一覧", NULL, &arr,
				 conn_page_msg(a, msg));
	if (rc != 0)
		return rc;
	size_t n = conn_jv_len(arr);
	out->orders = arena_calloc(a, n ? n : 1, sizeof *out->orders);
	out->errors = arena_calloc(a, n ? n : 1, sizeof *out->errors);
	for (size_t i = 0; i < n; i++)
		conn_page_order(a, conn_jv_idx(arr, i), order_from, "id", "Shopify の注文", "(ID なし)", out);
	return 0;
}

/* ---- products ---- */

/* the variant's own bytes with "_product_title" added as its last member */
static const char *
variant_raw(struct arena *a, const struct conn_jv *v, const char *title, size_t *len)
{
	size_t n;
	const char *raw = conn_jv_raw(a, v, &n);
	struct buf b;
	buf_init(&b, a, n + strlen(title) + 32);
	buf_append(&b, raw, n - 1); /* without its closing brace */
	buf_puts(&b, conn_jv_len(v) > 0 ? ",\"_product_title\":" : "\"_product_title\":");
	conn_jv_quote(&b, title, strlen(title));
	buf_putc(&b, '}');
	*len = b.len;
	return b.data;
}

static int
product_from(struct arena *a, const struct conn_jv *p, const struct conn_jv *v, const char *currency,
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
	d->raw = variant_raw(a, v, title, &d->raw_len);
	return 0;
}

int
conn_shopify_parse_products(struct arena *a, const char *body, size_t len, const char *currency,
			    struct conn_page *out, struct buf *msg)
{
	const struct conn_jv *arr;
	memset(out, 0, sizeof *out);
	int rc = conn_page_array(a, body, len, "products", "Shopify の商品一覧", NULL, &arr,
				 conn_page_msg(a, msg));
	if (rc != 0)
		return rc;
	size_t n = 0, np = conn_jv_len(arr);
	for (size_t i = 0; i < np; i++) {
		const struct conn_jv *vs = conn_jv_get(conn_jv_idx(arr, i), "variants");
		n += conn_jv_is(vs, CONN_JV_ARRAY) ? conn_jv_len(vs) : 1;
	}
	out->products = arena_calloc(a, n ? n : 1, sizeof *out->products);
	out->errors = arena_calloc(a, n ? n : 1, sizeof *out->errors);
	for (size_t i = 0; i < np; i++) {
		const struct conn_jv *p = conn_jv_idx(arr, i);
		const struct conn_jv *vs = conn_jv_get(p, "variants");
		struct buf em;
		buf_init(&em, a, 64);
		if (!conn_jv_is(vs, CONN_JV_ARRAY)) {
			conn_page_error(a, out, p, "id", "Shopify の商品", "(ID なし)", "variants がありません");
			continue;
		}
		for (size_t j = 0; j < conn_jv_len(vs); j++) {
			const struct conn_jv *v = conn_jv_idx(vs, j);
			buf_clear(&em);
			if (conn_jv_is(v, CONN_JV_OBJECT) &&
			    product_from(a, p, v, currency, &out->products[out->nproducts], &em) == 0)
				out->nproducts++;
			else
				conn_page_error(a, out, v, "id", "Shopify の商品バリエーション", "(ID なし)",
						buf_cstr(&em));
		}
	}
	return 0;
}
