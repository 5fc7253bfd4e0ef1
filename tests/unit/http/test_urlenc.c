/* test_urlenc.c: urlencoded parsing (WHATWG rules, limits, hostile input), the serializer, and form lookups. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/urlenc.h"
#include "t.h"

#include <stdbool.h>
#include <time.h>

#define R UTF8_REPLACEMENT

static struct form
parse(struct arena *a, const char *s, int *rc)
{
	struct form f;
	*rc = urlenc_parse(a, s, strlen(s), &f);
	return f;
}

/* joined: "name=value|name=value" rendering of a form for compact checks. */
static const char *
joined(struct arena *a, const struct form *f)
{
	struct buf b;
	buf_init(&b, a, 64);
	for (size_t i = 0; i < f->count; i++) {
		if (i > 0)
			buf_putc(&b, '|');
		buf_append(&b, f->pairs[i].name, f->pairs[i].name_len);
		buf_putc(&b, '=');
		buf_append(&b, f->pairs[i].value, f->pairs[i].value_len);
	}
	return buf_cstr(&b);
}

#define CASE(in, want)                                                         \
	do {                                                                   \
		int rc_;                                                       \
		struct form f_ = parse(a, in, &rc_);                           \
		T_INTEQ(rc_, 0);                                               \
		T_STREQ(joined(a, &f_), want);                                 \
	} while (0)

static void
test_basic(struct arena *a)
{
	CASE("", "");
	CASE("a=b", "a=b");
	CASE("a=b&c=d", "a=b|c=d");
	CASE("&&&a=b&&&&c=d&", "a=b|c=d");
	CASE("a", "a=");
	CASE("a=", "a=");
	CASE("=b", "=b");
	CASE("=", "=");
	CASE("a==b", "a==b");
	CASE("a=b=c", "a=b=c");
	CASE("a=a+b+c", "a=a b c");
	CASE("+=+", " = ");
	CASE("a=%20%2B%2b", "a= ++");
	CASE("%61%62=%63", "ab=c");
	CASE("a=%", "a=%");
	CASE("a=%4", "a=%4");
	CASE("a=%zz", "a=%zz");
	CASE("a=%%41", "a=%A");
	CASE("a=%2%41", "a=%2A");
	CASE("a=%26b%3Dc", "a=&b=c");
	CASE("k=%E6%97%A5%E6%9C%AC", "k=\xE6\x97\xA5\xE6\x9C\xAC");
	CASE("k=\xE6\x97\xA5", "k=\xE6\x97\xA5");
	CASE("k=%EF%BB%BFx", "k=\xEF\xBB\xBFx");
	CASE("a;b=c", "a;b=c");
	CASE("a=b;c=d", "a=b;c=d");
	CASE("a=%0D%0ASet-Cookie:%20x", "a=\r\nSet-Cookie: x");
}

static void
test_utf8_repair(struct arena *a)
{
	CASE("a=%FF", "a=" R);
	CASE("a=%C0%AE", "a=" R R);
	CASE("a=%ED%A0%80", "a=" R R R);
	CASE("a=%F4%90%80%80", "a=" R R R R);
	CASE("a=%E2%82", "a=" R);
	CASE("a=%E2%82x", "a=" R "x");
	CASE("%C2=%C2%A9", R "=\xC2\xA9");
	CASE("a=\xFF\xFE", "a=" R R);
	CASE("a=%E2%82+", "a=" R " ");
	int rc;
	struct form f = parse(a, "a=%F0%9F%98%80&b=%F0%9F%98", &rc);
	T_INTEQ(rc, 0);
	for (size_t i = 0; i < f.count; i++) {
		T_OK(utf8_valid(f.pairs[i].name, f.pairs[i].name_len), "name %zu valid", i);
		T_OK(utf8_valid(f.pairs[i].value, f.pairs[i].value_len), "value %zu valid", i);
		T_OK(f.pairs[i].value[f.pairs[i].value_len] == '\0', "NUL-terminated");
	}
}

static void
test_nul(struct arena *a)
{
	int rc;
	struct form f = parse(a, "a=x%00y&%00=z", &rc);
	T_INTEQ(rc, 0);
	T_INTEQ(f.count, 2);
	T_INTEQ(f.pairs[0].value_len, 3);
	T_OK(memcmp(f.pairs[0].value, "x\0y", 4) == 0, "NUL decoded into value");
	T_INTEQ(f.pairs[1].name_len, 1);
	const char *v;
	T_INTEQ(form_get(&f, "", &v, NULL), -ERR_NOT_FOUND);
	/* raw NUL inside the input (length-delimited) */
	struct form g;
	T_INTEQ(urlenc_parse(a, "a=b\0c&d=e", 9, &g), 0);
	T_INTEQ(g.count, 2);
	T_INTEQ(g.pairs[0].value_len, 3);
	T_STREQ(g.pairs[1].name, "d");
	/* only the first n bytes are read */
	T_INTEQ(urlenc_parse(a, "a=bcdef", 3, &g), 0);
	T_STREQ(joined(a, &g), "a=b");
	T_INTEQ(urlenc_parse(a, "a=%4", 3, &g), 0);
	T_STREQ(joined(a, &g), "a=%");
}

static void
test_form_get(struct arena *a)
{
	int rc;
	struct form f = parse(a, "x=1&y=2&x=3&z=&tag=a&tag=b&tag=c", &rc);
	T_INTEQ(rc, 0);
	T_INTEQ(form_count(&f), 7);
	const char *v = NULL;
	size_t len = 99;
	T_INTEQ(form_get(&f, "y", &v, &len), 0);
	T_STREQ(v, "2");
	T_INTEQ(len, 1);
	T_INTEQ(form_get(&f, "z", &v, &len), 0);
	T_STREQ(v, "");
	T_INTEQ(len, 0);
	T_INTEQ(form_get(&f, "x", &v, NULL), -ERR_CONFLICT);
	T_STREQ(v, "1");
	T_INTEQ(form_get(&f, "nope", &v, NULL), -ERR_NOT_FOUND);
	T_INTEQ(form_get(&f, "X", &v, NULL), -ERR_NOT_FOUND);
	T_INTEQ(form_get(&f, "ta", &v, NULL), -ERR_NOT_FOUND);
	const char **vals;
	size_t *lens;
	T_INTEQ(form_get_all(&f, a, "tag", &vals, &lens), 3);
	T_STREQ(vals[0], "a");
	T_STREQ(vals[2], "c");
	T_INTEQ(lens[1], 1);
	T_INTEQ(form_get_all(&f, a, "x", &vals, NULL), 2);
	T_STREQ(vals[1], "3");
	T_INTEQ(form_get_all(&f, a, "none", &vals, &lens), 0);
	T_OK(vals == NULL && lens == NULL, "no values: NULL arrays");

	struct form zero;
	memset(&zero, 0, sizeof zero);
	T_INTEQ(form_get(&zero, "a", &v, NULL), -ERR_NOT_FOUND);
	T_INTEQ(form_count(&zero), 0);

	struct form own;
	form_init(&own, a, 2);
	T_INTEQ(form_add(&own, "a", 1, "1", 1), 0);
	T_INTEQ(form_add(&own, "b", 1, "2", 1), 0);
	T_INTEQ(form_add(&own, "c", 1, "3", 1), -ERR_TOO_LARGE);
	T_INTEQ(form_count(&own), 2);
	form_init(&own, a, 0);
	T_INTEQ(own.max, FORM_MAX_PAIRS);
}

static void
test_limits(struct arena *a)
{
	struct buf b;
	buf_init(&b, a, 8192);
	for (int i = 0; i < URLENC_MAX_PAIRS; i++)
		buf_printf(&b, "k%d=v&", i);
	struct form f;
	T_INTEQ(urlenc_parse(a, b.data, b.len, &f), 0);
	T_INTEQ(f.count, URLENC_MAX_PAIRS);
	const char *v;
	T_INTEQ(form_get(&f, "k999", &v, NULL), 0);
	buf_puts(&b, "one=more");
	T_INTEQ(urlenc_parse(a, b.data, b.len, &f), -ERR_TOO_LARGE);
	T_INTEQ(f.count, URLENC_MAX_PAIRS);

	/* a million '&' (no pair) is fine and quick */
	size_t n = 1000000;
	char *amps = arena_alloc(a, n);
	memset(amps, '&', n);
	clock_t t0 = clock();
	T_INTEQ(urlenc_parse(a, amps, n, &f), 0);
	T_INTEQ(f.count, 0);
	/* one 1 MB value of escapes */
	buf_init(&b, a, 3 * n + 8);
	buf_puts(&b, "big=");
	for (size_t i = 0; i < n; i++)
		buf_append(&b, "%41", 3);
	T_INTEQ(urlenc_parse(a, b.data, b.len, &f), 0);
	T_INTEQ(f.pairs[0].value_len, n);
	/* 1 MB of '=' */
	memset(amps, '=', n);
	T_INTEQ(urlenc_parse(a, amps, n, &f), 0);
	T_INTEQ(f.count, 1);
	T_INTEQ(f.pairs[0].name_len, 0);
	T_INTEQ(f.pairs[0].value_len, n - 1);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	T_OK(secs < 2.0, "large inputs parsed in %.2fs", secs);

	/* 1000 pairs with the same name: lookup is linear, conflict found */
	buf_init(&b, a, 8192);
	for (int i = 0; i < URLENC_MAX_PAIRS; i++)
		buf_puts(&b, "same=1&");
	T_INTEQ(urlenc_parse(a, b.data, b.len, &f), 0);
	T_INTEQ(form_get(&f, "same", &v, NULL), -ERR_CONFLICT);
}

static const char *
enc(struct arena *a, const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, a, 0);
	urlenc_encode(&b, s, n);
	return buf_cstr(&b);
}

#define ENC(lit) enc(a, lit, sizeof lit - 1)

static void
test_encode(struct arena *a)
{
	T_STREQ(ENC(""), "");
	T_STREQ(ENC("abcXYZ019"), "abcXYZ019");
	T_STREQ(ENC("*-._"), "*-._");
	T_STREQ(ENC("a b"), "a+b");
	T_STREQ(ENC("a+b"), "a%2Bb");
	T_STREQ(ENC("~!'()"), "%7E%21%27%28%29");
	T_STREQ(ENC("&=%/?#"), "%26%3D%25%2F%3F%23");
	T_STREQ(ENC("\xE2\x80\xA0"), "%E2%80%A0");
	T_STREQ(ENC("\r\n\t"), "%0D%0A%09");
	T_STREQ(ENC("a\0b"), "a%00b");
	T_STREQ(ENC("\xFF"), "%FF");

	/* round trip: every byte value (as a valid UTF-8 string) */
	struct buf src;
	buf_init(&src, a, 512);
	for (int c = 1; c < 0x80; c++)
		buf_putc(&src, (char)c);
	buf_puts(&src, "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80");
	struct buf q;
	buf_init(&q, a, 2048);
	buf_puts(&q, "k=");
	urlenc_encode(&q, src.data, src.len);
	buf_puts(&q, "&k2=");
	urlenc_encode(&q, "x&y=z", 5);
	struct form f;
	T_INTEQ(urlenc_parse(a, q.data, q.len, &f), 0);
	T_INTEQ(f.count, 2);
	T_INTEQ(f.pairs[0].value_len, src.len);
	T_OK(memcmp(f.pairs[0].value, src.data, src.len) == 0, "round trip");
	T_STREQ(f.pairs[1].value, "x&y=z");
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_basic(a);
	test_utf8_repair(a);
	test_nul(a);
	test_form_get(a);
	test_limits(a);
	test_encode(a);
	arena_free(a);
	return t_done("unit-urlenc");
}
