/* expr_fn_date.c: date functions of the expression language: date(x, pattern) in JST and now(). */
#include "expr_impl.h"

#include <string.h>

#include "convert/jstfmt.h"
#include "core/err.h"

int
expr_fn_date_prep_date(struct expr_node *n, struct arena *a, struct expr_error *err)
{
	const struct expr_node *p = n->args[1];
	if (p->kind != N_LIT)
		return 0;
	if (p->lit.type != EXPR_TEXT)
		return expr_lex_fail(err, -ERR_INVALID, p->col, NULL,
		    "date の書式は \"yyyy/MM/dd\" のような文字列で指定してください");
	char msg[400];
	struct buf e;
	buf_init(&e, a, 128);
	int rc = jstfmt_check(p->lit.s, p->lit.len, &e);
	if (rc != 0) {
		size_t l = e.len < sizeof msg - 1 ? e.len : sizeof msg - 1;
		memcpy(msg, e.data, l);
		msg[l] = '\0';
		rc = expr_lex_fail(err, rc, p->col, NULL, "%s", msg);
	}
	return rc;
}

int
expr_fn_date_date(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	int64_t ms;
	char snip[128];
	const struct expr_value *x = &args[0];
	switch (x->type) {
	case EXPR_TIME:
		ms = x->ms;
		break;
	case EXPR_NULL:
		out->type = EXPR_NULL;
		return 0;
	case EXPR_TEXT:
		if (x->len == 0) {
			out->type = EXPR_NULL;
			return 0;
		}
		if (jstfmt_parse(x->s, x->len, &ms) != 0)
			return expr_eval_fail(ev, n, -ERR_INVALID,
			    "日時として読めません: \"%s\"（2026-11-26、2026-11-26 09:00:00、"
			    "2026-11-26T09:00:00+09:00 の形）", expr_lex_snippet(snip, sizeof snip, x->s, x->len));
		break;
	default:
		return expr_eval_fail(ev, n, -ERR_INVALID, "date の1番目は日時か日時の文字列にしてください");
	}
	const char *pat;
	size_t pl;
	expr_fn_text(ev, &args[1], &pat, &pl);
	struct buf b, e;
	buf_init(&b, ev->a, pl <= JSTFMT_MAX_PATTERN ? pl * 3 + 16 : 16);  /* a long one fails */
	buf_init(&e, ev->a, 16);
	int rc = jstfmt_format(&b, pat, pl, ms, &e);
	if (rc != 0)
		return expr_eval_fail(ev, n, rc, "%s", e.data);
	return expr_fn_set_text(ev, n, b.data, b.len, out);
}

int
expr_fn_date_now(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *args,
    struct expr_value *out)
{
	(void)n;
	(void)args;
	out->type = EXPR_TIME;
	out->ms = ev->env->now_ms;
	return 0;
}
