/* cookie.c: the Cookie request header (RFC 6265 §5.4, read leniently) and cookie syntax checks. */
#include "cookie.h"

#include <string.h>

#include "core/err.h"
#include "http/lex.h"

static bool is_cookie_octet(unsigned char c);


/* RFC 2616 token character: CHAR except CTLs and separators. */

/* RFC 6265 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E. */
static bool
is_cookie_octet(unsigned char c)
{
	return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' &&
	    c != '\\';
}

int
cookie_parse(struct arena *a, const char *header, size_t n, size_t max,
	     struct cookies *out)
{
	memset(out, 0, sizeof *out);
	if (max == 0)
		max = COOKIE_MAX;
	if (n == 0)
		return 0;
	char *h = arena_memdup(a, header, n);
	size_t pieces = 1;
	for (const char *p = h; (p = memchr(p, ';', n - (size_t)(p - h))) != NULL; p++)
		pieces++;
	size_t cap = pieces < max ? pieces : max;
	out->items = arena_calloc(a, cap, sizeof *out->items);

	size_t i = 0;
	while (i < n) {
		char *ps = h + i;
		char *semi = memchr(ps, ';', n - i);
		char *pe = semi != NULL ? semi : h + n;
		i = (size_t)(pe - h) + 1;
		while (ps < pe && lex_is_ws((unsigned char)*ps))
			ps++;
		while (pe > ps && lex_is_ws((unsigned char)pe[-1]))
			pe--;
		char *eq = memchr(ps, '=', (size_t)(pe - ps));
		if (eq == NULL)
			continue;
		char *ne = eq;
		while (ne > ps && lex_is_ws((unsigned char)ne[-1]))
			ne--;
		if (ne == ps)
			continue;
		bool ok = true;
		for (char *p = ps; p < ne && ok; p++)
			ok = lex_is_tchar((unsigned char)*p);
		char *vs = eq + 1;
		while (vs < pe && lex_is_ws((unsigned char)*vs))
			vs++;
		char *ve = pe;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		for (char *p = vs; p < ve && ok; p++) {
			unsigned char c = (unsigned char)*p;
			ok = !((c < 0x20 && c != '\t') || c == 0x7F);
		}
		if (!ok)
			continue;
		if (out->count == max)
			return -ERR_TOO_LARGE;
		*ne = '\0';
		*ve = '\0';
		struct cookie_pair *c = &out->items[out->count++];
		c->name = ps;
		c->value = vs;
		c->value_len = (size_t)(ve - vs);
	}
	return 0;
}

int
cookie_get(const struct cookies *c, const char *name, const char **val)
{
	for (size_t i = 0; i < c->count; i++) {
		if (strcmp(c->items[i].name, name) == 0) {
			*val = c->items[i].value;
			return 0;
		}
	}
	return -ERR_NOT_FOUND;
}

bool
cookie_name_ok(const char *name)
{
	if (name == NULL || *name == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!lex_is_tchar(*p))
			return false;
	return true;
}

bool
cookie_value_ok(const char *value)
{
	if (value == NULL)
		return false;
	size_t n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		value++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_cookie_octet((unsigned char)value[i]))
			return false;
	return true;
}
