/* delivery_keyfile.c: an SFTP private key held in memory, handed to libcurl as a short-lived private file. */
#include "delivery_keyfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
io_fail(struct delivery_keyfile *k, struct buf *err, const char *what)
{
	int e = errno;
	delivery_keyfile_remove(k);
	if (err != NULL)
		buf_printf(err, "private key file: %s: %s", what, strerror(e));
	return -ERR_IO;
}

int
delivery_keyfile_write(struct delivery_keyfile *k, const char *tmp_dir, const char *key,
		       struct buf *err)
{
	k->fd = -1;
	k->dir[0] = k->file[0] = k->path[0] = '\0';
	size_t len = strlen(key);
	bool nl = len > 0 && key[len - 1] != '\n';
	/* first choice: an anonymous in-memory file — the key never reaches a disk and has no name */
	k->fd = memfd_create("ecc-sftp-key", MFD_CLOEXEC);
	if (k->fd >= 0) {
		if (fchmod(k->fd, 0600) != 0 || write_all(k->fd, key, len) != 0 || (nl && write_all(k->fd, "\n", 1) != 0))
			return io_fail(k, err, "write (memfd)");
		snprintf(k->path, sizeof k->path, "/proc/self/fd/%d", k->fd);
		int probe = open(k->path, O_RDONLY | O_CLOEXEC);
		if (probe >= 0) {
			close(probe);
			return 0;
		}
		close(k->fd);   /* no /proc: fall back to a private file */
		k->fd = -1;
		k->path[0] = '\0';
	}
	if (tmp_dir == NULL || tmp_dir[0] == '\0')
		tmp_dir = getenv("TMPDIR");
	if (tmp_dir == NULL || tmp_dir[0] != '/')
		tmp_dir = "/tmp";
	int n = snprintf(k->dir, sizeof k->dir, "%s/ecc-key-XXXXXX", tmp_dir);
	if (n < 0 || (size_t)n + sizeof "/key" > sizeof k->dir) {
		k->dir[0] = '\0';
		errno = ENAMETOOLONG;
		return io_fail(k, err, "temporary directory");
	}
	if (mkdtemp(k->dir) == NULL) {
		k->dir[0] = '\0';
		return io_fail(k, err, "mkdtemp");
	}
	snprintf(k->file, sizeof k->file, "%s/key", k->dir);
	k->fd = open(k->file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (k->fd < 0) {
		k->file[0] = '\0';
		return io_fail(k, err, "create");
	}
	if (write_all(k->fd, key, len) != 0 || (nl && write_all(k->fd, "\n", 1) != 0))
		return io_fail(k, err, "write");
	/* prefer a file without a name: reachable only through our descriptor */
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", k->fd);
	int probe = open(proc, O_RDONLY | O_CLOEXEC);
	if (probe >= 0) {
		close(probe);
		if (unlink(k->file) == 0) {
			k->file[0] = '\0';
			if (rmdir(k->dir) == 0)
				k->dir[0] = '\0';
			snprintf(k->path, sizeof k->path, "%s", proc);
			return 0;
		}
	}
	snprintf(k->path, sizeof k->path, "%s", k->file);
	return 0;
}

void
delivery_keyfile_remove(struct delivery_keyfile *k)
{
	if (k->fd >= 0) {
		close(k->fd);
		k->fd = -1;
	}
	if (k->file[0] != '\0') {
		unlink(k->file);
		k->file[0] = '\0';
	}
	if (k->dir[0] != '\0') {
		rmdir(k->dir);
		k->dir[0] = '\0';
	}
	k->path[0] = '\0';
}
