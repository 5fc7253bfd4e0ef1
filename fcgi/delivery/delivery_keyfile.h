/* delivery_keyfile.h: an SFTP private key held in memory, handed to libcurl as a short-lived private file. */
#ifndef ECC_DELIVERY_KEYFILE_H
#define ECC_DELIVERY_KEYFILE_H

#include <limits.h>

#include "core/buf.h"

/*
 * libcurl (with libssh2) reads SSH private keys only from files
 * (CURLOPT_SSH_PRIVATE_KEYFILE). Keys live encrypted in the database and in
 * memory, so for one delivery the key is written to a file that nobody else
 * can read, for as short a time as possible:
 *
 *   0. first choice (Linux): memfd_create — an anonymous file in memory, never
 *      on a disk, with no name; libcurl gets "/proc/self/fd/<n>";
 *   otherwise (no memfd or no /proc):
 *   1. mkdtemp "<tmp_dir>/ecc-key-XXXXXX" (mode 0700, owned by this user);
 *   2. create "key" in it with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, and
 *      write the key text;
 *   3. when /proc/self/fd works, unlink the file and remove the directory AT
 *      ONCE and keep only the descriptor; else the named file is used and
 *      removed by delivery_keyfile_remove right after the transfer.
 *
 * In the fallback the key's bytes do reach the file system of tmp_dir (the
 * configured tmp_dir, else $TMPDIR, else /tmp): it must be local and not
 * shared, as for any temporary file.
 */
struct delivery_keyfile {
	int fd;                /* open descriptor of the key file, -1 when none */
	char dir[PATH_MAX];    /* the private directory while it exists, else "" */
	char file[PATH_MAX + 8]; /* the named file while it exists, else "" */
	char path[PATH_MAX + 8]; /* what to give libcurl */
};

/*
 * delivery_keyfile_write: write key (NUL-terminated text; a final newline is
 * added when missing) as above. tmp_dir NULL or "" = $TMPDIR, else /tmp.
 * Returns 0 with k->path usable until delivery_keyfile_remove, or -ERR_IO
 * with the reason in err (nothing is left behind). k needs no initialisation.
 */
int delivery_keyfile_write(struct delivery_keyfile *k, const char *tmp_dir, const char *key,
			   struct buf *err);

/* delivery_keyfile_remove: close the descriptor and remove whatever still has
 * a name; safe to call twice and after a failed write. */
void delivery_keyfile_remove(struct delivery_keyfile *k);

#endif
