/* gcm.c: the one AES-GCM implementation of the tree (OpenSSL EVP), used by seal and keyring. */
#include "gcm.h"

#include <limits.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/err.h"

static const EVP_CIPHER *cipher_for(size_t keylen);
static int setup(EVP_CIPHER_CTX *c, int enc, const unsigned char *key, size_t keylen,
		 const unsigned char *iv, size_t ivlen, const unsigned char *aad, size_t aadlen);

static const EVP_CIPHER *
cipher_for(size_t keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_gcm();
	case 24:
		return EVP_aes_192_gcm();
	case 32:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

/* key, IV and AAD into a fresh context; 0 or -ERR_INVALID */
static int
setup(EVP_CIPHER_CTX *c, int enc, const unsigned char *key, size_t keylen,
      const unsigned char *iv, size_t ivlen, const unsigned char *aad, size_t aadlen)
{
	const EVP_CIPHER *ciph = cipher_for(keylen);
	int outl = 0;
	if (ciph == NULL || key == NULL || iv == NULL || ivlen == 0 || ivlen > GCM_MAX_IV ||
	    aadlen > INT_MAX || (aad == NULL && aadlen != 0))
		return -ERR_INVALID;
	if (EVP_CipherInit_ex(c, ciph, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) != 1)
		return -ERR_INVALID;
	if (aadlen > 0 && EVP_CipherUpdate(c, NULL, &outl, aad, (int)aadlen) != 1)
		return -ERR_INVALID;
	return 0;
}

int
gcm_encrypt(const unsigned char *key, size_t keylen, const unsigned char *iv, size_t ivlen,
	    const unsigned char *aad, size_t aadlen, const unsigned char *pt, size_t n,
	    unsigned char *ct, unsigned char tag[GCM_TAG_LEN])
{
	if (n > INT_MAX || (n > 0 && (pt == NULL || ct == NULL)) || tag == NULL)
		return -ERR_INVALID;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return -ERR_INVALID;
	int rc = setup(c, 1, key, keylen, iv, ivlen, aad, aadlen);
	int outl = 0, finl = 0;
	unsigned char fin[32]; /* GCM's final step writes no data */
	if (rc == 0 && n > 0 && EVP_EncryptUpdate(c, ct, &outl, pt, (int)n) != 1)
		rc = -ERR_INVALID;
	if (rc == 0 && EVP_EncryptFinal_ex(c, fin, &finl) != 1)
		rc = -ERR_INVALID;
	if (rc == 0 && (size_t)outl + (size_t)finl != n)
		rc = -ERR_INVALID;
	if (rc == 0 && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN, tag) != 1)
		rc = -ERR_INVALID;
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int
gcm_decrypt(const unsigned char *key, size_t keylen, const unsigned char *iv, size_t ivlen,
	    const unsigned char *aad, size_t aadlen, const unsigned char *ct, size_t n,
	    const unsigned char *tag, size_t taglen, unsigned char *pt)
{
	if (n > INT_MAX || (n > 0 && (pt == NULL || ct == NULL)) || tag == NULL ||
	    taglen < 12 || taglen > GCM_TAG_LEN)
		return -ERR_INVALID;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return -ERR_INVALID;
	unsigned char t[GCM_TAG_LEN];
	int rc = setup(c, 0, key, keylen, iv, ivlen, aad, aadlen);
	int outl = 0, finl = 0;
	unsigned char fin[32]; /* GCM's final step writes no data */
	if (rc == 0 && n > 0 && EVP_DecryptUpdate(c, pt, &outl, ct, (int)n) != 1)
		rc = -ERR_INVALID;
	/* EVP wants a writable tag buffer */
	for (size_t i = 0; i < taglen; i++)
		t[i] = tag[i];
	if (rc == 0 && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)taglen, t) != 1)
		rc = -ERR_INVALID;
	/* EVP_DecryptFinal_ex compares the tag with CRYPTO_memcmp */
	if (rc == 0 && EVP_DecryptFinal_ex(c, fin, &finl) != 1)
		rc = -ERR_INVALID;
	if (rc == 0 && (size_t)outl + (size_t)finl != n)
		rc = -ERR_INVALID;
	if (rc != 0 && n > 0 && pt != NULL)
		OPENSSL_cleanse(pt, n);
	EVP_CIPHER_CTX_free(c);
	return rc;
}
