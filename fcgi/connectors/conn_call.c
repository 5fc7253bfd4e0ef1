/* conn_call.c: one platform API call with pacing, Retry-After, bounded retries with jittered backoff, and error mapping. */
#include "conn_call.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"

#define DEF_RETRIES 5
#define DEF_MAX_WAIT_MS 120000
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS 60000
#define RETRY_AFTER_MAX_MS (86400LL * 1000)

/* ---- clock and sleeping ---- */

int64_t
conn_call_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sleep until the monotonic time at_ms (rounded up to the next whole ms) */
static void
sleep_until(int64_t at_ms)
{
	struct timespec ts = { .tv_sec = (time_t)(at_ms / 1000),
			       .tv_nsec = (long)(at_ms % 1000) * 1000000 };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int64_t
conn_call_backoff_ms(int attempt)
{
	int64_t cap = BACKOFF_CAP_MS;
	if (attempt < 0)
		attempt = 0;
	if (attempt < 16 && ((int64_t)BACKOFF_BASE_MS << attempt) < cap)
		cap = (int64_t)BACKOFF_BASE_MS << attempt;
	uint64_t r;
	rand_bytes(&r, sizeof r);
	return (int64_t)(r % (uint64_t)(cap + 1));
}

int
conn_call_retry_after_ms(const char *v, int64_t now_ms, int64_t *out)
{
	if (v == NULL)
		return -ERR_INVALID;
	while (*v == ' ')
		v++;
	if (*v >= '0' && *v <= '9') {
		int64_t s = 0, frac = 0;
		int nf = 0;
		const char *p = v;
		while (*p >= '0' && *p <= '9') {
			if (s < RETRY_AFTER_MAX_MS)
				s = s * 10 + (*p - '0');
			p++;
		}
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -ERR_INVALID;
			for (; *p >= '0' && *p <= '9'; p++, nf++)
				if (nf < 6)
					frac = frac * 10 + (*p - '0');
		}
		while (*p == ' ')
			p++;
		if (*p != '\0')
			return -ERR_INVALID;
		for (int i = nf < 6 ? nf : 6; i < 6; i++)
			frac *= 10;
		int64_t ms = s * 1000 + (frac + 999) / 1000; /* frac in µs, rounded up */
		*out = ms > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS : ms;
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -ERR_INVALID;
	int64_t at = (int64_t)timegm(&tm) * 1000;
	int64_t d = at - now_ms;
	*out = d < 0 ? 0 : d > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS : d;
	return 0;
}

/* ---- buckets ---- */

struct bucket {
	uint64_t conn;
	const char *name;
	double tokens;
	int64_t last_ms;
};

static struct bucket buckets[CONN_CALL_BUCKETS];
static size_t nbuckets;
static pthread_mutex_t bucket_mu = PTHREAD_MUTEX_INITIALIZER;

/* the bucket of (conn, rate), refilled up to now; created full. Lock held. */
static struct bucket *
bucket_get(uint64_t conn, const struct conn_rate *rate, int64_t now)
{
	struct bucket *b = NULL;
	for (size_t i = 0; i < nbuckets; i++)
		if (buckets[i].conn == conn && strcmp(buckets[i].name, rate->name) == 0) {
			b = &buckets[i];
			break;
		}
	if (b == NULL) {
		if (nbuckets < CONN_CALL_BUCKETS) {
			b = &buckets[nbuckets++];
		} else {
			b = &buckets[0];
			for (size_t i = 1; i < nbuckets; i++)
				if (buckets[i].last_ms < b->last_ms)
					b = &buckets[i];
		}
		*b = (struct bucket){ conn, rate->name, rate->burst, now };
		return b;
	}
	if (now > b->last_ms) {
		b->tokens += (double)(now - b->last_ms) * rate->per_s / 1000.0;
		if (b->tokens > rate->burst)
			b->tokens = rate->burst;
		b->last_ms = now;
	}
	return b;
}

int64_t
conn_call_bucket_wait_ms(uint64_t connection_id, const struct conn_rate *rate)
{
	if (rate == NULL || rate->per_s <= 0)
		return 0;
	int64_t now = conn_call_mono_ms();
	pthread_mutex_lock(&bucket_mu);
	struct bucket *b = bucket_get(connection_id, rate, now);
	b->tokens -= 1.0;
	double t = b->tokens;
	pthread_mutex_unlock(&bucket_mu);
	if (t >= 0)
		return 0;
	return (int64_t)(-t * 1000.0 / rate->per_s + 0.999);
}

void
conn_call_bucket_set(uint64_t connection_id, const struct conn_rate *rate, double used, double size)
{
	if (rate == NULL || size <= 0)
		return;
	int64_t now = conn_call_mono_ms();
	pthread_mutex_lock(&bucket_mu);
	struct bucket *b = bucket_get(connection_id, rate, now);
	double left = size * 0.8 - used;
	if (left < b->tokens)
		b->tokens = left;
	pthread_mutex_unlock(&bucket_mu);
}

/* ---- URLs ---- */

char *
conn_call_origin(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL || p == url)
		return NULL;
	const char *h = p + 3;
	size_t n = strcspn(h, "/?#");
	if (n == 0 || memchr(h, '@', n) != NULL)
		return NULL;
	char *o = arena_strndup(a, url, (size_t)(h - url) + n);
	for (char *q = o; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return o;
}

/* host and path (no query or fragment) of url, for logs and messages */
static void
split_url(const char *url, char *host, size_t hcap, char *path, size_t pcap)
{
	const char *p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	snprintf(host, hcap, "%.*s", (int)n, p);
	p += n;
	n = strcspn(p, "?#");
	snprintf(path, pcap, "%.*s", (int)n, p);
	if (path[0] == '\0')
		snprintf(path, pcap, "/");
}

/* ---- the call ---- */

static const char *
label_of(const char *platform)
{
	const struct conn_ops *ops = conn_find(platform);
	return ops != NULL ? ops->label : platform;
}

/* "blocked: loopback address 127.0.0.1 of host x" → "loopback address 127.0.0.1" */
static const char *
blocked_reason(struct arena *a, const char *err)
{
	const char *p = strstr(err, "blocked: ");
	if (p == NULL)
		return "";
	p += 9;
	const char *e = strstr(p, " of host ");
	return arena_strndup(a, p, e != NULL ? (size_t)(e - p) : strlen(p));
}

int
conn_call(struct conn_ctx *c, const char *platform, const struct conn_rate *rate,
	  const char *method, const char *url, const struct http_header *headers,
	  size_t nheaders, const void *body, size_t body_len, struct http_response *out,
	  struct buf *msg)
{
	int max_retries = c->max_retries == 0 ? DEF_RETRIES : c->max_retries < 0 ? 0
			  : c->max_retries;
	int64_t max_wait = c->max_wait_ms > 0 ? c->max_wait_ms : DEF_MAX_WAIT_MS;
	const char *label = label_of(platform);
	char host[256], path[512];
	split_url(url, host, sizeof host, path, sizeof path);
	int64_t waited = 0;
	int attempt = 0;
	for (;;) {
		int64_t now = conn_call_mono_ms();
		int64_t w = conn_call_bucket_wait_ms(c->connection_id, rate);
		if (w > 0 && now + w > c->not_before_ms)
			c->not_before_ms = now + w;
		if (c->not_before_ms > now) {
			if (c->not_before_ms - now > max_wait) {
				if (msg != NULL)
					buf_printf(msg, "%s の呼び出し制限により %lld 秒待つ必要があるため、"
						   "今回は中断しました。", label,
						   (long long)((c->not_before_ms - now + 999) / 1000));
				return -ERR_UNAVAILABLE;
			}
			sleep_until(c->not_before_ms);
		}
		struct buf err;
		buf_init(&err, c->a, 128);
		int64_t t0 = conn_call_mono_ms();
		int rc = http_client_request(c->a, c->http, method, url, headers, nheaders, body,
					     body_len, out, &err);
		int64_t t1 = conn_call_mono_ms();
		c->stats.api_calls++;
		if (rc == 0)
			c->stats.bytes_in += out->body_len;
		log_event(LOG_INFO, "conn_call", LOG_S("platform", platform), LOG_S("host", host),
			  LOG_S("path", path), LOG_I("status", rc == 0 ? out->status : 0),
			  LOG_I("ms", t1 - t0), LOG_I("bytes", rc == 0 ? out->body_len : 0),
			  LOG_S("error", rc == 0 ? "" : err_name(rc)));

		int64_t wait;
		char last[96];
		switch (rc) {
		case 0:
			break;
		case -ERR_FORBIDDEN:
			if (strstr(buf_cstr(&err), "blocked: scheme") != NULL) {
				if (msg != NULL)
					buf_printf(msg, "%s の接続先 URL は http または https でなければ"
						   "なりません（%s）。", label, host);
				return -ERR_INVALID;
			}
			if (msg != NULL)
				buf_printf(msg, "接続先 %s は社内・ループバック等の非公開アドレスのため"
					   "接続できません（%s）。", host,
					   blocked_reason(c->a, buf_cstr(&err)));
			return -ERR_CONFIG;
		case -ERR_INVALID:
			if (msg != NULL)
				buf_printf(msg, "%s の接続先 URL が不正です（%s）。", label, host);
			return -ERR_INVALID;
		case -ERR_TOO_LARGE:
			if (msg != NULL)
				buf_printf(msg, "%s（%s）の応答が大きすぎます。", label, host);
			return -ERR_UPSTREAM;
		case -ERR_UPSTREAM:
			if (msg != NULL)
				buf_printf(msg, "%s（%s）と正しく通信できませんでした（証明書の検証失敗"
					   "または不正な応答）。", label, host);
			return -ERR_UPSTREAM;
		case -ERR_TIMEOUT:
		case -ERR_UNAVAILABLE:
			break;
		default:
			if (msg != NULL)
				buf_printf(msg, "%s（%s）を呼び出せませんでした。", label, host);
			return rc;
		}
		if (rc == 0) {
			long st = out->status;
			if (st == 401 || st == 403) {
				if (msg != NULL)
					buf_printf(msg, "%s が認証を拒否しました（HTTP %ld）。", label, st);
				return -ERR_FORBIDDEN;
			}
			if (st != 429 && (st < 500 || st > 599))
				return 0;
			if (st == 429)
				c->stats.throttled++;
			int64_t ra;
			if ((st == 429 || st == 503) && out->retry_after != NULL &&
			    conn_call_retry_after_ms(out->retry_after, clock_now_ms(), &ra) == 0) {
				wait = ra;
				snprintf(last, sizeof last, "HTTP %ld、Retry-After %lld 秒", st,
					 (long long)((ra + 999) / 1000));
			} else {
				wait = conn_call_backoff_ms(attempt);
				snprintf(last, sizeof last, "HTTP %ld", st);
			}
		} else {
			wait = conn_call_backoff_ms(attempt);
			snprintf(last, sizeof last, "%s", rc == -ERR_TIMEOUT ? "タイムアウト"
							   : "接続できません");
		}
		int64_t after = conn_call_mono_ms() + wait;
		if (attempt >= max_retries || waited + wait > max_wait) {
			if (rc == 0 && out->status == 429 && after > c->not_before_ms)
				c->not_before_ms = after;
			if (msg != NULL)
				buf_printf(msg, "%s（%s）: %d 回試行しましたが失敗しました（最後: %s）。"
					   "時間をおいて再実行されます。", label, host, attempt + 1, last);
			return rc == -ERR_TIMEOUT ? -ERR_TIMEOUT : -ERR_UNAVAILABLE;
		}
		if (after > c->not_before_ms)
			c->not_before_ms = after;
		waited += wait;
		attempt++;
		c->stats.retries++;
	}
}
