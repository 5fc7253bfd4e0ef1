/* mime.c: one RFC 5322 / MIME plain-text message (UTF-8, base64) built safely from untrusted fields. */
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/utf8.h"

/* Bytes of text per encoded word: 39 bytes → 52 base64 chars → a 64-char
 * word; "Subject: " + word = 73 and " " + word = 65, both within 76. */
#define WORD_BYTES 39
#define B64_LINE 76

static const char b64tab[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
bad(struct buf *err, int code, const char *msg)
{
	if (err != NULL)
		buf_puts(err, msg);
	return code;
}

/* b64: standard padded base64 of p[0..n) appended to out. */
static void
b64(struct buf *out, const unsigned char *p, size_t n)
{
	char q[4];
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64tab[(v >> 18) & 63];
		q[1] = b64tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64tab[v & 63] : '=';
		buf_append(out, q, 4);
	}
}

/* has_ctl: any byte below 0x20 or DEL in s[0..n). */
static bool
has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

static bool
is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* A header text field: no controls, valid UTF-8, at most max bytes. */
static int
check_text(const char *s, size_t max, const char *what, struct buf *err)
{
	size_t n = strlen(s);
	if (n > max) {
		if (err != NULL)
			buf_printf(err, "%s is longer than %zu bytes", what, max);
		return -ERR_TOO_LARGE;
	}
	if (has_ctl(s, n) || !utf8_valid(s, n)) {
		if (err != NULL)
			buf_printf(err, "%s contains a control character or invalid UTF-8", what);
		return -ERR_INVALID;
	}
	return 0;
}

static bool
atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool
domain_valid(const char *d, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && !(c == '-' && label > 0))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && d[n - 1] != '-';
}

bool
mime_addr_valid(const char *addr)
{
	if (addr == NULL)
		return false;
	size_t n = strnlen(addr, MIME_ADDR_MAX + 1);
	if (n == 0 || n > MIME_ADDR_MAX)
		return false;
	const char *at = memchr(addr, '@', n);
	if (at == NULL)
		return false;
	size_t ln = (size_t)(at - addr);
	if (ln == 0 || ln > 64 || addr[0] == '.' || addr[ln - 1] == '.')
		return false;
	for (size_t i = 0; i < ln; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c == '.') {
			if (addr[i + 1] == '.')
				return false;
		} else if (!atext(c)) {
			return false;
		}
	}
	return domain_valid(at + 1, n - ln - 1);
}

/*
 * put_words: s[0..n) as encoded words "=?UTF-8?B?…?=", split only between
 * code points, each word after the first on a folded line ("\r\n ").
 * s is valid UTF-8 (checked by the caller).
 */
static void
put_words(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	bool first = true;
	do {
		size_t k = 0;
		while (i + k < n) {
			uint32_t cp;
			size_t len;
			utf8_decode_one(s + i + k, n - i - k, &cp, &len);
			if (k + len > WORD_BYTES)
				break;
			k += len;
		}
		if (!first)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		b64(out, (const unsigned char *)s + i, k);
		buf_puts(out, "?=");
		i += k;
		first = false;
	} while (i < n);
}

/* put_name: a display name: a quoted string when ASCII, else encoded words. */
static void
put_name(struct buf *out, const char *name)
{
	size_t n = strlen(name);
	if (!is_ascii(name, n)) {
		put_words(out, name, n);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '"' || name[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, name[i]);
	}
	buf_putc(out, '"');
}

/* put_mailbox: "name <addr>" (the address on its own folded line when a
 * name is present, so long names never push a line over the limit). */
static void
put_mailbox(struct buf *out, const char *field, const char *name, const char *addr)
{
	buf_puts(out, field);
	buf_puts(out, ": ");
	if (name != NULL && name[0] != '\0') {
		put_name(out, name);
		buf_puts(out, "\r\n <");
		buf_puts(out, addr);
		buf_puts(out, ">\r\n");
	} else {
		buf_puts(out, addr);
		buf_puts(out, "\r\n");
	}
}

static int
badf(struct buf *err, int code, const char *what, const char *msg)
{
	if (err != NULL)
		buf_printf(err, "%s: %s", what, msg);
	return code;
}

int
mime_parse_mailbox(struct arena *a, const char *mailbox, const char *what, const char **name,
		   const char **addr, struct buf *err)
{
	if (mailbox == NULL || mailbox[0] == '\0')
		return badf(err, -ERR_INVALID, what, "empty");
	size_t n = strlen(mailbox);
	if (n > MIME_ADDR_MAX + MIME_NAME_MAX + 8)
		return badf(err, -ERR_TOO_LARGE, what, "too long");
	if (has_ctl(mailbox, n) || !utf8_valid(mailbox, n))
		return badf(err, -ERR_INVALID, what, "contains a control character or invalid UTF-8");
	const char *lt = strrchr(mailbox, '<');
	if (lt == NULL) {
		if (!mime_addr_valid(mailbox))
			return badf(err, -ERR_INVALID, what, "not a valid address");
		*name = "";
		*addr = arena_strdup(a, mailbox);
		return 0;
	}
	const char *gt = strchr(lt, '>');
	if (gt == NULL || gt[1] != '\0')
		return badf(err, -ERR_INVALID, what, "expected \"Name <local@domain>\"");
	const char *ad = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	if (!mime_addr_valid(ad))
		return badf(err, -ERR_INVALID, what, "not a valid address");
	const char *s = mailbox, *e = lt;
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	if (e - s >= 2 && *s == '"' && e[-1] == '"') {
		s++;
		e--;
	}
	size_t k = (size_t)(e - s);
	if (memchr(s, '"', k) != NULL || memchr(s, '\\', k) != NULL || memchr(s, '<', k) != NULL ||
	    memchr(s, '>', k) != NULL)
		return badf(err, -ERR_INVALID, what, "quotes, backslashes or angle brackets in the name");
	if (k > MIME_NAME_MAX)
		return badf(err, -ERR_TOO_LARGE, what, "name too long");
	*name = arena_strndup(a, s, k);
	*addr = ad;
	return 0;
}

char *
mime_clean_name(struct arena *a, const char *name)
{
	if (name == NULL)
		return arena_strdup(a, "");
	struct buf in, out;
	buf_init(&in, a, strlen(name) + 8);
	utf8_sanitize(&in, name, strlen(name));
	buf_init(&out, a, in.len + 1);
	bool space = true; /* drops leading spaces */
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.data[i];
		if (c < 0x20 || c == 0x7f || c == ' ' || c == '"' || c == '\\' || c == '<' || c == '>') {
			if (!space)
				buf_putc(&out, ' ');
			space = true;
			continue;
		}
		buf_putc(&out, (char)c);
		space = false;
	}
	size_t n = out.len;
	if (n > MIME_NAME_MAX) {
		n = MIME_NAME_MAX;
		while (n > 0 && ((unsigned char)out.data[n] & 0xC0) == 0x80)
			n--;
	}
	while (n > 0 && out.data[n - 1] == ' ')
		n--;
	buf_truncate(&out, n);
	return (char *)buf_cstr(&out);
}

static void
put_date(struct buf *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t j = t + 9 * 3600;
	struct tm tm;
	gmtime_r(&j, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0900\r\n", days[tm.tm_wday % 7],
		   tm.tm_mday, mons[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		   tm.tm_sec);
}

/* put_body: LF → CRLF (CRLF kept), then base64 in 76-char lines. */
static void
put_body(struct arena *a, struct buf *out, const char *body, size_t n)
{
	struct buf t;
	buf_init(&t, a, n + n / 16 + 4);
	for (size_t i = 0; i < n; i++) {
		if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r'))
			buf_putc(&t, '\r');
		buf_putc(&t, body[i]);
	}
	struct buf enc;
	buf_init(&enc, a, t.len / 3 * 4 + 8);
	b64(&enc, (const unsigned char *)t.data, t.len);
	for (size_t i = 0; i < enc.len; i += B64_LINE) {
		size_t k = enc.len - i < B64_LINE ? enc.len - i : B64_LINE;
		buf_append(out, enc.data + i, k);
		buf_puts(out, "\r\n");
	}
}

int
mime_build(struct arena *a, const struct mime_msg *m, struct buf *out, struct buf *err)
{
	int rc;
	const char *fname, *faddr;
	if (m == NULL || m->to_addr == NULL || m->subject == NULL || m->body == NULL)
		return bad(err, -ERR_INVALID, "missing recipient, subject or body");
	if ((rc = mime_parse_mailbox(a, m->from, "mail_from", &fname, &faddr, err)) != 0)
		return rc;
	const char *to_name = m->to_name != NULL ? m->to_name : "";
	size_t tn = strnlen(m->to_addr, MIME_ADDR_MAX + 1);
	if (has_ctl(m->to_addr, tn))
		return bad(err, -ERR_INVALID, "recipient address contains a control character");
	if (!mime_addr_valid(m->to_addr))
		return bad(err, -ERR_INVALID, "recipient address is not valid");
	if ((rc = check_text(to_name, MIME_NAME_MAX, "recipient name", err)) != 0 ||
	    (rc = check_text(m->subject, MIME_SUBJECT_MAX, "subject", err)) != 0)
		return rc;
	size_t bn = strlen(m->body);
	if (bn > MIME_BODY_MAX)
		return bad(err, -ERR_TOO_LARGE, "body is longer than 1 MiB");
	if (!utf8_valid(m->body, bn))
		return bad(err, -ERR_INVALID, "body is not valid UTF-8");
	const char *host = m->host != NULL && domain_valid(m->host, strlen(m->host)) ? m->host :
										   "localhost";

	put_mailbox(out, "From", fname, faddr);
	put_mailbox(out, "To", to_name, m->to_addr);
	buf_puts(out, "Subject: ");
	put_words(out, m->subject, strlen(m->subject));
	buf_puts(out, "\r\n");
	put_date(out, m->date);
	buf_printf(out, "Message-ID: <%s@%s>\r\n", rand_hex(a, 16), host);
	buf_puts(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n"
		      "Auto-Submitted: auto-generated\r\n"
		      "\r\n");
	put_body(a, out, m->body, bn);
	return 0;
}
