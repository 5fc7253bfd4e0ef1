/* resp.h: the buffered response — status, headers, cookies, body — written to FastCGI at the end. */
#ifndef ECC_RESP_H
#define ECC_RESP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

struct req;

/*
 * Nothing reaches the client until resp_flush(): a handler (or the router)
 * can throw the body away and render an error page instead at any point.
 */
struct resp {
	int status;               /* 0 until set; flush treats 0 as 200 */
	const char *content_type; /* NULL: text/html; charset=utf-8 */
	const char *cache_control; /* NULL: no-store (dynamic pages are never cached) */
	struct buf headers;       /* extra "Name: value\r\n" lines */
	struct buf body;
	bool body_set;            /* a handler produced a body (error pages are not rendered over it) */
};

/* resp_init: empty response whose buffers live in the request arena. */
void resp_init(struct resp *r, struct arena *a);

/*
 * resp_header: add a header. Names must be tokens and values printable
 * without CR/LF (header injection); an invalid pair is dropped, logged, and
 * -ERR_INVALID returned.
 */
int resp_header(struct req *req, const char *name, const char *value);

enum resp_samesite { SAMESITE_LAX, SAMESITE_STRICT };

/*
 * resp_cookie: Set-Cookie with Secure; HttpOnly; Path=/; SameSite=... .
 * max_age < 0 means a session cookie; 0 deletes it. Name and value are
 * validated (RFC 6265 cookie-octets); invalid → -ERR_INVALID, nothing set.
 */
int resp_cookie(struct req *req, const char *name, const char *value, long max_age,
		enum resp_samesite ss);

/* resp_redirect: 303 See Other to a local path (must start with "/" and not
 * "//"); anything else redirects to "/". Returns the status to return from
 * a handler. */
int resp_redirect(struct req *req, const char *local_path);

/* resp_set_body: replace the body with n bytes of content type ct (copied
 * pointer; ct must be a static string). */
void resp_set_body(struct req *req, const char *ct, const char *data, size_t n);

/* resp_flush: write status line, headers and body (none for HEAD) to the
 * FastCGI stream. Returns 0 or -ERR_IO if the client went away. */
int resp_flush(struct req *req);

#endif
