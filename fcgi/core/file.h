/* file.h: reading a whole small file into an arena, with the checks secret files need. */
#ifndef ECC_FILE_H
#define ECC_FILE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/* FILE_SECRET: refuse a symbolic link, any group/other permission bit and a
 * file not owned by the current user. */
enum { FILE_SECRET = 1 };

/*
 * file_read: read the regular file at path (at most max bytes) into a,
 * NUL-terminated (*len excludes the NUL). Returns 0, or -ERR_IO (cannot
 * open or read, not a regular file), -ERR_TOO_LARGE, -ERR_FORBIDDEN (a
 * FILE_SECRET check failed), with "path: reason" appended to err.
 */
int file_read(struct arena *a, const char *path, size_t max, int flags, char **out, size_t *len,
	      struct buf *err);

#endif
