/* test_conv_run.c: running templates — filter, sort, source types, line withdrawal, CP932 policies, output options, lookups. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/conv_run.h"
#include "convert/cp932.h"
#include "core/arena.h"
#include "core/err.h"

static struct arena *a;

/* ---- records --------------------------------------------------------------------------- */

static struct conv_record *
new_records(enum conv_kind kind, size_t n)
{
	const struct expr_catalog *cat = conv_fields_catalog(kind);
	struct conv_record *r = arena_calloc(a, n, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		r[i].values = arena_calloc(a, cat->count, sizeof *r[i].values);
		r[i].id = i + 1;
		r[i].label = arena_printf(a, "#%zu", 1000 + i + 1);
	}
	return r;
}

static struct expr_value *
slot(enum conv_kind kind, struct conv_record *r, const char *name)
{
	int i = conv_fields_index(kind, name);
	T_OK(i >= 0, "field %s exists", name);
	return &r->values[i < 0 ? 0 : i];
}

static void
set_text(enum conv_kind kind, struct conv_record *r, const char *name, const char *s)
{
	struct expr_value *v = slot(kind, r, name);
	v->type = EXPR_TEXT;
	v->s = s;
	v->len = strlen(s);
}

static void
set_dec(enum conv_kind kind, struct conv_record *r, const char *name, const char *s)
{
	struct expr_value *v = slot(kind, r, name);
	v->type = EXPR_DEC;
	T_OK(dec_parse(s, strlen(s), &v->num) == 0, "decimal %s", s);
}

static void
set_time(enum conv_kind kind, struct conv_record *r, const char *name, int64_t ms)
{
	struct expr_value *v = slot(kind, r, name);
	v->type = EXPR_TIME;
	v->ms = ms;
}

/* A line field in a line-values array (catalog index minus conv_fields_line_first()). */
static struct expr_value *
line_slot(struct expr_value *lv, const char *name)
{
	int i = conv_fields_index(CONV_ORDER_LINE, name);
	T_OK(i >= (int)conv_fields_line_first(), "line field %s", name);
	return &lv[i < (int)conv_fields_line_first() ? 0 : (size_t)i - conv_fields_line_first()];
}

static void
line_text(struct expr_value *lv, const char *name, const char *s)
{
	struct expr_value *v = line_slot(lv, name);
	v->type = EXPR_TEXT;
	v->s = s;
	v->len = strlen(s);
}

static void
line_dec(struct expr_value *lv, const char *name, const char *s)
{
	struct expr_value *v = line_slot(lv, name);
	v->type = EXPR_DEC;
	T_OK(dec_parse(s, strlen(s), &v->num) == 0, "decimal %s", s);
}

/* 2026-11-26 00:00:00 UTC = 09:00 JST */
#define T0 1795651200000LL

/* Three orders: #1001 (1200 yen, Tokyo), #1002 (980, 髙橋), #1003 (5000, null ship name). */
static struct conv_record *
orders(void)
{
	struct conv_record *r = new_records(CONV_ORDER, 3);
	static const char *const names[] = { "山田 太郎", "髙橋 﨑子", NULL };
	static const char *const totals[] = { "1200", "980", "5000" };
	static const char *const prefs[] = { "東京都", "大阪府", "北海道" };
	for (size_t i = 0; i < 3; i++) {
		set_text(CONV_ORDER, &r[i], "order_number", arena_printf(a, "#%zu", 1001 + i));
		set_dec(CONV_ORDER, &r[i], "total", totals[i]);
		set_time(CONV_ORDER, &r[i], "ordered_at", T0 + (int64_t)i * 3600000);
		set_text(CONV_ORDER, &r[i], "ship.prefecture", prefs[i]);
		set_text(CONV_ORDER, &r[i], "status", i == 1 ? "cancelled" : "paid");
		if (names[i])
			set_text(CONV_ORDER, &r[i], "ship.name", names[i]);
	}
	return r;
}

/* ---- definitions ----------------------------------------------------------------------- */

static struct conv_def *
def(const char *json)
{
	struct conv_def *d = arena_calloc(a, 1, sizeof *d);
	struct conv_def_error e;
	int rc = conv_def_parse(a, json, strlen(json), d, &e);
	T_OK(rc == 0, "definition parses: %s", e.msg);
	return rc == 0 ? d : NULL;
}

static struct conv_result res;

static int
run(const struct conv_def *d, const struct conv_record *r, size_t n)
{
	struct conv_run_opts o = { .now_ms = T0 };
	if (d == NULL)
		return -1;
	return conv_run(a, d, r, n, &o, &res);
}

#define OUT() arena_memdup(a, res.bytes, res.len)
/* BYTES(lit): the output is exactly the bytes of the string literal lit */
#define BYTES(lit) (res.len == sizeof(lit) - 1 && memcmp(res.bytes, lit, sizeof(lit) - 1) == 0)

static void
test_sources_and_options(void)
{
	struct conv_record *r = orders();
	struct conv_def *d = def(
	    "{\"kind\":\"order\",\"columns\":["
	    "{\"header\":\"番号\",\"source\":\"field\",\"value\":\"order_number\"},"
	    "{\"header\":\"合計\",\"source\":\"field\",\"value\":\"合計\"},"
	    "{\"header\":\"区分\",\"source\":\"fixed\",\"value\":\"A,1\"},"
	    "{\"header\":\"税抜\",\"source\":\"expr\",\"value\":\"round(total / 1.1, 0, \\\"down\\\")\"},"
	    "{\"header\":\"日時\",\"source\":\"expr\",\"value\":\"date(ordered_at, \\\"yyyy/MM/dd HH:mm\\\")\"},"
	    "{\"header\":\"名前\",\"source\":\"field\",\"value\":\"ship.name\"}],"
	    "\"encoding\":\"utf8\",\"eol\":\"lf\",\"file_name\":\"o_{yyyyMMdd_HHmmss}.csv\"}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "番号,合計,区分,税抜,日時,名前\n"
		       "#1001,1200,\"A,1\",1090,2026/11/26 09:00,山田 太郎\n"
		       "#1002,980,\"A,1\",890,2026/11/26 10:00,髙橋 﨑子\n"
		       "#1003,5000,\"A,1\",4545,2026/11/26 11:00,\n");
	T_STREQ(res.file_name, "o_20261126_090000.csv");
	T_INTEQ(res.records_in, 3);
	T_INTEQ(res.records_out, 3);
	T_INTEQ(res.rows_out, 3);
	T_INTEQ(res.ndelivered, 3);
	T_INTEQ(res.delivered_ids[2], 3);
	T_INTEQ(res.nissues, 0);

	/* no header row, CRLF, every cell quoted */
	d->header_row = false;
	d->eol = "\r\n";
	d->quote = CSV_QUOTE_ALL;
	T_INTEQ(run(d, r, 1), 0);
	T_STREQ(OUT(), "\"#1001\",\"1200\",\"A,1\",\"1090\",\"2026/11/26 09:00\",\"山田 太郎\"\r\n");
	/* non-numeric quoting; an empty cell is quoted too */
	d->quote = CSV_QUOTE_NONNUMERIC;
	T_INTEQ(run(d, r + 2, 1), 0);
	T_STREQ(OUT(), "\"#1003\",5000,\"A,1\",4545,\"2026/11/26 11:00\",\"\"\r\n");
	/* "-5" is not neutralised */
	struct conv_def *neg = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"x\",\"source\":\"expr\","
				   "\"value\":\"0 - total\"},{\"header\":\"y\",\"source\":\"fixed\",\"value\":\"=1+1\"}],"
				   "\"encoding\":\"utf8\",\"header_row\":false}");
	T_INTEQ(run(neg, r, 1), 0);
	T_STREQ(OUT(), "-1200,=1+1\r\n");
	/* UTF-8 with BOM */
	neg->encoding = CSV_UTF8_BOM;
	T_INTEQ(run(neg, r, 1), 0);
	T_OK(BYTES("\xEF\xBB\xBF-1200,=1+1\r\n"), "BOM output");
	/* no records: only the header */
	T_INTEQ(run(d, r, 0), 0);
	T_INTEQ(res.len, 0);
	d->header_row = true;
	T_INTEQ(run(d, NULL, 0), 0);
	T_STREQ(OUT(), "\"番号\",\"合計\",\"区分\",\"税抜\",\"日時\",\"名前\"\r\n");
	T_INTEQ(res.records_in, 0);
	/* output limit */
	struct conv_run_opts small = { .now_ms = T0, .max_bytes = 40 };
	T_INTEQ(conv_run(a, d, r, 3, &small, &res), -ERR_TOO_LARGE);
	/* a definition that was not validated */
	struct conv_def raw = *d;
	struct conv_column col = { .header = "x", .source = CONV_SRC_EXPR, .value = "1" };
	raw.columns = &col;
	raw.ncolumns = 1;
	T_INTEQ(conv_run(a, &raw, r, 3, &small, &res), -ERR_INVALID);
}

static void
test_filter_sort(void)
{
	struct conv_record *r = orders();
	struct conv_def *d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\","
				 "\"value\":\"order_number\"}],\"filter\":\"status <> \\\"cancelled\\\"\","
				 "\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "#1001\n#1003\n");
	T_INTEQ(res.records_filtered, 1);
	T_INTEQ(res.records_out, 2);
	T_INTEQ(res.delivered_ids[1], 3);

	/* numbers numerically (980 < 1200 < 5000), descending */
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"sort\":[{\"value\":\"total\",\"desc\":true}],\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "#1003\n#1001\n#1002\n");
	T_INTEQ(res.delivered_ids[0], 3);
	/* texts by bytes, null first; ties keep the source order (stable) */
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"sort\":[{\"value\":\"ship.name\"}],\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "#1003\n#1001\n#1002\n");   /* null, 山 (E5 B1 B1), 髙 (E9 AB 99) */
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"sort\":[{\"value\":\"status\"},{\"value\":\"ordered_at\",\"desc\":true}],\"encoding\":\"utf8\","
		"\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "#1002\n#1003\n#1001\n");
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"sort\":[{\"value\":\"1\"}],\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "#1001\n#1002\n#1003\n");

	/* a filter that fails is an issue for that record */
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"filter\":\"ship.name\",\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), "");
	T_INTEQ(res.records_failed, 2);
	T_INTEQ(res.records_filtered, 1);
	T_INTEQ(res.nissues, 2);
	T_STREQ(res.issues[0].message,
		"注文 #1001 の 絞り込み条件: 条件の結果が真偽値（TRUE / FALSE）ではありません（この注文は出力しません）");
	T_INTEQ(res.issues[0].column, 0);
	T_STREQ(res.issues[0].column_header, "");
	/* and so is a sort key */
	d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"field\",\"value\":\"order_number\"}],"
		"\"sort\":[{\"value\":\"total / 0\"}],\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	T_INTEQ(run(d, r, 3), 0);
	T_INTEQ(res.records_failed, 3);
	T_INTEQ(res.nissues, 3);
	T_STREQ(res.issues[0].message, "注文 #1001 の 並べ替え1: 7文字目: 0で割ることはできません（この注文は出力しません）");
}

/* Order-line records: order 1 with 2 lines, order 2 with 3 lines (the second line's price is bad),
 * order 3 with 1 line; the order's values shared through order_values. */
static struct conv_record *
lines(size_t *n)
{
	static const size_t per[] = { 2, 3, 1 };
	static const char *const skus[] = { "B", "A", "C", "A", "B", "D" };
	size_t lf = conv_fields_line_first(), nl = conv_fields_catalog(CONV_ORDER_LINE)->count - lf;
	struct conv_record *o = orders();
	struct conv_record *r = arena_calloc(a, 6, sizeof *r);
	size_t k = 0;
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < per[i]; j++, k++) {
			r[k].id = o[i].id;
			r[k].label = o[i].label;
			r[k].order_values = o[i].values;
			struct expr_value *lv = r[k].values = arena_calloc(a, nl, sizeof *r[k].values);
			line_dec(lv, "line.no", arena_printf(a, "%zu", j + 1));
			line_text(lv, "line.sku", skus[k]);
			line_dec(lv, "line.quantity", "2");
			if (k == 3)
				line_text(lv, "line.unit_price", "abc");
			else
				line_dec(lv, "line.unit_price", "150.5");
		}
	*n = k;
	return r;
}

static void
test_line_withdrawal(void)
{
	size_t n;
	struct conv_record *r = lines(&n);
	struct conv_def *d = def(
	    "{\"kind\":\"order_line\",\"columns\":["
	    "{\"header\":\"注文\",\"source\":\"field\",\"value\":\"order_number\"},"
	    "{\"header\":\"明細\",\"source\":\"field\",\"value\":\"line.no\"},"
	    "{\"header\":\"SKU\",\"source\":\"field\",\"value\":\"商品コード\"},"
	    "{\"header\":\"小計\",\"source\":\"expr\",\"value\":\"[単価] * line.quantity\"}],"
	    "\"encoding\":\"utf8\",\"eol\":\"lf\"}");
	T_INTEQ(run(d, r, n), 0);
	T_STREQ(OUT(), "注文,明細,SKU,小計\n#1001,1,B,301.0\n#1001,2,A,301.0\n#1003,1,D,301.0\n");
	T_INTEQ(res.records_in, 3);
	T_INTEQ(res.records_out, 2);
	T_INTEQ(res.records_failed, 1);
	T_INTEQ(res.rows_out, 3);
	T_INTEQ(res.ndelivered, 2);
	T_OK(res.ndelivered == 2 && res.delivered_ids[0] == 1 && res.delivered_ids[1] == 3, "delivered 1 and 3");
	T_INTEQ(res.nissues, 1);
	T_INTEQ(res.issues[0].kind, CONV_ISSUE_ERROR);
	T_INTEQ(res.issues[0].record_id, 2);
	T_INTEQ(res.issues[0].column, 4);
	T_STREQ(res.issues[0].column_header, "小計");
	T_STREQ(res.issues[0].message, "注文 #1002 の 4列目「小計」の式: 6文字目: 数値ではありません: \"abc\""
				       "（この注文の明細はすべて出力しません）");
	/* sorted by SKU the order's lines are apart, and still withdrawn together */
	d->sort = arena_calloc(a, 1, sizeof *d->sort);
	d->sort[0].value = "line.sku";
	d->nsort = 1;
	T_INTEQ(conv_def_validate(a, d, NULL), 0);
	T_INTEQ(run(d, r, n), 0);
	T_STREQ(OUT(), "注文,明細,SKU,小計\n#1001,2,A,301.0\n#1001,1,B,301.0\n#1003,1,D,301.0\n");
	T_OK(res.ndelivered == 2 && res.delivered_ids[0] == 1 && res.delivered_ids[1] == 3, "sorted: delivered 1 and 3");
	T_INTEQ(res.rows_out, 3);
	/* a filter on lines: the order counts as written when one of its lines is */
	d->nsort = 0;
	d->filter = "line.sku = \"A\"";
	T_INTEQ(conv_def_validate(a, d, NULL), 0);
	T_INTEQ(run(d, r, n), 0);
	T_STREQ(OUT(), "注文,明細,SKU,小計\n#1001,2,A,301.0\n");
	T_INTEQ(res.records_out, 1);
	T_INTEQ(res.records_failed, 1);
	T_INTEQ(res.records_filtered, 1);
}

/* ---- CP932 ----------------------------------------------------------------------------- */

static void
test_cp932_policies(void)
{
	if (cp932_init() != 0) {
		T_OK(0, "glibc has no CP932 (gconv modules)");
		return;
	}
	struct conv_record *r = new_records(CONV_ORDER, 3);
	set_text(CONV_ORDER, &r[0], "ship.name", "髙橋 﨑");
	set_text(CONV_ORDER, &r[1], "ship.name", "田中😀");
	set_text(CONV_ORDER, &r[2], "ship.name", "𠮷野 ｱｲ");
	for (size_t i = 0; i < 3; i++) {
		r[i].label = arena_printf(a, "S1-000%zu", i + 1);
		set_text(CONV_ORDER, &r[i], "order_number", r[i].label);
	}
	struct conv_def *d = def("{\"kind\":\"order\",\"columns\":["
				 "{\"header\":\"番号\",\"source\":\"field\",\"value\":\"order_number\"},"
				 "{\"header\":\"送付先名\",\"source\":\"field\",\"value\":\"ship.name\"}],"
				 "\"encoding\":\"cp932\",\"unencodable\":\"fail\",\"header_row\":false}");
	/* fail: the records with 😀 and 𠮷 are not written */
	T_INTEQ(run(d, r, 3), 0);
	T_OK(BYTES("S1-0001,\xFB\xFC\x8B\xB4 \xFA\xB1\r\n"),
	     "髙 FBFC, 﨑 FAB1 (IBM extensions) encoded");
	T_INTEQ(res.records_failed, 2);
	T_INTEQ(res.unencodable, 2);
	T_INTEQ(res.ndelivered, 1);
	T_INTEQ(res.nissues, 2);
	T_INTEQ(res.issues[0].kind, CONV_ISSUE_UNENCODABLE);
	T_INTEQ(res.issues[0].codepoint, 0x1F600);
	T_STREQ(res.issues[0].ch, "😀");
	T_INTEQ(res.issues[0].action, CP932_FAIL);
	T_INTEQ(res.issues[0].column, 2);
	T_STREQ(res.issues[0].message,
		"注文 S1-0002 の 2列目「送付先名」: 😀 (U+1F600) は Shift_JIS にありません。この注文は出力しません");
	T_STREQ(res.issues[1].message,
		"注文 S1-0003 の 2列目「送付先名」: 𠮷 (U+20BB7) は Shift_JIS にありません。この注文は出力しません");
	/* geta */
	d->unencodable = CP932_REPLACE_GETA;
	T_INTEQ(run(d, r + 1, 2), 0);
	T_OK(BYTES("S1-0002,\x93\x63\x92\x86\x81\xAC\r\nS1-0003,\x81\xAC\x96\xEC \xB1\xB2\r\n"), "geta");
	T_INTEQ(res.records_failed, 0);
	T_STREQ(res.issues[0].message,
		"注文 S1-0002 の 2列目「送付先名」: 😀 (U+1F600) は Shift_JIS にありません。〓 に置き換えました");
	/* question mark */
	d->unencodable = CP932_REPLACE_QMARK;
	T_INTEQ(run(d, r + 1, 1), 0);
	T_OK(BYTES("S1-0002,\x93\x63\x92\x86?\r\n"), "qmark");
	T_STREQ(res.issues[0].message,
		"注文 S1-0002 の 2列目「送付先名」: 😀 (U+1F600) は Shift_JIS にありません。? に置き換えました");
	/* drop */
	d->unencodable = CP932_DROP;
	T_INTEQ(run(d, r + 1, 1), 0);
	T_OK(BYTES("S1-0002,\x93\x63\x92\x86\r\n"), "drop");
	T_STREQ(res.issues[0].message,
		"注文 S1-0002 の 2列目「送付先名」: 😀 (U+1F600) は Shift_JIS にありません。削除しました");
	T_INTEQ(res.issues[0].action, CP932_DROP);
	/* more reports than kept */
	struct conv_record *many = new_records(CONV_ORDER, 5);
	for (size_t i = 0; i < 5; i++)
		set_text(CONV_ORDER, &many[i], "ship.name", "😀");
	struct conv_run_opts o = { .max_issues = 2 };
	T_INTEQ(conv_run(a, d, many, 5, &o, &res), 0);
	T_INTEQ(res.nissues, 2);
	T_INTEQ(res.issues_dropped, 3);
	T_INTEQ(res.unencodable, 5);
	/* UTF-8 output has no unencodable characters */
	d->encoding = CSV_UTF8;
	T_INTEQ(run(d, r, 3), 0);
	T_INTEQ(res.nissues, 0);
	T_INTEQ(res.rows_out, 3);
	/* a header CP932 cannot write is a definition error */
	struct conv_def_error e;
	struct conv_def bad = *d;
	struct conv_column cols[1] = { { .header = "名前😀", .source = CONV_SRC_FIELD, .value = "ship.name" } };
	bad.columns = cols;
	bad.ncolumns = 1;
	bad.encoding = CSV_CP932;
	T_INTEQ(conv_def_validate(a, &bad, &e), -ERR_INVALID);
	T_STREQ(e.part, "header");
	T_INTEQ(e.column, 1);
}

/* ---- lookups --------------------------------------------------------------------------- */

static int lookups;

static int
fake_lookup(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len,
    struct arena *scratch, const char **val, size_t *val_len)
{
	(void)scratch;
	lookups++;
	T_OK(ctx == &lookups, "lookup ctx passed through");
	if (table_len != 4 || memcmp(table, "pref", 4) != 0)
		return -ERR_INVALID;
	static const char *const keys[] = { "東京都", "大阪府" }, *const vals[] = { "13", "27" };
	for (size_t i = 0; i < 2; i++)
		if (strlen(keys[i]) == key_len && memcmp(keys[i], key, key_len) == 0) {
			*val = vals[i];
			*val_len = 2;
			return 0;
		}
	return -ERR_NOT_FOUND;
}

static void
test_lookups(void)
{
	struct conv_record *r = orders();
	struct conv_def *d = def("{\"kind\":\"order\",\"columns\":["
				 "{\"header\":\"コード\",\"source\":\"expr\",\"value\":\"lookup(\\\"pref\\\", ship.prefecture, \\\"00\\\")\"},"
				 "{\"header\":\"厳密\",\"source\":\"expr\",\"value\":\"lookup(\\\"pref\\\", ship.prefecture)\"}],"
				 "\"encoding\":\"utf8\",\"eol\":\"lf\",\"header_row\":false}");
	struct conv_run_opts o = { .lookup = fake_lookup, .lookup_ctx = &lookups };
	T_INTEQ(conv_run(a, d, r, 3, &o, &res), 0);
	T_STREQ(OUT(), "13,13\n27,27\n");
	T_INTEQ(lookups, 6);
	T_INTEQ(res.nissues, 1);
	T_STREQ(res.issues[0].message,
		"注文 #1003 の 2列目「厳密」の式: 1文字目: コード表「pref」にキー「北海道」がありません（この注文は出力しません）");
	/* without a lookup callback lookup() is an error */
	T_INTEQ(run(d, r, 1), 0);
	T_INTEQ(res.records_failed, 1);
	T_OK(res.nissues == 1 && strstr(res.issues[0].message, "コード表「pref」を使えません") != NULL,
	     "no lookup: %s", res.nissues ? res.issues[0].message : "");
}

/* The same run twice gives the same bytes; a long label stays whole in messages. */
static void
test_repeatable(void)
{
	struct conv_record *r = orders();
	struct conv_def *d = def("{\"kind\":\"order\",\"columns\":[{\"header\":\"n\",\"source\":\"expr\","
				 "\"value\":\"order_number & \\\"/\\\" & now()\"}],\"encoding\":\"utf8\"}");
	T_INTEQ(run(d, r, 3), 0);
	char *first = OUT();
	T_INTEQ(run(d, r, 3), 0);
	T_STREQ(OUT(), first);
	T_STREQ(first, "n\r\n#1001/2026-11-26 09:00:00\r\n#1002/2026-11-26 09:00:00\r\n#1003/2026-11-26 09:00:00\r\n");
}

int
main(void)
{
	a = arena_new(0);
	test_sources_and_options();
	test_filter_sort();
	test_line_withdrawal();
	test_cp932_policies();
	test_lookups();
	test_repeatable();
	arena_free(a);
	return t_done("conv_run");
}
