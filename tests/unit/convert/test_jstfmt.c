/* test_jstfmt.c: JST formatting (UTC→JST date boundary, every pattern letter), instant parsing, file-name patterns. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/jstfmt.h"
#include "core/arena.h"
#include "core/err.h"

static struct arena *a;
static struct buf errb;

#define T0 1795651500000LL          /* 2026-11-26T00:05:00Z = 09:05 JST, Thursday */
#define MIDNIGHT 1795618800000LL    /* 2026-11-25T15:00:00Z = 2026-11-26 00:00 JST */

static const char *
fmt(const char *pat, int64_t ms)
{
	struct buf b;
	buf_init(&b, a, 16);
	buf_clear(&errb);
	int rc = jstfmt_format(&b, pat, strlen(pat), ms, &errb);
	if (rc != 0)
		return arena_printf(a, "ERR %d: %s", rc, errb.data);
	return b.data;
}

static const char *
fname(const char *pat, int64_t ms)
{
	struct buf b;
	buf_init(&b, a, 16);
	buf_puts(&b, "dir/");
	buf_clear(&errb);
	int rc = jstfmt_filename(&b, pat, strlen(pat), ms, &errb);
	if (rc != 0) {
		T_STREQ(buf_cstr(&b), "dir/");  /* restored */
		return arena_printf(a, "ERR %d: %s", rc, errb.data);
	}
	return b.data + 4;
}

static void
test_format(void)
{
	T_STREQ(fmt("yyyy-MM-dd HH:mm:ss.SSS", T0), "2026-11-26 09:05:00.000");
	T_STREQ(fmt("yyyy年M月d日(E) H時mm分", T0), "2026年11月26日(木) 9時05分");
	T_STREQ(fmt("yyMMdd", T0), "261126");
	T_STREQ(fmt("yyyyMMdd_HHmmss", T0 + 123), "20261126_090500");
	T_STREQ(fmt("SSS", T0 + 7), "007");
	T_STREQ(fmt("'T'HH'時' '''quoted''' 'it''s' ''", T0), "T09時 'quoted' it's '");
	T_STREQ(fmt("", T0), "");
	T_STREQ(fmt("--- 123 ---", T0), "--- 123 ---");
	/* UTC → JST crosses the date line at 15:00 UTC */
	T_STREQ(fmt("yyyy-MM-dd HH:mm:ss.SSS E", MIDNIGHT - 1), "2026-11-25 23:59:59.999 水");
	T_STREQ(fmt("yyyy-MM-dd HH:mm:ss.SSS E", MIDNIGHT), "2026-11-26 00:00:00.000 木");
	T_STREQ(fmt("yyyy/M/d H", 1798729200000LL), "2027/1/1 0");   /* New Year in JST only */
	T_STREQ(fmt("MM-dd E", 1709132400000LL), "02-29 木");          /* leap day */
	T_STREQ(fmt("yyyy-MM-dd HH:mm:ss.SSS", -1), "1970-01-01 08:59:59.999");
	T_STREQ(fmt("yyyy-MM-dd HH E", 946684800000LL), "2000-01-01 09 土");
	T_STREQ(fmt("yyyy-MM-dd HH:mm E", -62135596800000LL), "0001-01-01 09:00 月");
	T_STREQ(fmt("yyyy-MM-dd HH:mm:ss.SSS", 253402268399999LL), "9999-12-31 23:59:59.999");
	/* every weekday */
	const char *w[7] = { "木", "金", "土", "日", "月", "火", "水" };
	for (int i = 0; i < 7; i++)
		T_STREQ(fmt("E", T0 + (int64_t)i * 86400000), w[i]);
	T_STREQ(fmt("yy", -62135596800000LL), "01");
}

static void
test_bad_patterns(void)
{
	static const struct {
		const char *pat;
		const char *frag;
	} bad[] = {
		{ "YYYY", "「YYYY」" }, { "yyyy-MM-DD", "「DD」" }, { "yyy", "「yyy」" },
		{ "hh:mm", "「hh」" }, { "MMM", "「MMM」" }, { "m", "「m」" }, { "SS", "「SS」" },
		{ "EE", "「EE」" }, { "a", "「a」" }, { "HH 'unterminated", "' が閉じていません" },
		{ "yyyyMMddX", "「X」" }, { "Z", "「Z」" }, { "\xff", "UTF-8" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *got = fmt(bad[i].pat, T0);
		T_OK(strncmp(got, "ERR ", 4) == 0 && strstr(got, bad[i].frag) != NULL,
		    "pattern \"%s\": %s (want %s)", bad[i].pat, got, bad[i].frag);
		buf_clear(&errb);
		T_INTEQ(jstfmt_check(bad[i].pat, strlen(bad[i].pat), &errb), -ERR_INVALID);
		T_OK(errb.len > 0, "jstfmt_check message for %s", bad[i].pat);
	}
	T_INTEQ(jstfmt_check("yyyy/MM/dd HH:mm:ss.SSS E '年'", strlen("yyyy/MM/dd HH:mm:ss.SSS E '年'"),
	    NULL), 0);
	char longpat[300];
	memset(longpat, '-', sizeof longpat - 1);
	longpat[sizeof longpat - 1] = '\0';
	T_OK(strncmp(fmt(longpat, T0), "ERR -6", 6) == 0, "long pattern: %s", fmt(longpat, T0));
	/* out of range instants */
	T_OK(strncmp(fmt("yyyy", 253402268400000LL), "ERR", 3) == 0, "year 10000");
	T_OK(strncmp(fmt("yyyy", -62135596800001LL - 9 * 3600000LL), "ERR", 3) == 0, "year 0");
	T_OK(strncmp(fmt("yyyy", INT64_MIN), "ERR", 3) == 0, "INT64_MIN");
	T_OK(strncmp(fmt("yyyy", INT64_MAX), "ERR", 3) == 0, "INT64_MAX");
	/* error leaves out as it was */
	struct buf b;
	buf_init(&b, a, 16);
	buf_puts(&b, "x");
	T_INTEQ(jstfmt_format(&b, "yyyy 'oops", 10, T0, NULL), -ERR_INVALID);
	T_STREQ(buf_cstr(&b), "x");
}

static int64_t
P(const char *s)
{
	int64_t ms = -42;
	int rc = jstfmt_parse(s, strlen(s), &ms);
	T_OK(rc == 0, "jstfmt_parse(\"%s\") = %d", s, rc);
	return ms;
}

static void
test_parse(void)
{
	T_INTEQ(P("2026-11-26"), MIDNIGHT);                 /* a date: 00:00 JST */
	T_INTEQ(P("2026-11-26 00:05:00"), T0);              /* DB text: UTC */
	T_INTEQ(P("2026-11-26T00:05:00"), T0);
	T_INTEQ(P("2026-11-26T00:05:00Z"), T0);
	T_INTEQ(P("2026-11-26T09:05:00+09:00"), T0);
	T_INTEQ(P("2026-11-26T09:05:00+0900"), T0);
	T_INTEQ(P("2026-11-26T09:05:00+09"), T0);
	T_INTEQ(P("2026-11-25T19:05:00-05:00"), T0);
	T_INTEQ(P("2026-11-26T00:05:00.5Z"), T0 + 500);
	T_INTEQ(P("2026-11-26T00:05:00.123456789Z"), T0 + 123);
	T_INTEQ(P("2026-11-26 00:05:00.12"), T0 + 120);
	T_INTEQ(P("2024-02-29"), 1709132400000LL);
	T_INTEQ(P("1970-01-01 00:00:00"), 0);
	T_INTEQ(P("0001-01-01 00:00:00"), -62135596800000LL);
	static const char *const bad[] = {
		"", "2026", "2026-11", "2026-13-01", "2026-00-10", "2026-11-31", "2025-02-29",
		"2026-11-26 24:00:00", "2026-11-26 23:60:00", "2026-11-26 23:59:60", "2026/11/26",
		"2026-11-26 9:05:00", "2026-11-26 09:05", "2026-11-26T09:05:00+9", "2026-11-26T09:05:00+25:00",
		"2026-11-26T09:05:00.", "2026-11-26T09:05:00.1234567890Z", "2026-11-26T09:05:00ZZ",
		"2026-11-26 ", "0000-01-01", " 2026-11-26", "2026-11-26x", "２０２６-11-26",
		"2026-11-26T09:05:00+09:0", "2026-1-26",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t ms = 7;
		int rc = jstfmt_parse(bad[i], strlen(bad[i]), &ms);
		T_OK(rc == -ERR_INVALID && ms == 7, "jstfmt_parse(\"%s\") = %d", bad[i], rc);
	}
}

static void
test_filename(void)
{
	T_STREQ(fname("orders_{yyyyMMdd_HHmmss}.csv", T0), "orders_20261126_090500.csv");
	T_STREQ(fname("受注_{yyyy年M月d日}.csv", T0), "受注_2026年11月26日.csv");
	T_STREQ(fname("fixed.csv", T0), "fixed.csv");
	T_STREQ(fname("{yyyy}-{MM}", T0), "2026-11");
	T_STREQ(fname("a b.csv", T0), "a b.csv");
	static const struct {
		const char *pat;
		const char *frag;
	} bad[] = {
		{ "", "空" }, { ".", "「.」" }, { "..", "「.」" }, { "a/b.csv", "「/」" },
		{ "{yyyy/MM/dd}.csv", "「/」" }, { "a\\b", "「\\」" }, { "a\tb", "U+0009" },
		{ "a\x7f", "U+007F" }, { "a\xc2\x85", "U+0085" }, { "x{yyyy.csv", "閉じていません" },
		{ "x}y", "}" }, { "{}", "{}" }, { "{{yyyy}}", "閉じていません" }, { "{YYYY}.csv", "「YYYY」" },
		{ "\xff.csv", "UTF-8" }, { "{'a}", "' が閉じていません" },
		{ "a:b.csv", "「:」" }, { "{HH:mm}.csv", "「:」" }, { "a*.csv", "「*」" }, { "a?.csv", "「?」" },
		{ "a\"b.csv", "「\"」" }, { "<a>.csv", "「<」" }, { "a|b.csv", "「|」" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *got = fname(bad[i].pat, T0);
		T_OK(strncmp(got, "ERR -", 5) == 0 && strstr(got, bad[i].frag) != NULL,
		    "filename \"%s\": %s (want %s)", bad[i].pat, got, bad[i].frag);
	}
	/* NUL inside */
	struct buf b;
	buf_init(&b, a, 16);
	T_INTEQ(jstfmt_filename(&b, "a\0b", 3, T0, NULL), -ERR_INVALID);
	T_INTEQ(b.len, 0);
	/* length: 200 bytes ok, 201 not */
	char p[202];
	memset(p, 'x', 201);
	p[200] = '\0';
	T_OK(strlen(fname(p, T0)) == 200, "200-byte name");
	p[200] = 'x';
	p[201] = '\0';
	const char *got = fname(p, T0);
	T_OK(strncmp(got, "ERR -6", 6) == 0 && strstr(got, "200") != NULL, "201 bytes: %s", got);
}

int
main(void)
{
	a = arena_new(0);
	buf_init(&errb, a, 64);
	test_format();
	test_bad_patterns();
	test_parse();
	test_filename();
	arena_free(a);
	return t_done("convert-jstfmt");
}
