/* test_conn_shopify.c: Shopify page parsers on the official samples and JP pages, Link paging, endpoint, validation. */
#include "connectors/conn_json.h"
#include "connectors/conn_shopify.h"
#include "core/err.h"
#include "core/file.h"
#include "t.h"

#include <json-c/json.h>

#define CONN_FIXTURE_PLATFORM "shopify"
#include "conn_fixture.h"

static void
test_sample(void)
{
	size_t n;
	const char *body = fixture("orders.sample.json", &n);
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_shopify_parse_orders(a, body, n, &p, &msg), 0);
	T_INTEQ(p.norders, 1);
	T_INTEQ(p.nerrors, 0);
	const struct conn_order *o = &p.orders[0];
	T_STREQ(o->external_id, "450789469");
	T_STREQ(o->order_number, "#1001");
	T_INTEQ(o->status, CONN_ST_PAID); /* partially_refunded, unfulfilled */
	T_STREQ(o->platform_status, "partially_refunded/unfulfilled");
	T_INTEQ(o->ordered_at, 1199980800);
	T_INTEQ(o->ordered_offset_min, -300);
	T_INTEQ(o->updated_at_ms, 1199980800000LL);
	T_STREQ(o->currency, "USD");
	T_STREQ(o->subtotal, "597.00");
	T_STREQ(o->tax, "11.94");
	T_STREQ(o->discount, "10.00");
	T_STREQ(o->total, "598.94");
	T_STREQ(o->shipping_fee, "0.00");
	T_STREQ(o->buyer.name, "Bob Norman");
	T_STREQ(o->buyer.email, "bob.norman@mail.example.com");
	T_STREQ(o->buyer.phone, "+557734881234");
	T_STREQ(o->buyer.postal_code, "40202");
	T_STREQ(o->buyer.prefecture, "Kentucky");
	T_STREQ(o->buyer.kana, "");
	T_STREQ(o->ship_to.city, "Louisville");
	T_INTEQ(o->nlines, 3);
	T_STREQ(o->lines[0].external_line_id, "466157049");
	T_STREQ(o->lines[0].sku, "IPOD2008GREEN");
	T_STREQ(o->lines[0].name, "IPod Nano - 8gb - green");
	T_INTEQ(o->lines[0].quantity, 1);
	T_STREQ(o->lines[0].unit_price, "199.00");
	T_STREQ(o->lines[0].line_total, "199.00");
	T_STREQ(o->lines[0].tax_rate, "6");
	T_STREQ(o->lines[2].sku, "IPOD2008BLACK");
	/* fulfillments[]: the official sample's failed one is kept with its status */
	T_INTEQ(o->nshipments, 1);
	T_STREQ(o->shipments[0].external_id, "255858046");
	T_STREQ(o->shipments[0].carrier, "USPS");
	T_STREQ(o->shipments[0].tracking_number, "1Z1234512345123456");
	T_INTEQ(o->shipments[0].shipped_at, 1751473799); /* 2025-07-02T11:29:59-05:00 */
	T_STREQ(o->shipments[0].status, "failure");      /* shipment_status null: the fulfillment's */
	/* raw: the order's own bytes in the page, as Shopify sent them */
	T_OK(o->raw != NULL && o->raw_len == strlen(o->raw) && o->raw[0] == '{' &&
	     o->raw[o->raw_len - 1] == '}' && memmem(body, n, o->raw, o->raw_len) != NULL,
	     "raw is the order's bytes in the page");
	const struct conn_jv *raw;
	const char *s;
	T_INTEQ(conn_jv_parse(a, o->raw, o->raw_len, "raw", &raw, NULL), 0);
	T_INTEQ(conn_json_str(a, raw, "total_price", true, &s, NULL), 0);
	T_STREQ(s, "598.94");
	T_INTEQ(conn_jv_len(conn_jv_get(raw, "line_items")), 3);
	T_OK(p.next_token == NULL, "no next token from the parser");
}

static void
test_jp(void)
{
	size_t n;
	const char *body = fixture("orders.jp.json", &n);
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_shopify_parse_orders(a, body, n, &p, &msg), 0);
	T_INTEQ(p.norders, 3);
	T_INTEQ(p.nerrors, 1);
	T_STREQ(p.errors[0].external_id, "5001000000003");
	T_OK(strstr(p.errors[0].message, "line_items") == NULL &&
	     strstr(p.errors[0].message, "price が金額の形式ではありません") != NULL &&
	     strstr(p.errors[0].message, "明細 1 行目") != NULL, "record error: %s", p.errors[0].message);

	const struct conn_order *o = &p.orders[0];
	T_STREQ(o->external_id, "5001000000001");
	T_INTEQ(o->ordered_at, 1772292600);   /* 2026-03-01 00:30 JST = 02-28 15:30 UTC */
	T_INTEQ(o->ordered_offset_min, 540);
	T_INTEQ(o->updated_at_ms, 1772413200000LL);
	T_INTEQ(o->status, CONN_ST_PAID);
	T_STREQ(o->platform_status, "paid/unfulfilled");
	T_STREQ(o->currency, "JPY");
	T_STREQ(o->total, "3300");
	T_STREQ(o->shipping_fee, "0");
	T_STREQ(o->buyer.name, "山田 太郎");
	T_STREQ(o->buyer.email, "taro.yamada@example.jp");
	T_STREQ(o->buyer.phone, "03-1234-5678");
	T_STREQ(o->buyer.city, "渋谷区");
	T_STREQ(o->ship_to.name, "山田 花子");
	T_STREQ(o->ship_to.postal_code, "530-0001");
	T_STREQ(o->ship_to.prefecture, "大阪府");   /* sent as "Osaka" with province_code JP-27 */
	T_STREQ(o->ship_to.address2, "梅田ビル 5F");
	T_STREQ(o->ship_to.email, "");
	T_INTEQ(o->nlines, 1);
	T_STREQ(o->lines[0].sku, "TSHIRT-RED-M");
	T_STREQ(o->lines[0].jan, "");
	T_INTEQ(o->lines[0].quantity, 2);
	T_STREQ(o->lines[0].unit_price, "1500");
	T_STREQ(o->lines[0].line_total, "3000");
	T_STREQ(o->lines[0].tax_rate, "10");
	T_INTEQ(o->nshipments, 0); /* "fulfillments": [] */
	T_OK(o->shipments == NULL, "no shipments array");

	o = &p.orders[1];
	T_INTEQ(o->status, CONN_ST_CANCELLED);
	T_STREQ(o->platform_status, "cancelled/refunded/unfulfilled");
	T_STREQ(o->currency, "USD");
	T_STREQ(o->total, "38.18");
	T_STREQ(o->buyer.name, "Bob Norman");       /* from the customer */
	T_STREQ(o->buyer.email, "bob@example.com"); /* contact_email */
	T_STREQ(o->buyer.phone, "+16136120707");
	T_STREQ(o->ship_to.name, "");
	T_STREQ(o->shipping_fee, "0.00");
	T_STREQ(o->lines[0].sku, "");
	T_STREQ(o->lines[0].line_total, "34.98"); /* 19.99 × 2 − 5.00 */
	T_STREQ(o->lines[0].tax_rate, "8");       /* 0.05 + 0.03 */
	T_INTEQ(o->nshipments, 0);                /* "fulfillments" absent */

	o = &p.orders[2];
	T_STREQ(o->external_id, "5001000000004");
	T_INTEQ(o->status, CONN_ST_SHIPPED);
	T_INTEQ(o->ordered_at, 1772463599);
	T_INTEQ(o->updated_at_ms, 1772582400000LL);
	T_STREQ(o->shipping_fee, "800.5"); /* 500 + 300.5 */
	T_STREQ(o->total, "11800.5");
	T_STREQ(o->buyer.name, "一郎 鈴木"); /* first last, as Shopify's own "name" would be */
	T_STREQ(o->lines[0].name, "トートバッグ");
	T_STREQ(o->lines[0].line_total, "11000");
	T_INTEQ(o->nshipments, 3);
	T_STREQ(o->shipments[0].external_id, "7001");
	T_STREQ(o->shipments[0].carrier, "Yamato (JA)");
	T_STREQ(o->shipments[0].tracking_number, "123456789012");
	T_INTEQ(o->shipments[0].shipped_at, 1772499600); /* 2026-03-03 10:00 JST */
	T_STREQ(o->shipments[0].status, "delivered");    /* shipment_status first */
	T_STREQ(o->shipments[1].external_id, "7002");
	T_STREQ(o->shipments[1].carrier, "日本郵便");
	T_STREQ(o->shipments[1].tracking_number, "EJ123456789JP"); /* the first of tracking_numbers */
	T_INTEQ(o->shipments[1].shipped_at, 0);                    /* created_at null: unknown */
	T_STREQ(o->shipments[1].status, "success");
	T_STREQ(o->shipments[2].external_id, "7003");
	T_STREQ(o->shipments[2].carrier, "");
	T_STREQ(o->shipments[2].tracking_number, "");
	T_STREQ(o->shipments[2].status, "cancelled");
}

static void
test_fulfillments_bad(void)
{
#define ORD(id, ful) "{\"id\":" id ",\"created_at\":\"2026-01-01T09:00:00+09:00\",\"updated_at\":" \
	"\"2026-01-01T09:00:00+09:00\",\"total_price\":\"1\",\"line_items\":[],\"fulfillments\":" ful "}"
	static const char body[] = "{\"orders\":["
		ORD("1", "{}") ","
		ORD("2", "[{\"status\":\"success\"}]") ","
		ORD("3", "[{\"id\":31,\"tracking_numbers\":\"x\"}]") ","
		ORD("4", "[7]") ","
		ORD("5", "[{\"id\":51,\"created_at\":\"yesterday\"}]") ","
		ORD("6", "null") ","
		ORD("7", "[{\"id\":71,\"tracking_number\":\"\",\"tracking_numbers\":[\"TN-1\",\"TN-2\"]},"
			 "{\"id\":72,\"tracking_number\":123456}]") "]}";
#undef ORD
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_shopify_parse_orders(a, body, strlen(body), &p, &msg), 0);
	T_INTEQ(p.norders, 2);
	T_INTEQ(p.nerrors, 5);
	static const char *const ids[] = { "1", "2", "3", "4", "5" };
	static const char *const why[] = { "fulfillments の型", "id がありません", "tracking_numbers の型",
					   "オブジェクトではありません", "created_at が日時" };
	for (size_t i = 0; i < 5 && i < p.nerrors; i++) {
		T_STREQ(p.errors[i].external_id, ids[i]);
		T_OK(strstr(p.errors[i].message, why[i]) != NULL, "order %s: %s", ids[i], p.errors[i].message);
	}
	T_STREQ(p.orders[0].external_id, "6");
	T_INTEQ(p.orders[0].nshipments, 0);
	T_STREQ(p.orders[1].external_id, "7");
	T_INTEQ(p.orders[1].nshipments, 2);
	T_STREQ(p.orders[1].shipments[0].tracking_number, "TN-1");
	T_STREQ(p.orders[1].shipments[1].tracking_number, "123456"); /* a number is its JSON text */
	T_STREQ(p.orders[1].shipments[1].status, "");
}

static void
test_products(void)
{
	size_t n;
	const char *body = fixture("products.jp.json", &n);
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_shopify_parse_products(a, body, n, "JPY", &p, &msg), 0);
	T_INTEQ(p.nproducts, 3);
	T_INTEQ(p.nerrors, 1);
	T_STREQ(p.errors[0].external_id, "8004"); /* price 2.5e3: not an exact decimal */
	const struct conn_product *v = &p.products[0];
	T_STREQ(v->external_id, "8001");
	T_STREQ(v->product_external_id, "6001");
	T_STREQ(v->sku, "TSHIRT-RED-M");
	T_STREQ(v->jan, "4901234567894");
	T_STREQ(v->name, "Tシャツ - 赤 / M");
	T_STREQ(v->price, "1500");
	T_STREQ(v->currency, "JPY");
	T_INTEQ(v->updated_at_ms, 1772330400000LL);
	T_OK(strstr(v->raw, ",\"_product_title\":\"Tシャツ\"}") != NULL && v->raw_len == strlen(v->raw),
	     "raw has product title: %s", v->raw);
	T_OK(memmem(body, n, v->raw, v->raw_len - strlen(",\"_product_title\":\"Tシャツ\"}")) != NULL,
	     "raw starts with the variant's bytes");
	const struct conn_jv *raw;
	const char *s;
	T_INTEQ(conn_jv_parse(a, v->raw, v->raw_len, "raw", &raw, NULL), 0);
	T_INTEQ(conn_json_str(a, raw, "_product_title", true, &s, NULL), 0);
	T_STREQ(s, "Tシャツ");
	T_INTEQ(conn_json_str(a, raw, "sku", true, &s, NULL), 0);
	T_STREQ(s, "TSHIRT-RED-M");
	T_STREQ(p.products[1].jan, "");
	T_STREQ(p.products[1].price, "1500.00");
	T_INTEQ(p.products[1].updated_at_ms, 1772326800000LL); /* the product's, newer */
	T_STREQ(p.products[2].name, "キャップ");                /* Default Title */
}

static void
test_bad_pages(void)
{
	static const char *const bad[] = {
		"", "{", "[]", "{\"orders\":{}}", "{\"orders\":null}", "{\"products\":[]}",
		"<html>502 Bad Gateway</html>", "{\"orders\":[]} trailing",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conn_page p;
		struct buf msg;
		buf_init(&msg, a, 64);
		T_OK(conn_shopify_parse_orders(a, bad[i], strlen(bad[i]), &p, &msg) == -ERR_UPSTREAM &&
		     msg.len > 0 && p.norders == 0, "bad orders page %zu accepted", i);
	}
	struct conn_page p;
	static const char odd[] = "{\"orders\":[1,null,\"x\",{}]}";
	T_INTEQ(conn_shopify_parse_orders(a, odd, strlen(odd), &p, NULL), 0);
	T_INTEQ(p.norders, 0);
	T_INTEQ(p.nerrors, 4);
	static const char empty[] = "{\"orders\":[]}";
	T_INTEQ(conn_shopify_parse_orders(a, empty, strlen(empty), &p, NULL), 0);
	T_INTEQ(p.norders + p.nerrors, 0);
}

static void
test_link(void)
{
	const char *next;
	struct buf msg;
	buf_init(&msg, a, 64);
	const char *base = "https://shop.myshopify.com";
	T_INTEQ(conn_shopify_next_link(a, NULL, base, &next, &msg), 0);
	T_OK(next == NULL, "no link");
	T_INTEQ(conn_shopify_next_link(a, "<https://shop.myshopify.com/admin/api/2025-01/orders.json?"
				       "limit=250&page_info=abc>; rel=\"previous\"", base, &next, &msg), 0);
	T_OK(next == NULL, "previous only");
	T_INTEQ(conn_shopify_next_link(a, "<https://shop.myshopify.com/admin/api/2025-01/orders.json?"
				       "limit=250&page_info=prev>; rel=\"previous\", <https://shop."
				       "myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info="
				       "nxt>; rel=\"next\"", base, &next, &msg), 0);
	T_STREQ(next, "https://shop.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=nxt");
	T_INTEQ(conn_shopify_next_link(a, "<https://SHOP.myshopify.com/x?page_info=1>; REL=\"NEXT\"",
				       base, &next, &msg), 0);
	T_STREQ(next, "https://SHOP.myshopify.com/x?page_info=1");
	static const char *const foreign[] = {
		"<https://evil.example/admin/orders.json?page_info=1>; rel=\"next\"",
		"<https://shop.myshopify.com.evil.example/x>; rel=\"next\"",
		"<https://shop.myshopify.com@evil.example/x>; rel=\"next\"",
		"<http://shop.myshopify.com/x>; rel=\"next\"",
		"<https://shop.myshopify.com:8443/x>; rel=\"next\"",
		"<https://shop.myshopify.com?x=/y>; rel=\"next\"",
		"</relative?page_info=1>; rel=\"next\"",
		"<file:///etc/passwd>; rel=\"next\"",
	};
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		buf_clear(&msg);
		T_OK(conn_shopify_next_link(a, foreign[i], base, &next, &msg) == -ERR_UPSTREAM &&
		     next == NULL && strstr(buf_cstr(&msg), "異なるホスト") != NULL,
		     "foreign link followed: %s", foreign[i]);
	}
	T_INTEQ(conn_shopify_next_link(a, "garbage <no end", base, &next, &msg), 0);
	T_OK(next == NULL, "garbage link");
}

static void
test_base_and_validate(void)
{
	const char *b;
	struct json_object *set = json("{\"shop_domain\":\"demo-shop.myshopify.com\"}");
	T_INTEQ(conn_shopify_base(a, NULL, set, &b, NULL), 0);
	T_STREQ(b, "https://demo-shop.myshopify.com");
	T_INTEQ(conn_shopify_base(a, "https://{shop_domain}/", set, &b, NULL), 0);
	T_STREQ(b, "https://demo-shop.myshopify.com");
	T_INTEQ(conn_shopify_base(a, "http://127.0.0.1:32601//", set, &b, NULL), 0);
	T_STREQ(b, "http://127.0.0.1:32601");
	T_INTEQ(conn_shopify_base(a, "", json("{}"), &b, NULL), -ERR_INVALID);

	const struct conn_ops *ops = &conn_shopify_ops;
	struct json_object *sec = json("{\"access_token\":\"shpat_0123456789abcdef\"}");
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(ops->validate(set, sec, &msg), 0);
	T_INTEQ(ops->validate(json("{\"shop_domain\":\"demo.myshopify.com\",\"api_version\":\"2025-07\"}"),
			      sec, &msg), 0);
	static const char *const bad_set[] = {
		"{}", "{\"shop_domain\":\"https://demo.myshopify.com\"}",
		"{\"shop_domain\":\"Demo.myshopify.com\"}", "{\"shop_domain\":\"demo.example.com\"}",
		"{\"shop_domain\":\".myshopify.com\"}", "{\"shop_domain\":\"a/b.myshopify.com\"}",
		"{\"shop_domain\":\"demo.myshopify.com\",\"api_version\":\"2025-02\"}",
		"{\"shop_domain\":\"demo.myshopify.com\",\"api_version\":\"latest\"}",
	};
	for (size_t i = 0; i < sizeof bad_set / sizeof bad_set[0]; i++) {
		buf_clear(&msg);
		T_OK(ops->validate(json(bad_set[i]), sec, &msg) == -ERR_INVALID && msg.len > 0,
		     "settings accepted: %s", bad_set[i]);
	}
	T_INTEQ(ops->validate(set, json("{}"), &msg), -ERR_INVALID);
	T_INTEQ(ops->validate(set, json("{\"access_token\":\"has space\"}"), &msg), -ERR_INVALID);
	T_INTEQ(ops->credential_expiry(set), 0);
	T_STREQ(ops->default_endpoint, "https://{shop_domain}");
}

static void
test_unsupported_and_token(void)
{
	struct conn_ctx c;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.settings = json("{\"shop_domain\":\"demo.myshopify.com\"}");
	c.secrets = json("{\"access_token\":\"x\"}");
	c.endpoint = "https://{shop_domain}";
	struct conn_window w = { 0, 1000 };
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	/* a resume token on another origin is refused before any call */
	T_INTEQ(conn_shopify_ops.fetch(&c, CONN_ORDERS, &w, "https://evil.example/x", &p, &msg),
		-ERR_INVALID);
	T_INTEQ(c.stats.api_calls, 0);
	T_INTEQ(conn_shopify_ops.fetch(&c, (enum conn_stream)7, &w, NULL, &p, &msg), -ERR_INVALID);
	T_INTEQ(c.stats.api_calls, 0);
}

int
main(void)
{
	a = arena_new(0);
	test_sample();
	test_jp();
	test_fulfillments_bad();
	test_products();
	test_bad_pages();
	test_link();
	test_base_and_validate();
	test_unsupported_and_token();
	arena_free(a);
	return t_done("conn_shopify");
}
