/* delivery.h: deliver one generated file (name + bytes in memory) to an SFTP server or an HTTP endpoint. */
#ifndef ECC_DELIVERY_H
#define ECC_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/ssrf.h"
#include "core/arena.h"
#include "core/buf.h"

/*
 * A flow's destination is a struct delivery_target; delivery_send() puts one
 * file there, delivery_test() checks the target without sending anything
 * (the flow screen's 接続テスト). Both fill a struct delivery_result whose
 * message is the Japanese line the run history shows.
 *
 * Every outbound connection passes the SSRF guard of connectors/ssrf.h on the
 * address actually connected: a non-public address is refused unless the
 * host (and port) is on the configured outbound_allowlist; each refusal is
 * logged as "ssrf_blocked" (host, addr, reason) exactly like the HTTP client
 * does. HTTP delivery goes through connectors/http_client (guard, TLS
 * verification, no proxies); SFTP applies the same guard through libcurl's
 * CURLOPT_OPENSOCKETFUNCTION (delivery_sftp.c).
 */

enum delivery_kind {
	DELIVERY_SFTP = 1,
	DELIVERY_HTTP = 2,
};

enum delivery_auth {
	DELIVERY_AUTH_PASSWORD = 1, /* SFTP password */
	DELIVERY_AUTH_KEY = 2,      /* SFTP private key (public key authentication) */
};

/* What went wrong. Only NETWORK is worth an automatic retry; the others need
 * the operator (settings, credentials, the receiving side). */
enum delivery_cat {
	DELIVERY_OK = 0,
	DELIVERY_CAT_INVALID,  /* the target or the file is unusable as given */
	DELIVERY_CAT_AUTH,     /* credentials refused (SSH auth, HTTP 401/403) */
	DELIVERY_CAT_HOSTKEY,  /* server identity: SFTP host key differs from the pin, TLS certificate fails */
	DELIVERY_CAT_NETWORK,  /* cannot connect, timeout, connection lost */
	DELIVERY_CAT_REMOTE,   /* the server refused: no directory, file exists, no permission, HTTP non-2xx */
	DELIVERY_CAT_GUARD,    /* refused by the outbound guard (non-public address, not allowlisted) */
};

/* Defaults for zero fields of a target. */
#define DELIVERY_SFTP_PORT 22
#define DELIVERY_CONNECT_TIMEOUT_S 10
#define DELIVERY_TIMEOUT_S 120
#define DELIVERY_MAX_SIZE (64u * 1024 * 1024)
/* A file name: 1..DELIVERY_NAME_MAX bytes (the ".<name>.part" form must fit NAME_MAX). */
#define DELIVERY_NAME_MAX 240
/* A pinned SHA-256 host key fingerprint: 43 base64 characters (32 bytes, no padding). */
#define DELIVERY_FP_LEN 43

/*
 * One destination. Strings are borrowed (NUL-terminated, UTF-8) and must stay
 * valid for the call; NULL and "" both mean "not set". Secrets (password,
 * private_key, key_passphrase, bearer_token, basic_password) are never logged
 * nor put into a result message.
 */
struct delivery_target {
	enum delivery_kind kind;
	/* SFTP */
	const char *host;            /* name or IP literal (IPv6 with or without brackets) */
	int port;                    /* 1..65535; 0 = 22 */
	const char *user;
	const char *dir;             /* absolute remote directory, "/in"; no "." or ".." segments */
	enum delivery_auth auth;
	const char *password;        /* DELIVERY_AUTH_PASSWORD */
	const char *private_key;     /* DELIVERY_AUTH_KEY: PEM or OpenSSH private key text, in memory */
	const char *key_passphrase;  /* the key's passphrase, if it is encrypted */
	const char *hostkey_sha256;  /* REQUIRED pin: "SHA256:<base64>" as `ssh-keygen -lf` prints it,
				      * or the base64 alone; "=" padding optional. No pin, no connection
				      * (no trust on first use). */
	/* HTTP */
	const char *url;             /* https:// only */
	const char *bearer_token;    /* Authorization: Bearer … */
	const char *basic_user;      /* Authorization: Basic … (with basic_password) */
	const char *basic_password;
	const char *content_type;    /* default "text/csv" */
	/* both */
	long connect_timeout_s;      /* per connection; 0 = 10 */
	long timeout_s;              /* the whole delivery; 0 = 120 */
	size_t max_size;             /* largest file accepted; 0 = 64 MiB */
};

/* What the configuration supplies (outbound_allowlist, outbound_ca_file). */
struct delivery_opts {
	const struct ssrf_policy *allow; /* hosts that may be non-public; NULL = none */
	const char *ca_file;             /* CA bundle for HTTPS; NULL = system store */
	const char *tmp_dir;             /* parent of the private key's temporary directory;
					  * NULL = $TMPDIR, else /tmp (see delivery_keyfile.h) */
};

/*
 * The outcome. Strings are in the caller's arena and never NULL after a
 * delivery_* call ("" when not applicable).
 */
struct delivery_result {
	enum delivery_cat cat;   /* DELIVERY_OK on success */
	char *message;           /* Japanese, one line, for the run history: "ホスト鍵が一致しません（期待 SHA256:…）" */
	char *detail;            /* technical detail for the log (libcurl's error text); no secrets */
	char *remote;            /* where the file went: "/in/orders.csv" or the URL (without query) */
	char *fingerprint;       /* SFTP: the key the server presented, "SHA256:…", when a pin did not match */
	long http_status;        /* HTTP: the final status; 0 otherwise */
	size_t bytes;            /* bytes sent */
	int64_t ms;              /* wall time of the attempt */
};

/*
 * delivery_send: put the file (name, data[0..len)) at target t and wait for
 * the result. SFTP uploads to "<dir>/.<name>.part" and renames it to
 * "<dir>/<name>" (the receiver never sees a half file); an existing
 * "<dir>/<name>" is never overwritten. HTTP POSTs the bytes as the request
 * body (see delivery_http.h). Returns 0 with r->cat DELIVERY_OK, or a
 * negative ERR_* with r describing the failure:
 *   -ERR_INVALID (target, name or size), -ERR_FORBIDDEN (auth, host key,
 *   guard), -ERR_CONFLICT (file exists), -ERR_NOT_FOUND (no directory),
 *   -ERR_UPSTREAM (the server refused or answered non-2xx), -ERR_TIMEOUT,
 *   -ERR_UNAVAILABLE (network), -ERR_IO (private key temporary file).
 * Logs one "delivery" event (kind, host, category, bytes, ms; no secrets).
 * libcurl allocates its own memory during the call; nothing outlives it.
 */
int delivery_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		  const char *name, const void *data, size_t len, struct delivery_result *r);

/*
 * delivery_test: check target t without delivering anything. SFTP: connect,
 * verify the pinned host key, authenticate and list the directory (it must
 * exist). HTTP: a HEAD request with the configured credentials (guard, TLS,
 * 401/403 = auth failure; any other status counts as reachable). Returns and
 * fills r as delivery_send; on success r->message says what was found.
 */
int delivery_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		  struct delivery_result *r);

/*
 * delivery_validate: check target t for use (no network): kind, host (1..253
 * bytes, a name of letters, digits, '-', '.', or an IP literal), port 0..65535,
 * user, dir (absolute, at most 1024 bytes, no "." / ".." segment, no control
 * character), auth with its secret, a well-formed host key pin, URL
 * (https://, no spaces or control characters, at most 2048 bytes), header
 * values without CR/LF, timeouts >= 0. Returns 0, or -ERR_INVALID with
 * r->cat DELIVERY_CAT_INVALID and a Japanese message naming the field.
 */
int delivery_validate(struct arena *a, const struct delivery_target *t, struct delivery_result *r);

/*
 * delivery_check_file: the file name and size for target t: name 1..240
 * bytes of valid UTF-8, no '/', '\\', control character, leading '.', and
 * not "." or ".."; len at most t->max_size (default 64 MiB). Returns 0 or
 * -ERR_INVALID / -ERR_TOO_LARGE with r filled (category INVALID).
 */
int delivery_check_file(struct arena *a, const struct delivery_target *t, const char *name,
			size_t len, struct delivery_result *r);

/*
 * delivery_fingerprint_parse: normalise a pinned host key fingerprint: an
 * optional "SHA256:" prefix (case-insensitive), surrounding spaces, then 43
 * standard base64 characters (A-Z a-z 0-9 + /) with an optional single "="
 * that decode to exactly 32 bytes. Writes the 43 characters and a NUL to out.
 * Returns 0, or -ERR_INVALID (NULL, empty, MD5 "aa:bb:…" form, wrong length,
 * a bad character or non-zero trailing bits).
 */
int delivery_fingerprint_parse(const char *s, char out[DELIVERY_FP_LEN + 1]);

/* delivery_category_name: "ok", "invalid", "auth", "hostkey", "network",
 * "remote", "guard" (static; "unknown" for anything else). */
const char *delivery_category_name(enum delivery_cat c);

/*
 * delivery_fail: set r->cat = cat and r->message from the constant format,
 * in a; returns rc (a negative ERR_*) so callers can `return delivery_fail(…)`.
 * Control characters in the formatted message become spaces.
 */
int delivery_fail(struct arena *a, struct delivery_result *r, enum delivery_cat cat, int rc,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * delivery_snippet: append at most max bytes of s[0..n) to out for a
 * message: cut on a UTF-8 character boundary, ill-formed UTF-8 replaced
 * with U+FFFD, every run of spaces and control characters (CR, LF, TAB, DEL
 * included) collapsed into one space, none at the start or the end; "…" is
 * added when something was cut off.
 */
void delivery_snippet(struct buf *out, const char *s, size_t n, size_t max);

/* delivery_result_init: r to an empty result (cat OK, strings ""). */
void delivery_result_init(struct delivery_result *r);

#endif
