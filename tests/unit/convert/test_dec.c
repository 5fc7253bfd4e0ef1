/* test_dec.c: exact decimals — parsing, formatting, arithmetic, every rounding mode (incl. negatives), overflow. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "convert/dec.h"
#include "core/arena.h"
#include "core/err.h"

static struct arena *a;

static struct dec
D(const char *s)
{
	struct dec d = { 0, 0 };
	int rc = dec_parse(s, strlen(s), &d);
	T_OK(rc == 0, "dec_parse(\"%s\") = %d", s, rc);
	return d;
}

static const char *
S(const struct dec *d)
{
	char *p = arena_alloc(a, DEC_STR_MAX);
	dec_to_str(d, p);
	return p;
}

static void
test_parse(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "0", "0" }, { "12", "12" }, { "-12", "-12" }, { "+3", "3" }, { "007", "7" },
		{ "0.08", "0.08" }, { "12.30", "12.30" }, { "-0.50", "-0.50" }, { "-0", "0" },
		{ "-0.00", "0.00" }, { "000.000", "0.000" },
		{ "123456789012345678.123456789012345678", "123456789012345678.123456789012345678" },
		{ "999999999999999999999999999999999999", "999999999999999999999999999999999999" },
		{ "0.000000000000000001", "0.000000000000000001" },
		{ "00000000000000000000000000000000000000001", "1" },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		struct dec d = D(ok[i].in);
		T_STREQ(S(&d), ok[i].out);
	}
	static const char *const bad[] = {
		"", "-", "+", ".5", "1.", "1..2", "1.2.3", "1e3", " 1", "1 ", "1,000", "--1", "0x10",
		"１２", "1_000", "NaN", "abc", "-.5", "+-1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct dec d = { 42, 0 };
		int rc = dec_parse(bad[i], strlen(bad[i]), &d);
		T_OK(rc == -ERR_INVALID, "dec_parse(\"%s\") = %d, want -ERR_INVALID", bad[i], rc);
		T_OK(d.coef == 42, "dec_parse(\"%s\") wrote its output on error", bad[i]);
	}
	struct dec d;
	T_INTEQ(dec_parse("0.1234567890123456789", 21, &d), -ERR_TOO_LARGE);      /* 19 decimals */
	T_INTEQ(dec_parse("1000000000000000000000000000000000000", 37, &d), -ERR_TOO_LARGE);
	T_INTEQ(dec_parse("1.5", 2, &d), -ERR_INVALID);  /* length is honoured: "1." */
	T_INTEQ(dec_parse("12\0003", 4, &d), -ERR_INVALID);
}

static void
test_int64(void)
{
	struct dec d = dec_from_int64(INT64_MIN);
	T_STREQ(S(&d), "-9223372036854775808");
	int64_t v = 0;
	T_INTEQ(dec_to_int64(&d, &v), 0);
	T_OK(v == INT64_MIN, "INT64_MIN round trip");
	d = D("2.00");
	T_INTEQ(dec_to_int64(&d, &v), 0);
	T_INTEQ(v, 2);
	d = D("2.50");
	T_INTEQ(dec_to_int64(&d, &v), -ERR_INVALID);
	d = D("9223372036854775808");
	T_INTEQ(dec_to_int64(&d, &v), -ERR_TOO_LARGE);
	d = D("-9223372036854775809");
	T_INTEQ(dec_to_int64(&d, &v), -ERR_TOO_LARGE);
	d = D("-7");
	T_OK(dec_is_negative(&d) && !dec_is_zero(&d), "-7 predicates");
	d = D("-0.0");
	T_OK(!dec_is_negative(&d) && dec_is_zero(&d), "-0.0 predicates");
}

static void
test_arith(void)
{
	struct dec r;
	struct dec x = D("1.50"), y = D("2.5");
	T_INTEQ(dec_add(&x, &y, &r), 0);
	T_STREQ(S(&r), "4.00");
	T_INTEQ(dec_sub(&x, &y, &r), 0);
	T_STREQ(S(&r), "-1.00");
	T_INTEQ(dec_mul(&x, &y, &r), 0);
	T_STREQ(S(&r), "3.750");
	x = D("0.1");
	y = D("0.2");
	T_INTEQ(dec_add(&x, &y, &r), 0);
	T_STREQ(S(&r), "0.3");
	x = D("1980");
	y = D("1.08");
	T_INTEQ(dec_mul(&x, &y, &r), 0);
	T_STREQ(S(&r), "2138.40");
	x = D("-3");
	y = D("0.5");
	T_INTEQ(dec_mul(&x, &y, &r), 0);
	T_STREQ(S(&r), "-1.5");
	x = D("-3");
	y = D("0");
	T_INTEQ(dec_mul(&x, &y, &r), 0);
	T_STREQ(S(&r), "0");
	/* in place */
	x = D("5");
	T_INTEQ(dec_add(&x, &x, &x), 0);
	T_STREQ(S(&x), "10");

	/* overflow is an error, never a wrap, and leaves out alone */
	struct dec big = D("999999999999999999999999999999999999"), one = D("1");
	r = D("77");
	T_INTEQ(dec_add(&big, &one, &r), -ERR_TOO_LARGE);
	T_STREQ(S(&r), "77");
	struct dec nbig = D("-999999999999999999999999999999999999");
	T_INTEQ(dec_sub(&nbig, &one, &r), -ERR_TOO_LARGE);
	T_INTEQ(dec_mul(&big, &big, &r), -ERR_TOO_LARGE);
	x = D("100000000000000000000");
	T_INTEQ(dec_mul(&x, &x, &r), -ERR_TOO_LARGE);
	/* aligning a scale-18 number with a 36-digit integer overflows: error */
	x = D("0.000000000000000001");
	T_INTEQ(dec_add(&big, &x, &r), -ERR_TOO_LARGE);

	/* more than 18 decimals: exact trailing zeros are dropped, else error */
	x = D("0.0000000001");
	y = D("0.000000001");
	T_INTEQ(dec_mul(&x, &y, &r), -ERR_TOO_LARGE);  /* 1e-19 */
	x = D("0.0000000010");
	y = D("0.0000000010");
	T_INTEQ(dec_mul(&x, &y, &r), 0);               /* 1e-18, scale 20 → 18 */
	T_STREQ(S(&r), "0.000000000000000001");
	x = D("0.000000000000000000");
	T_INTEQ(dec_mul(&x, &x, &r), 0);
	T_STREQ(S(&r), "0.000000000000000000");
}

static void
test_div(void)
{
	struct dec r, x, y;
	x = D("10");
	y = D("4");
	T_INTEQ(dec_div(&x, &y, 2, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "2.50");
	x = D("1");
	y = D("3");
	T_INTEQ(dec_div(&x, &y, 10, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "0.3333333333");
	x = D("2");
	T_INTEQ(dec_div(&x, &y, 10, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "0.6666666667");
	T_INTEQ(dec_div(&x, &y, 10, DEC_DOWN, &r), 0);
	T_STREQ(S(&r), "0.6666666666");
	x = D("-2");
	T_INTEQ(dec_div(&x, &y, 3, DEC_FLOOR, &r), 0);
	T_STREQ(S(&r), "-0.667");
	T_INTEQ(dec_div(&x, &y, 3, DEC_CEILING, &r), 0);
	T_STREQ(S(&r), "-0.666");
	x = D("12345");
	y = D("1");
	T_INTEQ(dec_div(&x, &y, -2, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "12300");
	x = D("1.5");
	y = D("0.25");
	T_INTEQ(dec_div(&x, &y, 0, DEC_DOWN, &r), 0);
	T_STREQ(S(&r), "6");
	y = D("0.00");
	T_INTEQ(dec_div(&x, &y, 2, DEC_HALF_UP, &r), -ERR_INVALID);
	y = D("1");
	T_INTEQ(dec_div(&x, &y, 19, DEC_HALF_UP, &r), -ERR_INVALID);
	T_INTEQ(dec_div(&x, &y, -19, DEC_HALF_UP, &r), -ERR_INVALID);
	/* a huge quotient is an error */
	x = D("999999999999999999999999999999999999");
	y = D("0.001");
	T_INTEQ(dec_div(&x, &y, 0, DEC_HALF_UP, &r), -ERR_TOO_LARGE);
	/* a tiny one rounds to zero or to one unit, by mode */
	x = D("0.000000000000000001");
	y = D("999999999999999999999999999999999999");
	T_INTEQ(dec_div(&x, &y, 18, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "0.000000000000000000");
	T_INTEQ(dec_div(&x, &y, 18, DEC_UP, &r), 0);
	T_STREQ(S(&r), "0.000000000000000001");
	/* the long-division path (numerator × 10^e overflows) */
	x = D("123456789012345678901234567890.5");
	y = D("0.000000000000000007");
	T_INTEQ(dec_div(&x, &y, 18, DEC_HALF_UP, &r), -ERR_TOO_LARGE);
	x = D("100000000000000000000");
	y = D("300000000000000000000");
	T_INTEQ(dec_div(&x, &y, 18, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "0.333333333333333333");
}

/* The rounding table: each value rounded to 0 decimals in each mode. */
static void
test_round_table(void)
{
	static const char *const modes[] = { "half_up", "half_even", "down", "up", "floor", "ceiling" };
	static const struct {
		const char *in;
		const char *out[6];
	} rows[] = {
		{ "5.5", { "6", "6", "5", "6", "5", "6" } },
		{ "2.5", { "3", "2", "2", "3", "2", "3" } },
		{ "1.6", { "2", "2", "1", "2", "1", "2" } },
		{ "1.1", { "1", "1", "1", "2", "1", "2" } },
		{ "1.0", { "1", "1", "1", "1", "1", "1" } },
		{ "0.5", { "1", "0", "0", "1", "0", "1" } },
		{ "0.49", { "0", "0", "0", "1", "0", "1" } },
		{ "0", { "0", "0", "0", "0", "0", "0" } },
		{ "-0.49", { "0", "0", "0", "-1", "-1", "0" } },
		{ "-0.5", { "-1", "0", "0", "-1", "-1", "0" } },
		{ "-1.0", { "-1", "-1", "-1", "-1", "-1", "-1" } },
		{ "-1.1", { "-1", "-1", "-1", "-2", "-2", "-1" } },
		{ "-1.6", { "-2", "-2", "-1", "-2", "-2", "-1" } },
		{ "-2.5", { "-3", "-2", "-2", "-3", "-3", "-2" } },
		{ "-5.5", { "-6", "-6", "-5", "-6", "-6", "-5" } },
		{ "3.5", { "4", "4", "3", "4", "3", "4" } },
		{ "-3.5", { "-4", "-4", "-3", "-4", "-4", "-3" } },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		for (int m = 0; m < 6; m++) {
			enum dec_round mode;
			T_INTEQ(dec_round_parse(modes[m], strlen(modes[m]), &mode), 0);
			T_INTEQ(mode, m);
			struct dec x = D(rows[i].in), r;
			T_INTEQ(dec_round(&x, 0, mode, &r), 0);
			const char *got = S(&r);
			T_OK(strcmp(got, rows[i].out[m]) == 0, "round(%s, 0, %s) = %s, want %s", rows[i].in,
			    modes[m], got, rows[i].out[m]);
		}
	}
}

static void
test_round_digits(void)
{
	struct dec x, r;
	x = D("1.005");
	T_INTEQ(dec_round(&x, 2, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "1.01");
	T_INTEQ(dec_round(&x, 2, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "1.00");
	x = D("1.015");
	T_INTEQ(dec_round(&x, 2, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "1.02");
	x = D("1.5");
	T_INTEQ(dec_round(&x, 2, DEC_DOWN, &r), 0);
	T_STREQ(S(&r), "1.50");  /* more digits than it has: padded, exact */
	x = D("1250");
	T_INTEQ(dec_round(&x, -2, DEC_HALF_EVEN, &r), 0);
	T_STREQ(S(&r), "1200");
	T_INTEQ(dec_round(&x, -2, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "1300");
	x = D("-1250");
	T_INTEQ(dec_round(&x, -2, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "-1300");
	T_INTEQ(dec_round(&x, -2, DEC_CEILING, &r), 0);
	T_STREQ(S(&r), "-1200");
	x = D("1234.5678");
	T_INTEQ(dec_round(&x, -3, DEC_UP, &r), 0);
	T_STREQ(S(&r), "2000");
	T_INTEQ(dec_round(&x, -18, DEC_DOWN, &r), 0);
	T_STREQ(S(&r), "0");
	T_INTEQ(dec_round(&x, 19, DEC_DOWN, &r), -ERR_INVALID);
	x = D("-0.4");
	T_INTEQ(dec_round(&x, 0, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "0");  /* no negative zero */
	x = D("999999999999999999999999999999999999");
	T_INTEQ(dec_round(&x, -1, DEC_UP, &r), -ERR_TOO_LARGE);
	x = D("99999999999999999999.5");
	T_INTEQ(dec_round(&x, 0, DEC_HALF_UP, &r), 0);
	T_STREQ(S(&r), "100000000000000000000");
	x = D("999999999999999999.99");
	T_INTEQ(dec_round(&x, 18, DEC_DOWN, &r), 0);  /* 18 + 18 = 36 digits: fits */
	T_STREQ(S(&r), "999999999999999999.990000000000000000");
	x = D("9999999999999999999.99");
	T_INTEQ(dec_round(&x, 18, DEC_DOWN, &r), -ERR_TOO_LARGE);  /* 37 digits */
	struct dec n = D("2.5");
	dec_normalize(&n);
	T_STREQ(S(&n), "2.5");
	n = D("3.000");
	dec_normalize(&n);
	T_STREQ(S(&n), "3");
	n = D("0.0");
	dec_normalize(&n);
	T_STREQ(S(&n), "0");
}

static void
test_cmp(void)
{
	struct dec x = D("1.50"), y = D("1.5");
	T_INTEQ(dec_cmp(&x, &y), 0);
	x = D("-2");
	y = D("1");
	T_INTEQ(dec_cmp(&x, &y), -1);
	T_INTEQ(dec_cmp(&y, &x), 1);
	x = D("-2.1");
	y = D("-2.05");
	T_INTEQ(dec_cmp(&x, &y), -1);
	x = D("0.00");
	y = D("-0");
	T_INTEQ(dec_cmp(&x, &y), 0);
	/* alignment overflow: the larger-scaled side is bigger */
	x = D("999999999999999999999999999999999999");
	y = D("0.000000000000000001");
	T_INTEQ(dec_cmp(&x, &y), 1);
	T_INTEQ(dec_cmp(&y, &x), -1);
	x = D("-999999999999999999999999999999999999");
	y = D("-0.000000000000000001");
	T_INTEQ(dec_cmp(&x, &y), -1);
	x = D("10");
	y = D("9.999999999999999999");
	T_INTEQ(dec_cmp(&x, &y), 1);
}

static void
test_format(void)
{
	struct buf b;
	buf_init(&b, a, 16);
	struct dec x = D("1234567.891");
	T_INTEQ(dec_format_fixed(&b, &x, 2, DEC_HALF_UP, ",", 1), 0);
	T_STREQ(buf_cstr(&b), "1,234,567.89");
	buf_clear(&b);
	x = D("-1234.5");
	T_INTEQ(dec_format_fixed(&b, &x, 0, DEC_HALF_UP, ",", 1), 0);
	T_STREQ(buf_cstr(&b), "-1,235");
	buf_clear(&b);
	x = D("999.5");
	T_INTEQ(dec_format_fixed(&b, &x, 0, DEC_HALF_UP, "，", strlen("，")), 0);
	T_STREQ(buf_cstr(&b), "1，000");
	buf_clear(&b);
	x = D("123");
	T_INTEQ(dec_format_fixed(&b, &x, 3, DEC_DOWN, NULL, 0), 0);
	T_STREQ(buf_cstr(&b), "123.000");
	buf_clear(&b);
	x = D("0.5");
	T_INTEQ(dec_format_fixed(&b, &x, 0, DEC_HALF_EVEN, ",", 1), 0);
	T_STREQ(buf_cstr(&b), "0");
	buf_clear(&b);
	T_INTEQ(dec_format_fixed(&b, &x, 19, DEC_HALF_EVEN, NULL, 0), -ERR_INVALID);
	T_INTEQ(dec_format_fixed(&b, &x, -1, DEC_HALF_EVEN, NULL, 0), -ERR_INVALID);
	T_INTEQ(b.len, 0);
	x = D("-0.000000000000000001");
	dec_format(&b, &x);
	T_STREQ(buf_cstr(&b), "-0.000000000000000001");
	char s[DEC_STR_MAX];
	x = D("-123456789012345678.123456789012345678");
	T_INTEQ(dec_to_str(&x, s), 38);
	T_STREQ(s, "-123456789012345678.123456789012345678");
}

static void
test_modes(void)
{
	enum dec_round m = DEC_DOWN;
	T_INTEQ(dec_round_parse("HALF_UP", 7, &m), 0);
	T_INTEQ(m, DEC_HALF_UP);
	T_INTEQ(dec_round_parse("四捨五入", strlen("四捨五入"), &m), 0);
	T_INTEQ(m, DEC_HALF_UP);
	T_INTEQ(dec_round_parse("切り捨て", strlen("切り捨て"), &m), 0);
	T_INTEQ(m, DEC_DOWN);
	T_INTEQ(dec_round_parse("切り上げ", strlen("切り上げ"), &m), 0);
	T_INTEQ(m, DEC_UP);
	T_INTEQ(dec_round_parse("銀行丸め", strlen("銀行丸め"), &m), 0);
	T_INTEQ(m, DEC_HALF_EVEN);
	T_INTEQ(dec_round_parse("half", 4, &m), -ERR_INVALID);
	T_INTEQ(dec_round_parse("", 0, &m), -ERR_INVALID);
	T_INTEQ(dec_round_parse("half_upx", 8, &m), -ERR_INVALID);
	T_STREQ(dec_round_name(DEC_CEILING), "ceiling");
	T_STREQ(dec_round_name(DEC_HALF_EVEN), "half_even");
}

int
main(void)
{
	a = arena_new(0);
	test_parse();
	test_int64();
	test_arith();
	test_div();
	test_round_table();
	test_round_digits();
	test_cmp();
	test_format();
	test_modes();
	arena_free(a);
	return t_done("convert-dec");
}
