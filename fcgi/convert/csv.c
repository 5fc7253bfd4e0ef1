/* csv.c: a small RFC 4180 CSV writer with formula neutralisation and UTF-8 (BOM) or CP932 output. */
#include "csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

void
csv_init(struct csv *c, struct arena *a, enum csv_encoding enc)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->text, a, 4096);
	c->enc = enc;
	c->eol = "\r\n";
	c->neutralise = true;
}

static bool
needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

static bool
is_formula(const char *s, size_t n)
{
	return n > 0 && strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
}

/* Append s[0..n) with '"' doubled when quoted and invalid UTF-8 as '?'. */
static void
put_text(struct csv *c, const char *s, size_t n, bool quoted)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len;
		if (utf8_decode_one(s + i, n - i, &cp, &len) != 0) {
			buf_putc(&c->text, '?');
			c->unmappable++;
			i += len ? len : 1;
			continue;
		}
		if (quoted && s[i] == '"')
			buf_putc(&c->text, '"');
		buf_append(&c->text, s + i, len);
		i += len;
	}
}

void
csv_cell(struct csv *c, const char *s, size_t n)
{
	if (s == NULL)
		n = 0;
	if (c->cells++ > 0)
		buf_putc(&c->text, ',');
	bool prefix = c->neutralise && is_formula(s, n);
	bool quoted = n > 0 && needs_quotes(s, n);
	if (quoted)
		buf_putc(&c->text, '"');
	if (prefix)
		buf_putc(&c->text, '\'');
	if (n > 0)
		put_text(c, s, n, quoted);
	if (quoted)
		buf_putc(&c->text, '"');
}

void
csv_cell_str(struct csv *c, const char *s)
{
	csv_cell(c, s, s ? strlen(s) : 0);
}

void
csv_end_row(struct csv *c)
{
	buf_puts(&c->text, c->eol ? c->eol : "\r\n");
	c->cells = 0;
	c->rows++;
}

/* Convert the (valid) UTF-8 text to CP932 one character at a time so that an
 * unencodable character becomes '?' without losing the rest. */
static int
to_cp932(struct csv *c, struct buf *out, size_t *bad)
{
	iconv_t cd = iconv_open("CP932", "UTF-8");
	if (cd == (iconv_t)-1)
		return -ERR_CONFIG;
	const char *s = c->text.data;
	size_t n = c->text.len, i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len;
		if (utf8_decode_one(s + i, n - i, &cp, &len) != 0) {  /* not reached: put_text cleaned */
			buf_putc(out, '?');
			(*bad)++;
			i += len ? len : 1;
			continue;
		}
		if (cp < 0x80) {
			buf_putc(out, s[i]);
			i += len;
			continue;
		}
		char in[4], conv[8];
		memcpy(in, s + i, len);
		char *ip = in, *op = conv;
		size_t il = len, ol = sizeof conv;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			iconv(cd, NULL, NULL, NULL, NULL);
			buf_putc(out, '?');
			(*bad)++;
		} else {
			buf_append(out, conv, (size_t)(op - conv));
		}
		i += len;
	}
	iconv_close(cd);
	return 0;
}

int
csv_finish(struct csv *c, struct arena *a, char **out, size_t *len, size_t *unmappable)
{
	struct buf o;
	size_t bad = c->unmappable;
	buf_init(&o, a, c->text.len + 16);
	if (c->enc == CSV_CP932) {
		int rc = to_cp932(c, &o, &bad);
		if (rc != 0)
			return rc;
	} else {
		if (c->enc == CSV_UTF8_BOM)
			buf_append(&o, "\xEF\xBB\xBF", 3);
		buf_append(&o, c->text.data, c->text.len);
	}
	*out = (char *)buf_cstr(&o);
	*len = o.len;
	if (unmappable != NULL)
		*unmappable = bad;
	return 0;
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
