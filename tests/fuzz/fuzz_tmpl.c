/* fuzz_tmpl.c: compile arbitrary bytes as a template (beside fixed partials) and render it in both modes. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/html.h"
#include "html/tmpl.h"
#include "html/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct view *
fixed_view(struct arena *a)
{
	struct view *v = view_obj(a);
	view_set_str(a, v, "x", "<b a='1'>&amp;\"</b>");
	view_set_int(a, v, "n", -7);
	view_set_bool(a, v, "t", true);
	view_set_bool(a, v, "f", false);
	view_set_str(a, v, "e", "");
	view_set(a, v, "null", view_null(a));
	view_set(a, v, "safe", html_safe_link(a, "/a?b=c", "link"));
	struct view *list = view_list(a);
	for (int i = 0; i < 3; i++) {
		struct view *it = view_obj(a);
		view_set_int(a, it, "id", i);
		view_set_str(a, it, "name", i == 1 ? "two\nlines" : "n");
		view_push(a, list, it);
	}
	view_push(a, list, view_str(a, "scalar"));
	view_set(a, v, "list", list);
	view_set(a, v, "empty", view_list(a));
	struct view *obj = view_obj(a), *inner = view_obj(a);
	view_set_str(a, inner, "c", "deep");
	view_set(a, obj, "b", inner);
	view_set(a, v, "a", obj);
	return v;
}

static void
run(struct arena *a, int flags, const struct view *v, const uint8_t *data, size_t size)
{
	struct buf out, err;
	buf_init(&out, a, 256);
	buf_init(&err, a, 64);
	struct tmpl_set *s = tmpl_set_new(a, flags);
	tmpl_set_limits(s, 20000, 1u << 20);
	static const char *const fixed[][2] = {
		/* recursive through the context stack: ends at the depth limit */
		{ "p", "[{{x}}{{#list}}{{>p}}{{/list}}]" },
		{ "parent", "<{{$a}}A{{/a}}|\n  {{$b}}\n  B {{n}}\n  {{/b}}\n{{>in}}>" },
		{ "child", "{{<parent}}{{$a}}{{>in}}{{/a}}{{$b}}\n    {{x}}\n{{/b}}{{/parent}}" },
		{ "indent", "a\n  {{>in}}\n  {{<in}}{{$a}}x{{/a}}{{/in}}\nb" },
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		tmpl_set_add(s, fixed[i][0], fixed[i][1], strlen(fixed[i][1]), &err);
	if (tmpl_set_add(s, "in", (const char *)data, size, &err) != 0)
		return;
	tmpl_set_link(s, &err);
	static const char *const names[] = { "in", "child", "indent", "p" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		buf_clear(&out);
		tmpl_render(s, names[i], v, a, &out, &err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const struct view *v = fixed_view(a);
	run(a, 0, v, data, size);
	run(a, TMPL_SPEC_MODE | TMPL_STRICT_PARTIALS, v, data, size);
	run(a, TMPL_STRICT_NAMES | TMPL_STRICT_RAW, v, data, size);
	arena_free(a);
	return 0;
}
