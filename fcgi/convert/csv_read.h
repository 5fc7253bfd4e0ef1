/* csv_read.h: RFC 4180 CSV reader (as real files are written): row iterator, limits, Japanese errors. */
#ifndef ECC_CSV_READ_H
#define ECC_CSV_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/*
 * What is read:
 * - fields separated by commas; a field in double quotes may contain
 *   commas, CR, LF and "" (one quote); rows end with CRLF, LF or CR; the
 *   last row may have no line break;
 * - a UTF-8 BOM at the start is skipped (and means UTF-8 even when CP932
 *   was asked for); CP932 input (CSV_READ_CP932) is decoded to UTF-8 first
 *   (convert/cp932.h); every field must then be valid UTF-8;
 * - empty lines (nothing between two line breaks) are skipped; a line with
 *   only "" is a row of one empty field; "a," is two fields, the second
 *   empty; rows may have different numbers of fields (the caller decides);
 * - strict mode (the default) refuses a quote inside an unquoted field and
 *   text after a closing quote; lenient mode keeps them as text (x"y → x"y,
 *   "ab"c → abc), as spreadsheet programs do.
 * Errors are sticky (every later csv_read_next returns the same one) and
 * come with a Japanese message naming the place, in msg:
 *   "3行目 2列目: 引用符の後に文字があります"
 *   "3行目 2列目: 引用符で囲まれていない項目の中に引用符があります"
 *   "3行目 2列目: 引用符が閉じられていません" (line where the quote opened)
 *   "3行目 2列目: 項目が長すぎます（上限 65536 バイト）"
 *   "3行目: 列が多すぎます（上限 1000 列）"
 *   "3行目 2列目: UTF-8 として正しくない文字があります（Shift_JIS のファイルなら文字コードに Shift_JIS を選んでください）"
 *   "3行目: Shift_JIS (CP932) として読めないバイト 0x85 があります（先頭から 120 バイト目）"
 *   "ファイルが大きすぎます（2000000 バイト、上限 1048576 バイト）"
 * Lines are physical lines (1-based; CRLF, LF or CR each end one, also
 * inside quoted fields); columns are 1-based field numbers.
 *
 * The whole input is in memory (decoded once when CP932); rows are produced
 * one at a time into an arena the caller chooses per call, so a caller can
 * reset that arena between rows.
 */

enum csv_read_enc {
	CSV_READ_UTF8 = 0,
	CSV_READ_CP932 = 1,
};

#define CSV_READ_MAX_FIELD 65536u            /* bytes of one field (UTF-8), default */
#define CSV_READ_MAX_COLS 1000u              /* fields of one row, default */
#define CSV_READ_MAX_SIZE (16u * 1024 * 1024) /* input bytes, default */

/* Options; a zero field means its default. */
struct csv_read_opts {
	enum csv_read_enc enc;
	bool lenient;        /* see above; false = strict */
	size_t max_size;     /* input bytes (before decoding) */
	size_t max_field;    /* bytes of one field after decoding */
	size_t max_cols;     /* fields of one row */
};

/* One row; every pointer lives in the arena given to csv_read_next. */
struct csv_row {
	char **f;            /* n fields, each NUL-terminated (a field may also contain NUL) */
	size_t *len;         /* their lengths in bytes */
	size_t n;            /* number of fields (>= 1); 0 at the end of the input */
	size_t line;         /* 1-based line where the row starts */
};

struct csv_reader {
	int err;             /* 0, or the sticky error (-ERR_INVALID, -ERR_TOO_LARGE, -ERR_CONFIG) */
	const char *msg;     /* the Japanese message of err ("" when none) */
	size_t err_line;     /* 1-based line of the error (0: the whole file) */
	size_t err_col;      /* 1-based column of the error (0: none) */
	size_t rows;         /* rows returned so far */
	/* internal */
	struct arena *a;
	const char *p;
	size_t n, pos, line;
	struct csv_read_opts o;
	struct buf field;    /* the current row's field bytes */
	size_t *ends;        /* end offset of each field in field */
	size_t ends_cap;
};

/*
 * csv_read_init: a reader over the len bytes at data (not copied when UTF-8:
 * they must outlive the reader; decoded into a when CP932), with options o
 * (NULL: all defaults). Its own memory (scratch, messages) comes from a.
 * Returns 0; -ERR_TOO_LARGE when len > max_size; -ERR_INVALID when the
 * CP932 input has an undecodable byte; -ERR_CONFIG when glibc has no CP932.
 * On error r->err and r->msg are set as for csv_read_next.
 */
int csv_read_init(struct csv_reader *r, struct arena *a, const char *data, size_t len,
		  const struct csv_read_opts *o);

/*
 * csv_read_next: the next row into *row, its memory from a (may be the
 * reader's arena or one the caller resets per row). Returns 0 with row->n
 * >= 1, or 0 with row->n == 0 at the end of the input; or r->err (negative,
 * with r->msg, r->err_line, r->err_col) on the first error, and again on
 * every later call.
 */
int csv_read_next(struct csv_reader *r, struct arena *a, struct csv_row *row);

#endif
