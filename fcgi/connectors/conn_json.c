/* conn_json.c: typed getters on parsed pages (conn_jv), exact money, timestamps; json-c for what the clients build. */
#include "conn_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "connectors/conn.h"
#include "core/err.h"
#include "core/utf8.h"

#define MONEY_SCALE 10000          /* 4 fraction digits */
#define MONEY_MAX_INT 99999999999999LL /* 14 integer digits */
#define JST_MIN 540

static void
put_tree(void *p)
{
	json_object_put(p);
}

/* "項目 <path> <tail>" */
static void
say(struct buf *msg, const char *tail, const char *path)
{
	if (msg != NULL)
		buf_printf(msg, "項目 %s %s", path, tail);
}

int
conn_json_parse(struct arena *a, const char *body, size_t len, const char *what,
		struct json_object **out, struct buf *msg)
{
	*out = NULL;
	if (body == NULL || len == 0) {
		if (msg != NULL)
			buf_printf(msg, "%sが空です", what);
		return -ERR_UPSTREAM;
	}
	if (len > INT_MAX) {
		if (msg != NULL)
			buf_printf(msg, "%sが大きすぎます", what);
		return -ERR_UPSTREAM;
	}
	struct json_tokener *tok = json_tokener_new_ex(64);
	if (tok == NULL)
		return -ERR_NOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue && end == len) {
		/* a value that needs a terminator to end (a number, "null"): feed the NUL */
		o = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
	}
	json_tokener_free(tok);
	if (e == json_tokener_success) {
		while (end < len && (body[end] == ' ' || body[end] == '\t' || body[end] == '\r' ||
				     body[end] == '\n'))
			end++;
		if (end != len) {
			json_object_put(o);
			o = NULL;
			e = json_tokener_error_parse_unexpected;
		}
	}
	if (e != json_tokener_success) {
		if (msg != NULL)
			buf_printf(msg, "%sの JSON が不正です（位置 %zu）", what, end);
		return -ERR_UPSTREAM;
	}
	if (o != NULL)
		arena_defer(a, put_tree, o);
	*out = o;
	return 0;
}

const char *
conn_json_setting(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

int
conn_json_str(struct arena *a, const struct conn_jv *o, const char *path, bool required,
	      const char **out, struct buf *msg)
{
	const struct conn_jv *v = conn_jv_at(o, path);
	*out = "";
	if (v == NULL) {
		if (!required)
			return 0;
		say(msg, "がありません", path);
		return -ERR_INVALID;
	}
	size_t n;
	const char *s = conn_jv_text(v, &n);
	if (s == NULL) {
		say(msg, "の型が違います", path);
		return -ERR_INVALID;
	}
	if (n == 0 && required) {
		say(msg, "が空です", path);
		return -ERR_INVALID;
	}
	if (memchr(s, '\0', n) != NULL) {
		say(msg, "に使えない文字（NUL）があります", path);
		return -ERR_INVALID;
	}
	if (!utf8_valid(s, n)) {
		struct buf b;
		buf_init(&b, a, n + 8);
		utf8_sanitize(&b, s, n);
		*out = buf_cstr(&b);
		return 0;
	}
	*out = arena_memdup(a, s, n);
	return 0;
}

/* "-?[0-9]{1,18}" → value */
static bool
parse_i64(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && s[i] == '-') {
		neg = true;
		i++;
	}
	if (n - i < 1 || n - i > 18)
		return false;
	int64_t v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

int
conn_json_i64(const struct conn_jv *o, const char *path, bool required, int64_t dflt,
	      int64_t *out, struct buf *msg)
{
	const struct conn_jv *v = conn_jv_at(o, path);
	if (v == NULL) {
		*out = dflt;
		if (!required)
			return 0;
		say(msg, "がありません", path);
		return -ERR_INVALID;
	}
	size_t n = 0;
	const char *s = NULL;
	if (conn_jv_is(v, CONN_JV_NUMBER) || conn_jv_is(v, CONN_JV_STRING))
		s = conn_jv_text(v, &n);
	if (s == NULL || !parse_i64(s, n, out)) {
		say(msg, "が整数ではありません", path);
		return -ERR_INVALID;
	}
	return 0;
}

int
conn_json_money(struct arena *a, const struct conn_jv *o, const char *path, const char *dflt,
		const char **out, struct buf *msg)
{
	const struct conn_jv *v = conn_jv_at(o, path);
	*out = dflt != NULL ? dflt : "0";
	if (v == NULL) {
		if (dflt != NULL)
			return 0;
		say(msg, "がありません", path);
		return -ERR_INVALID;
	}
	size_t n = 0;
	const char *s = NULL;
	char tmp[25];
	if (!conn_jv_is(v, CONN_JV_BOOL))
		s = conn_jv_text(v, &n);
	if (s != NULL && n < sizeof tmp) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
	}
	if (s == NULL || n >= sizeof tmp || strlen(tmp) != n || !conn_money_ok(tmp)) {
		say(msg, "が金額の形式ではありません", path);
		return -ERR_INVALID;
	}
	*out = arena_memdup(a, tmp, n);
	return 0;
}

/* ---- timestamps ---- */

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* n digits at s → value; false unless all are digits */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int
conn_json_time_parse(const char *s, int64_t *utc_ms, int *offset_min)
{
	int y, mo, d, h = 0, mi = 0, se = 0, ms = 0, off = JST_MIN;
	if (s == NULL || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return -ERR_INVALID;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 9 || !digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) ||
		    p[6] != ':' || !digits(p + 7, 2, &se))
			return -ERR_INVALID;
		p += 9;
		if (*p == '.') {
			p++;
			int nf = 0;
			while (p[nf] >= '0' && p[nf] <= '9') {
				if (nf < 3)
					ms = ms * 10 + (p[nf] - '0');
				nf++;
			}
			if (nf == 0 || nf > 9)
				return -ERR_INVALID;
			for (int i = nf; i < 3; i++)
				ms *= 10;
			p += nf;
		}
		if (*p == 'Z' && p[1] == '\0') {
			off = 0;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			const char *q = p + 1;
			if (!digits(q, 2, &oh))
				return -ERR_INVALID;
			q += 2;
			if (*q == ':')
				q++;
			if (!digits(q, 2, &om) || q[2] != '\0' || oh > 14 || om > 59)
				return -ERR_INVALID;
			off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		} else if (*p != '\0') {
			return -ERR_INVALID;
		}
	} else if (*p != '\0') {
		return -ERR_INVALID;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 || mi > 59 ||
	    se > 59)
		return -ERR_INVALID;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
	*utc_ms = t * 1000 + ms;
	if (offset_min != NULL)
		*offset_min = off;
	return 0;
}

int
conn_json_time(const struct conn_jv *o, const char *path, bool required, int64_t *utc_ms,
	       int *offset_min, struct buf *msg)
{
	const struct conn_jv *v = conn_jv_at(o, path);
	size_t n = 0;
	const char *s = conn_jv_is(v, CONN_JV_STRING) ? conn_jv_text(v, &n) : NULL;
	char tmp[64];
	*utc_ms = 0;
	if (offset_min != NULL)
		*offset_min = 0;
	if (v == NULL || (s != NULL && n == 0)) {
		if (!required)
			return 0;
		say(msg, "がありません", path);
		return -ERR_INVALID;
	}
	if (s != NULL && n < sizeof tmp) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
	}
	if (s == NULL || n >= sizeof tmp || strlen(tmp) != n ||
	    conn_json_time_parse(tmp, utc_ms, offset_min) != 0) {
		say(msg, "が日時の形式ではありません", path);
		return -ERR_INVALID;
	}
	return 0;
}

char *
conn_json_time_format(struct arena *a, int64_t utc_ms, enum conn_json_tstyle style)
{
	int64_t sec = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
	if (style != CONN_JSON_TS_UTC_Z)
		sec += JST_MIN * 60;
	time_t t = (time_t)sec;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	const char *zone = style == CONN_JSON_TS_UTC_Z ? "Z"
			   : style == CONN_JSON_TS_JST ? "+09:00" : "+0900";
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

/* ---- money ---- */

static bool
money_parse(const char *s, int64_t *v, int *fd)
{
	if (!conn_money_ok(s))
		return false;
	bool neg = *s == '-';
	if (neg)
		s++;
	int64_t ip = 0, fp = 0;
	int n = 0;
	while (*s >= '0' && *s <= '9')
		ip = ip * 10 + (*s++ - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, n++)
			fp = fp * 10 + (*s - '0');
	for (int i = n; i < 4; i++)
		fp *= 10;
	*v = ip * MONEY_SCALE + fp;
	if (neg)
		*v = -*v;
	*fd = n;
	return true;
}

/* v (scaled by 10^4) with fd fraction digits; the dropped digits must be 0 */
static int
money_fmt(struct arena *a, int64_t v, int fd, const char **out)
{
	bool neg = v < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t ip = u / MONEY_SCALE, fp = u % MONEY_SCALE;
	if (ip > (uint64_t)MONEY_MAX_INT)
		return -ERR_INVALID;
	char frac[8];
	snprintf(frac, sizeof frac, "%04u", (unsigned)fp);
	frac[fd] = '\0';
	*out = arena_printf(a, "%s%llu%s%s", neg && u != 0 ? "-" : "", (unsigned long long)ip,
			    fd > 0 ? "." : "", frac);
	return 0;
}

static int
add_sub(struct arena *a, const char *x, const char *y, int sign, const char **out)
{
	int64_t vx, vy, r;
	int fx, fy;
	if (!money_parse(x, &vx, &fx) || !money_parse(y, &vy, &fy))
		return -ERR_INVALID;
	r = sign > 0 ? vx + vy : vx - vy; /* |v| < 10^18 each: no overflow */
	return money_fmt(a, r, fx > fy ? fx : fy, out);
}

int
conn_json_money_add(struct arena *a, const char *x, const char *y, const char **out)
{
	return add_sub(a, x, y, 1, out);
}

int
conn_json_money_sub(struct arena *a, const char *x, const char *y, const char **out)
{
	return add_sub(a, x, y, -1, out);
}

int
conn_json_money_mul(struct arena *a, const char *x, long n, const char **out)
{
	int64_t v, r;
	int fd;
	if (!money_parse(x, &v, &fd) || __builtin_mul_overflow(v, (int64_t)n, &r))
		return -ERR_INVALID;
	return money_fmt(a, r, fd, out);
}

/* fraction digits needed for v (trailing zeros dropped), at least min */
static int
trim_fd(int64_t v, int min)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int fd = 4;
	u %= MONEY_SCALE;
	while (fd > min && u % 10 == 0) {
		u /= 10;
		fd--;
	}
	return fd;
}

int
conn_json_money_div(struct arena *a, const char *x, long n, const char **out)
{
	int64_t v;
	int fd;
	if (n <= 0 || !money_parse(x, &v, &fd))
		return -ERR_INVALID;
	int64_t q = v / n, r = v % n;
	if (r != 0 && (r < 0 ? -r : r) * 2 >= n)
		q += v < 0 ? -1 : 1;
	return money_fmt(a, q, trim_fd(q, fd), out);
}

int
conn_json_percent(struct arena *a, const char *rate, const char **out)
{
	int64_t v;
	int fd;
	if (!money_parse(rate, &v, &fd) || v < 0)
		return -ERR_INVALID;
	if (v <= MONEY_SCALE)
		v *= 100;
	return money_fmt(a, v, trim_fd(v, 0), out);
}

const char *
conn_json_dump(struct arena *a, struct json_object *o, size_t *len)
{
	size_t n = 0;
	const char *s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (s == NULL) {
		s = "null";
		n = 4;
	}
	if (len != NULL)
		*len = n;
	return arena_memdup(a, s, n);
}

const char *
conn_json_join(struct arena *a, const char *sep, const char *const *parts, size_t n)
{
	struct buf b;
	buf_init(&b, a, 32);
	for (size_t i = 0; i < n; i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		if (b.len > 0)
			buf_puts(&b, sep);
		buf_puts(&b, parts[i]);
	}
	return buf_cstr(&b);
}
