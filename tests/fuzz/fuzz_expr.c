/* fuzz_expr.c: libFuzzer target for the expression language (compile + eval of the input, the input as a field value) and dec/kana/jstfmt. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/dec.h"
#include "convert/expr.h"
#include "convert/jstfmt.h"
#include "convert/kana.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct expr_field fields[] = {
	{ "s", "文字列", EXPR_TEXT },
	{ "line.unit_price", "単価", EXPR_TEXT },
	{ "line.quantity", "数量", EXPR_DEC },
	{ "ordered_at", "注文日時", EXPR_TIME },
	{ "nothing", "なし", EXPR_NULL },
};
static const struct expr_catalog catalog = { fields, 5 };
static const char *input;
static size_t input_len;

static int
get_field(void *ctx, size_t index, struct arena *scratch, struct expr_value *out)
{
	(void)ctx;
	(void)scratch;
	switch (index) {
	case 0:
		out->type = EXPR_TEXT;
		out->s = input;
		out->len = input_len;
		break;
	case 1:
		out->type = EXPR_TEXT;
		out->s = "1980";
		out->len = 4;
		break;
	case 2:
		out->type = EXPR_DEC;
		out->num = dec_from_int64(3);
		break;
	case 3:
		out->type = EXPR_TIME;
		out->ms = 1795136400000LL;
		break;
	default:
		out->type = EXPR_NULL;
		break;
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
	if (tl > 5)
		return -ERR_INVALID;
	if (kl == 0 || key[0] == 'x')
		return -ERR_NOT_FOUND;
	*val = key;
	*vl = kl;
	return 0;
}

/* the input as a value through functions that take text */
static const char *const calls[] = {
	"substr(s, 2, 3) & right(s, 4) & left(s, 1)", "len(s) + len(trim(s))", "replace(s, \"a\", s)",
	"upper(s) & lower(s)", "zen2han(s) & han2zen(s)", "zen2han(s, s)", "zeropad(s, 12)",
	"number(s, 2, \",\")", "round(s, 1, \"half_even\")", "round(s / 7, 3, \"up\")",
	"date(s, \"yyyy-MM-dd HH:mm:ss.SSS E\")", "date(ordered_at, s)", "split(s, \",\", 2)",
	"address_part(s, 2) & address_part(s, 3)", "lookup(\"t\", s, \"d\")", "lookup(s, s)",
	"case(s, \"a\", 1, \"b\", 2, 3)", "if(s, 1, 2)", "s + 1", "s * s", "s = 1", "s < now()",
	"NOT s", "coalesce(s, nothing)",
};

static void
check_error(const struct expr_error *e, int rc, size_t max_col)
{
	if (rc >= 0 || e->code != rc || e->msg[0] == '\0' || !utf8_valid(e->msg, strlen(e->msg)))
		abort();
	if (max_col != 0 && (e->column < 1 || e->column > max_col))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *app, *a;
	static struct expr *compiled[sizeof calls / sizeof *calls];
	static const struct expr_env env = { get_field, get_lookup, NULL, 1795651500000LL };
	if (app == NULL) {
		app = arena_new(0);
		a = arena_new(0);
		for (size_t c = 0; c < sizeof calls / sizeof *calls; c++)
			if (expr_compile(app, calls[c], strlen(calls[c]), &catalog, &compiled[c], NULL) != 0)
				abort();
	}
	const char *s = (const char *)data;
	input = s;
	input_len = size;
	struct expr_error err;
	struct expr_value v;
	const char *t;
	size_t tl;

	/* the input as an expression */
	struct expr *e;
	int rc = expr_compile(a, s, size, &catalog, &e, &err);
	if (rc == 0) {
		size_t nf;
		const size_t *f = expr_fields_used(e, &nf);
		for (size_t i = 0; i < nf; i++)
			if (f[i] >= 5 || (i > 0 && f[i] <= f[i - 1]))
				abort();
		rc = expr_eval(e, &env, a, &v, &err);
		if (rc != 0) {
			check_error(&err, rc, 0);
		} else {
			expr_value_text(&v, a, &t, &tl);
			if (v.type != EXPR_TEXT && !utf8_valid(t, tl))
				abort();
		}
	} else {
		size_t chars = utf8_codepoints(s, size);
		check_error(&err, rc, size <= EXPR_MAX_SOURCE ? chars + 1 : 1);
	}
	arena_reset(a);

	/* the input as a field value */
	bool valid = utf8_valid(s, size);
	for (size_t c = 0; c < sizeof calls / sizeof *calls; c++) {
		rc = expr_eval(compiled[c], &env, a, &v, &err);
		if (rc != 0) {
			check_error(&err, rc, 0);
			continue;
		}
		expr_value_text(&v, a, &t, &tl);
		if (tl > EXPR_MAX_TEXT || (valid && !utf8_valid(t, tl)))
			abort();
	}
	arena_reset(a);

	/* the building blocks */
	struct dec d, r;
	if (dec_parse(s, size, &d) == 0) {
		char txt[DEC_STR_MAX];
		size_t n = dec_to_str(&d, txt);
		struct dec back;
		if (dec_parse(txt, n, &back) != 0 || dec_cmp(&d, &back) != 0 || back.scale != d.scale)
			abort();
		for (int m = DEC_HALF_UP; m <= DEC_CEILING; m++)
			if (dec_round(&d, (int)(size % 37) - 18, (enum dec_round)m, &r) != 0 &&
			    dec_round(&d, (int)(size % 37) - 18, (enum dec_round)m, &r) != -ERR_TOO_LARGE)
				abort();
		(void)dec_mul(&d, &d, &r);
		(void)dec_add(&d, &d, &r);
		(void)dec_div(&d, &d, 18, DEC_HALF_EVEN, &r);
	}
	struct buf b, eb;
	buf_init(&b, a, 16);
	buf_init(&eb, a, 16);
	if (kana_to_half(&b, s, size, KANA_ALL) != (valid ? 0 : -ERR_INVALID))
		abort();
	if (valid) {
		struct buf c;
		buf_init(&c, a, 16);
		if (kana_to_full(&c, b.data, b.len, KANA_ALL) != 0 || !utf8_valid(c.data, c.len))
			abort();
	}
	buf_clear(&b);
	if (jstfmt_format(&b, s, size, 1795651500000LL, &eb) != 0 && (eb.len == 0 || b.len != 0))
		abort();
	int64_t ms;
	if (jstfmt_parse(s, size, &ms) == 0) {
		buf_clear(&b);
		if (jstfmt_format(&b, "yyyy", 4, ms, NULL) != 0)
			abort();
	}
	buf_clear(&b);
	buf_clear(&eb);
	if (jstfmt_filename(&b, s, size, 1795651500000LL, &eb) == 0) {
		if (b.len == 0 || b.len > JSTFMT_MAX_FILENAME || memchr(b.data, '/', b.len) != NULL ||
		    memchr(b.data, '\\', b.len) != NULL || memchr(b.data, '\0', b.len) != NULL)
			abort();
	} else if (eb.len == 0 || b.len != 0) {
		abort();
	}
	arena_reset(a);
	return 0;
}
