/* delivery_http.h: deliver a file as the raw body of an HTTPS POST through the guarded HTTP client. */
#ifndef ECC_DELIVERY_HTTP_H
#define ECC_DELIVERY_HTTP_H

#include "delivery/delivery.h"

/*
 * The HTTP side of delivery.h (callers normally use delivery_send and
 * delivery_test, which validate first).
 *
 * The request: POST <url> with the file as the raw body (not multipart: the
 * receiver gets the exact bytes, no boundary parsing; most "upload a CSV"
 * endpoints accept it, and multipart can be added as an option later):
 *   Content-Type: <target content_type, default text/csv>
 *   Content-Disposition: attachment; filename="<ASCII fallback>";
 *                        filename*=UTF-8''<percent-encoded name>   (RFC 6266)
 *   Authorization: Bearer <token> | Basic <base64(user:password)>  (optional)
 * It goes through connectors/http_client, so the SSRF guard (logged as
 * ssrf_blocked), certificate verification (outbound_ca_file or the system
 * store) and the no-proxy rule all apply. Redirects are NOT followed: a
 * delivery is not re-sent to a place the target did not name, and a 3xx is
 * reported as a failure with its Location.
 *
 * Any 2xx = delivered. Anything else = failed, with the status and the first
 * 200 bytes of the response body (sanitised: one line, valid UTF-8) in the
 * message. A timeout after the body was sent may still have been delivered
 * on the far side; it is reported as a network failure all the same.
 */

int delivery_http_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		       const char *name, const void *data, size_t len, struct delivery_result *r);

/* delivery_http_test: HEAD <url> with the credentials: guard, TLS and
 * reachability; 401/403 is an authentication failure, any other status is
 * success ("接続できました（HTTP 405）"). Nothing is sent. */
int delivery_http_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		       struct delivery_result *r);

/*
 * delivery_http_judge: the outcome of a POST that got an HTTP response:
 * status, the response body (body_len bytes, may be NULL when 0) and the
 * Location header (NULL if none). Sets r->http_status, r->cat, r->message.
 * Returns 0 for 2xx; -ERR_FORBIDDEN for 401/403 (auth); -ERR_UPSTREAM for
 * anything else (remote). Pure.
 */
int delivery_http_judge(struct arena *a, long status, const char *body, size_t body_len,
			const char *location, struct delivery_result *r);

/*
 * delivery_http_error: the outcome of a request that got no HTTP response:
 * rc and err are http_client_request's return value and error text, host the
 * URL's host for the message. Sets r->cat, r->message, r->detail and returns
 * the ERR_* delivery_send documents (guard: -ERR_FORBIDDEN; TLS certificate:
 * -ERR_FORBIDDEN, category hostkey; timeout: -ERR_TIMEOUT; …). Pure.
 */
int delivery_http_error(struct arena *a, const char *host, int rc, const char *err,
			struct delivery_result *r);

/* delivery_http_disposition: the Content-Disposition value for name (valid
 * UTF-8) as above; the ASCII fallback has every byte outside printable ASCII
 * and '"' '\\' '%' replaced with '_'. In a. */
char *delivery_http_disposition(struct arena *a, const char *name);

#endif
