/* test_conn_jv.c: the page parser — RFC 8259 grammar, string decoding as json-c does it, navigation, source bytes, quoting. */
#include "connectors/conn_jv.h"
#include "core/err.h"
#include "t.h"

#include <stdlib.h>

static struct arena *a;

/* parse s (NUL-terminated); 0 or the error */
static int
parse(const char *s, const struct conn_jv **out)
{
	return conn_jv_parse(a, s, strlen(s), "t", out, NULL);
}

/* the text of v as a NUL-terminated copy ("(null)" when it has none) */
static const char *
text(const struct conn_jv *v)
{
	size_t n;
	const char *s = conn_jv_text(v, &n);
	return s != NULL ? arena_memdup(a, s, n) : "(null)";
}

static void
test_grammar(void)
{
	static const char *const good[] = {
		"{}", "[]", " {\"a\" : [ 1 , 2 ] }\r\n\t", "0", "-0", "-0.0", "1.5e-3", "1E+5", "2.50",
		"\"s\"", "true", "false", "{\"\":1}", "[[[[]]]]", "{\"a\":\"x\ty\"}", "{\"a\":\"x\x01y\"}",
		"{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "[1,{\"b\":[null,true]}]",
	};
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}",
		"{\"a\":.5}", "{\"a\":1e}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}",
		"{\"a\":True}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}",
		"{\"a\":1 /*c*/}", "{\"a\"\x0b:1}", "\xef\xbb\xbf{}", "{} x", "12 3", "{\"a\":1}}",
		"{\"a\" 1}", "{1:2}", "[1 2]", "\"abc", "\"abc\\", "{\"a\":\"\\", "[", "{\"a\":00}",
		"{\"a\":1.5.3}", "[-]", "[+1]",
	};
	const struct conn_jv *o;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		T_OK(parse(good[i], &o) == 0, "good %zu: %s", i, good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_OK(parse(bad[i], &o) == -ERR_UPSTREAM, "bad %zu: %s", i, bad[i]);
	/* a NUL byte is never part of a document, inside a string or not */
	T_INTEQ(conn_jv_parse(a, "{\"a\":\"x\0y\"}", 11, "t", &o, NULL), -ERR_UPSTREAM);
	T_INTEQ(conn_jv_parse(a, "{\"a\":1}\0", 8, "t", &o, NULL), -ERR_UPSTREAM);
	T_INTEQ(conn_jv_parse(a, NULL, 0, "t", &o, NULL), -ERR_UPSTREAM);
	/* messages */
	struct buf msg;
	buf_init(&msg, a, 64);
	T_INTEQ(conn_jv_parse(a, "{\"a\":1", 6, "テスト", &o, &msg), -ERR_UPSTREAM);
	T_STREQ(buf_cstr(&msg), "テストの JSON が不正です（位置 6）");
	buf_clear(&msg);
	T_INTEQ(conn_jv_parse(a, "[1,x]", 5, "テスト", &o, &msg), -ERR_UPSTREAM);
	T_STREQ(buf_cstr(&msg), "テストの JSON が不正です（位置 3）");
	buf_clear(&msg);
	T_INTEQ(conn_jv_parse(a, "", 0, "テスト", &o, &msg), -ERR_UPSTREAM);
	T_STREQ(buf_cstr(&msg), "テストが空です");
	/* null root */
	T_INTEQ(parse(" null ", &o), 0);
	T_OK(o == NULL, "null root");
	/* nesting: 64 levels are fine, 65 are not */
	char deep[200];
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	T_INTEQ(parse(deep, &o), 0);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	T_INTEQ(parse(deep, &o), -ERR_UPSTREAM);
}

static void
test_strings(void)
{
	const struct conn_jv *o;
	/* escapes, surrogate pairs, lone surrogates (U+FFFD, as json-c), \u0000 */
	T_INTEQ(parse("[\"\\u00e9\",\"\\ud83d\\ude00\",\"\\uD800\\uDC00\",\"\\ud800\",\"\\ud800x\","
		      "\"\\udc00\",\"\\ud800\\u0041\",\"a\\u0000b\",\"\\/\",\"\\\"q\\\"\"]", &o), 0);
	T_STREQ(text(conn_jv_idx(o, 0)), "é");
	T_STREQ(text(conn_jv_idx(o, 1)), "😀");
	T_STREQ(text(conn_jv_idx(o, 2)), "\xf0\x90\x80\x80");
	T_STREQ(text(conn_jv_idx(o, 3)), "\xef\xbf\xbd");
	T_STREQ(text(conn_jv_idx(o, 4)), "\xef\xbf\xbdx");
	T_STREQ(text(conn_jv_idx(o, 5)), "\xef\xbf\xbd");
	T_STREQ(text(conn_jv_idx(o, 6)), "\xef\xbf\xbd" "A");
	size_t n;
	const char *s = conn_jv_text(conn_jv_idx(o, 7), &n);
	T_OK(n == 3 && memcmp(s, "a\0b", 3) == 0, "\\u0000 kept inside the string");
	T_STREQ(text(conn_jv_idx(o, 8)), "/");
	T_STREQ(text(conn_jv_idx(o, 9)), "\"q\"");
	/* ill-formed UTF-8 is kept as it is (conn_json_str repairs it) */
	T_INTEQ(parse("[\"\xff\xfe\",\"\xc3\"]", &o), 0);
	T_STREQ(text(conn_jv_idx(o, 0)), "\xff\xfe");
	T_STREQ(text(conn_jv_idx(o, 1)), "\xc3");
	/* escaped keys */
	T_INTEQ(parse("{\"k\\u0065y\":1,\"a\\\"b\":2}", &o), 0);
	T_STREQ(text(conn_jv_get(o, "key")), "1");
	T_STREQ(text(conn_jv_get(o, "a\"b")), "2");
}

static void
test_navigation(void)
{
	const struct conn_jv *o;
	T_INTEQ(parse("{\"a\":1,\"o\":{\"p\":[{\"q\":\"x\"},null,{\"q\":2}]},\"a\":\"last\",\"n\":null,"
		      "\"0\":\"zero\",\"b\":false}", &o), 0);
	T_INTEQ(conn_jv_type(o), CONN_JV_OBJECT);
	T_INTEQ(conn_jv_len(o), 6);
	T_STREQ(text(conn_jv_get(o, "a")), "last"); /* a repeated key: the last one, as json-c */
	T_OK(conn_jv_get(o, "n") == NULL, "null member is NULL");
	T_OK(conn_jv_get(o, "zz") == NULL, "absent member");
	T_INTEQ(conn_jv_type(conn_jv_get(o, "b")), CONN_JV_BOOL);
	T_STREQ(text(conn_jv_get(o, "b")), "false");
	T_STREQ(text(conn_jv_at(o, "o.p.0.q")), "x");
	T_OK(conn_jv_at(o, "o.p.1") == NULL, "null item is NULL");
	T_STREQ(text(conn_jv_at(o, "o.p.2.q")), "2");
	T_INTEQ(conn_jv_type(conn_jv_at(o, "o.p.2.q")), CONN_JV_NUMBER);
	T_OK(conn_jv_at(o, "o.p.3") == NULL, "out of range");
	T_STREQ(text(conn_jv_at(o, "0")), "zero"); /* a numeric segment names an object's member */
	T_OK(conn_jv_at(o, "o.p.x") == NULL, "array by name");
	T_OK(conn_jv_at(o, "o.p.-1") == NULL, "negative index");
	T_OK(conn_jv_at(o, "o.p.+1") == NULL, "signed index");
	T_OK(conn_jv_at(o, "a.x") == NULL, "into a string");
	T_OK(conn_jv_at(o, "o..p") == NULL, "empty segment");
	T_OK(conn_jv_at(o, "o.p.99999999999999999999999") == NULL, "huge index");
	T_OK(conn_jv_at(NULL, "a") == NULL, "NULL value");
	T_OK(conn_jv_at(o, "") == o, "empty path");
	T_OK(conn_jv_idx(o, 0) == NULL, "an object is not indexed");
	T_OK(conn_jv_get(conn_jv_at(o, "o.p"), "q") == NULL, "an array has no members");
	T_INTEQ(conn_jv_len(conn_jv_at(o, "o.p")), 3);
	T_INTEQ(conn_jv_len(conn_jv_get(o, "a")), 0);
	T_INTEQ(conn_jv_len(NULL), 0);
	T_OK(conn_jv_is(conn_jv_at(o, "o.p"), CONN_JV_ARRAY) && !conn_jv_is(NULL, CONN_JV_NULL),
	     "conn_jv_is");
	size_t n = 9;
	T_OK(conn_jv_text(conn_jv_get(o, "o"), &n) == NULL && n == 0, "no text for an object");
	char seg[120];
	memset(seg, 'k', sizeof seg - 1);
	seg[sizeof seg - 1] = '\0';
	T_OK(conn_jv_at(o, seg) == NULL, "long segment");
}

static void
test_raw(void)
{
	static const char doc[] = "{ \"orders\" : [ {\"id\": 1,\n  \"s\" : \"a\\u00e9\" } , 12.50 ,\"x\\ny\", {} ] }";
	const struct conn_jv *o;
	T_INTEQ(parse(doc, &o), 0);
	const struct conn_jv *arr = conn_jv_get(o, "orders");
	size_t n;
	const char *r = conn_jv_raw(a, conn_jv_idx(arr, 0), &n);
	T_STREQ(r, "{\"id\": 1,\n  \"s\" : \"a\\u00e9\" }");
	T_INTEQ(n, strlen(r));
	T_STREQ(conn_jv_raw(a, conn_jv_idx(arr, 1), NULL), "12.50");
	T_STREQ(conn_jv_raw(a, conn_jv_idx(arr, 2), NULL), "\"x\\ny\"");
	T_STREQ(conn_jv_raw(a, conn_jv_idx(arr, 3), NULL), "{}");
	T_STREQ(conn_jv_raw(a, NULL, &n), "null");
	T_INTEQ(n, 4);
	T_STREQ(conn_jv_raw(a, o, NULL), doc + 0); /* the root: no white space around it here */
	T_INTEQ(parse("  [1]  ", &o), 0);
	T_STREQ(conn_jv_raw(a, o, NULL), "[1]");
}

/* the biggest body the HTTP client accepts (8 MiB) as one flat array: the tree stays
 * within 32 bytes a value of arena (the parse stack is not in the arena) */
static void
test_big(void)
{
	size_t n = 8u << 20;
	char *body = malloc(n);
	T_OK(body != NULL, "malloc");
	if (body == NULL)
		return;
	body[0] = '[';
	for (size_t i = 1; i + 1 < n; i += 2) {
		body[i] = '1';
		body[i + 1] = ',';
	}
	body[n - 1] = ']'; /* "…,1,]" is not JSON: end it as "…,1]" */
	body[n - 2] = '1';
	struct arena *big = arena_new(0);
	const struct conn_jv *o;
	T_INTEQ(conn_jv_parse(big, body, n, "t", &o, NULL), 0);
	T_INTEQ(conn_jv_len(o), (n - 1) / 2);
	T_OK(arena_used(big) < 17 * n, "arena %zu bytes for %zu bytes of JSON", arena_used(big), n);
	arena_free(big);
	free(body);
}

static void
test_quote(void)
{
	struct buf b;
	buf_init(&b, a, 16);
	static const char in[] = "a\"b\\c/日\n\x01\x7f";
	conn_jv_quote(&b, in, sizeof in - 1);
	T_STREQ(buf_cstr(&b), "\"a\\\"b\\\\c/日\\u000a\\u0001\\u007f\"");
	buf_clear(&b);
	conn_jv_quote(&b, "x\0y", 3);
	T_STREQ(buf_cstr(&b), "\"x\\u0000y\"");
	/* what it writes parses back to the same bytes */
	const struct conn_jv *o;
	T_INTEQ(conn_jv_parse(a, b.data, b.len, "t", &o, NULL), 0);
	size_t n;
	const char *s = conn_jv_text(o, &n);
	T_OK(n == 3 && memcmp(s, "x\0y", 3) == 0, "round trip");
}

int
main(void)
{
	a = arena_new(0);
	test_grammar();
	test_strings();
	test_navigation();
	test_raw();
	test_big();
	test_quote();
	arena_free(a);
	return t_done("conn_jv");
}
