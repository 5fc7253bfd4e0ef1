/* gcm.h: the one AES-GCM implementation of the tree (OpenSSL EVP), used by seal and keyring. */
#ifndef ECC_GCM_H
#define ECC_GCM_H

#include <stddef.h>

#define GCM_TAG_LEN 16
#define GCM_NONCE_LEN 12

/*
 * gcm_encrypt: AES-GCM with a key of keylen bytes (16, 24 or 32: AES-128/192/
 * 256), an IV of ivlen bytes (1..GCM_MAX_IV, OpenSSL 3's limit; 12 is the
 * only length the application itself uses) and aadlen bytes of associated data (aad may be
 * NULL when aadlen is 0). Writes n bytes of ciphertext to ct (which may equal
 * pt) and GCM_TAG_LEN bytes to tag. Returns 0, or -ERR_INVALID for a bad
 * key or IV length or an OpenSSL failure. Nothing is allocated.
 */
#define GCM_MAX_IV 128
int gcm_encrypt(const unsigned char *key, size_t keylen, const unsigned char *iv, size_t ivlen,
		const unsigned char *aad, size_t aadlen, const unsigned char *pt, size_t n,
		unsigned char *ct, unsigned char tag[GCM_TAG_LEN]);

/*
 * gcm_decrypt: the inverse; the tag (taglen bytes, 12..16; the application
 * always uses 16) is checked by EVP in constant time. Writes n bytes of
 * plaintext to pt (which may equal ct). Returns 0, or -ERR_INVALID when the
 * tag does not authenticate (pt is then wiped) or an argument is bad.
 */
int gcm_decrypt(const unsigned char *key, size_t keylen, const unsigned char *iv, size_t ivlen,
		const unsigned char *aad, size_t aadlen, const unsigned char *ct, size_t n,
		const unsigned char *tag, size_t taglen, unsigned char *pt);

#endif
