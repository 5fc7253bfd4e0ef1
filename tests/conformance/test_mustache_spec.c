/* test_mustache_spec.c: runs the official Mustache spec modules against the template engine (spec mode). */
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "html/tmpl.h"
#include "html/view.h"
#include "t.h"

/* required modules: every test must pass */
static const char *const required[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials", "sections", "~inheritance",
};

/* optional modules we do not implement (lambdas need native callbacks,
 * dynamic names are not part of our template language) */
static const char *const optional[] = { "~lambdas", "~dynamic-names" };

/* number_text: a JSON number as the shortest text that reads back equal. */
static struct view *
number_view(struct arena *a, struct json_object *j)
{
	if (json_object_get_type(j) == json_type_int)
		return view_int(a, json_object_get_int64(j));
	double d = json_object_get_double(j);
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
		return view_int(a, (int64_t)d);
	char buf[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return view_str(a, buf);
}

static struct view *
to_view(struct arena *a, struct json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null:
		return view_null(a);
	case json_type_boolean:
		return view_bool(a, json_object_get_boolean(j));
	case json_type_int:
	case json_type_double:
		return number_view(a, j);
	case json_type_string:
		return view_strn(a, json_object_get_string(j), (size_t)json_object_get_string_len(j));
	case json_type_array: {
		struct view *l = view_list(a);
		size_t n = json_object_array_length(j);
		for (size_t i = 0; i < n; i++)
			view_push(a, l, to_view(a, json_object_array_get_idx(j, i)));
		return l;
	}
	case json_type_object: {
		struct view *o = view_obj(a);
		json_object_object_foreach(j, k, v)
			view_set(a, o, k, to_view(a, v));
		return o;
	}
	}
	return view_null(a);
}

/* run_test: 1 when the test passes; on failure prints why. */
static int
run_test(const char *module, struct json_object *t)
{
	struct json_object *jn, *jd, *jt, *jp, *je;
	json_object_object_get_ex(t, "name", &jn);
	json_object_object_get_ex(t, "data", &jd);
	json_object_object_get_ex(t, "template", &jt);
	json_object_object_get_ex(t, "expected", &je);
	const char *name = json_object_get_string(jn);
	struct arena *a = arena_new(0);
	struct buf err, out;
	buf_init(&err, a, 128);
	buf_init(&out, a, 256);
	struct tmpl_set *set = tmpl_set_new(a, TMPL_SPEC_MODE);
	int rc = 0;
	if (json_object_object_get_ex(t, "partials", &jp)) {
		json_object_object_foreach(jp, pk, pv) {
			if (rc == 0)
				rc = tmpl_set_add(set, pk, json_object_get_string(pv),
				    (size_t)json_object_get_string_len(pv), &err);
		}
	}
	if (rc == 0)
		rc = tmpl_set_add(set, "(template)", json_object_get_string(jt),
		    (size_t)json_object_get_string_len(jt), &err);
	if (rc == 0)
		rc = tmpl_set_link(set, &err);
	if (rc == 0)
		rc = tmpl_render(set, "(template)", to_view(a, jd), a, &out, &err);
	int ok = rc == 0 && out.len == (size_t)json_object_get_string_len(je) &&
	    memcmp(out.data, json_object_get_string(je), out.len) == 0;
	if (!ok) {
		fprintf(stderr, "FAIL %s / %s: rc %d %s\n  template: %s\n  got:      \"%s\"\n  want:     \"%s\"\n",
		    module, name, rc, buf_cstr(&err), json_object_to_json_string(jt), buf_cstr(&out),
		    json_object_get_string(je));
	}
	arena_free(a);
	return ok;
}

int
main(void)
{
	for (size_t m = 0; m < sizeof required / sizeof *required; m++) {
		char rel[128];
		snprintf(rel, sizeof rel, "conformance/mustache-spec/%s.json", required[m]);
		struct json_object *root = json_object_from_file(t_shared(rel));
		struct json_object *tests = NULL;
		T_OK(root != NULL && json_object_object_get_ex(root, "tests", &tests),
		    "cannot read %s", t_shared(rel));
		if (tests == NULL) {
			json_object_put(root);
			continue;
		}
		size_t n = json_object_array_length(tests), passed = 0;
		for (size_t i = 0; i < n; i++) {
			int ok = run_test(required[m], json_object_array_get_idx(tests, i));
			T_OK(ok, "%s test %zu", required[m], i);
			passed += (size_t)ok;
		}
		printf("mustache-spec %s: %zu/%zu passed\n", required[m], passed, n);
		json_object_put(root);
	}
	for (size_t m = 0; m < sizeof optional / sizeof *optional; m++) {
		char rel[128];
		snprintf(rel, sizeof rel, "conformance/mustache-spec/%s.json", optional[m]);
		struct json_object *root = json_object_from_file(t_shared(rel));
		struct json_object *tests = NULL;
		size_t n = 0;
		if (root != NULL && json_object_object_get_ex(root, "tests", &tests))
			n = json_object_array_length(tests);
		printf("mustache-spec %s: skipped (optional module, %zu tests not run, not counted)\n",
		    optional[m], n);
		json_object_put(root);
	}
	return t_done("conformance-mustache");
}
