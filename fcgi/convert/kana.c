/* kana.c: 全角⇔半角 width conversion of UTF-8 text (katakana, letters and digits, symbols). */
#include "kana.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

static void put_half(struct buf *out, unsigned code);
static bool ascii_flagged(unsigned char c, unsigned flags);
static uint32_t combine(uint32_t half, uint32_t mark);
static bool name_is(const char *s, size_t n, const char *name);

/* half_full[cp - 0xFF61]: the full-width form of U+FF61..U+FF9F. */
static const uint16_t half_full[63] = {
	0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
	0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8,
	0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB,
	0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD,
	0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1,
	0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF,
	0x30F3, 0x309B, 0x309C,
};

/*
 * full_half[cp - 0x30A0]: the halfwidth form of katakana U+30A0..U+30FF as
 * the low byte of U+FFxx, plus 0x100 when ﾞ follows or 0x200 when ﾟ
 * follows; 0 = no halfwidth form. Derived from half_full (and checked
 * against Unicode NFC composition when written).
 */
static const uint16_t full_half[96] = {
	0x000, 0x067, 0x071, 0x068, 0x072, 0x069, 0x073, 0x06A,  /* 30A0 */
	0x074, 0x06B, 0x075, 0x076, 0x176, 0x077, 0x177, 0x078,  /* 30A8 */
	0x178, 0x079, 0x179, 0x07A, 0x17A, 0x07B, 0x17B, 0x07C,  /* 30B0 */
	0x17C, 0x07D, 0x17D, 0x07E, 0x17E, 0x07F, 0x17F, 0x080,  /* 30B8 */
	0x180, 0x081, 0x181, 0x06F, 0x082, 0x182, 0x083, 0x183,  /* 30C0 */
	0x084, 0x184, 0x085, 0x086, 0x087, 0x088, 0x089, 0x08A,  /* 30C8 */
	0x18A, 0x28A, 0x08B, 0x18B, 0x28B, 0x08C, 0x18C, 0x28C,  /* 30D0 */
	0x08D, 0x18D, 0x28D, 0x08E, 0x18E, 0x28E, 0x08F, 0x090,  /* 30D8 */
	0x091, 0x092, 0x093, 0x06C, 0x094, 0x06D, 0x095, 0x06E,  /* 30E0 */
	0x096, 0x097, 0x098, 0x099, 0x09A, 0x09B, 0x000, 0x09C,  /* 30E8 */
	0x000, 0x000, 0x066, 0x09D, 0x173, 0x000, 0x000, 0x19C,  /* 30F0 */
	0x000, 0x000, 0x166, 0x065, 0x070, 0x000, 0x000, 0x000,  /* 30F8 */
};

/* put_half: append U+FFxx (low byte of code) and its mark, if any. */
static void
put_half(struct buf *out, unsigned code)
{
	utf8_encode(out, 0xFF00u | (code & 0xFFu));
	if (code & 0x100u)
		buf_append(out, "\xEF\xBE\x9E", 3);  /* ﾞ U+FF9E */
	else if (code & 0x200u)
		buf_append(out, "\xEF\xBE\x9F", 3);  /* ﾟ U+FF9F */
}

/* ascii_flagged: printable ASCII c (0x20..0x7E) converts under flags. */
static bool
ascii_flagged(unsigned char c, unsigned flags)
{
	bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	return (flags & (alnum ? KANA_ALNUM : KANA_SYMBOL)) != 0;
}

int
kana_to_half(struct buf *out, const char *s, size_t n, unsigned flags)
{
	size_t start_len = out->len, i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t len;
		if (utf8_decode_one(s + i, n - i, &cp, &len) != 0) {
			buf_truncate(out, start_len);
			return -ERR_INVALID;
		}
		uint32_t kata = cp;
		if ((flags & KANA_KANA) && cp >= 0x3041 && cp <= 0x3096)
			kata = cp + 0x60;  /* hiragana → katakana first */
		unsigned code = 0;
		bool ascii = false;
		if (flags & KANA_KANA) {
			if (kata >= 0x30A0 && kata <= 0x30FF)
				code = full_half[kata - 0x30A0];
			else if (cp == 0x3002)
				code = 0x61;
			else if (cp == 0x300C)
				code = 0x62;
			else if (cp == 0x300D)
				code = 0x63;
			else if (cp == 0x3001)
				code = 0x64;
			else if (cp == 0x309B || cp == 0x3099)
				code = 0x9E;
			else if (cp == 0x309C || cp == 0x309A)
				code = 0x9F;
		}
		if (code == 0 && cp >= 0xFF01 && cp <= 0xFF5E &&
		    ascii_flagged((unsigned char)(cp - 0xFEE0), flags)) {
			code = cp - 0xFEE0;
			ascii = true;
		} else if (code == 0 && cp == 0x3000 && (flags & KANA_SYMBOL)) {
			code = ' ';
			ascii = true;
		}
		if (code == 0) {
			i += len;
			continue;
		}
		buf_append(out, s + run, i - run);
		if (ascii)
			buf_putc(out, (char)code);
		else
			put_half(out, code);
		i += len;
		run = i;
	}
	buf_append(out, s + run, n - run);
	return 0;
}

/* combine: the full-width voiced (mark U+FF9E) or semi-voiced (U+FF9F)
 * form of halfwidth katakana half, or 0 when there is none. */
static uint32_t
combine(uint32_t half, uint32_t mark)
{
	uint32_t full = half_full[half - 0xFF61];
	if (mark == 0xFF9E) {
		if ((half >= 0xFF76 && half <= 0xFF84) || (half >= 0xFF8A && half <= 0xFF8E))
			return full + 1;
		if (half == 0xFF73)
			return 0x30F4;  /* ヴ */
		if (half == 0xFF9C)
			return 0x30F7;  /* ヷ */
		if (half == 0xFF66)
			return 0x30FA;  /* ヺ */
	} else if (half >= 0xFF8A && half <= 0xFF8E) {
		return full + 2;
	}
	return 0;
}

int
kana_to_full(struct buf *out, const char *s, size_t n, unsigned flags)
{
	size_t start_len = out->len, i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t full = 0;
		size_t len = 1;
		if (c < 0x80) {
			if (c == ' ' && (flags & KANA_SYMBOL))
				full = 0x3000;
			else if (c > 0x20 && c < 0x7F && ascii_flagged(c, flags))
				full = c + 0xFEE0u;
		} else {
			uint32_t cp;
			if (utf8_decode_one(s + i, n - i, &cp, &len) != 0) {
				buf_truncate(out, start_len);
				return -ERR_INVALID;
			}
			if ((flags & KANA_KANA) && cp >= 0xFF61 && cp <= 0xFF9F) {
				full = half_full[cp - 0xFF61];
				size_t m = i + len;
				if (cp >= 0xFF66 && cp <= 0xFF9D && m + 3 <= n &&
				    (unsigned char)s[m] == 0xEF && (unsigned char)s[m + 1] == 0xBE &&
				    ((unsigned char)s[m + 2] == 0x9E || (unsigned char)s[m + 2] == 0x9F)) {
					uint32_t v = combine(cp, 0xFF00u | (unsigned char)s[m + 2]);
					if (v != 0) {
						full = v;
						len += 3;
					}
				}
			}
		}
		if (full == 0) {
			i += len;
			continue;
		}
		buf_append(out, s + run, i - run);
		utf8_encode(out, full);
		i += len;
		run = i;
	}
	buf_append(out, s + run, n - run);
	return 0;
}

/* name_is: s[0..n) equals name, ASCII case-insensitively. */
static bool
name_is(const char *s, size_t n, const char *name)
{
	if (strlen(name) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != name[i])
			return false;
	}
	return true;
}

int
kana_flags_parse(const char *s, size_t n, unsigned *flags)
{
	static const struct {
		const char *name;
		unsigned flag;
	} names[] = {
		{ "kana", KANA_KANA }, { "alnum", KANA_ALNUM }, { "symbol", KANA_SYMBOL },
		{ "all", KANA_ALL }, { "カナ", KANA_KANA }, { "英数", KANA_ALNUM },
		{ "記号", KANA_SYMBOL }, { "すべて", KANA_ALL },
	};
	unsigned f = 0;
	size_t i = 0;
	bool any = false;
	while (i <= n) {
		size_t j = i;
		while (j < n && s[j] != '|' && s[j] != ',' && s[j] != ' ')
			j++;
		if (j > i) {
			size_t k = 0;
			while (k < sizeof names / sizeof *names && !name_is(s + i, j - i, names[k].name))
				k++;
			if (k == sizeof names / sizeof *names)
				return -ERR_INVALID;
			f |= names[k].flag;
			any = true;
		}
		i = j + 1;
	}
	if (!any)
		return -ERR_INVALID;
	*flags |= f;
	return 0;
}
