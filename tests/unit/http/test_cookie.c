/* test_cookie.c: Cookie header parsing (lenient, first wins, limits) and the Set-Cookie syntax validators. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/cookie.h"
#include "t.h"

static struct cookies
parse(struct arena *a, const char *h, int *rc)
{
	struct cookies c;
	*rc = cookie_parse(a, h, strlen(h), 0, &c);
	return c;
}

static const char *
joined(struct arena *a, const struct cookies *c)
{
	struct buf b;
	buf_init(&b, a, 64);
	for (size_t i = 0; i < c->count; i++) {
		if (i > 0)
			buf_putc(&b, '|');
		buf_printf(&b, "%s=%s", c->items[i].name, c->items[i].value);
	}
	return buf_cstr(&b);
}

#define CASE(in, want)                                                         \
	do {                                                                   \
		int rc_;                                                       \
		struct cookies c_ = parse(a, in, &rc_);                        \
		T_INTEQ(rc_, 0);                                               \
		T_STREQ(joined(a, &c_), want);                                 \
	} while (0)

static void
test_parse(struct arena *a)
{
	CASE("", "");
	CASE("a=b", "a=b");
	CASE("a=b; c=d", "a=b|c=d");
	CASE("a=b;c=d", "a=b|c=d");
	CASE("  a = b ;\tc=d  ", "a=b|c=d");
	CASE("a=\"quoted value\"", "a=quoted value");
	CASE("a=\"\"", "a=");
	CASE("a=", "a=");
	CASE("a=b=c", "a=b=c");
	CASE("a=\"b", "a=\"b");             /* unterminated quote: kept as sent */
	CASE("a=b\"", "a=b\"");
	CASE("a=\"", "a=\"");
	CASE(";;; ;a=1;;", "a=1");
	CASE("nameonly; a=1", "a=1");       /* no '=': skipped */
	CASE("=x; a=1", "a=1");             /* empty name: skipped */
	CASE("a b=1; c=2", "c=2");          /* name not a token */
	CASE("a,b=1; c=2", "c=2");
	CASE("a\"=1; c=2", "c=2");
	CASE("(x)=1; c=2", "c=2");
	CASE("\xC3\xA9=1; c=2", "c=2");     /* non-ASCII name */
	CASE("a=caf\xC3\xA9", "a=caf\xC3\xA9"); /* non-ASCII value kept */
	CASE("a=x y,z", "a=x y,z");
	CASE("a=x\x01y; c=2", "c=2");       /* control byte in value */
	CASE("a=x\x7fy; c=2", "c=2");
	CASE("a=x\ty", "a=x\ty");
	CASE("a=1\r\nSet-Cookie: evil=1", "");
	CASE("__Host-sid=abc.DEF_-123; __Host-ecc_lang=ja",
	    "__Host-sid=abc.DEF_-123|__Host-ecc_lang=ja");
	CASE("a=1, b=2", "a=1, b=2");       /* comma is not a separator */

	/* embedded NUL (length-delimited header) only spoils its own pair */
	struct cookies c;
	T_INTEQ(cookie_parse(a, "a=x\0y; b=2", 10, 0, &c), 0);
	T_STREQ(joined(a, &c), "b=2");
	/* only n bytes are read */
	T_INTEQ(cookie_parse(a, "a=123456", 4, 0, &c), 0);
	T_STREQ(joined(a, &c), "a=12");
	T_INTEQ(c.items[0].value_len, 2);
	T_INTEQ(cookie_parse(a, "", 0, 0, &c), 0);
	T_INTEQ(c.count, 0);
}

static void
test_get(struct arena *a)
{
	int rc;
	struct cookies c = parse(a, "sid=specific; lang=en; sid=general", &rc);
	T_INTEQ(rc, 0);
	const char *v = NULL;
	T_INTEQ(cookie_get(&c, "sid", &v), 0);
	T_STREQ(v, "specific");
	T_INTEQ(cookie_get(&c, "lang", &v), 0);
	T_STREQ(v, "en");
	T_INTEQ(cookie_get(&c, "SID", &v), -ERR_NOT_FOUND);
	T_INTEQ(cookie_get(&c, "si", &v), -ERR_NOT_FOUND);
	T_INTEQ(cookie_get(&c, "", &v), -ERR_NOT_FOUND);
	struct cookies zero;
	memset(&zero, 0, sizeof zero);
	T_INTEQ(cookie_get(&zero, "sid", &v), -ERR_NOT_FOUND);
}

static void
test_limits(struct arena *a)
{
	struct buf b;
	buf_init(&b, a, 1024);
	for (int i = 0; i < COOKIE_MAX; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	struct cookies c;
	T_INTEQ(cookie_parse(a, b.data, b.len, 0, &c), 0);
	T_INTEQ(c.count, COOKIE_MAX);
	buf_puts(&b, "last=1");
	T_INTEQ(cookie_parse(a, b.data, b.len, 0, &c), -ERR_TOO_LARGE);
	T_INTEQ(c.count, COOKIE_MAX);
	const char *v;
	T_INTEQ(cookie_get(&c, "c0", &v), 0);
	T_INTEQ(cookie_parse(a, "a=1; b=2; c=3", 13, 2, &c), -ERR_TOO_LARGE);
	T_INTEQ(c.count, 2);
	/* malformed pieces do not count against the limit */
	T_INTEQ(cookie_parse(a, "x; y; z; a=1; b=2", 17, 2, &c), 0);
	T_INTEQ(c.count, 2);

	/* 100 000 separators, and a 1 MB value */
	size_t n = 100000;
	char *semis = arena_alloc(a, n);
	memset(semis, ';', n);
	T_INTEQ(cookie_parse(a, semis, n, 0, &c), 0);
	T_INTEQ(c.count, 0);
	buf_init(&b, a, 1 << 20);
	buf_puts(&b, "big=");
	for (int i = 0; i < (1 << 20); i++)
		buf_putc(&b, 'v');
	T_INTEQ(cookie_parse(a, b.data, b.len, 0, &c), 0);
	T_INTEQ(c.items[0].value_len, 1 << 20);
}

static void
test_validators(void)
{
	T_OK(cookie_name_ok("sid"), "plain name");
	T_OK(cookie_name_ok("__Host-ecc_sid"), "prefixed name");
	T_OK(cookie_name_ok("a!#$%&'*+-.^_`|~9"), "all token punctuation");
	T_OK(!cookie_name_ok(""), "empty name");
	T_OK(!cookie_name_ok(NULL), "NULL name");
	T_OK(!cookie_name_ok("a b"), "space");
	T_OK(!cookie_name_ok("a=b"), "=");
	T_OK(!cookie_name_ok("a;b"), ";");
	T_OK(!cookie_name_ok("a,b"), ",");
	T_OK(!cookie_name_ok("a\"b"), "quote");
	T_OK(!cookie_name_ok("a\r\nb"), "CRLF");
	T_OK(!cookie_name_ok("a\tb"), "tab");
	T_OK(!cookie_name_ok("caf\xC3\xA9"), "non-ASCII");
	T_OK(!cookie_name_ok("a(b)"), "parens");
	T_OK(!cookie_name_ok("{a}"), "braces");

	T_OK(cookie_value_ok(""), "empty value");
	T_OK(cookie_value_ok("abc123-_.~!#$%&'()*+/:<=>?@[]^`{|}"), "cookie-octets");
	T_OK(cookie_value_ok("\"quoted\""), "quoted");
	T_OK(cookie_value_ok("\"\""), "empty quoted");
	T_OK(cookie_value_ok("ZXhhbXBsZQ=="), "base64");
	T_OK(!cookie_value_ok(NULL), "NULL value");
	T_OK(!cookie_value_ok("a b"), "space");
	T_OK(!cookie_value_ok("a;b"), "semicolon");
	T_OK(!cookie_value_ok("a,b"), "comma");
	T_OK(!cookie_value_ok("a\\b"), "backslash");
	T_OK(!cookie_value_ok("a\"b"), "inner quote");
	T_OK(!cookie_value_ok("\""), "lone quote");
	T_OK(!cookie_value_ok("\"a"), "unbalanced quote");
	T_OK(!cookie_value_ok("\"a b\""), "space inside quotes");
	T_OK(!cookie_value_ok("x\r\nSet-Cookie: a=b"), "header injection");
	T_OK(!cookie_value_ok("\x7f"), "DEL");
	T_OK(!cookie_value_ok("caf\xC3\xA9"), "non-ASCII");
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_parse(a);
	test_get(a);
	test_limits(a);
	test_validators();
	arena_free(a);
	return t_done("unit-cookie");
}
