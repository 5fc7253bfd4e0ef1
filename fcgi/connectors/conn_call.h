/* conn_call.h: one platform API call with pacing, Retry-After, bounded retries with jittered backoff, and error mapping. */
#ifndef ECC_CONN_CALL_H
#define ECC_CONN_CALL_H

#include <stdint.h>

#include "connectors/conn.h"
#include "connectors/http_client.h"

/*
 * A client-side token bucket for one kind of call (Amazon getOrderItems:
 * 0.5/s, burst 30; Shopify REST: 2/s, with 32 of the 40 slots usable at
 * once). Buckets are per process, keyed by (connection id, name), shared by
 * the threads of the process (mutex), at most CONN_CALL_BUCKETS of them
 * (the least recently used is forgotten).
 */
struct conn_rate {
	const char *name;   /* static string: "orders", "items", "rest" … */
	double per_s;       /* refill rate, calls per second (> 0) */
	double burst;       /* bucket size (>= 1) */
};

#define CONN_CALL_BUCKETS 256

/*
 * conn_call: send one request of platform ("shopify", for the log and the
 * messages) through http_client_request with c->http, and handle everything
 * that is the same on every platform:
 *
 *  - pacing: takes a token from rate's bucket (rate may be NULL) and waits
 *    (nanosleep on CLOCK_MONOTONIC) until c->not_before_ms, never longer than
 *    c->max_wait_ms (else -ERR_UNAVAILABLE without calling);
 *  - 429: waits Retry-After (seconds, fractional allowed, or an HTTP-date)
 *    and never calls earlier; without Retry-After, the backoff below;
 *  - 5xx, timeout, refused connection: exponential backoff with full jitter
 *    (conn_call_backoff_ms); 503 with Retry-After honours it;
 *  - at most c->max_retries retries ([5] when <= 0) and c->max_wait_ms of
 *    waiting in total ([120000] when <= 0): a wait that would pass the budget
 *    is not started; then -ERR_UNAVAILABLE (or -ERR_TIMEOUT when the last
 *    failure was a timeout) with "… N 回試行しましたが失敗しました（最後: HTTP 503）";
 *    after a 429, c->not_before_ms keeps the platform's Retry-After so the
 *    next call of this process still respects it;
 *  - 401/403: -ERR_FORBIDDEN with a generic message and *out filled, so the
 *    client can read the platform's reason and write its own message;
 *  - the outbound guard refusing the host: -ERR_CONFIG, "接続先 <host> は社内・
 *    ループバック等の非公開アドレスのため接続できません（<reason>）";
 *  - a bad URL: -ERR_INVALID; a body over the cap, TLS or protocol failure:
 *    -ERR_UPSTREAM; each with a message naming the host.
 * Every other HTTP status returns 0 with *out filled (the caller judges it).
 * c->stats counts api_calls (every request sent), bytes_in, throttled (429s)
 * and retries. One log line per request: platform, host, path without query,
 * status, ms, bytes — never headers, query, body or tokens.
 * msg receives the Japanese message on failure (may be NULL).
 */
int conn_call(struct conn_ctx *c, const char *platform, const struct conn_rate *rate,
	      const char *method, const char *url, const struct http_header *headers,
	      size_t nheaders, const void *body, size_t body_len, struct http_response *out,
	      struct buf *msg);

/* conn_call_backoff_ms: the wait before retry number attempt (0-based):
 * uniform in [0, min(60000, 1000 * 2^attempt)] ms (full jitter; randomness
 * from core/rand). */
int64_t conn_call_backoff_ms(int attempt);

/*
 * conn_call_retry_after_ms: parse a Retry-After value: delta seconds
 * ("2", "2.0", "0.5"; rounded up to whole ms) or an IMF-fixdate HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", relative to now_ms, epoch ms; a date in
 * the past gives 0). Returns 0 with *out, or -ERR_INVALID.
 */
int conn_call_retry_after_ms(const char *v, int64_t now_ms, int64_t *out);

/* conn_call_bucket_wait_ms: take one token from the bucket (connection_id,
 * rate->name) and return how long (ms) the caller must wait before using it
 * (0 = now); the token is reserved either way. */
int64_t conn_call_bucket_wait_ms(uint64_t connection_id, const struct conn_rate *rate);

/* conn_call_bucket_set: tell the bucket that the platform reported used of
 * size slots in use (e.g. Shopify "32/40"): the bucket keeps the lower of its
 * own count and what is left of 80 % of size. */
void conn_call_bucket_set(uint64_t connection_id, const struct conn_rate *rate, double used,
			  double size);

/* conn_call_mono_ms: CLOCK_MONOTONIC milliseconds (the clock of not_before_ms). */
int64_t conn_call_mono_ms(void);

/* conn_call_origin: "scheme://host[:port]" of url (lower-case scheme and
 * host, no path), in a; NULL when url has no such prefix. */
char *conn_call_origin(struct arena *a, const char *url);

#endif
