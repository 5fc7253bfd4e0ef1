/* seal.c: AES-256-GCM encryption of customer data under a tenant's data key, bound to where it is stored. */
#include "seal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "crypto/gcm.h"

#define SEAL_VERSION 0x01
#define SEAL_OVERHEAD (1 + GCM_NONCE_LEN + GCM_TAG_LEN)
#define SEAL_MAX_NAME 64

static int name_ok(const char *s);
static int aad_text(const struct seal_aad *aad, char *out, size_t cap, size_t *len);
static int fail(const struct seal_aad *aad, const char *why);
static void derive_bidx_key(const unsigned char *key, const char *purpose, unsigned char out[32]);

/* true for a table or column name that cannot make the AAD ambiguous */
static int
name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > SEAL_MAX_NAME)
		return 0;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

/* "ecc1|<tenant_id>|<table>|<column>|<row_id>" into out; 0 or -ERR_INVALID */
static int
aad_text(const struct seal_aad *aad, char *out, size_t cap, size_t *len)
{
	if (aad == NULL || !name_ok(aad->table) || !name_ok(aad->column))
		return -ERR_INVALID;
	int k = snprintf(out, cap, "ecc1|%" PRIu64 "|%s|%s|%" PRIu64, aad->tenant_id, aad->table,
			 aad->column, aad->row_id);
	if (k < 0 || (size_t)k >= cap)
		return -ERR_INVALID;
	*len = (size_t)k;
	return 0;
}

static int
fail(const struct seal_aad *aad, const char *why)
{
	log_event(LOG_WARN, "crypt_decrypt_fail",
		  LOG_S("table", aad && aad->table ? aad->table : ""),
		  LOG_S("column", aad && aad->column ? aad->column : ""), LOG_S("reason", why));
	return -ERR_INVALID;
}

int
seal_encrypt(struct arena *a, const unsigned char *key, const struct seal_aad *aad,
	     const void *pt, size_t n, unsigned char **out, size_t *outlen)
{
	char ad[2 * SEAL_MAX_NAME + 64];
	size_t adlen = 0;
	if (a == NULL || key == NULL || out == NULL || outlen == NULL || (pt == NULL && n > 0) ||
	    n > (size_t)INT32_MAX - SEAL_OVERHEAD || aad_text(aad, ad, sizeof ad, &adlen) != 0)
		return -ERR_INVALID;
	unsigned char *c = arena_alloc(a, n + SEAL_OVERHEAD);
	c[0] = SEAL_VERSION;
	rand_bytes(c + 1, GCM_NONCE_LEN);
	int rc = gcm_encrypt(key, SEAL_KEY_LEN, c + 1, GCM_NONCE_LEN, (const unsigned char *)ad,
			     adlen, pt, n, c + 1 + GCM_NONCE_LEN, c + 1 + GCM_NONCE_LEN + n);
	if (rc != 0)
		return rc;
	*out = c;
	*outlen = n + SEAL_OVERHEAD;
	return 0;
}

int
seal_decrypt(struct arena *a, const unsigned char *key, const struct seal_aad *aad,
	     const unsigned char *ct, size_t n, char **pt, size_t *ptlen)
{
	char ad[2 * SEAL_MAX_NAME + 64];
	size_t adlen = 0;
	if (a == NULL || key == NULL || pt == NULL || ptlen == NULL)
		return fail(aad, "bad_args");
	if (aad_text(aad, ad, sizeof ad, &adlen) != 0)
		return fail(aad, "bad_aad");
	if (ct == NULL || n < SEAL_OVERHEAD || n > (size_t)INT32_MAX)
		return fail(aad, "bad_length");
	if (ct[0] != SEAL_VERSION)
		return fail(aad, "bad_version");
	size_t m = n - SEAL_OVERHEAD;
	unsigned char *p = arena_alloc(a, m + 1);
	if (gcm_decrypt(key, SEAL_KEY_LEN, ct + 1, GCM_NONCE_LEN, (const unsigned char *)ad, adlen,
			ct + 1 + GCM_NONCE_LEN, m, ct + 1 + GCM_NONCE_LEN + m, GCM_TAG_LEN, p) != 0)
		return fail(aad, "auth");
	p[m] = '\0';
	*pt = (char *)p;
	*ptlen = m;
	return 0;
}

/* HKDF-SHA256(IKM = data key, no salt, info = "ecc-bidx|<purpose>") → 32 bytes */
static void
derive_bidx_key(const unsigned char *key, const char *purpose, unsigned char out[32])
{
	static EVP_KDF *kdf;
	char info[256];
	int k = snprintf(info, sizeof info, "ecc-bidx|%s", purpose);
	if (k < 0 || (size_t)k >= sizeof info)
		k = (int)sizeof info - 1; /* purposes are short constants */
	if (kdf == NULL)
		kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *c = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, SEAL_KEY_LEN),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, (size_t)k),
		OSSL_PARAM_construct_end(),
	};
	if (c == NULL || EVP_KDF_derive(c, out, 32, params) != 1) {
		/* no safe fallback: equal indexes for every value would be worse */
		static const char msg[] = "{\"level\":\"fatal\",\"event\":\"hkdf_failed\"}\n";
		fwrite(msg, 1, sizeof msg - 1, stderr);
		abort();
	}
	EVP_KDF_CTX_free(c);
	OPENSSL_cleanse(info, sizeof info);
}

void
seal_blind_index(const unsigned char *key, const char *purpose, const char *value, size_t n,
		 unsigned char out[32])
{
	unsigned char k[32];
	unsigned int len = 0;
	derive_bidx_key(key, purpose ? purpose : "", k);
	if (HMAC(EVP_sha256(), k, sizeof k, (const unsigned char *)(value ? value : ""),
		 value ? n : 0, out, &len) == NULL || len != 32) {
		static const char msg[] = "{\"level\":\"fatal\",\"event\":\"hmac_failed\"}\n";
		fwrite(msg, 1, sizeof msg - 1, stderr);
		abort();
	}
	OPENSSL_cleanse(k, sizeof k);
}
