/* test_view.c: view model: constructors, object order and replacement, hash index, lists, truthiness, text. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "html/view.h"
#include "t.h"

static void
test_scalars(struct arena *a)
{
	size_t n;
	struct view *v = view_str(a, "héllo");
	T_INTEQ(view_type(v), VIEW_STR);
	T_STREQ(view_text(a, v, &n), "héllo");
	T_INTEQ(n, 6);

	char raw[] = "a\0b";
	v = view_strn(a, raw, 3);
	const char *s = view_text(a, v, &n);
	T_INTEQ(n, 3);
	T_OK(memcmp(s, "a\0b", 3) == 0 && s[3] == '\0', "strn keeps NUL bytes and terminates");
	raw[0] = 'z';
	T_OK(s[0] == 'a', "strings are copied");

	T_STREQ(view_text(a, view_str(a, NULL), &n), "");
	T_INTEQ(n, 0);
	T_STREQ(view_text(a, view_int(a, INT64_MIN), NULL), "-9223372036854775808");
	T_STREQ(view_text(a, view_int(a, 0), NULL), "0");
	T_STREQ(view_text(a, view_bool(a, true), &n), "true");
	T_INTEQ(n, 4);
	T_STREQ(view_text(a, view_bool(a, false), NULL), "false");
	T_STREQ(view_text(a, view_null(a), &n), "");
	T_STREQ(view_text(a, view_list(a), NULL), "");
	T_STREQ(view_text(a, view_obj(a), NULL), "");
	T_STREQ(view_text(a, NULL, &n), "");
	T_INTEQ(n, 0);

	char tmp[VIEW_SCALAR_MAX];
	T_STREQ(view_scalar(view_int(a, INT64_MAX), tmp, &n), "9223372036854775807");
	T_INTEQ(n, 19);

	v = view_safe_html(a, "<b>x</b>", 8);
	T_INTEQ(view_type(v), VIEW_SAFE);
	T_STREQ(view_text(a, v, NULL), "<b>x</b>");
	T_INTEQ(view_type(NULL), VIEW_NULL);
}

static void
test_objects(struct arena *a)
{
	struct view *o = view_obj(a);
	view_set_str(a, o, "b", "1");
	view_set_int(a, o, "a", 2);
	view_set_bool(a, o, "c", true);
	T_INTEQ(view_len(o), 3);
	T_STREQ(view_key_at(o, 0), "b");
	T_STREQ(view_key_at(o, 1), "a");
	T_STREQ(view_key_at(o, 2), "c");
	T_OK(view_key_at(o, 3) == NULL, "key past the end");
	/* replacing keeps the position */
	view_set_str(a, o, "b", "one");
	T_INTEQ(view_len(o), 3);
	T_STREQ(view_key_at(o, 0), "b");
	T_STREQ(view_text(a, view_get(o, "b"), NULL), "one");
	T_OK(view_get(o, "zz") == NULL, "missing key");
	T_OK(view_get(o, NULL) == NULL, "NULL key");
	T_OK(view_getn(o, "abc", 1) == view_get(o, "a"), "getn uses n bytes");
	T_OK(view_get(view_list(a), "a") == NULL, "get on a list");
	T_OK(view_get(NULL, "a") == NULL, "get on NULL");

	/* a NULL value is stored as null; misuse is ignored */
	view_set(a, o, "n", NULL);
	T_INTEQ(view_type(view_get(o, "n")), VIEW_NULL);
	struct view *l = view_list(a);
	view_set_str(a, l, "x", "y");
	T_INTEQ(view_len(l), 0);
	view_set_str(a, NULL, "x", "y");

	/* the key is copied */
	char key[] = "dyn";
	view_set_int(a, o, key, 5);
	key[0] = 'x';
	T_OK(view_get(o, "dyn") != NULL && view_get(o, "xyn") == NULL, "key copied");

	/* many keys: hash index, replacement, order */
	struct view *big = view_obj(a);
	char k[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(k, sizeof k, "key_%d", i);
		view_set_int(a, big, k, i);
	}
	for (int i = 0; i < 2000; i += 3) {
		snprintf(k, sizeof k, "key_%d", i);
		view_set_int(a, big, k, -i);
	}
	T_INTEQ(view_len(big), 2000);
	int bad = 0;
	for (int i = 0; i < 2000; i++) {
		snprintf(k, sizeof k, "key_%d", i);
		const char *want = view_text(a, view_int(a, i % 3 == 0 ? -i : i), NULL);
		if (strcmp(view_text(a, view_get(big, k), NULL), want) != 0)
			bad++;
		if (strcmp(view_key_at(big, (size_t)i), k) != 0)
			bad++;
	}
	T_INTEQ(bad, 0);
	T_OK(view_get(big, "key_2000") == NULL, "absent key in indexed object");
	T_OK(view_getn(big, "key_1999x", 8) != NULL, "getn in indexed object");
}

static void
test_lists(struct arena *a)
{
	struct view *l = view_list(a);
	for (int i = 0; i < 100; i++)
		view_push(a, l, view_int(a, i));
	view_push(a, l, NULL);
	T_INTEQ(view_len(l), 101);
	T_STREQ(view_text(a, view_at(l, 42), NULL), "42");
	T_INTEQ(view_type(view_at(l, 100)), VIEW_NULL);
	T_OK(view_at(l, 101) == NULL, "past the end");
	T_OK(view_at(view_obj(a), 0) == NULL, "at on an object");
	struct view *o = view_obj(a);
	view_push(a, o, view_int(a, 1));
	T_INTEQ(view_len(o), 0);
	T_INTEQ(view_len(view_str(a, "abc")), 0);
	T_INTEQ(view_len(NULL), 0);
}

static void
test_truthy(struct arena *a)
{
	T_OK(!view_truthy(NULL), "NULL");
	T_OK(!view_truthy(view_null(a)), "null");
	T_OK(!view_truthy(view_bool(a, false)), "false");
	T_OK(view_truthy(view_bool(a, true)), "true");
	T_OK(view_truthy(view_int(a, 0)), "0 is true");
	T_OK(!view_truthy(view_str(a, "")), "empty string");
	T_OK(view_truthy(view_str(a, "0")), "\"0\"");
	T_OK(!view_truthy(view_safe_html(a, "", 0)), "empty safe");
	T_OK(!view_truthy(view_list(a)), "empty list");
	T_OK(view_truthy(view_obj(a)), "empty object");
	struct view *l = view_list(a);
	view_push(a, l, view_bool(a, false));
	T_OK(view_truthy(l), "non-empty list");
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_scalars(a);
	test_objects(a);
	test_lists(a);
	test_truthy(a);
	arena_free(a);
	return t_done("unit-view");
}
