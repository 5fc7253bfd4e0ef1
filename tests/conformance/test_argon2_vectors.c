/* test_argon2_vectors.c: the Argon2 reference vectors (RFC 9106, phc-winner-argon2) through libargon2 and pwhash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <json-c/json.h>

#include "core/err.h"
#include "crypto/pwhash.h"
#include "t.h"

/* Under ASan Argon2 is many times slower: only small-memory vectors then. */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_M_KIB 256
#else
#define MAX_M_KIB 262144u /* the 1 GiB vectors (requires_large_ram) are skipped */
#endif

static long
unhex(const char *s, unsigned char *out, size_t cap)
{
	size_t n = strlen(s);
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (long)(n / 2);
}

static const char *
str(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static long
num(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? (long)json_object_get_int64(v) : -1;
}

static int
type_of(const char *s)
{
	if (strcmp(s, "argon2id") == 0)
		return Argon2_id;
	if (strcmp(s, "argon2i") == 0)
		return Argon2_i;
	if (strcmp(s, "argon2d") == 0)
		return Argon2_d;
	return -1;
}

static int
error_of(const char *s)
{
	if (strcmp(s, "ARGON2_DECODING_FAIL") == 0)
		return ARGON2_DECODING_FAIL;
	if (strcmp(s, "ARGON2_SALT_TOO_SHORT") == 0)
		return ARGON2_SALT_TOO_SHORT;
	if (strcmp(s, "ARGON2_VERIFY_MISMATCH") == 0)
		return ARGON2_VERIFY_MISMATCH;
	return 1;
}

/* a KAT with secret and associated data: argon2_ctx */
static int
kat(json_object *v)
{
	unsigned char pwd[64], salt[64], secret[64], ad[64], want[64], out[64];
	long pl = unhex(str(v, "password_hex"), pwd, sizeof pwd), sl = unhex(str(v, "salt_hex"), salt, sizeof salt),
	     kl = unhex(str(v, "secret_hex"), secret, sizeof secret),
	     al = unhex(str(v, "associated_data_hex"), ad, sizeof ad),
	     wl = unhex(str(v, "expected_tag_hex"), want, sizeof want);
	int type = type_of(str(v, "type"));
	if (pl < 0 || sl < 0 || kl < 0 || al < 0 || wl <= 0 || type < 0)
		return -1;
	argon2_context c = {
		.out = out, .outlen = (uint32_t)wl,
		.pwd = pwd, .pwdlen = (uint32_t)pl,
		.salt = salt, .saltlen = (uint32_t)sl,
		.secret = secret, .secretlen = (uint32_t)kl,
		.ad = ad, .adlen = (uint32_t)al,
		.t_cost = (uint32_t)num(v, "t_cost"), .m_cost = (uint32_t)num(v, "m_cost_kib"),
		.lanes = (uint32_t)num(v, "parallelism"), .threads = (uint32_t)num(v, "parallelism"),
		.version = (uint32_t)num(v, "version"),
		.flags = ARGON2_DEFAULT_FLAGS,
	};
	if (argon2_ctx(&c, (argon2_type)type) != ARGON2_OK)
		return -1;
	return memcmp(out, want, (size_t)wl) == 0 ? 0 : -1;
}

int
main(void)
{
	json_object *root = json_object_from_file(t_shared("conformance/argon2/argon2_test_vectors.json"));
	T_OK(root != NULL, "cannot read the Argon2 vectors (SHARED=%s)", getenv("SHARED") ? getenv("SHARED") : "");
	if (root == NULL)
		return t_done("argon2-vectors");
	json_object *arr, *rfc;
	int hashes = 0, ids = 0, via_pwhash = 0, refused_floor = 0, skipped = 0, negatives = 0, kats = 0;

	/* RFC 9106 §5.3 */
	if (json_object_object_get_ex(root, "rfc9106_argon2id", &rfc)) {
		T_OK(kat(rfc) == 0, "RFC 9106 Argon2id vector");
		kats++;
	}
	/* reference KATs (argon2i/d/id, v16 and v19, with secret and AD) */
	json_object_object_get_ex(root, "reference_kats", &arr);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		T_OK(kat(v) == 0, "reference KAT %zu (%s v%ld)", i, str(v, "type"), num(v, "version"));
		kats++;
	}

	/* hash tests: raw hash, encoding, libargon2 verify, and pwhash_verify for Argon2id */
	json_object_object_get_ex(root, "hash_tests", &arr);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		uint32_t m = (uint32_t)num(v, "m_cost_kib"), t = (uint32_t)num(v, "t_cost"),
			 p = (uint32_t)num(v, "parallelism");
		int type = type_of(str(v, "type")), version = (int)num(v, "version");
		const char *pw = str(v, "password"), *salt = str(v, "salt"), *enc = str(v, "expected_encoded");
		if (m > MAX_M_KIB) {
			skipped++;
			continue;
		}
		unsigned char want[64], out[64];
		char encoded[256];
		long wl = unhex(str(v, "expected_hex"), want, sizeof want);
		int rc = argon2_hash(t, m, p, pw, strlen(pw), salt, strlen(salt), out, (size_t)wl, encoded,
				     sizeof encoded, (argon2_type)type, (argon2_version)version);
		T_OK(rc == ARGON2_OK && wl > 0 && memcmp(out, want, (size_t)wl) == 0, "hash test %zu: raw hash", i);
		if (version == ARGON2_VERSION_13)
			T_OK(strcmp(encoded, enc) == 0, "hash test %zu: encoded %s, want %s", i, encoded, enc);
		T_INTEQ(argon2_verify(enc, pw, strlen(pw), (argon2_type)type), ARGON2_OK);
		hashes++;
		if (type == Argon2_id && version == ARGON2_VERSION_13) {
			ids++;
			struct pwhash_params pp;
			T_INTEQ(pwhash_parse(enc, &pp), 0);
			if (pwhash_params_ok(&pp)) {
				T_INTEQ(pwhash_verify(enc, pw, strlen(pw)), 0);
				T_INTEQ(pwhash_verify(enc, "passwore", 8), -ERR_FORBIDDEN);
				via_pwhash++;
			} else {
				/* below the floor (e.g. m=256 KiB): refused without work */
				T_INTEQ(pwhash_verify(enc, pw, strlen(pw)), -ERR_INVALID);
				refused_floor++;
			}
		} else {
			/* pwhash accepts Argon2id v=19 only */
			T_INTEQ(pwhash_verify(enc, pw, strlen(pw)), -ERR_INVALID);
		}
	}

	/* negative verify tests */
	json_object_object_get_ex(root, "negative_verify_tests", &arr);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *enc = str(v, "encoded"), *pw = str(v, "password");
		int want = error_of(str(v, "expected_error"));
		if (strstr(enc, "m=65536") != NULL && MAX_M_KIB < 65536 && want == ARGON2_VERIFY_MISMATCH) {
			skipped++;
			continue;
		}
		T_INTEQ(argon2_verify(enc, pw, strlen(pw), (argon2_type)type_of(str(v, "type"))), want);
		T_OK(pwhash_verify(enc, pw, strlen(pw)) != 0, "negative %zu accepted by pwhash", i);
		negatives++;
	}

	printf("REPORT argon2 vectors: %d KATs (RFC 9106 + reference, with secret/AD), %d hash tests "
	       "(%d Argon2id v19: %d verified through pwhash_verify, %d refused as below the floor), "
	       "%d negative verify tests, %d skipped (memory > %u KiB in this build)\n",
	       kats, hashes, ids, via_pwhash, refused_floor, negatives, skipped, (unsigned)MAX_M_KIB);
	json_object_put(root);
	return t_done("argon2-vectors");
}
