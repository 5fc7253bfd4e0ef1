/* b64.h: unpadded base64url encoding and strict decoding. */
#ifndef ECC_B64_H
#define ECC_B64_H

#include <stddef.h>

#include "core/arena.h"

/* b64url_encode: n bytes → NUL-terminated unpadded base64url in a. */
char *b64url_encode(struct arena *a, const void *p, size_t n);

/* b64url_decode: strict decode of s (n chars, no padding, no whitespace)
 * into out (capacity cap). Returns the decoded length, or -1 on any invalid
 * character, impossible length or overflow of cap. */
long b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap);

#endif
