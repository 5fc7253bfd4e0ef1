/* utf8.c: strict UTF-8 validation, code point counting and WHATWG-style repair. */
#include "utf8.h"

#include <string.h>

#include "err.h"

static size_t ascii_run(const unsigned char *p, size_t n);

/*
 * The decoder follows the WHATWG Encoding Standard's UTF-8 decoder: the lead
 * byte fixes how many continuation bytes follow and narrows the range of the
 * first one (that is what excludes overlongs, surrogates and > U+10FFFF);
 * a byte outside the expected range ends the maximal subpart and is itself
 * reprocessed as a new lead byte.
 */

/* ascii_run: length of the leading run of bytes < 0x80, 8 bytes at a time. */
static size_t
ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

int
utf8_decode_one(const char *s, size_t n, uint32_t *cp, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	*cp = 0xFFFD;
	if (n == 0) {
		*len = 0;
		return -ERR_INVALID;
	}
	unsigned char b = p[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;
	uint32_t c;
	if (b < 0x80) {
		*cp = b;
		*len = 1;
		return 0;
	} else if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		c = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		c = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		c = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		*len = 1;
		return -ERR_INVALID;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*len = i;
			return -ERR_INVALID;
		}
		c = (c << 6) | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	*len = need + 1;
	return 0;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		i += ascii_run(p + i, n - i);
		if (i >= n)
			break;
		uint32_t cp;
		size_t len;
		if (utf8_decode_one(s + i, n - i, &cp, &len) != 0)
			return false;
		i += len;
	}
	return true;
}

size_t
utf8_codepoints(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0;
	while (i < n) {
		size_t run = ascii_run(p + i, n - i);
		i += run;
		count += run;
		if (i >= n)
			break;
		uint32_t cp;
		size_t len;
		(void)utf8_decode_one(s + i, n - i, &cp, &len);
		i += len;
		count++;
	}
	return count;
}

void
utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;
	while (i < n) {
		i += ascii_run(p + i, n - i);
		if (i >= n)
			break;
		uint32_t cp;
		size_t len;
		if (utf8_decode_one(s + i, n - i, &cp, &len) == 0) {
			i += len;
			continue;
		}
		buf_append(out, s + start, i - start);
		buf_append(out, UTF8_REPLACEMENT, sizeof UTF8_REPLACEMENT - 1);
		i += len;
		start = i;
	}
	buf_append(out, s + start, n - start);
}

void
utf8_encode(struct buf *out, uint32_t cp)
{
	char tmp[4];
	size_t n;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		tmp[0] = (char)(0xF0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(out, tmp, n);
}
