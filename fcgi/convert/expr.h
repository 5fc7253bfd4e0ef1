/* expr.h: the expression language of conversion templates: compile once, evaluate per record. */
#ifndef ECC_EXPR_H
#define ECC_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/dec.h"
#include "core/arena.h"
#include "core/buf.h"

/*
 * Syntax (Excel-like):
 *   literals     12  0.08  "text" ("" inside is one quote)  TRUE FALSE NULL
 *   fields       order_number  line.unit_price   ([A-Za-z_][A-Za-z0-9_.]*)
 *                [単価]  [order_number]   (a label or a name in brackets;
 *                a label cannot contain ']')
 *   operators    by precedence, highest first:
 *                  unary -
 *                  *  /
 *                  +  -
 *                  &            (text concatenation)
 *                  = <> < <= > >=   (not chainable: a = b = c is an error)
 *                  NOT
 *                  AND
 *                  OR
 *                parentheses; calls NAME(arg, …). Keywords (TRUE FALSE NULL
 *                AND OR NOT) and function names are case-insensitive and
 *                win over field names of the same spelling (write [and]).
 *   spaces       ASCII space, tab, CR, LF and the ideographic space U+3000.
 *   A full-width operator or bracket (＋ （ ） ＝ ，…) outside a string is an
 *   error that says to type it in half width.
 *
 * Types and rules at run time:
 *   null, text, decimal (convert/dec.h), bool, datetime (epoch ms UTC).
 *   - Arithmetic (unary -, + - * /) takes decimals, and text that
 *     dec_parse accepts ("1200", "-0.5"); other text is an error
 *     (数値ではありません: "abc"); bool and datetime are errors. null and ""
 *     make the result null (an empty cell), they are not 0.
 *   - + - * are exact (dec_add/sub/mul; more than 18 decimals is an error
 *     asking for round()). a / b has 10 decimals, half-even, trailing
 *     zeros removed (10/4 → 2.5, 1/3 → 0.3333333333); division by 0 is an
 *     error. round(x, d, mode) whose x ends in a division (round(a / b,
 *     …), round(a * b / c, …)) does that last division once, straight
 *     to d decimals with mode (no double rounding through 10 decimals).
 *   - a & b: text of both sides (expr_value_text rules: null → "").
 *   - Comparisons: two numbers (or a number and numeric text) compare
 *     numerically; two datetimes (or a datetime and text jstfmt_parse
 *     accepts) by instant; two bools with FALSE < TRUE; everything else
 *     compares the texts byte by byte, with null as "" (so x = "" is true
 *     for null and for empty text).
 *   - Conditions (of if, AND, OR, NOT): TRUE/FALSE as they are; null and
 *     "" are false; a number (or numeric text) is true when not zero; the
 *     texts "TRUE"/"FALSE" in any case; anything else (other text, a
 *     datetime) is an error. AND and OR evaluate left to right and stop
 *     as soon as the result is known; if, case and coalesce evaluate only
 *     the branch they return.
 *   - Text functions read null as ""; date, number, zeropad and round give
 *     null (an empty cell) for null or "".
 *   - Every produced string is at most EXPR_MAX_TEXT bytes, and one
 *     evaluation produces at most EXPR_MAX_PRODUCED bytes in all.
 *
 * Functions: see expr_fn_help() for the list with Japanese help (date,
 * now, substr, left, right, len, replace, trim, upper, lower, zen2han,
 * han2zen, zeropad, number, if, case, coalesce, address_part, split,
 * round, lookup). Text positions and lengths count characters (code
 * points), never bytes; ill-formed UTF-8 in a value counts each bad byte
 * run as one character (only zen2han/han2zen refuse it, with an error).
 *
 * Limits (compile errors): source at most EXPR_MAX_SOURCE bytes of
 * well-formed UTF-8 without NUL, nesting (parentheses, calls, unary
 * operators) at most EXPR_MAX_DEPTH, at most EXPR_MAX_ARGS arguments per
 * call.
 *
 * Threads: a compiled expression is read-only; any number of evaluations
 * may run at once (each with its own scratch arena). No global state.
 */

#define EXPR_MAX_SOURCE   4096
#define EXPR_MAX_DEPTH    64
#define EXPR_MAX_ARGS     64
#define EXPR_MAX_TEXT     (64u * 1024u)
#define EXPR_MAX_PRODUCED (1024u * 1024u)

enum expr_type {
	EXPR_NULL = 0,
	EXPR_TEXT,
	EXPR_DEC,
	EXPR_BOOL,
	EXPR_TIME,
};

/* A value. Text is s[0..len), not necessarily NUL-terminated, and lives as
 * long as whatever produced it (the scratch arena, the compiled expression
 * or the field getter's data). */
struct expr_value {
	enum expr_type type;
	union {
		struct {
			const char *s;
			size_t len;
		};
		struct dec num;   /* EXPR_DEC */
		bool b;           /* EXPR_BOOL */
		int64_t ms;       /* EXPR_TIME: epoch milliseconds, UTC */
	};
};

/*
 * A field the expressions may use. The field's index in the catalog array
 * is what the getter receives. name is an identifier ("line.unit_price");
 * label is the Japanese label used as [単価] (NULL when none). type is a
 * hint for the UI (what the getter normally returns); values are checked
 * by their actual type at run time.
 */
struct expr_field {
	const char *name;
	const char *label;
	enum expr_type type;
};

struct expr_catalog {
	const struct expr_field *fields;
	size_t count;
};

/*
 * What an evaluation may read. ctx is passed to both callbacks.
 *  field:  set *out to the value of field index of the current record
 *          (text, decimal, datetime or null); allocate only from scratch.
 *          Returns 0, or -ERR_* (the evaluation fails with that code).
 *  lookup: the value of key in the code table named table. Returns 0 with
 *          *val and *val_len set (memory outliving the evaluation, or from
 *          scratch); -ERR_NOT_FOUND when the key is not in the table;
 *          -ERR_INVALID when there is no such table; another -ERR_* for a
 *          failure. May be NULL (then lookup() is a run-time error).
 *  now_ms: what now() returns (the run's clock, fixed for a whole run).
 */
struct expr_env {
	int (*field)(void *ctx, size_t index, struct arena *scratch, struct expr_value *out);
	int (*lookup)(void *ctx, const char *table, size_t table_len, const char *key,
	    size_t key_len, struct arena *scratch, const char **val, size_t *val_len);
	void *ctx;
	int64_t now_ms;
};

/*
 * An error. code is the -ERR_* value also returned. msg is a Japanese
 * sentence (well-formed UTF-8, NUL-terminated, possibly shortened).
 * column is the 1-based character position in the source of the problem
 * (compile) or of the failing operator or function call (run time); 0
 * when there is none. where names the failing function ("substr") or
 * operator ("*") at run time, and is "" for compile errors.
 */
struct expr_error {
	int code;
	size_t column;
	char where[24];
	char msg[400];
};

struct expr;

/*
 * expr_compile: parse src[0..len) against cat into *out. The compiled
 * expression, its literals and its field list live in a (e.g. a
 * process-lifetime or template arena); src and cat may be freed after the
 * call (field names are not kept). Constant arguments are checked now:
 * date patterns, rounding modes, zen2han/han2zen flag names, argument
 * counts. Returns 0; on error -ERR_INVALID (syntax, unknown field or
 * function, bad constant) or -ERR_TOO_LARGE (a limit), with err filled
 * (when not NULL), e.g. `1 + ` → column 5 "式が途中で終わっています".
 * A failed compile may leave some memory in a (freed with a).
 */
int expr_compile(struct arena *a, const char *src, size_t len, const struct expr_catalog *cat,
    struct expr **out, struct expr_error *err);

/*
 * expr_eval: evaluate e for one record. Every allocation is made in
 * scratch (reset it per record; no malloc otherwise). *out may point into
 * scratch, e, or the getter's data. Returns 0; on a run-time error the
 * -ERR_* code (-ERR_INVALID for type/value errors, -ERR_NOT_FOUND for a
 * missing lookup key without default, -ERR_TOO_LARGE for limits, or the
 * code a callback returned) with err filled (when not NULL).
 */
int expr_eval(const struct expr *e, const struct expr_env *env, struct arena *scratch,
    struct expr_value *out, struct expr_error *err);

/*
 * expr_value_text: the output text of v: text as is, a decimal in its
 * canonical form ("5940", "2138.40"), TRUE/FALSE, a datetime as JST
 * "yyyy-MM-dd HH:mm:ss", null as "". Sets *s (NUL-terminated except when
 * v's own text is returned as is) and *len; allocates from a only when
 * conversion is needed. Never fails.
 */
void expr_value_text(const struct expr_value *v, struct arena *a, const char **s, size_t *len);

/* expr_fields_used: the catalog indexes e reads, ascending, without
 * duplicates; *count is their number. The array lives with e. */
const size_t *expr_fields_used(const struct expr *e, size_t *count);

/* One function of the language, for the UI's help: name (lower case),
 * argument counts (max_args -1 = any number up to EXPR_MAX_ARGS), a
 * usage line and a Japanese description. */
struct expr_fn_info {
	const char *name;
	int min_args;
	int max_args;
	const char *usage;
	const char *help;
};

/* expr_fn_help: the i-th function of the language (0-based, sorted by
 * name; static data), or NULL when i is past the last one. Loop from 0
 * until NULL to list them all. */
const struct expr_fn_info *expr_fn_help(size_t i);

#endif
