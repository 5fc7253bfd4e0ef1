/* test_cp932.c: the CP932 encoder (single characters, cells under each policy with reports) and decoder. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/cp932.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

static struct arena *a;

/* reports collected by collect() */
static struct cp932_bad got[16];
static size_t ngot;

static void
collect(void *ctx, const struct cp932_bad *b)
{
	(void)ctx;
	if (ngot < sizeof got / sizeof got[0])
		got[ngot] = *b;
	ngot++;
}

/* enc: bytes of one code point as hex ("93 FA"), or "ERR". */
static const char *
enc(uint32_t cp)
{
	unsigned char b[2];
	size_t l;
	if (cp932_encode(cp, b, &l) != 0)
		return l == 0 ? "ERR" : "ERR+len";
	return l == 1 ? arena_printf(a, "%02X", b[0]) : arena_printf(a, "%02X %02X", b[0], b[1]);
}

static void
test_encode_one(void)
{
	T_INTEQ(cp932_init(), 0);
	T_STREQ(enc('A'), "41");
	T_STREQ(enc(0), "00");
	T_STREQ(enc(0x5C), "5C");       /* backslash stays 5C */
	T_STREQ(enc(0x7E), "7E");
	T_STREQ(enc(0x80), "80");
	T_STREQ(enc(0xA5), "5C");       /* ¥ */
	T_STREQ(enc(0x203E), "7E");     /* ‾ */
	T_STREQ(enc(0xFF71), "B1");     /* ｱ */
	T_STREQ(enc(0xFF9F), "DF");     /* ﾟ */
	T_STREQ(enc(0x3000), "81 40");  /* ideographic space */
	T_STREQ(enc(0x65E5), "93 FA");  /* 日 */
	T_STREQ(enc(0x9AD9), "FB FC");  /* 髙 IBM extension */
	T_STREQ(enc(0xFA11), "FA B1");  /* 﨑 IBM extension */
	T_STREQ(enc(0x5FB7), "FA BA");  /* 德: IBM code, not the NEC-selected ED/EE one */
	T_STREQ(enc(0x2460), "87 40");  /* ① NEC row 13 */
	T_STREQ(enc(0x3231), "87 8A");  /* ㈱ */
	T_STREQ(enc(0x2160), "87 54");  /* Ⅰ: NEC row 13 before IBM FA4A */
	T_STREQ(enc(0x2170), "FA 40");  /* ⅰ */
	T_STREQ(enc(0x2252), "81 E0");  /* ≒: JIS row 2 before NEC row 13 */
	T_STREQ(enc(0xFFE2), "81 CA");  /* ￢ */
	T_STREQ(enc(0xFF5E), "81 60");  /* ～ FULLWIDTH TILDE */
	T_STREQ(enc(0x2212), "81 7C");  /* − MINUS SIGN as FF0D */
	T_STREQ(enc(0xFF0D), "81 7C");
	T_STREQ(enc(0xFFE5), "81 8F");  /* ￥ */
	T_STREQ(enc(0x2225), "81 61");  /* ∥ */
	T_STREQ(enc(0x301C), "ERR");    /* 〜 WAVE DASH (glibc would give 81 60) */
	T_STREQ(enc(0x2016), "ERR");    /* ‖ */
	T_STREQ(enc(0x2014), "ERR");    /* — */
	T_STREQ(enc(0x00A2), "ERR");
	T_STREQ(enc(0x00A3), "ERR");
	T_STREQ(enc(0x00AC), "ERR");
	T_STREQ(enc(0x00A6), "ERR");
	T_STREQ(enc(0xE000), "ERR");    /* private use */
	T_STREQ(enc(0x1F600), "ERR");   /* 😀 */
	T_STREQ(enc(0x20BB7), "ERR");   /* 𠮷 */
	T_STREQ(enc(0xD800), "ERR");
	T_STREQ(enc(0x110000), "ERR");
	T_STREQ(enc(0xFFFFFFFF), "ERR");
}

/* cell: cp932_from_utf8 of s under policy; returns the bytes as hex/ASCII
 * ("<93 FA>" for non-ASCII bytes) and sets *rc. */
static const char *
cell(const char *s, enum cp932_policy p, int *rc, size_t *nbad)
{
	struct buf out, show;
	buf_init(&out, a, 16);
	buf_init(&show, a, 16);
	ngot = 0;
	*rc = cp932_from_utf8(&out, s, strlen(s), p, collect, NULL, nbad);
	for (size_t i = 0; i < out.len; i++) {
		unsigned char ch = (unsigned char)out.data[i];
		if (ch < 0x80)
			buf_putc(&show, (char)ch);
		else
			buf_printf(&show, "<%02X>", ch);
	}
	return buf_cstr(&show);
}

static void
test_cell_policies(void)
{
	int rc;
	size_t nbad = 99;
	const char *s = "髙﨑①㈱～〜−￥😀𠮷a";
	/* characters: 1 髙 2 﨑 3 ① 4 ㈱ 5 ～ 6 〜 7 − 8 ￥ 9 😀 10 𠮷 11 a */
	T_STREQ(cell(s, CP932_REPLACE_GETA, &rc, &nbad),
		"<FB><FC><FA><B1><87>@<87><8A><81>`<81><AC><81>|<81><8F><81><AC><81><AC>a");
	T_INTEQ(rc, 0);
	T_INTEQ(nbad, 3);
	T_INTEQ(ngot, 3);
	T_INTEQ(got[0].cp, 0x301C);
	T_STREQ(got[0].utf8, "〜");
	T_INTEQ(got[0].index, 6);
	T_INTEQ(got[0].offset, 15);
	T_INTEQ(got[0].len, 3);
	T_OK(!got[0].invalid, "not invalid");
	T_INTEQ(got[1].cp, 0x1F600);
	T_STREQ(got[1].utf8, "😀");
	T_INTEQ(got[1].index, 9);
	T_INTEQ(got[1].offset, 24);
	T_INTEQ(got[1].len, 4);
	T_INTEQ(got[2].cp, 0x20BB7);
	T_STREQ(got[2].utf8, "𠮷");
	T_INTEQ(got[2].index, 10);
	T_INTEQ(got[2].offset, 28);

	T_STREQ(cell(s, CP932_REPLACE_QMARK, &rc, &nbad),
		"<FB><FC><FA><B1><87>@<87><8A><81>`?<81>|<81><8F>??a");
	T_INTEQ(rc, 0);
	T_INTEQ(ngot, 3);
	T_STREQ(cell(s, CP932_DROP, &rc, &nbad), "<FB><FC><FA><B1><87>@<87><8A><81>`<81>|<81><8F>a");
	T_INTEQ(rc, 0);
	T_INTEQ(nbad, 3);
	T_STREQ(cell(s, CP932_FAIL, &rc, &nbad), "<FB><FC><FA><B1><87>@<87><8A><81>`?<81>|<81><8F>??a");
	T_INTEQ(rc, -ERR_INVALID);
	T_INTEQ(nbad, 3);
	T_INTEQ(ngot, 3);  /* FAIL still reports every character */

	/* clean cells: rc 0 under FAIL, no report; ASCII untouched */
	T_STREQ(cell("日本 ｱ¥\\~", CP932_FAIL, &rc, &nbad), "<93><FA><96>{ <B1>\\\\~");
	T_INTEQ(rc, 0);
	T_INTEQ(nbad, 0);
	T_INTEQ(ngot, 0);
	T_STREQ(cell("", CP932_FAIL, &rc, &nbad), "");
	T_INTEQ(rc, 0);

	/* NULL report callback and NULL nbad */
	struct buf out;
	buf_init(&out, a, 8);
	T_INTEQ(cp932_from_utf8(&out, "x😀", 5, CP932_FAIL, NULL, NULL, NULL), -ERR_INVALID);
	T_STREQ(buf_cstr(&out), "x?");
}

static void
test_invalid_utf8(void)
{
	int rc;
	size_t nbad;
	/* FF: 1 byte; E3 81 then 'x': truncated (maximal subpart 2); C0 AF: two subparts */
	T_STREQ(cell("a\xFF" "b\xE3\x81x\xC0\xAF", CP932_REPLACE_QMARK, &rc, &nbad), "a?b?x??");
	T_INTEQ(rc, 0);
	T_INTEQ(nbad, 4);
	T_INTEQ(ngot, 4);
	T_OK(got[0].invalid && got[0].cp == 0xFFFD && got[0].index == 2 && got[0].offset == 1 && got[0].len == 1,
	     "FF reported as U+FFFD at character 2");
	T_STREQ(got[0].utf8, "\xEF\xBF\xBD");
	T_OK(got[1].invalid && got[1].index == 4 && got[1].offset == 3 && got[1].len == 2, "E3 81: character 4");
	T_OK(got[2].invalid && got[2].index == 6 && got[2].offset == 6, "C0");
	T_OK(got[3].invalid && got[3].index == 7 && got[3].offset == 7, "AF");
	T_STREQ(cell("\xED\xA0\x80", CP932_DROP, &rc, &nbad), "");  /* a surrogate: 3 subparts */
	T_INTEQ(nbad, 3);
	T_STREQ(cell("\xF4\x90\x80\x80z", CP932_REPLACE_GETA, &rc, &nbad),
		"<81><AC><81><AC><81><AC><81><AC>z");
	T_INTEQ(nbad, 4);
	T_STREQ(cell("\xE3\x81", CP932_FAIL, &rc, &nbad), "?");  /* truncated at the end */
	T_INTEQ(rc, -ERR_INVALID);
	T_INTEQ(nbad, 1);
}

static void
test_decode(void)
{
	struct buf out;
	size_t off = 99;
	buf_init(&out, a, 16);
	/* 日本 ｱ ① 髙 \ ~ 0x80 and a user-defined F040 (U+E000) */
	const char in[] = "\x93\xFA\x96\x7B\xB1\x87\x40\xFB\xFC\\~\x80\xF0\x40";
	T_INTEQ(cp932_to_utf8(&out, in, sizeof in - 1, &off), 0);
	T_STREQ(buf_cstr(&out), "日本ｱ①髙\\~\xC2\x80\xEE\x80\x80");

	static const struct {
		const char *in;
		size_t len, off;
	} bad[] = {
		{ "ab\xA0", 3, 2 },             /* A0: never a character */
		{ "\xFD", 1, 0 },
		{ "\xFF", 1, 0 },
		{ "x\x81", 2, 1 },              /* lead byte at the end */
		{ "\x81\x20", 2, 0 },           /* lead byte + ASCII */
		{ "\x81\x7F", 2, 0 },           /* 7F is no trail byte */
		{ "\x85\x40", 2, 0 },           /* unassigned row */
		{ "\x93\xFA\xEF\x40", 4, 2 },   /* EF40: unassigned */
		{ "\x81\xFD", 2, 0 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_clear(&out);
		off = 99;
		T_INTEQ(cp932_to_utf8(&out, bad[i].in, bad[i].len, &off), -ERR_INVALID);
		T_INTEQ(off, bad[i].off);
	}
	buf_clear(&out);
	T_INTEQ(cp932_to_utf8(&out, "\x93\xFA\xEF\x40", 4, NULL), -ERR_INVALID);
	T_STREQ(buf_cstr(&out), "日");  /* the text before the error */
	uint32_t cp;
	size_t len;
	T_INTEQ(cp932_decode_one("", 0, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 0);
	T_INTEQ(cp932_decode_one("\x81\x60", 2, &cp, &len), 0);
	T_INTEQ(cp, 0xFF5E);  /* 81 60 reads as ～ FULLWIDTH TILDE */
	T_INTEQ(len, 2);
	T_INTEQ(cp932_decode_one("\x5C", 1, &cp, &len), 0);
	T_INTEQ(cp, 0x5C);
}

static void
test_policy_names(void)
{
	enum cp932_policy p = CP932_DROP;
	T_INTEQ(cp932_policy_parse("geta", &p), 0);
	T_INTEQ(p, CP932_REPLACE_GETA);
	T_INTEQ(cp932_policy_parse("fail", &p), 0);
	T_INTEQ(p, CP932_FAIL);
	T_INTEQ(cp932_policy_parse("qmark", &p), 0);
	T_INTEQ(p, CP932_REPLACE_QMARK);
	T_INTEQ(cp932_policy_parse("drop", &p), 0);
	T_INTEQ(p, CP932_DROP);
	T_INTEQ(cp932_policy_parse("Drop", &p), -ERR_INVALID);
	T_INTEQ(cp932_policy_parse("", &p), -ERR_INVALID);
	T_STREQ(cp932_policy_name(CP932_REPLACE_QMARK), "qmark");
	T_STREQ(cp932_policy_name((enum cp932_policy)42), "fail");
}

int
main(void)
{
	a = arena_new(0);
	test_encode_one();
	test_cell_policies();
	test_invalid_utf8();
	test_decode();
	test_policy_names();
	arena_free(a);
	return t_done("cp932");
}
