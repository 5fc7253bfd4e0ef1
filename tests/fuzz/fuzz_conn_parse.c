/* fuzz_conn_parse.c: libFuzzer target for the platform page parsers (Shopify, 楽天, Amazon) and the Link header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/conn.h"
#include "connectors/conn_amazon.h"
#include "connectors/conn_json.h"
#include "connectors/conn_rakuten.h"
#include "connectors/conn_shopify.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
str_ok(const char *s)
{
	return s != NULL;
}

static bool
person_ok(const struct conn_person *p)
{
	return str_ok(p->name) && str_ok(p->kana) && str_ok(p->email) && str_ok(p->phone) &&
	       str_ok(p->postal_code) && str_ok(p->prefecture) && str_ok(p->city) &&
	       str_ok(p->address1) && str_ok(p->address2);
}

/* every order a parser returns is complete: strings set, money exact */
static void
check_page(const struct conn_page *p, bool lines_required)
{
	for (size_t i = 0; i < p->norders; i++) {
		const struct conn_order *o = &p->orders[i];
		if (!str_ok(o->external_id) || o->external_id[0] == '\0' || !str_ok(o->order_number) ||
		    !str_ok(o->platform_status) || !str_ok(o->currency) || !person_ok(&o->buyer) ||
		    !person_ok(&o->ship_to) || !conn_money_ok(o->subtotal) ||
		    !conn_money_ok(o->shipping_fee) || !conn_money_ok(o->tax) ||
		    !conn_money_ok(o->discount) || (o->total != NULL && !conn_money_ok(o->total)) ||
		    o->raw == NULL || strlen(o->raw) != o->raw_len || (lines_required && o->total == NULL))
			abort();
		for (size_t k = 0; k < o->nlines; k++) {
			const struct conn_line *l = &o->lines[k];
			if (!str_ok(l->external_line_id) || !str_ok(l->sku) || !str_ok(l->jan) ||
			    !str_ok(l->name) || !conn_money_ok(l->unit_price) ||
			    !conn_money_ok(l->line_total) || (l->tax_rate != NULL && !conn_money_ok(l->tax_rate)))
				abort();
		}
	}
	for (size_t i = 0; i < p->nproducts; i++)
		if (!conn_money_ok(p->products[i].price) || p->products[i].name == NULL ||
		    p->products[i].raw == NULL)
			abort();
	for (size_t i = 0; i < p->nerrors; i++)
		if (p->errors[i].external_id == NULL || p->errors[i].message == NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	const char *s = (const char *)data;
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	int rc;

	rc = conn_shopify_parse_orders(a, s, size, &p, &msg);
	if (rc != 0 && rc != -ERR_UPSTREAM)
		abort();
	if (rc == 0)
		check_page(&p, true);
	rc = conn_shopify_parse_products(a, s, size, "JPY", &p, NULL);
	if (rc != 0 && rc != -ERR_UPSTREAM)
		abort();
	if (rc == 0)
		check_page(&p, false);

	rc = conn_rakuten_parse_orders(a, s, size, &p, &msg);
	if (rc != 0 && rc != -ERR_UPSTREAM && rc != -ERR_FORBIDDEN)
		abort();
	if (rc == 0)
		check_page(&p, true);
	const char **nums;
	size_t n;
	int64_t total, pages;
	rc = conn_rakuten_parse_search(a, s, size, &nums, &n, &total, &pages, NULL);
	if (rc != 0 && rc != -ERR_UPSTREAM && rc != -ERR_FORBIDDEN)
		abort();
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (nums[i] == NULL)
			abort();

	const char *next;
	rc = conn_amazon_parse_orders(a, s, size, &p, &next, &msg);
	if (rc != 0 && rc != -ERR_UPSTREAM)
		abort();
	if (rc == 0) {
		check_page(&p, false);
		/* the same bytes as the items of the first order, then the merge */
		if (p.norders > 0) {
			struct conn_order o = p.orders[0];
			struct buf items;
			buf_init(&items, a, 64);
			rc = conn_amazon_parse_items(a, s, size, &o, &items, &next, NULL);
			if (rc != 0 && rc != -ERR_UPSTREAM && rc != -ERR_INVALID)
				abort();
			if (rc == 0 && conn_amazon_finish(a, &o, &items) == 0) {
				struct json_object *j;
				if (conn_json_parse(a, o.raw, o.raw_len, "merged", &j, NULL) != 0)
					abort(); /* the merged raw JSON is still JSON */
				p.orders[0] = o;
				p.norders = 1;
				check_page(&p, true);
			}
		}
	}

	/* the input as a Link header (NUL-terminated copy) */
	char *link = arena_memdup(a, data, size < 4096 ? size : 4096);
	rc = conn_shopify_next_link(a, link, "https://shop.myshopify.com", &next, NULL);
	if (rc != 0 && rc != -ERR_UPSTREAM)
		abort();
	if (next != NULL && strncasecmp(next, "https://shop.myshopify.com/", 27) != 0)
		abort();
	/* and as a timestamp */
	int64_t ms;
	int off;
	if (conn_json_time_parse(link, &ms, &off) == 0 && (off < -900 || off > 900))
		abort();
	arena_reset(a);
	return 0;
}
