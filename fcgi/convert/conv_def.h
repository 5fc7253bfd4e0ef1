/* conv_def.h: a template's definition — its JSON form, validation with Japanese messages, and compilation. */
#ifndef ECC_CONV_DEF_H
#define ECC_CONV_DEF_H

#include <stdbool.h>
#include <stddef.h>

#include "convert/conv_fields.h"
#include "convert/cp932.h"
#include "convert/csv.h"
#include "convert/expr.h"
#include "core/arena.h"

/*
 * The stored form (conv_template_versions.definition) is this JSON object;
 * every key is required in the stored form (conv_def_json writes them all),
 * and conv_def_parse accepts a missing key as its default (shown here):
 *
 *   {
 *     "kind": "order_line",                  // conv_kind_name(); required
 *     "columns": [                           // 1..CONV_MAX_COLUMNS; required
 *       {"header": "店舗伝票番号", "source": "field", "value": "order_number"},
 *       {"header": "税金",         "source": "fixed", "value": "0"},
 *       {"header": "小計",         "source": "expr",  "value": "line.unit_price * line.quantity"}
 *     ],
 *     "filter": "",                          // an expression; "" = every record
 *     "sort": [{"value": "ordered_at", "desc": false}],   // expressions; [] = source order
 *     "header_row": true,
 *     "encoding": "cp932",                   // "utf8" | "utf8_bom" | "cp932"
 *     "eol": "crlf",                         // "crlf" | "lf"
 *     "quote": "minimal",                    // "minimal" | "all" | "nonnumeric"
 *     "unencodable": "fail",                 // "fail" | "geta" | "qmark" | "drop" (cp932_policy_parse)
 *     "file_name": "orders_{yyyyMMdd_HHmmss}.csv"   // jstfmt_filename pattern
 *   }
 *
 * A "field" column's value is a field name or label of the kind's catalog;
 * an "expr" column's value is an expression (convert/expr.h); a "fixed"
 * column's value is written as is. Headers are 1..100 characters, unique
 * within the template. Unknown keys are an error (a typo must not be
 * silently ignored). Output is never formula-neutralised (destination
 * systems need "-5" as "-5").
 */
#define CONV_MAX_COLUMNS 200
#define CONV_MAX_SORT 5
#define CONV_MAX_DEF_BYTES (512u * 1024u)

enum conv_source {
	CONV_SRC_FIELD = 1,
	CONV_SRC_FIXED = 2,
	CONV_SRC_EXPR = 3,
};

struct conv_column {
	const char *header;
	enum conv_source source;
	const char *value;          /* as written: field name, fixed text or expression source */
	struct expr *expr;          /* compiled (FIELD and EXPR; NULL for FIXED) */
};

struct conv_sort {
	const char *value;          /* expression source */
	struct expr *expr;
	bool desc;
};

struct conv_def {
	enum conv_kind kind;
	struct conv_column *columns;
	size_t ncolumns;
	const char *filter;         /* "" when none */
	struct expr *filter_expr;   /* NULL when none */
	struct conv_sort *sort;
	size_t nsort;
	bool header_row;
	enum csv_encoding encoding;
	const char *eol;            /* "\r\n" or "\n" */
	enum csv_quote quote;
	enum cp932_policy unencodable;
	const char *file_name;
};

/*
 * A definition error: a Japanese sentence that says where, e.g.
 * "3列目「小計」の式: 5文字目: 式が途中で終わっています" or
 * "並べ替え1: 不明な項目 foo です"; column is the 1-based column of the
 * template it concerns (0: not a column), part names the part ("header",
 * "value", "filter", "sort", "file_name", "encoding", …) so a form can show
 * the message beside the right input, and expr is the expression error when
 * there is one (expr.column 0 otherwise).
 */
struct conv_def_error {
	size_t column;
	char part[16];
	char msg[600];
	struct expr_error expr;
};

/*
 * conv_def_parse: parse and validate JSON text json[0..len) and compile
 * every expression into *out. Everything (strings, compiled expressions)
 * lives in a. Returns 0; -ERR_INVALID (malformed JSON, a missing or unknown
 * key, a bad value, an expression error) or -ERR_TOO_LARGE (over
 * CONV_MAX_DEF_BYTES / CONV_MAX_COLUMNS / CONV_MAX_SORT) with *err filled
 * (err may be NULL).
 */
int conv_def_parse(struct arena *a, const char *json, size_t len, struct conv_def *out,
    struct conv_def_error *err);

/*
 * conv_def_validate: compile and check a definition built in memory (by a
 * form handler) exactly like conv_def_parse does after reading the JSON;
 * fills the expr members. Same returns.
 */
int conv_def_validate(struct arena *a, struct conv_def *d, struct conv_def_error *err);

/*
 * conv_def_json: the canonical stored JSON of d (every key, in the order
 * above, UTF-8, no insignificant white space), NUL-terminated in a.
 * Equal definitions give equal bytes (versions are compared by it).
 */
char *conv_def_json(struct arena *a, const struct conv_def *d);

#endif
