/* utf8.h: strict UTF-8 validation, code point counting and WHATWG-style repair. */
#ifndef ECC_UTF8_H
#define ECC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * "Strict" everywhere in this module means the Unicode / WHATWG definition of
 * well-formed UTF-8: no overlong forms (C0, C1, E0 80..9F, F0 80..8F), no
 * surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF), no lone
 * or missing continuation bytes. NUL (U+0000) is a valid code point here;
 * callers that must refuse it check for it themselves. A BOM is an ordinary
 * code point (U+FEFF) and is never stripped. Every function is pure and
 * thread-safe; none allocates except utf8_sanitize (into out's arena).
 */

/* UTF8_REPLACEMENT: U+FFFD REPLACEMENT CHARACTER encoded in UTF-8. */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

/*
 * utf8_decode_one: decode the sequence at the start of s (n bytes, n >= 1).
 * On success returns 0, sets *cp to the code point and *len to its length
 * (1..4). On an ill-formed sequence returns -ERR_INVALID and sets *len to the
 * length of its "maximal subpart" (1..3): the bytes a decoder replaces with
 * one U+FFFD before resuming (WHATWG "UTF-8 decode", Unicode §3.9 best
 * practice); *cp is set to 0xFFFD. With n == 0 returns -ERR_INVALID, *len 0.
 */
int utf8_decode_one(const char *s, size_t n, uint32_t *cp, size_t *len);

/* utf8_valid: true when the n bytes at s are well-formed UTF-8 (n == 0 is
 * valid). s may contain NUL bytes. */
bool utf8_valid(const char *s, size_t n);

/*
 * utf8_codepoints: the number of code points in the n bytes at s, counting
 * each ill-formed maximal subpart as one (exactly the code points that
 * utf8_sanitize would produce). For valid input it is the user-visible
 * "character" count used for password and field length rules (not grapheme
 * clusters: "é" written as e + U+0301 counts 2).
 */
size_t utf8_codepoints(const char *s, size_t n);

/*
 * utf8_sanitize: append the n bytes at s to out, replacing every ill-formed
 * maximal subpart with U+FFFD (WHATWG "UTF-8 decode without BOM": a leading
 * BOM is kept). Valid input is appended unchanged with one memcpy. out must
 * be initialised (buf_init); its memory lives in out's arena.
 */
void utf8_sanitize(struct buf *out, const char *s, size_t n);

/*
 * utf8_encode: append the UTF-8 encoding of code point cp to out. A
 * surrogate or a value above U+10FFFF appends U+FFFD instead.
 */
void utf8_encode(struct buf *out, uint32_t cp);

#endif
