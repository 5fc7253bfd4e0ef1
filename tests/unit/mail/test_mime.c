/* test_mime.c: mime_build — encoded-word subjects and names, folding, injection refusal, addresses, base64 body. */
#include "t.h"

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "mail/mime.h"

static struct arena *A;

static int
b64val(char c)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(tab, c) : NULL;
	return p != NULL ? (int)(p - tab) : -1;
}

/* b64dec: standard base64 (padding, CR/LF skipped) appended to out; -1 on junk. */
static int
b64dec(const char *s, size_t n, struct buf *out)
{
	uint32_t v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '=')
			continue;
		int d = b64val(s[i]);
		if (d < 0)
			return -1;
		v = (v << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((v >> bits) & 0xff));
		}
	}
	return 0;
}

/* header: the unfolded value of header name in msg (first occurrence). */
static const char *
header(const char *msg, const char *name, int *count)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	const char *found = NULL;
	*count = 0;
	for (const char *p = msg; p != NULL && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : p) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			(*count)++;
			if (found == NULL)
				found = p + nl + 1;
		}
	}
	if (found == NULL)
		return NULL;
	struct buf b;
	buf_init(&b, A, 64);
	const char *p = found;
	while (*p == ' ')
		p++;
	for (;;) {
		const char *e = strstr(p, "\r\n");
		buf_append(&b, p, (size_t)(e - p));
		if (e[2] != ' ' && e[2] != '\t')
			break;
		p = e + 2;
	}
	return buf_cstr(&b);
}

/* decode_words: the text of a header made of encoded words (separated by
 * folding whitespace, which RFC 2047 says to drop between words). */
static const char *
decode_words(const char *v)
{
	struct buf out;
	buf_init(&out, A, 64);
	const char *p = v;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, "=?UTF-8?B?", 10) != 0)
			return NULL;
		p += 10;
		const char *e = strstr(p, "?=");
		if (e == NULL || b64dec(p, (size_t)(e - p), &out) != 0)
			return NULL;
		p = e + 2;
	}
	return buf_cstr(&out);
}

/* lines_ok: every header line ≤ 76 chars, every line ends in CRLF, no bare CR or LF. */
static int
lines_ok(const char *msg, size_t maxlen)
{
	const char *end = strstr(msg, "\r\n\r\n");
	const char *p = msg;
	while (p <= end) {
		const char *e = strstr(p, "\r\n");
		if ((size_t)(e - p) > maxlen || memchr(p, '\r', (size_t)(e - p)) != NULL ||
		    memchr(p, '\n', (size_t)(e - p)) != NULL)
			return 0;
		p = e + 2;
	}
	for (const char *q = msg; *q != '\0'; q++)
		if ((*q == '\n' && (q == msg || q[-1] != '\r')) || (*q == '\r' && q[1] != '\n'))
			return 0;
	return 1;
}

static struct mime_msg
base(void)
{
	struct mime_msg m = {
		.from = "ECコネクター <no-reply@localhost>",
		.to_addr = "taro@example.co.jp",
		.to_name = "山田 太郎",
		.subject = "【ECコネクター】招待のお知らせ",
		.body = "山田 太郎 様\n\nリンク: https://localhost:8443/a?t=abc\n",
		.host = "localhost",
		.date = 1795680000,
	};
	return m;
}

static int
build(const struct mime_msg *m, const char **out)
{
	struct buf o, e;
	buf_init(&o, A, 512);
	buf_init(&e, A, 64);
	int rc = mime_build(A, m, &o, &e);
	*out = rc == 0 ? buf_cstr(&o) : buf_cstr(&e);
	if (rc != 0)
		T_INTEQ(o.len, 0);
	return rc;
}

static void
test_roundtrip(void)
{
	struct mime_msg m = base();
	const char *msg;
	int n;
	T_INTEQ(build(&m, &msg), 0);
	T_OK(lines_ok(msg, 76), "line lengths / CRLF");
	T_STREQ(decode_words(header(msg, "Subject", &n)), m.subject);
	T_INTEQ(n, 1);
	const char *to = header(msg, "To", &n);
	T_INTEQ(n, 1);
	T_OK(to != NULL && strstr(to, "<taro@example.co.jp>") != NULL, "To has the address: %s", to);
	T_OK(to != NULL && strncmp(to, "=?UTF-8?B?", 10) == 0, "non-ASCII name is encoded");
	const char *from = header(msg, "From", &n);
	T_OK(from != NULL && strstr(from, "<no-reply@localhost>") != NULL, "From: %s", from);
	T_STREQ(header(msg, "Date", &n), "Thu, 26 Nov 2026 17:00:00 +0900");
	T_STREQ(header(msg, "MIME-Version", &n), "1.0");
	T_STREQ(header(msg, "Content-Type", &n), "text/plain; charset=UTF-8");
	T_STREQ(header(msg, "Content-Transfer-Encoding", &n), "base64");
	T_STREQ(header(msg, "Auto-Submitted", &n), "auto-generated");
	const char *mid = header(msg, "Message-ID", &n);
	T_OK(mid != NULL && mid[0] == '<' && strstr(mid, "@localhost>") != NULL && strlen(mid) == 44,
	     "Message-ID: %s", mid);
	T_INTEQ(n, 1);
	const char *body = strstr(msg, "\r\n\r\n") + 4;
	struct buf dec;
	buf_init(&dec, A, 256);
	T_INTEQ(b64dec(body, strlen(body), &dec), 0);
	T_STREQ(buf_cstr(&dec), "山田 太郎 様\r\n\r\nリンク: https://localhost:8443/a?t=abc\r\n");
	/* body lines at most 76 chars */
	for (const char *p = body; *p != '\0';) {
		const char *e = strstr(p, "\r\n");
		T_OK(e != NULL && e - p <= 76, "body line length");
		if (e == NULL)
			break;
		p = e + 2;
	}

	/* ASCII name quoted, with its quote escaped */
	m.to_name = "Taro Yamada";
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(header(msg, "To", &n), "\"Taro Yamada\" <taro@example.co.jp>");
	m.to_name = NULL;
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(header(msg, "To", &n), "taro@example.co.jp");
	m.from = "no-reply@example.com";
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(header(msg, "From", &n), "no-reply@example.com");
	m.from = "\"Shop Ops\" <ops@example.com>";
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(header(msg, "From", &n), "\"Shop Ops\" <ops@example.com>");
	/* invalid host for Message-ID falls back to localhost */
	m.host = "bad host\r\nX: y";
	T_INTEQ(build(&m, &msg), 0);
	T_OK(strstr(header(msg, "Message-ID", &n), "@localhost>") != NULL, "msgid host fallback");
}

static void
test_long_subjects(void)
{
	struct mime_msg m = base();
	const char *msg;
	int n;
	struct buf s;
	buf_init(&s, A, 1024);
	for (int i = 0; i < 40; i++)
		buf_puts(&s, i % 3 == 0 ? "パスワード再設定" : i % 3 == 1 ? "🔐" : "a");
	m.subject = buf_cstr(&s);
	T_INTEQ(build(&m, &msg), 0);
	T_OK(lines_ok(msg, 76), "long subject folded within 76");
	T_STREQ(decode_words(header(msg, "Subject", &n)), m.subject);
	/* every encoded word decodes to whole UTF-8 characters */
	const char *v = header(msg, "Subject", &n);
	int words = 0;
	for (const char *p = v; (p = strstr(p, "=?UTF-8?B?")) != NULL; p += 10)
		words++;
	T_OK(words > 5, "several words (%d)", words);
	m.to_name = "とても長い表示名とても長い表示名とても長い表示名とても長い表示名とても長い表示名";
	T_INTEQ(build(&m, &msg), 0);
	T_OK(lines_ok(msg, 76), "long name folded within 76");
	/* ASCII subject and empty subject */
	m.subject = "Password reset";
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(decode_words(header(msg, "Subject", &n)), "Password reset");
	m.subject = "";
	T_INTEQ(build(&m, &msg), 0);
	T_STREQ(decode_words(header(msg, "Subject", &n)), "");
	/* too long */
	buf_clear(&s);
	for (int i = 0; i < 400; i++)
		buf_puts(&s, "あ");
	m.subject = buf_cstr(&s);
	T_INTEQ(build(&m, &msg), -ERR_TOO_LARGE);
}

static void
test_injection(void)
{
	static const char *const evil[] = { "a\r\nBcc: x@evil.test", "a\nBcc: x@evil.test",
					    "a\rBcc: x@evil.test", "tab\there", "del\x7f" };
	const char *msg;
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		struct mime_msg m = base();
		m.subject = evil[i];
		T_INTEQ(build(&m, &msg), -ERR_INVALID);
		T_OK(strstr(msg, "subject") != NULL && strstr(msg, "evil") == NULL, "message: %s", msg);
		m = base();
		m.to_name = evil[i];
		T_INTEQ(build(&m, &msg), -ERR_INVALID);
		m = base();
		m.to_addr = arena_printf(A, "t@example.com%s", evil[i]);
		T_INTEQ(build(&m, &msg), -ERR_INVALID);
		m = base();
		m.from = arena_printf(A, "X%s <a@b.c>", evil[i]);
		T_INTEQ(build(&m, &msg), -ERR_INVALID);
	}
	/* NUL inside: the C string ends there; what remains must still be valid */
	struct mime_msg m = base();
	m.subject = "ok\0\r\nBcc: x@evil.test";
	T_INTEQ(build(&m, &msg), 0);
	T_OK(strstr(msg, "Bcc") == NULL, "nothing after NUL");
	/* invalid UTF-8 */
	m = base();
	m.subject = "\xff\xfe";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	m = base();
	m.to_name = "\xe3\x81";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	m = base();
	m.body = "bad \xc0\xaf";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	/* a body with CR/LF is fine: it is base64 */
	m = base();
	m.body = "line\r\nBcc: x@evil.test\r\n";
	T_INTEQ(build(&m, &msg), 0);
	T_OK(strstr(msg, "Bcc") == NULL, "body is encoded");
	/* bad mail_from */
	m = base();
	m.from = "Name <not an address>";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	m.from = "Na\"me <a@b.c>";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	m.from = "Name <a@b.c> trailing";
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
	m.from = NULL;
	T_INTEQ(build(&m, &msg), -ERR_INVALID);
}

static void
test_addresses(void)
{
	static const char *const good[] = { "a@b", "taro.yamada@example.co.jp", "x+tag@sub.example.com",
					    "o'brien@example.ie", "a_b-c@x-y.example", "1@2.3" };
	static const char *const badv[] = { "", "@", "a@", "@b", "a@@b", "a@b@c", "a b@c", "a,b@c",
					    "<a@b>", "a@b>", "\"a\"@b", "a..b@c", ".a@b", "a.@b",
					    "a@-b", "a@b-", "a@b..c", "a@.b", "a@b.", "a@b_c",
					    "日本@example.jp", "a@例え.jp", "a(b)@c", "a@[1.2.3.4]",
					    "a\\b@c", "a;b@c", "a:b@c" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		T_OK(mime_addr_valid(good[i]), "valid: %s", good[i]);
	for (size_t i = 0; i < sizeof badv / sizeof badv[0]; i++)
		T_OK(!mime_addr_valid(badv[i]), "invalid: %s", badv[i]);
	T_OK(!mime_addr_valid(NULL), "NULL");
	char longl[80], longa[300];
	memset(longl, 'a', 65);
	strcpy(longl + 65, "@b.c");
	T_OK(!mime_addr_valid(longl), "local part > 64");
	memset(longa, 'a', 60);
	longa[60] = '@';
	for (int i = 61; i < 255; i += 2) {
		longa[i] = 'b';
		longa[i + 1] = '.';
	}
	longa[255] = 'c';
	longa[256] = '\0';
	T_OK(!mime_addr_valid(longa), "address > 254");
	longa[250] = '\0';
	longa[249] = 'c';
	T_OK(mime_addr_valid(longa), "address of 250");

	const char *name, *addr;
	struct buf e;
	buf_init(&e, A, 64);
	T_INTEQ(mime_parse_mailbox(A, " 山田 <t@e.jp>", "to", &name, &addr, &e), 0);
	T_STREQ(name, "山田");
	T_STREQ(addr, "t@e.jp");
	T_INTEQ(mime_parse_mailbox(A, "t@e.jp", "to", &name, &addr, &e), 0);
	T_STREQ(name, "");
	T_INTEQ(mime_parse_mailbox(A, "a <b@c> <d@e>", "to", &name, &addr, &e), -ERR_INVALID);
	T_INTEQ(mime_parse_mailbox(A, "", "to", &name, &addr, &e), -ERR_INVALID);
	/* clean names */
	T_STREQ(mime_clean_name(A, "  Evil\r\nBcc: x@evil.test  "), "Evil Bcc: x@evil.test");
	T_STREQ(mime_clean_name(A, "\"A\" <b> \\c\x01"), "A b c");
	T_STREQ(mime_clean_name(A, NULL), "");
	T_STREQ(mime_clean_name(A, "\xff"), "\xEF\xBF\xBD");
	struct buf big;
	buf_init(&big, A, 1024);
	for (int i = 0; i < 100; i++)
		buf_puts(&big, "名");
	const char *c = mime_clean_name(A, buf_cstr(&big));
	T_OK(strlen(c) <= MIME_NAME_MAX && strlen(c) % 3 == 0, "cut on a character boundary");
	const char *mb = arena_printf(A, "%s <t@e.jp>", mime_clean_name(A, "Evil\r\nBcc: x@evil.test"));
	T_INTEQ(mime_parse_mailbox(A, mb, "to", &name, &addr, &e), 0);
	struct mime_msg m = base();
	m.to_name = name;
	m.to_addr = addr;
	const char *msg;
	int n;
	T_INTEQ(build(&m, &msg), 0);
	T_OK(header(msg, "Bcc", &n) == NULL && n == 0, "no Bcc header");
	T_STREQ(header(msg, "To", &n), "\"Evil Bcc: x@evil.test\" <t@e.jp>");
	T_INTEQ(n, 1);
}

int
main(void)
{
	A = arena_new(0);
	test_roundtrip();
	test_long_subjects();
	test_injection();
	test_addresses();
	arena_free(A);
	return t_done("unit-mime");
}
