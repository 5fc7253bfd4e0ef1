/* delivery_sftp.h: SFTP upload through libcurl (libssh2) with a pinned host key and an atomic rename. */
#ifndef ECC_DELIVERY_SFTP_H
#define ECC_DELIVERY_SFTP_H

#include "delivery/delivery.h"

/*
 * The SFTP side of delivery.h. Callers normally use delivery_send and
 * delivery_test, which validate the target first; these assume a target that
 * passed delivery_validate (kind SFTP) and a name that passed
 * delivery_check_file.
 *
 * Security:
 *  - the host key is pinned with CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256 and
 *    checked before any authentication (a mismatch never sends the password
 *    or uses the key); there is no trust on first use and no known_hosts file.
 *    The pin is the fingerprint of the host key the server uses with libssh2:
 *    when a server has several host keys (ECDSA, Ed25519, RSA), libssh2
 *    prefers ECDSA, then Ed25519, then RSA; on a mismatch the message names
 *    the key the server presented, for the operator to compare out of band.
 *  - only the configured method is tried (CURLOPT_SSH_AUTH_TYPES is password
 *    or publickey alone; no agent, no ~/.ssh keys); proxies from the
 *    environment are ignored.
 *  - every connection passes the SSRF guard on the address actually
 *    connected (CURLOPT_OPENSOCKETFUNCTION with connectors/ssrf.h): a
 *    non-public address is refused unless host:port is on the allowlist, and
 *    logged as "ssrf_blocked".
 *
 * One delivery is up to three libcurl transfers on one SSH connection:
 *  1. list "<dir>/" (CURLOPT_DIRLISTONLY): the directory must exist and must
 *     not hold "<name>" already (an existing file is an error, never
 *     overwritten);
 *  2. upload to "<dir>/.<name>.part", then CURLOPT_POSTQUOTE
 *     `rename "<dir>/.<name>.part" "<dir>/<name>"`: the receiver sees the file
 *     only complete. SFTP v3 (OpenSSH) refuses a rename onto an existing
 *     file, so a file that appears between 1 and 2 is not overwritten either;
 *  3. only when the rename fails: `rm "<dir>/.<name>.part"`.
 * A transfer that breaks off in step 2 can leave "<dir>/.<name>.part" behind
 * (a dot file, which receivers conventionally ignore); the next attempt
 * replaces it.
 */

/* delivery_sftp_send: deliver as above. Returns and fills r as delivery_send. */
int delivery_sftp_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		       const char *name, const void *data, size_t len, struct delivery_result *r);

/* delivery_sftp_test: step 1 only (connect, host key, authentication, the
 * directory exists); r->message reports the number of entries found. */
int delivery_sftp_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		       struct delivery_result *r);

/* The transfer a libcurl error came from. */
enum delivery_sftp_step {
	DELIVERY_SFTP_LIST = 1,
	DELIVERY_SFTP_UPLOAD,
	DELIVERY_SFTP_RENAME,
};

/*
 * delivery_sftp_classify: turn libcurl's result curl_code (a CURLcode, not
 * CURLE_OK) of one step, with libcurl's error text detail (may be NULL), into
 * r's category and Japanese message for target t (dir and name as delivered,
 * name may be NULL for LIST). Sets r->detail and, for a host key mismatch,
 * r->fingerprint when detail names the presented key. Returns the ERR_* code
 * delivery_send documents. Pure (no I/O).
 */
int delivery_sftp_classify(struct arena *a, const struct delivery_target *t,
			   enum delivery_sftp_step step, int curl_code, const char *detail,
			   const char *dir, const char *name, struct delivery_result *r);

/*
 * delivery_sftp_dir: dir normalised: one leading "/", no trailing "/" (the
 * root stays "/"). delivery_sftp_join: "<dir>/<name>" for a normalised dir.
 * Both allocate in a.
 */
char *delivery_sftp_dir(struct arena *a, const char *dir);
char *delivery_sftp_join(struct arena *a, const char *dir, const char *name);

/*
 * delivery_sftp_url: "sftp://<host>:<port><path>" with an IPv6 literal
 * bracketed and every path byte outside A-Z a-z 0-9 - . _ ~ / percent-encoded
 * (libcurl decodes it back). In a.
 */
char *delivery_sftp_url(struct arena *a, const char *host, int port, const char *path);

/*
 * delivery_sftp_quote: path as a double-quoted argument of a libcurl SFTP
 * quote command ("rename", "rm"): '"' and '\\' escaped with '\\'. In a.
 */
char *delivery_sftp_quote(struct arena *a, const char *path);

#endif
