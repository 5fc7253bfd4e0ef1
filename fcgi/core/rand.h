/* rand.h: CSPRNG bytes and tokens (getrandom); never rand(). */
#ifndef ECC_RAND_H
#define ECC_RAND_H

#include <stddef.h>

#include "core/arena.h"

/* rand_bytes: fill p with n bytes from the kernel CSPRNG. Aborts if the
 * kernel cannot supply them (no silent weak fallback). */
void rand_bytes(void *p, size_t n);

/* rand_hex: 2*nbytes lowercase hex chars of fresh randomness, in a. */
char *rand_hex(struct arena *a, size_t nbytes);

/* rand_token: nbytes of randomness as unpadded base64url, in a. */
char *rand_token(struct arena *a, size_t nbytes);

#endif
