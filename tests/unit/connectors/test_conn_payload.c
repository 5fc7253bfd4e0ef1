/* test_conn_payload.c: the stored payload of what the connectors fetch — the fast deflate encoder round-trips through zlib's inflate. */
#include "core/err.h"
#include "core/file.h"
#include "db/dbq_payload.h"
#include "t.h"

#include <stdint.h>

static struct arena *a;
static const unsigned char key[SEAL_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
						 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
						 31, 32 };

/* seal raw[0..n), open it again: the same bytes; *ct_len gets the sealed size */
static bool
round_trip(const char *raw, size_t n, size_t *ct_len)
{
	unsigned char *ct;
	size_t ctlen;
	char *back;
	size_t got;
	if (dbq_payload_seal(a, key, 7, 99, raw, n, &ct, &ctlen) != 0)
		return false;
	if (ct_len != NULL)
		*ct_len = ctlen;
	return dbq_payload_open(a, key, 7, 99, ct, ctlen, n, &back, &got) == 0 && got == n &&
	       (n == 0 || memcmp(back, raw, n) == 0) && back[n] == '\0';
}

/* xorshift: the same "random" bytes on every run */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_shapes(void)
{
	static const char *const small[] = { "", "a", "ab", "abc", "abcd", "abcde", "aaaa", "aaaaa",
					     "{\"a\":1,\"a\":1,\"a\":1}", "0123456789" };
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
		T_OK(round_trip(small[i], strlen(small[i]), NULL), "small %zu", i);
	T_OK(round_trip(NULL, 0, NULL), "NULL raw, n 0");
	/* long runs (matches of 258 and overlapping ones), every byte value, window edges */
	size_t big = 200000;
	char *buf = arena_alloc(a, big);
	memset(buf, 'x', big);
	size_t ct;
	T_OK(round_trip(buf, big, &ct) && ct < big / 50, "one long run: %zu bytes", ct);
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)(i & 255);
	T_OK(round_trip(buf, big, NULL), "every byte value, period 256");
	uint64_t s = 88172645463325252ULL;
	for (int mode = 0; mode < 4; mode++) {
		for (int k = 0; k < 25; k++) {
			size_t n = (size_t)(next(&s) % 70000);
			for (size_t i = 0; i < n; i++) {
				uint64_t r = next(&s);
				if (mode == 0) /* noise: stored as literals, at most 9 bits a byte */
					buf[i] = (char)r;
				else if (mode == 1) /* a small alphabet */
					buf[i] = "{}\":,ab0"[r % 8];
				else if (mode == 2 && i > 300 && r % 4 != 0) /* copies from near and far */
					buf[i] = buf[i - 1 - (size_t)((r >> 8) % (r % 3 == 0 ? 33000 : 300))
							 % i];
				else if (mode == 3 && i > 40000 && r % 2 == 0) /* distances past the window */
					buf[i] = buf[i - 32768 - (size_t)((r >> 8) % 2)];
				else
					buf[i] = (char)(r >> 16);
			}
			bool ok = round_trip(buf, n, &ct);
			T_OK(ok, "mode %d case %d: %zu bytes", mode, k, n);
			if (mode == 0)
				T_OK(ct <= n + n / 8 + 64, "noise grows at most by 1/8: %zu → %zu", n, ct);
		}
	}
}

static void
test_json(void)
{
	/* the platform fixtures: JSON shrinks to about half or less (+ the seal's nonce and tag) */
	static const char *const files[] = { "shopify/orders.sample.json", "shopify/orders.jp.json",
					     "rakuten/getOrder.json", "amazon/getOrders.jp.json" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[256];
		char *body = NULL;
		size_t n = 0, ct = 0;
		snprintf(path, sizeof path, "tests/fixtures/connectors/%s", files[i]);
		T_OK(file_read(a, path, 1 << 20, 0, &body, &n, NULL) == 0, "read %s", path);
		T_OK(round_trip(body, n, &ct), "%s", files[i]);
		T_OK(ct < n / 2 + 64, "%s: %zu → %zu bytes (sealed)", files[i], n, ct);
	}
	/* the limits */
	unsigned char *out;
	size_t outlen;
	T_INTEQ(dbq_payload_seal(a, key, 1, 1, "x", DBQ_PAYLOAD_MAX + 1, &out, &outlen), -ERR_TOO_LARGE);
	T_INTEQ(dbq_payload_seal(a, key, 1, 1, NULL, 3, &out, &outlen), -ERR_INVALID);
}

/* compressed ahead (the fetching thread), sealed later: the same stored format */
static void
test_ahead(void)
{
	static const char raw[] = "{\"id\":1,\"name\":\"#1001\",\"line_items\":[{\"id\":1},{\"id\":2}]}";
	struct dbq_payload_z z;
	unsigned char *ct, *ct2;
	size_t ctlen, ct2len, got;
	char *back;
	T_INTEQ(dbq_payload_compress(a, raw, sizeof raw - 1, &z), 0);
	T_INTEQ(z.raw_len, sizeof raw - 1);
	T_INTEQ(dbq_payload_seal_z(a, key, 7, 99, &z, &ct, &ctlen), 0);
	T_INTEQ(dbq_payload_open(a, key, 7, 99, ct, ctlen, sizeof raw - 1, &back, &got), 0);
	T_STREQ(back, raw);
	T_INTEQ(dbq_payload_seal(a, key, 7, 99, raw, sizeof raw - 1, &ct2, &ct2len), 0);
	T_INTEQ(ct2len, ctlen); /* the same compressed bytes inside (the nonce differs) */
	T_INTEQ(dbq_payload_open(a, key, 7, 98, ct, ctlen, sizeof raw - 1, &back, &got), -ERR_INVALID);
	T_INTEQ(dbq_payload_compress(a, NULL, 0, &z), 0);
	T_INTEQ(dbq_payload_seal_z(a, key, 7, 99, &z, &ct, &ctlen), 0);
	T_INTEQ(dbq_payload_open(a, key, 7, 99, ct, ctlen, 0, &back, &got), 0);
	T_INTEQ(got, 0);
	T_INTEQ(dbq_payload_compress(a, "x", DBQ_PAYLOAD_MAX + 1, &z), -ERR_TOO_LARGE);
	T_INTEQ(dbq_payload_compress(a, NULL, 3, &z), -ERR_INVALID);
	z.z = NULL;
	T_INTEQ(dbq_payload_seal_z(a, key, 7, 99, &z, &ct, &ctlen), -ERR_INVALID);
}

int
main(void)
{
	a = arena_new(0);
	test_shapes();
	test_json();
	test_ahead();
	arena_free(a);
	return t_done("conn_payload");
}
