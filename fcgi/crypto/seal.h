/* seal.h: AES-256-GCM encryption of customer data under a tenant's data key, bound to where it is stored. */
#ifndef ECC_SEAL_H
#define ECC_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define SEAL_KEY_LEN 32

/*
 * Where a ciphertext lives. It is authenticated as associated data
 * ("ecc1|<tenant_id>|<table>|<column>|<row_id>"), so a ciphertext copied to
 * another row, column, table or tenant fails to decrypt. table and column
 * are schema names: 1..64 chars of [a-z0-9_] (anything else is -ERR_INVALID).
 */
struct seal_aad {
	uint64_t tenant_id;
	const char *table;
	const char *column;
	uint64_t row_id;
};

/*
 * Stored format: 0x01 (version) | 12-byte random nonce | ciphertext | 16-byte tag.
 * seal_encrypt: encrypt n bytes of pt under key (SEAL_KEY_LEN bytes) into a
 * new arena buffer; *outlen = n + 29. Returns 0 or -ERR_INVALID (bad args).
 */
int seal_encrypt(struct arena *a, const unsigned char *key, const struct seal_aad *aad,
		 const void *pt, size_t n, unsigned char **out, size_t *outlen);

/*
 * seal_decrypt: authenticate and decrypt; *pt is NUL-terminated in a (the
 * NUL is not counted in *ptlen). Returns 0, or -ERR_INVALID for a wrong
 * key, a tampered or moved ciphertext, or a malformed one (logged as
 * crypt_decrypt_fail with the table and column, never the data).
 */
int seal_decrypt(struct arena *a, const unsigned char *key, const struct seal_aad *aad,
		 const unsigned char *ct, size_t n, char **pt, size_t *ptlen);

/*
 * seal_blind_index: HMAC-SHA256 of value under a key derived from the
 * tenant's data key for purpose (e.g. "users.email"), for equality lookups
 * of encrypted columns. The caller normalises value (e.g. lower case).
 */
void seal_blind_index(const unsigned char *key, const char *purpose, const char *value, size_t n,
		      unsigned char out[32]);

#endif
