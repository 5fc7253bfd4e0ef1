/* recovery.h: single-use 2FA recovery codes (generation, normalisation, SHA-256 hashing). */
#ifndef ECC_RECOVERY_H
#define ECC_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/*
 * A recovery code is RECOVERY_CHARS symbols from a 32-symbol alphabet
 * without look-alikes ("23456789abcdefghijkmnpqrstuvwxyz": no 0, 1, l, o;
 * upper case is accepted and folded), shown as five groups of five joined
 * by '-': "xxxxx-xxxxx-xxxxx-xxxxx-xxxxx". Each symbol is 5 uniformly random
 * bits from the CSPRNG (32 divides 256, so no modulo bias), so a code holds
 * RECOVERY_BITS = 125 bits (checklist item 16 asks for >= 112).
 */
#define RECOVERY_COUNT 10
#define RECOVERY_CHARS 25
#define RECOVERY_GROUP 5
#define RECOVERY_BITS (RECOVERY_CHARS * 5)
#define RECOVERY_ALPHABET "23456789abcdefghijkmnpqrstuvwxyz"
/* RECOVERY_TEXT_LEN: length of the displayed form, dashes included. */
#define RECOVERY_TEXT_LEN (RECOVERY_CHARS + RECOVERY_CHARS / RECOVERY_GROUP - 1)
/* RECOVERY_INPUT_MAX: typed input longer than this is refused unread. */
#define RECOVERY_INPUT_MAX 64

/*
 * recovery_new: a fresh set of RECOVERY_COUNT distinct codes. codes[i] gets
 * the display form (lower case, dashed, NUL-terminated, in a) to show the
 * user once; hashes[i] gets recovery_hash of it, the only thing to store
 * (recovery_codes.code_hash). Storing a new set must delete the old one.
 */
void recovery_new(struct arena *a, char *codes[RECOVERY_COUNT], unsigned char hashes[RECOVERY_COUNT][32]);

/*
 * recovery_format_ok: true when code[0..n) is a well-formed recovery code
 * once normalised: ASCII spaces, tabs and '-' anywhere are dropped, upper
 * case is folded, and exactly RECOVERY_CHARS alphabet symbols must remain.
 * n over RECOVERY_INPUT_MAX is false. NULL is false. Any bytes allowed.
 */
bool recovery_format_ok(const char *code, size_t n);

/*
 * recovery_hash: SHA-256 of the normalised code (the RECOVERY_CHARS lower
 * case symbols, no separators) into out, so "ABCDE-…" and "abcde …" hash
 * the same. Unsalted and fast on purpose: a code carries 125 random bits,
 * so neither a dictionary nor brute force over the hash is feasible (salts
 * and slow hashes protect low-entropy secrets such as passwords), and an
 * unsalted hash lets the login look the code up by hash (WHERE user_id = ?
 * AND code_hash = ?) instead of comparing each row.
 * Returns 0, or -ERR_INVALID when !recovery_format_ok(code, n) (out is then
 * zeroed; the caller answers "wrong code" without querying).
 */
int recovery_hash(const char *code, size_t n, unsigned char out[32]);

#endif
