/* conv_def_json.c: the canonical stored JSON of a template definition (every key, fixed order, no white space). */
#include "conv_def.h"

#include <string.h>

static void
json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p != '\0'; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20) {
				buf_puts(b, "\\u00");
				buf_putc(b, hex[*p >> 4]);
				buf_putc(b, hex[*p & 15]);
			} else {
				buf_putc(b, (char)*p);
			}
		}
	}
	buf_putc(b, '"');
}

static const char *
pick(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : names[0];
}

char *
conv_def_json(struct arena *a, const struct conv_def *d)
{
	static const char *const sources[] = { "field", "field", "fixed", "expr" };
	static const char *const encs[] = { "cp932", "utf8_bom", "utf8", "cp932" };
	static const char *const quotes[] = { "minimal", "all", "nonnumeric" };
	static const char *const pols[] = { "fail", "geta", "qmark", "drop" };
	struct buf b;
	buf_init(&b, a, 256 + d->ncolumns * 64);
	buf_puts(&b, "{\"kind\":");
	json_str(&b, conv_kind_name(d->kind));
	buf_puts(&b, ",\"columns\":[");
	for (size_t i = 0; i < d->ncolumns; i++) {
		const struct conv_column *c = &d->columns[i];
		buf_puts(&b, i ? ",{\"header\":" : "{\"header\":");
		json_str(&b, c->header);
		buf_puts(&b, ",\"source\":");
		json_str(&b, pick(sources, 4, (unsigned)c->source));
		buf_puts(&b, ",\"value\":");
		json_str(&b, c->value);
		buf_putc(&b, '}');
	}
	buf_puts(&b, "],\"filter\":");
	json_str(&b, d->filter);
	buf_puts(&b, ",\"sort\":[");
	for (size_t i = 0; i < d->nsort; i++) {
		buf_puts(&b, i ? ",{\"value\":" : "{\"value\":");
		json_str(&b, d->sort[i].value);
		buf_puts(&b, d->sort[i].desc ? ",\"desc\":true}" : ",\"desc\":false}");
	}
	buf_puts(&b, d->header_row ? "],\"header_row\":true" : "],\"header_row\":false");
	buf_puts(&b, ",\"encoding\":");
	json_str(&b, pick(encs, 4, (unsigned)d->encoding));
	buf_puts(&b, d->eol != NULL && strcmp(d->eol, "\n") == 0 ? ",\"eol\":\"lf\"" : ",\"eol\":\"crlf\"");
	buf_puts(&b, ",\"quote\":");
	json_str(&b, pick(quotes, 3, (unsigned)d->quote));
	buf_puts(&b, ",\"unencodable\":");
	json_str(&b, pick(pols, 4, (unsigned)d->unencodable));
	buf_puts(&b, ",\"file_name\":");
	json_str(&b, d->file_name);
	buf_putc(&b, '}');
	return (char *)buf_cstr(&b);
}
