/* test_qr.c: qr_svg gives well-formed, script- and style-free SVG whose path reproduces libqrencode's modules. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qrencode.h>

#include "core/arena.h"
#include "html/qr.h"
#include "html/view.h"
#include "t.h"

/*
 * A tiny XML well-formedness check for what qr_svg emits: elements with
 * double-quoted attributes, self-closing or properly nested, text between
 * tags free of '<' and of '&' not starting an entity. Returns the number of
 * elements, or -1.
 */
static int
xml_check(const char *s)
{
	const char *stack[16];
	size_t lens[16], depth = 0;
	int elements = 0;
	while (*s) {
		if (*s != '<') {
			if (*s == '&' && strncmp(s, "&amp;", 5) != 0 && strncmp(s, "&lt;", 4) != 0 &&
			    strncmp(s, "&gt;", 4) != 0 && strncmp(s, "&quot;", 6) != 0 && strncmp(s, "&#39;", 5) != 0)
				return -1;
			if (depth == 0 && !isspace((unsigned char)*s))
				return -1;
			s++;
			continue;
		}
		s++;
		bool closing = *s == '/';
		if (closing)
			s++;
		const char *name = s;
		while (isalnum((unsigned char)*s))
			s++;
		size_t nlen = (size_t)(s - name);
		if (nlen == 0)
			return -1;
		if (closing) {
			if (*s != '>' || depth == 0 || lens[depth - 1] != nlen || strncmp(stack[depth - 1], name, nlen) != 0)
				return -1;
			depth--;
			s++;
			continue;
		}
		elements++;
		for (;;) {
			while (*s == ' ')
				s++;
			if (*s == '>' || (s[0] == '/' && s[1] == '>'))
				break;
			const char *an = s;
			while (isalnum((unsigned char)*s) || *s == '-' || *s == ':')
				s++;
			if (s == an || s[0] != '=' || s[1] != '"')
				return -1;
			s += 2;
			while (*s && *s != '"') {
				if (*s == '<')
					return -1;
				if (*s == '&' && strncmp(s, "&amp;", 5) != 0 && strncmp(s, "&lt;", 4) != 0 &&
				    strncmp(s, "&gt;", 4) != 0 && strncmp(s, "&quot;", 6) != 0 && strncmp(s, "&#39;", 5) != 0)
					return -1;
				s++;
			}
			if (*s != '"')
				return -1;
			s++;
			if (*s != ' ' && *s != '>' && *s != '/')
				return -1;
		}
		if (*s == '/') {
			s += 2;
		} else {
			if (depth == 16)
				return -1;
			stack[depth] = name;
			lens[depth++] = nlen;
			s++;
		}
	}
	return depth == 0 ? elements : -1;
}

/* Paint the path's "M x y h n v 1 h -n z" runs into grid (size x size);
 * false on any other syntax. */
static bool
paint(const char *d, unsigned char *grid, int size)
{
	while (*d) {
		int x, y, n, m, used = 0;
		if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 || used == 0 || n != m || n <= 0)
			return false;
		if (x < 0 || y < 0 || x + n > size || y >= size)
			return false;
		for (int i = 0; i < n; i++)
			grid[y * size + x + i]++;
		d += used;
	}
	return true;
}

static void
check_text(struct arena *a, const char *text, const char *label)
{
	struct view *v = qr_svg(a, text, label);
	T_OK(v != NULL, "qr_svg(%s) not NULL", text);
	if (v == NULL)
		return;
	T_INTEQ(view_type(v), VIEW_SAFE);
	size_t n;
	const char *svg = view_text(a, v, &n);
	T_INTEQ(strlen(svg), n);
	T_OK(xml_check(svg) == 3, "well-formed svg/rect/path: %.80s", svg);
	T_OK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0, "svg root");
	T_OK(strcasestr(svg, "script") == NULL, "no script");
	T_OK(strcasestr(svg, "style=") == NULL && strcasestr(svg, "<style") == NULL, "no inline style");
	T_OK(strcasestr(svg, " on") == NULL, "no event handler attribute");
	T_OK(strstr(svg, "role=\"img\"") != NULL, "role=img");
	/* exactly one path */
	const char *p = strstr(svg, "<path ");
	T_OK(p != NULL && strstr(p + 1, "<path") == NULL, "one path");

	/* module count and modules equal libqrencode's own encoding */
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	T_OK(q != NULL, "reference encoding");
	if (q == NULL)
		return;
	int size = q->width + 2 * QR_QUIET, vb = -1, vb2 = -1;
	const char *vbp = strstr(svg, "viewBox=\"0 0 ");
	T_OK(vbp != NULL && sscanf(vbp, "viewBox=\"0 0 %d %d\"", &vb, &vb2) == 2, "viewBox");
	T_INTEQ(vb, size);
	T_INTEQ(vb2, size);
	const char *d = p ? strstr(p, " d=\"") : NULL;
	T_OK(d != NULL, "path d");
	if (d != NULL) {
		d += 4;
		const char *end = strchr(d, '"');
		char *dd = arena_strndup(a, d, end ? (size_t)(end - d) : 0);
		unsigned char *grid = arena_calloc(a, (size_t)size * (size_t)size, 1);
		T_OK(paint(dd, grid, size), "path syntax");
		int bad = 0, dark = 0;
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				bool in = x >= QR_QUIET && y >= QR_QUIET && x < size - QR_QUIET && y < size - QR_QUIET;
				int want = in ? (q->data[(y - QR_QUIET) * q->width + (x - QR_QUIET)] & 1) : 0;
				bad += grid[y * size + x] != want;
				dark += want;
			}
		}
		T_INTEQ(bad, 0);
		T_OK(dark > 0, "some dark modules");
	}
	QRcode_free(q);
}

int
main(void)
{
	struct arena *a = arena_new(0);
	check_text(a, "otpauth://totp/EC%20Connector:alice%40example.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
		      "&issuer=EC%20Connector&algorithm=SHA1&digits=6&period=30",
		   "QR code for the authenticator app");
	check_text(a, "x", "");
	check_text(a, "日本語テキスト", "ラベル");

	/* the label is escaped */
	struct view *v = qr_svg(a, "hello", "a\"><script>alert(1)</script>&'");
	size_t n;
	const char *svg = view_text(a, v, &n);
	T_OK(strstr(svg, "aria-label=\"a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;\"") != NULL,
	     "label escaped: %.200s", svg);
	T_OK(strstr(svg, "<script") == NULL, "no script element");
	T_OK(xml_check(svg) == 3, "still well-formed");
	/* NULL label is an empty one */
	svg = view_text(a, qr_svg(a, "hello", NULL), &n);
	T_OK(strstr(svg, "aria-label=\"\"") != NULL, "NULL label");

	/* bad input is NULL, not a crash */
	T_OK(qr_svg(a, NULL, "x") == NULL, "NULL text");
	char *big = arena_alloc(a, 5001);
	memset(big, 'a', 5000);
	big[5000] = '\0';
	T_OK(qr_svg(a, big, "x") == NULL, "text too long for a QR code");
	arena_free(a);
	return t_done("test_qr");
}
