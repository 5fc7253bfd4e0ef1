/* jstfmt.c: JST date/time formatting with patterns, instant parsing, and safe file names from patterns. */
#include "jstfmt.h"

#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

struct civil {
	int year, month, day, hour, min, sec, ms, wday;
};

static int64_t days_from_civil(int64_t y, int m, int d);
static void civil_from_ms(int64_t ms, struct civil *c);
static int run(struct buf *out, const char *pat, size_t n, const struct civil *c, struct buf *err);
static void put_num(struct buf *out, int v, int width);
static bool letter(char c);
static int days_in_month(int y, int m);
static bool digits(const char *s, size_t n, size_t at, size_t count, int *v);
static int fail(struct buf *err, int code, const char *msg);

#define MS_PER_DAY  86400000LL
#define JST_MS      (9LL * 3600 * 1000)
/* 0001-01-01T00:00 JST and 10000-01-01T00:00 JST in epoch ms */
#define MIN_MS      (-62135596800000LL - JST_MS)
#define MAX_MS      (253402300800000LL - JST_MS)

static const char *const wdays[7] = { "日", "月", "火", "水", "木", "金", "土" };

/* days_from_civil: days since 1970-01-01 of a proleptic Gregorian date
 * (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* civil_from_ms: the JST calendar fields of an instant (in range). */
static void
civil_from_ms(int64_t ms, struct civil *c)
{
	int64_t t = ms + JST_MS;
	int64_t days = t / MS_PER_DAY, rem = t % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	c->ms = (int)(rem % 1000);
	c->sec = (int)(rem / 1000 % 60);
	c->min = (int)(rem / 60000 % 60);
	c->hour = (int)(rem / 3600000);
	c->wday = (int)((days % 7 + 11) % 7);  /* 1970-01-01 was a Thursday */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (int)(yoe + era * 400 + (c->month <= 2));
}

static int
fail(struct buf *err, int code, const char *msg)
{
	if (err != NULL)
		buf_puts(err, msg);
	return code;
}

static bool
letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* put_num: v in decimal, zero-padded to width digits. */
static void
put_num(struct buf *out, int v, int width)
{
	char tmp[12];
	int i = (int)sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v > 0 && i > 0);
	while (width-- > 0 && i > 0)
		tmp[--i] = '0';
	buf_append(out, tmp + i, sizeof tmp - (size_t)i);
}

/* run: interpret pat; with out == NULL only validate. */
static int
run(struct buf *out, const char *pat, size_t n, const struct civil *c, struct buf *err)
{
	if (n > JSTFMT_MAX_PATTERN)
		return fail(err, -ERR_TOO_LARGE, "日付の書式が長すぎます（最大256バイト）");
	if (!utf8_valid(pat, n))
		return fail(err, -ERR_INVALID, "日付の書式の文字コードが正しくありません（UTF-8ではありません）");
	size_t i = 0;
	while (i < n) {
		char ch = pat[i];
		if (ch == '\'') {
			if (i + 1 < n && pat[i + 1] == '\'') {
				if (out != NULL)
					buf_putc(out, '\'');
				i += 2;
				continue;
			}
			size_t j = i + 1;
			for (;;) {
				if (j >= n)
					return fail(err, -ERR_INVALID, "日付の書式の ' が閉じていません");
				if (pat[j] == '\'') {
					if (j + 1 < n && pat[j + 1] == '\'') {
						if (out != NULL)
							buf_putc(out, '\'');
						j += 2;
						continue;
					}
					break;
				}
				if (out != NULL)
					buf_putc(out, pat[j]);
				j++;
			}
			i = j + 1;
			continue;
		}
		if (!letter(ch)) {
			size_t j = i + 1;
			while (j < n && !letter(pat[j]) && pat[j] != '\'')
				j++;
			if (out != NULL)
				buf_append(out, pat + i, j - i);
			i = j;
			continue;
		}
		size_t k = 1;
		while (i + k < n && pat[i + k] == ch)
			k++;
		int v = -1, w = 0;
		bool ok = true;
		switch (ch) {
		case 'y':
			ok = k == 4 || k == 2;
			if (c != NULL) {
				v = k == 4 ? c->year : c->year % 100;
				w = (int)k;
			}
			break;
		case 'M':
		case 'd':
		case 'H':
			ok = k == 1 || k == 2;
			if (c != NULL) {
				v = ch == 'M' ? c->month : ch == 'd' ? c->day : c->hour;
				w = (int)k;
			}
			break;
		case 'm':
		case 's':
			ok = k == 2;
			if (c != NULL) {
				v = ch == 'm' ? c->min : c->sec;
				w = 2;
			}
			break;
		case 'S':
			ok = k == 3;
			if (c != NULL) {
				v = c->ms;
				w = 3;
			}
			break;
		case 'E':
			ok = k == 1;
			if (ok && out != NULL)
				buf_puts(out, wdays[c->wday]);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok) {
			if (err != NULL) {
				buf_puts(err, "日付の書式「");
				buf_append(err, pat + i, k > 16 ? 16 : k);
				buf_puts(err, "」は使えません（使えるのは yyyy yy MM M dd d HH H mm ss SSS E、"
				    "文字は '…' で囲みます）");
			}
			return -ERR_INVALID;
		}
		if (out != NULL && v >= 0)
			put_num(out, v, w);
		i += k;
	}
	return 0;
}

int
jstfmt_format(struct buf *out, const char *pat, size_t n, int64_t epoch_ms, struct buf *err)
{
	if (epoch_ms < MIN_MS || epoch_ms >= MAX_MS)
		return fail(err, -ERR_INVALID, "日時が範囲外です（西暦1年〜9999年）");
	struct civil c;
	civil_from_ms(epoch_ms, &c);
	size_t start = out->len;
	int rc = run(out, pat, n, &c, err);
	if (rc != 0)
		buf_truncate(out, start);
	return rc;
}

int
jstfmt_check(const char *pat, size_t n, struct buf *err)
{
	return run(NULL, pat, n, NULL, err);
}

static int
days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* digits: count ASCII digits at s[at..] as a number. */
static bool
digits(const char *s, size_t n, size_t at, size_t count, int *v)
{
	if (at + count > n)
		return false;
	int x = 0;
	for (size_t i = at; i < at + count; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

int
jstfmt_parse(const char *s, size_t n, int64_t *epoch_ms)
{
	int y, mo, d, h = 0, mi = 0, se = 0, ms = 0;
	if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &d))
		return -ERR_INVALID;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -ERR_INVALID;
	int64_t days = days_from_civil(y, mo, d);
	if (n == 10) {
		*epoch_ms = days * MS_PER_DAY - JST_MS;
		return 0;
	}
	if (n < 19 || (s[10] != ' ' && s[10] != 'T') || !digits(s, n, 11, 2, &h) || s[13] != ':' ||
	    !digits(s, n, 14, 2, &mi) || s[16] != ':' || !digits(s, n, 17, 2, &se))
		return -ERR_INVALID;
	if (h > 23 || mi > 59 || se > 59)
		return -ERR_INVALID;
	size_t i = 19;
	if (i < n && s[i] == '.') {
		size_t k = 0;
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (k < 3)
				ms = ms * 10 + (s[i] - '0');
			k++;
			i++;
		}
		if (k == 0 || k > 9)
			return -ERR_INVALID;
		for (; k < 3; k++)
			ms *= 10;
	}
	int64_t off = 0;
	if (i < n && s[i] == 'Z') {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int oh, om = 0;
		bool neg = s[i] == '-';
		if (!digits(s, n, i + 1, 2, &oh))
			return -ERR_INVALID;
		i += 3;
		if (i < n && s[i] == ':') {
			if (!digits(s, n, i + 1, 2, &om))
				return -ERR_INVALID;
			i += 3;
		} else if (i < n) {
			if (!digits(s, n, i, 2, &om))
				return -ERR_INVALID;
			i += 2;
		}
		if (oh > 23 || om > 59)
			return -ERR_INVALID;
		off = (neg ? -1 : 1) * ((int64_t)oh * 3600000 + (int64_t)om * 60000);
	}
	if (i != n)
		return -ERR_INVALID;
	*epoch_ms = days * MS_PER_DAY + (int64_t)h * 3600000 + (int64_t)mi * 60000 +
	    (int64_t)se * 1000 + ms - off;
	return 0;
}

int
jstfmt_filename(struct buf *out, const char *pat, size_t n, int64_t epoch_ms, struct buf *err)
{
	size_t start = out->len, i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		if (pat[i] == '}') {
			rc = fail(err, -ERR_INVALID, "ファイル名の書式に対応する { がない } があります");
		} else if (pat[i] == '{') {
			size_t j = i + 1;
			while (j < n && pat[j] != '}' && pat[j] != '{')
				j++;
			if (j >= n || pat[j] == '{')
				rc = fail(err, -ERR_INVALID, "ファイル名の書式の { が閉じていません");
			else if (j == i + 1)
				rc = fail(err, -ERR_INVALID, "ファイル名の書式に空の {} があります");
			else
				rc = jstfmt_format(out, pat + i + 1, j - i - 1, epoch_ms, err);
			i = j + 1;
		} else {
			size_t j = i;
			while (j < n && pat[j] != '{' && pat[j] != '}')
				j++;
			buf_append(out, pat + i, j - i);
			i = j;
		}
	}
	if (rc != 0) {
		buf_truncate(out, start);
		return rc;
	}
	const char *name = out->data + start;
	size_t len = out->len - start;
	if (len == 0)
		rc = fail(err, -ERR_INVALID, "ファイル名が空です");
	else if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		rc = fail(err, -ERR_INVALID, "ファイル名に「.」や「..」は使えません");
	else if (len > JSTFMT_MAX_FILENAME)
		rc = fail(err, -ERR_TOO_LARGE, "ファイル名が長すぎます（最大200バイト）");
	else if (!utf8_valid(name, len))
		rc = fail(err, -ERR_INVALID, "ファイル名の文字コードが正しくありません（UTF-8ではありません）");
	for (size_t k = 0; k < len && rc == 0;) {
		uint32_t cp;
		size_t cl;
		(void)utf8_decode_one(name + k, len - k, &cp, &cl);
		if (cp == '/')
			rc = fail(err, -ERR_INVALID, "ファイル名に「/」は使えません");
		else if (cp == '\\')
			rc = fail(err, -ERR_INVALID, "ファイル名に「\\」は使えません");
		else if (cp < 0x80 && strchr(":*?\"<>|", (int)cp) != NULL) {
			if (err != NULL)
				buf_printf(err, "ファイル名に「%c」は使えません（Windows で開けない名前になります）", (int)cp);
			rc = -ERR_INVALID;
		}
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			if (err != NULL)
				buf_printf(err, "ファイル名に制御文字（U+%04X）は使えません", (unsigned)cp);
			rc = -ERR_INVALID;
		}
		k += cl;
	}
	if (rc != 0)
		buf_truncate(out, start);
	return rc;
}
