/* fuzz_csv_read.c: read arbitrary bytes as CSV (UTF-8/CP932, strict/lenient, small limits), write the rows back and re-read them identically; CP932 both ways. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert/cp932.h"
#include "convert/csv.h"
#include "convert/csv_read.h"
#include "core/arena.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rows {
	size_t n;
	struct csv_row *r;
};

/* read_all: every row (or up to the first error); returns the reader's rc. */
static int
read_all(struct arena *a, const char *s, size_t n, const struct csv_read_opts *o, struct rows *out)
{
	struct csv_reader rd;
	size_t cap = 0;
	out->n = 0;
	out->r = NULL;
	int rc = csv_read_init(&rd, a, s, n, o);
	if (rc != 0)
		return rc;
	for (;;) {
		struct csv_row row;
		rc = csv_read_next(&rd, a, &row);
		if (rc != 0 || row.n == 0)
			break;
		if (row.n > (o->max_cols ? o->max_cols : CSV_READ_MAX_COLS) || row.f == NULL)
			abort();
		for (size_t i = 0; i < row.n; i++)
			if (row.f[i][row.len[i]] != '\0' || row.len[i] > (o->max_field ? o->max_field : CSV_READ_MAX_FIELD))
				abort();
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			out->r = arena_realloc(a, out->r, cap * sizeof *out->r, ncap * sizeof *out->r);
			cap = ncap;
		}
		out->r[out->n++] = row;
	}
	/* an error is sticky, the end stays the end */
	struct csv_row again;
	if (csv_read_next(&rd, a, &again) != rc || again.n != 0)
		abort();
	if (rc != 0 && (rd.msg == NULL || rd.msg[0] == '\0'))
		abort();
	return rc;
}

static void
same_or_die(const struct rows *x, const struct rows *y)
{
	if (x->n != y->n)
		abort();
	for (size_t i = 0; i < x->n; i++) {
		if (x->r[i].n != y->r[i].n)
			abort();
		for (size_t k = 0; k < x->r[i].n; k++)
			if (x->r[i].len[k] != y->r[i].len[k] ||
			    memcmp(x->r[i].f[k], y->r[i].f[k], x->r[i].len[k]) != 0)
				abort();
	}
}

/* round_trip: rows → writer (quote policy q) → strict reader → the same rows. */
static void
round_trip(struct arena *a, const struct rows *rows, enum csv_quote q, const struct csv_read_opts *o)
{
	struct csv c;
	char *out;
	size_t len;
	csv_init(&c, a, q == CSV_QUOTE_ALL ? CSV_UTF8_BOM : CSV_UTF8);
	c.quote = q;
	c.neutralise = false;
	c.eol = q == CSV_QUOTE_NONNUMERIC ? "\n" : "\r\n";
	c.policy = CP932_FAIL;
	for (size_t i = 0; i < rows->n; i++) {
		for (size_t k = 0; k < rows->r[i].n; k++)
			if (csv_cell(&c, rows->r[i].f[k], rows->r[i].len[k]) != 0)
				abort();  /* the reader only returns valid UTF-8 */
		if (csv_row_commit(&c) != 0)
			abort();
	}
	if (csv_finish(&c, a, &out, &len, NULL) != 0)
		abort();
	struct csv_read_opts back = *o;
	back.enc = CSV_READ_UTF8;
	back.lenient = false;
	back.max_size = len + 1;
	struct rows again;
	if (read_all(a, out, len, &back, &again) != 0)
		abort();
	same_or_die(rows, &again);
}

static int
to_buf(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

/* sjis: the rows into CP932 under a policy (FAIL: in groups of two rows),
 * flushed every third row, read back as CP932: the same rows and fields
 * unless some row failed. */
static void
sjis(struct arena *a, const struct rows *rows, enum cp932_policy p)
{
	struct csv c;
	struct buf file;
	char *out;
	size_t len;
	buf_init(&file, a, 256);
	csv_init(&c, a, CSV_CP932);
	c.policy = p;
	c.neutralise = false;
	for (size_t i = 0; i < rows->n; i++) {
		if (p == CP932_FAIL && i % 2 == 0)
			csv_group_begin(&c);
		csv_row_begin(&c, (int64_t)i + 1);
		for (size_t k = 0; k < rows->r[i].n; k++)
			csv_cell(&c, rows->r[i].f[k], rows->r[i].len[k]);
		csv_row_commit(&c);
		if (p == CP932_FAIL && i % 2 == 1)
			csv_group_commit(&c);
		if (i % 3 == 2 && csv_flush(&c, to_buf, &file) != 0)
			abort();
	}
	if (csv_finish(&c, a, &out, &len, NULL) != 0)
		abort();
	buf_append(&file, out, len);
	if (c.rows + c.failed_rows != rows->n)
		abort();
	for (size_t i = 0; i < c.nbad; i++)
		(void)csv_bad_message(a, &c.bad[i], i % 2 ? "列" : NULL);
	struct csv_read_opts o = { .enc = CSV_READ_CP932, .max_size = file.len + 1 };
	struct rows back;
	if (read_all(a, file.data, file.len, &o, &back) != 0)
		abort();  /* the writer only writes decodable CP932 */
	if (back.n != c.rows)
		abort();
	/* the same shape (the text may differ: ¥ → 5C → \\, − → 81 7C → －, replacements) */
	if (c.failed_rows == 0) {
		for (size_t i = 0; i < back.n; i++)
			if (back.r[i].n != rows->r[i].n)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const char *s = (const char *)data;
	static const struct csv_read_opts opts[] = {
		{ .enc = CSV_READ_UTF8 },
		{ .enc = CSV_READ_UTF8, .lenient = true },
		{ .enc = CSV_READ_UTF8, .lenient = true, .max_field = 7, .max_cols = 3 },
		{ .enc = CSV_READ_CP932, .lenient = true },
		{ .enc = CSV_READ_CP932, .max_field = 64, .max_cols = 8, .max_size = 4096 },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		struct rows rows;
		read_all(a, s, size, &opts[i], &rows);
		/* the rows read before any error are complete and must survive the writer */
		round_trip(a, &rows, CSV_QUOTE_MINIMAL, &opts[i]);
		round_trip(a, &rows, CSV_QUOTE_ALL, &opts[i]);
		round_trip(a, &rows, CSV_QUOTE_NONNUMERIC, &opts[i]);
		if (i == 1) {
			sjis(a, &rows, CP932_REPLACE_GETA);
			sjis(a, &rows, CP932_FAIL);
		}
	}
	/* the raw bytes as one cell, both ways */
	for (int p = CP932_FAIL; p <= CP932_DROP; p++) {
		struct buf out;
		buf_init(&out, a, size * 2 + 16);
		size_t nbad = 0;
		cp932_from_utf8(&out, s, size, (enum cp932_policy)p, NULL, NULL, &nbad);
		struct buf dec;
		buf_init(&dec, a, out.len * 2 + 16);
		size_t off = 0;
		if (cp932_to_utf8(&dec, out.data, out.len, &off) != 0)
			abort();  /* what the encoder writes always decodes */
	}
	struct buf dec;
	buf_init(&dec, a, size * 2 + 16);
	size_t off = 0;
	if (cp932_to_utf8(&dec, s, size, &off) != 0 && off >= size)
		abort();
	arena_free(a);
	return 0;
}
