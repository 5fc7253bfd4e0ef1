/* conn_jv.h: platform response bodies parsed into an arena — a strict JSON parser, navigation, each value's source bytes. */
#ifndef ECC_CONN_JV_H
#define ECC_CONN_JV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/*
 * Why not json-c: a Shopify page is 250 orders of ~10 KiB; json-c makes a
 * malloc'd object, hash table and key copy per value and frees them one by
 * one, and the raw payload of each order had to be serialised again. Here a
 * page is one pass into the page arena (nothing to free), and every value
 * remembers where it stands in the body, so an order's raw payload is the
 * platform's own bytes. json-c remains for settings, secrets and the
 * request bodies the clients build (conn_json.h).
 *
 * Grammar: RFC 8259 (one value, surrounded only by space, tab, CR, LF),
 * nesting at most CONN_JV_MAX_DEPTH arrays/objects. Like json-c, a string may
 * hold raw control characters 0x01–0x1F (platforms have sent them); a NUL
 * byte anywhere is an error. Strings are decoded: \uXXXX escapes to UTF-8,
 * a surrogate pair to one code point, a lone surrogate to U+FFFD (json-c
 * does the same), \u0000 to a NUL byte inside the string (counted in its
 * length); other bytes are kept as they are (ill-formed UTF-8 included:
 * conn_json_str repairs it). Numbers keep their source text.
 * An object member that repeats a key: the last one counts (as in json-c).
 */
#define CONN_JV_MAX_DEPTH 64

enum conn_jv_type {
	CONN_JV_NULL,
	CONN_JV_BOOL,
	CONN_JV_NUMBER,
	CONN_JV_STRING,
	CONN_JV_ARRAY,
	CONN_JV_OBJECT,
};

/* A parsed value. Opaque; lives in the arena given to conn_jv_parse. */
struct conn_jv;

/*
 * conn_jv_parse: parse body[0..len) (need not be NUL-terminated) as exactly
 * one JSON value. *out is the root, NULL when the document is null. The
 * tree is in a; it points into body for the source bytes (conn_jv_raw), so
 * body must stay unchanged while the tree is used (a response body in the
 * same arena does). what names the document for the message ("Shopify の
 * 注文一覧"). Returns 0, or -ERR_UPSTREAM with "<what>が空です" (len 0) or
 * "<what>の JSON が不正です（位置 N）" (N: byte offset of the problem) in
 * msg (may be NULL); -ERR_NOMEM when the parse stack cannot grow (malloc).
 * The tree takes at most 32 bytes per value in a (objects 48 per member),
 * plus decoded escaped strings (never longer than their source).
 */
int conn_jv_parse(struct arena *a, const char *body, size_t len, const char *what,
		  const struct conn_jv **out, struct buf *msg);

/* conn_jv_type: the type of v; CONN_JV_NULL for NULL (navigation never
 * returns a null value itself: it returns NULL). */
enum conn_jv_type conn_jv_type(const struct conn_jv *v);

/* conn_jv_is: v is not NULL and of type t. */
bool conn_jv_is(const struct conn_jv *v, enum conn_jv_type t);

/* conn_jv_len: the items of an array or members of an object; 0 for any
 * other value and for NULL. */
size_t conn_jv_len(const struct conn_jv *v);

/* conn_jv_idx: item i of array v; NULL when v is not an array, i is out of
 * range, or the item is null. */
const struct conn_jv *conn_jv_idx(const struct conn_jv *v, size_t i);

/* conn_jv_get: the member key of object v (the last one when the key
 * repeats); NULL when v is not an object, has no such member, or it is
 * null. key is NUL-terminated (a key with a NUL byte cannot be named). */
const struct conn_jv *conn_jv_get(const struct conn_jv *v, const char *key);

/* conn_jv_at: the value at path ("a.b.c"; a numeric segment indexes an
 * array: "items.0.id"), or NULL when absent or null; path "" is v. v may be
 * NULL. Segments are 1–95 bytes. */
const struct conn_jv *conn_jv_at(const struct conn_jv *v, const char *path);

/*
 * conn_jv_text: the text of a scalar — a string decoded, a number or
 * boolean as its source token ("1234.50", "true") — as *len bytes that are
 * NOT NUL-terminated (a decoded string may contain NUL bytes). They live in
 * body or in the tree's arena, as long as the tree. NULL (and *len 0) for an
 * array, an object or NULL.
 */
const char *conn_jv_text(const struct conn_jv *v, size_t *len);

/*
 * conn_jv_raw: a NUL-terminated copy in a of the bytes v was parsed from,
 * exactly as the document had them (whitespace inside the value included,
 * none around it); *len (may be NULL) gets their count. They contain no NUL
 * byte. v NULL gives "null".
 */
const char *conn_jv_raw(struct arena *a, const struct conn_jv *v, size_t *len);

/* conn_jv_quote: append s[0..n) to b as a JSON string: '"' and '\\' escaped,
 * control characters (U+0000–U+001F, U+007F) as \u00XX, every other byte as
 * it is (s should be valid UTF-8). */
void conn_jv_quote(struct buf *b, const char *s, size_t n);

#endif
