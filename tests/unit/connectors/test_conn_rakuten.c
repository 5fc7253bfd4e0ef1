/* test_conn_rakuten.c: 楽天 RMS parsers (getOrder, searchOrder), ESA header, validation, credential expiry. */
#include "connectors/conn_json.h"
#include "connectors/conn_rakuten.h"
#include "core/err.h"
#include "core/file.h"
#include "t.h"

#include <json-c/json.h>

#define CONN_FIXTURE_PLATFORM "rakuten"
#include "conn_fixture.h"

static void
test_get_order(void)
{
	size_t n;
	const char *body = fixture("getOrder.json", &n);
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_rakuten_parse_orders(a, body, n, &p, &msg), 0);
	T_INTEQ(p.norders, 2);
	T_INTEQ(p.nerrors, 2);
	T_STREQ(p.errors[0].external_id, "123456-20260301-0000000199");
	T_OK(strstr(p.errors[0].message, "ORDER_EXT_API_GET_ORDER_ERROR_002") != NULL, "msg: %s",
	     p.errors[0].message);
	T_STREQ(p.errors[1].external_id, "123456-20260302-0000000103");
	T_OK(strstr(p.errors[1].message, "orderDatetime が日時の形式ではありません") != NULL, "msg: %s",
	     p.errors[1].message);

	const struct conn_order *o = &p.orders[0];
	T_STREQ(o->external_id, "123456-20260301-0000000101");
	T_STREQ(o->order_number, "123456-20260301-0000000101");
	T_INTEQ(o->status, CONN_ST_PAID);
	T_STREQ(o->platform_status, "300 発送待ち");
	/* 2026-03-01 00:30 +0900 = 2026-02-28 15:30 UTC */
	T_INTEQ(o->ordered_at, 1772292600);
	T_INTEQ(o->ordered_offset_min, 540);
	T_INTEQ(o->updated_at_ms, 1772326800000LL); /* orderFixDatetime 10:00 JST */
	T_STREQ(o->currency, "JPY");
	T_STREQ(o->subtotal, "5980");
	T_STREQ(o->shipping_fee, "0");
	T_STREQ(o->tax, "543");
	T_STREQ(o->discount, "500");
	T_STREQ(o->total, "5980");
	T_STREQ(o->buyer.name, "楽天 太郎");
	T_STREQ(o->buyer.kana, "ラクテン タロウ");
	T_STREQ(o->buyer.email, "abc123@pc.fw.rakuten.ne.jp");
	T_STREQ(o->buyer.phone, "03-1234-5678");
	T_STREQ(o->buyer.postal_code, "150-0001");
	T_STREQ(o->buyer.prefecture, "東京都");
	T_STREQ(o->buyer.city, "渋谷区");
	T_STREQ(o->buyer.address1, "神宮前1-2-3");
	T_STREQ(o->buyer.address2, "");
	T_STREQ(o->ship_to.name, "楽天 花子");
	T_STREQ(o->ship_to.postal_code, "530-0001");
	T_STREQ(o->ship_to.address1, "梅田1-1-1 梅田ビル5F");
	T_STREQ(o->ship_to.email, "");
	T_INTEQ(o->nlines, 1);
	T_STREQ(o->lines[0].external_line_id, "100001");
	T_STREQ(o->lines[0].sku, "towel01:v-white");
	T_STREQ(o->lines[0].name, "オーガニックコットン タオル");
	T_INTEQ(o->lines[0].quantity, 2);
	T_STREQ(o->lines[0].unit_price, "2990");
	T_STREQ(o->lines[0].line_total, "5980");
	T_STREQ(o->lines[0].tax_rate, "10");
	T_STREQ(o->lines[0].jan, "");
	/* ShippingModelList: the entry without a shippingNumber is skipped */
	T_INTEQ(o->nshipments, 3);
	T_STREQ(o->shipments[0].external_id, "300001");
	T_STREQ(o->shipments[0].carrier, "ヤマト運輸");
	T_STREQ(o->shipments[0].tracking_number, "123456789012");
	T_INTEQ(o->shipments[0].shipped_at, 1772377200); /* 2026-03-02 00:00 JST */
	T_STREQ(o->shipments[0].status, "");
	T_STREQ(o->shipments[1].external_id, "300002");
	T_STREQ(o->shipments[1].carrier, "佐川急便");       /* from the deliveryCompany code */
	T_INTEQ(o->shipments[1].shipped_at, 0);
	T_STREQ(o->shipments[2].external_id, "300004");
	T_STREQ(o->shipments[2].carrier, "1099");           /* an unknown code as it is */
	T_STREQ(o->shipments[2].tracking_number, "AB-555");
	T_INTEQ(o->shipments[2].shipped_at, 1772463600);
	/* raw: the order's own bytes in the response */
	T_OK(o->raw_len > 0 && o->raw_len == strlen(o->raw) && memmem(body, n, o->raw, o->raw_len) != NULL,
	     "raw: %.80s", o->raw);
	const struct conn_jv *raw;
	const char *s;
	T_INTEQ(conn_jv_parse(a, o->raw, o->raw_len, "raw", &raw, NULL), 0);
	T_INTEQ(conn_json_str(a, raw, "orderNumber", true, &s, NULL), 0);
	T_STREQ(s, "123456-20260301-0000000101");
	T_INTEQ(conn_json_str(a, raw, "remarks", true, &s, NULL), 0);
	T_STREQ(s, "[配送日時指定:]\n指定なし");

	o = &p.orders[1];
	T_INTEQ(o->status, CONN_ST_PENDING);
	T_STREQ(o->platform_status, "100 注文確認待ち");
	T_STREQ(o->shipping_fee, "0"); /* -9999 未確定 */
	T_STREQ(o->total, "0");
	T_INTEQ(o->updated_at_ms, 1772679600000LL); /* the change request, 2026-03-05 12:00 JST */
	T_STREQ(o->lines[0].sku, "trial-set");
	T_STREQ(o->lines[0].tax_rate, "8");
	T_STREQ(o->lines[0].line_total, "1080");
	T_INTEQ(conn_jv_parse(a, o->raw, o->raw_len, "raw", &raw, NULL), 0);
	T_INTEQ(conn_json_str(a, raw, "totalPrice", true, &s, NULL), 0);
	T_STREQ(s, "-9999"); /* raw keeps it */
	T_INTEQ(o->nshipments, 0); /* no ShippingModelList */
	T_OK(o->shipments == NULL, "no shipments array");
}

static void
test_shipping_bad(void)
{
#define ORD(num, pk) "{\"orderNumber\":\"" num "\",\"orderProgress\":500,\"orderDatetime\":" \
	"\"2026-03-01T10:00:00+0900\",\"PackageModelList\":[" pk "]}"
	static const char body[] = "{\"OrderModelList\":["
		ORD("1-1", "{\"ShippingModelList\":{}}") ","
		ORD("1-2", "{\"ShippingModelList\":[3]}") ","
		ORD("1-3", "{\"ShippingModelList\":[{\"shippingNumber\":\"X\",\"shippingDate\":\"2026-13-01\"}]}") ","
		ORD("1-4", "{\"ShippingModelList\":[{\"shippingNumber\":\"\"}]},"
			   "{\"ShippingModelList\":[{\"shippingNumber\":\"T-9\",\"deliveryCompany\":\"1003\"}]}") "]}";
#undef ORD
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_rakuten_parse_orders(a, body, strlen(body), &p, &msg), 0);
	T_INTEQ(p.nerrors, 3);
	static const char *const ids[] = { "1-1", "1-2", "1-3" };
	static const char *const why[] = { "ShippingModelList の型", "オブジェクトではありません", "shippingDate" };
	for (size_t i = 0; i < 3 && i < p.nerrors; i++) {
		T_STREQ(p.errors[i].external_id, ids[i]);
		T_OK(strstr(p.errors[i].message, why[i]) != NULL, "order %s: %s", ids[i], p.errors[i].message);
	}
	T_INTEQ(p.norders, 1);
	const struct conn_order *o = &p.orders[0];
	T_INTEQ(o->nshipments, 1); /* the second package's; the first has no number yet */
	T_STREQ(o->shipments[0].external_id, "1-4/T-9"); /* no shippingDetailId: order/number */
	T_STREQ(o->shipments[0].carrier, "日本郵便");
	T_INTEQ(o->shipments[0].shipped_at, 0);
}

static void
test_search(void)
{
	size_t n, cnt;
	const char **nums;
	int64_t total, pages;
	struct buf msg;
	buf_init(&msg, a, 64);
	const char *body = fixture("searchOrder.json", &n);
	T_INTEQ(conn_rakuten_parse_search(a, body, n, &nums, &cnt, &total, &pages, &msg), 0);
	T_INTEQ(cnt, 3);
	T_STREQ(nums[2], "123456-20260302-0000000103");
	T_INTEQ(total, 2003);
	T_INTEQ(pages, 3);

	body = fixture("searchOrder.error.json", &n);
	T_INTEQ(conn_rakuten_parse_search(a, body, n, &nums, &cnt, &total, &pages, &msg), -ERR_UPSTREAM);
	T_OK(strstr(buf_cstr(&msg), "ORDER_EXT_API_SEARCH_ORDER_ERROR_011") != NULL, "msg: %s",
	     buf_cstr(&msg));
	T_INTEQ(cnt, 0);

	static const char none[] = "{\"orderNumberList\":[],\"MessageModelList\":[{\"messageType\":"
				   "\"INFO\",\"messageCode\":\"ORDER_EXT_API_SEARCH_ORDER_INFO_102\","
				   "\"message\":\"注文検索結果が0件です。\"}],\"PaginationResponseModel\":"
				   "{\"totalRecordsAmount\":0,\"totalPages\":0,\"requestPage\":1}}";
	T_INTEQ(conn_rakuten_parse_search(a, none, strlen(none), &nums, &cnt, &total, &pages, &msg), 0);
	T_INTEQ(cnt + total + pages, 0);

	static const char auth[] = "{\"MessageModelList\":[{\"messageType\":\"ERROR\",\"messageCode\":"
				   "\"ORDER_EXT_API_AUTH_ERROR\",\"message\":\"ライセンスキーの有効期限が"
				   "切れています\"}]}";
	buf_clear(&msg);
	T_INTEQ(conn_rakuten_parse_search(a, auth, strlen(auth), &nums, &cnt, &total, &pages, &msg),
		-ERR_FORBIDDEN);
	T_OK(strstr(buf_cstr(&msg), "認証エラー") != NULL, "msg: %s", buf_cstr(&msg));
	buf_clear(&msg);
	T_INTEQ(conn_rakuten_parse_orders(a, auth, strlen(auth), &(struct conn_page){ 0 }, &msg),
		-ERR_FORBIDDEN);

	static const char *const bad[] = {
		"", "{", "{\"orderNumberList\":\"x\"}", "{\"orderNumberList\":[{}]}",
		"{\"PaginationResponseModel\":{\"totalPages\":\"many\"}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_OK(conn_rakuten_parse_search(a, bad[i], strlen(bad[i]), &nums, &cnt, &total, &pages,
					       NULL) == -ERR_UPSTREAM, "bad search %zu accepted", i);
	struct conn_page p;
	T_INTEQ(conn_rakuten_parse_orders(a, "{\"OrderModelList\":{}}", 21, &p, NULL), -ERR_UPSTREAM);
	T_INTEQ(conn_rakuten_parse_orders(a, "{}", 2, &p, NULL), 0);
	T_INTEQ(p.norders + p.nerrors, 0);
}

static void
test_esa_validate_expiry(void)
{
	/* "aaa:bbb" → YWFhOmJiYg== (the example quoted in ec-platform-apis.md) */
	T_STREQ(conn_rakuten_esa(a, "aaa", "bbb"), "ESA YWFhOmJiYg==");
	T_STREQ(conn_rakuten_esa(a, "SP123456_abc", "SL123456_xyz"), "ESA U1AxMjM0NTZfYWJjOlNMMTIzNDU2X3h5eg==");
	const struct conn_ops *ops = &conn_rakuten_ops;
	struct json_object *set = json("{\"license_expires_on\":\"2026-03-31\"}");
	struct json_object *sec = json("{\"service_secret\":\"SP123456_abc\",\"license_key\":\"SL1_x\"}");
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(ops->validate(set, sec, &msg), 0);
	T_INTEQ(ops->validate(json("{\"license_expires_on\":\"2026-03-31\",\"rescan_days\":\"0\"}"),
			      sec, &msg), 0);
	T_INTEQ(ops->validate(json("{\"license_expires_on\":\"2026-03-31\",\"rescan_days\":\"730\"}"),
			      sec, &msg), 0);
	T_INTEQ(ops->validate(json("{\"license_expires_on\":\"2026-03-31\",\"shop_url\":"
				   "\"https://www.rakuten.co.jp/demo/\"}"), sec, &msg), 0);
	static const char *const bad_set[] = {
		"{}", "{\"license_expires_on\":\"2026-02-30\"}", "{\"license_expires_on\":\"2026/03/31\"}",
		"{\"license_expires_on\":\"2026-03-31 10:00:00\"}",
		"{\"license_expires_on\":\"2026-03-31\",\"shop_url\":\"javascript:alert(1)\"}",
		"{\"license_expires_on\":\"2026-03-31\",\"rescan_days\":\"731\"}",
		"{\"license_expires_on\":\"2026-03-31\",\"rescan_days\":\"-1\"}",
		"{\"license_expires_on\":\"2026-03-31\",\"rescan_days\":\"1e2\"}",
	};
	for (size_t i = 0; i < sizeof bad_set / sizeof bad_set[0]; i++) {
		buf_clear(&msg);
		T_OK(ops->validate(json(bad_set[i]), sec, &msg) == -ERR_INVALID && msg.len > 0,
		     "settings accepted: %s", bad_set[i]);
	}
	T_INTEQ(ops->validate(set, json("{\"service_secret\":\"a:b\",\"license_key\":\"k\"}"), &msg),
		-ERR_INVALID);
	T_INTEQ(ops->validate(set, json("{\"service_secret\":\"a\"}"), &msg), -ERR_INVALID);
	/* expiry: the end of 2026-03-31 JST = 2026-03-31T14:59:59Z */
	T_INTEQ(ops->credential_expiry(set), 1774969199);
	T_INTEQ(ops->credential_expiry(json("{}")), 0);
	T_INTEQ(ops->credential_expiry(json("{\"license_expires_on\":\"soon\"}")), 0);
	/* products are not supported: nothing is called, nothing set */
	struct conn_ctx c;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.settings = set;
	c.secrets = sec;
	struct conn_window w = { 0, 1000 };
	struct conn_page p;
	T_INTEQ(ops->fetch(&c, CONN_PRODUCTS, &w, NULL, &p, &msg), -ERR_INVALID);
	T_INTEQ(c.stats.api_calls + p.norders + p.nproducts + p.nstock, 0);
	static const char *const bad_tok[] = { "x", "r1:", "r1:5:1:0:1", "r1:0:10:6:1", "r1:0:10:0:0",
					       "r1:0:10:0:1x", "r2:0:10:0:1", "r1:0:99999999999:0:1" };
	for (size_t i = 0; i < sizeof bad_tok / sizeof bad_tok[0]; i++)
		T_OK(ops->fetch(&c, CONN_ORDERS, &w, bad_tok[i], &p, &msg) == -ERR_INVALID &&
		     c.stats.api_calls == 0, "token accepted: %s", bad_tok[i]);
	static const char *const bad_stock[] = { "s1:", "s1:-1:5", "s1:0:0", "s1:100000:1", "x" };
	for (size_t i = 0; i < sizeof bad_stock / sizeof bad_stock[0]; i++)
		T_OK(ops->fetch(&c, CONN_STOCK, &w, bad_stock[i], &p, &msg) == -ERR_INVALID &&
		     c.stats.api_calls == 0, "stock token accepted: %s", bad_stock[i]);
}

int
main(void)
{
	a = arena_new(0);
	test_get_order();
	test_shipping_bad();
	test_search();
	test_esa_validate_expiry();
	arena_free(a);
	return t_done("conn_rakuten");
}
