/* test_conn_json.c: json helpers (typed getters on conn_jv, json-c parse and dump, exact money, platform timestamps) and the conn.c registry. */
#include "connectors/conn.h"
#include "connectors/conn_json.h"
#include "core/err.h"
#include "core/utf8.h"
#include "t.h"

#include <json-c/json.h>

static struct arena *a;

static void
test_time_parse(void)
{
	int64_t ms = 0;
	int off = -1;
	/* 楽天: "+0900", 2026-03-01 00:30 JST is 2026-02-28 15:30 UTC */
	T_INTEQ(conn_json_time_parse("2026-03-01T00:30:00+0900", &ms, &off), 0);
	T_INTEQ(ms, 1772292600000LL);
	T_INTEQ(off, 540);
	T_INTEQ(conn_json_time_parse("2026-03-01T00:30:00+09:00", &ms, &off), 0);
	T_INTEQ(ms, 1772292600000LL);
	T_INTEQ(conn_json_time_parse("2026-02-28T15:30:00Z", &ms, &off), 0);
	T_INTEQ(ms, 1772292600000LL);
	T_INTEQ(off, 0);
	T_INTEQ(conn_json_time_parse("2026-02-28T15:30:00.250Z", &ms, &off), 0);
	T_INTEQ(ms, 1772292600250LL);
	T_INTEQ(conn_json_time_parse("2026-02-28T15:30:00.1234567Z", &ms, &off), 0);
	T_INTEQ(ms, 1772292600123LL);
	/* Shopify sample: local offset of the shop */
	T_INTEQ(conn_json_time_parse("2008-01-10T11:00:00-05:00", &ms, &off), 0);
	T_INTEQ(ms, 1199980800000LL);
	T_INTEQ(off, -300);
	/* no zone: JST */
	T_INTEQ(conn_json_time_parse("2026-03-01 00:30:00", &ms, &off), 0);
	T_INTEQ(ms, 1772292600000LL);
	T_INTEQ(off, 540);
	T_INTEQ(conn_json_time_parse("2026-03-01", &ms, &off), 0);
	T_INTEQ(ms, 1772290800000LL);
	T_INTEQ(conn_json_time_parse("2024-02-29T00:00:00Z", &ms, NULL), 0);
	static const char *const bad[] = {
		"", "2026", "2026-02-30T00:00:00Z", "2025-02-29", "2026-13-01", "2026-00-10",
		"2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z",
		"2026-01-01T00:00:00+0960", "2026-01-01T00:00:00+15:00", "2026-01-01T00:00:00+9",
		"2026-01-01T00:00:00Zx", "2026-01-01T00:00:00 ", "2026-01-01T00:00:00.Z",
		"2026-01-01T00:00", "2026/01/01", "1969-12-31T23:59:59Z", "２０２６-01-01",
		"2026-01-01T00:00:00+09:00:00", "2026-1-01T00:00:00Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ms = 42;
		T_OK(conn_json_time_parse(bad[i], &ms, &off) == -ERR_INVALID && ms == 42,
		     "bad time accepted: \"%s\"", bad[i]);
	}
	T_INTEQ(conn_json_time_parse(NULL, &ms, &off), -ERR_INVALID);
}

static void
test_time_format(void)
{
	T_STREQ(conn_json_time_format(a, 1772292600000LL, CONN_JSON_TS_UTC_Z), "2026-02-28T15:30:00Z");
	T_STREQ(conn_json_time_format(a, 1772292600999LL, CONN_JSON_TS_JST_NOCOLON),
		"2026-03-01T00:30:00+0900");
	T_STREQ(conn_json_time_format(a, 1772292600000LL, CONN_JSON_TS_JST),
		"2026-03-01T00:30:00+09:00");
	T_STREQ(conn_json_time_format(a, 0, CONN_JSON_TS_UTC_Z), "1970-01-01T00:00:00Z");
	/* round trip */
	int64_t ms;
	T_INTEQ(conn_json_time_parse(conn_json_time_format(a, 1700000000000LL, CONN_JSON_TS_JST_NOCOLON),
				     &ms, NULL), 0);
	T_INTEQ(ms, 1700000000000LL);
}

static void
test_money(void)
{
	static const char *const ok[] = { "0", "1234", "1234.5", "1234.50", "-0.1", "12345678901234",
					  "1.2345", "-99999999999999.9999" };
	static const char *const bad[] = { "", "-", ".5", "5.", "1e3", "+1", "1,000", " 1", "1 ",
					   "123456789012345", "1.23456", "0x10", "１", "1..2", "--1",
					   "NaN", "Infinity" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		T_OK(conn_money_ok(ok[i]), "money refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_OK(!conn_money_ok(bad[i]), "money accepted: %s", bad[i]);
	T_OK(!conn_money_ok(NULL), "NULL money");
	const char *r;
	T_INTEQ(conn_json_money_add(a, "100.00", "20.5", &r), 0);
	T_STREQ(r, "120.50");
	T_INTEQ(conn_json_money_add(a, "0.1", "0.2", &r), 0);
	T_STREQ(r, "0.3");
	T_INTEQ(conn_json_money_sub(a, "3000", "3000.00", &r), 0);
	T_STREQ(r, "0.00");
	T_INTEQ(conn_json_money_sub(a, "1", "2.5", &r), 0);
	T_STREQ(r, "-1.5");
	T_INTEQ(conn_json_money_sub(a, "-0.5", "-0.5", &r), 0);
	T_STREQ(r, "0.0");
	T_INTEQ(conn_json_money_mul(a, "19.99", 3, &r), 0);
	T_STREQ(r, "59.97");
	T_INTEQ(conn_json_money_mul(a, "1500", 0, &r), 0);
	T_STREQ(r, "0");
	T_INTEQ(conn_json_money_mul(a, "99999999999999", 10, &r), -ERR_INVALID);
	T_INTEQ(conn_json_money_mul(a, "99999999999999", 1000000, &r), -ERR_INVALID);
	T_INTEQ(conn_json_money_add(a, "99999999999999.9999", "0.0001", &r), -ERR_INVALID);
	T_INTEQ(conn_json_money_div(a, "17.95", 2, &r), 0);
	T_STREQ(r, "8.975");
	T_INTEQ(conn_json_money_div(a, "1000.00", 3, &r), 0);
	T_STREQ(r, "333.3333");
	T_INTEQ(conn_json_money_div(a, "2000", 3, &r), 0);
	T_STREQ(r, "666.6667");
	T_INTEQ(conn_json_money_div(a, "-2000", 3, &r), 0);
	T_STREQ(r, "-666.6667");
	T_INTEQ(conn_json_money_div(a, "3000", 2, &r), 0);
	T_STREQ(r, "1500");
	T_INTEQ(conn_json_money_div(a, "25.99", 1, &r), 0);
	T_STREQ(r, "25.99");
	T_INTEQ(conn_json_money_div(a, "1", 0, &r), -ERR_INVALID);
	T_INTEQ(conn_json_money_add(a, "1e2", "1", &r), -ERR_INVALID);
	T_INTEQ(conn_json_percent(a, "0.1", &r), 0);
	T_STREQ(r, "10");
	T_INTEQ(conn_json_percent(a, "0.08", &r), 0);
	T_STREQ(r, "8");
	T_INTEQ(conn_json_percent(a, "0.075", &r), 0);
	T_STREQ(r, "7.5");
	T_INTEQ(conn_json_percent(a, "10", &r), 0);
	T_STREQ(r, "10");
	T_INTEQ(conn_json_percent(a, "0", &r), 0);
	T_STREQ(r, "0");
	T_INTEQ(conn_json_percent(a, "-0.1", &r), -ERR_INVALID);
	T_INTEQ(conn_json_percent(a, "ten", &r), -ERR_INVALID);
}

/* the json-c side: parse (strict) and dump of what a client builds */
static void
test_json_c(void)
{
	struct json_object *o;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_json_parse(a, "{\"a\":1", 6, "テスト", &o, &msg), -ERR_UPSTREAM);
	T_OK(strstr(buf_cstr(&msg), "テストの JSON が不正です") != NULL, "msg: %s", buf_cstr(&msg));
	buf_clear(&msg);
	T_INTEQ(conn_json_parse(a, "{} x", 4, "t", &o, &msg), -ERR_UPSTREAM);
	T_INTEQ(conn_json_parse(a, "", 0, "t", &o, &msg), -ERR_UPSTREAM);
	T_OK(strstr(buf_cstr(&msg), "空") != NULL, "empty msg: %s", buf_cstr(&msg));
	T_INTEQ(conn_json_parse(a, "{\"a\":1}\n ", 9, "t", &o, NULL), 0);
	T_INTEQ(conn_json_parse(a, "123", 3, "t", &o, NULL), 0);
	T_INTEQ(json_object_get_int(o), 123);
	T_INTEQ(conn_json_parse(a, "[1,]", 4, "t", &o, NULL), -ERR_UPSTREAM);
	static const char doc[] = "{\"o\":{\"p\":[{\"q\":\"x\"},{\"q\":\"1e3\"}]},\"d\":1234.50,"
				  "\"slash\":\"a/b\"}";
	T_INTEQ(conn_json_parse(a, doc, strlen(doc), "t", &o, NULL), 0);
	struct json_object *inner = NULL;
	T_OK(json_object_object_get_ex(o, "o", &inner), "o");
	size_t n;
	const char *dump = conn_json_dump(a, inner, &n);
	T_STREQ(dump, "{\"p\":[{\"q\":\"x\"},{\"q\":\"1e3\"}]}");
	T_INTEQ(n, strlen(dump));
	dump = conn_json_dump(a, o, NULL);
	T_OK(strstr(dump, "\"d\":1234.50") != NULL && strstr(dump, "\"slash\":\"a/b\"") != NULL,
	     "dump keeps number text and slashes: %s", dump);
	/* settings and secrets */
	T_INTEQ(conn_json_parse(a, "{\"s\":\"v\",\"i\":5,\"n\":null}", 24, "t", &o, NULL), 0);
	T_STREQ(conn_json_setting(o, "s"), "v");
	T_STREQ(conn_json_setting(o, "i"), "");
	T_STREQ(conn_json_setting(o, "n"), "");
	T_STREQ(conn_json_setting(o, "zz"), "");
	T_STREQ(conn_json_setting(NULL, "s"), "");
}

static void
test_parse_and_get(void)
{
	const struct conn_jv *o;
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_jv_parse(a, "{\"a\":\"\\u0000x\"}", 15, "t", &o, NULL), 0);
	const char *nul;
	T_INTEQ(conn_json_str(a, o, "a", true, &nul, NULL), -ERR_INVALID);
	T_INTEQ(conn_jv_parse(a, "{\"a\":\"x\\ud800y\"}", 16, "t", &o, NULL), 0);
	T_INTEQ(conn_json_str(a, o, "a", true, &nul, NULL), 0);
	T_OK(utf8_valid(nul, strlen(nul)) && nul[0] == 'x', "lone surrogate repaired");
	T_INTEQ(conn_json_money(a, o, "a", NULL, &nul, NULL), -ERR_INVALID);
	T_INTEQ(conn_jv_parse(a, "{\"a\":\"\xff\xfe\"}", 10, "t", &o, NULL), 0);
	T_INTEQ(conn_json_str(a, o, "a", true, &nul, NULL), 0);
	T_STREQ(nul, UTF8_REPLACEMENT UTF8_REPLACEMENT);

	static const char doc[] =
		"{\"s\":\"文字\",\"i\":5001000000001,\"d\":1234.50,\"b\":true,\"n\":null,\"e\":\"\","
		"\"o\":{\"p\":[{\"q\":\"x\"},{\"q\":\"1e3\"}]},\"ns\":\"-42\",\"big\":123456789012345678901,"
		"\"m\":\"12.5\",\"mi\":1500,\"bad\":\"1,000\",\"t\":\"2026-03-01T00:30:00+0900\",\"tb\":5,"
		"\"slash\":\"a/b\",\"neg0\":-0,\"esc\":\"\\u65e5\\n\"}";
	T_INTEQ(conn_jv_parse(a, doc, strlen(doc), "t", &o, NULL), 0);
	const char *s;
	T_INTEQ(conn_json_str(a, o, "s", true, &s, NULL), 0);
	T_STREQ(s, "文字");
	T_INTEQ(conn_json_str(a, o, "i", true, &s, NULL), 0);
	T_STREQ(s, "5001000000001");
	T_INTEQ(conn_json_str(a, o, "d", true, &s, NULL), 0);
	T_STREQ(s, "1234.50");
	T_INTEQ(conn_json_str(a, o, "b", true, &s, NULL), 0);
	T_STREQ(s, "true");
	T_INTEQ(conn_json_str(a, o, "big", true, &s, NULL), 0);
	T_STREQ(s, "123456789012345678901"); /* the source text, not clamped */
	T_INTEQ(conn_json_str(a, o, "esc", true, &s, NULL), 0);
	T_STREQ(s, "日\n");
	T_INTEQ(conn_json_str(a, o, "o.p.1.q", true, &s, NULL), 0);
	T_STREQ(s, "1e3");
	T_INTEQ(conn_json_str(a, o, "o.p.2.q", false, &s, NULL), 0);
	T_STREQ(s, "");
	T_INTEQ(conn_json_str(a, o, "n", false, &s, NULL), 0);
	T_STREQ(s, "");
	buf_clear(&msg);
	T_INTEQ(conn_json_str(a, o, "n", true, &s, &msg), -ERR_INVALID);
	T_STREQ(buf_cstr(&msg), "項目 n がありません");
	T_INTEQ(conn_json_str(a, o, "e", true, &s, NULL), -ERR_INVALID);
	buf_clear(&msg);
	T_INTEQ(conn_json_str(a, o, "o", false, &s, &msg), -ERR_INVALID);
	T_STREQ(buf_cstr(&msg), "項目 o の型が違います");
	T_INTEQ(conn_json_str(a, conn_jv_at(o, "s"), "", true, &s, NULL), 0);
	T_STREQ(s, "文字");

	int64_t v;
	T_INTEQ(conn_json_i64(o, "i", true, 0, &v, NULL), 0);
	T_INTEQ(v, 5001000000001LL);
	T_INTEQ(conn_json_i64(o, "ns", true, 0, &v, NULL), 0);
	T_INTEQ(v, -42);
	T_INTEQ(conn_json_i64(o, "neg0", true, 7, &v, NULL), 0);
	T_INTEQ(v, 0);
	T_INTEQ(conn_json_i64(o, "zz", false, 7, &v, NULL), 0);
	T_INTEQ(v, 7);
	T_INTEQ(conn_json_i64(o, "d", true, 0, &v, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_i64(o, "big", true, 0, &v, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_i64(o, "b", true, 0, &v, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_i64(o, "zz", true, 0, &v, NULL), -ERR_INVALID);

	T_INTEQ(conn_json_money(a, o, "d", NULL, &s, NULL), 0);
	T_STREQ(s, "1234.50");
	T_INTEQ(conn_json_money(a, o, "m", NULL, &s, NULL), 0);
	T_STREQ(s, "12.5");
	T_INTEQ(conn_json_money(a, o, "mi", NULL, &s, NULL), 0);
	T_STREQ(s, "1500");
	T_INTEQ(conn_json_money(a, o, "zz", "0", &s, NULL), 0);
	T_STREQ(s, "0");
	buf_clear(&msg);
	T_INTEQ(conn_json_money(a, o, "bad", "0", &s, &msg), -ERR_INVALID);
	T_STREQ(buf_cstr(&msg), "項目 bad が金額の形式ではありません");
	T_INTEQ(conn_json_money(a, o, "o.p.1.q", NULL, &s, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_money(a, o, "b", NULL, &s, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_money(a, o, "big", NULL, &s, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_money(a, o, "zz", NULL, &s, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_money(a, o, "o", NULL, &s, NULL), -ERR_INVALID);

	int off;
	T_INTEQ(conn_json_time(o, "t", true, &v, &off, NULL), 0);
	T_INTEQ(v, 1772292600000LL);
	T_INTEQ(off, 540);
	T_INTEQ(conn_json_time(o, "zz", false, &v, &off, NULL), 0);
	T_INTEQ(v, 0);
	T_INTEQ(conn_json_time(o, "e", false, &v, NULL, NULL), 0);
	T_INTEQ(conn_json_time(o, "tb", false, &v, NULL, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_time(o, "s", true, &v, NULL, NULL), -ERR_INVALID);
	T_INTEQ(conn_json_time(o, "zz", true, &v, NULL, NULL), -ERR_INVALID);
	static const char tnul[] = "{\"t\":\"2026-03-01\\u0000T00:30:00Z\"}";
	T_INTEQ(conn_jv_parse(a, tnul, strlen(tnul), "t", &o, NULL), 0);
	T_INTEQ(conn_json_time(o, "t", true, &v, NULL, NULL), -ERR_INVALID);

	const char *parts[] = { "山田", NULL, "", "太郎" };
	T_STREQ(conn_json_join(a, " ", parts, 4), "山田 太郎");
	T_STREQ(conn_json_join(a, "-", parts + 1, 2), "");
}

static void
test_registry(void)
{
	size_t n;
	const struct conn_ops *const *all = conn_all(&n);
	T_INTEQ(n, 3);
	T_STREQ(all[0]->platform, "shopify");
	T_STREQ(all[1]->platform, "rakuten");
	T_STREQ(all[2]->platform, "amazon");
	T_OK(conn_find("rakuten") == all[1], "find rakuten");
	T_OK(conn_find("base") == NULL && conn_find(NULL) == NULL, "unknown platform");
	for (size_t i = 0; i < n; i++) {
		const struct conn_ops *o = all[i];
		T_OK(o->validate && o->test && o->fetch && o->credential_expiry && o->fields &&
		     o->nfields > 0 && o->label && o->default_endpoint && o->first_sync_ms > 0 &&
		     (o->streams & (1u << CONN_ORDERS)), "ops of %s complete", o->platform);
		for (size_t k = 0; k < o->nfields; k++)
			T_OK(o->fields[k].name && strspn(o->fields[k].name, "abcdefghijklmnopqrstuvwxyz_") ==
			     strlen(o->fields[k].name) && o->fields[k].max_len > 0 &&
			     strncmp(o->fields[k].label_key, "conn_f_", 7) == 0 &&
			     strncmp(o->fields[k].help_key, "conn_h_", 7) == 0,
			     "field %s of %s", o->fields[k].name, o->platform);
	}
	T_INTEQ(conn_find("shopify")->streams, 7);
	T_INTEQ(conn_find("rakuten")->streams, (1u << CONN_ORDERS) | (1u << CONN_STOCK));
	T_INTEQ(conn_find("amazon")->streams, 1u << CONN_ORDERS);
	T_INTEQ(conn_find("rakuten")->max_window_ms, 63LL * 86400 * 1000);
	T_OK(conn_find("amazon")->lag_ms >= 120000, "amazon lag");
	enum conn_stream s;
	T_INTEQ(conn_stream_parse("stock", &s), 0);
	T_INTEQ(s, CONN_STOCK);
	T_INTEQ(conn_stream_parse("Stock", &s), -ERR_INVALID);
	T_INTEQ(conn_stream_parse(NULL, &s), -ERR_INVALID);
	T_STREQ(conn_stream_name(CONN_PRODUCTS), "products");
	T_STREQ(conn_stream_name((enum conn_stream)9), "unknown");
	T_STREQ(conn_status_name(CONN_ST_REFUNDED), "refunded");
	T_STREQ(conn_status_name(CONN_ST_PENDING), "pending");
	T_STREQ(conn_status_name((enum conn_order_status)42), "other");
}

int
main(void)
{
	a = arena_new(0);
	test_time_parse();
	test_time_format();
	test_money();
	test_json_c();
	test_parse_and_get();
	test_registry();
	arena_free(a);
	return t_done("conn_json");
}
