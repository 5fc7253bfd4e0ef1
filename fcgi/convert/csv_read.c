/* csv_read.c: RFC 4180 CSV reader (as real files are written): row iterator, limits, Japanese errors. */
#include "csv_read.h"

#include <string.h>

#include "convert/cp932.h"
#include "core/err.h"
#include "core/utf8.h"

static int fail(struct csv_reader *r, int code, size_t line, size_t col, const char *msg);
static size_t lines_before(const char *s, size_t off);
static int read_quoted(struct csv_reader *r, size_t col, size_t start, size_t fline);
static int read_plain(struct csv_reader *r, size_t col, size_t start, bool after_quote);
static int add_text(struct csv_reader *r, const char *s, size_t n, size_t col, size_t start,
		    size_t fline);

/* fail: record the sticky error; msg is a complete message in r's arena. */
static int
fail(struct csv_reader *r, int code, size_t line, size_t col, const char *msg)
{
	r->err = code;
	r->err_line = line;
	r->err_col = col;
	r->msg = msg;
	return code;
}

/* lines_before: physical line (1-based) of byte offset off in s; CR, LF and
 * CRLF each end a line (0x0D/0x0A never occur inside a CP932 character). */
static size_t
lines_before(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < off && s[i + 1] == '\n')))
			line++;
	}
	return line;
}

int
csv_read_init(struct csv_reader *r, struct arena *a, const char *data, size_t len,
	      const struct csv_read_opts *o)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	r->msg = "";
	r->line = 1;
	if (o != NULL)
		r->o = *o;
	if (r->o.max_size == 0)
		r->o.max_size = CSV_READ_MAX_SIZE;
	if (r->o.max_field == 0)
		r->o.max_field = CSV_READ_MAX_FIELD;
	if (r->o.max_cols == 0)
		r->o.max_cols = CSV_READ_MAX_COLS;
	buf_init(&r->field, a, 256);
	if (data == NULL)
		len = 0;
	if (len > r->o.max_size)
		return fail(r, -ERR_TOO_LARGE, 0, 0,
			    arena_printf(a, "ファイルが大きすぎます（%zu バイト、上限 %zu バイト）", len,
					 r->o.max_size));
	r->p = data ? data : "";
	r->n = len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		r->pos = 3;
		return 0;
	}
	if (r->o.enc == CSV_READ_CP932) {
		struct buf dec;
		size_t off = 0;
		buf_init(&dec, a, len + len / 2 + 16);
		int rc = cp932_to_utf8(&dec, data, len, &off);
		if (rc == -ERR_CONFIG)
			return fail(r, rc, 0, 0, "Shift_JIS (CP932) の変換表を用意できません（サーバーの設定）");
		if (rc != 0) {
			size_t line = lines_before(data, off);
			return fail(r, rc, line, 0,
				    arena_printf(a, "%zu行目: Shift_JIS (CP932) として読めないバイト 0x%02X があります（先頭から %zu バイト目）",
						 line, (unsigned)(unsigned char)data[off], off + 1));
		}
		r->p = dec.data;
		r->n = dec.len;
	}
	return 0;
}

/* add_text: append n bytes to the current field, within the field limit. */
static int
add_text(struct csv_reader *r, const char *s, size_t n, size_t col, size_t start, size_t fline)
{
	if (r->field.len - start + n > r->o.max_field)
		return fail(r, -ERR_TOO_LARGE, fline, col,
			    arena_printf(r->a, "%zu行目 %zu列目: 項目が長すぎます（上限 %zu バイト）", fline, col,
					 r->o.max_field));
	buf_append(&r->field, s, n);
	return 0;
}

/* read_quoted: r->pos is just after the opening quote; reads up to and
 * including the closing quote, then any text after it (lenient) or up to
 * the separator (strict: anything else is an error). */
static int
read_quoted(struct csv_reader *r, size_t col, size_t start, size_t fline)
{
	const char *p = r->p;
	size_t n = r->n;
	for (;;) {
		size_t i = r->pos;
		while (i < n && p[i] != '"' && p[i] != '\r' && p[i] != '\n')
			i++;
		if (add_text(r, p + r->pos, i - r->pos, col, start, fline) != 0)
			return r->err;
		r->pos = i;
		if (i >= n)
			return fail(r, -ERR_INVALID, fline, col,
				    arena_printf(r->a, "%zu行目 %zu列目: 引用符が閉じられていません", fline, col));
		if (p[i] == '"') {
			if (i + 1 < n && p[i + 1] == '"') {
				if (add_text(r, "\"", 1, col, start, fline) != 0)
					return r->err;
				r->pos = i + 2;
				continue;
			}
			r->pos = i + 1;
			break;
		}
		/* a line break inside the quotes: kept as is */
		size_t k = p[i] == '\r' && i + 1 < n && p[i + 1] == '\n' ? 2 : 1;
		if (add_text(r, p + i, k, col, start, fline) != 0)
			return r->err;
		r->pos = i + k;
		r->line++;
	}
	if (r->pos < n && p[r->pos] != ',' && p[r->pos] != '\r' && p[r->pos] != '\n') {
		if (!r->o.lenient)
			return fail(r, -ERR_INVALID, r->line, col,
				    arena_printf(r->a, "%zu行目 %zu列目: 引用符の後に文字があります", r->line, col));
		return read_plain(r, col, start, true);
	}
	return 0;
}

/* read_plain: an unquoted field (or, lenient, the text after a closing
 * quote) up to a comma, a line break or the end. */
static int
read_plain(struct csv_reader *r, size_t col, size_t start, bool after_quote)
{
	const char *p = r->p;
	size_t n = r->n, i = r->pos;
	while (i < n && p[i] != ',' && p[i] != '\r' && p[i] != '\n') {
		if (p[i] == '"' && !r->o.lenient && !after_quote)
			return fail(r, -ERR_INVALID, r->line, col,
				    arena_printf(r->a, "%zu行目 %zu列目: 引用符で囲まれていない項目の中に引用符があります",
						 r->line, col));
		i++;
	}
	if (add_text(r, p + r->pos, i - r->pos, col, start, r->line) != 0)
		return r->err;
	r->pos = i;
	return 0;
}

int
csv_read_next(struct csv_reader *r, struct arena *a, struct csv_row *row)
{
	memset(row, 0, sizeof *row);
	if (r->err != 0)
		return r->err;
	const char *p = r->p;
	size_t n = r->n;
	/* empty lines are skipped */
	while (r->pos < n && (p[r->pos] == '\r' || p[r->pos] == '\n')) {
		r->pos += p[r->pos] == '\r' && r->pos + 1 < n && p[r->pos + 1] == '\n' ? 2 : 1;
		r->line++;
	}
	if (r->pos >= n)
		return 0;
	size_t rline = r->line, nf = 0;
	buf_clear(&r->field);
	for (;;) {
		size_t col = nf + 1, start = r->field.len, fline = r->line;
		if (col > r->o.max_cols)
			return fail(r, -ERR_TOO_LARGE, r->line, 0,
				    arena_printf(r->a, "%zu行目: 列が多すぎます（上限 %zu 列）", r->line,
						 r->o.max_cols));
		int rc;
		if (r->pos < n && p[r->pos] == '"') {
			r->pos++;
			rc = read_quoted(r, col, start, fline);
		} else {
			rc = read_plain(r, col, start, false);
		}
		if (rc != 0)
			return rc;
		if (!utf8_valid(r->field.data + start, r->field.len - start))
			return fail(r, -ERR_INVALID, fline, col,
				    arena_printf(r->a, "%zu行目 %zu列目: UTF-8 として正しくない文字があります（Shift_JIS のファイルなら文字コードに Shift_JIS を選んでください）",
						 fline, col));
		if (nf == r->ends_cap) {
			size_t ncap = r->ends_cap ? r->ends_cap * 2 : 16;
			r->ends = arena_realloc(r->a, r->ends, r->ends_cap * sizeof *r->ends,
						ncap * sizeof *r->ends);
			r->ends_cap = ncap;
		}
		r->ends[nf++] = r->field.len;
		if (r->pos >= n)
			break;
		if (p[r->pos] == ',') {
			r->pos++;
			continue;
		}
		/* a line break ends the row */
		r->pos += p[r->pos] == '\r' && r->pos + 1 < n && p[r->pos + 1] == '\n' ? 2 : 1;
		r->line++;
		break;
	}
	row->n = nf;
	row->line = rline;
	row->f = arena_alloc(a, nf * sizeof *row->f);
	row->len = arena_alloc(a, nf * sizeof *row->len);
	char *bytes = arena_alloc(a, r->field.len + nf);
	size_t from = 0;
	for (size_t i = 0; i < nf; i++) {
		size_t k = r->ends[i] - from;
		memcpy(bytes, r->field.data + from, k);
		bytes[k] = '\0';
		row->f[i] = bytes;
		row->len[i] = k;
		bytes += k + 1;
		from = r->ends[i];
	}
	r->rows++;
	return 0;
}
