/* page_templates_form.h: the template editor's state — read from a post or a definition, actions, checks, the view. */
#ifndef ECC_PAGE_TEMPLATES_FORM_H
#define ECC_PAGE_TEMPLATES_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/conv_def.h"

struct req;
struct view;

/*
 * The editor works without JavaScript: the whole form is posted back by
 * every button (保存, プレビュー, 列を追加, and 削除 / ↑ / ↓ per row, each a
 * submit button name="op" value="save" | "preview" | "add" | "del:N" |
 * "up:N" | "down:N" | "refresh", N the 0-based row). The handler reads the
 * posted state (page_templates_form_read), applies a row action to it
 * (page_templates_form_apply) and shows it again, or checks it
 * (page_templates_form_check) and saves. Posted field names:
 *   name, note, kind (new templates only), header_row ("1" or absent),
 *   encoding (utf8 | utf8_bom | cp932), eol (crlf | lf), quote (minimal |
 *   all | nonnumeric), unencodable (fail | geta | qmark | drop), file_name,
 *   filter, rows (the number of column rows), col_header_N, col_source_N
 *   (field | fixed | expr), col_value_N for N in 0..rows-1, and
 *   sort_value_M / sort_desc_M ("1" or absent) for M in 0..4.
 * Everything is kept exactly as typed (no trimming except the name), so a
 * form with an error comes back unchanged.
 */

/* One column row as typed, and the message shown beside it. */
struct tpl_col {
	const char *header;
	const char *source;     /* "field" | "fixed" | "expr" */
	const char *value;
	const char *header_err; /* NULL = fine */
	const char *value_err;
};

struct tpl_sort {
	const char *value;
	bool desc;
};

struct tpl_form {
	uint64_t id;            /* 0: a template not saved yet */
	enum conv_kind kind;
	const char *name, *note;
	bool header_row;
	const char *encoding, *eol, *quote, *unencodable, *file_name, *filter;
	struct tpl_col *cols;
	size_t ncols;
	struct tpl_sort sort[CONV_MAX_SORT];
	size_t nsort;
	const char *name_err, *filter_err, *sort_err, *file_name_err, *options_err, *error;
};

/* page_templates_form_init: a new template of kind with the defaults
 * (header row, Shift_JIS, CRLF, minimal quoting, fail on an unencodable
 * character, "<kind>_{yyyyMMdd_HHmmss}.csv", one column: the kind's first
 * field). */
void page_templates_form_init(struct req *r, struct tpl_form *f, enum conv_kind kind);

/* page_templates_form_from_def: f from a parsed stored definition d (id and
 * name are the caller's). Strings point into d's memory. */
void page_templates_form_from_def(struct req *r, struct tpl_form *f, const struct conv_def *d);

/*
 * page_templates_form_read: the posted state into f (f->id and f->kind are
 * kept; a new template's kind is read from "kind" when f->kind is 0).
 * Returns 0, or 400 for a form no page of ours sends: a repeated field, an
 * unknown option value or kind, more than CONV_MAX_COLUMNS + 1 rows.
 */
int page_templates_form_read(struct req *r, struct tpl_form *f);

/*
 * page_templates_form_apply: the row action op ("add", "del:N", "up:N",
 * "down:N", "refresh") on f. Returns 0, or 400 for an unknown op or a row
 * out of range. Adding beyond CONV_MAX_COLUMNS or deleting the last row
 * leaves f unchanged with f->error set.
 */
int page_templates_form_apply(struct req *r, struct tpl_form *f, const char *op);

/*
 * page_templates_form_check: build the definition from f into *d (in r's
 * arena) and check it with conv_def_validate and, when saving, the name
 * rule (1–100 characters, no control characters). Returns true when it may be saved;
 * false with the Japanese messages placed in f (beside the column row and
 * input conv_def_error names, or the name, filter, sort, file name,
 * options, or the form).
 */
bool page_templates_form_check(struct req *r, struct tpl_form *f, bool saving, struct conv_def *d);

/*
 * page_templates_form_view: f as the editor shows it, under key "tpl" of
 * root: id, is_new, kind, kind_label, name, note, encoding, eol, quote,
 * unencodable (the chosen values), the option lists
 * (encodings, eols, quotes, policies: {value, label, selected}),
 * header_row, file_name, filter, sorts [{i, n, value, desc}], cols [{i, n,
 * header, sources, is_field, value, field_options, header_err, value_err,
 * first, last, header/source/value/up/down/del labels}], rows, every error, and the help lists
 * help_fields [{name, label}] and functions [{name, usage, help}], and
 * buttons_top / buttons_bottom {save_id, preview_id}. The same view
 * feeds the hidden copy of the state on the preview page
 * (templates/conv/tpl_state.html).
 */
void page_templates_form_view(struct req *r, const struct tpl_form *f, struct view *root);

#endif
