/* conn_open.h: a stored connection made ready for its platform client — outbound options, settings, decrypted secrets. */
#ifndef ECC_CONN_OPEN_H
#define ECC_CONN_OPEN_H

#include <stdint.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"

struct db;
struct connection;
struct json_object;

/*
 * conn_http_opts: outbound request options from the configuration: the
 * allowlist (outbound_allowlist, parsed into a), the CA file
 * (outbound_ca_file, "" = system store), connect_timeout_s and timeout_s per
 * call. 0, or -ERR_CONFIG with the reason in err (a bad allowlist: then o
 * allows public addresses only).
 */
int conn_http_opts(struct arena *a, const struct config *cfg, long connect_timeout_s, long timeout_s,
		   struct http_client_opts *o, struct buf *err);

/*
 * conn_open: fill ctx for connection c (already loaded for tenant_id):
 * endpoint, settings and secrets parsed (secrets decrypted with the tenant's
 * data key), http options, retry bounds [5 retries, 120 s of waiting]. The
 * parsed JSON objects are released when a is reset or freed (arena_defer).
 * *ops gets the platform's client. Returns 0, or with a Japanese message in
 * msg: -ERR_INVALID (unknown platform, unreadable settings or secrets),
 * -ERR_NOT_FOUND (the connection is gone), or a database error.
 */
int conn_open(struct db *db, struct arena *a, const struct http_client_opts *http, uint64_t tenant_id,
	      const unsigned char key[32], const struct connection *c, const struct conn_ops **ops,
	      struct conn_ctx *ctx, struct buf *msg);

/* conn_open_json: text parsed as a JSON object, released when a is reset or
 * freed; NULL when text is NULL or not a JSON object. */
struct json_object *conn_open_json(struct arena *a, const char *text);

#endif
