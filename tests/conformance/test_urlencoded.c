/* test_urlencoded.c: WHATWG urlencoded + percent-encoding data, and every naughty string through the HTTP parsers. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/multipart.h"
#include "http/path.h"
#include "http/urlenc.h"
#include "t.h"

#include <json.h>
#include <stdbool.h>

static struct arena *A;

static bool
bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* urlencoded-parser-data.json: [{input, output: [[name, value], ...]}] */
static void
test_parser_data(void)
{
	json_object *root = json_object_from_file(
	    t_shared("conformance/whatwg-url/urlencoded-parser-data.json"));
	T_OK(root != NULL && json_object_is_type(root, json_type_array),
	     "urlencoded-parser-data.json loads");
	if (root == NULL)
		return;
	size_t ncases = json_object_array_length(root), ran = 0;
	for (size_t i = 0; i < ncases; i++) {
		json_object *c = json_object_array_get_idx(root, i), *in, *out;
		if (!json_object_is_type(c, json_type_object) ||
		    !json_object_object_get_ex(c, "input", &in) ||
		    !json_object_object_get_ex(c, "output", &out))
			continue;
		ran++;
		const char *s = json_object_get_string(in);
		size_t n = (size_t)json_object_get_string_len(in);
		struct form f;
		int rc = urlenc_parse(A, s, n, &f);
		size_t want = json_object_array_length(out);
		T_OK(rc == 0 && f.count == want, "case %zu \"%s\": rc %d, %zu pairs, want %zu",
		     i, s, rc, f.count, want);
		for (size_t k = 0; k < want && k < f.count; k++) {
			json_object *p = json_object_array_get_idx(out, k);
			json_object *jn = json_object_array_get_idx(p, 0);
			json_object *jv = json_object_array_get_idx(p, 1);
			T_OK(bytes_eq(f.pairs[k].name, f.pairs[k].name_len,
			    json_object_get_string(jn), (size_t)json_object_get_string_len(jn)),
			     "case %zu \"%s\" pair %zu name: got \"%s\", want \"%s\"", i, s, k,
			     f.pairs[k].name, json_object_get_string(jn));
			T_OK(bytes_eq(f.pairs[k].value, f.pairs[k].value_len,
			    json_object_get_string(jv), (size_t)json_object_get_string_len(jv)),
			     "case %zu \"%s\" pair %zu value: got \"%s\", want \"%s\"", i, s, k,
			     f.pairs[k].value, json_object_get_string(jv));
		}
	}
	T_OK(ran >= 35, "ran %zu parser cases", ran);
	json_object_put(root);
}

/* next_token: one output unit of a percent-encoded string: "%XX" or 1 byte. */
static size_t
next_token(const char *s, size_t n, size_t i)
{
	return s[i] == '%' && i + 2 < n ? 3 : 1;
}

/*
 * percent-encoding.json: the "utf-8" expectation is the URL parser's
 * percent-encoding. What applies to urlencoded: decoding the expected
 * output gives the input back; our serializer escapes a superset of those
 * bytes, with the same upper-case escapes; and our output decodes back.
 */
static void
test_percent_encoding(void)
{
	json_object *root = json_object_from_file(
	    t_shared("conformance/whatwg-url/percent-encoding.json"));
	T_OK(root != NULL, "percent-encoding.json loads");
	if (root == NULL)
		return;
	size_t ran = 0;
	for (size_t i = 0; i < json_object_array_length(root); i++) {
		json_object *c = json_object_array_get_idx(root, i), *in, *out, *u8;
		if (!json_object_is_type(c, json_type_object) ||
		    !json_object_object_get_ex(c, "input", &in) ||
		    !json_object_object_get_ex(c, "output", &out) ||
		    !json_object_object_get_ex(out, "utf-8", &u8))
			continue;
		ran++;
		const char *s = json_object_get_string(in);
		size_t n = (size_t)json_object_get_string_len(in);
		const char *exp = json_object_get_string(u8);
		size_t en = (size_t)json_object_get_string_len(u8);

		struct buf q;
		buf_init(&q, A, 64);
		buf_puts(&q, "k=");
		buf_append(&q, exp, en);
		struct form f;
		T_OK(urlenc_parse(A, q.data, q.len, &f) == 0 && f.count == 1 &&
		     bytes_eq(f.pairs[0].value, f.pairs[0].value_len, s, n),
		     "case %zu: decoding \"%s\" gives the input", i, exp);

		struct buf e;
		buf_init(&e, A, 64);
		urlenc_encode(&e, s, n);
		size_t oi = 0, ei = 0;
		bool superset = true;
		while (oi < e.len && ei < en) {
			size_t ot = next_token(e.data, e.len, oi);
			size_t et = next_token(exp, en, ei);
			if (et == 3 && (ot != 3 || memcmp(e.data + oi, exp + ei, 3) != 0))
				superset = false;
			oi += ot;
			ei += et;
		}
		T_OK(superset && oi == e.len && ei == en,
		     "case %zu: \"%s\" escapes a superset of \"%s\"", i, e.data, exp);
		buf_clear(&q);
		buf_puts(&q, "k=");
		buf_append(&q, e.data, e.len);
		T_OK(urlenc_parse(A, q.data, q.len, &f) == 0 &&
		     bytes_eq(f.pairs[0].value, f.pairs[0].value_len, s, n),
		     "case %zu: our encoding round-trips", i);
	}
	T_OK(ran >= 7, "ran %zu percent-encoding cases", ran);
	json_object_put(root);
}

/* b64: minimal standard-alphabet decoder for blns.base64.json. */
static size_t
b64(const char *s, size_t n, char *out)
{
	size_t k = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *p = strchr(al, s[i]);
		if (p == NULL || s[i] == '\0')
			continue;
		acc = acc << 6 | (unsigned)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (char)((acc >> bits) & 0xFF);
		}
	}
	return k;
}

static long naughty_checked;

/* every parser on one hostile string; properties that must always hold */
static void
naughty(const char *s, size_t n, size_t idx)
{
	naughty_checked++;
	struct buf clean;
	buf_init(&clean, A, n + 16);
	utf8_sanitize(&clean, s, n);
	T_OK(utf8_valid(clean.data, clean.len), "blns %zu: sanitize gives UTF-8", idx);
	T_OK(utf8_codepoints(s, n) == utf8_codepoints(clean.data, clean.len),
	     "blns %zu: code point count stable under repair", idx);

	/* urlencoded: every output valid UTF-8; encode/parse round trip */
	struct form f;
	int rc = urlenc_parse(A, s, n, &f);
	T_OK(rc == 0, "blns %zu: urlenc_parse rc %d", idx, rc);
	bool ok = true;
	for (size_t k = 0; k < f.count; k++)
		ok = ok && utf8_valid(f.pairs[k].name, f.pairs[k].name_len) &&
		    utf8_valid(f.pairs[k].value, f.pairs[k].value_len) &&
		    f.pairs[k].value[f.pairs[k].value_len] == '\0';
	T_OK(ok, "blns %zu: urlencoded pairs are NUL-terminated UTF-8", idx);
	struct buf q;
	buf_init(&q, A, 3 * n + 8);
	buf_puts(&q, "k=");
	urlenc_encode(&q, s, n);
	rc = urlenc_parse(A, q.data, q.len, &f);
	T_OK(rc == 0 && f.count == 1 &&
	     bytes_eq(f.pairs[0].value, f.pairs[0].value_len, clean.data, clean.len),
	     "blns %zu: urlencoded round trip", idx);

	/* cookies: never fails below the count limit; names are tokens */
	struct cookies c;
	rc = cookie_parse(A, s, n, 0, &c);
	ok = rc == 0 || rc == -ERR_TOO_LARGE;
	for (size_t k = 0; k < c.count; k++)
		ok = ok && cookie_name_ok(c.items[k].name);
	T_OK(ok, "blns %zu: cookie_parse rc %d", idx, rc);

	/* path: whatever is accepted is canonical */
	struct buf p;
	buf_init(&p, A, n + 2);
	buf_putc(&p, '/');
	buf_append(&p, s, n);
	for (int variant = 0; variant < 2; variant++) {
		char *out = NULL;
		rc = variant ? path_normalize(A, s, n, &out) :
		    path_normalize(A, p.data, p.len, &out);
		if (rc != 0) {
			T_OK(rc == -ERR_INVALID || rc == -ERR_TOO_LARGE,
			     "blns %zu: path rc %d", idx, rc);
			continue;
		}
		size_t on = strlen(out);
		ok = out[0] == '/' && utf8_valid(out, on) &&
		    strstr(out, "//") == NULL && strchr(out, '\\') == NULL &&
		    strstr(out, "/./") == NULL && strstr(out, "/../") == NULL &&
		    !(on >= 2 && strcmp(out + on - 2, "/.") == 0) &&
		    !(on >= 3 && strcmp(out + on - 3, "/..") == 0);
		for (size_t k = 0; k < on; k++)
			ok = ok && (unsigned char)out[k] >= 0x20 && out[k] != 0x7F;
		T_OK(ok, "blns %zu: normalised path \"%s\" is canonical", idx, out);
	}

	/* multipart: the string as a field value and as a name (escaped as
	 * browsers do: " CR LF as %22 %0D %0A) survives, repaired to UTF-8 */
	struct buf name;
	buf_init(&name, A, n + 16);
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '"')
			buf_puts(&name, "%22");
		else if (s[k] == '\r')
			buf_puts(&name, "%0D");
		else if (s[k] == '\n')
			buf_puts(&name, "%0A");
		else if ((unsigned char)s[k] < 0x20 || s[k] == 0x7F)
			buf_putc(&name, '_');
		else
			buf_putc(&name, s[k]);
	}
	struct buf body;
	buf_init(&body, A, 2 * n + 256);
	buf_puts(&body, "--BLNS-7f3a\r\nContent-Disposition: form-data; name=\"");
	buf_append(&body, name.data, name.len);
	buf_puts(&body, "\"\r\n\r\n");
	buf_append(&body, s, n);
	buf_puts(&body, "\r\n--BLNS-7f3a--\r\n");
	struct multipart_limits lim = { 10, 1 << 20, 8192 };
	struct multipart *mp;
	struct form mf;
	form_init(&mf, A, 0);
	rc = multipart_parse(A, "multipart/form-data; boundary=BLNS-7f3a",
	    body.data, body.len, &lim, &mp, &mf, NULL);
	if (name.len > 0 && strchr(name.data, '\\') == NULL) {
		struct buf cname;
		buf_init(&cname, A, name.len + 8);
		utf8_sanitize(&cname, name.data, name.len);
		const char *v = NULL;
		size_t vn = 0;
		T_OK(rc == 0 && mp->count == 1 &&
		     form_get(&mf, cname.data, &v, &vn) == 0 &&
		     bytes_eq(v, vn, clean.data, clean.len) &&
		     bytes_eq(mp->parts[0].data, mp->parts[0].len, s, n),
		     "blns %zu: multipart field survives (rc %d)", idx, rc);
	} else {
		T_OK(rc == 0 || rc == -ERR_INVALID, "blns %zu: multipart rc %d", idx, rc);
	}
	arena_reset(A);
}

static void
test_blns(void)
{
	json_object *root = json_object_from_file(t_shared("conformance/blns/blns.json"));
	T_OK(root != NULL, "blns.json loads");
	if (root != NULL) {
		size_t n = json_object_array_length(root);
		T_OK(n >= 500, "blns.json has %zu strings", n);
		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_array_get_idx(root, i);
			const char *str = json_object_get_string(s);
			size_t len = (size_t)json_object_get_string_len(s);
			T_OK(utf8_valid(str, len), "blns %zu is valid UTF-8 as JSON gives it", i);
			naughty(str, len, i);
		}
		json_object_put(root);
	}
	/* the base64 list also has strings that are not valid UTF-8 */
	root = json_object_from_file(t_shared("conformance/blns/blns.base64.json"));
	T_OK(root != NULL, "blns.base64.json loads");
	if (root == NULL)
		return;
	size_t n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(root, i);
		size_t len = (size_t)json_object_get_string_len(s);
		char *raw = malloc(len + 1);
		if (raw == NULL)
			abort();
		size_t rn = b64(json_object_get_string(s), len, raw);
		naughty(raw, rn, 10000 + i);
		free(raw);
	}
	json_object_put(root);
}

int
main(void)
{
	A = arena_new(0);
	test_parser_data();
	test_percent_encoding();
	arena_reset(A);
	test_blns();
	T_OK(naughty_checked > 1000, "naughty strings checked: %ld", naughty_checked);
	arena_free(A);
	return t_done("conformance-urlencoded");
}
