/* expr_fn_num.c: number functions of the expression language: round, number, zeropad. */
#include "expr_impl.h"

#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

#define ROUND_MODES "half_up, half_even, down, up, floor, ceiling"
#define DIGITS_BIAS 1000  /* aux2 = digits + DIGITS_BIAS when the digits are a literal */

int
expr_fn_num_prep_round(struct expr_node *n, struct arena *a, struct expr_error *err)
{
	(void)a;
	const struct expr_node *d = n->args[1], *m = n->args[2];
	char snip[128];
	if (d->kind == N_LIT) {
		int64_t x;
		if (d->lit.type != EXPR_DEC || dec_to_int64(&d->lit.num, &x) != 0 || x < -DEC_MAX_SCALE ||
		    x > DEC_MAX_SCALE)
			return expr_lex_fail(err, -ERR_INVALID, d->col, NULL,
			    "round の桁数は -18〜18 の整数で指定してください");
		n->aux2 = (int)x + DIGITS_BIAS;
	}
	if (m->kind == N_LIT) {
		enum dec_round mode;
		if (m->lit.type != EXPR_TEXT || dec_round_parse(m->lit.s, m->lit.len, &mode) != 0)
			return expr_lex_fail(err, -ERR_INVALID, m->col, NULL,
			    "丸め方「%s」はありません（" ROUND_MODES "）",
			    m->lit.type == EXPR_TEXT ? expr_lex_snippet(snip, sizeof snip, m->lit.s,
			    m->lit.len) : "文字列ではない値");
		n->aux = (int)mode;
	}
	return 0;
}

int
expr_fn_num_round(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)args;
	struct expr_value v;
	int64_t digits;
	enum dec_round mode;
	char snip[128];
	int rc;
	if (n->aux2 >= 0) {
		digits = n->aux2 - DIGITS_BIAS;
	} else if ((rc = expr_eval_node(ev, n->args[1], &v)) != 0 ||
	    (rc = expr_eval_int(ev, n, &v, "桁数", -DEC_MAX_SCALE, DEC_MAX_SCALE, &digits)) != 0) {
		return rc;
	}
	if (n->aux >= 0) {
		mode = (enum dec_round)n->aux;
	} else {
		if ((rc = expr_eval_node(ev, n->args[2], &v)) != 0)
			return rc;
		const char *s;
		size_t l;
		expr_fn_text(ev, &v, &s, &l);
		if (dec_round_parse(s, l, &mode) != 0)
			return expr_eval_fail(ev, n, -ERR_INVALID, "丸め方「%s」はありません（" ROUND_MODES "）",
			    expr_lex_snippet(snip, sizeof snip, s, l));
	}
	const struct expr_node *x = n->args[0];
	if (x->kind == N_ARITH && x->ops[x->nargs - 1] == OP_DIV)
		return expr_eval_div_to(ev, x, (int)digits, mode, out);
	struct dec d;
	bool is_null;
	if ((rc = expr_eval_node(ev, x, &v)) != 0 || (rc = expr_eval_num(ev, n, &v, &d, &is_null)) != 0)
		return rc;
	if (is_null) {
		out->type = EXPR_NULL;
		return 0;
	}
	if ((rc = dec_round(&d, (int)digits, mode, &out->num)) != 0)
		return expr_eval_fail(ev, n, rc, "丸めた結果が大きすぎます（全体36桁まで）");
	out->type = EXPR_DEC;
	return 0;
}

int
expr_fn_num_prep_number(struct expr_node *n, struct arena *a, struct expr_error *err)
{
	(void)a;
	const struct expr_node *d = n->args[1];
	if (d->kind == N_LIT) {
		int64_t x;
		if (d->lit.type != EXPR_DEC || dec_to_int64(&d->lit.num, &x) != 0 || x < 0 ||
		    x > DEC_MAX_SCALE)
			return expr_lex_fail(err, -ERR_INVALID, d->col, NULL,
			    "number の小数桁数は 0〜18 の整数で指定してください");
	}
	if (n->nargs > 2 && n->args[2]->kind == N_LIT) {
		const struct expr_node *g = n->args[2];
		if (g->lit.type != EXPR_TEXT || g->lit.len > 8)
			return expr_lex_fail(err, -ERR_INVALID, g->col, NULL,
			    "number の区切り文字は \",\" のような短い文字列で指定してください");
	}
	return 0;
}

int
expr_fn_num_number(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	struct dec d;
	bool is_null;
	int64_t decimals;
	const char *g = NULL;
	size_t gl = 0;
	int rc = expr_eval_int(ev, n, &args[1], "小数桁数", 0, DEC_MAX_SCALE, &decimals);
	if (rc != 0 || (rc = expr_eval_num(ev, n, &args[0], &d, &is_null)) != 0)
		return rc;
	if (n->nargs > 2) {
		expr_fn_text(ev, &args[2], &g, &gl);
		if (gl > 8)
			return expr_eval_fail(ev, n, -ERR_INVALID, "number の区切り文字が長すぎます（8バイトまで）");
	}
	if (is_null) {
		out->type = EXPR_NULL;
		return 0;
	}
	struct buf b;
	buf_init(&b, ev->a, 64);
	rc = dec_format_fixed(&b, &d, (int)decimals, DEC_HALF_UP, g, gl);
	if (rc != 0)
		return expr_eval_fail(ev, n, rc, "丸めた結果が大きすぎます（全体36桁まで）");
	return expr_fn_set_text(ev, n, b.data, b.len, out);
}

int
expr_fn_num_zeropad(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	int64_t width;
	int rc = expr_eval_int(ev, n, &args[1], "桁数", 0, 1000, &width);
	if (rc != 0)
		return rc;
	const char *s;
	size_t len;
	expr_fn_text(ev, &args[0], &s, &len);
	if (len == 0) {
		out->type = EXPR_NULL;
		return 0;
	}
	size_t chars = utf8_codepoints(s, len);
	if (chars >= (size_t)width) {
		out->type = EXPR_TEXT;
		out->s = s;
		out->len = len;
		return 0;
	}
	struct dec d;
	bool sign = s[0] == '-' && (args[0].type == EXPR_DEC || dec_parse(s, len, &d) == 0);
	size_t pad = (size_t)width - chars;
	char *o = arena_alloc(ev->a, len + pad + 1);
	size_t w = 0;
	if (sign)
		o[w++] = '-';
	memset(o + w, '0', pad);
	w += pad;
	size_t skip = sign ? 1 : 0;
	memcpy(o + w, s + skip, len - skip);
	w += len - skip;
	o[w] = '\0';
	return expr_fn_set_text(ev, n, o, w, out);
}
