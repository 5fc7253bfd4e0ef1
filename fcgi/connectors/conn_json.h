/* conn_json.h: typed getters on parsed pages (conn_jv), exact money, timestamps; json-c for what the clients build. */
#ifndef ECC_CONN_JSON_H
#define ECC_CONN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/conn_jv.h"
#include "core/arena.h"
#include "core/buf.h"

struct json_object;

/*
 * Messages: every function that can fail appends a short Japanese text to
 * msg (msg may be NULL) naming the field path, never its value (values may
 * be personal data). Callers prefix it with what they were reading.
 */

/*
 * conn_json_parse: parse body[0..len) (need not be NUL-terminated) as exactly
 * one json-c value in json-c's strict mode (only whitespace may follow it).
 * The tree is released when a is reset or freed (arena_defer). what names
 * the document for the message. Returns 0, or -ERR_UPSTREAM ("…の JSON が不正
 * です（位置 N）" / "…が空です"). The clients read platform responses with
 * conn_jv_parse (faster, and it keeps each value's source bytes); this is
 * for callers that need a json-c tree (the parser fuzz target checks with it
 * that a merged raw payload is still JSON).
 */
int conn_json_parse(struct arena *a, const char *body, size_t len, const char *what,
		    struct json_object **out, struct buf *msg);

/* conn_json_setting: the string member key of a connection's settings or
 * secrets object o (json-c, may be NULL); "" when absent, null or not a
 * string. Points into o. */
const char *conn_json_setting(struct json_object *o, const char *key);

/*
 * The getters read the value at path under o (conn_jv_at: "a.b.c", a
 * numeric segment indexes an array; o may be NULL; path "" is o itself).
 */

/*
 * conn_json_str: *out = the text at path, copied into a: a string as is, a
 * number or boolean as its original JSON text. Absent, null
 * or "" gives "" when !required; when required it is -ERR_INVALID ("項目 x が
 * ありません"). An object or array is -ERR_INVALID ("項目 x の型が違います"), so is
 * a string with a NUL byte; ill-formed UTF-8 is repaired (U+FFFD).
 */
int conn_json_str(struct arena *a, const struct conn_jv *o, const char *path, bool required,
		  const char **out, struct buf *msg);

/*
 * conn_json_i64: *out = the integer at path (a JSON integer, or a string of
 * an optional '-' and 1..18 digits). Absent/null gives dflt when !required.
 * Returns 0 or -ERR_INVALID.
 */
int conn_json_i64(const struct conn_jv *o, const char *path, bool required, int64_t dflt,
		  int64_t *out, struct buf *msg);

/*
 * conn_json_money: *out = the exact decimal at path (a string, or a JSON
 * number's original token, never through double), which must
 * pass conn_money_ok(). Absent/null gives dflt, or -ERR_INVALID when dflt is
 * NULL ("項目 x がありません"); a bad shape is -ERR_INVALID ("項目 x が金額の形式
 * ではありません"). The string lives in a.
 */
int conn_json_money(struct arena *a, const struct conn_jv *o, const char *path, const char *dflt,
		    const char **out, struct buf *msg);

/*
 * conn_json_time_parse: a platform timestamp → UTC epoch milliseconds and
 * the offset the source used (minutes east of UTC). Accepted:
 *   "2026-01-02T03:04:05+09:00", "…+0900", "…Z" (offset 0), an optional
 *   fraction ".123" after the seconds, and without zone
 *   "2026-01-02 03:04:05" / "2026-01-02T03:04:05" / "2026-01-02" which are
 *   JST (楽天; offset 540). Field ranges are checked (no 02-30, 24:00).
 * Returns 0, or -ERR_INVALID (outputs untouched).
 */
int conn_json_time_parse(const char *s, int64_t *utc_ms, int *offset_min);

/* conn_json_time: conn_json_time_parse of the string at path. Absent/null:
 * 0 with *utc_ms = 0 and *offset_min = 0 when !required, else -ERR_INVALID.
 * offset_min may be NULL. */
int conn_json_time(const struct conn_jv *o, const char *path, bool required, int64_t *utc_ms,
		   int *offset_min, struct buf *msg);

/* Styles of conn_json_time_format (seconds precision, truncated). */
enum conn_json_tstyle {
	CONN_JSON_TS_UTC_Z,        /* "2026-01-02T03:04:05Z" (Amazon, Shopify queries) */
	CONN_JSON_TS_JST,          /* "2026-01-02T12:04:05+09:00" */
	CONN_JSON_TS_JST_NOCOLON,  /* "2026-01-02T12:04:05+0900" (楽天 searchOrder) */
};

/* conn_json_time_format: utc_ms formatted in style, in a. Never NULL. */
char *conn_json_time_format(struct arena *a, int64_t utc_ms, enum conn_json_tstyle style);

/*
 * Exact decimal arithmetic on money strings (conn_money_ok shape), with up
 * to 4 fraction digits, never through double. The result goes to *out (in a):
 *   add / sub: as many fraction digits as the longer operand;
 *   mul: x × n, x's fraction digits;
 *   div: x ÷ n (n > 0) rounded half away from zero at 4 digits, trailing
 *        zeros trimmed down to x's fraction digits ("17.95" ÷ 2 = "8.975").
 * Returns 0, or -ERR_INVALID for a bad operand, n <= 0 in div, or a result
 * with more than 14 integer digits.
 */
int conn_json_money_add(struct arena *a, const char *x, const char *y, const char **out);
int conn_json_money_sub(struct arena *a, const char *x, const char *y, const char **out);
int conn_json_money_mul(struct arena *a, const char *x, long n, const char **out);
int conn_json_money_div(struct arena *a, const char *x, long n, const char **out);

/* conn_json_percent: a tax rate as the platform sends it ("0.1", "0.08",
 * 0.06; values above 1 are taken as percent already: "10") → percent text
 * "10", "8", "6", "7.5". Returns 0 or -ERR_INVALID. */
int conn_json_percent(struct arena *a, const char *rate, const char **out);

/* conn_json_dump: json-c object o (a request body a client built) serialized
 * compactly (slashes not escaped, numbers in their original text), copied
 * into a; *len gets its length (may be NULL). */
const char *conn_json_dump(struct arena *a, struct json_object *o, size_t *len);

/* conn_json_join: the non-empty parts[0..n) joined with sep, in a ("" when
 * all are empty; NULL parts count as empty). */
const char *conn_json_join(struct arena *a, const char *sep, const char *const *parts, size_t n);

#endif
