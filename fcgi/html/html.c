/* html.c: context escapers (HTML text and attributes, URL arguments, script JSON), safe links. */
#include "html.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

static const char hex[] = "0123456789ABCDEF";

/* esc_html[c]: the entity for a byte that html_escape replaces, else NULL. */
static const char *const esc_html[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

void
html_escape(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = esc_html[(unsigned char)s[i]];
		if (e == NULL)
			continue;
		buf_append(out, s + run, i - run);
		buf_puts(out, e);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

void
html_url_arg(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c))
			continue;
		buf_append(out, s + run, i - run);
		char pct[3] = { '%', hex[c >> 4], hex[c & 15] };
		buf_append(out, pct, 3);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}


static void
put_u(struct buf *out, uint32_t cp)
{
	char u[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
		hex[cp & 15] };
	buf_append(out, u, 6);
}

void
html_json_string(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	buf_putc(out, '"');
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' &&
		    c != '&' && c != '\\') {
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t len = 0;
		bool ok = utf8_decode_one(s + i, n - i, &cp, &len) == 0;
		if (ok && len > 1 && cp != 0x2028 && cp != 0x2029) {
			i += len; /* well-formed non-ASCII: copy as is */
			continue;
		}
		buf_append(out, s + run, i - run);
		if (!ok) {
			put_u(out, 0xFFFD); /* maximal subpart replaced once */
			i += len;
		} else if (c == '\\') {
			buf_append(out, "\\\\", 2);
			i += 1;
		} else {
			put_u(out, cp);
			i += len;
		}
		run = i;
	}
	buf_append(out, s + run, n - run);
	buf_putc(out, '"');
}

bool
html_href_ok(const char *href)
{
	if (href == NULL || href[0] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)href; *p; p++)
		if (*p <= 0x20 || *p == 0x7F)
			return false;
	if (href[0] == '/')
		return href[1] != '/' && href[1] != '\\';
	const char *rest = NULL;
	if (strncasecmp(href, "https://", 8) == 0)
		rest = href + 8;
	else if (strncasecmp(href, "http://", 7) == 0)
		rest = href + 7;
	return rest != NULL && *rest != '\0' && *rest != '/' && *rest != '\\';
}

struct view *
html_safe_link(struct arena *a, const char *href, const char *text)
{
	struct buf b;
	if (!html_href_ok(href))
		href = "#";
	if (text == NULL)
		text = "";
	buf_init(&b, a, 32 + strlen(href) + strlen(text));
	buf_puts(&b, "<a href=\"");
	html_escape(&b, href, strlen(href));
	buf_puts(&b, "\">");
	html_escape(&b, text, strlen(text));
	buf_puts(&b, "</a>");
	return view_safe_html(a, b.data, b.len);
}

struct view *
html_safe_text(struct arena *a, const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, a, n + 16);
	if (s != NULL)
		html_escape(&b, s, n);
	return view_safe_html(a, b.data, b.len);
}

struct view *
html_safe_join(struct arena *a, struct view *const *parts, size_t n, const char *sep)
{
	struct buf b;
	char tmp[VIEW_SCALAR_MAX];
	buf_init(&b, a, 64);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && sep != NULL)
			html_escape(&b, sep, strlen(sep));
		size_t len;
		const char *s = view_scalar(parts[i], tmp, &len);
		if (view_type(parts[i]) == VIEW_SAFE)
			buf_append(&b, s, len);
		else
			html_escape(&b, s, len);
	}
	return view_safe_html(a, b.data, b.len);
}
