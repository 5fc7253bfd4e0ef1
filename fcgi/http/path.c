/* path.c: the request path made canonical once, before routing (decode, reject tricks). */
#include "path.h"

#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "http/lex.h"

static bool dot_segment(const char *seg, size_t len);


static bool
dot_segment(const char *seg, size_t len)
{
	return (len == 1 && seg[0] == '.') ||
	    (len == 2 && seg[0] == '.' && seg[1] == '.');
}

/*
 * One pass: decode into d while checking each byte; at every '/' (and at the
 * end) the segment just finished is checked for "." / "..". Slashes only
 * come from raw '/' (encoded ones are refused), so segment boundaries are
 * the same before and after decoding. UTF-8 is checked on the whole result
 * at the end (only when a byte >= 0x80 was seen).
 */
int
path_normalize(struct arena *a, const char *raw, size_t n, char **out)
{
	if (n > PATH_MAX_BYTES)
		return -ERR_TOO_LARGE;
	if (n == 0 || raw[0] != '/')
		return -ERR_INVALID;
	char *d = arena_alloc(a, n + 1);
	size_t k = 0, seg = 0;  /* seg: index in d where the current segment starts */
	unsigned char high = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '/') {
			if (dot_segment(d + seg, k - seg))
				return -ERR_INVALID;
			if (k > 0 && d[k - 1] == '/')
				continue;  /* collapse "//" */
			d[k++] = '/';
			seg = k;
			continue;
		}
		if (c == '%') {
			int h = i + 2 < n ? lex_hexval((unsigned char)raw[i + 1]) : -1;
			int l = i + 2 < n ? lex_hexval((unsigned char)raw[i + 2]) : -1;
			if (h < 0 || l < 0)
				return -ERR_INVALID;
			c = (unsigned char)(h << 4 | l);
			i += 2;
			if (c == '/')
				return -ERR_INVALID;
		}
		if (c < 0x20 || c == 0x7F || c == '\\')
			return -ERR_INVALID;
		high |= c;
		d[k++] = (char)c;
	}
	if (dot_segment(d + seg, k - seg))
		return -ERR_INVALID;
	d[k] = '\0';
	if ((high & 0x80) && !utf8_valid(d, k))
		return -ERR_INVALID;
	*out = d;
	return 0;
}

int
path_split(struct arena *a, const char *path, char ***segs, size_t *nsegs)
{
	if (path == NULL || path[0] != '/')
		return -ERR_INVALID;
	size_t count = 0;
	for (const char *p = path; *p; p++)
		if (*p == '/')
			count++;
	char **v = arena_calloc(a, count, sizeof *v);
	const char *p = path + 1;
	for (size_t i = 0; i < count; i++) {
		const char *slash = strchr(p, '/');
		size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		v[i] = arena_strndup(a, p, len);
		p += len + 1;
	}
	*segs = v;
	*nsegs = count;
	return 0;
}
