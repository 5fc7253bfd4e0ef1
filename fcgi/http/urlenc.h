/* urlenc.h: application/x-www-form-urlencoded parsing and serializing (WHATWG URL §5). */
#ifndef ECC_URLENC_H
#define ECC_URLENC_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"

/* URLENC_MAX_PAIRS: pairs accepted by urlenc_parse (query string or body). */
#define URLENC_MAX_PAIRS FORM_MAX_PAIRS

/*
 * urlenc_parse: the WHATWG application/x-www-form-urlencoded parser, for
 * request bodies and query strings (pass the query without its '?'):
 * split s on '&', skip empty sequences, split each at its first '=' (no '='
 * means an empty value), turn '+' into a space, percent-decode (a '%' not
 * followed by two hex digits stays literally), then UTF-8 decode without
 * BOM: ill-formed sequences become U+FFFD and a BOM is kept. s need not be
 * NUL-terminated and may contain any bytes.
 *
 * out is initialised here (any previous content is forgotten) with the
 * limit URLENC_MAX_PAIRS. Names and values are NUL-terminated copies in a
 * (a value decoded from "%00" contains a NUL byte; value_len counts it; a
 * pair without '=' gets a static empty value).
 * Returns 0, or -ERR_TOO_LARGE when there are more than URLENC_MAX_PAIRS
 * pairs (out then holds the first URLENC_MAX_PAIRS; the request should be
 * refused with 413/400, not served with a truncated form). Time and arena
 * memory are linear in n (about n bytes for clean input; a few times n
 * when most bytes need U+FFFD).
 */
int urlenc_parse(struct arena *a, const char *s, size_t n, struct form *out);

/*
 * urlenc_encode: append the n bytes at s to out with the WHATWG
 * application/x-www-form-urlencoded byte serializer: ASCII alphanumerics
 * and "*-._" unchanged, space as '+', every other byte as %XX (upper-case
 * hex). s should be UTF-8 (its bytes are encoded as they are). To build a
 * query string, join name, '=' and value encoded this way with '&'.
 */
void urlenc_encode(struct buf *out, const char *s, size_t n);

#endif
