/* dec.h: exact decimal numbers for money and quantities (never floating point). */
#ifndef ECC_DEC_H
#define ECC_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * A struct dec is coef × 10^-scale, exactly: "12.30" is {1230, 2}. The
 * scale is what the number was written with (trailing zeros are kept:
 * "12.30" formats back as "12.30") and is 0..DEC_MAX_SCALE. The
 * coefficient has at most DEC_MAX_DIGITS decimal digits (|coef| <
 * 10^36), so every value has at most 18 digits after the point and at
 * most 36 digits in all.
 *
 * Nothing here rounds or wraps silently: a result that does not fit
 * exactly (more digits, more than 18 decimals) is an error. The brief's
 * "range error" is -ERR_TOO_LARGE (core/err.h has no ERR_RANGE);
 * malformed input and division by zero are -ERR_INVALID. Rounding only
 * happens where a function takes an explicit enum dec_round.
 *
 * All functions are pure (no allocation except into the buf passed in),
 * thread-safe, and accept the same struct as input and output.
 */

#define DEC_MAX_SCALE  18
#define DEC_MAX_DIGITS 36
/* DEC_STR_MAX: room for any canonical text of a struct dec plus NUL. */
#define DEC_STR_MAX    48

enum dec_round {
	DEC_HALF_UP = 0,   /* 四捨五入: half away from zero (2.5 → 3, -2.5 → -3) */
	DEC_HALF_EVEN,     /* 銀行丸め: half to the even neighbour (2.5 → 2, 3.5 → 4) */
	DEC_DOWN,          /* 切り捨て: toward zero (-2.7 → -2) */
	DEC_UP,            /* 切り上げ: away from zero (-2.1 → -3) */
	DEC_FLOOR,         /* toward -infinity (-2.1 → -3, 2.9 → 2) */
	DEC_CEILING,       /* toward +infinity (-2.9 → -2, 2.1 → 3) */
};

struct dec {
	__int128 coef;
	int scale;
};

/*
 * dec_parse: the n bytes at s as a decimal. Accepted (ASCII only, no
 * spaces, no grouping commas, no exponent): an optional '-' or '+', one or
 * more digits, optionally '.' and one or more digits ("12", "-0.50",
 * "+3", "007"). Not accepted: "", ".5", "1.", "1e3", "１２" (full-width
 * digits), " 1". The scale is the number of digits after the point.
 * Returns 0; -ERR_INVALID for a malformed number; -ERR_TOO_LARGE for more
 * than 18 decimals or more than 36 significant digits. *out is untouched on
 * error.
 */
int dec_parse(const char *s, size_t n, struct dec *out);

/* dec_from_int64: v with scale 0. */
struct dec dec_from_int64(int64_t v);

/*
 * dec_to_int64: the value as an integer. Returns 0; -ERR_INVALID when it
 * has a non-zero fraction (2.50 is not an integer, 2.00 is); -ERR_TOO_LARGE
 * outside int64_t.
 */
int dec_to_int64(const struct dec *d, int64_t *out);

/* dec_is_zero / dec_is_negative: predicates (negative means < 0). */
bool dec_is_zero(const struct dec *d);
bool dec_is_negative(const struct dec *d);

/*
 * dec_to_str: canonical text into out (NUL-terminated), returning its
 * length: '-' for negatives, the integer digits (at least "0"), and for
 * scale > 0 a '.' and exactly scale digits ("0.50", "-12.300", "5940").
 * Zero is never negative ("-0.00" parses to 0 and prints "0.00").
 */
size_t dec_to_str(const struct dec *d, char out[DEC_STR_MAX]);

/* dec_format: append dec_to_str's text to out. */
void dec_format(struct buf *out, const struct dec *d);

/*
 * dec_format_fixed: append d rounded (mode) to exactly decimals digits
 * (0..18) after the point; when group is non-NULL and group_len > 0, the
 * integer digits are grouped by threes with those bytes between groups
 * (1234567.5 with decimals 0, half-up and "," → "1,234,568"). Returns 0;
 * -ERR_INVALID for decimals outside 0..18; -ERR_TOO_LARGE when rounding
 * overflows. Nothing is appended on error.
 */
int dec_format_fixed(struct buf *out, const struct dec *d, int decimals, enum dec_round mode,
    const char *group, size_t group_len);

/*
 * dec_add / dec_sub: exact a + b / a - b with scale max(a.scale, b.scale).
 * dec_mul: exact a × b with scale a.scale + b.scale; if that is above 18 or
 * the coefficient has more than 36 digits, trailing zeros are removed while
 * that keeps the value exact; if it still does not fit, -ERR_TOO_LARGE.
 * Return 0 or -ERR_TOO_LARGE (out untouched).
 */
int dec_add(const struct dec *a, const struct dec *b, struct dec *out);
int dec_sub(const struct dec *a, const struct dec *b, struct dec *out);
int dec_mul(const struct dec *a, const struct dec *b, struct dec *out);

/*
 * dec_div: a ÷ b rounded with mode to scale digits after the point. scale
 * is -18..18: a negative scale rounds to a multiple of 10^-scale and gives
 * a result of scale 0 (scale -2 rounds to hundreds). Returns 0;
 * -ERR_INVALID when b is zero or scale is out of range; -ERR_TOO_LARGE
 * when the quotient does not fit.
 */
int dec_div(const struct dec *a, const struct dec *b, int scale, enum dec_round mode,
    struct dec *out);

/*
 * dec_round: a rounded with mode to digits decimals (-18..18). When digits
 * is at least a.scale the value is unchanged and its scale becomes digits
 * (round(1.5, 2) is "1.50"); when digits < 0 it is rounded to tens,
 * hundreds, … and has scale 0 (round(1250, -2, half_even) is "1200").
 * Returns 0, -ERR_INVALID (digits out of range) or -ERR_TOO_LARGE.
 */
int dec_round(const struct dec *a, int digits, enum dec_round mode, struct dec *out);

/* dec_normalize: remove trailing zeros of the fraction (2.500 → 2.5,
 * 3.00 → 3). The value is unchanged. */
void dec_normalize(struct dec *d);

/* dec_cmp: -1, 0 or 1 as a <, =, > b, numerically (1.50 = 1.5). */
int dec_cmp(const struct dec *a, const struct dec *b);

/*
 * dec_round_parse: a rounding mode by name: "half_up", "half_even",
 * "down", "up", "floor", "ceiling" (ASCII case-insensitive) or the
 * Japanese names 四捨五入, 銀行丸め, 切り捨て, 切り上げ. Returns 0 or
 * -ERR_INVALID.
 */
int dec_round_parse(const char *s, size_t n, enum dec_round *mode);

/* dec_round_name: the ASCII name of mode ("half_up", …); static, never NULL. */
const char *dec_round_name(enum dec_round mode);

#endif
