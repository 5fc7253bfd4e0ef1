/* cp932.h: table-driven CP932 (Windows Shift_JIS) encoder with per-character reports, and decoder. */
#ifndef ECC_CP932_H
#define ECC_CP932_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * What "CP932" means here: the WHATWG Encoding Standard's Shift_JIS encoder
 * and decoder (https://encoding.spec.whatwg.org/#shift_jis-encoder), which
 * is what Windows (Microsoft's CP932) writes and reads in practice.
 *
 * Encoder, for one code point:
 *   U+0000..U+007F and U+0080  → the same single byte
 *   U+00A5 YEN SIGN            → 0x5C;  U+203E OVERLINE → 0x7E
 *   U+FF61..U+FF9F (半角カナ)   → 0xA1..0xDF
 *   U+2212 MINUS SIGN          → encoded as U+FF0D FULLWIDTH HYPHEN-MINUS (81 7C)
 *   otherwise the first pointer of index-jis0208 that maps to it, skipping
 *   pointers 8272..8835 (the NEC-selected IBM extensions, rows 89..92, whose
 *   characters are written with their IBM codes FA40..FC4B instead), turned
 *   into lead/trail bytes. Everything else is unencodable.
 * So JIS X 0208, the NEC row 13 specials (① Ⅰ ㈱ № ㍻ …) and the IBM
 * extensions (髙 﨑 德 ⅰ ￤ …) are encodable; emoji, 𠮷 and other characters
 * outside the BMP, and private-use characters are not.
 *
 * The table is built once per process, at first use, from glibc iconv
 * ("CP932" → UTF-32, one call per two-byte code; about 11,000 calls, a few
 * milliseconds), and the encoder table is derived from it by the WHATWG rule
 * above. glibc's CP932 decoder agrees with index-jis0208 for every two-byte
 * code; its ENCODER (glibc 2.36) differs from the WHATWG one for exactly
 * these code points, which follow the WHATWG rule here (checked over every
 * code point by tests/conformance/test_cp932_whatwg.c):
 *   U+301C WAVE DASH 〜          glibc 81 60 → unencodable (index has U+FF5E ～ at 81 60)
 *   U+2016 DOUBLE VERTICAL LINE ‖ glibc 81 61 → unencodable (index has U+2225 ∥)
 *   U+2014 EM DASH —            glibc 81 5C → unencodable (index has U+2015 ―)
 *   U+00A2 ¢ / U+00A3 £ / U+00AC ¬  glibc 81 91 / 81 92 / 81 CA → unencodable
 *                                (index has U+FFE0 ￠ / U+FFE1 ￡ / U+FFE2 ￢)
 *   U+E000..U+E757 private use  glibc F0 40.. (user-defined area) → unencodable
 *   U+0080                      glibc error → 0x80
 * (U+2212 − → 81 7C is the same in both.) Duplicated characters (NEC row 13
 * vs. JIS row 2, NEC-selected vs. IBM extensions) are written as the rule
 * says whatever glibc does: "first pointer outside 8272..8835". Mac IMEs
 * type 〜 as U+301C: it is reported like any other unencodable character
 * and the caller's policy applies.
 *
 * Decoder (the WHATWG Shift_JIS decoder): bytes 00..80 → U+0000..U+0080,
 * A1..DF → U+FF61..U+FF9F, a lead byte 81..9F or E0..FC followed by a trail
 * byte 40..7E or 80..FC → the index-jis0208 code point of its pointer, or,
 * for the user-defined area F040..F9FC (pointers 8836..10715), U+E000 +
 * (pointer − 8836). Anything else is an error (unassigned codes, A0, FD..FF,
 * a lead byte without a valid trail byte, a lead byte at the end).
 *
 * Every function is thread-safe (the one-time table build uses
 * pthread_once) and allocates only into the given buf; the tables are
 * static arrays (150 KB, no malloc).
 */

/* CP932_GETA: the replacement 〓 (U+3013 GETA MARK) in CP932. */
#define CP932_GETA "\x81\xAC"

/* What happens to a character the target encoding cannot represent (or an
 * invalid UTF-8 sequence in the input). */
enum cp932_policy {
	CP932_FAIL = 0,          /* report it; the caller fails the record */
	CP932_REPLACE_GETA = 1,  /* report it and write 〓 (81 AC) */
	CP932_REPLACE_QMARK = 2, /* report it and write '?' */
	CP932_DROP = 3,          /* report it and write nothing */
};

/* One unencodable character, as given to a cp932_report_fn. */
struct cp932_bad {
	uint32_t cp;     /* its code point; U+FFFD for an invalid UTF-8 sequence */
	char utf8[5];    /* the character as UTF-8, NUL-terminated ("\uFFFD" when invalid) */
	bool invalid;    /* the input was not valid UTF-8 here */
	size_t index;    /* 1-based character index in the input (invalid sequences count one) */
	size_t offset;   /* byte offset of the character in the input */
	size_t len;      /* its length in input bytes (1..4) */
};

/* cp932_report_fn: called once per unencodable character, in input order;
 * bad is valid only during the call. */
typedef void cp932_report_fn(void *ctx, const struct cp932_bad *bad);

/*
 * cp932_init: build the tables if not yet done (any other function does it
 * itself; call this at start-up to fail early). Returns 0, or -ERR_CONFIG
 * when glibc has no usable CP932 converter (gconv modules missing); then
 * every non-ASCII character is unencodable and every non-ASCII byte
 * undecodable, and the other functions return -ERR_CONFIG where documented.
 */
int cp932_init(void);

/*
 * cp932_encode: the CP932 bytes of code point cp into out[0..*len), *len 1
 * or 2. Returns 0, or -ERR_INVALID (and *len 0) when cp is unencodable
 * (including surrogates and values above U+10FFFF).
 */
int cp932_encode(uint32_t cp, unsigned char out[2], size_t *len);

/*
 * cp932_from_utf8: append the CP932 encoding of the n bytes of UTF-8 at s
 * (one cell) to out. Each unencodable character and each ill-formed UTF-8
 * sequence (its maximal subpart, see core/utf8.h) is passed to report (may
 * be NULL) and handled by policy: CP932_REPLACE_GETA writes 〓, _QMARK '?',
 * _DROP nothing, and CP932_FAIL writes '?' too, carries on (so that every
 * bad character is reported) and makes the call return -ERR_INVALID.
 * *nbad (may be NULL) receives the number of bad characters. Returns 0 (with
 * any other policy, even when characters were replaced), -ERR_INVALID (FAIL
 * and at least one bad character), or -ERR_CONFIG (no table, see
 * cp932_init; nothing appended). ASCII runs are copied with memcpy.
 */
int cp932_from_utf8(struct buf *out, const char *s, size_t n, enum cp932_policy policy,
		    cp932_report_fn *report, void *ctx, size_t *nbad);

/*
 * cp932_decode_one: decode the character at the start of the n bytes at s.
 * Returns 0 with *cp and *len (1 or 2), or -ERR_INVALID with *len the
 * number of bytes to skip (1: the offending byte) when the bytes are not
 * CP932 (see the decoder rules above; n == 0 gives *len 0). -ERR_CONFIG
 * when there is no table and the byte is not ASCII.
 */
int cp932_decode_one(const char *s, size_t n, uint32_t *cp, size_t *len);

/*
 * cp932_to_utf8: append the UTF-8 decoding of the n CP932 bytes at s to
 * out. Returns 0, or -ERR_INVALID at the first sequence that is not CP932,
 * with *bad_off (may be NULL) its byte offset in s; out then holds the text
 * decoded before it. -ERR_CONFIG: see cp932_init.
 */
int cp932_to_utf8(struct buf *out, const char *s, size_t n, size_t *bad_off);

/*
 * cp932_policy_parse: "fail", "geta", "qmark" or "drop" → *out; anything
 * else -ERR_INVALID. cp932_policy_name is the inverse (static string;
 * "fail" for an unknown value).
 */
int cp932_policy_parse(const char *s, enum cp932_policy *out);
const char *cp932_policy_name(enum cp932_policy p);

#endif
