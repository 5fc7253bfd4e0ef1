/* test_conv_std.c: the standard templates — each compiles, is stored canonically, and has the documented shape. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/conv_def.h"
#include "convert/conv_std.h"
#include "core/arena.h"
#include "core/utf8.h"

/* the header row a standard template writes, as "a,b,c" */
static const char *
headers(struct arena *a, const struct conv_def *d)
{
	struct buf b;
	buf_init(&b, a, 256);
	for (size_t i = 0; i < d->ncolumns; i++) {
		if (i)
			buf_putc(&b, ',');
		buf_puts(&b, d->columns[i].header);
	}
	return buf_cstr(&b);
}

static void
check_all(struct arena *a)
{
	const struct conv_std *s;
	size_t n = 0;
	for (size_t i = 0; (s = conv_std_get(i)) != NULL; i++, n++) {
		struct conv_def d;
		struct conv_def_error e;
		int rc = conv_def_parse(a, s->definition, strlen(s->definition), &d, &e);
		T_OK(rc == 0, "%s: conv_def_parse %d: %s", s->key, rc, e.msg);
		if (rc != 0)
			continue;
		T_STREQ(conv_kind_name(d.kind), s->kind);
		T_STREQ(conv_def_json(a, &d), s->definition);
		T_OK(strlen(s->key) <= 40 && strspn(s->key, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s->key),
		     "%s: key shape", s->key);
		T_OK(utf8_codepoints(s->name, strlen(s->name)) <= 100, "%s: name fits conv_templates.name", s->key);
		T_OK(strlen(s->description) > 100, "%s: has a description", s->key);
		T_OK(conv_std_find(s->key) == s, "%s: conv_std_find", s->key);
		T_OK(d.header_row && strcmp(d.eol, "\r\n") == 0, "%s: header row and CRLF", s->key);
	}
	T_INTEQ(n, 3);
	T_OK(conv_std_find("nope") == NULL && conv_std_find(NULL) == NULL, "unknown keys");
}

static const struct conv_def *
parsed(struct arena *a, const char *key)
{
	static struct conv_def d;
	const struct conv_std *s = conv_std_find(key);
	T_OK(s != NULL, "%s exists", key);
	if (s == NULL || conv_def_parse(a, s->definition, strlen(s->definition), &d, NULL) != 0)
		return NULL;
	return &d;
}

static void
check_shapes(struct arena *a)
{
	const struct conv_def *d = parsed(a, "ne_order_generic");
	if (d != NULL) {
		T_INTEQ(d->kind, CONV_ORDER_LINE);
		T_INTEQ(d->encoding, CSV_CP932);
		T_INTEQ(d->ncolumns, 41);
		T_STREQ(headers(a, d),
			"店舗伝票番号,受注日,受注郵便番号,受注住所１,受注住所２,受注名,受注名カナ,受注電話番号,"
			"受注メールアドレス,発送郵便番号,発送先住所１,発送先住所２,発送先名,発送先カナ,発送電話番号,"
			"支払方法,発送方法,商品計,税金,発送料,手数料,ポイント,その他費用,合計金額,ギフトフラグ,"
			"時間帯指定,日付指定,作業者欄,備考,商品名,商品コード,商品価格,受注数量,商品オプション,"
			"出荷済フラグ,顧客区分,顧客コード,消費税率（%）,のし,ラッピング,メッセージ");
	}
	d = parsed(a, "yamato_b2");
	if (d != NULL) {
		T_INTEQ(d->kind, CONV_ORDER);
		T_INTEQ(d->encoding, CSV_CP932);
		T_INTEQ(d->ncolumns, 73);
		T_STREQ(d->columns[0].header, "お客様管理番号");
		T_STREQ(d->columns[1].header, "送り状種別");
		T_STREQ(d->columns[16].header, "お届け先名略称カナ");
		T_STREQ(d->columns[16].value, "trim(left(zen2han(ship.kana, \"kana\"), 50))");
		T_STREQ(d->columns[41].header, "運賃管理番号");
	}
	d = parsed(a, "accounting_sales");
	if (d != NULL) {
		T_INTEQ(d->kind, CONV_ORDER);
		T_INTEQ(d->encoding, CSV_UTF8_BOM);
		T_STREQ(headers(a, d), "日付,伝票番号,取引先,10%対象額,10%消費税,8%対象額,8%消費税,対象外,合計");
	}
}

int
main(void)
{
	struct arena *a = arena_new(0);
	check_all(a);
	check_shapes(a);
	arena_free(a);
	return t_done("conv_std");
}
