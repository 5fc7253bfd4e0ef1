/* file.c: reading a whole small file into an arena, with the checks secret files need. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

static int
check(int fd, const char *path, size_t max, int flags, struct stat *st, struct buf *err)
{
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		buf_printf(err, "%s: not a regular file", path);
		return -ERR_IO;
	}
	if ((flags & FILE_SECRET) && (st->st_mode & 077) != 0) {
		buf_printf(err, "%s: mode %04o allows group/other access; chmod 600 it", path,
			   (unsigned)(st->st_mode & 07777));
		return -ERR_FORBIDDEN;
	}
	if ((flags & FILE_SECRET) && st->st_uid != geteuid()) {
		buf_printf(err, "%s: not owned by the user running this process", path);
		return -ERR_FORBIDDEN;
	}
	if (st->st_size < 0 || (size_t)st->st_size > max) {
		buf_printf(err, "%s: larger than %zu bytes", path, max);
		return -ERR_TOO_LARGE;
	}
	return 0;
}

int
file_read(struct arena *a, const char *path, size_t max, int flags, char **out, size_t *len,
	  struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | ((flags & FILE_SECRET) ? O_NOFOLLOW : 0));
	if (fd < 0) {
		buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return -ERR_IO;
	}
	struct stat st;
	int rc = check(fd, path, max, flags, &st, err);
	if (rc == 0) {
		size_t n = (size_t)st.st_size, got = 0;
		char *p = arena_alloc(a, n + 1);
		while (got < n) {
			ssize_t r = read(fd, p + got, n - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got != n) {
			buf_printf(err, "%s: short read", path);
			rc = -ERR_IO;
		} else {
			p[n] = '\0';
			*out = p;
			*len = n;
		}
	}
	close(fd);
	return rc;
}
