/* jstfmt.h: JST date/time formatting with patterns, instant parsing, and safe file names from patterns. */
#ifndef ECC_JSTFMT_H
#define ECC_JSTFMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * Instants are epoch milliseconds (UTC). Output is always Japan Standard
 * Time (UTC+09:00, no daylight saving), independent of TZ and the locale.
 * Supported instants: years 0001..9999 in JST; anything else is an error.
 *
 * Patterns (jstfmt_format): a run of one ASCII letter is a field, and only
 * these runs exist:
 *   yyyy 4-digit year   yy last 2 digits   MM 01-12   M 1-12
 *   dd 01-31   d 1-31   HH 00-23   H 0-23   mm minute 00-59
 *   ss second 00-59   SSS milliseconds 000-999
 *   E  曜日 as one kanji: 日 月 火 水 木 金 土
 * Text inside single quotes is literal ('T' → T); two single quotes give
 * one quote, inside or outside quotes. Every character that is not an ASCII
 * letter (digits, punctuation, spaces, 年, 月, …) is copied as is. Any other
 * letter run — "YYYY", "D", "hh", "MMM", "a" — is an error, so typos do not
 * print garbage: "yyyy年M月d日(E) HH:mm" → "2026年11月26日(木) 09:05".
 * Errors append a Japanese message to err (when err is not NULL) naming the
 * offending part of the pattern; out is restored to its length on entry.
 */

#define JSTFMT_MAX_PATTERN  256
#define JSTFMT_MAX_FILENAME 200

/*
 * jstfmt_format: append epoch_ms formatted in JST with pat[0..n) (UTF-8,
 * at most JSTFMT_MAX_PATTERN bytes). Returns 0; -ERR_INVALID for a bad
 * pattern (unknown letter run, unterminated quote, ill-formed UTF-8) or an
 * instant outside 0001..9999; -ERR_TOO_LARGE for a pattern over the limit.
 */
int jstfmt_format(struct buf *out, const char *pat, size_t n, int64_t epoch_ms, struct buf *err);

/* jstfmt_check: validate pat[0..n) as jstfmt_format would (same errors and
 * messages) without formatting anything. */
int jstfmt_check(const char *pat, size_t n, struct buf *err);

/*
 * jstfmt_parse: an instant given as text, as the converter receives it:
 *   "YYYY-MM-DD"                     a calendar date: 00:00 JST that day
 *   "YYYY-MM-DD HH:MM:SS"            UTC (what our database gives)
 *   "YYYY-MM-DDTHH:MM:SS"            UTC as well
 *   either of those + ".f…" (1-9 digits of a second; kept to the ms,
 *   the rest truncated) and/or a zone "Z", "±HH:MM", "±HHMM" or "±HH"
 *   (ISO 8601: "2026-11-26T09:00:00+09:00", "2026-11-26T00:00:00.5Z").
 * Fields are range-checked (month 1-12, day within the month, 23:59:59;
 * no leap seconds). Returns 0 and sets *epoch_ms, or -ERR_INVALID.
 */
int jstfmt_parse(const char *s, size_t n, int64_t *epoch_ms);

/*
 * jstfmt_filename: a file name from pat[0..n): text inside {…} is a date
 * pattern formatted in JST (jstfmt_format), text outside is copied
 * ("orders_{yyyyMMdd_HHmmss}.csv" → "orders_20261126_090500.csv"). Braces
 * do not nest; a '}' without '{', an unclosed '{' or an empty "{}" is an
 * error. The result must be a safe single file name: not empty, not "." or
 * "..", no '/', '\\', NUL or control character (U+0000..001F, U+007F,
 * U+0080..009F), none of the characters Windows refuses in a name
 * (: * ? " < > |; a downloaded file must open there), at most
 * JSTFMT_MAX_FILENAME bytes of well-formed UTF-8.
 * Returns 0 with the name appended to out; on error -ERR_INVALID (or
 * -ERR_TOO_LARGE for the length), a Japanese message naming the problem
 * appended to err (if not NULL), and out restored.
 */
int jstfmt_filename(struct buf *out, const char *pat, size_t n, int64_t epoch_ms,
    struct buf *err);

#endif
