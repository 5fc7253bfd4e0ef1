/* pwhash.h: password hashing with Argon2id (libargon2), parameter checks and a dummy verification. */
#ifndef ECC_PWHASH_H
#define ECC_PWHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* Parameters of new hashes (OWASP Password Storage Cheat Sheet, RFC 9106 §4). */
#define PWHASH_M_KIB 19456
#define PWHASH_T 2
#define PWHASH_P 1
#define PWHASH_SALT_LEN 16
#define PWHASH_HASH_LEN 32

/* Bounds of stored hashes that verification accepts (see pwhash_params_ok). */
#define PWHASH_MAX_M_KIB 262144 /* 256 MiB */
#define PWHASH_MAX_T 10
#define PWHASH_MAX_P 8
/* Longest password (bytes) hashed or verified; the policy's 128 code points
 * are at most 512 bytes. */
#define PWHASH_MAX_PW 4096

/* The fields of a "$argon2id$v=19$m=…,t=…,p=…$salt$hash" string. */
struct pwhash_params {
	uint32_t m_kib;
	uint32_t t;
	uint32_t p;
	size_t salt_len;	/* decoded bytes */
	size_t hash_len;	/* decoded bytes */
};

/*
 * pwhash_hash: Argon2id of the n bytes at pw (m=19456 KiB, t=2, p=1, 16-byte
 * random salt, 32-byte hash) as the standard encoded string
 * "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (base64 without padding),
 * NUL-terminated in a. Returns 0, -ERR_INVALID (pw NULL, or n > PWHASH_MAX_PW)
 * or -ERR_NOMEM (libargon2 could not allocate its memory).
 */
int pwhash_hash(struct arena *a, const char *pw, size_t n, char **encoded);

/*
 * pwhash_verify: whether pw (n bytes, compared in full: no truncation)
 * matches encoded. Returns 0 on a match, -ERR_FORBIDDEN on a mismatch (also
 * for n > PWHASH_MAX_PW, which no stored hash can match), -ERR_INVALID when
 * encoded is NULL, malformed, not Argon2id v=19, or has parameters outside
 * pwhash_params_ok (refused before any work: a DoS guard), -ERR_NOMEM when
 * libargon2 could not allocate.
 */
int pwhash_verify(const char *encoded, const char *pw, size_t n);

/*
 * pwhash_dummy: one verification of pw against a fixed hash with the current
 * parameters, result ignored; costs what a real verification costs, for
 * unknown accounts (no user enumeration by timing).
 */
void pwhash_dummy(const char *pw, size_t n);

/*
 * pwhash_needs_rehash: true when encoded is not an Argon2id v=19 hash with
 * exactly the current parameters (m, t, p, salt >= 16 bytes, 32-byte hash),
 * including when it is malformed; the caller rehashes after a successful
 * login.
 */
bool pwhash_needs_rehash(const char *encoded);

/*
 * pwhash_parse: strict parse of "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH"
 * (decimal numbers without sign or leading zeros, standard base64 without
 * padding, salt 8..64 bytes, hash 16..64 bytes) into *out. Returns 0 or
 * -ERR_INVALID. Allocates nothing.
 */
int pwhash_parse(const char *encoded, struct pwhash_params *out);

/*
 * pwhash_params_ok: true when stored parameters are strong enough and not
 * absurd: (m, t) reaches one of the OWASP pairs (47104/1, 19456/2, 12288/3,
 * 9216/4, 7168/5 KiB/passes), m <= 256 MiB, t <= 10, 1 <= p <= 8.
 */
bool pwhash_params_ok(const struct pwhash_params *p);

#endif
