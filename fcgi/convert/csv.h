/* csv.h: a small RFC 4180 CSV writer with formula neutralisation and UTF-8 (BOM) or CP932 output. */
#ifndef ECC_CSV_H
#define ECC_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/*
 * Usage: csv_init, then csv_cell (or csv_cell_str) for each cell of a row and
 * csv_end_row after it, then csv_finish for the bytes in the chosen encoding.
 * The writer keeps the text as UTF-8 in its own buffer until csv_finish.
 *
 * Rules
 * - A cell is quoted ("…", inner quotes doubled) when it contains a comma,
 *   a double quote, CR or LF; otherwise it is written as is (spaces kept).
 * - Rows end with CRLF (RFC 4180), or with eol when set (tests).
 * - Formula neutralisation (on by default, OWASP "CSV injection"): a cell
 *   whose first byte is = + - @ TAB or CR gets a leading apostrophe, so a
 *   spreadsheet shows it as text ("=cmd" → "'=cmd"; "-5" → "'-5").
 * - Invalid UTF-8 in a cell is replaced by '?' and counted as unmappable.
 */
enum csv_encoding {
	CSV_UTF8_BOM = 1,  /* UTF-8 with a leading EF BB BF (Excel opens it correctly) */
	CSV_UTF8 = 2,      /* UTF-8 without BOM */
	CSV_CP932 = 3,     /* Shift_JIS as Windows writes it (iconv "CP932") */
};

struct csv {
	struct buf text;        /* UTF-8 text written so far (no BOM) */
	enum csv_encoding enc;
	const char *eol;        /* row terminator, default "\r\n" */
	bool neutralise;        /* formula neutralisation, default true */
	size_t cells;           /* cells in the current row */
	size_t rows;            /* rows ended */
	size_t unmappable;      /* characters replaced by '?' */
};

/* csv_init: an empty writer whose memory lives in a. Never fails. */
void csv_init(struct csv *c, struct arena *a, enum csv_encoding enc);

/* csv_cell: append one cell of n bytes (s may be NULL when n is 0: an empty
 * cell). */
void csv_cell(struct csv *c, const char *s, size_t n);

/* csv_cell_str: csv_cell for a NUL-terminated string (NULL = empty cell). */
void csv_cell_str(struct csv *c, const char *s);

/* csv_end_row: terminate the current row (an empty row is written as an
 * empty line). */
void csv_end_row(struct csv *c);

/*
 * csv_finish: the document in c->enc, in a: for CSV_UTF8_BOM the BOM
 * followed by the text; for CSV_CP932 every character converted with iconv,
 * each one CP932 cannot represent replaced by '?'. *out is NUL-terminated
 * (the NUL is not counted in *len). *unmappable (may be NULL) receives the
 * number of characters replaced by '?' (invalid UTF-8 included). Returns 0,
 * or -ERR_CONFIG when iconv has no CP932 converter (glibc always has one).
 */
int csv_finish(struct csv *c, struct arena *a, char **out, size_t *len, size_t *unmappable);

/* csv_encoding_parse: the export choice of a query parameter: "" or "utf8"
 * → CSV_UTF8_BOM, "sjis" → CSV_CP932; anything else -ERR_INVALID. */
int csv_encoding_parse(const char *s, enum csv_encoding *out);

#endif
