/* token.c: single-use link tokens (stored only as SHA-256) and random row ids. */
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/b64.h"
#include "core/err.h"
#include "core/rand.h"

#define TOKEN_RAW 32

int
token_new(struct arena *a, char **token, unsigned char hash[TOKEN_HASH_LEN])
{
	if (a == NULL || token == NULL || hash == NULL)
		return -ERR_INVALID;
	unsigned char raw[TOKEN_RAW];
	rand_bytes(raw, sizeof raw);
	char *t = b64url_encode(a, raw, sizeof raw);
	OPENSSL_cleanse(raw, sizeof raw);
	token_hash(t, strlen(t), hash);
	*token = t;
	return 0;
}

void
token_hash(const char *t, size_t n, unsigned char out[TOKEN_HASH_LEN])
{
	if (SHA256((const unsigned char *)(t ? t : ""), t ? n : 0, out) == NULL) {
		static const char msg[] = "{\"level\":\"fatal\",\"event\":\"sha256_failed\"}\n";
		fwrite(msg, 1, sizeof msg - 1, stderr);
		abort();
	}
}

bool
token_format_ok(const char *t)
{
	unsigned char raw[TOKEN_RAW + 4];
	if (t == NULL || strnlen(t, TOKEN_LEN + 1) != TOKEN_LEN)
		return false;
	return b64url_decode(t, TOKEN_LEN, raw, sizeof raw) == TOKEN_RAW;
}

uint64_t
token_random_id(void)
{
	uint64_t v;
	do {
		rand_bytes(&v, sizeof v);
		v &= UINT64_C(0x7FFFFFFFFFFFFFFF);
	} while (v == 0);
	return v;
}
