/* test_expr.c: the expression language — every operator, type rule and function, compile/run-time errors, timing. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/dec.h"
#include "convert/expr.h"
#include "convert/jstfmt.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"

#define NOW_MS 1795651500000LL      /* 2026-11-26T00:05:00Z = 09:05 JST */
#define ORDERED_MS 1795136400000LL  /* 2026-11-20T01:00:00Z = 10:00 JST */

enum {
	F_ORDER, F_PRICE, F_QTY, F_ADDR1, F_ADDR2, F_ORDERED, F_CARRIER, F_EMPTY, F_NOTHING,
	F_AMOUNT, F_NAME, F_BROKEN, F_COUNT
};

static const struct expr_field fields[F_COUNT] = {
	{ "order_number", "受注番号", EXPR_TEXT },
	{ "line.unit_price", "単価", EXPR_DEC },
	{ "line.quantity", "数量", EXPR_DEC },
	{ "address1", "住所1", EXPR_TEXT },
	{ "address2", "住所2", EXPR_TEXT },
	{ "ordered_at", "注文日時", EXPR_TIME },
	{ "carrier", "配送業者", EXPR_TEXT },
	{ "empty", "空欄", EXPR_TEXT },
	{ "nothing", "なし", EXPR_NULL },
	{ "amount", "金額", EXPR_DEC },
	{ "name", NULL, EXPR_TEXT },
	{ "broken", "壊れた項目", EXPR_TEXT },
};
static const struct expr_catalog catalog = { fields, F_COUNT };

/* the current record: one value per field */
static struct expr_value rec[F_COUNT];

static void
set_text(int f, const char *s)
{
	rec[f].type = EXPR_TEXT;
	rec[f].s = s;
	rec[f].len = strlen(s);
}

static int
get_field(void *ctx, size_t index, struct arena *scratch, struct expr_value *out)
{
	(void)ctx;
	(void)scratch;
	if (index == F_BROKEN)
		return -ERR_IO;
	*out = rec[index];
	return 0;
}

static const char *const carriers[][2] = {
	{ "yamato", "ヤマト運輸" }, { "sagawa", "佐川急便" }, { "jp", "日本郵便" },
};

static int
get_lookup(void *ctx, const char *table, size_t tl, const char *key, size_t kl, struct arena *scratch,
    const char **val, size_t *vl)
{
	(void)ctx;
	(void)scratch;
	if (tl == 7 && memcmp(table, "carrier", 7) == 0) {
		for (size_t i = 0; i < 3; i++) {
			if (strlen(carriers[i][0]) == kl && memcmp(carriers[i][0], key, kl) == 0) {
				*val = carriers[i][1];
				*vl = strlen(carriers[i][1]);
				return 0;
			}
		}
		return -ERR_NOT_FOUND;
	}
	if (tl == 4 && memcmp(table, "down", 4) == 0)
		return -ERR_UNAVAILABLE;
	return -ERR_INVALID;
}

static struct arena *app, *scratch;
static struct expr_env env = { get_field, get_lookup, NULL, NOW_MS };
static struct expr_error lasterr;
static int lastrc;

static void
reset_record(void)
{
	memset(rec, 0, sizeof rec);
	set_text(F_ORDER, "R-0001");
	set_text(F_PRICE, "1980");
	set_text(F_QTY, "3");
	set_text(F_ADDR1, "東京都千代田区千代田1-1");
	set_text(F_ADDR2, "皇居ビル101");
	rec[F_ORDERED].type = EXPR_TIME;
	rec[F_ORDERED].ms = ORDERED_MS;
	set_text(F_CARRIER, "yamato");
	set_text(F_EMPTY, "");
	rec[F_NOTHING].type = EXPR_NULL;
	rec[F_AMOUNT].type = EXPR_DEC;
	(void)dec_parse("1234.50", 7, &rec[F_AMOUNT].num);
	set_text(F_NAME, "山田　太郎");
}

/*
 * run: compile and evaluate src. Returns the output text; for a compile
 * error "CERR col: msg", for a run-time error "RERR where@col: msg".
 */
static const char *
run(const char *src)
{
	struct expr *e;
	lastrc = expr_compile(app, src, strlen(src), &catalog, &e, &lasterr);
	if (lastrc != 0)
		return arena_printf(app, "CERR %zu: %s", lasterr.column, lasterr.msg);
	struct expr_value v;
	arena_reset(scratch);
	lastrc = expr_eval(e, &env, scratch, &v, &lasterr);
	if (lastrc != 0)
		return arena_printf(app, "RERR %s@%zu: %s", lasterr.where, lasterr.column, lasterr.msg);
	const char *s;
	size_t n;
	expr_value_text(&v, scratch, &s, &n);
	return arena_memdup(app, s, n);
}

/* type: the type of src's value (or -1 on error) */
static int
type_of(const char *src)
{
	struct expr *e;
	struct expr_value v;
	if (expr_compile(app, src, strlen(src), &catalog, &e, NULL) != 0)
		return -1;
	arena_reset(scratch);
	if (expr_eval(e, &env, scratch, &v, NULL) != 0)
		return -1;
	return (int)v.type;
}

#define EV(src, want) T_STREQ(run(src), want)
/* ERR: run(src) starts with want (the error prefix and message, or part of it) */
#define ERR(src, want)                                                              \
	do {                                                                        \
		const char *g_ = run(src);                                          \
		T_OK(strncmp(g_, want, strlen(want)) == 0, "%s: got \"%s\", want \"%s…\"", \
		    src, g_, want);                                                 \
	} while (0)

static void
test_arithmetic(void)
{
	EV("12", "12");
	EV("0.08", "0.08");
	EV("1 + 2", "3");
	EV("1.50 + 2.5", "4.00");
	EV("10 - 2.5", "7.5");
	EV("2 * 3.10", "6.20");
	EV("10 / 4", "2.5");
	EV("1 / 3", "0.3333333333");
	EV("2 / 3", "0.6666666667");
	EV("-5 + 2", "-3");
	EV("-(2 + 3)", "-5");
	EV("- -4", "4");
	EV("2 + 3 * 4", "14");
	EV("(2 + 3) * 4", "20");
	EV("10 - 2 - 3", "5");
	EV("100 / 10 / 2", "5");
	EV("2 * 3 / 4", "1.5");
	EV("0.1 + 0.2", "0.3");
	EV("1980 * 1.08", "2138.40");
	EV("1 / 3 * 3", "0.9999999999");
	EV("-2 * -3", "6");
	EV("0 - 0.00", "0.00");
	/* 単価×数量: two text fields "1980" × "3" */
	EV("line.unit_price * line.quantity", "5940");
	EV("[単価] * [数量]", "5940");
	EV("LINE.UNIT_PRICE*[line.quantity]", "5940");
	EV("\"12\" + 1", "13");
	EV("amount * 2", "2469.00");
	EV("-amount", "-1234.50");
	EV("-line.quantity", "-3");
	T_INTEQ(type_of("1 + 1"), EXPR_DEC);
	/* null and "" make the result empty, not 0 */
	EV("nothing + 1", "");
	EV("empty * 2", "");
	EV("1 + nothing * 5", "");
	EV("-nothing", "");
	T_INTEQ(type_of("nothing + 1"), EXPR_NULL);
	/* errors name the operator and its column */
	EV("TRUE + 1", "RERR +@6: 数値ではありません: TRUE");
	EV("1 / 0", "RERR /@3: 0で割ることはできません");
	EV("5 / (2 - 2)", "RERR /@3: 0で割ることはできません");
	EV("\"abc\" * 2", "RERR *@7: 数値ではありません: \"abc\"");
	EV("2 * 3 - \"x1\"", "RERR -@7: 数値ではありません: \"x1\"");
	EV("address1 + 1", "RERR +@10: 数値ではありません: \"東京都千代田区千代田1-1\"");
	EV("ordered_at + 1", "RERR +@12: 日時は数値として計算できません（date() で文字にしてください）");
	EV("-\"x\"", "RERR -@1: 数値ではありません: \"x\"");
	ERR("999999999999999999999999999999999999 + 1", "RERR +@38: 計算結果が大きすぎます");
	ERR("0.0000000001 * 0.0000000001", "RERR *@14: 掛け算の結果の小数が18桁を超えます");
	ERR("nothing + \"abc\"", "RERR +@9: 数値ではありません");  /* checked even after null */
	T_INTEQ(lastrc, -ERR_INVALID);
}

static void
test_concat(void)
{
	EV("\"a\" & \"b\"", "ab");
	EV("1 & 2", "12");
	EV("1.50 & \"円\"", "1.50円");
	EV("nothing & \"x\" & empty", "x");
	EV("TRUE & \"/\" & FALSE", "TRUE/FALSE");
	EV("address1 & address2", "東京都千代田区千代田1-1皇居ビル101");
	EV("[住所1] & \" \" & [住所2]", "東京都千代田区千代田1-1 皇居ビル101");
	EV("1 + 2 & 3", "33");
	EV("\"He said \"\"hi\"\"\"", "He said \"hi\"");
	EV("\"\"\"\"", "\"");
	EV("\"\"", "");
	EV("now() & \"\"", "2026-11-26 09:05:00");
	EV("ordered_at", "2026-11-20 10:00:00");
	EV("\"改行\n入り\"", "改行\n入り");
	EV("1/4 & \"\"", "0.25");
	T_INTEQ(type_of("1 & 2"), EXPR_TEXT);
	T_INTEQ(type_of("nothing & nothing"), EXPR_TEXT);
}

static void
test_compare(void)
{
	EV("1 = 1.0", "TRUE");
	EV("2 > 10", "FALSE");
	EV("\"2\" > \"10\"", "TRUE");          /* two texts: bytes */
	EV("line.quantity = 3", "TRUE");       /* numeric text vs number */
	EV("line.quantity > 10", "FALSE");
	EV("line.unit_price >= 1980.00", "TRUE");
	EV("\"abc\" < \"abd\"", "TRUE");
	EV("\"abc\" = \"ABC\"", "FALSE");
	EV("nothing = \"\"", "TRUE");
	EV("empty = nothing", "TRUE");
	EV("nothing <> \"x\"", "TRUE");
	EV("1 <> 2", "TRUE");
	EV("1 <= 1", "TRUE");
	EV("2 >= 3", "FALSE");
	EV("2 < 3", "TRUE");
	EV("TRUE > FALSE", "TRUE");
	EV("ordered_at < now()", "TRUE");
	EV("ordered_at = \"2026-11-20 01:00:00\"", "TRUE");
	EV("ordered_at = \"2026-11-20T10:00:00+09:00\"", "TRUE");
	EV("ordered_at > \"2026-11-26\"", "FALSE");
	EV("\"abc\" = 1", "FALSE");
	EV("\"あ\" > \"a\"", "TRUE");
	EV("1 + 1 = 2", "TRUE");
	EV("\"a\" & \"b\" = \"ab\"", "TRUE");
	T_INTEQ(type_of("1 = 1"), EXPR_BOOL);
	ERR("1 = 1 = 1", "CERR 7: 比較は続けて書けません");
	ERR("1 < 2 > 0", "CERR 7: 比較は続けて書けません");
}

static void
test_logic(void)
{
	EV("TRUE AND FALSE", "FALSE");
	EV("TRUE OR FALSE", "TRUE");
	EV("NOT TRUE", "FALSE");
	EV("NOT 1 = 2", "TRUE");
	EV("NOT NOT TRUE", "TRUE");
	EV("1 = 1 AND 2 = 2 OR FALSE", "TRUE");
	EV("FALSE AND TRUE OR TRUE", "TRUE");
	EV("FALSE AND (TRUE OR TRUE)", "FALSE");
	EV("TRUE OR TRUE AND FALSE", "TRUE");   /* AND binds tighter */
	EV("FALSE AND 1 / 0 = 1", "FALSE");     /* not evaluated */
	EV("TRUE OR \"x\" * 2", "TRUE");
	EV("nothing OR \"true\"", "TRUE");
	EV("not false", "TRUE");
	EV("0 OR 0.00", "FALSE");
	EV("\"1\" AND 2", "TRUE");
	EV("empty OR \"FALSE\"", "FALSE");
	EV("TRUE AND TRUE AND TRUE AND FALSE", "FALSE");
	EV("\"abc\" AND TRUE", "RERR AND@7: 条件が真偽値ではありません: \"abc\"");
	EV("TRUE AND FALSE OR \"x\"", "RERR OR@16: 条件が真偽値ではありません: \"x\"");
	EV("NOT \"x\"", "RERR NOT@1: 条件が真偽値ではありません: \"x\"");
	EV("NOT ordered_at", "RERR NOT@1: 条件に日時は使えません");
	T_INTEQ(type_of("TRUE AND TRUE"), EXPR_BOOL);
}

static void
test_text_functions(void)
{
	EV("substr(\"あいうえお\", 2, 2)", "いう");
	EV("substr(\"あいうえお\", 4)", "えお");
	EV("substr(\"abc\", 5)", "");
	EV("substr(\"abc\", 2, 0)", "");
	EV("substr(\"abc\", 1, 100)", "abc");
	EV("substr(order_number, 3)", "0001");
	EV("substr(12345, 2, 3)", "234");
	ERR("substr(\"abc\", 0)", "RERR substr@1: 開始位置は1〜");
	ERR("substr(\"abc\", 1.5)", "RERR substr@1: 開始位置は1〜");
	ERR("substr(\"abc\", 2, -1)", "RERR substr@1: 文字数は0〜");
	ERR("substr(\"abc\", nothing)", "RERR substr@1: 開始位置が空です");
	ERR("substr(\"abc\", \"x\")", "RERR substr@1: 数値ではありません: \"x\"");
	EV("left(\"東京都千代田区\", 3)", "東京都");
	EV("right(\"東京都千代田区\", 4)", "千代田区");
	EV("right(\"ab\", 5)", "ab");
	EV("right(\"ab\", 0)", "");
	EV("left(nothing, 2)", "");
	EV("LEFT(\"abc\", 1)", "a");
	EV("Substr(\"abc\", 2, 1)", "b");
	EV("len(\"あいう\")", "3");
	EV("len(\"\")", "0");
	EV("len(12.50)", "5");
	EV("len(nothing)", "0");
	EV("len(\"🍣a\")", "2");
	EV("replace(\"2026/11/26\", \"/\", \"-\")", "2026-11-26");
	EV("replace(\"aaa\", \"a\", \"bb\")", "bbbbbb");
	EV("replace(\"abc\", \"\", \"x\")", "abc");
	EV("replace(\"東京都\", \"東京\", \"京都\")", "京都都");
	EV("replace(\"a-b-c\", \"-\", \"\")", "abc");
	EV("replace(\"abc\", \"z\", \"y\")", "abc");
	EV("trim(\"  abc  \")", "abc");
	EV("trim(\"　全角　\")", "全角");
	EV("trim(\"\t x \n\")", "x");
	EV("trim(\"   \")", "");
	EV("trim(\"a b\")", "a b");
	EV("upper(\"abcＡｂｃxyz\")", "ABCＡＢＣXYZ");
	EV("lower(\"ABCＡＢＣ漢字\")", "abcａｂｃ漢字");
	EV("split(\"a,b,c\", \",\", 2)", "b");
	EV("split(\"a,b,c\", \",\", 3)", "c");
	EV("split(\"a,b,c\", \",\", 4)", "");
	EV("split(name, \"　\", 1)", "山田");
	EV("split(name, \"　\", 2)", "太郎");
	EV("split(\"a--b\", \"--\", 2)", "b");
	ERR("split(\"a\", \"\", 1)", "CERR 12: split の区切りが空です");
	ERR("split(\"a\", empty, 1)", "RERR split@1: split の区切りが空です");
	ERR("split(\"a\", \",\", 0)", "RERR split@1: 番号は1〜");
}

static void
test_kana_functions(void)
{
	EV("zen2han(\"ガギグ\")", "ｶﾞｷﾞｸﾞ");
	EV("zen2han(\"ＡＢＣ１２３\")", "ABC123");
	EV("zen2han(\"ひらがな\")", "ﾋﾗｶﾞﾅ");
	EV("zen2han(\"アＡ！\", \"alnum\")", "アA！");
	EV("zen2han(\"アＡ！\", \"kana|symbol\")", "ｱＡ!");
	EV("zen2han(\"アＡ！\", \"kana\", \"alnum\")", "ｱA！");
	EV("zen2han(\"アＡ！\", carrier & \"\" = \"yamato\" & \"\")", "RERR zen2han@1: zen2han の種類「TRUE」はありません（kana・alnum・symbol）");
	EV("zen2han(name)", "山田 太郎");
	EV("han2zen(\"ｶﾞｷﾞﾊﾟ\")", "ガギパ");
	EV("han2zen(\"ABC 123\")", "ＡＢＣ　１２３");
	EV("han2zen(\"ｱA\", \"カナ\")", "アA");
	EV("han2zen(\"ｱA 1\", \"英数\")", "ｱＡ １");
	EV("han2zen(nothing)", "");
	ERR("zen2han(\"x\", \"bogus\")", "CERR 14: zen2han の種類「bogus」はありません");
	ERR("han2zen(\"x\", 1)", "CERR 14: han2zen の種類「」はありません");
}

static void
test_number_functions(void)
{
	EV("zeropad(42, 5)", "00042");
	EV("zeropad(\"123456\", 3)", "123456");
	EV("zeropad(-42, 5)", "-0042");
	EV("zeropad(\"-7\", 3)", "-07");
	EV("zeropad(nothing, 3)", "");
	EV("zeropad(\"ab\", 4)", "00ab");
	EV("zeropad(\"あ\", 3)", "00あ");
	EV("len(zeropad(1, 1000))", "1000");
	ERR("zeropad(1, 1001)", "RERR zeropad@1: 桁数は0〜1000");
	EV("number(1234567.891, 2, \",\")", "1,234,567.89");
	EV("number(1234.5, 0)", "1235");
	EV("number(-1234.5, 0, \",\")", "-1,235");
	EV("number(0.5, 3)", "0.500");
	EV("number(amount, 0, \",\")", "1,235");
	EV("number(\"2500\", 0, \",\")", "2,500");
	EV("number(nothing, 0)", "");
	ERR("number(1, 19)", "CERR 11: number の小数桁数は 0〜18");
	ERR("number(1, 2, \"123456789\")", "CERR 14: number の区切り文字は");
	ERR("number(\"x\", 0)", "RERR number@1: 数値ではありません: \"x\"");
	EV("round(2.5, 0, \"half_up\")", "3");
	EV("round(2.5, 0, \"half_even\")", "2");
	EV("round(-2.5, 0, \"half_up\")", "-3");
	EV("round(-2.5, 0, \"half_even\")", "-2");
	EV("round(-2.1, 0, \"floor\")", "-3");
	EV("round(-2.9, 0, \"ceiling\")", "-2");
	EV("round(-2.9, 0, \"down\")", "-2");
	EV("round(-2.1, 0, \"up\")", "-3");
	EV("round(1234, -2, \"down\")", "1200");
	EV("round(1.5, 2, \"down\")", "1.50");
	EV("round(1.005, 2, \"四捨五入\")", "1.01");
	EV("round(1980 * 1.08, 0, \"down\")", "2138");
	EV("round(line.unit_price * 1.1, 0, \"切り捨て\")", "2178");
	EV("round(nothing, 0, \"up\")", "");
	/* a division inside round divides once, to the asked digits */
	EV("round(10 / 3, 2, \"up\")", "3.34");
	EV("round(2 / 3, 0, \"down\")", "0");
	EV("round(1 / 8, 2, \"half_even\")", "0.12");
	EV("round(5 / 3000000000000, 12, \"half_up\")", "0.000000000002");
	EV("round(100 * 7 / 3, -1, \"half_up\")", "230");
	EV("round(nothing / 3, 0, \"up\")", "");
	ERR("round(1 / 0, 0, \"up\")", "RERR /@9: 0で割ることはできません");
	/* digits and mode may come at run time */
	EV("round(2.45, line.quantity - 2, \"half_even\")", "2.4");
	EV("round(2.45, 1, if(TRUE, \"half_up\", \"down\"))", "2.5");
	ERR("round(1, 0, carrier)", "RERR round@1: 丸め方「yamato」はありません");
	ERR("round(1, 0)", "CERR 1: 関数 round の引数は3個です（2個あります）。丸め方は省略できません");
	ERR("round(1, 0, \"bogus\")", "CERR 13: 丸め方「bogus」はありません");
	ERR("round(1, 19, \"up\")", "CERR 10: round の桁数は -18〜18");
	ERR("round(1, 0.5, \"up\")", "CERR 10: round の桁数は -18〜18");
	ERR("round(1, 0, 5)", "CERR 13: 丸め方「文字列ではない値」はありません");
}

static void
test_control_functions(void)
{
	EV("if(1 > 0, \"正\", \"負\")", "正");
	EV("if(line.quantity > 5, \"多\", \"少\")", "少");
	EV("if(FALSE, 1 / 0, \"ok\")", "ok");
	EV("if(FALSE, \"x\")", "");
	EV("IF(nothing, 1, 2)", "2");
	ERR("if(\"maybe\", 1, 2)", "RERR if@1: 条件が真偽値ではありません: \"maybe\"");
	EV("case(carrier, \"yamato\", \"ヤマト\", \"sagawa\", \"佐川\", \"その他\")", "ヤマト");
	EV("case(\"x\", \"yamato\", \"ヤマト\", \"sagawa\", \"佐川\", \"その他\")", "その他");
	EV("case(3, 1, \"a\", 2, \"b\")", "");
	EV("case(\"2\", 2, \"two\", \"other\")", "two");
	EV("case(1, 1, \"one\", 1 / 0, \"never\")", "one");
	EV("coalesce(nothing, empty, \"x\")", "x");
	EV("coalesce(nothing, empty)", "");
	EV("coalesce(0, 1)", "0");
	EV("coalesce(order_number, 1 / 0)", "R-0001");
	EV("lookup(\"carrier\", \"yamato\")", "ヤマト運輸");
	EV("lookup(\"carrier\", carrier)", "ヤマト運輸");
	EV("lookup(\"carrier\", \"nope\", \"不明\")", "不明");
	EV("lookup(\"carrier\", \"nope\")", "RERR lookup@1: コード表「carrier」にキー「nope」がありません");
	T_INTEQ(lastrc, -ERR_NOT_FOUND);
	EV("lookup(\"nosuch\", \"x\")", "RERR lookup@1: コード表「nosuch」はありません");
	ERR("lookup(\"down\", \"x\")", "RERR lookup@1: コード表「down」を読めませんでした");
	T_INTEQ(lastrc, -ERR_UNAVAILABLE);
	ERR("lookup(\"\", \"x\")", "RERR lookup@1: lookup のコード表名が空です");
	EV("\"配送: \" & lookup(\"carrier\", \"sagawa\")", "配送: 佐川急便");
	struct expr_env no_lookup = env;
	no_lookup.lookup = NULL;
	struct expr *e;
	struct expr_value v;
	struct expr_error err;
	T_INTEQ(expr_compile(app, "lookup(\"carrier\", 1)", 20, &catalog, &e, NULL), 0);
	T_INTEQ(expr_eval(e, &no_lookup, scratch, &v, &err), -ERR_INVALID);
	T_OK(strstr(err.msg, "コード表") != NULL, "no lookup callback: %s", err.msg);
}

static void
test_address(void)
{
	static const struct {
		const char *addr, *p1, *p2, *p3;
	} rows[] = {
		{ "東京都千代田区千代田1-1", "東京都", "千代田区", "千代田1-1" },
		{ "神奈川県横浜市中区山下町1", "神奈川県", "横浜市中区", "山下町1" },
		{ "北海道余市郡余市町黒川町1", "北海道", "余市郡余市町", "黒川町1" },
		{ "三重県四日市市諏訪町1-5", "三重県", "四日市市", "諏訪町1-5" },
		{ "群馬県佐波郡玉村町下新田1", "群馬県", "佐波郡玉村町", "下新田1" },
		{ "東京都町田市森野2-2-22", "東京都", "町田市", "森野2-2-22" },
		{ "東京都東村山市本町1", "東京都", "東村山市", "本町1" },
		{ "奈良県大和郡山市北郡山町248", "奈良県", "大和郡山市", "北郡山町248" },
		{ "大阪府 大阪市北区梅田1丁目", "大阪府", "大阪市北区", "梅田1丁目" },
		{ "京都府京都市中京区寺町通", "京都府", "京都市中京区", "寺町通" },
		{ "長野県北佐久郡軽井沢町軽井沢1", "長野県", "北佐久郡軽井沢町", "軽井沢1" },
		{ "沖縄県国頭郡東村平良1", "沖縄県", "国頭郡東村", "平良1" },
		{ "埼玉県さいたま市大宮区桜木町1", "埼玉県", "さいたま市大宮区", "桜木町1" },
		{ "福岡県北九州市小倉北区1", "福岡県", "北九州市小倉北区", "1" },
		{ "千葉県市川市八幡1", "千葉県", "市川市", "八幡1" },
		{ "横浜市中区山下町1", "", "横浜市中区", "山下町1" },
		{ "　東京都　港区　六本木", "東京都", "港区", "六本木" },
		{ "東京都", "東京都", "", "" },
		{ "なんとか", "", "", "なんとか" },
		{ "", "", "", "" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		char src[256];
		const char *want[3] = { rows[i].p1, rows[i].p2, rows[i].p3 };
		for (int k = 1; k <= 3; k++) {
			snprintf(src, sizeof src, "address_part(\"%s\", %d)", rows[i].addr, k);
			const char *got = run(src);
			T_OK(strcmp(got, want[k - 1]) == 0, "%s = \"%s\", want \"%s\"", src, got, want[k - 1]);
		}
	}
	EV("address_part(address1, 2) & \"/\" & address_part(address1, 3)", "千代田区/千代田1-1");
	ERR("address_part(\"x\", 4)", "RERR address_part@1: 番号は1〜3");
}

static void
test_date_functions(void)
{
	EV("date(ordered_at, \"yyyy/MM/dd HH:mm\")", "2026/11/20 10:00");
	EV("date(\"2026-11-26 15:30:00\", \"yyyy年M月d日 H時\")", "2026年11月27日 0時");
	EV("date(\"2026-11-26\", \"yyyyMMdd(E)\")", "20261126(木)");
	EV("date(now(), \"HH:mm:ss.SSS\")", "09:05:00.000");
	EV("date(\"2026-11-26T09:00:00+09:00\", \"yyyy-MM-dd HH:mm\")", "2026-11-26 09:00");
	EV("date(nothing, \"yyyy\")", "");
	EV("date(empty, \"yyyy\")", "");
	EV("now()", "2026-11-26 09:05:00");
	T_INTEQ(type_of("now()"), EXPR_TIME);
	EV("date(now(), carrier & \"\")",
	    "RERR date@1: 日付の書式「y」は使えません（使えるのは yyyy yy MM M dd d HH H mm ss SSS E、文字は '…' で囲みます）");
	ERR("date(\"yesterday\", \"yyyy\")", "RERR date@1: 日時として読めません: \"yesterday\"");
	ERR("date(5, \"yyyy\")", "RERR date@1: date の1番目は日時か日時の文字列にしてください");
	ERR("date(ordered_at, \"YYYY\")", "CERR 18: 日付の書式「YYYY」は使えません");
	ERR("date(ordered_at, 5)", "CERR 18: date の書式は");
	ERR("now(1)", "CERR 1: 関数 now の引数は0個です（1個あります）");
}

static void
test_compile_errors(void)
{
	EV("1 + ", "CERR 5: 式が途中で終わっています");
	T_INTEQ(lastrc, -ERR_INVALID);
	T_STREQ(lasterr.where, "");
	EV("", "CERR 1: 式が空です");
	EV("   ", "CERR 1: 式が空です");
	EV("foo + 1", "CERR 1: 項目「foo」はありません");
	EV("1 + [未知]", "CERR 5: 項目「未知」はありません");
	EV("nosuch(1)", "CERR 1: 関数「nosuch」はありません");
	EV("(1 + 2", "CERR 7: 「(」（1文字目）に対応する「)」がありません");
	EV("1 + 2)", "CERR 6: 「)」に対応する「(」がありません");
	EV("\"abc", "CERR 1: 文字列の \" が閉じていません");
	EV("1 ＋ 2", "CERR 3: 全角の「＋」は使えません。半角の「+」で入力してください");
	EV("（1）", "CERR 1: 全角の「（」は使えません。半角の「(」で入力してください");
	ERR("単価 * 2", "CERR 1: 使えない文字「単」があります");
	EV("1 2", "CERR 3: 「2」の前に演算子がありません");
	EV("left(\"a\")", "CERR 1: 関数 left の引数は2個です（1個あります）");
	EV("substr(\"a\")", "CERR 1: 関数 substr の引数は2〜3個です（1個あります）");
	EV("coalesce()", "CERR 1: 関数 coalesce の引数は1個以上です（0個あります）");
	ERR("1 == 1", "CERR 3: 「==」は使えません");
	ERR("1 != 1", "CERR 3: 「!=」は使えません");
	ERR("'abc'", "CERR 1: 文字列は \"…\"（ダブルクォート）で囲んでください");
	ERR("1.2.3", "CERR 1: 数値の書き方が正しくありません");
	ERR("12abc", "CERR 1: 数値の書き方が正しくありません");
	ERR(".5", "CERR 1: 小数は 0.5 のように");
	ERR("[単価", "CERR 1: [ が ] で閉じていません");
	ERR("[]", "CERR 1: [ ] の中に項目名がありません");
	ERR("AND 1", "CERR 1: ここに「AND」は書けません");
	ERR("1 = NOT TRUE", "CERR 5: ここに NOT は書けません");
	EV("FALSE = (NOT TRUE)", "TRUE");
	ERR("1 + * 2", "CERR 5: ここに「*」は書けません");
	ERR("left(\"a\",, 1)", "CERR 10: ここに「,」は書けません");
	ERR("left(\"a\" 1)", "CERR 10: ここに「1」は書けません（関数の引数は , で区切ります）");
	ERR("left(\"a\", 1", "CERR 12: 関数 left の「)」がありません");
	ERR("+1", "CERR 1: ここに「+」は書けません");
	ERR("1 # 2", "CERR 3: 使えない文字「#」があります");
	ERR("[単価] + ", "CERR 8: 式が途中で終わっています");  /* columns count characters */
	ERR("\"日本語\" & ", "CERR 9: 式が途中で終わっています");
	ERR("1　+　", "CERR 5: 式が途中で終わっています");   /* U+3000 is a space */
	ERR("1 + \x01", "CERR 5: 使えない制御文字（U+0001）があります");
	ERR("99999999999999999999999999999999999999", "CERR 1: 数値の桁数が多すぎます");
	ERR("0.1234567890123456789", "CERR 1: 数値の桁数が多すぎます");
	ERR("TRUE(1)", "CERR 5: 「(」の前に演算子がありません");
	EV("1 + \"x\" \"y\"", "CERR 9: 「\"y\"」の前に演算子がありません");
	ERR("(", "CERR 2: 式が途中で終わっています");
	ERR(")", "CERR 1: 「)」が多すぎるか");
	ERR("if(TRUE, 1, 2", "CERR 14: 関数 if の「)」がありません");

	/* limits */
	struct expr *e;
	struct expr_error err;
	char src[EXPR_MAX_SOURCE + 2];
	memset(src, '(', 64);
	src[64] = '1';
	memset(src + 65, ')', 64);
	T_INTEQ(expr_compile(app, src, 129, &catalog, &e, &err), 0);  /* 64 deep: fine */
	memset(src, '(', 65);
	src[65] = '1';
	memset(src + 66, ')', 65);
	T_INTEQ(expr_compile(app, src, 131, &catalog, &e, &err), -ERR_TOO_LARGE);
	T_OK(err.column == 65 && strstr(err.msg, "入れ子が深すぎます") != NULL, "depth: %zu %s", err.column,
	    err.msg);
	memset(src, '-', 70);
	src[70] = '1';
	T_INTEQ(expr_compile(app, src, 71, &catalog, &e, &err), -ERR_TOO_LARGE);
	size_t n = 0;
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "%sleft(", i ? "" : "");
	T_INTEQ(expr_compile(app, src, n, &catalog, &e, &err), -ERR_TOO_LARGE);
	memset(src, ' ', sizeof src);
	src[0] = '1';
	T_INTEQ(expr_compile(app, src, EXPR_MAX_SOURCE, &catalog, &e, &err), 0);
	T_INTEQ(expr_compile(app, src, EXPR_MAX_SOURCE + 1, &catalog, &e, &err), -ERR_TOO_LARGE);
	T_OK(strstr(err.msg, "式が長すぎます") != NULL, "too long: %s", err.msg);
	/* a long flat chain is fine (operators of one level do not nest) */
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "%s1", i ? "+" : "");
	T_INTEQ(expr_compile(app, src, n, &catalog, &e, &err), 0);
	struct expr_value v;
	T_INTEQ(expr_eval(e, &env, scratch, &v, &err), 0);
	T_OK(v.type == EXPR_DEC && v.num.coef == 1000, "1+1+…+1 = 1000");
	n = (size_t)snprintf(src, sizeof src, "coalesce(");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "%s1", i ? "," : "");
	src[n++] = ')';
	T_INTEQ(expr_compile(app, src, n, &catalog, &e, &err), -ERR_TOO_LARGE);
	T_OK(strstr(err.msg, "引数が多すぎます") != NULL && err.column == 138, "args: %zu %s", err.column,
	    err.msg);
	/* bad UTF-8, NUL */
	T_INTEQ(expr_compile(app, "1 + \xff", 5, &catalog, &e, &err), -ERR_INVALID);
	T_OK(err.column == 5 && strstr(err.msg, "UTF-8") != NULL, "bad utf-8: %zu %s", err.column, err.msg);
	T_INTEQ(expr_compile(app, "1\0", 2, &catalog, &e, &err), -ERR_INVALID);
	T_OK(err.column == 2 && strstr(err.msg, "NUL") != NULL, "nul: %zu %s", err.column, err.msg);
	/* NULL catalog: fields are unknown, the rest works */
	T_INTEQ(expr_compile(app, "1 + 1", 5, NULL, &e, NULL), 0);
	T_INTEQ(expr_compile(app, "x", 1, NULL, &e, NULL), -ERR_INVALID);
	/* error message is well-formed even when cut */
	char lng[600];
	memcpy(lng, "[", 1);
	for (int i = 0; i < 150; i++)
		memcpy(lng + 1 + 3 * i, "長", 3);
	memcpy(lng + 451, "]", 2);
	T_INTEQ(expr_compile(app, lng, strlen(lng), &catalog, &e, &err), -ERR_INVALID);
	T_OK(strstr(err.msg, "…") != NULL, "snippet shortened: %s", err.msg);
}

static void
test_runtime_limits(void)
{
	ERR("replace(replace(replace(replace(replace(\"aaaaaaaaaa\", \"a\", \"aaaaaaaaaa\"), \"a\", "
	    "\"aaaaaaaaaa\"), \"a\", \"aaaaaaaaaa\"), \"a\", \"aaaaaaaaaa\"), \"a\", \"aaaaaaaaaa\")",
	    "RERR replace@9: 作られる文字列が長すぎます（100000バイト、最大64KiB）");
	T_INTEQ(lastrc, -ERR_TOO_LARGE);
	/* 4 x 40000 bytes each fine, but concatenation exceeds 64 KiB */
	ERR("zeropad(1, 1000) & zeropad(1, 1000) & replace(zeropad(1, 1000), \"0\", "
	    "replace(zeropad(1, 1000), \"0\", \"ab\"))", "RERR replace@");
	ERR("len(han2zen(replace(zeropad(1, 1000), \"0\", zeropad(1, 30))))",
	    "RERR han2zen@5: 作られる文字列が長すぎます");
	/* a total budget: many 60 KiB strings in one evaluation */
	char src[2048];
	size_t n = 0;
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(src + n, sizeof src - n,
		    "%slen(replace(zeropad(1, 600), \"0\", zeropad(1, 100)))", i ? " + " : "");
	ERR(src, "RERR replace@");
	T_OK(strstr(run(src), "合計が大きすぎます") != NULL, "budget: %s", run(src));
	/* a failing field getter */
	ERR("broken & \"x\"", "RERR 項目@1: 項目の値を読めません");
	T_INTEQ(lastrc, -ERR_IO);
	struct expr_env nofield = env;
	nofield.field = NULL;
	struct expr *e;
	struct expr_value v;
	T_INTEQ(expr_compile(app, "name", 4, &catalog, &e, NULL), 0);
	T_INTEQ(expr_eval(e, &nofield, scratch, &v, NULL), -ERR_INVALID);
	T_INTEQ(v.type, EXPR_NULL);
}

static void
test_api(void)
{
	struct expr *e;
	const char *src = "[単価] * line.quantity + [単価] - amount & address2";
	T_INTEQ(expr_compile(app, src, strlen(src), &catalog, &e, NULL), 0);
	size_t n;
	const size_t *f = expr_fields_used(e, &n);
	T_OK(n == 4 && f[0] == F_PRICE && f[1] == F_QTY && f[2] == F_ADDR2 && f[3] == F_AMOUNT,
	    "fields used: %zu", n);
	T_INTEQ(expr_compile(app, "1 + 2", 5, &catalog, &e, NULL), 0);
	expr_fields_used(e, &n);
	T_INTEQ(n, 0);

	size_t count = 0;
	const char *prev = "";
	bool sorted = true, helped = true;
	for (const struct expr_fn_info *fi; (fi = expr_fn_help(count)) != NULL; count++) {
		sorted = sorted && strcmp(prev, fi->name) < 0;
		helped = helped && fi->help[0] != '\0' && strstr(fi->usage, fi->name) == fi->usage;
		prev = fi->name;
	}
	T_INTEQ(count, 21);
	T_OK(sorted && helped, "function table sorted and documented");
	T_OK(expr_fn_help(count) == NULL, "past the end");

	/* values of every type to text */
	struct expr_value v;
	const char *s;
	size_t len;
	v.type = EXPR_NULL;
	expr_value_text(&v, scratch, &s, &len);
	T_OK(len == 0 && s != NULL, "null text");
	v.type = EXPR_BOOL;
	v.b = false;
	expr_value_text(&v, scratch, &s, &len);
	T_STREQ(s, "FALSE");
	v.type = EXPR_TIME;
	v.ms = INT64_MAX;
	expr_value_text(&v, scratch, &s, &len);
	T_INTEQ(len, 0);
	v.type = EXPR_DEC;
	v.num = dec_from_int64(-5);
	expr_value_text(&v, scratch, &s, &len);
	T_STREQ(s, "-5");

	/* the same compiled expression, many records, no state carried over */
	T_INTEQ(expr_compile(app, "[単価] * [数量]", strlen("[単価] * [数量]"), &catalog, &e, NULL), 0);
	static const char *const q[] = { "1", "2", "10", "0.5", "" };
	static const char *const want[] = { "1980", "3960", "19800", "990.0", "" };
	for (int i = 0; i < 5; i++) {
		set_text(F_QTY, q[i]);
		arena_reset(scratch);
		T_INTEQ(expr_eval(e, &env, scratch, &v, NULL), 0);
		expr_value_text(&v, scratch, &s, &len);
		T_OK(len == strlen(want[i]) && memcmp(s, want[i], len) == 0, "row %d: %.*s", i, (int)len, s);
	}
	reset_record();
}

/* Timing: a 12-column order-line template, evaluated per row with an arena
 * reset per row. Printed, not asserted. */
static void
timing(void)
{
	static const char *const cols[12] = {
		"order_number",
		"[単価] * [数量]",
		"[住所1] & [住所2]",
		"date(ordered_at, \"yyyy/MM/dd HH:mm\")",
		"lookup(\"carrier\", carrier, \"\")",
		"zeropad(line.quantity, 5)",
		"if(line.quantity > 1, \"複数\", \"単品\")",
		"round(line.unit_price * 1.1, 0, \"down\")",
		"number(amount, 0, \",\")",
		"zen2han(name)",
		"substr(address1, 1, 3)",
		"coalesce(nothing, empty, \"-\")",
	};
	struct expr *e[12];
	for (int i = 0; i < 12; i++) {
		struct expr_error err;
		int rc = expr_compile(app, cols[i], strlen(cols[i]), &catalog, &e[i], &err);
		T_OK(rc == 0, "timing column %d: %s", i, err.msg);
		if (rc != 0)
			return;
	}
	struct arena *row = arena_new(0);
	const int rows = 200000;
	size_t bytes = 0, scratch_used = 0;
	int64_t t0 = clock_mono_us();
	for (int r = 0; r < rows; r++) {
		for (int i = 0; i < 12; i++) {
			struct expr_value v;
			const char *s;
			size_t len;
			if (expr_eval(e[i], &env, row, &v, NULL) != 0)
				return;
			expr_value_text(&v, row, &s, &len);
			bytes += len;
		}
		scratch_used = arena_used(row);
		arena_reset(row);
	}
	int64_t us = clock_mono_us() - t0;
	printf("timing: %d rows x 12 columns in %.1f ms: %.0f ns per column, %.2f us per row "
	    "(%zu output bytes, %zu scratch bytes per row: no malloc after the first row)\n", rows,
	    (double)us / 1000.0, (double)us * 1000.0 / (rows * 12.0), (double)us / rows, bytes,
	    scratch_used);
	arena_free(row);
}

int
main(void)
{
	app = arena_new(0);
	scratch = arena_new(0);
	reset_record();
	test_arithmetic();
	test_concat();
	test_compare();
	test_logic();
	test_text_functions();
	test_kana_functions();
	test_number_functions();
	test_control_functions();
	test_address();
	test_date_functions();
	test_compile_errors();
	test_runtime_limits();
	test_api();
	timing();
	arena_free(scratch);
	arena_free(app);
	return t_done("convert-expr");
}
