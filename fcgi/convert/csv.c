/* csv.c: RFC 4180 CSV writer: quote policies, CRLF/LF, UTF-8 (BOM) or CP932 with per-character reports. */
#include "csv.h"

#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

static void on_bad(void *ctx, const struct cp932_bad *b);
static size_t utf8_cell(struct csv *c, const char *s, size_t n);
static int encode_cell(struct csv *c, const char *s, size_t n, const char **enc, size_t *elen);
static bool needs_quotes(const char *s, size_t n, bool prefixed);
static bool plain_number(const char *s, size_t n);
static void put_quoted(struct buf *out, const char *s, size_t n);

#define GETA_UTF8 "\xE3\x80\x93"  /* U+3013 〓 */

void
csv_init(struct csv *c, struct arena *a, enum csv_encoding enc)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->out, a, 4096);
	buf_init(&c->cell, a, 256);
	c->enc = enc;
	c->quote = CSV_QUOTE_MINIMAL;
	c->eol = "\r\n";
	c->neutralise = true;
	c->policy = CP932_REPLACE_QMARK;
	c->max_reports = 1000;
	if (enc == CSV_UTF8_BOM)
		buf_append(&c->out, "\xEF\xBB\xBF", 3);
}

void
csv_row_begin(struct csv *c, int64_t record)
{
	if (c->row_open)
		csv_row_commit(c);
	c->row_open = true;
	c->row_failed = false;
	c->row_start = c->out.len;
	c->cells = 0;
	c->begun++;
	c->record = record;
}

/* on_bad: keep one report (a cp932_report_fn; ctx is the writer). */
static void
on_bad(void *ctx, const struct cp932_bad *b)
{
	struct csv *c = ctx;
	c->unmappable++;
	if (c->nbad >= c->max_reports)
		return;
	if (c->nbad == c->bad_cap) {
		size_t ncap = c->bad_cap ? c->bad_cap * 2 : 16;
		if (ncap > c->max_reports)
			ncap = c->max_reports;
		c->bad = arena_realloc(c->out.arena, c->bad, c->bad_cap * sizeof *c->bad,
				       ncap * sizeof *c->bad);
		c->bad_cap = ncap;
	}
	struct csv_bad *r = &c->bad[c->nbad++];
	memset(r, 0, sizeof *r);
	r->row = c->begun;
	r->col = c->cells;
	r->record = c->record;
	r->cp = b->cp;
	memcpy(r->ch, b->utf8, sizeof r->ch);
	r->invalid = b->invalid;
	r->index = b->index;
	r->policy = c->policy;
}

/* utf8_cell: the UTF-8 output of a cell with ill-formed sequences handled
 * by the policy, into c->cell. Returns the number of bad sequences. */
static size_t
utf8_cell(struct csv *c, const char *s, size_t n)
{
	size_t i = 0, chars = 0, bad = 0;
	buf_clear(&c->cell);
	while (i < n) {
		uint32_t cp;
		size_t len;
		int rc = utf8_decode_one(s + i, n - i, &cp, &len);
		chars++;
		if (rc == 0) {
			buf_append(&c->cell, s + i, len);
		} else {
			struct cp932_bad b = { .cp = 0xFFFD, .invalid = true, .index = chars, .offset = i,
					       .len = len };
			memcpy(b.utf8, UTF8_REPLACEMENT, 4);
			on_bad(c, &b);
			bad++;
			if (c->policy == CP932_REPLACE_GETA)
				buf_append(&c->cell, GETA_UTF8, 3);
			else if (c->policy != CP932_DROP)
				buf_putc(&c->cell, '?');
		}
		i += len;
	}
	return bad;
}

/* encode_cell: the cell's bytes in the output encoding (ASCII and valid
 * UTF-8 for UTF-8 output are used in place; otherwise c->cell). */
static int
encode_cell(struct csv *c, const char *s, size_t n, const char **enc, size_t *elen)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	*enc = s;
	*elen = n;
	if (i == n)
		return 0;
	if (c->enc != CSV_CP932) {
		if (utf8_valid(s + i, n - i))
			return 0;
		size_t bad = utf8_cell(c, s, n);
		*enc = c->cell.data;
		*elen = c->cell.len;
		return bad > 0 && c->policy == CP932_FAIL ? -ERR_INVALID : 0;
	}
	buf_clear(&c->cell);
	int rc = cp932_from_utf8(&c->cell, s, n, c->policy, on_bad, c, NULL);
	*enc = c->cell.data;
	*elen = c->cell.len;
	return rc;
}

/* needs_quotes: MINIMAL's rule (prefixed: an apostrophe will precede s).
 * The bytes tested are ASCII, which never occur inside a CP932 or UTF-8
 * multi-byte character (CP932 trail bytes are 0x40 or above), so the
 * encoded cell can be scanned directly. */
static bool
needs_quotes(const char *s, size_t n, bool prefixed)
{
	if (n == 0)
		return false;
	if ((!prefixed && (s[0] == ' ' || s[0] == '\t')) || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	if (!prefixed && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return true;  /* U+FEFF first: a reader would take it for a BOM */
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == ',' || ch == '"' || ch == '\r' || ch == '\n')
			return true;
	}
	return false;
}

/* plain_number: -?[0-9]+(\.[0-9]+)? */
static bool
plain_number(const char *s, size_t n)
{
	size_t i = 0, d = 0;
	if (i < n && s[i] == '-')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (d == 0)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		d = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (d == 0)
			return false;
	}
	return i == n;
}

/* put_quoted: s with every '"' doubled (without the surrounding quotes). */
static void
put_quoted(struct buf *out, const char *s, size_t n)
{
	const char *q;
	while (n > 0 && (q = memchr(s, '"', n)) != NULL) {
		size_t k = (size_t)(q - s) + 1;
		buf_append(out, s, k);
		buf_putc(out, '"');
		s += k;
		n -= k;
	}
	buf_append(out, s, n);
}

int
csv_cell(struct csv *c, const char *s, size_t n)
{
	if (s == NULL)
		n = 0;
	if (!c->row_open)
		csv_row_begin(c, 0);
	if (c->cells++ > 0)
		buf_putc(&c->out, ',');
	const char *e = s;
	size_t en = n;
	int rc = n > 0 ? encode_cell(c, s, n, &e, &en) : 0;
	if (rc == -ERR_CONFIG) {
		c->err = rc;
		c->row_failed = true;
		return rc;
	}
	if (rc != 0)
		c->row_failed = true;
	bool prefix = c->neutralise && en > 0 && e[0] != '\0' && strchr("=+-@\t\r", e[0]) != NULL;
	bool quoted;
	switch (c->quote) {
	case CSV_QUOTE_ALL:
		quoted = true;
		break;
	case CSV_QUOTE_NONNUMERIC:
		quoted = !plain_number(e, en) || prefix;
		break;
	default:
		quoted = needs_quotes(e, en, prefix);
		break;
	}
	if (quoted)
		buf_putc(&c->out, '"');
	if (prefix)
		buf_putc(&c->out, '\'');
	if (quoted)
		put_quoted(&c->out, e, en);
	else
		buf_append(&c->out, e, en);
	if (quoted)
		buf_putc(&c->out, '"');
	return rc;
}

int
csv_cell_str(struct csv *c, const char *s)
{
	return csv_cell(c, s, s ? strlen(s) : 0);
}

int
csv_row_commit(struct csv *c)
{
	if (!c->row_open)
		csv_row_begin(c, 0);
	if (c->row_failed) {
		csv_row_abort(c);
		return -ERR_INVALID;
	}
	/* one empty cell: "" rather than an empty line */
	if (c->cells == 1 && c->out.len == c->row_start)
		buf_append(&c->out, "\"\"", 2);
	buf_puts(&c->out, c->eol ? c->eol : "\r\n");
	c->row_open = false;
	c->cells = 0;
	c->rows++;
	if (c->group_open)
		c->group_rows++;
	return 0;
}

int
csv_end_row(struct csv *c)
{
	return csv_row_commit(c);
}

void
csv_row_abort(struct csv *c)
{
	if (!c->row_open)
		return;
	buf_truncate(&c->out, c->row_start);
	c->row_open = false;
	c->row_failed = false;
	c->cells = 0;
	c->failed_rows++;
	if (c->group_open)
		c->group_failed = true;
}

void
csv_group_begin(struct csv *c)
{
	if (c->group_open)
		csv_group_commit(c);
	if (c->row_open)
		csv_row_commit(c);
	c->group_open = true;
	c->group_failed = false;
	c->group_start = c->out.len;
	c->group_rows = 0;
}

int
csv_group_commit(struct csv *c)
{
	if (!c->group_open)
		return 0;
	if (c->row_open)
		csv_row_commit(c);
	if (c->group_failed) {
		csv_group_abort(c);
		return -ERR_INVALID;
	}
	c->group_open = false;
	return 0;
}

void
csv_group_abort(struct csv *c)
{
	if (!c->group_open)
		return;
	csv_row_abort(c);
	buf_truncate(&c->out, c->group_start);
	c->rows -= c->group_rows;
	c->failed_rows += c->group_rows;
	c->group_open = false;
	c->group_failed = false;
	c->group_rows = 0;
}

int
csv_flush(struct csv *c, int (*sink)(void *ctx, const char *p, size_t n), void *ctx)
{
	size_t done = c->group_open ? c->group_start : c->row_open ? c->row_start : c->out.len;
	if (done == 0)
		return 0;
	int rc = sink(ctx, c->out.data, done);
	if (rc != 0)
		return rc;
	size_t rest = c->out.len - done;
	memmove(c->out.data, c->out.data + done, rest);
	buf_truncate(&c->out, rest);
	if (c->row_open)
		c->row_start -= done;
	if (c->group_open)
		c->group_start -= done;
	return 0;
}

int
csv_finish(struct csv *c, struct arena *a, char **out, size_t *len, size_t *unmappable)
{
	if (c->group_open)
		csv_group_commit(c);
	if (c->row_open)
		csv_row_commit(c);
	if (unmappable != NULL)
		*unmappable = c->unmappable;
	if (c->err != 0)
		return c->err;
	*out = a == c->out.arena ? c->out.data : arena_memdup(a, c->out.data, c->out.len);
	*len = c->out.len;
	return 0;
}

char *
csv_bad_message(struct arena *a, const struct csv_bad *b, const char *colname)
{
	struct buf m;
	buf_init(&m, a, 160);
	if (b->record != 0)
		buf_printf(&m, "レコード %lld ", (long long)b->record);
	else
		buf_printf(&m, "%zu行目 ", b->row);
	if (colname != NULL)
		buf_printf(&m, "列「%s」: ", colname);
	else
		buf_printf(&m, "%zu列目: ", b->col);
	if (b->invalid)
		buf_printf(&m, "%zu文字目に UTF-8 として正しくないバイト列があります", b->index);
	else
		buf_printf(&m, "「%s」(U+%04X) は Shift_JIS (CP932) で表せない文字です", b->ch,
			   (unsigned)b->cp);
	static const char *const done[] = {
		[CP932_FAIL] = "（このレコードは出力しません）",
		[CP932_REPLACE_GETA] = "（〓 に置き換えました）",
		[CP932_REPLACE_QMARK] = "（? に置き換えました）",
		[CP932_DROP] = "（削除しました）",
	};
	if ((unsigned)b->policy < sizeof done / sizeof done[0])
		buf_puts(&m, done[b->policy]);
	return (char *)buf_cstr(&m);
}

int
csv_encoding_parse(const char *s, enum csv_encoding *out)
{
	if (*s == '\0' || strcmp(s, "utf8") == 0)
		*out = CSV_UTF8_BOM;
	else if (strcmp(s, "sjis") == 0)
		*out = CSV_CP932;
	else
		return -ERR_INVALID;
	return 0;
}
