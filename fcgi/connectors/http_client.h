/* http_client.h: outbound HTTP(S) requests through libcurl, every connection checked by the SSRF guard. */
#ifndef ECC_HTTP_CLIENT_H
#define ECC_HTTP_CLIENT_H

#include <stddef.h>

#include "connectors/ssrf.h"
#include "core/arena.h"
#include "core/buf.h"

/*
 * Options of one request. Zero values mean the defaults in brackets.
 * Certificate verification (peer and host name) is always on; ca_file only
 * replaces the system CA store (tests use the development CA).
 */
struct http_client_opts {
	const struct ssrf_policy *allow; /* hosts that may be non-public [none] */
	const char *ca_file;             /* CA bundle [system store] */
	long connect_timeout_s;          /* per connection [10] */
	long timeout_s;                  /* whole request incl. redirects [30] */
	size_t max_body;                 /* decoded response body cap [8 MiB] */
	int max_redirects;               /* followed redirects, at most 5 [5]; < 0 = none */
};

/* One request header, "Name" and "value" (no CR/LF; checked). */
struct http_header {
	const char *name;
	const char *value;
};

/* The final response. Strings are NUL-terminated, in the caller's arena;
 * absent headers are NULL. */
struct http_response {
	long status;          /* HTTP status of the last hop */
	char *body;           /* decoded body (Content-Encoding undone) */
	size_t body_len;
	char *content_type;
	char *retry_after;
	char *call_limit;     /* X-Shopify-Shop-Api-Call-Limit ("32/40"): the leaky bucket's fill */
	char *link;
	char *location;       /* only when redirects ran out or were not followed */
	char *final_url;      /* URL of the last hop */
	int redirects;        /* redirects followed */
};

/*
 * http_client_request: send method (GET, POST, PUT, PATCH, DELETE, HEAD) to
 * url (http:// or https:// only) with headers[0..nheaders) and an optional
 * body (NULL/0 = none), and read the response into out (allocated in a).
 *
 * Every connection, including each redirect hop, passes the guard on the
 * address actually connected (CURLOPT_OPENSOCKETFUNCTION): unless the hop's
 * host (and port) is in o->allow, a non-public address (ssrf.h) is refused
 * before any packet is sent and the attempt is logged as "ssrf_blocked"
 * (host, address, reason; never the path, query or headers). Redirects are
 * followed here, at most o->max_redirects, each to http(s) only: 303 (and 301/
 * 302 after a POST) become GET without body; caller headers are dropped when
 * the redirect leaves the origin (scheme, host, port). Proxies from the
 * environment are ignored. Accept-Encoding offers every decoder libcurl has.
 *
 * Returns 0 with out filled for any HTTP status (the caller judges 4xx/5xx),
 * or, with the reason in err (err may be NULL):
 *   -ERR_FORBIDDEN  "blocked: <reason> ..." (guard, or a non-http(s) URL/redirect)
 *   -ERR_INVALID    malformed URL, method or header
 *   -ERR_TOO_LARGE  the body passed o->max_body (transfer aborted)
 *   -ERR_UPSTREAM   too many redirects, TLS verification failure, bad response
 *   -ERR_TIMEOUT    connect or total timeout
 *   -ERR_UNAVAILABLE connection refused / DNS failure / other transport error
 *   -ERR_NOMEM      libcurl could not allocate
 * libcurl allocates its own memory (malloc) during the call; nothing of it
 * outlives the call.
 */
int http_client_request(struct arena *a, const struct http_client_opts *o, const char *method,
			const char *url, const struct http_header *headers, size_t nheaders,
			const void *body, size_t body_len, struct http_response *out, struct buf *err);

/* http_client_get: http_client_request(a, o, "GET", url, NULL, 0, NULL, 0, out, err). */
int http_client_get(struct arena *a, const struct http_client_opts *o, const char *url,
		    struct http_response *out, struct buf *err);

#endif
