/* test_tmpl.c: template engine: escaping modes, strictness, errors with name:line, limits, directory loading. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "html/html.h"
#include "html/tmpl.h"
#include "html/view.h"
#include "t.h"

static struct arena *A;

/* render1: compile src as "t" in a new set with flags and render it. */
static int
render1(int flags, const char *src, const struct view *v, const char **out, const char **err)
{
	struct buf o, e;
	buf_init(&o, A, 64);
	buf_init(&e, A, 64);
	struct tmpl_set *s = tmpl_set_new(A, flags);
	int rc = tmpl_set_add(s, "t", src, strlen(src), &e);
	if (rc == 0)
		rc = tmpl_set_link(s, &e);
	if (rc == 0)
		rc = tmpl_render(s, "t", v, A, &o, &e);
	*out = buf_cstr(&o);
	*err = buf_cstr(&e);
	return rc;
}

static const char *
r(int flags, const char *src, const struct view *v)
{
	const char *out, *err;
	int rc = render1(flags, src, v, &out, &err);
	if (rc != 0)
		fprintf(stderr, "render of %s failed: %d %s\n", src, rc, err);
	return rc == 0 ? out : "(error)";
}

static void
test_escaping(void)
{
	struct view *v = view_obj(A);
	view_set_str(A, v, "x", "<b class='c'>\"T&C\"</b>");
	view_set(A, v, "link", html_safe_link(A, "/orders?id=1&x=2", "Orders <all>"));
	view_set_int(A, v, "n", -42);
	view_set_bool(A, v, "yes", true);
	const char *esc = "&lt;b class=&#39;c&#39;&gt;&quot;T&amp;C&quot;&lt;/b&gt;";

	T_STREQ(r(0, "{{x}}", v), esc);
	/* application mode: raw tags escape anything that is not VIEW_SAFE */
	T_STREQ(r(0, "{{{x}}}", v), esc);
	T_STREQ(r(0, "{{& x }}", v), esc);
	/* SAFE values are verbatim in raw tags, escaped in plain ones */
	T_STREQ(r(0, "{{{link}}}", v), "<a href=\"/orders?id=1&amp;x=2\">Orders &lt;all&gt;</a>");
	T_STREQ(r(0, "{{link}}", v),
	    "&lt;a href=&quot;/orders?id=1&amp;amp;x=2&quot;&gt;Orders &amp;lt;all&amp;gt;&lt;/a&gt;");
	/* spec mode: raw means raw */
	T_STREQ(r(TMPL_SPEC_MODE, "{{{x}}}", v), "<b class='c'>\"T&C\"</b>");
	T_STREQ(r(TMPL_SPEC_MODE, "{{x}}", v), esc);
	T_STREQ(r(0, "{{n}} {{yes}} {{missing}}|", v), "-42 true |");

	const char *out, *err;
	T_INTEQ(render1(TMPL_STRICT_RAW, "a\n{{{x}}}", v, &out, &err), -ERR_INVALID);
	T_STREQ(err, "t:2: raw tag on a value that is not safe HTML: \"x\"");
	T_STREQ(out, "");
	T_INTEQ(render1(TMPL_STRICT_RAW, "{{{link}}}", v, &out, &err), 0);
}

static void
test_sections(void)
{
	struct view *v = view_obj(A);
	struct view *items = view_list(A);
	for (int i = 1; i <= 3; i++) {
		struct view *it = view_obj(A);
		view_set_int(A, it, "id", i);
		view_set_str(A, it, "name", i == 2 ? "<two>" : "x");
		view_push(A, items, it);
	}
	view_set(A, v, "items", items);
	view_set(A, v, "empty", view_list(A));
	view_set_str(A, v, "shop", "S&Co");
	view_set_int(A, v, "zero", 0);
	view_set_str(A, v, "blank", "");
	struct view *nums = view_list(A);
	view_push(A, nums, view_int(A, 7));
	view_push(A, nums, view_int(A, 8));
	view_set(A, v, "nums", nums);
	struct view *user = view_obj(A);
	struct view *addr = view_obj(A);
	view_set_str(A, addr, "city", "Tokyo");
	view_set(A, user, "addr", addr);
	view_set(A, v, "user", user);

	T_STREQ(r(0, "{{#items}}{{id}}:{{name}}@{{shop}};{{/items}}", v),
	    "1:x@S&amp;Co;2:&lt;two&gt;@S&amp;Co;3:x@S&amp;Co;");
	T_STREQ(r(0, "{{#empty}}no{{/empty}}{{^empty}}none{{/empty}}", v), "none");
	T_STREQ(r(0, "{{#nums}}[{{.}}]{{/nums}}", v), "[7][8]");
	T_STREQ(r(0, "{{#zero}}zero is true{{/zero}}{{#blank}}x{{/blank}}{{^blank}}blank is false{{/blank}}",
	    v), "zero is trueblank is false");
	T_STREQ(r(0, "{{user.addr.city}} {{#user.addr}}{{city}}{{/user.addr}} {{user.nope.city}}|", v),
	    "Tokyo Tokyo |");
	/* standalone lines vanish; inline ones keep their blanks */
	T_STREQ(r(0, "<ul>\n  {{#items}}\n  <li>{{id}}</li>\n  {{/items}}\n</ul>\n", v),
	    "<ul>\n  <li>1</li>\n  <li>2</li>\n  <li>3</li>\n</ul>\n");
	/* NULL context: everything is undefined */
	T_STREQ(r(0, "[{{a}}{{#a}}x{{/a}}{{^a}}y{{/a}}{{.}}]", NULL), "[y]");
}

static void
test_strict_names(void)
{
	struct view *v = view_obj(A);
	view_set(A, v, "user", view_obj(A));
	const char *out, *err;
	T_INTEQ(render1(TMPL_STRICT_NAMES, "hello\n{{user.name}}", v, &out, &err), -ERR_INVALID);
	T_STREQ(err, "t:2: undefined name \"user.name\"");
	/* sections treat an absent name as false even in strict mode */
	T_INTEQ(render1(TMPL_STRICT_NAMES, "{{#nope}}x{{/nope}}{{^nope}}y{{/nope}}", v, &out, &err), 0);
	T_STREQ(out, "y");
}

/* expect_compile_error: src must fail with rc and exactly msg. */
static void
expect_compile_error(const char *src, int rc, const char *msg)
{
	struct buf e;
	buf_init(&e, A, 64);
	struct tmpl_set *s = tmpl_set_new(A, 0);
	int got = tmpl_set_add(s, "home", src, strlen(src), &e);
	T_OK(got == rc, "compile %s: rc %d, want %d", src, got, rc);
	T_STREQ(buf_cstr(&e), msg);
	T_OK(!tmpl_exists(s, "home"), "failed template is not in the set");
}

static void
test_compile_errors(void)
{
	expect_compile_error("a\nb\n{{#items}}\n<li>\n", -ERR_INVALID, "home:3: unclosed section \"items\"");
	expect_compile_error("{{^x}}{{#y}}", -ERR_INVALID, "home:1: unclosed section \"y\"");
	expect_compile_error("{{^x}}", -ERR_INVALID, "home:1: unclosed inverted section \"x\"");
	expect_compile_error("{{#a}}\n{{/b}}", -ERR_INVALID,
	    "home:2: closing tag \"b\" does not match section \"a\" opened at line 1");
	expect_compile_error("x\n\n{{/a}}", -ERR_INVALID, "home:3: closing tag without an open section: \"a\"");
	expect_compile_error("ok {{name", -ERR_INVALID, "home:1: unclosed tag \"{{\"");
	expect_compile_error("{{}}", -ERR_INVALID, "home:1: empty tag");
	expect_compile_error("{{#}}{{/}}", -ERR_INVALID, "home:1: empty tag");
	expect_compile_error("{{a..b}}", -ERR_INVALID, "home:1: invalid name \"a..b\"");
	expect_compile_error("{{.a}}", -ERR_INVALID, "home:1: invalid name \".a\"");
	expect_compile_error("{{a b}}", -ERR_INVALID, "home:1: invalid name \"a b\"");
	expect_compile_error("{{=<% %> x=}}", -ERR_INVALID, "home:1: invalid delimiters \"<% %> x\"");
	expect_compile_error("{{= =}}", -ERR_INVALID, "home:1: invalid delimiters \" \"");
	expect_compile_error("{{=<%\n%>=}}\n<%a%>\n<%b", -ERR_INVALID, "home:4: unclosed tag \"<%\"");
	expect_compile_error("{{<layout}}{{$x}}{{/layout}}", -ERR_INVALID,
	    "home:1: closing tag \"layout\" does not match block \"x\" opened at line 1");

	char deep[2200];
	size_t n = 0;
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(deep + n, sizeof deep - n, "{{#a}}");
	expect_compile_error(deep, -ERR_INVALID, "home:1: sections nested deeper than 100 at \"a\"");

	struct buf e;
	buf_init(&e, A, 64);
	struct tmpl_set *s = tmpl_set_new(A, 0);
	T_INTEQ(tmpl_set_add(s, "home", "x", 1, &e), 0);
	T_INTEQ(tmpl_set_add(s, "home", "y", 1, &e), -ERR_CONFLICT);
	T_STREQ(buf_cstr(&e), "home: duplicate template name");
	T_INTEQ(tmpl_set_add(s, "", "y", 1, NULL), -ERR_INVALID);
	/* bytes that are not text are fine */
	T_INTEQ(tmpl_set_add(s, "bin", "a\0b{{x}}\xff", 9, NULL), 0);
}

static void
test_partials_and_link(void)
{
	struct buf e, o;
	buf_init(&e, A, 64);
	buf_init(&o, A, 64);
	struct tmpl_set *s = tmpl_set_new(A, TMPL_STRICT_PARTIALS);
	const char *layout = "<body>\n{{> partials/nav}}\n  {{>missing}}\n{{<nope}}{{/nope}}\n</body>\n";
	T_INTEQ(tmpl_set_add(s, "layout", layout, strlen(layout), &e), 0);
	T_INTEQ(tmpl_set_link(s, &e), -ERR_INVALID);
	T_STREQ(buf_cstr(&e), "layout:2: missing partial \"partials/nav\"\n"
	    "layout:3: missing partial \"missing\"\nlayout:4: missing parent \"nope\"");
	T_INTEQ(tmpl_render(s, "layout", NULL, A, &o, NULL), -ERR_INVALID);

	/* the same set without strictness renders missing partials empty */
	struct tmpl_set *l = tmpl_set_new(A, 0);
	T_INTEQ(tmpl_set_add(l, "layout", layout, strlen(layout), NULL), 0);
	T_INTEQ(tmpl_set_link(l, NULL), 0);
	buf_clear(&o);
	T_INTEQ(tmpl_render(l, "layout", NULL, A, &o, NULL), 0);
	T_STREQ(buf_cstr(&o), "<body>\n</body>\n");

	/* partials added after the first link are found (link again, or by name) */
	const char *nav = "<nav>\n  <a href=\"/\">{{home}}</a>\n</nav>\n";
	T_INTEQ(tmpl_set_add(l, "partials/nav", nav, strlen(nav), NULL), 0);
	struct view *v = view_obj(A);
	view_set_str(A, v, "home", "Home & away");
	buf_clear(&o);
	T_INTEQ(tmpl_render(l, "layout", v, A, &o, NULL), 0);
	T_STREQ(buf_cstr(&o), "<body>\n<nav>\n  <a href=\"/\">Home &amp; away</a>\n</nav>\n</body>\n");

	/* standalone partials are indented line by line */
	const char *ind = "<div>\n    {{>partials/nav}}\n</div>\n";
	T_INTEQ(tmpl_set_add(l, "ind", ind, strlen(ind), NULL), 0);
	T_INTEQ(tmpl_set_link(l, NULL), 0);
	buf_clear(&o);
	T_INTEQ(tmpl_render(l, "ind", v, A, &o, NULL), 0);
	T_STREQ(buf_cstr(&o),
	    "<div>\n    <nav>\n      <a href=\"/\">Home &amp; away</a>\n    </nav>\n</div>\n");

	T_OK(tmpl_exists(l, "partials/nav"), "exists");
	T_OK(!tmpl_exists(l, "partials"), "not exists");
	T_OK(!tmpl_exists(l, NULL), "NULL name");
	buf_clear(&e);
	T_INTEQ(tmpl_render(l, "nope", v, A, &o, &e), -ERR_NOT_FOUND);
	T_STREQ(buf_cstr(&e), "nope: no such template");
}

static void
test_inheritance(void)
{
	struct tmpl_set *s = tmpl_set_new(A, TMPL_STRICT_PARTIALS);
	const char *layout =
	    "<title>{{$title}}Default{{/title}} | {{app}}</title>\n"
	    "<ul>\n"
	    "{{$nav}}\n"
	    "<li>home</li>\n"
	    "{{/nav}}\n"
	    "</ul>\n"
	    "<main>\n"
	    "  {{$content}}\n"
	    "  <p>nothing</p>\n"
	    "  {{/content}}\n"
	    "</main>\n";
	const char *page =
	    "{{! page: overrides two blocks }}\n"
	    "{{<layout}}\n"
	    "{{$title}}Orders{{/title}}\n"
	    "{{$content}}\n"
	    "<h1>{{title}}</h1>\n"
	    "{{#rows}}\n"
	    "<p>{{.}}</p>\n"
	    "{{/rows}}\n"
	    "{{/content}}\n"
	    "{{/layout}}\n";
	T_INTEQ(tmpl_set_add(s, "layout", layout, strlen(layout), NULL), 0);
	T_INTEQ(tmpl_set_add(s, "page", page, strlen(page), NULL), 0);
	T_INTEQ(tmpl_set_link(s, NULL), 0);
	struct view *v = view_obj(A);
	view_set_str(A, v, "app", "EC");
	view_set_str(A, v, "title", "All <orders>");
	struct view *rows = view_list(A);
	view_push(A, rows, view_str(A, "a"));
	view_push(A, rows, view_str(A, "b"));
	view_set(A, v, "rows", rows);
	struct buf o;
	buf_init(&o, A, 64);
	T_INTEQ(tmpl_render(s, "page", v, A, &o, NULL), 0);
	T_STREQ(buf_cstr(&o),
	    "<title>Orders | EC</title>\n<ul>\n<li>home</li>\n</ul>\n<main>\n"
	    "  <h1>All &lt;orders&gt;</h1>\n  <p>a</p>\n  <p>b</p>\n</main>\n");
	buf_clear(&o);
	T_INTEQ(tmpl_render(s, "layout", v, A, &o, NULL), 0);
	T_STREQ(buf_cstr(&o),
	    "<title>Default | EC</title>\n<ul>\n<li>home</li>\n</ul>\n<main>\n  <p>nothing</p>\n</main>\n");
}

static void
test_limits(void)
{
	struct buf e, o;
	buf_init(&e, A, 64);
	buf_init(&o, A, 64);
	/* a recursive partial ends in an error, not a stack overflow */
	struct tmpl_set *s = tmpl_set_new(A, 0);
	T_INTEQ(tmpl_set_add(s, "r", "x{{>r}}", 7, NULL), 0);
	T_INTEQ(tmpl_set_link(s, NULL), 0);
	buf_puts(&o, "kept");
	T_INTEQ(tmpl_render(s, "r", NULL, A, &o, &e), -ERR_TOO_LARGE);
	T_STREQ(buf_cstr(&e), "r:1: partials nested deeper than 64 at \"r\"");
	T_STREQ(buf_cstr(&o), "kept");

	/* a recursive parent too */
	T_INTEQ(tmpl_set_add(s, "p", "{{<p}}{{/p}}", 12, NULL), 0);
	T_INTEQ(tmpl_render(s, "p", NULL, A, &o, NULL), -ERR_TOO_LARGE);

	/* exponential expansion is stopped by the step budget */
	struct tmpl_set *x = tmpl_set_new(A, 0);
	tmpl_set_limits(x, 100000, 0);
	for (int i = 0; i < 40; i++) {
		char name[16], src[64];
		snprintf(name, sizeof name, "e%d", i);
		snprintf(src, sizeof src, "{{>e%d}}{{>e%d}}", i + 1, i + 1);
		T_INTEQ(tmpl_set_add(x, name, src, strlen(src), NULL), 0);
	}
	T_INTEQ(tmpl_set_add(x, "e40", ".", 1, NULL), 0);
	T_INTEQ(tmpl_set_link(x, NULL), 0);
	buf_clear(&e);
	T_INTEQ(tmpl_render(x, "e0", NULL, A, &o, &e), -ERR_TOO_LARGE);
	T_OK(strstr(buf_cstr(&e), "render step limit reached") != NULL, "step message: %s", buf_cstr(&e));

	/* and big output by the output budget */
	struct tmpl_set *y = tmpl_set_new(A, 0);
	tmpl_set_limits(y, 0, 1000);
	T_INTEQ(tmpl_set_add(y, "big", "{{#l}}0123456789{{/l}}", 22, NULL), 0);
	struct view *v = view_obj(A), *l = view_list(A);
	for (int i = 0; i < 200; i++)
		view_push(A, l, view_bool(A, true));
	view_set(A, v, "l", l);
	buf_clear(&o);
	T_INTEQ(tmpl_render(y, "big", v, A, &o, NULL), -ERR_TOO_LARGE);
	T_INTEQ(o.len, 0);

	/* deep data nesting through a recursive partial on a deep view */
	struct tmpl_set *z = tmpl_set_new(A, 0);
	const char *tree = "<{{name}}>{{#kids}}{{>tree}}{{/kids}}</{{name}}>";
	T_INTEQ(tmpl_set_add(z, "tree", tree, strlen(tree), NULL), 0);
	T_INTEQ(tmpl_set_link(z, NULL), 0);
	struct view *root = view_obj(A), *cur = root;
	for (int i = 0; i < 10; i++) {
		view_set_str(A, cur, "name", "n");
		struct view *kids = view_list(A), *k = view_obj(A);
		view_push(A, kids, k);
		view_set(A, cur, "kids", kids);
		cur = k;
	}
	view_set_str(A, cur, "name", "leaf");
	view_set(A, cur, "kids", view_list(A)); /* else {{#kids}} finds the parent's */
	buf_clear(&o);
	T_INTEQ(tmpl_render(z, "tree", root, A, &o, NULL), 0);
	T_OK(strstr(buf_cstr(&o), "<leaf></leaf>") != NULL, "tree: %s", buf_cstr(&o));
}

static void
write_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	T_OK(f != NULL, "cannot write %s", path);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_load_dir(void)
{
	char dir[] = "/tmp/test_tmpl_XXXXXX";
	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	char sub[600];
	snprintf(sub, sizeof sub, "%s/partials", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/mail", dir);
	mkdir(sub, 0700);
	write_file(dir, "home.html", "{{<layout}}{{$body}}home{{/body}}{{/layout}}");
	write_file(dir, "layout.html", "[{{$body}}{{/body}}]{{>partials/nav}}");
	write_file(dir, "partials/nav.html", "<nav>");
	write_file(dir, "mail/welcome.txt", "Hello {{name}}");
	write_file(dir, "mail/welcome.html", "<p>Hello {{name}}</p>");
	write_file(dir, ".hidden.html", "{{#broken");
	write_file(dir, "notes.md", "{{#broken");

	struct buf e, o;
	buf_init(&e, A, 64);
	buf_init(&o, A, 64);
	struct tmpl_set *s = tmpl_set_new(A, TMPL_STRICT_PARTIALS);
	T_INTEQ(tmpl_set_load_dir(s, dir, &e), 0);
	T_INTEQ(tmpl_set_link(s, &e), 0);
	T_OK(tmpl_exists(s, "home") && tmpl_exists(s, "layout") && tmpl_exists(s, "partials/nav"),
	    "html names");
	T_OK(tmpl_exists(s, "mail/welcome.txt") && tmpl_exists(s, "mail/welcome"), "txt keeps extension");
	T_OK(!tmpl_exists(s, ".hidden") && !tmpl_exists(s, "notes"), "hidden and other files skipped");
	T_INTEQ(tmpl_render(s, "home", NULL, A, &o, &e), 0);
	T_STREQ(buf_cstr(&o), "[home]<nav>");

	/* a syntax error names the template and line */
	write_file(dir, "partials/bad.html", "ok\n{{#x}}\n");
	struct tmpl_set *b = tmpl_set_new(A, 0);
	buf_clear(&e);
	T_INTEQ(tmpl_set_load_dir(b, dir, &e), -ERR_INVALID);
	T_STREQ(buf_cstr(&e), "partials/bad:2: unclosed section \"x\"");

	struct tmpl_set *m = tmpl_set_new(A, 0);
	buf_clear(&e);
	T_INTEQ(tmpl_set_load_dir(m, "/nonexistent/templates", &e), -ERR_IO);
	T_OK(strstr(buf_cstr(&e), "/nonexistent/templates: cannot open directory") != NULL,
	    "io message: %s", buf_cstr(&e));

	const char *files[] = { "home.html", "layout.html", "partials/nav.html", "partials/bad.html",
		"mail/welcome.txt", "mail/welcome.html", ".hidden.html", "notes.md" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	snprintf(sub, sizeof sub, "%s/partials", dir);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/mail", dir);
	rmdir(sub);
	rmdir(dir);
}

/* test_speed: a page-sized render, reported (never asserted). */
static void
test_speed(void)
{
	struct tmpl_set *s = tmpl_set_new(A, TMPL_STRICT_PARTIALS);
	const char *row = "<tr><td>{{id}}</td><td>{{name}}</td><td>{{t.status}}</td></tr>\n";
	const char *page = "{{<layout}}{{$content}}<table>\n{{#rows}}\n{{>row}}\n{{/rows}}\n</table>\n"
	    "{{/content}}{{/layout}}";
	const char *layout = "<html><title>{{t.app_name}}</title><body>{{$content}}{{/content}}</body></html>";
	T_INTEQ(tmpl_set_add(s, "row", row, strlen(row), NULL), 0);
	T_INTEQ(tmpl_set_add(s, "page", page, strlen(page), NULL), 0);
	T_INTEQ(tmpl_set_add(s, "layout", layout, strlen(layout), NULL), 0);
	T_INTEQ(tmpl_set_link(s, NULL), 0);
	struct view *cat = view_obj(A);
	for (int i = 0; i < 300; i++) {
		char k[32];
		snprintf(k, sizeof k, "key_%d", i);
		view_set_str(A, cat, k, "v");
	}
	view_set_str(A, cat, "status", "shipped");
	view_set_str(A, cat, "app_name", "EC Connector");
	struct arena *req = arena_new(0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = 2000, ok = 0;
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		struct view *v = view_obj(req), *rows = view_list(req);
		view_set(req, v, "t", cat);
		for (int k = 0; k < 20; k++) {
			struct view *it = view_obj(req);
			view_set_int(req, it, "id", k);
			view_set_str(req, it, "name", "Order <x>");
			view_push(req, rows, it);
		}
		view_set(req, v, "rows", rows);
		struct buf o;
		buf_init(&o, req, 4096);
		ok += tmpl_render(s, "page", v, req, &o, NULL) == 0;
		len = o.len;
		arena_reset(req);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	arena_free(req);
	T_INTEQ(ok, n);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / n;
	printf("tmpl speed: %.1f us per render of a %zu-byte page with 20 rows (view built included)\n",
	    us, len);
}

int
main(void)
{
	A = arena_new(0);
	test_escaping();
	test_sections();
	test_strict_names();
	test_compile_errors();
	test_partials_and_link();
	test_inheritance();
	test_limits();
	test_load_dir();
	test_speed();
	arena_free(A);
	return t_done("unit-tmpl");
}
