/* fuzz_seal_decrypt.c: libFuzzer target: arbitrary bytes into seal_decrypt and the Argon2 hash parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/pwhash.h"
#include "crypto/seal.h"
#include "crypto/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	static const unsigned char key[SEAL_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	if (a == NULL) {
		a = arena_new(0);
		log_init("fuzz", NULL, LOG_ERROR);
	}
	/* sealed bytes: never authenticate (the key is fixed, the tag random) */
	struct seal_aad ad = { 1, "users", "email_enc", 2 };
	char *pt = NULL;
	size_t ptlen = 0;
	int rc = seal_decrypt(a, key, &ad, data, size, &pt, &ptlen);
	if (rc != 0 && rc != -ERR_INVALID)
		abort();
	/* the first bytes as a table name (must be refused or accepted, never crash) */
	char *z = arena_memdup(a, data, size);
	struct seal_aad ad2 = { 1, z, "c", 2 };
	(void)seal_decrypt(a, key, &ad2, data, size, &pt, &ptlen);
	/* a round trip of the input itself */
	unsigned char *ct;
	size_t ctlen;
	if (seal_encrypt(a, key, &ad, data, size, &ct, &ctlen) != 0 ||
	    seal_decrypt(a, key, &ad, ct, ctlen, &pt, &ptlen) != 0 || ptlen != size ||
	    memcmp(pt, data, size) != 0)
		abort();
	/* the encoded-hash parser; verification only when the parameters are
	 * tiny enough... they never are (the floor), so verify is cheap here */
	struct pwhash_params p;
	if (pwhash_parse(z, &p) == 0) {
		if (p.salt_len < 8 || p.hash_len < 16)
			abort();
		if (!pwhash_params_ok(&p) && pwhash_verify(z, "x", 1) != -ERR_INVALID)
			abort();
	} else if (pwhash_verify(z, "x", 1) != -ERR_INVALID) {
		abort();
	}
	(void)pwhash_needs_rehash(z);
	(void)token_format_ok(z);
	arena_reset(a);
	return 0;
}
