/* test_otp_vectors.c: RFC 6238 TOTP and RFC 4226 HOTP test vectors through liboath and fcgi/auth/totp. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <json.h>
#include <liboath/oath.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/totp.h"
#include "core/arena.h"
#include "core/err.h"
#include "t.h"

static struct arena *A;

static const char *
jstr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
												 : NULL;
}

static int64_t
jint(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

static size_t
unhex(const char *h, unsigned char *out, size_t cap)
{
	size_t n = h ? strlen(h) / 2 : 0;
	if (n > cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return 0;
		out[i] = (unsigned char)v;
	}
	return n;
}

static void
test_totp(void)
{
	json_object *root = json_object_from_file(t_shared("conformance/otp/rfc6238_totp.json"));
	json_object *tests, *b32s;
	T_OK(root != NULL, "rfc6238_totp.json loads");
	if (root == NULL)
		return;
	T_OK(json_object_object_get_ex(root, "tests", &tests) && json_object_object_get_ex(root, "secret_base32", &b32s),
	     "tests and secret_base32");
	int ran[3] = { 0 }, na = 0;
	const char *algs[3] = { "SHA1", "SHA256", "SHA512" };
	const int flags[3] = { 0, OATH_TOTP_HMAC_SHA256, OATH_TOTP_HMAC_SHA512 };
	size_t n = json_object_array_length(tests);
	for (size_t i = 0; i < n; i++) {
		json_object *t = json_object_array_get_idx(tests, i);
		const char *alg = jstr(t, "algorithm"), *hex = jstr(t, "secret_hex"), *want = jstr(t, "expected");
		int64_t time = jint(t, "time"), counter = jint(t, "counter"), digits = jint(t, "digits");
		int k = -1;
		for (int j = 0; j < 3; j++)
			if (alg != NULL && strcmp(alg, algs[j]) == 0)
				k = j;
		if (k < 0 || want == NULL) {
			na++;
			printf("test_otp_vectors: vector %zu (%s): not applicable\n", i, alg ? alg : "?");
			continue;
		}
		unsigned char key[128];
		size_t klen = unhex(hex, key, sizeof key);
		T_OK(klen > 0, "vector %zu: secret_hex", i);
		T_INTEQ(jint(t, "t0"), 0);
		T_INTEQ(jint(t, "step"), 30);
		T_INTEQ(counter, time / 30);

		/* the full 8-digit value through liboath (SHA256/512 via flags) */
		char out[16] = "";
		T_INTEQ(oath_totp_generate2((const char *)key, klen, (time_t)time, 30, 0, (unsigned)digits, flags[k], out),
			OATH_OK);
		T_OK(strcmp(out, want) == 0, "vector %zu %s t=%lld: got %s want %s", i, alg, (long long)time, out, want);

		/* the seed's base32 form in the file decodes to the same key */
		const char *b32 = jstr(b32s, alg);
		unsigned char dec[128];
		size_t dlen = 0;
		T_INTEQ(totp_base32_decode(b32, b32 ? strlen(b32) : 0, dec, sizeof dec, &dlen), 0);
		T_OK(dlen == klen && memcmp(dec, key, klen) == 0, "vector %zu: secret_base32 %s", i, alg);

		if (k == 0) {
			/* our 6-digit API: last 6 digits, and verify accepts them at that step */
			char six[TOTP_DIGITS + 1];
			const char *want6 = want + strlen(want) - 6;
			T_INTEQ(totp_code_at(key, klen, (time_t)time, six), 0);
			T_STREQ(six, want6);
			int64_t step = -1;
			T_INTEQ(totp_verify(key, klen, want6, (time_t)time, 0, &step), 0);
			T_INTEQ(step, counter);
			T_INTEQ(totp_verify(key, klen, want6, (time_t)time, counter, NULL), -ERR_CONFLICT);
			T_INTEQ(totp_verify(key, klen, want6, (time_t)time + 60, 0, NULL), -ERR_FORBIDDEN);
			T_STREQ(totp_base32(A, key, klen), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
		}
		ran[k]++;
	}
	printf("test_otp_vectors: RFC 6238: %d SHA1, %d SHA256, %d SHA512 vectors checked via liboath, %d not applicable\n",
	       ran[0], ran[1], ran[2], na);
	T_INTEQ(ran[0] + ran[1] + ran[2] + na, n);
	T_OK(ran[0] == 6, "six SHA1 vectors");
	json_object_put(root);
}

static void
test_hotp(void)
{
	json_object *root = json_object_from_file(t_shared("conformance/otp/rfc4226_hotp.json"));
	json_object *tests;
	T_OK(root != NULL, "rfc4226_hotp.json loads");
	if (root == NULL)
		return;
	T_OK(json_object_object_get_ex(root, "tests", &tests), "tests");
	unsigned char key[64];
	size_t klen = unhex(jstr(root, "secret_hex"), key, sizeof key);
	T_INTEQ(klen, 20);
	T_INTEQ(jint(root, "digits"), 6);
	T_STREQ(totp_base32(A, key, klen), jstr(root, "secret_base32"));
	size_t n = json_object_array_length(tests);
	for (size_t i = 0; i < n; i++) {
		json_object *t = json_object_array_get_idx(tests, i);
		int64_t c = jint(t, "counter");
		const char *want = jstr(t, "hotp");

		/* HMAC-SHA1 and dynamic truncation (RFC 4226 §5.3), independently of liboath */
		unsigned char msg[8], mac[EVP_MAX_MD_SIZE], wmac[20];
		unsigned mlen = 0;
		for (int b = 0; b < 8; b++)
			msg[b] = (unsigned char)((uint64_t)c >> (56 - 8 * b));
		HMAC(EVP_sha1(), key, (int)klen, msg, 8, mac, &mlen);
		T_OK(mlen == 20 && unhex(jstr(t, "hmac_sha1_hex"), wmac, sizeof wmac) == 20 && memcmp(mac, wmac, 20) == 0,
		     "counter %lld: HMAC-SHA1", (long long)c);
		unsigned off = mac[19] & 15;
		uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
			       ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
		char th[9];
		snprintf(th, sizeof th, "%08x", bin);
		T_STREQ(th, jstr(t, "truncated_hex"));
		T_INTEQ(bin, jint(t, "truncated_decimal"));

		/* liboath HOTP */
		char out[16] = "";
		T_INTEQ(oath_hotp_generate((const char *)key, klen, (uint64_t)c, 6, false, OATH_HOTP_DYNAMIC_TRUNCATION, out),
			OATH_OK);
		T_STREQ(out, want);
		/* TOTP is HOTP of floor(t / 30): our code at t = 30 c must match */
		char six[TOTP_DIGITS + 1];
		T_INTEQ(totp_code_at(key, klen, (time_t)(c * 30 + 29), six), 0);
		T_STREQ(six, want);
	}
	printf("test_otp_vectors: RFC 4226: %zu HOTP vectors checked\n", n);
	T_INTEQ(n, 10);
	json_object_put(root);
}

int
main(void)
{
	A = arena_new(0);
	T_INTEQ(totp_global_init(), 0);
	test_totp();
	test_hotp();
	arena_free(A);
	return t_done("test_otp_vectors");
}
