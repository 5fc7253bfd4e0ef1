/* expr_impl.h: private structures shared by the expr_*.c files (lexer, parser, evaluator, functions). */
#ifndef ECC_EXPR_IMPL_H
#define ECC_EXPR_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/expr.h"

/* ---- lexer (expr_lex.c) ---- */

enum expr_tok_kind {
	TOK_EOF = 0,
	TOK_NUM,     /* 12, 0.08 (text in p/n) */
	TOK_STR,     /* "…" (p/n without the quotes, "" still doubled) */
	TOK_IDENT,   /* name, keyword or function name */
	TOK_LABEL,   /* [単価] (p/n without the brackets) */
	TOK_LP,
	TOK_RP,
	TOK_COMMA,
	TOK_PLUS,
	TOK_MINUS,
	TOK_STAR,
	TOK_SLASH,
	TOK_AMP,
	TOK_EQ,
	TOK_NE,
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE,
};

struct expr_tok {
	enum expr_tok_kind kind;
	const char *p;   /* the token's bytes in the source */
	size_t n;
	size_t col;      /* 1-based character column of its first character */
	bool escaped;    /* TOK_STR: contains "" */
};

struct expr_lexer {
	const char *src;
	size_t len;
	size_t pos;              /* byte offset of the next unread byte */
	size_t col;              /* its 1-based character column */
	struct expr_tok tok;     /* the current token */
	struct expr_error *err;
};

/* expr_lex_init: check the source (length, UTF-8, NUL) and read the first
 * token. Returns 0 or -ERR_* with err filled. */
int expr_lex_init(struct expr_lexer *lx, const char *src, size_t len, struct expr_error *err);

/* expr_lex_next: read the next token into lx->tok. 0 or -ERR_INVALID. */
int expr_lex_next(struct expr_lexer *lx);

/* expr_lex_fail: fill err (may be NULL) and return code. fmt is constant;
 * the message is cut at a character boundary to fit. where may be NULL. */
int expr_lex_fail(struct expr_error *err, int code, size_t col, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* expr_lex_vfail: expr_lex_fail with a va_list. */
int expr_lex_vfail(struct expr_error *err, int code, size_t col, const char *where,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* expr_lex_snippet: s[0..n) made safe to quote in a message into dst (cap
 * bytes): at most 24 characters (then "…"), control characters as '?',
 * ill-formed UTF-8 as U+FFFD. Returns dst. */
char *expr_lex_snippet(char *dst, size_t cap, const char *s, size_t n);

/* ---- tree (expr_parse.c builds it, expr_eval.c walks it) ---- */

enum expr_node_kind {
	N_LIT = 0,
	N_FIELD,
	N_NEG,
	N_NOT,
	N_ARITH,   /* args[0] ops[1] args[1] ops[2] args[2] …, left to right */
	N_CONCAT,
	N_CMP,     /* args[0] op args[1] */
	N_AND,
	N_OR,
	N_CALL,
};

enum expr_op {
	OP_ADD = 0, OP_SUB, OP_MUL, OP_DIV,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
};

struct expr_fn_def;

struct expr_node {
	enum expr_node_kind kind;
	enum expr_op op;                /* N_CMP */
	uint32_t col;                   /* where it is in the source */
	uint32_t nargs;
	struct expr_node **args;
	uint8_t *ops;                   /* N_ARITH: operator before args[i] (i >= 1) */
	uint32_t *op_cols;              /* N_ARITH, N_CONCAT, N_AND, N_OR: operator columns */
	const struct expr_fn_def *fn;   /* N_CALL */
	int aux;                        /* N_CALL: a constant prepared at compile time, or -1 */
	int aux2;                       /* N_CALL: a second one, or -1 */
	size_t field;                   /* N_FIELD: catalog index */
	struct expr_value lit;          /* N_LIT */
};

struct expr {
	struct expr_node *root;
	size_t *fields;
	size_t nfields;
};

/* ---- evaluation (expr_eval.c) ---- */

struct expr_ev {
	const struct expr_env *env;
	struct arena *a;
	struct expr_error *err;
	size_t produced;   /* bytes of text produced so far */
};

/* expr_eval_node: evaluate n into *out. 0 or -ERR_* with ev->err filled. */
int expr_eval_node(struct expr_ev *ev, const struct expr_node *n, struct expr_value *out);

/* expr_eval_fail: fill ev->err for a failure in n (its column and its
 * function or operator name) and return code. */
int expr_eval_fail(struct expr_ev *ev, const struct expr_node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* expr_eval_num: v as a decimal; *is_null true (and *out 0) for null and
 * "". Text that is not a number, bool and datetime fail in n. */
int expr_eval_num(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    struct dec *out, bool *is_null);

/* expr_eval_int: v as an integer in lo..hi for argument what of n (null
 * fails too). */
int expr_eval_int(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    const char *what, int64_t lo, int64_t hi, int64_t *out);

/* expr_eval_truth: v as a condition (see expr.h), failing in n. */
int expr_eval_truth(struct expr_ev *ev, const struct expr_node *n, const struct expr_value *v,
    bool *out);

/* expr_eval_produce: account len new bytes of text made by n; fails when
 * one text passes EXPR_MAX_TEXT or the evaluation EXPR_MAX_PRODUCED. */
int expr_eval_produce(struct expr_ev *ev, const struct expr_node *n, size_t len);

/* expr_eval_div_to: the arithmetic node n whose last operator is '/',
 * divided once to digits decimals with mode (round's fused division). */
int expr_eval_div_to(struct expr_ev *ev, const struct expr_node *n, int digits,
    enum dec_round mode, struct expr_value *out);

/* expr_eval_cmp: compare a and b by the comparison rules; *c is <0, 0, >0. */
void expr_eval_cmp(const struct expr_value *a, const struct expr_value *b, struct arena *ar, int *c);

/* ---- functions (expr_fn*.c) ---- */

/* expr_fn_call: evaluate function node n; args holds its evaluated
 * arguments, or is NULL for a lazy function (which evaluates n->args
 * itself). */
typedef int expr_fn_call(struct expr_ev *ev, const struct expr_node *n,
    const struct expr_value *args, struct expr_value *out);

/* expr_fn_prep: compile-time check of n's constant arguments; may set
 * n->aux / n->aux2 and allocate from the compile arena a. 0 or -ERR_* with
 * err filled. */
typedef int expr_fn_prep(struct expr_node *n, struct arena *a, struct expr_error *err);

struct expr_fn_def {
	struct expr_fn_info info;
	expr_fn_call *call;
	expr_fn_prep *prep;   /* may be NULL */
	bool lazy;
	const char *count_hint;  /* added to a wrong-argument-count error, or NULL */
};

/* expr_fn_find: the function named s[0..n) (ASCII case-insensitive), or NULL. */
const struct expr_fn_def *expr_fn_find(const char *s, size_t n);

/* expr_fn_text: v's text as expr_value_text gives it (never fails). */
void expr_fn_text(struct expr_ev *ev, const struct expr_value *v, const char **s, size_t *len);

/* expr_fn_set_text: *out = text s[0..len) produced by n (limits checked). */
int expr_fn_set_text(struct expr_ev *ev, const struct expr_node *n, const char *s, size_t len,
    struct expr_value *out);

/* the calls and preps, one group per file */
expr_fn_call expr_fn_if, expr_fn_case, expr_fn_coalesce, expr_fn_lookup;
expr_fn_call expr_fn_text_substr, expr_fn_text_left, expr_fn_text_right, expr_fn_text_len,
    expr_fn_text_replace, expr_fn_text_trim, expr_fn_text_upper, expr_fn_text_lower,
    expr_fn_text_zen2han, expr_fn_text_han2zen, expr_fn_text_split, expr_fn_text_address_part;
expr_fn_prep expr_fn_text_prep_kana, expr_fn_text_prep_split;
expr_fn_call expr_fn_num_round, expr_fn_num_number, expr_fn_num_zeropad;
expr_fn_prep expr_fn_num_prep_round, expr_fn_num_prep_number;
expr_fn_call expr_fn_date_date, expr_fn_date_now;
expr_fn_prep expr_fn_date_prep_date;

#endif
