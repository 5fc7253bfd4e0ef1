/* test_multipart.c: multipart/form-data — boundary parameter, browser bodies, malformed and hostile bodies, limits. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/multipart.h"
#include "t.h"

#include <time.h>

#define CT "multipart/form-data; boundary=XyZ"
#define NL "\r\n"
#define R UTF8_REPLACEMENT

static struct arena *A;
static const struct multipart_limits LIM = { 100, 1 << 20, 8192 };

struct res {
	int rc;
	struct multipart *mp;
	struct form f;
	const char *err;
};

static struct res
run(const char *ct, const char *body, size_t n, const struct multipart_limits *lim)
{
	struct res r;
	struct buf err;
	buf_init(&err, A, 64);
	form_init(&r.f, A, 0);
	r.rc = multipart_parse(A, ct, body, n, lim ? lim : &LIM, &r.mp, &r.f, &err);
	r.err = buf_cstr(&err);
	return r;
}

#define RUN(body) run(CT, body, sizeof body - 1, NULL)

/* expect failure rc whose reason contains frag */
#define FAILS(call, code, frag)                                                 \
	do {                                                                   \
		struct res r_ = (call);                                        \
		T_OK(r_.rc == (code), "rc %d, want %d (%s)", r_.rc, (code), r_.err); \
		T_OK(strstr(r_.err, frag) != NULL, "reason \"%s\" lacks \"%s\"", \
		     r_.err, frag);                                            \
		T_OK(r_.mp == NULL, "out is NULL on error");                   \
	} while (0)

static const char *
bnd(const char *ct, int *rc)
{
	const char *b = NULL;
	size_t len = 0;
	struct buf err;
	buf_init(&err, A, 64);
	*rc = multipart_boundary(A, ct, &b, &len, &err);
	if (*rc != 0)
		return NULL;
	T_INTEQ(strlen(b), len);
	return b;
}

static void
test_boundary(void)
{
	int rc;
	T_STREQ(bnd("multipart/form-data; boundary=abc", &rc), "abc");
	T_STREQ(bnd("multipart/form-data;boundary=abc", &rc), "abc");
	T_STREQ(bnd("Multipart/Form-Data; BOUNDARY=abc", &rc), "abc");
	T_STREQ(bnd("multipart/form-data; boundary=\"a b:c\"", &rc), "a b:c");
	T_STREQ(bnd("multipart/form-data; charset=utf-8; boundary=abc", &rc), "abc");
	T_STREQ(bnd("multipart/form-data; boundary=abc; charset=utf-8", &rc), "abc");
	T_STREQ(bnd("multipart/form-data; boundary = abc ;", &rc), "abc");
	T_STREQ(bnd("  multipart/form-data ; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", &rc),
	    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	T_STREQ(bnd("multipart/form-data; boundary=---------------------------9051914041544843365972754266", &rc),
	    "---------------------------9051914041544843365972754266");
	T_OK(bnd("multipart/form-data; boundary=\"q\\\"x\"", &rc) == NULL, "'\"' is no bchar");
	T_STREQ(bnd("multipart/form-data; boundary='()+_,-./:=?", &rc), "'()+_,-./:=?");
	char seventy[128] = "multipart/form-data; boundary=";
	memset(seventy + strlen(seventy), 'b', 70);
	const char *b = bnd(seventy, &rc);
	T_OK(rc == 0 && b != NULL && strlen(b) == 70, "70-char boundary");
	seventy[strlen(seventy) + 1] = '\0';
	seventy[strlen(seventy)] = 'b';
	T_OK(bnd(seventy, &rc) == NULL && rc == -ERR_INVALID, "71-char boundary");

	static const char *bad[] = {
		"", "text/plain", "multipart/mixed; boundary=abc",
		"multipart/form-dataX; boundary=abc",
		"multipart/form-data", "multipart/form-data;",
		"multipart/form-data; charset=utf-8",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"abc",
		"multipart/form-data; boundary=a; boundary=b",
		"multipart/form-data; boundary=\"abc \"",
		"multipart/form-data; boundary=a@b",
		"multipart/form-data; boundary=\"a\rb\"",
		"multipart/form-data; boundary=\"a\xC3\xA9\"",
		"multipart/form-data; boundary=abc junk",
		"multipart/form-data; =abc",
		"multipart/form-data; boundary",
		"multipart/form-data boundary=abc",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_OK(bnd(bad[i], &rc) == NULL && rc == -ERR_INVALID,
		     "bad content type %zu accepted", i);
	}
	T_OK(bnd(NULL, &rc) == NULL && rc == -ERR_INVALID, "NULL content type");
}

static void
test_browser_body(void)
{
	/* the shape Chrome sends: text fields, a file, an empty file input */
	static const char body[] =
	    "--XyZ" NL
	    "Content-Disposition: form-data; name=\"title\"" NL
	    NL
	    "Hello, \xE4\xB8\x96\xE7\x95\x8C" NL
	    "--XyZ" NL
	    "Content-Disposition: form-data; name=\"upload\"; filename=\"orders.csv\"" NL
	    "Content-Type: text/csv" NL
	    NL
	    "id,qty" NL "1,2" NL
	    "--XyZ" NL
	    "Content-Disposition: form-data; name=\"empty\"; filename=\"\"" NL
	    "Content-Type: application/octet-stream" NL
	    NL
	    NL
	    "--XyZ" NL
	    "content-disposition: FORM-DATA; NAME=note" NL
	    NL
	    "" NL
	    "--XyZ--" NL;
	struct res r = RUN(body);
	T_OK(r.rc == 0, "browser body: %d %s", r.rc, r.err);
	if (r.rc != 0)
		return;
	T_INTEQ(r.mp->count, 4);
	const struct multipart_part *p = r.mp->parts;
	T_STREQ(p[0].name, "title");
	T_OK(p[0].filename == NULL, "text field has no filename");
	T_STREQ(p[0].content_type, "text/plain");
	T_INTEQ(p[0].len, 13);
	T_OK(memcmp(p[0].data, "Hello, \xE4\xB8\x96\xE7\x95\x8C", 13) == 0, "text data");
	T_OK(p[0].data > body && p[0].data < body + sizeof body, "zero-copy");
	T_STREQ(p[1].name, "upload");
	T_STREQ(p[1].filename, "orders.csv");
	T_STREQ(p[1].content_type, "text/csv");
	T_INTEQ(p[1].len, 11);
	T_OK(memcmp(p[1].data, "id,qty\r\n1,2", 11) == 0, "file data");
	T_STREQ(p[2].filename, "");
	T_INTEQ(p[2].len, 0);
	T_STREQ(p[3].name, "note");
	T_INTEQ(p[3].len, 0);

	T_INTEQ(form_count(&r.f), 2);
	const char *v;
	size_t len;
	T_INTEQ(form_get(&r.f, "title", &v, &len), 0);
	T_STREQ(v, "Hello, \xE4\xB8\x96\xE7\x95\x8C");
	T_INTEQ(form_get(&r.f, "note", &v, &len), 0);
	T_STREQ(v, "");
	T_INTEQ(form_get(&r.f, "upload", &v, &len), -ERR_NOT_FOUND);
}

static void
test_syntax_variants(void)
{
	/* preamble and epilogue ignored; transport padding after the boundary */
	struct res r = RUN("This is a preamble" NL "--XyZ  \t" NL
	    "Content-Disposition: form-data; name=a" NL NL "1" NL
	    "--XyZ--  trailing" NL "epilogue --XyZ" NL "junk");
	T_OK(r.rc == 0 && r.mp->count == 1, "preamble/epilogue: %d %s", r.rc, r.err);
	/* no parts at all */
	r = RUN("--XyZ--" NL);
	T_OK(r.rc == 0 && r.mp->count == 0, "zero parts: %d %s", r.rc, r.err);
	r = RUN("--XyZ--");
	T_OK(r.rc == 0 && r.mp->count == 0, "zero parts, no CRLF");
	/* headers then the delimiter right away (no blank line, no data) */
	r = RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "--XyZ--");
	T_OK(r.rc == 0 && r.mp->count == 1 && r.mp->parts[0].len == 0,
	     "headers only: %d %s", r.rc, r.err);
	/* ... but the last header line needs its own CRLF */
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL "--XyZ--"),
	      -ERR_INVALID, "not ended by an empty line");
	/* boundary-like text inside data */
	r = RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL
	    "x--XyZ" NL "--XyZX" NL "--XyZ-" NL "--XyZ\tjunk" NL "--Xy" NL "end" NL
	    "--XyZ--");
	T_OK(r.rc == 0 && r.mp->count == 1, "lookalikes in data: %d %s", r.rc, r.err);
	if (r.rc == 0) {
		static const char want[] = "x--XyZ" NL "--XyZX" NL "--XyZ-" NL
		    "--XyZ\tjunk" NL "--Xy" NL "end";
		T_INTEQ(r.mp->parts[0].len, sizeof want - 1);
		T_OK(memcmp(r.mp->parts[0].data, want, sizeof want - 1) == 0,
		     "data keeps lookalikes");
	}
	/* binary data with NUL, CR, LF */
	static const char bin[] = "--XyZ" NL
	    "Content-Disposition: form-data; name=f; filename=\"b.bin\"" NL NL
	    "\0\r\n\r\r\n--\n\0" NL "--XyZ--";
	r = run(CT, bin, sizeof bin - 1, NULL);
	T_OK(r.rc == 0 && r.mp->parts[0].len == 10, "binary data: %d %s", r.rc, r.err);
	/* escapes and odd filenames */
	r = RUN("--XyZ" NL
	    "Content-Disposition: form-data; name=\"a\\\"b\"; filename=\"C:\\dir\\x\\\\y.txt\"" NL NL
	    "v" NL "--XyZ--");
	T_OK(r.rc == 0, "escapes: %d %s", r.rc, r.err);
	if (r.rc == 0) {
		T_STREQ(r.mp->parts[0].name, "a\"b");
		T_STREQ(r.mp->parts[0].filename, "C:\\dir\\x\\y.txt");
	}
	r = RUN("--XyZ" NL
	    "Content-Disposition: form-data; name=\"f\"; filename=\"%22evil%22.txt\"; filename*=UTF-8''x" NL
	    "X-Other: ignored" NL
	    "Content-Type:  image/png  " NL NL
	    "v" NL "--XyZ--");
	T_OK(r.rc == 0, "filename*: %d %s", r.rc, r.err);
	if (r.rc == 0) {
		T_STREQ(r.mp->parts[0].filename, "%22evil%22.txt");
		T_STREQ(r.mp->parts[0].content_type, "image/png");
	}
	/* UTF-8 repair in names, filenames and text values; file data kept raw */
	r = RUN("--XyZ" NL
	    "Content-Disposition: form-data; name=\"n\xFF\"" NL NL
	    "v\xC0\xAE" NL
	    "--XyZ" NL
	    "Content-Disposition: form-data; name=\"f\"; filename=\"\xE2\x82.txt\"" NL NL
	    "\xFF" NL
	    "--XyZ--");
	T_OK(r.rc == 0, "utf8: %d %s", r.rc, r.err);
	if (r.rc == 0) {
		T_STREQ(r.mp->parts[0].name, "n" R);
		T_STREQ(r.mp->parts[1].filename, R ".txt");
		T_INTEQ(r.mp->parts[1].len, 1);
		const char *v;
		T_INTEQ(form_get(&r.f, "n" R, &v, NULL), 0);
		T_STREQ(v, "v" R R);
		T_INTEQ(r.mp->parts[0].len, 3);
	}
	/* duplicate field names: both kept, form_get reports the conflict */
	r = RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "2" NL "--XyZ--");
	const char *v;
	T_OK(r.rc == 0 && form_get(&r.f, "a", &v, NULL) == -ERR_CONFLICT,
	     "duplicate names");
	/* empty part: no headers at all */
	FAILS(RUN("--XyZ" NL NL "--XyZ--"), -ERR_INVALID, "no Content-Disposition");
	FAILS(RUN("--XyZ" NL NL "data" NL "--XyZ--"), -ERR_INVALID, "no Content-Disposition");
	/* quoted boundary with a space */
	static const char qb[] = "--a b" NL
	    "Content-Disposition: form-data; name=x" NL NL "1" NL "--a b--";
	r = run("multipart/form-data; boundary=\"a b\"", qb, sizeof qb - 1, NULL);
	T_OK(r.rc == 0 && r.mp->count == 1, "quoted boundary: %d %s", r.rc, r.err);
}

static void
test_malformed(void)
{
	FAILS(run("text/plain", "x", 1, NULL), -ERR_INVALID, "not multipart/form-data");
	FAILS(run("multipart/form-data", "x", 1, NULL), -ERR_INVALID, "no boundary");
	FAILS(RUN(""), -ERR_INVALID, "no boundary delimiter");
	FAILS(RUN("just text"), -ERR_INVALID, "no boundary delimiter");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1"),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL "--XyZ"),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL "--XyZ" NL),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL "--XyZX--"),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL "--XyZ-"),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL "--xyz--"),
	      -ERR_INVALID, "missing final boundary");
	FAILS(RUN("--XyZ" NL "--XyZ--"), -ERR_INVALID, "missing final boundary");
	/* bare LF everywhere */
	FAILS(RUN("--XyZ\nContent-Disposition: form-data; name=a\n\n1\n--XyZ--\n"),
	      -ERR_INVALID, "CRLF is required");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a\n\n1" NL "--XyZ--"),
	      -ERR_INVALID, "CRLF");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a\rX: y" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "control character");
	/* headers */
	FAILS(RUN("--XyZ" NL "Content-Type: text/plain" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "no Content-Disposition");
	FAILS(RUN("--XyZ" NL "Content-Disposition: attachment; name=a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "not form-data");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "no name parameter");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; filename=\"a\"" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "no name parameter");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a; name=b" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "repeated name");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a; filename=b; FILENAME=c" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "repeated filename");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL
	    "Content-Disposition: form-data; name=b" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "repeated Content-Disposition");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL
	    "Content-Type: text/plain" NL "Content-Type: text/html" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "repeated Content-Type");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data;" NL " name=a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "folded");
	FAILS(RUN("--XyZ" NL "Content-Disposition form-data; name=a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "without ':'");
	FAILS(RUN("--XyZ" NL "Content Disposition: form-data; name=a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "header name");
	FAILS(RUN("--XyZ" NL ": form-data; name=a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "header name");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=\"a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "unterminated quoted string");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=\"a" NL
	    "Content-Type: text/html\"" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "unterminated quoted string");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=\"a\0b\"" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "control character");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a b" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "expected ';'");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "empty parameter value");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; =a" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "malformed parameter name");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name" NL NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "without '='");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL "1" NL "--XyZ--"),
	      -ERR_INVALID, "not ended by an empty line");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL "1" NL NL "--XyZ--"),
	      -ERR_INVALID, "without ':'");
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a"),
	      -ERR_INVALID, "missing final boundary");
	/* the part number is in the reason */
	FAILS(RUN("--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "1" NL
	    "--XyZ" NL "Content-Disposition: form-data" NL NL "2" NL "--XyZ--"),
	      -ERR_INVALID, "part 2:");
}

static void
test_limits(void)
{
	struct multipart_limits lim = { 3, 10, 64 };
	static const char three[] = "--XyZ" NL
	    "Content-Disposition: form-data; name=a" NL NL "0123456789" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=b" NL NL "" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=c" NL NL "x" NL
	    "--XyZ--";
	struct res r = run(CT, three, sizeof three - 1, &lim);
	T_OK(r.rc == 0 && r.mp->count == 3, "at the limits: %d %s", r.rc, r.err);
	static const char four[] = "--XyZ" NL
	    "Content-Disposition: form-data; name=a" NL NL "1" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=b" NL NL "2" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=c" NL NL "3" NL
	    "--XyZ" NL "Content-Disposition: form-data; name=d" NL NL "4" NL
	    "--XyZ--";
	FAILS(run(CT, four, sizeof four - 1, &lim), -ERR_TOO_LARGE, "more parts");
	static const char big[] = "--XyZ" NL
	    "Content-Disposition: form-data; name=a" NL NL "01234567890" NL "--XyZ--";
	FAILS(run(CT, big, sizeof big - 1, &lim), -ERR_TOO_LARGE, "part data over limit");
	static const char hdr[] = "--XyZ" NL
	    "Content-Disposition: form-data; name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" NL NL
	    "1" NL "--XyZ--";
	FAILS(run(CT, hdr, sizeof hdr - 1, &lim), -ERR_TOO_LARGE, "header block over limit");
	/* header block without end, longer than the limit */
	static const char endless[] = "--XyZ" NL
	    "X-A: 1111111111111111111111111111111111111111111111111111111111111111111" NL
	    "--XyZ--";
	FAILS(run(CT, endless, sizeof endless - 1, &lim), -ERR_TOO_LARGE, "header block");
	/* the fields form's own limit also applies */
	struct form small;
	form_init(&small, A, 2);
	struct multipart *mp;
	T_INTEQ(multipart_parse(A, CT, three, sizeof three - 1, &LIM, &mp, &small, NULL),
	    -ERR_TOO_LARGE);
	/* 0 means unlimited */
	struct multipart_limits none = { 0, 0, 0 };
	r = run(CT, four, sizeof four - 1, &none);
	T_OK(r.rc == 0 && r.mp->count == 4, "unlimited");

	/* 10 000 tiny parts against a limit of 1000 */
	struct buf b;
	buf_init(&b, A, 1 << 20);
	for (int i = 0; i < 10000; i++)
		buf_puts(&b, "--XyZ" NL "Content-Disposition: form-data; name=a" NL NL "x" NL);
	buf_puts(&b, "--XyZ--");
	struct multipart_limits k = { 1000, 1000, 1000 };
	FAILS(run(CT, b.data, b.len, &k), -ERR_TOO_LARGE, "part 1001");
}

/* Bodies built to make a naive search quadratic: a 4 MB part full of
 * "\r\n--XyZ" lookalikes, and a 70-char boundary against near-misses. */
static void
test_hostile_speed(void)
{
	clock_t t0 = clock();
	struct buf b;
	buf_init(&b, A, 5 << 20);
	buf_puts(&b, "--XyZ" NL "Content-Disposition: form-data; name=f; filename=x" NL NL);
	while (b.len < (4u << 20))
		buf_puts(&b, NL "--XyZ-" NL "--XyZa" NL "--Xy");
	buf_puts(&b, NL "--XyZ--" NL);
	struct multipart_limits lim = { 10, 8 << 20, 8192 };
	struct res r = run(CT, b.data, b.len, &lim);
	T_OK(r.rc == 0 && r.mp->count == 1, "lookalike flood: %d %s", r.rc, r.err);

	char ct[128];
	char bd[71];
	memset(bd, 'a', 70);
	bd[70] = '\0';
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", bd);
	buf_init(&b, A, 5 << 20);
	buf_puts(&b, "--");
	buf_puts(&b, bd);
	buf_puts(&b, NL "Content-Disposition: form-data; name=f; filename=x" NL NL);
	bd[69] = 'b';
	while (b.len < (4u << 20)) {
		buf_puts(&b, NL "--");
		buf_puts(&b, bd);
	}
	bd[69] = 'a';
	buf_puts(&b, NL "--");
	buf_puts(&b, bd);
	buf_puts(&b, "--");
	r = run(ct, b.data, b.len, &lim);
	T_OK(r.rc == 0 && r.mp->count == 1, "near-miss flood: %d %s", r.rc, r.err);

	/* one huge part with no delimiter at all: missing final boundary */
	buf_init(&b, A, 5 << 20);
	buf_puts(&b, "--XyZ" NL "Content-Disposition: form-data; name=f" NL NL);
	while (b.len < (4u << 20))
		buf_puts(&b, "\r\r\r\n\n\n-----");
	FAILS(run(CT, b.data, b.len, &lim), -ERR_INVALID, "missing final boundary");
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	T_OK(secs < 3.0, "hostile bodies parsed in %.2fs", secs);
}

int
main(void)
{
	A = arena_new(0);
	test_boundary();
	test_browser_body();
	test_syntax_variants();
	test_malformed();
	test_limits();
	test_hostile_speed();
	arena_free(A);
	return t_done("unit-multipart");
}
