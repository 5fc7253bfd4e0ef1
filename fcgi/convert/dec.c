/* dec.c: exact decimal numbers for money and quantities (never floating point). */
#include "dec.h"

#include <string.h>

#include "core/err.h"

typedef unsigned __int128 u128;

static u128 p10(int n);
static u128 dec_max(void);
static u128 mag(const struct dec *d);
static struct dec make(u128 m, bool neg, int scale);
static bool scale_up(u128 m, int n, u128 *out);
static u128 round_q(u128 q, u128 r, u128 den, bool neg, enum dec_round mode);
static size_t utoa(u128 v, char *end);

static const uint64_t pow10_64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

/* p10: 10^n for 0 <= n <= 38. */
static u128
p10(int n)
{
	if (n <= 19)
		return pow10_64[n];
	return (u128)pow10_64[19] * pow10_64[n - 19];
}

/* dec_max: the largest coefficient magnitude, 10^36 - 1. */
static u128
dec_max(void)
{
	return p10(DEC_MAX_DIGITS) - 1;
}

static u128
mag(const struct dec *d)
{
	return d->coef < 0 ? (u128)0 - (u128)d->coef : (u128)d->coef;
}

/* make: a dec from a magnitude that is at most dec_max(). */
static struct dec
make(u128 m, bool neg, int scale)
{
	struct dec d;
	d.coef = neg ? -(__int128)m : (__int128)m;
	d.scale = scale;
	return d;
}

/* scale_up: m × 10^n; false when that overflows 128 bits. */
static bool
scale_up(u128 m, int n, u128 *out)
{
	if (n > 38)
		return m == 0 ? (*out = 0, true) : false;
	return !__builtin_mul_overflow(m, p10(n), out);
}

/* round_q: the magnitude q with remainder r of a division by den (r < den)
 * rounded as mode says for a result of sign neg. */
static u128
round_q(u128 q, u128 r, u128 den, bool neg, enum dec_round mode)
{
	if (r == 0)
		return q;
	u128 rest = den - r;  /* r > rest: above half; r == rest: exactly half */
	switch (mode) {
	case DEC_HALF_UP:
		return r >= rest ? q + 1 : q;
	case DEC_HALF_EVEN:
		return r > rest || (r == rest && (q & 1)) ? q + 1 : q;
	case DEC_DOWN:
		return q;
	case DEC_UP:
		return q + 1;
	case DEC_FLOOR:
		return neg ? q + 1 : q;
	case DEC_CEILING:
		return neg ? q : q + 1;
	}
	return q;
}

int
dec_parse(const char *s, size_t n, struct dec *out)
{
	size_t i = 0;
	bool neg = false;
	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	u128 m = 0;
	int digits = 0, scale = 0, intd = 0;
	bool point = false;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (point || intd == 0)
				return -ERR_INVALID;
			point = true;
			continue;
		}
		if (c < '0' || c > '9')
			return -ERR_INVALID;
		if (point)
			scale++;
		else
			intd++;
		if (m == 0 && c == '0' && !point)
			continue;  /* leading zeros are not significant */
		if (++digits > DEC_MAX_DIGITS)
			return -ERR_TOO_LARGE;
		m = m * 10 + (u128)(c - '0');
	}
	if (intd == 0 || (point && scale == 0))
		return -ERR_INVALID;
	if (scale > DEC_MAX_SCALE)
		return -ERR_TOO_LARGE;
	*out = make(m, neg, scale);
	return 0;
}

struct dec
dec_from_int64(int64_t v)
{
	struct dec d;
	d.coef = v;
	d.scale = 0;
	return d;
}

int
dec_to_int64(const struct dec *d, int64_t *out)
{
	u128 m = mag(d), div = p10(d->scale);
	if (m % div != 0)
		return -ERR_INVALID;
	m /= div;
	if (d->coef < 0 ? m > (u128)INT64_MAX + 1 : m > (u128)INT64_MAX)
		return -ERR_TOO_LARGE;
	*out = d->coef < 0 ? (int64_t)(0 - (uint64_t)m) : (int64_t)m;
	return 0;
}

bool
dec_is_zero(const struct dec *d)
{
	return d->coef == 0;
}

bool
dec_is_negative(const struct dec *d)
{
	return d->coef < 0;
}

/* utoa: write v's digits ending just before end; returns how many. */
static size_t
utoa(u128 v, char *end)
{
	char *p = end;
	const uint64_t chunk = pow10_64[19];
	while (v > UINT64_MAX) {
		uint64_t lo = (uint64_t)(v % chunk);
		v /= chunk;
		for (int k = 0; k < 19; k++) {
			*--p = (char)('0' + lo % 10);
			lo /= 10;
		}
	}
	uint64_t w = (uint64_t)v;
	do {
		*--p = (char)('0' + w % 10);
		w /= 10;
	} while (w != 0);
	return (size_t)(end - p);
}

size_t
dec_to_str(const struct dec *d, char out[DEC_STR_MAX])
{
	char tmp[DEC_STR_MAX];
	char *end = tmp + sizeof tmp;
	size_t nd = utoa(mag(d), end);
	char *dig = end - nd;
	size_t o = 0;
	if (d->coef < 0)
		out[o++] = '-';
	size_t sc = (size_t)d->scale;
	if (nd <= sc) {
		out[o++] = '0';
		out[o++] = '.';
		for (size_t k = nd; k < sc; k++)
			out[o++] = '0';
		memcpy(out + o, dig, nd);
		o += nd;
	} else {
		memcpy(out + o, dig, nd - sc);
		o += nd - sc;
		if (sc > 0) {
			out[o++] = '.';
			memcpy(out + o, dig + nd - sc, sc);
			o += sc;
		}
	}
	out[o] = '\0';
	return o;
}

void
dec_format(struct buf *out, const struct dec *d)
{
	char s[DEC_STR_MAX];
	size_t n = dec_to_str(d, s);
	buf_append(out, s, n);
}

int
dec_format_fixed(struct buf *out, const struct dec *d, int decimals, enum dec_round mode,
    const char *group, size_t group_len)
{
	if (decimals < 0 || decimals > DEC_MAX_SCALE)
		return -ERR_INVALID;
	struct dec r;
	int rc = dec_round(d, decimals, mode, &r);
	if (rc != 0)
		return rc;
	char s[DEC_STR_MAX];
	size_t n = dec_to_str(&r, s);
	if (group == NULL || group_len == 0) {
		buf_append(out, s, n);
		return 0;
	}
	size_t i = 0;
	if (s[0] == '-') {
		buf_putc(out, '-');
		i = 1;
	}
	size_t intd = 0;
	while (i + intd < n && s[i + intd] != '.')
		intd++;
	for (size_t k = 0; k < intd; k++) {
		if (k > 0 && (intd - k) % 3 == 0)
			buf_append(out, group, group_len);
		buf_putc(out, s[i + k]);
	}
	buf_append(out, s + i + intd, n - i - intd);
	return 0;
}

int
dec_add(const struct dec *a, const struct dec *b, struct dec *out)
{
	int sc = a->scale > b->scale ? a->scale : b->scale;
	__int128 ca, cb, sum;
	if (__builtin_mul_overflow(a->coef, (__int128)p10(sc - a->scale), &ca) ||
	    __builtin_mul_overflow(b->coef, (__int128)p10(sc - b->scale), &cb) ||
	    __builtin_add_overflow(ca, cb, &sum))
		return -ERR_TOO_LARGE;
	struct dec r = { sum, sc };
	if (mag(&r) > dec_max())
		return -ERR_TOO_LARGE;
	*out = r;
	return 0;
}

int
dec_sub(const struct dec *a, const struct dec *b, struct dec *out)
{
	struct dec nb = { -b->coef, b->scale };
	return dec_add(a, &nb, out);
}

int
dec_mul(const struct dec *a, const struct dec *b, struct dec *out)
{
	u128 m;
	if (__builtin_mul_overflow(mag(a), mag(b), &m))
		return -ERR_TOO_LARGE;
	int sc = a->scale + b->scale;
	while ((sc > DEC_MAX_SCALE || m > dec_max()) && sc > 0 && m % 10 == 0) {
		m /= 10;
		sc--;
	}
	if (sc > DEC_MAX_SCALE || m > dec_max())
		return -ERR_TOO_LARGE;
	*out = make(m, (a->coef < 0) != (b->coef < 0) && m != 0, sc);
	return 0;
}

int
dec_div(const struct dec *a, const struct dec *b, int scale, enum dec_round mode,
    struct dec *out)
{
	if (b->coef == 0 || scale < -DEC_MAX_SCALE || scale > DEC_MAX_SCALE)
		return -ERR_INVALID;
	bool neg = (a->coef < 0) != (b->coef < 0);
	u128 ua = mag(a), ub = mag(b), q, r, den;
	int e = scale + b->scale - a->scale;  /* q = ua × 10^e / ub */
	if (e >= 0) {
		u128 num;
		if (scale_up(ua, e, &num)) {
			q = num / ub;
			r = num % ub;
		} else {
			/* long division, one digit at a time (ub < 10^36, so
			 * r × 10 cannot overflow) */
			q = ua / ub;
			r = ua % ub;
			for (int k = 0; k < e; k++) {
				if (q > dec_max())
					return -ERR_TOO_LARGE;
				q = q * 10 + (r * 10) / ub;
				r = (r * 10) % ub;
			}
		}
		den = ub;
	} else if (scale_up(ub, -e, &den)) {
		q = ua / den;
		r = ua % den;
	} else {
		/* divisor above 2^128 > 2 × ua: quotient 0, remainder below half */
		q = 0;
		r = ua;
		den = ~(u128)0;
	}
	q = round_q(q, r, den, neg, mode);
	if (scale < 0) {
		if (!scale_up(q, -scale, &q))
			return -ERR_TOO_LARGE;
		scale = 0;
	}
	if (q > dec_max())
		return -ERR_TOO_LARGE;
	*out = make(q, neg && q != 0, scale);
	return 0;
}

int
dec_round(const struct dec *a, int digits, enum dec_round mode, struct dec *out)
{
	static const struct dec one = { 1, 0 };
	return dec_div(a, &one, digits, mode, out);
}

void
dec_normalize(struct dec *d)
{
	while (d->scale > 0 && d->coef % 10 == 0) {
		d->coef /= 10;
		d->scale--;
	}
}

int
dec_cmp(const struct dec *a, const struct dec *b)
{
	bool na = a->coef < 0, nb = b->coef < 0;
	if (na != nb)
		return na ? -1 : 1;
	if (a->coef == 0 && b->coef == 0)
		return 0;
	u128 ma = mag(a), mb = mag(b);
	int c;
	if (a->scale < b->scale) {
		/* ma scaled up; if that overflows it is larger than any mb */
		c = !scale_up(ma, b->scale - a->scale, &ma) ? 1 : (ma > mb) - (ma < mb);
	} else {
		c = !scale_up(mb, a->scale - b->scale, &mb) ? -1 : (ma > mb) - (ma < mb);
	}
	return na ? -c : c;
}

static const struct {
	const char *name;
	enum dec_round mode;
} round_names[] = {
	{ "half_up", DEC_HALF_UP }, { "half_even", DEC_HALF_EVEN }, { "down", DEC_DOWN },
	{ "up", DEC_UP }, { "floor", DEC_FLOOR }, { "ceiling", DEC_CEILING },
	{ "四捨五入", DEC_HALF_UP }, { "銀行丸め", DEC_HALF_EVEN }, { "切り捨て", DEC_DOWN },
	{ "切り上げ", DEC_UP }, { "切捨て", DEC_DOWN }, { "切上げ", DEC_UP },
};

int
dec_round_parse(const char *s, size_t n, enum dec_round *mode)
{
	for (size_t k = 0; k < sizeof round_names / sizeof *round_names; k++) {
		const char *name = round_names[k].name;
		if (strlen(name) != n)
			continue;
		size_t i = 0;
		while (i < n) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != name[i])
				break;
			i++;
		}
		if (i == n) {
			*mode = round_names[k].mode;
			return 0;
		}
	}
	return -ERR_INVALID;
}

const char *
dec_round_name(enum dec_round mode)
{
	if ((unsigned)mode <= DEC_CEILING)
		return round_names[mode].name;
	return "?";
}
