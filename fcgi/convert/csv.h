/* csv.h: RFC 4180 CSV writer: quote policies, CRLF/LF, UTF-8 (BOM) or CP932 with per-character reports. */
#ifndef ECC_CSV_H
#define ECC_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/cp932.h"
#include "core/arena.h"
#include "core/buf.h"

/*
 * Usage (human exports): csv_init, then csv_cell / csv_cell_str for each
 * cell of a row and csv_end_row after it, then csv_finish for the document.
 * Usage (the converter): csv_init, set the fields below (quote, eol,
 * neutralise, policy, max_reports), then per record csv_row_begin(record
 * number), its cells, csv_row_commit (or csv_row_abort when something else
 * failed) — or, when a record is several rows, csv_group_begin … rows …
 * csv_group_commit; csv_flush now and then to hand the committed bytes to a
 * file; csv_finish at the end.
 *
 * The document is written in its final encoding, cell by cell, into out
 * (memory from the arena given to csv_init). CP932 is table-driven (see
 * convert/cp932.h: WHATWG Shift_JIS), no iconv per cell.
 *
 * Quoting ("…", an inner quote doubled):
 * - CSV_QUOTE_MINIMAL: only a cell that needs it: one containing a comma,
 *   a double quote, CR or LF, or starting or ending with a space or a TAB
 *   (RFC 4180 keeps such spaces, but many importers trim unquoted fields;
 *   quoted, every reader keeps them), or starting with U+FEFF (which a
 *   reader would skip as a BOM at the start of a file). An empty cell is
 *   written empty, except that a row of exactly one empty cell is written
 *   as "" so that it is not an empty line (which readers skip).
 * - CSV_QUOTE_ALL: every cell, empty ones as "".
 * - CSV_QUOTE_NONNUMERIC: every cell that is not a plain number, i.e. not
 *   -?[0-9]+(\.[0-9]+)? (no '+', exponent, spaces or thousands separators);
 *   empty cells are written as "".
 * Rows end with eol: "\r\n" (RFC 4180, the default) or "\n".
 *
 * Formula neutralisation (neutralise, on by default for human exports;
 * the converter turns it off so that "-5" stays -5): a cell whose first
 * byte is = + - @ TAB or CR gets a leading apostrophe so that a spreadsheet
 * shows it as text ("=cmd" → '=cmd, "-5" → '-5), inside the quotes if any.
 *
 * Bad characters: in CP932 every character the encoder cannot represent,
 * and in every encoding each ill-formed UTF-8 sequence of the input (as
 * U+FFFD), is reported (struct csv_bad, with row, column and character) and
 * handled by policy: CP932_REPLACE_QMARK (the default) writes '?',
 * CP932_REPLACE_GETA 〓 (U+3013 in UTF-8 output), CP932_DROP nothing, and
 * CP932_FAIL fails the current row: csv_cell returns -ERR_INVALID and the
 * row is withdrawn at csv_row_commit (which returns -ERR_INVALID).
 */
enum csv_encoding {
	CSV_UTF8_BOM = 1,  /* UTF-8 with a leading EF BB BF (Excel opens it correctly) */
	CSV_UTF8 = 2,      /* UTF-8 without BOM */
	CSV_CP932 = 3,     /* Shift_JIS as Windows writes it (convert/cp932.h) */
};

enum csv_quote {
	CSV_QUOTE_MINIMAL = 0,
	CSV_QUOTE_ALL = 1,
	CSV_QUOTE_NONNUMERIC = 2,
};

/* One bad character (see above). */
struct csv_bad {
	size_t row;          /* 1-based number of the row among the rows begun (header included) */
	size_t col;          /* 1-based column number */
	int64_t record;      /* the caller's number from csv_row_begin (0 when none was given) */
	uint32_t cp;         /* the code point; U+FFFD for invalid UTF-8 */
	char ch[5];          /* the character as UTF-8, NUL-terminated */
	bool invalid;        /* the input was not valid UTF-8 there */
	size_t index;        /* 1-based character index in the cell */
	enum cp932_policy policy;  /* what was done with it */
};

struct csv {
	struct buf out;          /* the document so far (after csv_flush: since the last flush) */
	struct buf cell;         /* scratch: one encoded cell */
	enum csv_encoding enc;
	enum csv_quote quote;    /* default CSV_QUOTE_MINIMAL */
	const char *eol;         /* row terminator, default "\r\n" */
	bool neutralise;         /* formula neutralisation, default true */
	enum cp932_policy policy;/* default CP932_REPLACE_QMARK */
	size_t max_reports;      /* reports kept in bad[] (default 1000); more are only counted */
	struct csv_bad *bad;     /* the reports kept, in order */
	size_t nbad;             /* entries in bad[] */
	size_t unmappable;       /* every bad character, kept or not */
	size_t cells;            /* cells in the open row */
	size_t rows;             /* rows committed */
	size_t failed_rows;      /* rows withdrawn (FAIL policy or csv_row_abort) */
	int err;                 /* sticky error (-ERR_CONFIG: no CP932 table) */
	/* internal */
	size_t bad_cap;
	size_t row_start;        /* out.len when the open row began */
	size_t begun;            /* rows begun */
	int64_t record;
	bool row_open;
	bool row_failed;
	bool group_open;
	bool group_failed;
	size_t group_start;      /* out.len when the open group began */
	size_t group_rows;       /* rows committed in the open group */
};

/* csv_init: an empty writer (defaults above) whose memory lives in a; for
 * CSV_UTF8_BOM the BOM is written at once. Never fails. */
void csv_init(struct csv *c, struct arena *a, enum csv_encoding enc);

/* csv_row_begin: start a row and tag it with record (any number the caller
 * wants in reports, e.g. the source record's position; 0 = none). A row
 * already open is committed first. Optional: csv_cell starts a row itself. */
void csv_row_begin(struct csv *c, int64_t record);

/*
 * csv_cell: append one cell of n bytes of UTF-8 (s may be NULL when n is
 * 0: an empty cell). Returns 0; -ERR_INVALID when the policy is CP932_FAIL
 * and the cell has a bad character (reported; the row will be withdrawn);
 * -ERR_CONFIG when CP932 has no table (also kept in c->err).
 */
int csv_cell(struct csv *c, const char *s, size_t n);

/* csv_cell_str: csv_cell for a NUL-terminated string (NULL = empty cell). */
int csv_cell_str(struct csv *c, const char *s);

/*
 * csv_row_commit: end the open row (a row without cells is an empty line).
 * Returns 0, or -ERR_INVALID when the row failed (CP932_FAIL): it is then
 * withdrawn (its bytes removed, failed_rows counted), and the reports with
 * its row number say why. csv_end_row is the same call.
 */
int csv_row_commit(struct csv *c);
int csv_end_row(struct csv *c);

/* csv_row_abort: withdraw the open row (no-op when none is open) and count
 * it in failed_rows; its reports stay. Inside a group it fails the group. */
void csv_row_abort(struct csv *c);

/*
 * Groups: rows that stand or fall together (the lines of one order). After
 * csv_group_begin (which commits an open group and row first), rows are
 * begun and committed as usual; csv_group_commit ends the group (committing
 * an open row) and returns 0, or, when any of its rows failed, withdraws
 * every row of the group (rows and failed_rows adjusted) and returns
 * -ERR_INVALID (a row fails by CP932_FAIL or csv_row_abort). csv_group_abort withdraws the group whatever happened (no-op
 * without an open group). csv_flush never hands out a row of an open group.
 */
void csv_group_begin(struct csv *c);
int csv_group_commit(struct csv *c);
void csv_group_abort(struct csv *c);

/* csv_flush: hand the bytes of the committed rows written since the last
 * flush to sink (one call, skipped when there are none) and drop them from
 * out; an open row or group stays. Returns 0 or sink's (negative) result. */
int csv_flush(struct csv *c, int (*sink)(void *ctx, const char *p, size_t n), void *ctx);

/*
 * csv_finish: commit an open group and row (see csv_group_commit and
 * csv_row_commit), then give the document (since the last csv_flush): *out
 * is NUL-terminated (the NUL not counted in *len), in c's arena, or copied
 * into a when a is another arena.
 * *unmappable (may be NULL) receives c->unmappable. Returns 0, or c->err
 * (-ERR_CONFIG when CP932 was asked for and glibc has no CP932).
 */
int csv_finish(struct csv *c, struct arena *a, char **out, size_t *len, size_t *unmappable);

/*
 * csv_bad_message: a Japanese sentence for report b, in a: "レコード 12" (or
 * "3行目" when no record number was given), the column (「colname」 when
 * colname is not NULL, else "2列目"), the character with its U+XXXX and
 * what was done, e.g.
 * "レコード 12 列「品名」: 「𠮷」(U+20BB7) は Shift_JIS (CP932) で表せない文字です（〓 に置き換えました）".
 */
char *csv_bad_message(struct arena *a, const struct csv_bad *b, const char *colname);

/* csv_encoding_parse: the export choice of a query parameter: "" or "utf8"
 * → CSV_UTF8_BOM, "sjis" → CSV_CP932; anything else -ERR_INVALID. */
int csv_encoding_parse(const char *s, enum csv_encoding *out);

#endif
