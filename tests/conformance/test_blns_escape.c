/* test_blns_escape.c: every Big List of Naughty Strings entry through each escaper and through {{x}}. */
#include <json.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/html.h"
#include "html/tmpl.h"
#include "html/view.h"
#include "t.h"

/* html_clean: no raw < > " ' and every & starts an entity html_escape makes. */
static bool
html_clean(const char *s, size_t n)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'')
			return false;
		if (s[i] == '&') {
			bool ok = false;
			for (size_t k = 0; k < 5 && !ok; k++)
				ok = strncmp(s + i, ents[k], strlen(ents[k])) == 0;
			if (!ok)
				return false;
		}
	}
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* url_ok: only unreserved bytes and %XX, decoding back to s[0..n). */
static bool
url_ok(struct arena *a, const char *u, size_t un, const char *s, size_t n)
{
	struct buf d;
	buf_init(&d, a, n + 1);
	for (size_t i = 0; i < un; i++) {
		char c = u[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(&d, c);
			continue;
		}
		if (c != '%' || i + 2 >= un || hexval(u[i + 1]) < 0 || hexval(u[i + 2]) < 0)
			return false;
		buf_putc(&d, (char)(hexval(u[i + 1]) * 16 + hexval(u[i + 2])));
		i += 2;
	}
	return d.len == n && memcmp(d.data, s, n) == 0;
}

/* json_ok: a quoted literal whose inside has no < > " ' & or control
 * bytes, and (for valid UTF-8 input) that parses back to s. */
static bool
json_ok(const char *j, size_t jn, const char *s, size_t n, bool check_back)
{
	if (jn < 2 || j[0] != '"' || j[jn - 1] != '"')
		return false;
	for (size_t i = 1; i + 1 < jn; i++) {
		unsigned char c = (unsigned char)j[i];
		if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '\'' || c == '&')
			return false;
	}
	if (!check_back)
		return true;
	struct json_object *o = json_tokener_parse(j);
	bool ok = o != NULL && json_object_get_type(o) == json_type_string &&
	    (size_t)json_object_get_string_len(o) == n && memcmp(json_object_get_string(o), s, n) == 0;
	json_object_put(o);
	return ok;
}

static void
check_one(struct tmpl_set *set, const char *s, size_t n, bool valid_utf8, size_t idx)
{
	struct arena *a = arena_new(0);
	struct buf h, u, j, o, e;
	buf_init(&h, a, 16);
	buf_init(&u, a, 16);
	buf_init(&j, a, 16);
	buf_init(&o, a, 16);
	buf_init(&e, a, 16);

	html_escape(&h, s, n);
	T_OK(html_clean(h.data, h.len), "html_escape of string %zu leaves raw markup: %s", idx, h.data);
	html_url_arg(&u, s, n);
	T_OK(url_ok(a, u.data, u.len, s, n), "html_url_arg of string %zu: %s", idx, u.data);
	html_json_string(&j, s, n);
	T_OK(json_ok(j.data, j.len, s, n, valid_utf8), "html_json_string of string %zu: %s", idx, j.data);

	struct view *v = view_obj(a);
	view_set(a, v, "x", view_strn(a, s, n));
	int rc = tmpl_render(set, "plain", v, a, &o, &e);
	T_OK(rc == 0 && o.len == h.len && memcmp(o.data, h.data, h.len) == 0,
	    "{{x}} of string %zu differs from html_escape (rc %d %s)", idx, rc, e.data);
	buf_clear(&o);
	rc = tmpl_render(set, "raw", v, a, &o, &e);
	T_OK(rc == 0 && html_clean(o.data, o.len), "{{{x}}} of plain string %zu is not escaped: %s", idx,
	    o.data);
	buf_clear(&o);
	rc = tmpl_render(set, "attr", v, a, &o, &e);
	struct buf want;
	buf_init(&want, a, 2 * h.len + 32);
	buf_puts(&want, "<a title=\"");
	buf_append(&want, h.data, h.len);
	buf_puts(&want, "\">");
	buf_append(&want, h.data, h.len);
	buf_puts(&want, "</a>");
	T_OK(rc == 0 && o.len == want.len && memcmp(o.data, want.data, o.len) == 0,
	    "attribute of string %zu: %s", idx, o.data);

	/* as a link: href only when allowed, everything escaped */
	struct view *l = html_safe_link(a, n == strlen(s) ? s : "", s);
	size_t ln;
	const char *lt = view_text(a, l, &ln);
	const char *gt = strstr(lt, "\">");
	bool ok = strncmp(lt, "<a href=\"", 9) == 0 && gt != NULL &&
	    html_clean(lt + 9, (size_t)(gt - lt) - 9) && ln >= 4 && strcmp(lt + ln - 4, "</a>") == 0 &&
	    html_clean(gt + 2, (size_t)(lt + ln - 4 - (gt + 2)));
	if (ok && strncmp(lt, "<a href=\"#\">", 12) != 0)
		ok = html_href_ok(s);
	T_OK(ok, "html_safe_link of string %zu: %s", idx, lt);

	/* the string as template source: compiles or fails cleanly */
	struct tmpl_set *ts = tmpl_set_new(a, 0);
	tmpl_set_limits(ts, 10000, 100000);
	buf_clear(&e);
	if (tmpl_set_add(ts, "naughty", s, n, &e) == 0) {
		buf_clear(&o);
		rc = tmpl_render(ts, "naughty", v, a, &o, &e);
		T_OK(rc == 0 || e.len > 0, "render of template %zu failed without a message", idx);
	} else {
		T_OK(strncmp(e.data, "naughty:", 8) == 0, "compile error of %zu has no name: %s", idx, e.data);
	}
	arena_free(a);
}

int
main(void)
{
	struct arena *app = arena_new(0);
	struct tmpl_set *set = tmpl_set_new(app, 0);
	T_INTEQ(tmpl_set_add(set, "plain", "{{x}}", 5, NULL), 0);
	T_INTEQ(tmpl_set_add(set, "raw", "{{{x}}}", 7, NULL), 0);
	const char *attr = "<a title=\"{{x}}\">{{x}}</a>";
	T_INTEQ(tmpl_set_add(set, "attr", attr, strlen(attr), NULL), 0);
	T_INTEQ(tmpl_set_link(set, NULL), 0);

	struct json_object *root = json_object_from_file(t_shared("conformance/blns/blns.json"));
	T_OK(root != NULL && json_object_get_type(root) == json_type_array, "cannot read blns.json");
	size_t n = root != NULL ? json_object_array_length(root) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(root, i);
		check_one(set, json_object_get_string(s), (size_t)json_object_get_string_len(s), true, i);
	}
	json_object_put(root);

	/* byte strings JSON cannot carry: invalid UTF-8, NUL, lone surrogates */
	static const struct {
		const char *s;
		size_t n;
	} raw[] = {
		{ "\xff\xfe<script>", 10 }, { "a\0<b>", 5 }, { "\xed\xa0\x80\"'", 5 }, { "\xc0\xbc", 2 },
		{ "\xe2\x80", 2 }, { "\xf4\x90\x80\x80&", 5 }, { "{{#a}}\xff{{/a}}", 13 }, { "\x80", 1 },
	};
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
		check_one(set, raw[i].s, raw[i].n, false, n + i);
	printf("blns: %zu strings and %zu byte strings through html_escape, html_url_arg, "
	    "html_json_string, html_safe_link and {{x}}\n", n, sizeof raw / sizeof *raw);
	arena_free(app);
	return t_done("conformance-blns-escape");
}
