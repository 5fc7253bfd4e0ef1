/* test_path.c: request path normalisation (decode once, collapse "//", refuse dot segments and tricks) and splitting. */
#include "core/arena.h"
#include "core/err.h"
#include "http/path.h"
#include "t.h"

static struct arena *A;

static const char *
norm(const char *s, size_t n, int *rc)
{
	char *out = NULL;
	*rc = path_normalize(A, s, n, &out);
	return out;
}

#define OK(in, want)                                                           \
	do {                                                                   \
		int rc_;                                                       \
		const char *o_ = norm(in, sizeof in - 1, &rc_);                \
		T_OK(rc_ == 0, "%s: rc %d", in, rc_);                          \
		T_STREQ(o_, want);                                             \
	} while (0)

#define BAD(in)                                                                \
	do {                                                                   \
		int rc_;                                                       \
		const char *o_ = norm(in, sizeof in - 1, &rc_);                \
		T_OK(rc_ == -ERR_INVALID && o_ == NULL, "%s: rc %d, want invalid", \
		     #in, rc_);                                                \
	} while (0)

static void
test_accept(void)
{
	OK("/", "/");
	OK("/orders", "/orders");
	OK("/orders/", "/orders/");
	OK("/orders/12", "/orders/12");
	OK("/a//b", "/a/b");
	OK("//", "/");
	OK("///a///b///", "/a/b/");
	OK("/%41%62c", "/Abc");
	OK("/a%20b", "/a b");
	OK("/a+b", "/a+b");
	OK("/%2B", "/+");
	OK("/%3F%23", "/?#");
	OK("/%25", "/%");
	OK("/%252e%252e/x", "/%2e%2e/x");   /* decoded once only */
	OK("/%252F", "/%2F");
	OK("/caf%C3%A9", "/caf\xC3\xA9");
	OK("/%e3%81%82", "/\xE3\x81\x82");
	OK("/\xE3\x81\x82", "/\xE3\x81\x82");
	OK("/...", "/...");
	OK("/..a", "/..a");
	OK("/a..", "/a..");
	OK("/.well-known/x", "/.well-known/x");
	OK("/a/.b", "/a/.b");
	OK("/%2e%2e%2e", "/...");
	OK("/~user", "/~user");
	OK("/static/app.css", "/static/app.css");
	OK("/%F0%9F%98%80", "/\xF0\x9F\x98\x80");

	/* only n bytes are read */
	int rc;
	const char *o = norm("/abc?x=1", 4, &rc);
	T_INTEQ(rc, 0);
	T_STREQ(o, "/abc");
}

static void
test_reject(void)
{
	BAD("");
	BAD("a");
	BAD("orders");
	BAD("%2F");
	BAD("*");
	BAD("http://evil/");
	BAD("/.");
	BAD("/..");
	BAD("/./");
	BAD("/../");
	BAD("/a/.");
	BAD("/a/..");
	BAD("/a/./b");
	BAD("/a/../b");
	BAD("/a//../b");
	BAD("/%2e");
	BAD("/%2E");
	BAD("/%2e%2e");
	BAD("/%2E%2E/etc/passwd");
	BAD("/.%2e/");
	BAD("/%2e./");
	BAD("/a/%2e%2e");
	BAD("/%2f");
	BAD("/%2F");
	BAD("/a%2Fb");
	BAD("/..%2f");
	BAD("/%00");
	BAD("/a%00.html");
	BAD("/\\");
	BAD("/a\\..\\b");
	BAD("/%5c");
	BAD("/..%5c..%5c");
	BAD("/%0a");
	BAD("/%0D%0ALocation:%20x");
	BAD("/a\tb");
	BAD("/a\nb");
	BAD("/\x7f");
	BAD("/%7F");
	BAD("/%1b");
	BAD("/%C0%AE%C0%AE/");           /* overlong '.' */
	BAD("/%C0%AF");                   /* overlong '/' */
	BAD("/%E0%80%AF");
	BAD("/%ED%A0%80");                /* surrogate */
	BAD("/%F4%90%80%80");
	BAD("/%ff");
	BAD("/\xff");
	BAD("/\xC3");
	BAD("/%C3");
	BAD("/%");
	BAD("/%4");
	BAD("/%zz");
	BAD("/%%41");
	BAD("/%4g");
	BAD("/a%");

	int rc;
	const char *o = norm("/a\0b", 4, &rc);
	T_OK(rc == -ERR_INVALID && o == NULL, "raw NUL");
	o = norm("/a/..", 3, &rc);     /* "/a/" is fine when n stops early */
	T_INTEQ(rc, 0);
	T_STREQ(o, "/a/");
}

static void
test_limits(void)
{
	size_t n = PATH_MAX_BYTES;
	char *p = arena_alloc(A, n + 1);
	memset(p, 'a', n + 1);
	p[0] = '/';
	int rc;
	const char *o = norm(p, n, &rc);
	T_INTEQ(rc, 0);
	T_INTEQ(strlen(o), n);
	o = norm(p, n + 1, &rc);
	T_INTEQ(rc, -ERR_TOO_LARGE);
	memset(p, '/', n);
	o = norm(p, n, &rc);
	T_INTEQ(rc, 0);
	T_STREQ(o, "/");
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(p + i, "%41", 3);
	p[0] = '/';
	o = norm(p, n - n % 3, &rc);
	T_OK(rc == 0 && o[0] == '/', "many escapes");
}

static void
test_split(void)
{
	char **s;
	size_t n;
	T_INTEQ(path_split(A, "/", &s, &n), 0);
	T_INTEQ(n, 1);
	T_STREQ(s[0], "");
	T_INTEQ(path_split(A, "/orders", &s, &n), 0);
	T_INTEQ(n, 1);
	T_STREQ(s[0], "orders");
	T_INTEQ(path_split(A, "/orders/", &s, &n), 0);
	T_INTEQ(n, 2);
	T_STREQ(s[1], "");
	T_INTEQ(path_split(A, "/orders/12/edit", &s, &n), 0);
	T_INTEQ(n, 3);
	T_STREQ(s[0], "orders");
	T_STREQ(s[1], "12");
	T_STREQ(s[2], "edit");
	T_INTEQ(path_split(A, "orders", &s, &n), -ERR_INVALID);
	T_INTEQ(path_split(A, "", &s, &n), -ERR_INVALID);
	T_INTEQ(path_split(A, NULL, &s, &n), -ERR_INVALID);
}

int
main(void)
{
	A = arena_new(0);
	test_accept();
	test_reject();
	test_limits();
	test_split();
	arena_free(A);
	return t_done("unit-path");
}
