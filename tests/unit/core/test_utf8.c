/* test_utf8.c: strict UTF-8 validation, maximal-subpart repair, counting, and an exhaustive oracle check. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "t.h"

#include <stdbool.h>
#include <stdint.h>

#define R UTF8_REPLACEMENT

/* oracle: independent definition of well-formed UTF-8 — decode naively by
 * bit pattern, then demand the shortest form, no surrogate, <= U+10FFFF. */
static bool
oracle(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char b = s[i];
		size_t len;
		uint32_t cp, min;
		if (b < 0x80) {
			i++;
			continue;
		} else if ((b & 0xE0) == 0xC0) {
			len = 2, cp = b & 0x1F, min = 0x80;
		} else if ((b & 0xF0) == 0xE0) {
			len = 3, cp = b & 0x0F, min = 0x800;
		} else if ((b & 0xF8) == 0xF0) {
			len = 4, cp = b & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

static const char *
san(struct arena *a, const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, a, 0);
	utf8_sanitize(&b, s, n);
	return buf_cstr(&b);
}

#define SAN(lit) san(a, lit, sizeof lit - 1)
#define VALID(lit) utf8_valid(lit, sizeof lit - 1)
#define CPS(lit) utf8_codepoints(lit, sizeof lit - 1)

static void
test_valid(void)
{
	T_OK(VALID(""), "empty is valid");
	T_OK(VALID("plain ascii"), "ascii");
	T_OK(VALID("\xC3\xA9"), "U+00E9");
	T_OK(VALID("\xE2\x82\xAC"), "U+20AC");
	T_OK(VALID("\xF0\x9D\x84\x9E"), "U+1D11E");
	T_OK(VALID("\xF4\x8F\xBF\xBF"), "U+10FFFF");
	T_OK(VALID("\xED\x9F\xBF"), "U+D7FF");
	T_OK(VALID("\xEE\x80\x80"), "U+E000");
	T_OK(VALID("\xEF\xBB\xBF" "bom"), "BOM is a valid code point");
	T_OK(VALID("a\0b"), "NUL byte is valid UTF-8");
	T_OK(VALID("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), "Japanese");
	T_OK(VALID("\xC2\x80"), "U+0080 smallest 2-byte");
	T_OK(VALID("\xE0\xA0\x80"), "U+0800 smallest 3-byte");
	T_OK(VALID("\xF0\x90\x80\x80"), "U+10000 smallest 4-byte");

	T_OK(!VALID("\xC0\x80"), "overlong NUL");
	T_OK(!VALID("\xC0\xAE"), "overlong '.'");
	T_OK(!VALID("\xC1\xBF"), "overlong C1");
	T_OK(!VALID("\xE0\x80\xAF"), "overlong 3-byte '/'");
	T_OK(!VALID("\xE0\x9F\xBF"), "overlong 3-byte top");
	T_OK(!VALID("\xF0\x80\x80\xAF"), "overlong 4-byte");
	T_OK(!VALID("\xF0\x8F\xBF\xBF"), "overlong 4-byte top");
	T_OK(!VALID("\xED\xA0\x80"), "surrogate D800");
	T_OK(!VALID("\xED\xBF\xBF"), "surrogate DFFF");
	T_OK(!VALID("\xED\xA0\xBD\xED\xB2\xA9"), "CESU-8 surrogate pair");
	T_OK(!VALID("\xF4\x90\x80\x80"), "U+110000");
	T_OK(!VALID("\xF5\x80\x80\x80"), "F5 lead");
	T_OK(!VALID("\xF8\x88\x80\x80\x80"), "5-byte form");
	T_OK(!VALID("\xFC\x84\x80\x80\x80\x80"), "6-byte form");
	T_OK(!VALID("\xFE"), "FE");
	T_OK(!VALID("\xFF"), "FF");
	T_OK(!VALID("\x80"), "lone continuation");
	T_OK(!VALID("a\xBF"), "lone continuation after ascii");
	T_OK(!VALID("\xE2\x82"), "truncated 3-byte");
	T_OK(!VALID("\xF0\x9D\x84"), "truncated 4-byte");
	T_OK(!VALID("\xC3"), "truncated 2-byte");
	T_OK(!VALID("\xC3" "A"), "lead then ascii");
	T_OK(!VALID("abcdefghijklmnop\xC3"), "truncated after long ascii run");
	T_OK(!VALID("\xEF\xBB\xBF\xFF"), "BOM then bad");
}

static void
test_decode_one(void)
{
	uint32_t cp;
	size_t len;
	T_INTEQ(utf8_decode_one("A", 1, &cp, &len), 0);
	T_INTEQ(cp, 'A');
	T_INTEQ(len, 1);
	T_INTEQ(utf8_decode_one("\xE2\x82\xAC", 3, &cp, &len), 0);
	T_INTEQ(cp, 0x20AC);
	T_INTEQ(len, 3);
	T_INTEQ(utf8_decode_one("\xF4\x8F\xBF\xBF", 4, &cp, &len), 0);
	T_INTEQ(cp, 0x10FFFF);
	T_INTEQ(len, 4);
	T_INTEQ(utf8_decode_one("\xC3\xA9", 2, &cp, &len), 0);
	T_INTEQ(cp, 0xE9);
	T_INTEQ(utf8_decode_one("", 0, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 0);
	/* maximal subparts */
	T_INTEQ(utf8_decode_one("\xE2\x82", 2, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 2);
	T_INTEQ(cp, 0xFFFD);
	T_INTEQ(utf8_decode_one("\xE2\x82" "A", 3, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 2);
	T_INTEQ(utf8_decode_one("\xF0\x80\x80", 3, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 1);
	T_INTEQ(utf8_decode_one("\xED\xA0\x80", 3, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 1);
	T_INTEQ(utf8_decode_one("\xF1\x80\x80" "x", 4, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 3);
	T_INTEQ(utf8_decode_one("\x80", 1, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 1);
	T_INTEQ(utf8_decode_one("\xFF\x80", 2, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 1);
	/* n shorter than the string: must not read past n */
	T_INTEQ(utf8_decode_one("\xE2\x82\xAC", 1, &cp, &len), -ERR_INVALID);
	T_INTEQ(len, 1);
}

static void
test_sanitize(struct arena *a)
{
	T_STREQ(SAN(""), "");
	T_STREQ(SAN("hello"), "hello");
	T_STREQ(SAN("caf\xC3\xA9"), "caf\xC3\xA9");
	T_STREQ(SAN("\xEF\xBB\xBF" "x"), "\xEF\xBB\xBF" "x");
	/* Unicode 15 §3.9 Table 3-8 (U+FFFD for maximal subparts) */
	T_STREQ(SAN("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
	    "a" R R R "b" R "c" R R "d");
	/* WHATWG encoding tests: one U+FFFD per byte for these */
	T_STREQ(SAN("\xC0\xAF"), R R);
	T_STREQ(SAN("\xE0\x80\xAF"), R R R);
	T_STREQ(SAN("\xED\xA0\x80"), R R R);
	T_STREQ(SAN("\xF4\x90\x80\x80"), R R R R);
	T_STREQ(SAN("\xF8\x88\x80\x80\x80"), R R R R R);
	T_STREQ(SAN("\xFE\xFF"), R R);
	/* truncated at end: one U+FFFD for the whole subpart */
	T_STREQ(SAN("ab\xE2\x82"), "ab" R);
	T_STREQ(SAN("ab\xF0\x9F\x98"), "ab" R);
	T_STREQ(SAN("\xE2\x82\xE2\x82\xAC"), R "\xE2\x82\xAC");
	T_STREQ(SAN("\xC3" "A"), R "A");
	T_STREQ(SAN("x\x80y"), "x" R "y");
	T_STREQ(SAN("\xED\x9F\xBF\xED\xA0\x80"), "\xED\x9F\xBF" R R R);

	struct buf b;
	buf_init(&b, a, 0);
	utf8_sanitize(&b, "a\0b\xFF", 4);
	T_INTEQ(b.len, 6);
	T_OK(memcmp(b.data, "a\0b" R, 6) == 0, "NUL kept, FF replaced");

	/* a huge run of garbage: linear, every byte replaced */
	size_t n = 1 << 20;
	char *junk = arena_alloc(a, n);
	memset(junk, 0x80, n);
	buf_init(&b, a, 0);
	utf8_sanitize(&b, junk, n);
	T_INTEQ(b.len, 3 * n);
	T_OK(utf8_valid(b.data, b.len), "sanitized output is valid");
	T_INTEQ(utf8_codepoints(junk, n), n);
}

static void
test_codepoints(void)
{
	T_INTEQ(CPS(""), 0);
	T_INTEQ(CPS("abc"), 3);
	T_INTEQ(CPS("a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E"), 4);
	T_INTEQ(CPS("\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89"), 5);
	T_INTEQ(CPS("e\xCC\x81"), 2);
	T_INTEQ(CPS("\xE2\x82"), 1);
	T_INTEQ(CPS("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"), 10);
	T_INTEQ(CPS("\xEF\xBB\xBF"), 1);
}

static void
test_encode(struct arena *a)
{
	struct buf b;
	buf_init(&b, a, 8);
	int bad = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		buf_clear(&b);
		utf8_encode(&b, cp);
		uint32_t got;
		size_t len;
		if (utf8_decode_one(b.data, b.len, &got, &len) != 0 ||
		    got != cp || len != b.len)
			bad++;
	}
	T_INTEQ(bad, 0);
	buf_clear(&b);
	utf8_encode(&b, 0xD800);
	T_STREQ(buf_cstr(&b), R);
	buf_clear(&b);
	utf8_encode(&b, 0x110000);
	T_STREQ(buf_cstr(&b), R);
}

/* Every 1-, 2- and 3-byte sequence, and a large slice of 4-byte ones,
 * judged by utf8_valid and by the oracle; sanitize must always give valid
 * output and leave valid input untouched. */
static void
test_exhaustive(struct arena *a)
{
	unsigned char s[4];
	long mismatch = 0, badsan = 0;
	for (unsigned x = 0; x < 256; x++) {
		s[0] = (unsigned char)x;
		mismatch += utf8_valid((char *)s, 1) != oracle(s, 1);
		for (unsigned y = 0; y < 256; y++) {
			s[1] = (unsigned char)y;
			mismatch += utf8_valid((char *)s, 2) != oracle(s, 2);
			for (unsigned z = 0; z < 256; z++) {
				s[2] = (unsigned char)z;
				mismatch += utf8_valid((char *)s, 3) != oracle(s, 3);
			}
		}
	}
	T_INTEQ(mismatch, 0);
	static const unsigned char last[] = { 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF };
	mismatch = 0;
	struct buf b;
	buf_init(&b, a, 64);
	for (unsigned x = 0xF0; x <= 0xF7; x++) {
		s[0] = (unsigned char)x;
		for (unsigned y = 0; y < 256; y++) {
			s[1] = (unsigned char)y;
			for (unsigned z = 0x70; z < 0xD0; z++) {
				s[2] = (unsigned char)z;
				for (size_t k = 0; k < sizeof last; k++) {
					s[3] = last[k];
					bool v = utf8_valid((char *)s, 4);
					mismatch += v != oracle(s, 4);
					buf_clear(&b);
					utf8_sanitize(&b, (char *)s, 4);
					if (!oracle((unsigned char *)b.data, b.len) ||
					    (v && (b.len != 4 || memcmp(b.data, s, 4) != 0)))
						badsan++;
				}
			}
		}
	}
	T_INTEQ(mismatch, 0);
	T_INTEQ(badsan, 0);
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_valid();
	test_decode_one();
	test_sanitize(a);
	test_codepoints();
	test_encode(a);
	arena_reset(a);
	test_exhaustive(a);
	arena_free(a);
	return t_done("unit-utf8");
}
