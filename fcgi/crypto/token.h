/* token.h: single-use link tokens (stored only as SHA-256) and random row ids. */
#ifndef ECC_TOKEN_H
#define ECC_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define TOKEN_LEN 43 /* 32 random bytes as unpadded base64url */
#define TOKEN_HASH_LEN 32

/*
 * token_new: 32 bytes from the CSPRNG as a TOKEN_LEN-char base64url string
 * (NUL-terminated, in a) for a link, and hash = SHA-256 of that text, which
 * is what the database stores. Returns 0 (it cannot fail short of an abort
 * in the CSPRNG) or -ERR_INVALID for NULL arguments.
 */
int token_new(struct arena *a, char **token, unsigned char hash[TOKEN_HASH_LEN]);

/* token_hash: out = SHA-256 of the n bytes at t (t may be NULL when n is 0). */
void token_hash(const char *t, size_t n, unsigned char out[TOKEN_HASH_LEN]);

/*
 * token_format_ok: true when t is exactly the shape token_new makes: TOKEN_LEN
 * base64url characters that decode to 32 bytes, with canonical trailing bits
 * and nothing after them. Check it before touching the database.
 */
bool token_format_ok(const char *t);

/* token_random_id: a random id in 1 .. 2^63-1 for a new row (ids are random,
 * see schema/0002_accounts.sql). */
uint64_t token_random_id(void);

#endif
