/* test_expr_blns.c: every Big List of Naughty Strings entry through every text function, as expression source, and through dec/kana/jstfmt. */
#include <json.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/dec.h"
#include "convert/expr.h"
#include "convert/jstfmt.h"
#include "convert/kana.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"

/* the naughty string is field "s" (and [文字列]) of the record */
static const struct expr_field fields[] = {
	{ "s", "文字列", EXPR_TEXT },
	{ "n", "数", EXPR_DEC },
};
static const struct expr_catalog catalog = { fields, 2 };
static const char *cur;
static size_t cur_len;

static int
get_field(void *ctx, size_t index, struct arena *scratch, struct expr_value *out)
{
	(void)ctx;
	(void)scratch;
	if (index == 0) {
		out->type = EXPR_TEXT;
		out->s = cur;
		out->len = cur_len;
	} else {
		out->type = EXPR_DEC;
		out->num = dec_from_int64(42);
	}
	return 0;
}

static int
get_lookup(void *ctx, const char *table, size_t tl, const char *key, size_t kl, struct arena *scratch,
    const char **val, size_t *vl)
{
	(void)ctx;
	(void)scratch;
	(void)table;
	if (tl == 0)
		return -ERR_INVALID;
	if (kl % 2 == 0)
		return -ERR_NOT_FOUND;
	*val = key;  /* echo */
	*vl = kl;
	return 0;
}

/* Every function that takes text, with the naughty string in each text slot. */
static const char *const calls[] = {
	"s", "[文字列]", "substr(s, 2, 3)", "substr(s, 1)", "left(s, 2)", "right(s, 2)", "len(s)",
	"replace(s, \"a\", \"bb\")", "replace(s, s, s)", "replace(\"abc\", \"b\", s)", "trim(s)",
	"upper(s)", "lower(s)", "zen2han(s)", "han2zen(s)", "zen2han(s, s)", "han2zen(\"ｶﾞ\", s)",
	"zen2han(han2zen(s))", "zen2han(s, \"kana\")", "han2zen(s, \"alnum|symbol\")", "zeropad(s, 10)",
	"number(s, 2, \",\")", "number(1234, 0, s)", "round(s, 0, \"up\")", "round(1, 0, s)",
	"round(s / 3, 2, \"half_even\")", "date(s, \"yyyy/MM/dd\")", "date(now(), s)", "split(s, \",\", 2)",
	"split(\"a,b\", s, 1)", "split(s, s, 2)", "address_part(s, 1)", "address_part(s, 2)",
	"address_part(s, 3)", "lookup(\"t\", s)", "lookup(s, s, s)", "lookup(\"t\", s, \"d\")",
	"case(s, s, s)", "case(s, \"x\", 1, s)", "coalesce(s, \"x\")", "if(s, 1, 2)", "s & s",
	"s & 1 & NULL", "s + 1", "n * s", "s / n", "-s", "s = s", "s <> \"x\"", "s < 1", "s >= now()",
	"NOT s", "s AND TRUE", "FALSE OR s", "len(s) + len(trim(s))", "substr(s, len(s), 1)",
	"zeropad(s, len(s) + 2)", "left(s, n)", "right(s, n)",
};

static struct expr *compiled[sizeof calls / sizeof *calls];
static struct expr_env env = { get_field, get_lookup, NULL, 1795651500000LL };
static int evals, errors, compiled_ok;

static bool
error_ok(const struct expr_error *e, int rc)
{
	return rc < 0 && e->code == rc && e->msg[0] != '\0' && utf8_valid(e->msg, strlen(e->msg));
}

static void
check_one(struct arena *a, const char *s, size_t n, size_t idx)
{
	cur = s;
	cur_len = n;
	bool valid = utf8_valid(s, n);
	struct expr_error err;
	for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
		struct expr_value v;
		arena_reset(a);
		int rc = expr_eval(compiled[c], &env, a, &v, &err);
		evals++;
		if (rc != 0) {
			errors++;
			T_OK(error_ok(&err, rc) && err.column >= 1, "%s on string %zu: rc %d msg \"%s\"",
			    calls[c], idx, rc, err.msg);
			continue;
		}
		const char *t;
		size_t tl;
		expr_value_text(&v, a, &t, &tl);
		if (valid)
			T_OK(utf8_valid(t, tl), "%s on string %zu gives bad UTF-8", calls[c], idx);
		T_OK(tl <= EXPR_MAX_TEXT || (c < 2 && tl == n), "%s on string %zu: %zu bytes", calls[c], idx,
		    tl);
	}
	/* specific invariants */
	{
		struct expr_value v;
		arena_reset(a);
		T_INTEQ(expr_eval(compiled[6], &env, a, &v, NULL), 0);  /* len(s) */
		T_OK(v.type == EXPR_DEC && v.num.coef == (__int128)utf8_codepoints(s, n),
		    "len of string %zu", idx);
		T_INTEQ(expr_eval(compiled[10], &env, a, &v, NULL), 0);  /* trim(s) is inside s */
		T_OK(v.type == EXPR_TEXT && v.s >= s && v.s + v.len <= s + n, "trim of string %zu", idx);
	}

	/* the string as an expression: compiles, or fails with a position */
	struct expr *e;
	arena_reset(a);
	int rc = expr_compile(a, s, n, &catalog, &e, &err);
	size_t chars = utf8_codepoints(s, n);
	if (rc == 0) {
		compiled_ok++;
		struct expr_value v;
		rc = expr_eval(e, &env, a, &v, &err);
		T_OK(rc == 0 || error_ok(&err, rc), "eval of string %zu as source: %d %s", idx, rc, err.msg);
	} else {
		T_OK(error_ok(&err, rc) && err.column >= 1 && err.column <= chars + 1,
		    "compile of string %zu: rc %d col %zu msg \"%s\"", idx, rc, err.column, err.msg);
	}

	/* the building blocks directly */
	struct dec d;
	rc = dec_parse(s, n, &d);
	T_OK(rc == 0 || rc == -ERR_INVALID || rc == -ERR_TOO_LARGE, "dec_parse %zu", idx);
	struct buf b, eb;
	buf_init(&b, a, 16);
	buf_init(&eb, a, 16);
	rc = kana_to_half(&b, s, n, KANA_ALL);
	T_OK(rc == (valid ? 0 : -ERR_INVALID) && (!valid || utf8_valid(b.data, b.len)), "to_half %zu", idx);
	buf_clear(&b);
	rc = kana_to_full(&b, s, n, KANA_ALL);
	T_OK(rc == (valid ? 0 : -ERR_INVALID) && (!valid || utf8_valid(b.data, b.len)), "to_full %zu", idx);
	unsigned fl = 0;
	(void)kana_flags_parse(s, n, &fl);
	buf_clear(&b);
	rc = jstfmt_format(&b, s, n, env.now_ms, &eb);
	T_OK(rc == 0 || (eb.len > 0 && b.len == 0), "jstfmt_format %zu", idx);
	int64_t ms;
	rc = jstfmt_parse(s, n, &ms);
	T_OK(rc == 0 || rc == -ERR_INVALID, "jstfmt_parse %zu", idx);
	buf_clear(&b);
	buf_clear(&eb);
	rc = jstfmt_filename(&b, s, n, env.now_ms, &eb);
	if (rc == 0)
		T_OK(b.len > 0 && b.len <= JSTFMT_MAX_FILENAME && memchr(b.data, '/', b.len) == NULL &&
		    memchr(b.data, '\0', b.len) == NULL && utf8_valid(b.data, b.len), "filename %zu", idx);
	else
		T_OK(eb.len > 0 && b.len == 0, "filename error %zu", idx);
}

int
main(void)
{
	struct arena *app = arena_new(0), *a = arena_new(0);
	for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
		struct expr_error err;
		int rc = expr_compile(app, calls[c], strlen(calls[c]), &catalog, &compiled[c], &err);
		T_OK(rc == 0, "compile %s: %s", calls[c], err.msg);
		if (rc != 0)
			return t_done("conformance-expr-blns");
	}
	struct json_object *root = json_object_from_file(t_shared("conformance/blns/blns.json"));
	T_OK(root != NULL && json_object_get_type(root) == json_type_array, "cannot read blns.json");
	size_t n = root != NULL ? json_object_array_length(root) : 0;
	T_OK(n >= 500, "blns has %zu strings", n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(root, i);
		check_one(a, json_object_get_string(s), (size_t)json_object_get_string_len(s), i);
	}
	json_object_put(root);

	/* byte strings JSON cannot carry: invalid UTF-8, NUL, lone surrogates, overlongs */
	static const struct {
		const char *s;
		size_t n;
	} raw[] = {
		{ "\xff\xfe<script>", 10 }, { "a\0b", 3 }, { "\xed\xa0\x80\"'", 5 }, { "\xc0\xbc", 2 },
		{ "\xe2\x80", 2 }, { "\xf4\x90\x80\x80&", 5 }, { "\x80", 1 }, { "ｶ\xef\xbe", 5 },
		{ "\xe3\x80", 2 }, { "1\xff", 2 }, { "2026-11-26\xff", 11 }, { "{yyyy\xff}", 7 },
	};
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
		check_one(a, raw[i].s, raw[i].n, n + i);
	printf("blns: %zu strings + %zu byte strings through %zu expressions (%d evaluations, %d "
	    "errors with a message), %d compiled as source\n", n, sizeof raw / sizeof *raw,
	    sizeof calls / sizeof *calls, evals, errors, compiled_ok);
	arena_free(a);
	arena_free(app);
	return t_done("conformance-expr-blns");
}
