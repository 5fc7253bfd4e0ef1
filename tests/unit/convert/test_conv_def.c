/* test_conv_def.c: template definitions — JSON reading, defaults, strictness, Japanese errors with place, canonical JSON. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/conv_def.h"
#include "core/arena.h"
#include "core/err.h"

static struct arena *a;
static struct conv_def d;
static struct conv_def_error e;

static int
parse(const char *json)
{
	return conv_def_parse(a, json, strlen(json), &d, &e);
}

#define COL1 "{\"header\":\"番号\",\"source\":\"field\",\"value\":\"order_number\"}"

/* A definition with one extra top-level member (",\"k\":v" or "") after kind and one column. */
static int
with(const char *extra)
{
	return parse(arena_printf(a, "{\"kind\":\"order\",\"columns\":[" COL1 "]%s}", extra));
}

/* A definition of kind order with the given columns (JSON array body). */
static int
cols(const char *body)
{
	return parse(arena_printf(a, "{\"kind\":\"order\",\"columns\":[%s]}", body));
}

static void
expect(int rc, int want, size_t column, const char *part, const char *msg)
{
	T_INTEQ(rc, want);
	T_INTEQ(e.column, column);
	T_STREQ(e.part, part);
	T_STREQ(e.msg, msg);
}

static void
test_defaults_and_canonical(void)
{
	T_INTEQ(with(""), 0);
	T_INTEQ(d.kind, CONV_ORDER);
	T_INTEQ(d.ncolumns, 1);
	T_INTEQ(d.columns[0].source, CONV_SRC_FIELD);
	T_OK(d.columns[0].expr != NULL, "field column compiled");
	T_STREQ(d.filter, "");
	T_OK(d.filter_expr == NULL, "no filter");
	T_INTEQ(d.nsort, 0);
	T_OK(d.header_row, "header row by default");
	T_INTEQ(d.encoding, CSV_CP932);
	T_STREQ(d.eol, "\r\n");
	T_INTEQ(d.quote, CSV_QUOTE_MINIMAL);
	T_INTEQ(d.unencodable, CP932_FAIL);
	T_STREQ(d.file_name, "orders_{yyyyMMdd_HHmmss}.csv");
	const char *canon =
	    "{\"kind\":\"order\",\"columns\":[{\"header\":\"番号\",\"source\":\"field\",\"value\":\"order_number\"}],"
	    "\"filter\":\"\",\"sort\":[],\"header_row\":true,\"encoding\":\"cp932\",\"eol\":\"crlf\","
	    "\"quote\":\"minimal\",\"unencodable\":\"fail\",\"file_name\":\"orders_{yyyyMMdd_HHmmss}.csv\"}";
	T_STREQ(conv_def_json(a, &d), canon);

	/* every key, white space, escapes; the canonical form reads back to the same bytes */
	const char *full =
	    "{ \"file_name\": \"受注_{yyyyMMdd}.csv\", \"unencodable\": \"geta\", \"quote\": \"all\",\n"
	    "  \"eol\": \"lf\", \"encoding\": \"utf8_bom\", \"header_row\": false,\n"
	    "  \"sort\": [{\"value\": \"total\", \"desc\": true}, {\"value\": \"[注文番号]\"}],\n"
	    "  \"filter\": \"total >= 1000\",\n"
	    "  \"columns\": [" COL1 ",\n"
	    "    {\"header\": \"メモ\", \"source\": \"fixed\", \"value\": \"a \\\"b\\\"\\\\c\\n\\u0001\"},\n"
	    "    {\"header\": \"小計\", \"source\": \"expr\", \"value\": \"[合計] - shipping_fee\"}],\n"
	    "  \"kind\": \"order\" }\n";
	T_INTEQ(parse(full), 0);
	T_INTEQ(d.nsort, 2);
	T_OK(d.sort[0].desc && !d.sort[1].desc, "sort directions");
	T_OK(d.filter_expr != NULL && d.sort[1].expr != NULL, "filter and sort compiled");
	T_STREQ(d.columns[1].value, "a \"b\"\\c\n\001");
	T_STREQ(d.eol, "\n");
	T_INTEQ(d.encoding, CSV_UTF8_BOM);
	T_INTEQ(d.quote, CSV_QUOTE_ALL);
	T_INTEQ(d.unencodable, CP932_REPLACE_GETA);
	const char *j = conv_def_json(a, &d);
	T_STREQ(j, "{\"kind\":\"order\",\"columns\":[{\"header\":\"番号\",\"source\":\"field\",\"value\":\"order_number\"},"
		   "{\"header\":\"メモ\",\"source\":\"fixed\",\"value\":\"a \\\"b\\\"\\\\c\\n\\u0001\"},"
		   "{\"header\":\"小計\",\"source\":\"expr\",\"value\":\"[合計] - shipping_fee\"}],"
		   "\"filter\":\"total >= 1000\",\"sort\":[{\"value\":\"total\",\"desc\":true},{\"value\":\"[注文番号]\","
		   "\"desc\":false}],\"header_row\":false,\"encoding\":\"utf8_bom\",\"eol\":\"lf\",\"quote\":\"all\","
		   "\"unencodable\":\"geta\",\"file_name\":\"受注_{yyyyMMdd}.csv\"}");
	T_INTEQ(parse(j), 0);
	T_STREQ(conv_def_json(a, &d), j);
	/* every kind */
	static const char *const kinds[] = { "order_line", "product", "stock", "shipment" };
	static const char *const fields[] = { "line.sku", "sku", "location_name", "tracking_number" };
	for (size_t i = 0; i < 4; i++) {
		int rc = parse(arena_printf(a, "{\"kind\":\"%s\",\"columns\":[{\"header\":\"x\",\"source\":\"field\","
					    "\"value\":\"%s\"}]}", kinds[i], fields[i]));
		T_OK(rc == 0, "kind %s: %s", kinds[i], e.msg);
	}
}

static void
test_json_errors(void)
{
	expect(parse("{\"kind\":\"order\""), -ERR_INVALID, 0, "",
	       "定義の JSON が正しくありません（16バイト目付近: 途中で終わっています）");
	T_INTEQ(parse("{\"kind\":\"order\",\"columns\":[" COL1 "]} x"), -ERR_INVALID);
	T_STREQ(e.msg, "定義の JSON が正しくありません（90バイト目付近: 書き方が正しくありません）");
	T_INTEQ(parse("{\"kind\":\"order\",\"columns\":[" COL1 ",]}"), -ERR_INVALID);
	expect(parse("[1]"), -ERR_INVALID, 0, "", "定義は JSON のオブジェクトで指定してください");
	expect(parse("{\"kind\":\"order\",\"colums\":[]}"), -ERR_INVALID, 0, "", "不明なキー「colums」があります");
	expect(parse("{\"columns\":[" COL1 "]}"), -ERR_INVALID, 0, "kind", "「kind」がありません");
	expect(parse("{\"kind\":\"orders\",\"columns\":[" COL1 "]}"), -ERR_INVALID, 0, "kind",
	       "「kind」の値「orders」は使えません（order・order_line・product・stock・shipment）");
	expect(parse("{\"kind\":\"order\"}"), -ERR_INVALID, 0, "columns", "「columns」がありません");
	expect(parse("{\"kind\":\"order\",\"columns\":{}}"), -ERR_INVALID, 0, "columns", "「columns」は配列で指定してください");
	expect(cols(""), -ERR_INVALID, 0, "columns", "列が1つもありません（1列以上にしてください）");
	expect(cols("1"), -ERR_INVALID, 1, "value", "1列目: 列はオブジェクトで指定してください");
	expect(cols("{\"header\":\"a\",\"source\":\"field\"}"), -ERR_INVALID, 1, "value", "1列目: 「value」がありません");
	expect(cols("{\"header\":\"a\",\"source\":\"field\",\"value\":\"order_number\",\"x\":1}"), -ERR_INVALID, 1, "",
	       "1列目: 不明なキー「x」があります");
	expect(cols(COL1 ",{\"header\":2,\"source\":\"field\",\"value\":\"total\"}"), -ERR_INVALID, 2, "header",
	       "2列目: 「header」は文字列で指定してください");
	expect(cols("{\"header\":\"a\",\"source\":\"formula\",\"value\":\"1\"}"), -ERR_INVALID, 1, "source",
	       "1列目: 「source」は field・fixed・expr のどれかです");
	expect(with(",\"header_row\":\"yes\""), -ERR_INVALID, 0, "header_row",
	       "「header_row」は true か false で指定してください");
	expect(with(",\"encoding\":\"sjis\""), -ERR_INVALID, 0, "encoding",
	       "「encoding」の値「sjis」は使えません（utf8・utf8_bom・cp932）");
	expect(with(",\"eol\":\"cr\""), -ERR_INVALID, 0, "eol", "「eol」の値「cr」は使えません（crlf・lf）");
	expect(with(",\"quote\":\"none\""), -ERR_INVALID, 0, "quote",
	       "「quote」の値「none」は使えません（minimal・all・nonnumeric）");
	expect(with(",\"unencodable\":\"skip\""), -ERR_INVALID, 0, "unencodable",
	       "「unencodable」の値「skip」は使えません（fail・geta・qmark・drop）");
	expect(with(",\"sort\":[{\"value\":\"total\",\"desc\":1}]"), -ERR_INVALID, 0, "sort",
	       "並べ替え1: 「desc」は true か false で指定してください");
	expect(with(",\"sort\":[{\"desc\":true}]"), -ERR_INVALID, 0, "sort", "並べ替え1: 「value」がありません");
	expect(with(",\"filter\":\"a\\u0000b\""), -ERR_INVALID, 0, "filter", "「filter」に NUL 文字は使えません");
	/* not UTF-8 */
	T_INTEQ(conv_def_parse(a, "{\"kind\":\"\xff\"}", 12, &d, &e), -ERR_INVALID);
	T_STREQ(e.msg, "定義が UTF-8 の JSON ではありません");
	/* deep nesting is refused by the tokenizer, not the stack */
	struct buf deep;
	buf_init(&deep, a, 4096);
	buf_puts(&deep, "{\"kind\":\"order\",\"columns\":[" COL1 "],\"filter\":");
	for (int i = 0; i < 1000; i++)
		buf_putc(&deep, '[');
	T_INTEQ(parse(buf_cstr(&deep)), -ERR_INVALID);
	T_STREQ(e.msg, "定義の JSON が正しくありません（113バイト目付近: 入れ子が深すぎます）");
	T_INTEQ(conv_def_parse(a, NULL, 0, &d, NULL), -ERR_INVALID);
}

static void
test_limits(void)
{
	struct buf b;
	buf_init(&b, a, 1 << 16);
	buf_puts(&b, "{\"kind\":\"order\",\"columns\":[");
	for (int i = 0; i < CONV_MAX_COLUMNS + 1; i++)
		buf_printf(&b, "%s{\"header\":\"c%d\",\"source\":\"fixed\",\"value\":\"\"}", i ? "," : "", i);
	buf_puts(&b, "]}");
	expect(parse(buf_cstr(&b)), -ERR_TOO_LARGE, 0, "columns", "列が多すぎます（201列、最大200列）");
	expect(with(",\"sort\":[{\"value\":\"1\"},{\"value\":\"1\"},{\"value\":\"1\"},{\"value\":\"1\"},{\"value\":\"1\"},"
		    "{\"value\":\"1\"}]"), -ERR_TOO_LARGE, 0, "sort", "並べ替えは5個までです（6個あります）");
	size_t big = CONV_MAX_DEF_BYTES + 1;
	char *huge = arena_alloc(a, big + 1);
	memset(huge, ' ', big);
	huge[big] = '\0';
	expect(conv_def_parse(a, huge, big, &d, &e), -ERR_TOO_LARGE, 0, "",
	       "定義が大きすぎます（524289バイト、最大524288バイト）");
	struct buf h;
	buf_init(&h, a, 512);
	for (int i = 0; i < 101; i++)
		buf_puts(&h, "あ");
	expect(cols(arena_printf(a, "{\"header\":\"%s\",\"source\":\"fixed\",\"value\":\"\"}", buf_cstr(&h))),
	       -ERR_TOO_LARGE, 1, "header", "1列目: 見出しが長すぎます（最大100文字）");
	struct buf f;
	buf_init(&f, a, 2048);
	for (int i = 0; i < 1001; i++)
		buf_putc(&f, 'x');
	expect(cols(arena_printf(a, "{\"header\":\"h\",\"source\":\"fixed\",\"value\":\"%s\"}", buf_cstr(&f))),
	       -ERR_TOO_LARGE, 1, "value", "1列目: 固定値が長すぎます（最大1000文字）");
}

static void
test_column_errors(void)
{
	expect(cols("{\"header\":\"\",\"source\":\"fixed\",\"value\":\"\"}"), -ERR_INVALID, 1, "header",
	       "1列目: 見出しが空です");
	expect(cols("{\"header\":\"a\\nb\",\"source\":\"fixed\",\"value\":\"\"}"), -ERR_INVALID, 1, "header",
	       "1列目: 見出しに改行などの制御文字は使えません");
	expect(cols(COL1 ",{\"header\":\"番号\",\"source\":\"fixed\",\"value\":\"\"}"), -ERR_INVALID, 2, "header",
	       "2列目: 見出し「番号」が1列目と同じです（見出しは列ごとに変えてください）");
	expect(cols(COL1 ",{\"header\":\"金額\",\"source\":\"field\",\"value\":\"amount\"}"), -ERR_INVALID, 2, "value",
	       "2列目「金額」: 項目「amount」はありません（受注の項目から選んでください）");
	/* a field by its label */
	T_INTEQ(cols("{\"header\":\"x\",\"source\":\"field\",\"value\":\"送付先郵便番号\"}"), 0);
	/* expressions: the message names the column, its header and the position */
	expect(cols(COL1 ",{\"header\":\"小計\",\"source\":\"expr\",\"value\":\"1 + \"}"), -ERR_INVALID, 2, "value",
	       "2列目「小計」の式: 5文字目: 式が途中で終わっています");
	T_INTEQ(e.expr.column, 5);
	T_STREQ(e.expr.msg, "式が途中で終わっています");
	expect(cols("{\"header\":\"x\",\"source\":\"expr\",\"value\":\"[単価]\"}"), -ERR_INVALID, 1, "value",
	       "1列目「x」の式: 1文字目: 項目「単価」はありません");
	expect(cols("{\"header\":\"x\",\"source\":\"expr\",\"value\":\"\"}"), -ERR_INVALID, 1, "value",
	       "1列目「x」の式: 1文字目: 式が空です");
	expect(with(",\"filter\":\"total >\""), -ERR_INVALID, 0, "filter", "絞り込み条件: 8文字目: 式が途中で終わっています");
	T_INTEQ(with(",\"filter\":\"  \""), 0);
	T_OK(d.filter_expr == NULL, "a blank filter is no filter");
	expect(with(",\"sort\":[{\"value\":\"total\"},{\"value\":\"foo\"}]"), -ERR_INVALID, 0, "sort",
	       "並べ替え2: 1文字目: 項目「foo」はありません");
	expect(with(",\"file_name\":\"a/b.csv\""), -ERR_INVALID, 0, "file_name",
	       "ファイル名: ファイル名に「/」は使えません");
	expect(with(",\"file_name\":\"\""), -ERR_INVALID, 0, "file_name", "ファイル名が空です");
	/* CP932: headers and fixed values must be encodable (UTF-8 takes anything) */
	expect(cols("{\"header\":\"h\",\"source\":\"fixed\",\"value\":\"𠮷\"}"), -ERR_INVALID, 1, "value",
	       "1列目: 固定値の「𠮷」(U+20BB7) は Shift_JIS (CP932) で表せません（文字コードを UTF-8 にするか、"
	       "別の文字にしてください）");
	T_INTEQ(parse("{\"kind\":\"order\",\"encoding\":\"utf8\",\"columns\":[{\"header\":\"😀\",\"source\":\"fixed\","
		      "\"value\":\"𠮷\"}]}"), 0);
}

static void
test_validate_in_memory(void)
{
	struct conv_column c[2] = {
		{ .header = "単価", .source = CONV_SRC_FIELD, .value = "line.unit_price" },
		{ .header = "小計", .source = CONV_SRC_EXPR, .value = "[単価] * [数量]" },
	};
	struct conv_sort s = { .value = "line.no" };
	struct conv_def m = { .kind = CONV_ORDER_LINE, .columns = c, .ncolumns = 2, .sort = &s, .nsort = 1,
			      .header_row = true, .encoding = CSV_CP932, .eol = "\n", .quote = CSV_QUOTE_MINIMAL,
			      .unencodable = CP932_REPLACE_QMARK, .file_name = "lines.csv" };
	T_INTEQ(conv_def_validate(a, &m, &e), 0);
	T_OK(c[0].expr != NULL && c[1].expr != NULL && s.expr != NULL, "compiled");
	T_STREQ(m.filter, "");
	T_STREQ(conv_def_json(a, &m),
		"{\"kind\":\"order_line\",\"columns\":[{\"header\":\"単価\",\"source\":\"field\",\"value\":\"line.unit_price\"},"
		"{\"header\":\"小計\",\"source\":\"expr\",\"value\":\"[単価] * [数量]\"}],\"filter\":\"\","
		"\"sort\":[{\"value\":\"line.no\",\"desc\":false}],\"header_row\":true,\"encoding\":\"cp932\",\"eol\":\"lf\","
		"\"quote\":\"minimal\",\"unencodable\":\"qmark\",\"file_name\":\"lines.csv\"}");
	m.kind = CONV_ORDER;   /* line fields are not in the order catalog */
	expect(conv_def_validate(a, &m, &e), -ERR_INVALID, 1, "value",
	       "1列目「単価」: 項目「line.unit_price」はありません（受注の項目から選んでください）");
	m.kind = 0;
	expect(conv_def_validate(a, &m, &e), -ERR_INVALID, 0, "kind", "データの種類を選んでください");
	m.kind = CONV_ORDER_LINE;
	m.eol = "\r";
	expect(conv_def_validate(a, &m, &e), -ERR_INVALID, 0, "eol", "改行コードは CRLF か LF です");
	m.eol = "\n";
	c[1].source = 9;
	expect(conv_def_validate(a, &m, &e), -ERR_INVALID, 2, "source",
	       "2列目「小計」: 値の種類（項目・固定値・式）を選んでください");
	c[1].source = CONV_SRC_FIXED;
	c[1].value = NULL;
	T_INTEQ(conv_def_validate(a, &m, NULL), 0);
	T_STREQ(c[1].value, "");
}

/* The catalogs: names and labels unique per kind, labels Japanese, orders the head of order lines. */
static void
test_catalogs(void)
{
	for (int k = CONV_ORDER; k <= CONV_SHIPMENT; k++) {
		const struct expr_catalog *c = conv_fields_catalog((enum conv_kind)k);
		enum conv_kind back;
		T_OK(c != NULL && c->count > 5, "kind %d has a catalog", k);
		T_OK(conv_kind_parse(conv_kind_name((enum conv_kind)k), &back) == 0 && back == (enum conv_kind)k,
		     "kind %d name round trip", k);
		T_OK(strlen(conv_kind_label((enum conv_kind)k)) > 0, "kind %d label", k);
		for (size_t i = 0; c != NULL && i < c->count; i++) {
			const struct expr_field *f = &c->fields[i];
			T_OK(f->label != NULL && strspn(f->label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%.") < strlen(f->label),
			     "%s: a Japanese label", f->name);
			T_INTEQ(conv_fields_index((enum conv_kind)k, f->name), i);
			T_INTEQ(conv_fields_index((enum conv_kind)k, f->label), i);
			for (size_t j = 0; j < i; j++)
				T_OK(strcmp(c->fields[j].label, f->label) != 0 && strcmp(c->fields[j].name, f->name) != 0,
				     "kind %d: %s and %s differ", k, c->fields[j].name, f->name);
		}
	}
	const struct expr_catalog *o = conv_fields_catalog(CONV_ORDER), *l = conv_fields_catalog(CONV_ORDER_LINE);
	T_INTEQ(conv_fields_line_first(), o->count);
	for (size_t i = 0; i < o->count; i++)
		T_STREQ(l->fields[i].name, o->fields[i].name);
	T_OK(strncmp(l->fields[o->count].name, "line.", 5) == 0, "line fields after the order's");
	enum conv_kind k;
	T_INTEQ(conv_kind_parse("orders", &k), -ERR_INVALID);
	T_INTEQ(conv_kind_parse(NULL, &k), -ERR_INVALID);
	T_STREQ(conv_kind_name(0), "");
	T_OK(conv_fields_catalog(0) == NULL && conv_fields_index(0, "total") == -1, "unknown kind");
	T_INTEQ(conv_fields_index(CONV_ORDER, "line.sku"), -1);
}

int
main(void)
{
	a = arena_new(0);
	test_catalogs();
	test_defaults_and_canonical();
	test_json_errors();
	test_limits();
	test_column_errors();
	test_validate_in_memory();
	arena_free(a);
	return t_done("conv_def");
}
