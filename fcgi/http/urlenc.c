/* urlenc.c: application/x-www-form-urlencoded parsing and serializing (WHATWG URL §5). */
#include "urlenc.h"

#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "http/lex.h"

static const char *decode(struct arena *a, const char *s, size_t n, size_t *outlen);


/*
 * decode: '+' → space and percent-decoding into a fresh arena string, then
 * UTF-8 repair when (rarely) needed. The decoded form is never longer than
 * the input, so one allocation of n + 1 bytes does in the common case.
 */
static const char *
decode(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	size_t k = 0;
	unsigned char high = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < n) {
			int h = lex_hexval((unsigned char)s[i + 1]);
			int l = lex_hexval((unsigned char)s[i + 2]);
			if (h >= 0 && l >= 0) {
				c = (unsigned char)(h << 4 | l);
				i += 2;
			}
		}
		high |= c;
		d[k++] = (char)c;
	}
	d[k] = '\0';
	if ((high & 0x80) && !utf8_valid(d, k)) {
		struct buf b;
		buf_init(&b, a, k + 16);
		utf8_sanitize(&b, d, k);
		*outlen = b.len;
		return b.data;
	}
	*outlen = k;
	return d;
}

int
urlenc_parse(struct arena *a, const char *s, size_t n, struct form *out)
{
	form_init(out, a, URLENC_MAX_PAIRS);
	size_t i = 0;
	while (i < n) {
		const char *seg = s + i;
		const char *amp = memchr(seg, '&', n - i);
		size_t seglen = amp != NULL ? (size_t)(amp - seg) : n - i;
		i += seglen + 1;
		if (seglen == 0)
			continue;
		const char *eq = memchr(seg, '=', seglen);
		size_t nlen = eq != NULL ? (size_t)(eq - seg) : seglen;
		size_t vlen = eq != NULL ? seglen - nlen - 1 : 0;
		if (out->count >= out->max)
			return -ERR_TOO_LARGE;
		size_t dn, dv = 0;
		const char *name = decode(a, seg, nlen, &dn);
		const char *value = "";
		if (eq != NULL)
			value = decode(a, eq + 1, vlen, &dv);
		int rc = form_add(out, name, dn, value, dv);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
urlenc_encode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || c == '*' || c == '-' || c == '.' ||
		    c == '_')
			continue;
		buf_append(out, s + start, i - start);
		if (c == ' ') {
			buf_putc(out, '+');
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_append(out, esc, 3);
		}
		start = i + 1;
	}
	buf_append(out, s + start, n - start);
}
