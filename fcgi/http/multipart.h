/* multipart.h: multipart/form-data request bodies (RFC 7578 on RFC 2046), parsed zero-copy. */
#ifndef ECC_MULTIPART_H
#define ECC_MULTIPART_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"

/* MULTIPART_MAX_BOUNDARY: RFC 2046 §5.1.1 limit on the boundary length. */
#define MULTIPART_MAX_BOUNDARY 70

/* Limits chosen by the caller (normally from struct config). A 0 field
 * means "no limit" for that field; the body size itself is limited by the
 * caller before parsing. */
struct multipart_limits {
	size_t max_parts;         /* parts in the body */
	size_t max_part_bytes;    /* data bytes of one part */
	size_t max_header_bytes;  /* header block of one part, CRLFs included */
};

/*
 * One part. name is the Content-Disposition name parameter; filename is its
 * filename parameter, or NULL when there is none (an empty file input in a
 * browser form gives filename "" and len 0). Both are NUL-terminated arena
 * strings, unquoted (backslash escapes only "\\\"" and "\\\\"; other
 * backslashes stay, as old browsers send raw Windows paths) and repaired to
 * valid UTF-8; a browser's own %22 / %0D / %0A escapes are left as they are.
 * filename* (RFC 5987) is ignored, as RFC 7578 §4.2 asks senders not to use
 * it. content_type is the part's Content-Type value with surrounding
 * whitespace removed, or "text/plain" when absent (RFC 7578 §4.4); it is
 * not further validated. data points into the body given to multipart_parse
 * (zero-copy; it is not NUL-terminated) and holds len bytes.
 */
struct multipart_part {
	const char *name;
	const char *filename;
	const char *content_type;
	const char *data;
	size_t len;
};

/* The parsed body: parts in body order (text fields and files alike). */
struct multipart {
	struct multipart_part *parts;
	size_t count;
};

/*
 * multipart_boundary: the boundary parameter of a Content-Type header value
 * (NUL-terminated). The media type must be multipart/form-data (any case);
 * parameters are separated by ';' with optional whitespace around; the
 * boundary may be a token or a quoted string and must be 1..70 RFC 2046
 * bchars (digits, letters, '()+_,-./:=? and space) not ending in a space.
 * Other parameters are ignored; a repeated boundary parameter is an error.
 * Returns 0 and sets *boundary (NUL-terminated, in a) and *len; or
 * -ERR_INVALID with a reason appended to err (if err is not NULL).
 */
int multipart_boundary(struct arena *a, const char *content_type,
		       const char **boundary, size_t *len, struct buf *err);

/*
 * multipart_parse: parse body (n bytes, which must stay alive and unchanged
 * as long as out is used: parts point into it) as multipart/form-data with
 * the boundary taken from content_type, within the limits lim (not NULL).
 *
 * Syntax accepted (RFC 2046 §5.1.1): anything before the first delimiter is
 * preamble, and anything after the close delimiter is epilogue; both are
 * ignored. A delimiter line is "--" boundary, optional spaces or tabs, CRLF
 * ("--" boundary "--" closes). Line endings must be CRLF: bare-LF bodies are
 * refused with a clear reason rather than guessed at, because every browser
 * and HTTP library sends CRLF and a lenient reading would let one body mean
 * two things. "--" boundary inside data that is not followed by a valid
 * delimiter ending (e.g. "--boundaryX") is data. A body with no part at all
 * ("--B--") is accepted and gives count 0. Every part needs exactly one
 * Content-Disposition: form-data with a name parameter; Content-Type is
 * optional (at most one); other header fields are ignored. Header lines
 * must be "Name: value" with no control bytes other than tab, and folded
 * (continuation) lines are refused.
 *
 * Text fields: every part without a filename is also appended to fields
 * (which the caller has set up with form_init) as (name, value), the value
 * being a NUL-terminated copy of the data repaired to valid UTF-8 (U+FFFD
 * for ill-formed sequences), so form_get works the same as for an
 * urlencoded body. Parts with a filename are only in (*out)->parts.
 *
 * Returns 0 and sets *out to a struct multipart allocated in a; or
 * -ERR_TOO_LARGE when a limit of lim (or the fields form's own pair limit)
 * is exceeded; or -ERR_INVALID for a malformed body or Content-Type. On
 * error *out is NULL, fields may hold some pairs already and must not be
 * used, and an English reason for the log (it names the part number, never
 * body bytes) is appended to err if err is not NULL.
 * Linear time in n whatever the body (a false delimiter match is skipped
 * without rescanning); no allocation proportional to file data.
 */
int multipart_parse(struct arena *a, const char *content_type,
		    const char *body, size_t n,
		    const struct multipart_limits *lim, struct multipart **out,
		    struct form *fields, struct buf *err);

#endif
