/* recovery.c: single-use 2FA recovery codes (generation, normalisation, SHA-256 hashing). */
#include "recovery.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/err.h"
#include "core/rand.h"

static int normalise(const char *code, size_t n, char norm[RECOVERY_CHARS + 1]);
static bool in_alphabet(char c);

static bool
in_alphabet(char c)
{
	return c != '\0' && strchr(RECOVERY_ALPHABET, c) != NULL;
}

/* Fold code[0..n) into norm (alphabet symbols only); 0 when well-formed. */
static int
normalise(const char *code, size_t n, char norm[RECOVERY_CHARS + 1])
{
	size_t k = 0;
	norm[0] = '\0';
	if (code == NULL || n > RECOVERY_INPUT_MAX)
		return -ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!in_alphabet(c) || k >= RECOVERY_CHARS)
			return -ERR_INVALID;
		norm[k++] = c;
	}
	norm[k] = '\0';
	return k == RECOVERY_CHARS ? 0 : -ERR_INVALID;
}

bool
recovery_format_ok(const char *code, size_t n)
{
	char norm[RECOVERY_CHARS + 1];
	return normalise(code, n, norm) == 0;
}

int
recovery_hash(const char *code, size_t n, unsigned char out[32])
{
	char norm[RECOVERY_CHARS + 1];
	unsigned int len = 0;
	memset(out, 0, 32);
	if (normalise(code, n, norm) != 0)
		return -ERR_INVALID;
	if (EVP_Digest(norm, RECOVERY_CHARS, out, &len, EVP_sha256(), NULL) != 1 || len != 32) {
		memset(out, 0, 32);
		return -ERR_INVALID;
	}
	return 0;
}

void
recovery_new(struct arena *a, char *codes[RECOVERY_COUNT], unsigned char hashes[RECOVERY_COUNT][32])
{
	for (size_t i = 0; i < RECOVERY_COUNT; i++) {
		unsigned char r[RECOVERY_CHARS];
		char *s;
		bool dup;
		do {
			rand_bytes(r, sizeof r);
			s = arena_alloc(a, RECOVERY_TEXT_LEN + 1);
			size_t k = 0;
			for (size_t j = 0; j < RECOVERY_CHARS; j++) {
				if (j > 0 && j % RECOVERY_GROUP == 0)
					s[k++] = '-';
				s[k++] = RECOVERY_ALPHABET[r[j] & 31];
			}
			s[k] = '\0';
			/* 125-bit codes never collide in practice; check anyway */
			dup = false;
			for (size_t j = 0; j < i; j++)
				dup = dup || strcmp(codes[j], s) == 0;
		} while (dup);
		codes[i] = s;
		/* s is well-formed by construction: failure means a broken libcrypto */
		if (recovery_hash(s, RECOVERY_TEXT_LEN, hashes[i]) != 0)
			abort();
	}
}
