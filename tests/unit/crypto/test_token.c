/* test_token.c: link tokens (shape, hash, format check) and random row ids. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "core/arena.h"
#include "core/err.h"
#include "crypto/token.h"
#include "t.h"

int
main(void)
{
	struct arena *a = arena_new(0);
	char *t1, *t2;
	unsigned char h1[32], h2[32], hx[32];

	T_INTEQ(token_new(a, &t1, h1), 0);
	T_INTEQ(token_new(a, &t2, h2), 0);
	T_INTEQ(strlen(t1), TOKEN_LEN);
	T_OK(strcmp(t1, t2) != 0, "two tokens equal");
	T_OK(memcmp(h1, h2, 32) != 0, "two hashes equal");
	T_OK(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == TOKEN_LEN,
	     "alphabet: %s", t1);
	token_hash(t1, strlen(t1), hx);
	T_OK(memcmp(h1, hx, 32) == 0, "token_hash differs from token_new's hash");
	SHA256((const unsigned char *)t1, strlen(t1), hx);
	T_OK(memcmp(h1, hx, 32) == 0, "hash is not SHA-256 of the text");
	/* SHA-256("") known answer */
	token_hash(NULL, 0, hx);
	T_INTEQ(hx[0], 0xe3);
	T_INTEQ(hx[31], 0x55);
	T_INTEQ(token_new(NULL, &t1, h1), -ERR_INVALID);

	/* format */
	T_OK(token_format_ok(t2), "own token refused: %s", t2);
	char buf[64];
	snprintf(buf, sizeof buf, "%s", t2);
	buf[TOKEN_LEN - 1] = '\0';
	T_OK(!token_format_ok(buf), "42 chars accepted");
	snprintf(buf, sizeof buf, "%sA", t2);
	T_OK(!token_format_ok(buf), "44 chars accepted");
	snprintf(buf, sizeof buf, "%s", t2);
	buf[5] = '+';
	T_OK(!token_format_ok(buf), "'+' accepted");
	buf[5] = '=';
	T_OK(!token_format_ok(buf), "'=' accepted");
	/* non-canonical last char: 43 chars carry 258 bits; the 2 spare bits must be 0 */
	snprintf(buf, sizeof buf, "%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	T_OK(token_format_ok(buf), "all-A refused");
	buf[TOKEN_LEN - 1] = 'B';
	T_OK(!token_format_ok(buf), "non-canonical accepted");
	T_OK(!token_format_ok(""), "empty accepted");
	T_OK(!token_format_ok(NULL), "NULL accepted");

	/* ids: non-zero, 63-bit, distinct */
	uint64_t prev = 0;
	int ok = 1, distinct = 1;
	uint64_t orbits = 0;
	for (int i = 0; i < 10000; i++) {
		uint64_t id = token_random_id();
		if (id == 0 || id > INT64_MAX)
			ok = 0;
		if (id == prev)
			distinct = 0;
		orbits |= id;
		prev = id;
	}
	T_OK(ok, "id out of range");
	T_OK(distinct, "repeated id");
	T_OK(orbits == (uint64_t)INT64_MAX, "not all 63 bits used: %llx", (unsigned long long)orbits);

	arena_free(a);
	return t_done("crypto-token");
}
