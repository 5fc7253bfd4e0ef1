/* test_tmpl_text.c: ".txt" templates render plain text (no HTML escaping); HTML templates still escape. */
#include "t.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "html/tmpl.h"
#include "html/view.h"

static struct arena *A;

static const char *
render(struct tmpl_set *s, const char *name, const struct view *v)
{
	struct buf o, e;
	buf_init(&o, A, 64);
	buf_init(&e, A, 64);
	int rc = tmpl_render(s, name, v, A, &o, &e);
	if (rc != 0)
		return arena_printf(A, "ERROR %d %s", rc, buf_cstr(&e));
	return arena_strdup(A, buf_cstr(&o));
}

static void
add(struct tmpl_set *s, const char *name, const char *src)
{
	struct buf e;
	buf_init(&e, A, 64);
	T_INTEQ(tmpl_set_add(s, name, src, strlen(src), &e), 0);
}

int
main(void)
{
	A = arena_new(0);
	struct tmpl_set *s = tmpl_set_new(A, TMPL_STRICT_PARTIALS);
	add(s, "mail/x.ja.txt", "Hello {{name}} & {{{name}}}: {{link}}\n{{> sig.txt}}{{#items}}- {{.}}\n{{/items}}");
	add(s, "sig.txt", "-- {{team}}\n");
	add(s, "page", "<p>{{name}} {{{name}}}</p>{{> sig.txt}}");
	add(s, "mail/strict.txt", "{{n}}");
	struct buf e;
	buf_init(&e, A, 64);
	T_INTEQ(tmpl_set_link(s, &e), 0);

	struct view *v = view_obj(A);
	view_set_str(A, v, "name", "<Tom & \"Jerry\" 'x'>");
	view_set_str(A, v, "link", "https://h.example/a?b=1&c=2");
	view_set_str(A, v, "team", "A&B <ops>");
	struct view *l = view_list(A);
	view_push(A, l, view_str(A, "a<b"));
	view_push(A, l, view_int(A, 42));
	view_set(A, v, "items", l);

	T_STREQ(render(s, "mail/x.ja.txt", v),
		"Hello <Tom & \"Jerry\" 'x'> & <Tom & \"Jerry\" 'x'>: https://h.example/a?b=1&c=2\n"
		"-- A&B <ops>\n- a<b\n- 42\n");
	/* an HTML template escapes, also for a .txt partial it includes */
	T_STREQ(render(s, "page", v),
		"<p>&lt;Tom &amp; &quot;Jerry&quot; &#39;x&#39;&gt; &lt;Tom &amp; &quot;Jerry&quot; "
		"&#39;x&#39;&gt;</p>-- A&amp;B &lt;ops&gt;\n");
	/* the .txt partial rendered on its own is plain text */
	T_STREQ(render(s, "sig.txt", v), "-- A&B <ops>\n");
	/* undefined names render empty; ints as digits */
	struct view *w = view_obj(A);
	view_set_int(A, w, "n", 24);
	T_STREQ(render(s, "mail/strict.txt", w), "24");
	T_STREQ(render(s, "mail/strict.txt", NULL), "");

	/* strict raw mode does not apply to text templates */
	struct tmpl_set *r = tmpl_set_new(A, TMPL_STRICT_RAW | TMPL_STRICT_NAMES);
	add(r, "a.txt", "{{{x}}}");
	add(r, "a", "{{{x}}}");
	struct view *x = view_obj(A);
	view_set_str(A, x, "x", "<b>");
	T_STREQ(render(r, "a.txt", x), "<b>");
	T_OK(strncmp(render(r, "a", x), "ERROR", 5) == 0, "raw tag in HTML stays an error");
	T_OK(strncmp(render(r, "a.txt", NULL), "ERROR", 5) == 0, "strict names still apply");
	/* names that merely contain .txt are HTML */
	add(s, "x.txt.html", "{{name}}");
	T_STREQ(render(s, "x.txt.html", v), "&lt;Tom &amp; &quot;Jerry&quot; &#39;x&#39;&gt;");
	arena_free(A);
	return t_done("tmpl-text");
}
