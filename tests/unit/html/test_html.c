/* test_html.c: HTML, URL-argument and script-JSON escapers, href check and safe-HTML builders. */
#include <json.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/html.h"
#include "html/view.h"
#include "t.h"

static struct arena *A;

static const char *
esc(void (*fn)(struct buf *, const char *, size_t), const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, A, 8);
	fn(&b, s, n);
	return buf_cstr(&b);
}

#define ESC(fn, lit) esc(fn, lit, sizeof lit - 1)

static void
test_escape(void)
{
	T_STREQ(ESC(html_escape, ""), "");
	T_STREQ(ESC(html_escape, "plain text 日本語"), "plain text 日本語");
	T_STREQ(ESC(html_escape, "<a href=\"x\" title='y'>T&C</a>"),
	    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;T&amp;C&lt;/a&gt;");
	T_STREQ(ESC(html_escape, "&amp;"), "&amp;amp;");
	struct buf b;
	buf_init(&b, A, 8);
	html_escape(&b, "a\0<", 3);
	T_INTEQ(b.len, 6);
	T_OK(memcmp(b.data, "a\0&lt;", 6) == 0, "NUL passes through");
	buf_puts(&b, "+");
	html_escape(&b, "\xff\xfe<", 3);
	T_OK(memcmp(b.data + 7, "\xff\xfe&lt;", 6) == 0, "invalid UTF-8 passes through, still escaped");
}

static void
test_url_arg(void)
{
	T_STREQ(ESC(html_url_arg, "AZaz09-._~"), "AZaz09-._~");
	T_STREQ(ESC(html_url_arg, "a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
	T_STREQ(ESC(html_url_arg, "é\"'<>"), "%C3%A9%22%27%3C%3E");
	T_STREQ(esc(html_url_arg, "\0\xff", 2), "%00%FF");
}

/* json_back: parse a JSON string literal back with json-c. */
static int
json_back(const char *lit, const char *want, size_t wn)
{
	struct json_object *j = json_tokener_parse(lit);
	int ok = j != NULL && json_object_get_type(j) == json_type_string &&
	    (size_t)json_object_get_string_len(j) == wn &&
	    memcmp(json_object_get_string(j), want, wn) == 0;
	json_object_put(j);
	return ok;
}

static void
test_json(void)
{
	T_STREQ(ESC(html_json_string, ""), "\"\"");
	T_STREQ(ESC(html_json_string, "abc 日本"), "\"abc 日本\"");
	T_STREQ(ESC(html_json_string, "</script><!--\"'&\\"),
	    "\"\\u003C/script\\u003E\\u003C!--\\u0022\\u0027\\u0026\\\\\"");
	T_STREQ(ESC(html_json_string, "\n\t\x01\x1f\x7f"), "\"\\u000A\\u0009\\u0001\\u001F\\u007F\"");
	T_STREQ(ESC(html_json_string, "a\xe2\x80\xa8" "b\xe2\x80\xa9"), "\"a\\u2028b\\u2029\"");
	T_STREQ(esc(html_json_string, "\0", 1), "\"\\u0000\"");
	/* 4-byte sequences stay as they are */
	T_STREQ(ESC(html_json_string, "\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	/* ill-formed UTF-8: one U+FFFD per maximal subpart */
	T_STREQ(ESC(html_json_string, "a\x80" "b"), "\"a\\uFFFDb\"");
	T_STREQ(ESC(html_json_string, "\xc0\xaf"), "\"\\uFFFD\\uFFFD\"");          /* overlong */
	T_STREQ(ESC(html_json_string, "\xed\xa0\x80"), "\"\\uFFFD\\uFFFD\\uFFFD\""); /* surrogate */
	T_STREQ(ESC(html_json_string, "\xe3\x81"), "\"\\uFFFD\"");                 /* truncated */
	T_STREQ(ESC(html_json_string, "\xe3\x81<"), "\"\\uFFFD\\u003C\"");
	T_STREQ(ESC(html_json_string, "\xf4\x90\x80\x80"), "\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\"");
	T_STREQ(ESC(html_json_string, "\xf5x\xff"), "\"\\uFFFDx\\uFFFD\"");

	const char *samples[] = { "plain", "<b>\"x\" & 'y'</b>", "line\r\nbreak\ttab", "日本語テキスト",
		"\xe2\x80\xa8\xe2\x80\xa9", "back\\slash /slash", "\xf0\x9f\x8d\xa3 sushi" };
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		const char *lit = esc(html_json_string, samples[i], strlen(samples[i]));
		T_OK(json_back(lit, samples[i], strlen(samples[i])), "round trip of %s: %s", samples[i], lit);
	}
	T_OK(json_back(ESC(html_json_string, "a\xff"), "a\xef\xbf\xbd", 4), "invalid byte reads back as U+FFFD");
}

static void
test_links(void)
{
	const char *ok[] = { "/", "/orders?id=1&x=2", "/a/b#frag", "http://example.com", "https://example.jp/x",
		"HTTPS://EXAMPLE.COM/", "/%2F%2Fhost" };
	const char *bad[] = { NULL, "", "//evil.example", "/\\evil.example", "javascript:alert(1)",
		"JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "orders", "./x", "../x", "http://",
		"https://", "http:///x", "https:\\\\x", "/\t/evil", "/x y", "/\n/evil", " /x", "ftp://x",
		"mailto:a@b", "#top", "?q=1" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		T_OK(html_href_ok(ok[i]), "href should be accepted: %s", ok[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		T_OK(!html_href_ok(bad[i]), "href should be refused: %s", bad[i] ? bad[i] : "(null)");

	struct view *v = html_safe_link(A, "/orders?id=1&x=\"2\"", "Orders <all> & 'more'");
	T_INTEQ(view_type(v), VIEW_SAFE);
	T_STREQ(view_text(A, v, NULL),
	    "<a href=\"/orders?id=1&amp;x=&quot;2&quot;\">Orders &lt;all&gt; &amp; &#39;more&#39;</a>");
	T_STREQ(view_text(A, html_safe_link(A, "javascript:alert(1)", "x"), NULL), "<a href=\"#\">x</a>");
	T_STREQ(view_text(A, html_safe_link(A, NULL, NULL), NULL), "<a href=\"#\"></a>");

	v = html_safe_text(A, "a<b", 3);
	T_INTEQ(view_type(v), VIEW_SAFE);
	T_STREQ(view_text(A, v, NULL), "a&lt;b");
	struct view *parts[] = { html_safe_link(A, "/a", "A"), view_str(A, "<x>"), v };
	T_STREQ(view_text(A, html_safe_join(A, parts, 3, " & "), NULL),
	    "<a href=\"/a\">A</a> &amp; &lt;x&gt; &amp; a&lt;b");
	T_INTEQ(view_type(html_safe_join(A, NULL, 0, NULL)), VIEW_SAFE);
}

int
main(void)
{
	A = arena_new(0);
	test_escape();
	test_url_arg();
	test_json();
	test_links();
	arena_free(A);
	return t_done("unit-html");
}
