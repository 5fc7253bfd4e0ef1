/* expr_parse.c: recursive-descent parser that compiles an expression into a tree (expr_compile). */
#include "expr_impl.h"

#include <string.h>

#include "core/err.h"

struct parser {
	struct expr_lexer lx;
	struct arena *a;
	const struct expr_catalog *cat;
	struct expr_error *err;
	int depth;
	size_t *fields;
	size_t nfields, capfields;
};

/* A growing list of operands of an n-ary node. */
struct list {
	struct expr_node **v;
	uint8_t *ops;
	uint32_t *cols;
	size_t n, cap;
};

typedef int sub_fn(struct parser *p, struct expr_node **out);
typedef int op_fn(const struct parser *p);

static int parse_or(struct parser *p, struct expr_node **out);
static int parse_and(struct parser *p, struct expr_node **out);
static int parse_not(struct parser *p, struct expr_node **out);
static int parse_cmp(struct parser *p, struct expr_node **out);
static int cmp_op(enum expr_tok_kind k);
static int parse_concat(struct parser *p, struct expr_node **out);
static int parse_add(struct parser *p, struct expr_node **out);
static int parse_mul(struct parser *p, struct expr_node **out);
static int parse_unary(struct parser *p, struct expr_node **out);
static int parse_primary(struct parser *p, struct expr_node **out);
static int parse_call(struct parser *p, struct expr_node **out);
static int nary(struct parser *p, enum expr_node_kind kind, sub_fn *sub, op_fn *opof,
    struct expr_node **out);
static int op_or(const struct parser *p);
static int op_and(const struct parser *p);
static int op_concat(const struct parser *p);
static int op_add(const struct parser *p);
static int op_mul(const struct parser *p);
static bool is_kw(const struct expr_tok *t, const char *kw);
static bool same_ci(const char *a, size_t an, const char *b);
static struct expr_node *new_node(struct parser *p, enum expr_node_kind kind, size_t col);
static void list_push(struct parser *p, struct list *l, struct expr_node *x, int op, size_t col);
static int deeper(struct parser *p, size_t col);
static int unexpected(struct parser *p);
static int field_ref(struct parser *p, const struct expr_tok *t, bool label,
    struct expr_node **out);
static void use_field(struct parser *p, size_t idx);

static struct expr_node *
new_node(struct parser *p, enum expr_node_kind kind, size_t col)
{
	struct expr_node *n = arena_calloc(p->a, 1, sizeof *n);
	n->kind = kind;
	n->col = (uint32_t)col;
	n->aux = -1;
	n->aux2 = -1;
	return n;
}

static void
list_push(struct parser *p, struct list *l, struct expr_node *x, int op, size_t col)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 4;
		l->v = arena_realloc(p->a, l->v, l->cap * sizeof *l->v, nc * sizeof *l->v);
		l->ops = arena_realloc(p->a, l->ops, l->cap, nc);
		l->cols = arena_realloc(p->a, l->cols, l->cap * sizeof *l->cols, nc * sizeof *l->cols);
		l->cap = nc;
	}
	l->v[l->n] = x;
	l->ops[l->n] = (uint8_t)op;
	l->cols[l->n] = (uint32_t)col;
	l->n++;
}

/* same_ci: a[0..an) equals the lower-case NUL-terminated b, ignoring ASCII case. */
static bool
same_ci(const char *a, size_t an, const char *b)
{
	size_t i = 0;
	for (; i < an && b[i] != '\0'; i++) {
		char c = a[i];
		char d = b[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (d >= 'A' && d <= 'Z')
			d = (char)(d - 'A' + 'a');
		if (c != d)
			return false;
	}
	return i == an && b[i] == '\0';
}

static bool
is_kw(const struct expr_tok *t, const char *kw)
{
	return t->kind == TOK_IDENT && same_ci(t->p, t->n, kw);
}

static int
deeper(struct parser *p, size_t col)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return expr_lex_fail(p->err, -ERR_TOO_LARGE, col, NULL,
		    "式の入れ子が深すぎます（かっこ・関数・符号は最大%d段）", EXPR_MAX_DEPTH);
	return 0;
}

/* unexpected: the error for a token that cannot come here. */
static int
unexpected(struct parser *p)
{
	const struct expr_tok *t = &p->lx.tok;
	char snip[128];
	if (t->kind == TOK_EOF)
		return expr_lex_fail(p->err, -ERR_INVALID, t->col, NULL, "式が途中で終わっています");
	if (t->kind == TOK_STR)
		return expr_lex_fail(p->err, -ERR_INVALID, t->col, NULL,
		    "ここに文字列「\"%s\"」は書けません（演算子か , が抜けていませんか）",
		    expr_lex_snippet(snip, sizeof snip, t->p, t->n));
	if (t->kind == TOK_RP)
		return expr_lex_fail(p->err, -ERR_INVALID, t->col, NULL,
		    "「)」が多すぎるか、その前に値がありません");
	return expr_lex_fail(p->err, -ERR_INVALID, t->col, NULL, "ここに「%s」は書けません",
	    expr_lex_snippet(snip, sizeof snip, t->p, t->n));
}

static int
nary(struct parser *p, enum expr_node_kind kind, sub_fn *sub, op_fn *opof, struct expr_node **out)
{
	struct expr_node *first;
	int rc = sub(p, &first);
	if (rc != 0)
		return rc;
	if (opof(p) < 0) {
		*out = first;
		return 0;
	}
	struct list l = { 0 };
	list_push(p, &l, first, 0, first->col);
	int op;
	while ((op = opof(p)) >= 0) {
		size_t col = p->lx.tok.col;
		struct expr_node *x;
		if ((rc = expr_lex_next(&p->lx)) != 0 || (rc = sub(p, &x)) != 0)
			return rc;
		list_push(p, &l, x, op, col);
	}
	struct expr_node *n = new_node(p, kind, l.cols[1]);
	n->nargs = (uint32_t)l.n;
	n->args = l.v;
	n->ops = l.ops;
	n->op_cols = l.cols;
	*out = n;
	return 0;
}

static int
op_or(const struct parser *p)
{
	return is_kw(&p->lx.tok, "or") ? 0 : -1;
}

static int
op_and(const struct parser *p)
{
	return is_kw(&p->lx.tok, "and") ? 0 : -1;
}

static int
op_concat(const struct parser *p)
{
	return p->lx.tok.kind == TOK_AMP ? 0 : -1;
}

static int
op_add(const struct parser *p)
{
	enum expr_tok_kind k = p->lx.tok.kind;
	return k == TOK_PLUS ? OP_ADD : k == TOK_MINUS ? OP_SUB : -1;
}

static int
op_mul(const struct parser *p)
{
	enum expr_tok_kind k = p->lx.tok.kind;
	return k == TOK_STAR ? OP_MUL : k == TOK_SLASH ? OP_DIV : -1;
}

static int
parse_or(struct parser *p, struct expr_node **out)
{
	return nary(p, N_OR, parse_and, op_or, out);
}

static int
parse_and(struct parser *p, struct expr_node **out)
{
	return nary(p, N_AND, parse_not, op_and, out);
}

static int
parse_not(struct parser *p, struct expr_node **out)
{
	if (!is_kw(&p->lx.tok, "not"))
		return parse_cmp(p, out);
	size_t col = p->lx.tok.col;
	struct expr_node *x;
	int rc;
	if ((rc = deeper(p, col)) != 0 || (rc = expr_lex_next(&p->lx)) != 0 ||
	    (rc = parse_not(p, &x)) != 0)
		return rc;
	p->depth--;
	struct expr_node *n = new_node(p, N_NOT, col);
	n->nargs = 1;
	n->args = arena_alloc(p->a, sizeof *n->args);
	n->args[0] = x;
	*out = n;
	return 0;
}

static int
cmp_op(enum expr_tok_kind k)
{
	switch (k) {
	case TOK_EQ: return OP_EQ;
	case TOK_NE: return OP_NE;
	case TOK_LT: return OP_LT;
	case TOK_LE: return OP_LE;
	case TOK_GT: return OP_GT;
	case TOK_GE: return OP_GE;
	default: return -1;
	}
}

static int
parse_cmp(struct parser *p, struct expr_node **out)
{
	struct expr_node *l, *r;
	int rc = parse_concat(p, &l);
	if (rc != 0)
		return rc;
	int op = cmp_op(p->lx.tok.kind);
	if (op < 0) {
		*out = l;
		return 0;
	}
	size_t col = p->lx.tok.col;
	if ((rc = expr_lex_next(&p->lx)) != 0 || (rc = parse_concat(p, &r)) != 0)
		return rc;
	if (cmp_op(p->lx.tok.kind) >= 0)
		return expr_lex_fail(p->err, -ERR_INVALID, p->lx.tok.col, NULL,
		    "比較は続けて書けません（a < b AND b < c のように AND でつなぎます）");
	struct expr_node *n = new_node(p, N_CMP, col);
	n->op = (enum expr_op)op;
	n->nargs = 2;
	n->args = arena_alloc(p->a, 2 * sizeof *n->args);
	n->args[0] = l;
	n->args[1] = r;
	*out = n;
	return 0;
}

static int
parse_concat(struct parser *p, struct expr_node **out)
{
	return nary(p, N_CONCAT, parse_add, op_concat, out);
}

static int
parse_add(struct parser *p, struct expr_node **out)
{
	return nary(p, N_ARITH, parse_mul, op_add, out);
}

static int
parse_mul(struct parser *p, struct expr_node **out)
{
	return nary(p, N_ARITH, parse_unary, op_mul, out);
}

static int
parse_unary(struct parser *p, struct expr_node **out)
{
	if (p->lx.tok.kind != TOK_MINUS)
		return parse_primary(p, out);
	size_t col = p->lx.tok.col;
	struct expr_node *x;
	int rc;
	if ((rc = deeper(p, col)) != 0 || (rc = expr_lex_next(&p->lx)) != 0 ||
	    (rc = parse_unary(p, &x)) != 0)
		return rc;
	p->depth--;
	if (x->kind == N_LIT && x->lit.type == EXPR_DEC) {
		x->lit.num.coef = -x->lit.num.coef;  /* a negative literal */
		x->col = (uint32_t)col;
		*out = x;
		return 0;
	}
	struct expr_node *n = new_node(p, N_NEG, col);
	n->nargs = 1;
	n->args = arena_alloc(p->a, sizeof *n->args);
	n->args[0] = x;
	*out = n;
	return 0;
}

static void
use_field(struct parser *p, size_t idx)
{
	size_t i = 0;
	while (i < p->nfields && p->fields[i] < idx)
		i++;
	if (i < p->nfields && p->fields[i] == idx)
		return;
	if (p->nfields == p->capfields) {
		size_t nc = p->capfields ? p->capfields * 2 : 8;
		p->fields = arena_realloc(p->a, p->fields, p->capfields * sizeof *p->fields,
		    nc * sizeof *p->fields);
		p->capfields = nc;
	}
	memmove(p->fields + i + 1, p->fields + i, (p->nfields - i) * sizeof *p->fields);
	p->fields[i] = idx;
	p->nfields++;
}

static int
field_ref(struct parser *p, const struct expr_tok *t, bool label, struct expr_node **out)
{
	size_t count = p->cat != NULL ? p->cat->count : 0, found = count;
	for (size_t i = 0; i < count && found == count; i++) {
		const struct expr_field *f = &p->cat->fields[i];
		if (label && f->label != NULL && strlen(f->label) == t->n &&
		    memcmp(f->label, t->p, t->n) == 0)
			found = i;
	}
	for (size_t i = 0; i < count && found == count; i++) {
		const struct expr_field *f = &p->cat->fields[i];
		if (f->name != NULL && same_ci(t->p, t->n, f->name))
			found = i;
	}
	if (found == count) {
		char snip[128];
		return expr_lex_fail(p->err, -ERR_INVALID, t->col, NULL, "項目「%s」はありません",
		    expr_lex_snippet(snip, sizeof snip, t->p, t->n));
	}
	use_field(p, found);
	struct expr_node *n = new_node(p, N_FIELD, t->col);
	n->field = found;
	*out = n;
	return 0;
}

static int
parse_call(struct parser *p, struct expr_node **out)
{
	struct expr_tok name = p->lx.tok;
	char snip[128];
	const struct expr_fn_def *fn = expr_fn_find(name.p, name.n);
	if (fn == NULL)
		return expr_lex_fail(p->err, -ERR_INVALID, name.col, NULL, "関数「%s」はありません",
		    expr_lex_snippet(snip, sizeof snip, name.p, name.n));
	int rc;
	if ((rc = deeper(p, name.col)) != 0 || (rc = expr_lex_next(&p->lx)) != 0 ||
	    (rc = expr_lex_next(&p->lx)) != 0)
		return rc;  /* past the name and '(' */
	struct list l = { 0 };
	if (p->lx.tok.kind != TOK_RP) {
		for (;;) {
			if (l.n == EXPR_MAX_ARGS)
				return expr_lex_fail(p->err, -ERR_TOO_LARGE, p->lx.tok.col, NULL,
				    "関数 %s の引数が多すぎます（最大%d個）", fn->info.name, EXPR_MAX_ARGS);
			struct expr_node *x;
			if ((rc = parse_or(p, &x)) != 0)
				return rc;
			list_push(p, &l, x, 0, x->col);
			if (p->lx.tok.kind == TOK_RP)
				break;
			if (p->lx.tok.kind == TOK_EOF)
				return expr_lex_fail(p->err, -ERR_INVALID, p->lx.tok.col, NULL,
				    "関数 %s の「)」がありません", fn->info.name);
			if (p->lx.tok.kind != TOK_COMMA)
				return expr_lex_fail(p->err, -ERR_INVALID, p->lx.tok.col, NULL,
				    "ここに「%s」は書けません（関数の引数は , で区切ります）",
				    expr_lex_snippet(snip, sizeof snip, p->lx.tok.p, p->lx.tok.n));
			if ((rc = expr_lex_next(&p->lx)) != 0)
				return rc;
		}
	}
	if ((rc = expr_lex_next(&p->lx)) != 0)
		return rc;
	p->depth--;
	int min = fn->info.min_args, max = fn->info.max_args;
	if ((int)l.n < min || (max >= 0 && (int)l.n > max)) {
		const char *hint = fn->count_hint != NULL ? fn->count_hint : "";
		if (max < 0)
			return expr_lex_fail(p->err, -ERR_INVALID, name.col, NULL,
			    "関数 %s の引数は%d個以上です（%zu個あります）%s", fn->info.name, min, l.n, hint);
		if (min == max)
			return expr_lex_fail(p->err, -ERR_INVALID, name.col, NULL,
			    "関数 %s の引数は%d個です（%zu個あります）%s", fn->info.name, min, l.n, hint);
		return expr_lex_fail(p->err, -ERR_INVALID, name.col, NULL,
		    "関数 %s の引数は%d〜%d個です（%zu個あります）%s", fn->info.name, min, max, l.n,
		    hint);
	}
	struct expr_node *n = new_node(p, N_CALL, name.col);
	n->fn = fn;
	n->nargs = (uint32_t)l.n;
	n->args = l.v;
	if (fn->prep != NULL && (rc = fn->prep(n, p->a, p->err)) != 0)
		return rc;
	*out = n;
	return 0;
}

static int
parse_primary(struct parser *p, struct expr_node **out)
{
	struct expr_tok t = p->lx.tok;
	struct expr_node *n;
	int rc;
	switch (t.kind) {
	case TOK_NUM:
		n = new_node(p, N_LIT, t.col);
		n->lit.type = EXPR_DEC;
		rc = dec_parse(t.p, t.n, &n->lit.num);
		if (rc != 0)
			return expr_lex_fail(p->err, rc, t.col, NULL,
			    "数値の桁数が多すぎます（小数は18桁、全体で36桁まで）");
		break;
	case TOK_STR: {
		n = new_node(p, N_LIT, t.col);
		n->lit.type = EXPR_TEXT;
		char *s = arena_alloc(p->a, t.n + 1);
		size_t k = 0;
		for (size_t i = 0; i < t.n; i++) {
			s[k++] = t.p[i];
			if (t.p[i] == '"')
				i++;  /* "" is one quote */
		}
		s[k] = '\0';
		n->lit.s = s;
		n->lit.len = k;
		break;
	}
	case TOK_LABEL:
		rc = field_ref(p, &t, true, &n);
		if (rc != 0)
			return rc;
		break;
	case TOK_IDENT:
		if (is_kw(&t, "true") || is_kw(&t, "false")) {
			n = new_node(p, N_LIT, t.col);
			n->lit.type = EXPR_BOOL;
			n->lit.b = is_kw(&t, "true");
		} else if (is_kw(&t, "null")) {
			n = new_node(p, N_LIT, t.col);
			n->lit.type = EXPR_NULL;
		} else if (is_kw(&t, "not")) {
			return expr_lex_fail(p->err, -ERR_INVALID, t.col, NULL,
			    "ここに NOT は書けません（(NOT x) のようにかっこで囲んでください）");
		} else if (is_kw(&t, "and") || is_kw(&t, "or")) {
			return expr_lex_fail(p->err, -ERR_INVALID, t.col, NULL,
			    "ここに「%.*s」は書けません（その前に値がありません）", (int)t.n, t.p);
		} else {
			struct expr_lexer save = p->lx;
			if ((rc = expr_lex_next(&p->lx)) != 0)
				return rc;
			bool call = p->lx.tok.kind == TOK_LP;
			p->lx = save;
			if (call)
				return parse_call(p, out);
			rc = field_ref(p, &t, false, &n);
			if (rc != 0)
				return rc;
		}
		break;
	case TOK_LP:
		if ((rc = deeper(p, t.col)) != 0 || (rc = expr_lex_next(&p->lx)) != 0 ||
		    (rc = parse_or(p, &n)) != 0)
			return rc;
		if (p->lx.tok.kind != TOK_RP) {
			if (p->lx.tok.kind == TOK_EOF)
				return expr_lex_fail(p->err, -ERR_INVALID, p->lx.tok.col, NULL,
				    "「(」（%zu文字目）に対応する「)」がありません", t.col);
			return unexpected(p);
		}
		p->depth--;
		break;
	default:
		return unexpected(p);
	}
	if ((rc = expr_lex_next(&p->lx)) != 0)
		return rc;
	*out = n;
	return 0;
}

int
expr_compile(struct arena *a, const char *src, size_t len, const struct expr_catalog *cat,
    struct expr **out, struct expr_error *err)
{
	struct parser p;
	memset(&p, 0, sizeof p);
	p.a = a;
	p.cat = cat;
	p.err = err;
	if (err != NULL)
		memset(err, 0, sizeof *err);
	int rc = expr_lex_init(&p.lx, src, len, err);
	if (rc != 0)
		return rc;
	if (p.lx.tok.kind == TOK_EOF)
		return expr_lex_fail(err, -ERR_INVALID, 1, NULL, "式が空です");
	struct expr_node *root;
	if ((rc = parse_or(&p, &root)) != 0)
		return rc;
	if (p.lx.tok.kind != TOK_EOF) {
		if (p.lx.tok.kind == TOK_RP)
			return expr_lex_fail(err, -ERR_INVALID, p.lx.tok.col, NULL,
			    "「)」に対応する「(」がありません");
		char snip[128];
		const struct expr_tok *t = &p.lx.tok;
		const char *q = t->kind == TOK_STR ? "\"" : "";
		return expr_lex_fail(err, -ERR_INVALID, t->col, NULL, "「%s%s%s」の前に演算子がありません",
		    q, expr_lex_snippet(snip, sizeof snip, t->p, t->n), q);
	}
	struct expr *e = arena_calloc(a, 1, sizeof *e);
	e->root = root;
	e->fields = p.fields;
	e->nfields = p.nfields;
	*out = e;
	return 0;
}

const size_t *
expr_fields_used(const struct expr *e, size_t *count)
{
	static const size_t none[1] = { 0 };
	*count = e->nfields;
	return e->fields != NULL ? e->fields : none;
}
