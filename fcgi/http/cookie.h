/* cookie.h: the Cookie request header (RFC 6265 §5.4, read leniently) and cookie syntax checks. */
#ifndef ECC_COOKIE_H
#define ECC_COOKIE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* COOKIE_MAX: default limit on cookies taken from one header. */
#define COOKIE_MAX 64

/* One cookie; name and value are NUL-terminated strings in the arena. */
struct cookie_pair {
	const char *name;
	const char *value;
	size_t value_len;
};

/* The parsed header: items in header order (browsers send the most
 * specific path first). A zeroed struct cookies is a valid empty list. */
struct cookies {
	struct cookie_pair *items;
	size_t count;
};

/*
 * cookie_parse: parse the value of a Cookie header (n bytes at header, not
 * necessarily NUL-terminated). The header is split on ';'; each piece has
 * its surrounding spaces and tabs trimmed and is split at its first '=';
 * the name and value are trimmed again, and a value wrapped in one pair of
 * double quotes loses them. A piece is skipped, without failing, when it has
 * no '=', an empty name, a name that is not an RFC 6265 token, or a control
 * byte (0x00-0x1F except tab, 0x7F) in its value. Other bytes in values
 * (spaces, commas, non-ASCII) are kept as sent.
 *
 * The header is copied once into a and terminated in place, so the strings
 * cost n + 1 bytes in all. out is initialised here. At most max cookies are
 * kept (0 means COOKIE_MAX). Returns 0, or -ERR_TOO_LARGE when the header
 * holds more than max well-formed cookies: out then holds the first max, and
 * the caller decides whether to go on with them or refuse the request.
 */
int cookie_parse(struct arena *a, const char *header, size_t n, size_t max,
		 struct cookies *out);

/*
 * cookie_get: the value of the first cookie called name (exact,
 * case-sensitive match). Returns 0 and sets *val (a string owned by the
 * cookies' arena), or -ERR_NOT_FOUND.
 */
int cookie_get(const struct cookies *c, const char *name, const char **val);

/* cookie_name_ok: true when name is a non-empty RFC 6265 cookie-name
 * (an RFC 2616 token: visible ASCII except separators ()<>@,;:\"/[]?={}). */
bool cookie_name_ok(const char *name);

/* cookie_value_ok: true when value is an RFC 6265 cookie-value: zero or more
 * cookie-octets (visible ASCII except '"', ',', ';' and '\\'), optionally
 * wrapped in one pair of double quotes. Used before sending Set-Cookie. */
bool cookie_value_ok(const char *value);

#endif
