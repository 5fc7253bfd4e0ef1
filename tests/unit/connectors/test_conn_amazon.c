/* test_conn_amazon.c: Amazon SP-API parsers (getOrders, getOrderItems, merge), validation, unsupported streams. */
#include "connectors/conn_amazon.h"
#include "connectors/conn_json.h"
#include "core/err.h"
#include "core/file.h"
#include "t.h"

#include <json-c/json.h>

#define CONN_FIXTURE_PLATFORM "amazon"
#include "conn_fixture.h"

static void
test_samples(void)
{
	size_t n;
	struct conn_page p;
	const char *next;
	const char *body = fixture("getOrders.sample.json", &n);
	T_INTEQ(conn_amazon_parse_orders(a, body, n, &p, &next, NULL), 0);
	T_INTEQ(p.norders, 1);
	T_STREQ(next, "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4");
	const struct conn_order *o = &p.orders[0];
	T_STREQ(o->external_id, "902-3159896-1390916");
	T_INTEQ(o->status, CONN_ST_PENDING);
	T_STREQ(o->platform_status, "Pending");
	T_INTEQ(o->ordered_at, 1484941775);
	T_INTEQ(o->ordered_offset_min, 0);
	T_STREQ(o->buyer.name, "John Doe");
	T_STREQ(o->buyer.email, "user@example.com");
	T_STREQ(o->ship_to.name, "Michigan address");
	T_STREQ(o->ship_to.prefecture, "MI");
	T_OK(o->total == NULL, "no OrderTotal");
	T_OK(o->nshipments == 0 && o->shipments == NULL, "Orders v0 has no shipment records");

	body = fixture("getOrders.sandbox.json", &n);
	T_INTEQ(conn_amazon_parse_orders(a, body, n, &p, &next, NULL), 0);
	T_OK(p.norders >= 2 && next == NULL, "sandbox page");
	T_STREQ(p.orders[0].total, "11.01");
	T_STREQ(p.orders[0].currency, "USD");
	T_INTEQ(p.orders[0].status, CONN_ST_PAID);
	T_INTEQ(p.orders[0].updated_at_ms, 1569512000LL);

	/* items of the official example: 25.99 × 1 and 17.95 for 2 */
	struct conn_order oi = *o;
	struct buf items, msg;
	buf_init(&items, a, 64);
	buf_init(&msg, a, 64);
	body = fixture("getOrderItems.sample.json", &n);
	T_INTEQ(conn_amazon_parse_items(a, body, n, &oi, &items, &next, &msg), 0);
	T_STREQ(next, "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4");
	T_INTEQ(oi.nlines, 2);
	T_STREQ(oi.lines[0].sku, "CBA_OTF_1");
	T_STREQ(oi.lines[0].unit_price, "25.99");
	T_STREQ(oi.lines[1].unit_price, "8.975");
	T_STREQ(oi.lines[1].line_total, "17.95");
	T_STREQ(oi.subtotal, "43.94");
	T_STREQ(oi.shipping_fee, "1.26");
	T_INTEQ(conn_amazon_finish(a, &oi, &items), 0);
	T_STREQ(oi.total, "45.20");
	T_OK(strstr(oi.raw, ",\"_order_items\":[{") != NULL && oi.raw_len == strlen(oi.raw), "merged raw");
	const struct conn_jv *merged;
	const char *s;
	T_INTEQ(conn_jv_parse(a, oi.raw, oi.raw_len, "merged", &merged, NULL), 0);
	T_INTEQ(conn_jv_len(conn_jv_get(merged, "_order_items")), 2);
	T_INTEQ(conn_json_str(a, merged, "AmazonOrderId", true, &s, NULL), 0);
	T_STREQ(s, "902-3159896-1390916");
	T_INTEQ(conn_json_str(a, merged, "_order_items.0.ASIN", true, &s, NULL), 0);
	T_STREQ(s, "BT0093TELA");
	/* still JSON for json-c (the detail screen pretty-prints it with json-c) */
	struct json_object *jc;
	T_INTEQ(conn_json_parse(a, oi.raw, oi.raw_len, "merged", &jc, NULL), 0);
	/* an order object with white space before its closing brace */
	struct conn_order ws = { .raw = "{ \"x\":1 \n}", .subtotal = "0", .shipping_fee = "0",
				 .discount = "0", .total = "0" };
	ws.raw_len = strlen(ws.raw);
	struct buf one;
	buf_init(&one, a, 16);
	buf_puts(&one, "{\"i\":2}");
	T_INTEQ(conn_amazon_finish(a, &ws, &one), 0);
	T_STREQ(ws.raw, "{ \"x\":1 \n,\"_order_items\":[{\"i\":2}]}");
	struct conn_order empty = { .raw = "{ \n }", .subtotal = "0", .shipping_fee = "0",
				    .discount = "0", .total = "0" };
	empty.raw_len = strlen(empty.raw);
	T_INTEQ(conn_amazon_finish(a, &empty, &one), 0);
	T_STREQ(empty.raw, "{ \n \"_order_items\":[{\"i\":2}]}");
	T_INTEQ(conn_jv_parse(a, empty.raw, strlen(empty.raw), "merged", &merged, NULL), 0);
}

static void
test_jp(void)
{
	size_t n;
	struct conn_page p;
	const char *next;
	struct buf msg;
	buf_init(&msg, a, 64);
	const char *body = fixture("getOrders.jp.json", &n);
	T_INTEQ(conn_amazon_parse_orders(a, body, n, &p, &next, &msg), 0);
	T_STREQ(next, "MRgZW55IGNhcm5hbCBwbGVhc3VyZS4+/=");
	T_INTEQ(p.norders, 2);
	T_INTEQ(p.nerrors, 1);
	T_STREQ(p.errors[0].external_id, "503-0000000-0000000");
	T_OK(strstr(p.errors[0].message, "PurchaseDate") != NULL, "msg: %s", p.errors[0].message);

	struct conn_order o = p.orders[0];
	T_STREQ(o.external_id, "503-1234567-1234567");
	T_INTEQ(o.status, CONN_ST_SHIPPED);
	T_INTEQ(o.ordered_at, 1772292600);
	T_INTEQ(o.updated_at_ms, 1772330400000LL);
	T_STREQ(o.currency, "JPY");
	T_STREQ(o.total, "4880.00");
	T_STREQ(o.ship_to.name, "アマゾン 花子");
	T_STREQ(o.ship_to.postal_code, "153-0064");
	T_STREQ(o.ship_to.address1, "目黒区下目黒1-8-1");
	T_STREQ(o.ship_to.address2, "アルコタワー 10F");
	T_STREQ(o.ship_to.phone, "03-0000-0000");
	T_STREQ(o.buyer.email, "xyz@marketplace.amazon.co.jp");
	T_STREQ(o.buyer.phone, "");

	struct buf items;
	buf_init(&items, a, 64);
	body = fixture("getOrderItems.jp.json", &n);
	T_INTEQ(conn_amazon_parse_items(a, body, n, &o, &items, &next, &msg), 0);
	T_OK(next == NULL, "last items page");
	T_INTEQ(o.nlines, 2);
	T_STREQ(o.lines[0].external_line_id, "11111111111111");
	T_STREQ(o.lines[0].sku, "TOWEL-WH");
	T_STREQ(o.lines[0].unit_price, "2980.00");
	T_STREQ(o.lines[1].unit_price, "333.3333");
	T_STREQ(o.lines[1].line_total, "900.00");
	T_INTEQ(o.lines[1].quantity, 3);
	T_OK(o.lines[1].tax_rate == NULL, "no tax rate");
	T_STREQ(o.subtotal, "3980.00");
	T_STREQ(o.tax, "362.00");
	T_STREQ(o.shipping_fee, "500.00");
	T_STREQ(o.discount, "100.00");
	T_INTEQ(conn_amazon_finish(a, &o, &items), 0);
	T_STREQ(o.total, "4880.00"); /* Amazon's OrderTotal is kept */

	/* Pending without total and address: PII "" and total computed */
	struct conn_order q = p.orders[1];
	T_INTEQ(q.status, CONN_ST_PENDING);
	T_STREQ(q.ship_to.name, "");
	T_STREQ(q.buyer.name, "");
	T_STREQ(q.currency, "JPY");
	struct buf none;
	buf_init(&none, a, 8);
	static const char empty_items[] = "{\"payload\":{\"OrderItems\":[]}}";
	T_INTEQ(conn_amazon_parse_items(a, empty_items, strlen(empty_items), &q, &none, &next, &msg), 0);
	T_INTEQ(conn_amazon_finish(a, &q, &none), 0);
	T_STREQ(q.total, "0");
	T_OK(strstr(q.raw, "\"_order_items\":[]}") != NULL, "raw: %s", q.raw);

	/* a bad item: the order is left out by the caller */
	static const char bad_item[] = "{\"payload\":{\"OrderItems\":[{\"OrderItemId\":\"1\","
				       "\"QuantityOrdered\":1,\"ItemPrice\":{\"Amount\":\"12,00\"}}]}}";
	buf_clear(&msg);
	T_INTEQ(conn_amazon_parse_items(a, bad_item, strlen(bad_item), &q, &none, &next, &msg),
		-ERR_INVALID);
	T_OK(strstr(buf_cstr(&msg), "ItemPrice.Amount") != NULL, "msg: %s", buf_cstr(&msg));
}

static void
test_bad_pages(void)
{
	static const char *const bad[] = {
		"", "{}", "{\"payload\":{}}", "{\"payload\":{\"Orders\":{}}}",
		"{\"errors\":[{\"code\":\"InvalidInput\"}]}", "{\"payload\":{\"Orders\":[],\"NextToken\":{}}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conn_page p;
		const char *next;
		T_OK(conn_amazon_parse_orders(a, bad[i], strlen(bad[i]), &p, &next, NULL) ==
		     -ERR_UPSTREAM && next == NULL, "bad page %zu accepted", i);
	}
	struct conn_page p;
	const char *next;
	static const char odd[] = "{\"payload\":{\"Orders\":[{\"AmazonOrderId\":\"../x\",\"PurchaseDate\":"
				  "\"2026-01-01T00:00:00Z\",\"LastUpdateDate\":\"2026-01-01T00:00:00Z\","
				  "\"OrderStatus\":\"Shipped\"},7]}}";
	T_INTEQ(conn_amazon_parse_orders(a, odd, strlen(odd), &p, &next, NULL), 0);
	T_INTEQ(p.norders, 0);
	T_INTEQ(p.nerrors, 2);
}

static void
test_validate(void)
{
	const struct conn_ops *ops = &conn_amazon_ops;
	struct json_object *sec = json("{\"client_id\":\"amzn1.application-oa2-client.abc\","
				       "\"client_secret\":\"amzn1.oa2-cs.v1.def\",\"refresh_token\":"
				       "\"Atzr|IwEBIA\"}");
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(ops->validate(json("{}"), sec, &msg), 0);
	T_INTEQ(ops->validate(json("{\"marketplace_id\":\"A1VC38T7YXB528\",\"region\":\"fe\","
				   "\"lwa_endpoint\":\"https://api.amazon.co.jp\"}"), sec, &msg), 0);
	static const char *const bad_set[] = {
		"{\"marketplace_id\":\"a1vc38t7yxb528\"}", "{\"region\":\"jp\"}",
		"{\"lwa_endpoint\":\"ftp://x\"}", "{\"lwa_endpoint\":\"https://a b\"}",
	};
	for (size_t i = 0; i < sizeof bad_set / sizeof bad_set[0]; i++) {
		buf_clear(&msg);
		T_OK(ops->validate(json(bad_set[i]), sec, &msg) == -ERR_INVALID && msg.len > 0,
		     "settings accepted: %s", bad_set[i]);
	}
	T_INTEQ(ops->validate(json("{}"), json("{\"client_id\":\"x\",\"client_secret\":\"y\"}"), &msg),
		-ERR_INVALID);
	T_INTEQ(ops->credential_expiry(json("{}")), 0);
	struct conn_ctx c;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.settings = json("{}");
	c.secrets = sec;
	struct conn_window w = { 0, 1000 };
	struct conn_page p;
	T_INTEQ(ops->fetch(&c, CONN_STOCK, &w, NULL, &p, &msg), -ERR_INVALID);
	T_INTEQ(ops->fetch(&c, CONN_PRODUCTS, &w, NULL, &p, &msg), -ERR_INVALID);
	T_INTEQ(ops->fetch(&c, CONN_ORDERS, &w, "bogus", &p, &msg), -ERR_INVALID);
	T_INTEQ(c.stats.api_calls + p.norders, 0);
	T_OK(c.token == NULL, "no token fetched");
}

int
main(void)
{
	a = arena_new(0);
	test_samples();
	test_jp();
	test_bad_pages();
	test_validate();
	arena_free(a);
	return t_done("conn_amazon");
}
