/* expr_eval.c: evaluation of a compiled expression for one record: operators, conversions, limits. */
#include "expr_impl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "convert/jstfmt.h"
#include "core/err.h"

static const char *node_where(const struct expr_node *n);
static int fail_at(struct expr_ev *ev, size_t col, const char *where, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int arith(struct expr_ev *ev, const struct expr_node *n, uint32_t count, struct dec *acc,
    bool *is_null);
static int arith_step(struct expr_ev *ev, const struct expr_node *n, uint32_t i, struct dec *acc,
    const struct dec *b);
static int concat(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out);
static int call(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out);
static int text_cmp(const char *a, size_t an, const char *b, size_t bn);

static const char *const op_names[] = { "+", "-", "*", "/", "=", "<>", "<", "<=", ">", ">=" };

static const char *
node_where(const struct expr_node *n)
{
	switch (n->kind) {
	case N_CALL: return n->fn->info.name;
	case N_NEG: return "-";
	case N_NOT: return "NOT";
	case N_ARITH: return op_names[n->ops[1]];
	case N_CONCAT: return "&";
	case N_CMP: return op_names[n->op];
	case N_AND: return "AND";
	case N_OR: return "OR";
	case N_FIELD: return "項目";
	default: return "";
	}
}

static int
fail_at(struct expr_ev *ev, size_t col, const char *where, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = expr_lex_vfail(ev->err, code, col, where, fmt, ap);
	va_end(ap);
	return rc;
}

int
expr_eval_fail(struct expr_ev *ev, const struct expr_node *n, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = expr_lex_vfail(ev->err, code, n->col, node_where(n), fmt, ap);
	va_end(ap);
	return rc;
}

int
expr_eval_produce(struct expr_ev *ev, const struct expr_node *n, size_t len)
{
	if (len > EXPR_MAX_TEXT)
		return expr_eval_fail(ev, n, -ERR_TOO_LARGE,
		    "作られる文字列が長すぎます（%zuバイト、最大64KiB）", len);
	ev->produced += len;
	if (ev->produced > EXPR_MAX_PRODUCED)
		return expr_eval_fail(ev, n, -ERR_TOO_LARGE,
		    "式が作る文字列の合計が大きすぎます（最大1MiB）");
	return 0;
}

int
expr_eval_num(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    struct dec *out, bool *is_null)
{
	char snip[128];
	*is_null = false;
	switch (v->type) {
	case EXPR_DEC:
		*out = v->num;
		return 0;
	case EXPR_NULL:
		break;
	case EXPR_TEXT: {
		if (v->len == 0)
			break;
		int rc = dec_parse(v->s, v->len, out);
		if (rc == 0)
			return 0;
		if (rc == -ERR_TOO_LARGE)
			return expr_eval_fail(ev, n, -ERR_INVALID,
			    "数値の桁数が多すぎます（小数18桁・全体36桁まで）: \"%s\"",
			    expr_lex_snippet(snip, sizeof snip, v->s, v->len));
		return expr_eval_fail(ev, n, -ERR_INVALID, "数値ではありません: \"%s\"",
		    expr_lex_snippet(snip, sizeof snip, v->s, v->len));
	}
	case EXPR_BOOL:
		return expr_eval_fail(ev, n, -ERR_INVALID, "数値ではありません: %s",
		    v->b ? "TRUE" : "FALSE");
	case EXPR_TIME:
		return expr_eval_fail(ev, n, -ERR_INVALID,
		    "日時は数値として計算できません（date() で文字にしてください）");
	}
	*is_null = true;
	*out = dec_from_int64(0);
	return 0;
}

int
expr_eval_int(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	struct dec d;
	bool is_null;
	int rc = expr_eval_num(ev, n, v, &d, &is_null);
	if (rc != 0)
		return rc;
	if (is_null)
		return expr_eval_fail(ev, n, -ERR_INVALID, "%sが空です（整数を指定してください）", what);
	int64_t x;
	char s[DEC_STR_MAX];
	if (dec_to_int64(&d, &x) != 0 || x < lo || x > hi) {
		dec_to_str(&d, s);
		return expr_eval_fail(ev, n, -ERR_INVALID, "%sは%lld〜%lldの整数で指定してください: %s",
		    what, (long long)lo, (long long)hi, s);
	}
	*out = x;
	return 0;
}

int
expr_eval_truth(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    bool *out)
{
	char snip[128];
	struct dec d;
	switch (v->type) {
	case EXPR_BOOL:
		*out = v->b;
		return 0;
	case EXPR_NULL:
		*out = false;
		return 0;
	case EXPR_DEC:
		*out = !dec_is_zero(&v->num);
		return 0;
	case EXPR_TEXT:
		if (v->len == 0 || (v->len == 5 && strncasecmp(v->s, "false", 5) == 0)) {
			*out = false;
			return 0;
		}
		if (v->len == 4 && strncasecmp(v->s, "true", 4) == 0) {
			*out = true;
			return 0;
		}
		if (dec_parse(v->s, v->len, &d) == 0) {
			*out = !dec_is_zero(&d);
			return 0;
		}
		return expr_eval_fail(ev, n, -ERR_INVALID, "条件が真偽値ではありません: \"%s\"",
		    expr_lex_snippet(snip, sizeof snip, v->s, v->len));
	case EXPR_TIME:
		break;
	}
	return expr_eval_fail(ev, n, -ERR_INVALID, "条件に日時は使えません");
}

static int
text_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return (an > bn) - (an < bn);
}

void
expr_eval_cmp(const struct expr_value *a, const struct expr_value *b, struct arena *ar, int *c)
{
	struct dec d;
	int64_t ms;
	enum expr_type ta = a->type, tb = b->type;
	if (ta == EXPR_DEC && tb == EXPR_DEC) {
		*c = dec_cmp(&a->num, &b->num);
		return;
	}
	if (ta == EXPR_DEC && tb == EXPR_TEXT && dec_parse(b->s, b->len, &d) == 0) {
		*c = dec_cmp(&a->num, &d);
		return;
	}
	if (ta == EXPR_TEXT && tb == EXPR_DEC && dec_parse(a->s, a->len, &d) == 0) {
		*c = dec_cmp(&d, &b->num);
		return;
	}
	if (ta == EXPR_TIME && tb == EXPR_TIME) {
		*c = (a->ms > b->ms) - (a->ms < b->ms);
		return;
	}
	if (ta == EXPR_TIME && tb == EXPR_TEXT && jstfmt_parse(b->s, b->len, &ms) == 0) {
		*c = (a->ms > ms) - (a->ms < ms);
		return;
	}
	if (ta == EXPR_TEXT && tb == EXPR_TIME && jstfmt_parse(a->s, a->len, &ms) == 0) {
		*c = (ms > b->ms) - (ms < b->ms);
		return;
	}
	if (ta == EXPR_BOOL && tb == EXPR_BOOL) {
		*c = (int)a->b - (int)b->b;
		return;
	}
	const char *sa, *sb;
	size_t la, lb;
	expr_value_text(a, ar, &sa, &la);
	expr_value_text(b, ar, &sb, &lb);
	*c = text_cmp(sa, la, sb, lb);
}

void
expr_value_text(const struct expr_value *v, struct arena *a, const char **s, size_t *len)
{
	switch (v->type) {
	case EXPR_TEXT:
		*s = v->s;
		*len = v->len;
		return;
	case EXPR_DEC: {
		char *p = arena_alloc(a, DEC_STR_MAX);
		*len = dec_to_str(&v->num, p);
		*s = p;
		return;
	}
	case EXPR_BOOL:
		*s = v->b ? "TRUE" : "FALSE";
		*len = v->b ? 4 : 5;
		return;
	case EXPR_TIME: {
		struct buf b;
		buf_init(&b, a, 24);
		if (jstfmt_format(&b, "yyyy-MM-dd HH:mm:ss", 19, v->ms, NULL) == 0) {
			*s = b.data;
			*len = b.len;
			return;
		}
		break;
	}
	case EXPR_NULL:
		break;
	}
	*s = "";
	*len = 0;
}

/* arith_step: *acc = *acc (ops[i]) *b, failing at operator i of n. */
static int
arith_step(struct expr_ev *ev, const struct expr_node *n, uint32_t i, struct dec *acc,
    const struct dec *b)
{
	int op = n->ops[i], rc;
	const char *where = op_names[op];
	size_t col = n->op_cols[i];
	switch (op) {
	case OP_ADD:
		rc = dec_add(acc, b, acc);
		break;
	case OP_SUB:
		rc = dec_sub(acc, b, acc);
		break;
	case OP_MUL:
		rc = dec_mul(acc, b, acc);
		if (rc != 0 && acc->scale + b->scale > DEC_MAX_SCALE)
			return fail_at(ev, col, where, rc,
			    "掛け算の結果の小数が18桁を超えます（round() で丸めてください）");
		break;
	default:
		if (dec_is_zero(b))
			return fail_at(ev, col, where, -ERR_INVALID, "0で割ることはできません");
		rc = dec_div(acc, b, 10, DEC_HALF_EVEN, acc);
		dec_normalize(acc);
		break;
	}
	if (rc != 0)
		return fail_at(ev, col, where, rc, "計算結果が大きすぎます（全体36桁まで）");
	return 0;
}

/* arith: the first count operands of N_ARITH n combined left to right. */
static int
arith(struct expr_ev *ev, const struct expr_node *n, uint32_t count, struct dec *acc,
    bool *is_null)
{
	struct expr_value v;
	bool null_any = false, nl;
	struct dec b;
	int rc;
	for (uint32_t i = 0; i < count; i++) {
		if ((rc = expr_eval_node(ev, n->args[i], &v)) != 0)
			return rc;
		if ((rc = expr_eval_num(ev, n->args[i], &v, &b, &nl)) != 0) {
			/* report the operator next to the bad operand */
			uint32_t k = i == 0 ? 1 : i;
			if (ev->err != NULL) {
				ev->err->column = n->op_cols[k];
				snprintf(ev->err->where, sizeof ev->err->where, "%s", op_names[n->ops[k]]);
			}
			return rc;
		}
		if (nl)
			null_any = true;
		if (null_any)
			continue;
		if (i == 0)
			*acc = b;
		else if ((rc = arith_step(ev, n, i, acc, &b)) != 0)
			return rc;
	}
	*is_null = null_any;
	return 0;
}

int
expr_eval_div_to(struct expr_ev *ev, const struct expr_node *n, int digits, enum dec_round mode,
    struct expr_value *out)
{
	struct dec acc, b;
	bool is_null, nl;
	uint32_t last = n->nargs - 1;
	int rc = arith(ev, n, last, &acc, &is_null);
	struct expr_value v;
	if (rc != 0 || (rc = expr_eval_node(ev, n->args[last], &v)) != 0 ||
	    (rc = expr_eval_num(ev, n->args[last], &v, &b, &nl)) != 0)
		return rc;
	if (is_null || nl) {
		out->type = EXPR_NULL;
		return 0;
	}
	if (dec_is_zero(&b))
		return fail_at(ev, n->op_cols[last], "/", -ERR_INVALID, "0で割ることはできません");
	rc = dec_div(&acc, &b, digits, mode, &out->num);
	if (rc != 0)
		return fail_at(ev, n->op_cols[last], "/", rc, "計算結果が大きすぎます（全体36桁まで）");
	out->type = EXPR_DEC;
	return 0;
}

static int
concat(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out)
{
	const char *ps[8];
	size_t ls[8];
	const char **pv = ps;
	size_t *lv = ls, total = 0;
	if (n->nargs > 8) {
		pv = arena_alloc(ev->a, n->nargs * sizeof *pv);
		lv = arena_alloc(ev->a, n->nargs * sizeof *lv);
	}
	for (uint32_t i = 0; i < n->nargs; i++) {
		struct expr_value v;
		int rc = expr_eval_node(ev, n->args[i], &v);
		if (rc != 0)
			return rc;
		expr_value_text(&v, ev->a, &pv[i], &lv[i]);
		total += lv[i];
		if (total > EXPR_MAX_TEXT)
			return expr_eval_produce(ev, n, total);
	}
	int rc = expr_eval_produce(ev, n, total);
	if (rc != 0)
		return rc;
	char *s = arena_alloc(ev->a, total + 1);
	size_t o = 0;
	for (uint32_t i = 0; i < n->nargs; i++) {
		memcpy(s + o, pv[i], lv[i]);
		o += lv[i];
	}
	s[o] = '\0';
	out->type = EXPR_TEXT;
	out->s = s;
	out->len = o;
	return 0;
}

static int
call(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out)
{
	const struct expr_fn_def *fn = n->fn;
	if (fn->lazy)
		return fn->call(ev, n, NULL, out);
	struct expr_value stackv[8];
	struct expr_value *args = stackv;
	if (n->nargs > 8)
		args = arena_alloc(ev->a, n->nargs * sizeof *args);
	for (uint32_t i = 0; i < n->nargs; i++) {
		int rc = expr_eval_node(ev, n->args[i], &args[i]);
		if (rc != 0)
			return rc;
	}
	return fn->call(ev, n, args, out);
}

int
expr_eval_node(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out)
{
	struct expr_value v, w;
	struct dec d;
	bool nl, t = false;
	int rc, c;
	switch (n->kind) {
	case N_LIT:
		*out = n->lit;
		return 0;
	case N_FIELD:
		if (ev->env->field == NULL)
			return expr_eval_fail(ev, n, -ERR_INVALID, "項目を読む手段がありません");
		out->type = EXPR_NULL;
		rc = ev->env->field(ev->env->ctx, n->field, ev->a, out);
		if (rc != 0)
			return expr_eval_fail(ev, n, rc < 0 ? rc : -rc, "項目の値を読めません（%s）",
			    err_name(rc));
		return 0;
	case N_NEG:
		if ((rc = expr_eval_node(ev, n->args[0], &v)) != 0 ||
		    (rc = expr_eval_num(ev, n, &v, &d, &nl)) != 0)
			return rc;
		if (nl) {
			out->type = EXPR_NULL;
			return 0;
		}
		d.coef = -d.coef;
		out->type = EXPR_DEC;
		out->num = d;
		return 0;
	case N_NOT:
		if ((rc = expr_eval_node(ev, n->args[0], &v)) != 0 ||
		    (rc = expr_eval_truth(ev, n, &v, &t)) != 0)
			return rc;
		out->type = EXPR_BOOL;
		out->b = !t;
		return 0;
	case N_ARITH:
		if ((rc = arith(ev, n, n->nargs, &d, &nl)) != 0)
			return rc;
		if (nl) {
			out->type = EXPR_NULL;
		} else {
			out->type = EXPR_DEC;
			out->num = d;
		}
		return 0;
	case N_CONCAT:
		return concat(ev, n, out);
	case N_CMP:
		if ((rc = expr_eval_node(ev, n->args[0], &v)) != 0 ||
		    (rc = expr_eval_node(ev, n->args[1], &w)) != 0)
			return rc;
		expr_eval_cmp(&v, &w, ev->a, &c);
		switch (n->op) {
		case OP_EQ: t = c == 0; break;
		case OP_NE: t = c != 0; break;
		case OP_LT: t = c < 0; break;
		case OP_LE: t = c <= 0; break;
		case OP_GT: t = c > 0; break;
		default: t = c >= 0; break;
		}
		out->type = EXPR_BOOL;
		out->b = t;
		return 0;
	case N_AND:
	case N_OR:
		for (uint32_t i = 0; i < n->nargs; i++) {
			if ((rc = expr_eval_node(ev, n->args[i], &v)) != 0)
				return rc;
			if ((rc = expr_eval_truth(ev, n->args[i], &v, &t)) != 0) {
				if (ev->err != NULL) {
					ev->err->column = n->op_cols[i == 0 ? 1 : i];
					snprintf(ev->err->where, sizeof ev->err->where, "%s",
					    n->kind == N_AND ? "AND" : "OR");
				}
				return rc;
			}
			if (t != (n->kind == N_AND))
				break;  /* AND met a false, OR met a true */
		}
		out->type = EXPR_BOOL;
		out->b = t;
		return 0;
	case N_CALL:
		return call(ev, n, out);
	}
	return expr_eval_fail(ev, n, -ERR_INVALID, "内部エラー: 不明なノード");
}

int
expr_eval(const struct expr *e, const struct expr_env *env, struct arena *scratch,
    struct expr_value *out, struct expr_error *err)
{
	struct expr_ev ev;
	ev.env = env;
	ev.a = scratch;
	ev.err = err;
	ev.produced = 0;
	if (err != NULL) {
		err->code = 0;
		err->column = 0;
		err->where[0] = '\0';
		err->msg[0] = '\0';
	}
	out->type = EXPR_NULL;
	int rc = expr_eval_node(&ev, e->root, out);
	if (rc != 0)
		out->type = EXPR_NULL;
	return rc;
}
