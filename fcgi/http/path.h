/* path.h: the request path made canonical once, before routing (decode, reject tricks). */
#ifndef ECC_PATH_H
#define ECC_PATH_H

#include <stddef.h>

#include "core/arena.h"

/* PATH_MAX_BYTES: longest raw path accepted (nginx refuses far less anyway). */
#define PATH_MAX_BYTES 4096

/*
 * path_normalize: turn the raw request-target path (REQUEST_URI up to, not
 * including, '?'; n bytes at raw, not necessarily NUL-terminated) into the
 * one canonical string the router sees. Percent-escapes are decoded exactly
 * once (%2e%2e is "..", %252e stays "%2e"); runs of '/' are collapsed into
 * one ("/a//b" → "/a/b"; nginx's merge_slashes does the same, so both agree
 * on what the path is); a trailing '/' is kept as sent.
 *
 * Returns 0 and sets *out to a NUL-terminated string in a, or:
 * -ERR_INVALID when the path is empty or does not start with '/'; has a '%'
 * not followed by two hex digits; decodes to a NUL byte, another control
 * byte (0x00-0x1F, 0x7F), a backslash, or ill-formed UTF-8 (overlongs such as
 * %C0%AE included); contains an encoded slash (%2F: the segment structure
 * must be visible before decoding, so it is refused rather than decoded); or
 * has a "." or ".." segment, raw or encoded.
 * -ERR_TOO_LARGE when n > PATH_MAX_BYTES.
 * *out is left untouched on error.
 */
int path_normalize(struct arena *a, const char *raw, size_t n, char **out);

/*
 * path_split: the segments of a normalised path (as path_normalize gives):
 * the pieces between slashes after the leading one, so "/" → {""},
 * "/orders" → {"orders"}, "/orders/" → {"orders", ""}, "/a/b" → {"a", "b"}.
 * *segs is an array of *nsegs NUL-terminated copies, all in a. Returns 0, or
 * -ERR_INVALID when path does not start with '/'.
 */
int path_split(struct arena *a, const char *path, char ***segs, size_t *nsegs);

#endif
