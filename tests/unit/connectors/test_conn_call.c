/* test_conn_call.c: conn_call and the three clients over HTTP against a canned local server (pacing, Retry-After, retries, token refresh, paging). */
#include "connectors/conn_amazon.h"
#include "connectors/conn_call.h"
#include "connectors/conn_json.h"
#include "connectors/conn_rakuten.h"
#include "connectors/conn_shopify.h"
#include "connectors/ssrf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/file.h"
#include "t.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct arena *a;
static struct ssrf_policy allow_local;
static struct http_client_opts opts;

/* ---- the canned server: one response per request, in order; logs arrivals ---- */

struct canned {
	int status;
	const char *headers; /* extra header lines, each ending "\r\n" */
	const char *body;
};

struct hit {
	int64_t t;             /* CLOCK_MONOTONIC ms of arrival */
	char method[8];
	char target[2048];
	char token[512];       /* x-amz-access-token / X-Shopify-Access-Token / Authorization */
	char body[2048];
};

struct srv {
	int lfd, port, logfd;
	pid_t pid;
	struct hit hits[32];
	size_t n;
};

static void
srv_listen(struct srv *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	memset(s, 0, sizeof *s);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(s->lfd, 16) != 0 || getsockname(s->lfd, (struct sockaddr *)&sa, &sl) != 0) {
		perror("srv_listen");
		exit(2);
	}
	s->port = ntohs(sa.sin_port);
}

/* value of header name in the raw request head, or "" */
static void
header_of(const char *head, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name);
	out[0] = '\0';
	for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, name, k) == 0 && p[2 + k] == ':') {
			const char *v = p + 3 + k, *e = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			snprintf(out, cap, "%.*s", e ? (int)(e - v) : (int)strlen(v), v);
			return;
		}
	}
}

static void
serve(struct srv *s, int logfd, const struct canned *script, size_t n)
{
	for (size_t i = 0;; i++) {
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			_exit(0);
		}
		static char req[262144];
		size_t len = 0;
		char *end = NULL;
		while (len < sizeof req - 1 && end == NULL) {
			ssize_t r = read(fd, req + len, sizeof req - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			req[len] = '\0';
			end = strstr(req, "\r\n\r\n");
		}
		if (end == NULL) {
			close(fd);
			continue;
		}
		char cl[32];
		header_of(req, "Content-Length", cl, sizeof cl);
		size_t want = (size_t)(end + 4 - req) + (size_t)strtoul(cl, NULL, 10);
		while (len < want && len < sizeof req - 1) {
			ssize_t r = read(fd, req + len, sizeof req - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
		}
		req[len] = '\0';
		struct hit h;
		memset(&h, 0, sizeof h);
		h.t = conn_call_mono_ms();
		sscanf(req, "%7s %2047s", h.method, h.target);
		*end = '\0';
		header_of(req, "x-amz-access-token", h.token, sizeof h.token);
		if (h.token[0] == '\0')
			header_of(req, "X-Shopify-Access-Token", h.token, sizeof h.token);
		if (h.token[0] == '\0')
			header_of(req, "Authorization", h.token, sizeof h.token);
		snprintf(h.body, sizeof h.body, "%s", end + 4);
		if (write(logfd, &h, sizeof h) != (ssize_t)sizeof h)
			_exit(3);
		struct canned dflt = { 500, "", "{\"errors\":\"script exhausted\"}" };
		const struct canned *r = i < n ? &script[i] : &dflt;
		dprintf(fd, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n%s\r\n%s", r->status, strlen(r->body),
			r->headers ? r->headers : "", r->body);
		close(fd);
	}
}

static void
srv_run(struct srv *s, const struct canned *script, size_t n)
{
	int p[2];
	if (pipe(p) != 0)
		exit(2);
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		close(p[0]);
		serve(s, p[1], script, n);
		_exit(0);
	}
	close(p[1]);
	close(s->lfd);
	s->logfd = p[0];
}

static void
srv_stop(struct srv *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	s->n = 0;
	while (s->n < sizeof s->hits / sizeof s->hits[0] &&
	       read(s->logfd, &s->hits[s->n], sizeof s->hits[0]) == (ssize_t)sizeof s->hits[0])
		s->n++;
	close(s->logfd);
}

static void
ctx(struct conn_ctx *c, const char *settings, const char *secrets, const char *endpoint)
{
	static uint64_t next_id = 1000;
	memset(c, 0, sizeof *c);
	c->a = a;
	c->http = &opts;
	c->connection_id = next_id++;
	c->endpoint = endpoint;
	conn_json_parse(a, settings, strlen(settings), "settings", &c->settings, NULL);
	conn_json_parse(a, secrets, strlen(secrets), "secrets", &c->secrets, NULL);
}

static const char *
url(const struct srv *s, const char *path)
{
	return arena_printf(a, "http://127.0.0.1:%d%s", s->port, path);
}

static const char *
fixture(const char *name)
{
	char *p = NULL;
	size_t n;
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/connectors/%s", name);
	if (file_read(a, path, 1 << 20, 0, &p, &n, NULL) != 0) {
		T_OK(0, "cannot read %s", path);
		return "{}";
	}
	return p;
}

/* ---- conn_call ---- */

static void
test_retry_after(void)
{
	struct srv s;
	srv_listen(&s);
	const char *date = "Retry-After: Thu, 01 Jan 1970 00:00:00 GMT\r\n";
	const struct canned script[] = {
		{ 429, "Retry-After: 1\r\n", "{\"errors\":\"Exceeded 2 calls per second\"}" },
		{ 429, "Retry-After: 0.5\r\n", "{}" },
		{ 503, date, "{}" }, /* a date in the past: retry at once (after 0 ms) */
		{ 200, "", "{\"ok\":true}" },
	};
	srv_run(&s, script, 4);
	struct conn_ctx c;
	ctx(&c, "{}", "{}", NULL);
	struct http_response r;
	struct buf msg;
	buf_init(&msg, a, 64);
	int rc = conn_call(&c, "shopify", NULL, "GET", url(&s, "/x"), NULL, 0, NULL, 0, &r, &msg);
	srv_stop(&s);
	T_INTEQ(rc, 0);
	T_INTEQ(r.status, 200);
	T_INTEQ(s.n, 4);
	T_INTEQ(c.stats.api_calls, 4);
	T_INTEQ(c.stats.throttled, 2);
	T_INTEQ(c.stats.retries, 3);
	T_INTEQ(c.stats.bytes_in, strlen("{\"errors\":\"Exceeded 2 calls per second\"}") + 2 + 2 + 11);
	if (s.n == 4) {
		T_OK(s.hits[1].t - s.hits[0].t >= 1000, "called %lld ms after Retry-After: 1",
		     (long long)(s.hits[1].t - s.hits[0].t));
		T_OK(s.hits[2].t - s.hits[1].t >= 500, "called %lld ms after Retry-After: 0.5",
		     (long long)(s.hits[2].t - s.hits[1].t));
		T_OK(s.hits[3].t - s.hits[2].t < 900, "past HTTP-date waited %lld ms",
		     (long long)(s.hits[3].t - s.hits[2].t));
	}
}

static void
test_retry_after_date_and_budget(void)
{
	struct srv s;
	srv_listen(&s);
	char hdr[96];
	time_t at = (time_t)(clock_now_ms() / 1000) + 2;
	struct tm tm;
	gmtime_r(&at, &tm);
	strftime(hdr, sizeof hdr, "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
	const struct canned script[] = {
		{ 429, hdr, "{}" },
		{ 200, "", "{}" },
		{ 429, "Retry-After: 30\r\n", "{}" },
	};
	srv_run(&s, script, 3);
	struct conn_ctx c;
	ctx(&c, "{}", "{}", NULL);
	c.max_wait_ms = 5000;
	struct http_response r;
	struct buf msg;
	buf_init(&msg, a, 64);
	int64_t t0 = conn_call_mono_ms();
	int rc1 = conn_call(&c, "amazon", NULL, "GET", url(&s, "/a"), NULL, 0, NULL, 0, &r, &msg);
	int64_t t1 = conn_call_mono_ms();
	/* Retry-After 30 s is over the 5 s budget: give up at once, remember it */
	int rc2 = conn_call(&c, "amazon", NULL, "GET", url(&s, "/b"), NULL, 0, NULL, 0, &r, &msg);
	int64_t t2 = conn_call_mono_ms();
	T_OK(strstr(buf_cstr(&msg), "2 回試行") == NULL, "first call succeeded");
	buf_clear(&msg);
	int rc3 = conn_call(&c, "amazon", NULL, "GET", url(&s, "/c"), NULL, 0, NULL, 0, &r, &msg);
	srv_stop(&s);
	T_INTEQ(rc1, 0);
	T_OK(t1 - t0 >= 900, "HTTP-date Retry-After honoured (%lld ms)", (long long)(t1 - t0));
	T_INTEQ(rc2, -ERR_UNAVAILABLE);
	T_OK(t2 - t1 < 1500, "gave up without waiting (%lld ms)", (long long)(t2 - t1));
	T_OK(c.not_before_ms - t2 > 28000, "not_before kept Retry-After");
	/* the next call refuses rather than calling before Retry-After */
	T_INTEQ(rc3, -ERR_UNAVAILABLE);
	T_INTEQ(s.n, 3);
	T_OK(strstr(buf_cstr(&msg), "呼び出し制限") != NULL, "msg: %s", buf_cstr(&msg));
}

static void
test_bounded_and_errors(void)
{
	struct srv s;
	srv_listen(&s);
	const struct canned script[] = {
		{ 503, "", "{}" }, { 502, "", "{}" }, { 500, "", "{}" },
		{ 401, "", "{\"errors\":\"[API] Invalid API key or access token\"}" },
		{ 404, "", "{\"errors\":\"Not Found\"}" },
	};
	srv_run(&s, script, 5);
	struct conn_ctx c;
	ctx(&c, "{}", "{}", NULL);
	c.max_retries = 2;
	struct http_response r;
	struct buf msg;
	buf_init(&msg, a, 64);
	int64_t t0 = conn_call_mono_ms();
	int rc = conn_call(&c, "shopify", NULL, "GET", url(&s, "/5xx"), NULL, 0, NULL, 0, &r, &msg);
	int64_t t1 = conn_call_mono_ms();
	T_INTEQ(rc, -ERR_UNAVAILABLE);
	T_INTEQ(c.stats.api_calls, 3);
	T_INTEQ(c.stats.retries, 2);
	T_OK(t1 - t0 <= 3000 + 500, "backoff bounded: %lld ms", (long long)(t1 - t0));
	T_OK(strstr(buf_cstr(&msg), "3 回試行") != NULL && strstr(buf_cstr(&msg), "HTTP 500") != NULL &&
	     strstr(buf_cstr(&msg), "Shopify") != NULL, "msg: %s", buf_cstr(&msg));
	buf_clear(&msg);
	rc = conn_call(&c, "shopify", NULL, "GET", url(&s, "/401"), NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, -ERR_FORBIDDEN);
	T_INTEQ(r.status, 401);
	T_OK(r.body != NULL && strstr(r.body, "Invalid API key") != NULL, "401 body kept");
	T_INTEQ(c.stats.api_calls, 4);
	rc = conn_call(&c, "shopify", NULL, "GET", url(&s, "/404"), NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, 0);
	T_INTEQ(r.status, 404);
	srv_stop(&s);
	T_INTEQ(s.n, 5);
	T_INTEQ(c.stats.retries, 2);
}

static void
test_transport_and_guard(void)
{
	/* a port nothing listens on */
	struct srv s;
	srv_listen(&s);
	close(s.lfd);
	struct conn_ctx c;
	ctx(&c, "{}", "{}", NULL);
	c.max_retries = 1;
	struct http_response r;
	struct buf msg;
	buf_init(&msg, a, 64);
	int rc = conn_call(&c, "rakuten", NULL, "GET", url(&s, "/x"), NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, -ERR_UNAVAILABLE);
	T_INTEQ(c.stats.api_calls, 2);
	T_OK(strstr(buf_cstr(&msg), "接続できません") != NULL && strstr(buf_cstr(&msg), "楽天") != NULL,
	     "msg: %s", buf_cstr(&msg));

	/* without the allowlist, loopback is refused by the guard: -ERR_CONFIG, no retry */
	static const struct http_client_opts guarded = { .timeout_s = 5 };
	c.http = &guarded;
	buf_clear(&msg);
	rc = conn_call(&c, "shopify", NULL, "GET", url(&s, "/x"), NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, -ERR_CONFIG);
	T_OK(strstr(buf_cstr(&msg), "接続先 127.0.0.1") != NULL &&
	     strstr(buf_cstr(&msg), "非公開アドレス") != NULL &&
	     strstr(buf_cstr(&msg), "loopback") != NULL, "msg: %s", buf_cstr(&msg));
	T_INTEQ(c.stats.retries, 1);
	buf_clear(&msg);
	rc = conn_call(&c, "shopify", NULL, "GET", "ftp://example.com/x", NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, -ERR_INVALID);
	rc = conn_call(&c, "shopify", NULL, "GET", "http://exa mple.com/x", NULL, 0, NULL, 0, &r, &msg);
	T_INTEQ(rc, -ERR_INVALID);
}

static void
test_backoff_and_parse(void)
{
	int64_t hi0 = 0;
	for (int i = 0; i < 300; i++) {
		int64_t v0 = conn_call_backoff_ms(0), v3 = conn_call_backoff_ms(3);
		int64_t v20 = conn_call_backoff_ms(20), vn = conn_call_backoff_ms(-1);
		T_OK(v0 >= 0 && v0 <= 1000 && v3 >= 0 && v3 <= 8000 && v20 >= 0 && v20 <= 60000 &&
		     vn >= 0 && vn <= 1000, "backoff out of bounds");
		if (v0 > hi0)
			hi0 = v0;
	}
	T_OK(hi0 > 500, "backoff has jitter up to the cap (max seen %lld)", (long long)hi0);
	int64_t ms;
	T_INTEQ(conn_call_retry_after_ms("2", 0, &ms), 0);
	T_INTEQ(ms, 2000);
	T_INTEQ(conn_call_retry_after_ms("2.0", 0, &ms), 0);
	T_INTEQ(ms, 2000);
	T_INTEQ(conn_call_retry_after_ms(" 0.5", 0, &ms), 0);
	T_INTEQ(ms, 500);
	T_INTEQ(conn_call_retry_after_ms("1.0001", 0, &ms), 0);
	T_INTEQ(ms, 1001); /* rounded up: never earlier */
	T_INTEQ(conn_call_retry_after_ms("0", 0, &ms), 0);
	T_INTEQ(ms, 0);
	T_INTEQ(conn_call_retry_after_ms("99999999999999999999", 0, &ms), 0);
	T_INTEQ(ms, 86400000LL);
	T_INTEQ(conn_call_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412478000LL, &ms), 0);
	T_INTEQ(ms, 2000);
	T_INTEQ(conn_call_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490000LL, &ms), 0);
	T_INTEQ(ms, 0);
	static const char *const bad[] = { "", "-1", "abc", "1.", "1.5s", "2 seconds",
					   "Wed, 21 Oct 2015 07:28:00", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_OK(conn_call_retry_after_ms(bad[i], 0, &ms) == -ERR_INVALID, "accepted \"%s\"",
		     bad[i] ? bad[i] : "(null)");
	T_STREQ(conn_call_origin(a, "HTTPS://Shop.MyShopify.com:443/admin?x"), "https://shop.myshopify.com:443");
	T_OK(conn_call_origin(a, "https://user@host/x") == NULL, "userinfo has no origin");
	T_OK(conn_call_origin(a, "/relative") == NULL, "relative has no origin");
}

static void
test_buckets(void)
{
	const struct conn_rate r = { "t", 2.0, 3.0 };
	T_INTEQ(conn_call_bucket_wait_ms(1, &r), 0);
	T_INTEQ(conn_call_bucket_wait_ms(1, &r), 0);
	T_INTEQ(conn_call_bucket_wait_ms(1, &r), 0);
	int64_t w4 = conn_call_bucket_wait_ms(1, &r), w5 = conn_call_bucket_wait_ms(1, &r);
	T_OK(w4 > 400 && w4 <= 500, "4th waits ~500 ms (%lld)", (long long)w4);
	T_OK(w5 > 900 && w5 <= 1000, "5th waits ~1000 ms (%lld)", (long long)w5);
	T_INTEQ(conn_call_bucket_wait_ms(2, &r), 0); /* another connection: its own bucket */
	const struct conn_rate shop = { "rest", 2.0, 32.0 };
	T_INTEQ(conn_call_bucket_wait_ms(3, &shop), 0);
	struct conn_ctx c;
	memset(&c, 0, sizeof c);
	c.connection_id = 3;
	conn_shopify_pace(&c, "40/40");  /* the platform says the bucket is full */
	T_OK(conn_call_bucket_wait_ms(3, &shop) >= 4000, "full platform bucket: wait for room");
	conn_shopify_pace(&c, "garbage");
	conn_shopify_pace(&c, NULL);

	/* conn_call paces with the bucket: 5/s, no burst beyond 1 */
	struct srv s;
	srv_listen(&s);
	const struct canned script[] = { { 200, "", "{}" }, { 200, "", "{}" }, { 200, "", "{}" } };
	srv_run(&s, script, 3);
	ctx(&c, "{}", "{}", NULL);
	const struct conn_rate five = { "five", 5.0, 1.0 };
	struct http_response resp;
	for (int i = 0; i < 3; i++)
		T_INTEQ(conn_call(&c, "amazon", &five, "GET", url(&s, "/p"), NULL, 0, NULL, 0, &resp,
				  NULL), 0);
	srv_stop(&s);
	T_INTEQ(s.n, 3);
	for (size_t i = 1; i < s.n; i++)
		T_OK(s.hits[i].t - s.hits[i - 1].t >= 190, "paced call %zu after %lld ms", i,
		     (long long)(s.hits[i].t - s.hits[i - 1].t));
}

static void
test_log_has_no_secrets(void)
{
	struct srv s;
	srv_listen(&s);
	const struct canned script[] = { { 200, "", "{\"orders\":[]}" } };
	srv_run(&s, script, 1);
	struct conn_ctx c;
	ctx(&c, "{}", "{}", NULL);
	char path[] = "/tmp/test_conn_call_log_XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(2);
	dup2(fd, 2);
	const struct http_header h[] = { { "X-Shopify-Access-Token", "shpat_SECRET_TOKEN_1" } };
	struct http_response r;
	int rc = conn_call(&c, "shopify", NULL, "POST",
			   url(&s, "/admin/api/2025-01/orders.json?page_info=SECRET_QUERY"), h, 1,
			   "SECRET_BODY", 11, &r, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	srv_stop(&s);
	T_INTEQ(rc, 0);
	char *log = NULL;
	size_t n;
	T_INTEQ(file_read(a, path, 1 << 16, 0, &log, &n, NULL), 0);
	unlink(path);
	close(fd);
	T_OK(log != NULL && strstr(log, "\"conn_call\"") != NULL &&
	     strstr(log, "\"path\":\"/admin/api/2025-01/orders.json\"") != NULL &&
	     strstr(log, "\"status\":200") != NULL && strstr(log, "\"host\":\"127.0.0.1:") != NULL,
	     "log line: %s", log ? log : "");
	T_OK(log != NULL && strstr(log, "SECRET") == NULL, "secret in log: %s", log ? log : "");
	T_STREQ(s.hits[0].token, "shpat_SECRET_TOKEN_1");
	T_STREQ(s.hits[0].body, "SECRET_BODY");
}

/* ---- clients over HTTP ---- */

static void
test_shopify_flow(void)
{
	struct srv s;
	srv_listen(&s);
	const char *link = arena_printf(a, "Link: <http://127.0.0.1:%d/admin/api/2025-01/orders.json?"
					"limit=250&page_info=p2>; rel=\"next\"\r\n"
					"X-Shopify-Shop-Api-Call-Limit: 1/40\r\n", s.port);
	const char *locs = "{\"locations\":[{\"id\":1001,\"name\":\"東京倉庫\"},{\"id\":1002,\"name\":"
			   "\"大阪店\"}]}";
	const char *levels = "{\"inventory_levels\":[{\"inventory_item_id\":18001,\"location_id\":1001,"
			     "\"available\":5,\"updated_at\":\"2026-03-01T09:00:00+09:00\"},"
			     "{\"inventory_item_id\":18002,\"location_id\":1001,\"available\":null},"
			     "{\"inventory_item_id\":18003,\"location_id\":1002,\"available\":-2},"
			     "{\"inventory_item_id\":18004,\"location_id\":1002,\"available\":\"x\"},"
			     "{\"inventory_item_id\":99999,\"location_id\":1002,\"available\":1}]}";
	const struct canned script[] = {
		{ 200, link, fixture("shopify/orders.jp.json") },
		{ 200, "", "{\"orders\":[]}" },
		{ 200, arena_printf(a, "Link: <https://evil.example/admin/api/2025-01/orders.json?"
				    "page_info=x>; rel=\"next\"\r\n"), "{\"orders\":[]}" },
		{ 401, "", "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or "
			   "wrong password)\"}" },
		{ 200, "", locs },
		{ 200, "", fixture("shopify/products.jp.json") },
		{ 200, "", levels },
		{ 200, "", "{\"orders\":[]}" },
	};
	srv_run(&s, script, sizeof script / sizeof script[0]);
	struct conn_ctx c;
	ctx(&c, "{\"shop_domain\":\"demo.myshopify.com\"}", "{\"access_token\":\"shpat_test\"}",
	    url(&s, ""));
	struct conn_window w = { 1772323200000LL, 1772409600000LL }; /* 2026-03-01 00:00 .. 03-02 00:00 UTC */
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	const struct conn_ops *ops = conn_find("shopify");
	int rc1 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc1, 0);
	T_INTEQ(p.norders, 3);
	T_INTEQ(p.nerrors, 1);
	T_STREQ(p.next_token, url(&s, "/admin/api/2025-01/orders.json?limit=250&page_info=p2"));
	int rc2 = ops->fetch(&c, CONN_ORDERS, &w, p.next_token, &p, &msg);
	T_INTEQ(rc2, 0);
	T_OK(p.norders == 0 && p.next_token == NULL, "last page");
	buf_clear(&msg);
	int rc3 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc3, -ERR_UPSTREAM);
	T_OK(strstr(buf_cstr(&msg), "異なるホスト") != NULL && p.norders == 0, "msg: %s", buf_cstr(&msg));
	buf_clear(&msg);
	int rc4 = ops->fetch(&c, CONN_PRODUCTS, &w, NULL, &p, &msg);
	T_INTEQ(rc4, -ERR_FORBIDDEN);
	T_OK(strstr(buf_cstr(&msg), "Shopify がアクセストークンを拒否しました（401）") != NULL &&
	     strstr(buf_cstr(&msg), "Invalid API key") != NULL, "msg: %s", buf_cstr(&msg));
	buf_clear(&msg);
	int rc5 = ops->fetch(&c, CONN_STOCK, &w, NULL, &p, &msg);
	T_INTEQ(rc5, 0);
	T_INTEQ(p.nstock, 2);
	T_INTEQ(p.nerrors, 1);
	if (p.nstock == 2) {
		T_STREQ(p.stock[0].sku, "TSHIRT-RED-M");
		T_STREQ(p.stock[0].location_id, "1001");
		T_STREQ(p.stock[0].location_name, "東京倉庫");
		T_INTEQ(p.stock[0].quantity, 5);
		T_INTEQ(p.stock[0].updated_at_ms, 1772323200000LL);
		T_STREQ(p.stock[1].sku, "CAP-01");
		T_STREQ(p.stock[1].location_name, "大阪店");
		T_INTEQ(p.stock[1].quantity, -2);
	}
	T_OK(p.next_token == NULL, "one products page");
	buf_clear(&msg);
	T_INTEQ(ops->test(&c, &msg), 0);
	T_OK(strstr(buf_cstr(&msg), "Shopify に接続できました") != NULL, "msg: %s", buf_cstr(&msg));
	srv_stop(&s);
	T_INTEQ(s.n, 8);
	T_STREQ(s.hits[0].target, "/admin/api/2025-01/orders.json?status=any&updated_at_min="
		"2026-03-01T00:00:00Z&updated_at_max=2026-03-02T00:00:00Z&limit=250&order=updated_at%20asc");
	T_STREQ(s.hits[0].token, "shpat_test");
	T_STREQ(s.hits[1].target, "/admin/api/2025-01/orders.json?limit=250&page_info=p2");
	T_OK(strncmp(s.hits[3].target, "/admin/api/2025-01/products.json?updated_at_min=", 48) == 0,
	     "products URL %s", s.hits[3].target);
	T_STREQ(s.hits[4].target, "/admin/api/2025-01/locations.json");
	T_STREQ(s.hits[5].target, "/admin/api/2025-01/products.json?limit=250&fields=id%2Cvariants");
	T_STREQ(s.hits[6].target, "/admin/api/2025-01/inventory_levels.json?limit=250&inventory_item_ids="
		"18001%2C18002%2C18003%2C18004");
	T_STREQ(s.hits[7].target, "/admin/api/2025-01/orders.json?status=any&limit=1&fields=id");
}

static void
test_amazon_flow(void)
{
	struct srv s;
	srv_listen(&s);
	const char *tok1 = "{\"access_token\":\"Atza|one\",\"token_type\":\"bearer\",\"expires_in\":3600}";
	const char *tok2 = "{\"access_token\":\"Atza|two\",\"token_type\":\"bearer\",\"expires_in\":3600}";
	const char *denied = "{\"errors\":[{\"code\":\"Unauthorized\",\"message\":\"Access to requested "
			     "resource is denied.\",\"details\":\"\"}]}";
	const struct canned script[] = {
		{ 200, "", tok1 },
		{ 200, "", fixture("amazon/getOrders.jp.json") },
		{ 403, "", denied },
		{ 200, "", tok2 },
		{ 200, "", fixture("amazon/getOrderItems.jp.json") },
		{ 200, "", "{\"payload\":{\"OrderItems\":[],\"NextToken\":\"it2\"}}" },
		{ 200, "", "{\"payload\":{\"OrderItems\":[{\"OrderItemId\":\"9\",\"QuantityOrdered\":1,"
			   "\"ItemPrice\":{\"Amount\":\"500\"}}]}}" },
		{ 200, "", "{\"payload\":{\"Orders\":[]}}" },
		{ 400, "", "{\"error\":\"invalid_grant\",\"error_description\":\"The request has an "
			   "invalid grant parameter : refresh_token\"}" },
	};
	srv_run(&s, script, sizeof script / sizeof script[0]);
	struct conn_ctx c;
	ctx(&c, arena_printf(a, "{\"lwa_endpoint\":\"%s\"}", url(&s, "")),
	    "{\"client_id\":\"cid\",\"client_secret\":\"cs\",\"refresh_token\":\"Atzr|r+t/=\"}",
	    url(&s, ""));
	int64_t now = clock_now_ms();
	struct conn_window w = { now - 3600000, now };
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	const struct conn_ops *ops = conn_find("amazon");
	int rc1 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc1, 0);
	T_INTEQ(p.norders, 2);
	T_INTEQ(p.nerrors, 1);
	T_STREQ(p.next_token, "a1:MRgZW55IGNhcm5hbCBwbGVhc3VyZS4+/=");
	if (p.norders == 2) {
		T_INTEQ(p.orders[0].nlines, 2);
		T_STREQ(p.orders[0].total, "4880.00");
		const struct conn_jv *raw;
		const char *asin = "";
		T_INTEQ(conn_jv_parse(a, p.orders[0].raw, p.orders[0].raw_len, "raw", &raw, NULL), 0);
		T_INTEQ(conn_json_str(a, raw, "_order_items.0.ASIN", true, &asin, NULL), 0);
		T_STREQ(asin, "B000000001"); /* the merged raw */
		T_INTEQ(p.orders[1].nlines, 1);
		T_STREQ(p.orders[1].total, "500"); /* no OrderTotal: computed */
	}
	T_STREQ(c.token, "Atza|two");
	T_OK(c.token_expires > clock_now() + 3000, "token expiry kept");
	/* c->token is never read back (callers reset the arena it lives in): the cache is used */
	c.token = "bogus";
	c.token_expires = clock_now() + 9999;
	int rc2 = ops->fetch(&c, CONN_ORDERS, &w, p.next_token, &p, &msg);
	T_INTEQ(rc2, 0);
	T_OK(p.norders == 0 && p.next_token == NULL, "last page");
	/* edited credentials never reuse the old token; LWA refuses the new refresh token */
	conn_json_parse(a, "{\"client_id\":\"cid\",\"client_secret\":\"cs\",\"refresh_token\":\"Atzr|new\"}",
			67, "secrets", &c.secrets, NULL);
	buf_clear(&msg);
	int rc3 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc3, -ERR_FORBIDDEN);
	T_OK(strstr(buf_cstr(&msg), "リフレッシュトークンを拒否") != NULL &&
	     strstr(buf_cstr(&msg), "invalid_grant") != NULL, "msg: %s", buf_cstr(&msg));
	srv_stop(&s);
	T_INTEQ(s.n, 9);
	if (s.n < 9)
		return;
	T_STREQ(s.hits[0].target, "/auth/o2/token");
	T_STREQ(s.hits[0].body, "grant_type=refresh_token&refresh_token=Atzr%7Cr%2Bt%2F%3D&client_id=cid"
		"&client_secret=cs");
	const char *q = s.hits[1].target;
	T_OK(strncmp(q, "/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528&LastUpdatedAfter=", 65) == 0 &&
	     strstr(q, "&MaxResultsPerPage=100") != NULL, "getOrders %s", q);
	const char *before = strstr(q, "LastUpdatedBefore=");
	int64_t bms = 0;
	char bt[32] = "";
	if (before != NULL)
		snprintf(bt, sizeof bt, "%.20s", before + 18);
	T_INTEQ(conn_json_time_parse(bt, &bms, NULL), 0);
	T_OK(bms <= now - 120000, "LastUpdatedBefore %s is at least 2 minutes before now", bt);
	T_STREQ(s.hits[1].token, "Atza|one");
	T_STREQ(s.hits[2].target, "/orders/v0/orders/503-1234567-1234567/orderItems");
	T_STREQ(s.hits[2].token, "Atza|one");
	T_STREQ(s.hits[3].target, "/auth/o2/token");
	T_STREQ(s.hits[4].token, "Atza|two");
	T_STREQ(s.hits[5].target, "/orders/v0/orders/503-7654321-7654321/orderItems");
	T_STREQ(s.hits[6].target, "/orders/v0/orders/503-7654321-7654321/orderItems?NextToken=it2");
	T_STREQ(s.hits[7].target, "/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528&NextToken="
		"MRgZW55IGNhcm5hbCBwbGVhc3VyZS4%2B%2F%3D");
	T_STREQ(s.hits[7].token, "Atza|two");
	T_STREQ(s.hits[8].target, "/auth/o2/token");
	T_OK(strstr(s.hits[8].body, "refresh_token=Atzr%7Cnew") != NULL, "new refresh token: %s",
	     s.hits[8].body);
}

static void
test_rakuten_flow(void)
{
	struct srv s;
	srv_listen(&s);
	const char *search1 = "{\"orderNumberList\":[\"123456-20260301-0000000101\",\"123456-20260301-"
			      "0000000102\",\"123456-20260302-0000000103\"],\"MessageModelList\":[],"
			      "\"PaginationResponseModel\":{\"totalRecordsAmount\":3,\"totalPages\":1,"
			      "\"requestPage\":1}}";
	/* dateType 2: one order placed inside the window (skipped), one older */
	const char *search2 = "{\"orderNumberList\":[\"123456-20260301-0000000101\",\"123456-20260210-"
			      "0000000042\"],\"PaginationResponseModel\":{\"totalRecordsAmount\":2,"
			      "\"totalPages\":1,\"requestPage\":1}}";
	const char *old = "{\"OrderModelList\":[{\"orderNumber\":\"123456-20260210-0000000042\","
			  "\"orderProgress\":500,\"orderDatetime\":\"2026-02-10T08:00:00+0900\","
			  "\"shopOrderCfmDatetime\":\"2026-03-01T12:00:00+0900\",\"totalPrice\":1000,"
			  "\"PackageModelList\":[]}]}";
	const char *toomany = "{\"orderNumberList\":[],\"PaginationResponseModel\":{\"totalRecordsAmount\":"
			      "15001,\"totalPages\":16,\"requestPage\":1}}";
	const char *inv = "{\"inventories\":[{\"manageNumber\":\"towel01\",\"variantId\":\"v-white\","
			  "\"quantity\":12,\"created\":\"2022-01-01T10:00:00+09:00\",\"updated\":"
			  "\"2026-03-01T10:00:00+09:00\"},{\"manageNumber\":\"x\"}]}";
	const struct canned script[] = {
		{ 200, "", search1 },
		{ 200, "", fixture("rakuten/getOrder.json") },
		{ 200, "", search2 },
		{ 200, "", old },
		{ 200, "", toomany },
		{ 200, "", inv },
		{ 401, "", "{\"Results\":{\"errorCode\":\"ES04-01\",\"message\":\"Unauthorized\"}}" },
	};
	srv_run(&s, script, sizeof script / sizeof script[0]);
	struct conn_ctx c;
	ctx(&c, "{\"license_expires_on\":\"2026-01-31\",\"pacing\":\"off\"}",
	    "{\"service_secret\":\"SP1\",\"license_key\":\"SL2\"}", url(&s, "/"));
	int64_t now = clock_now_ms();
	/* 2026-03-01 00:00 JST .. 2026-03-02 00:00 JST */
	struct conn_window w = { 1772290800000LL, 1772377200000LL };
	T_OK(now - w.from_ms < 700LL * 86400 * 1000, "test window within 2 years (clock %lld)",
	     (long long)now);
	struct conn_page p;
	struct buf msg;
	buf_init(&msg, a, 64);
	const struct conn_ops *ops = conn_find("rakuten");
	int rc1 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc1, 0);
	T_INTEQ(p.norders, 2);
	T_INTEQ(p.nerrors, 2);
	T_STREQ(p.next_token, "r1:1772290800000:1772377200000:1:1");
	int rc2 = ops->fetch(&c, CONN_ORDERS, &w, p.next_token, &p, &msg);
	T_INTEQ(rc2, 0);
	T_INTEQ(p.norders, 1);
	if (p.norders == 1) {
		T_STREQ(p.orders[0].external_id, "123456-20260210-0000000042");
		T_INTEQ(p.orders[0].status, CONN_ST_SHIPPED);
		T_INTEQ(p.orders[0].updated_at_ms, 1772334000000LL);
	}
	T_STREQ(p.next_token, "r1:1772290800000:1772377200000:2:1");
	int rc3 = ops->fetch(&c, CONN_ORDERS, &w, p.next_token, &p, &msg);
	T_INTEQ(rc3, 0);
	T_INTEQ(p.norders, 0);
	T_STREQ(p.next_token, "r1:1772290800000:1772334000000:2:1"); /* halved */
	int rc4 = ops->fetch(&c, CONN_STOCK, &w, NULL, &p, &msg);
	T_INTEQ(rc4, 0);
	T_INTEQ(p.nstock, 1);
	T_STREQ(p.stock[0].sku, "towel01:v-white");
	T_STREQ(p.stock[0].location_id, "");
	T_INTEQ(p.stock[0].quantity, 12);
	T_INTEQ(p.stock[0].updated_at_ms, 1772326800000LL);
	T_INTEQ(p.nerrors, 1);
	T_OK(p.next_token == NULL, "one range covers all");
	buf_clear(&msg);
	int rc5 = ops->fetch(&c, CONN_ORDERS, &w, NULL, &p, &msg);
	T_INTEQ(rc5, -ERR_FORBIDDEN);
	T_OK(strstr(buf_cstr(&msg), "ライセンスキーの有効期限（2026-01-31）が切れています") != NULL,
	     "msg: %s", buf_cstr(&msg));
	srv_stop(&s);
	T_INTEQ(s.n, 7);
	if (s.n < 7)
		return;
	T_STREQ(s.hits[0].target, "/es/2.0/order/searchOrder/");
	T_STREQ(s.hits[0].method, "POST");
	T_STREQ(s.hits[0].token, "ESA U1AxOlNMMg==");
	T_STREQ(s.hits[0].body, "{\"dateType\":1,\"startDatetime\":\"2026-02-16T00:00:00+0900\","
		"\"endDatetime\":\"2026-03-01T23:59:59+0900\",\"PaginationRequestModel\":{"
		"\"requestRecordsAmount\":1000,\"requestPage\":1,\"SortModelList\":[{\"sortColumn\":1,"
		"\"sortDirection\":1}]}}");
	T_STREQ(s.hits[1].target, "/es/2.0/order/getOrder/");
	T_STREQ(s.hits[1].body, "{\"orderNumberList\":[\"123456-20260301-0000000101\",\"123456-20260301-"
		"0000000102\",\"123456-20260302-0000000103\"],\"version\":7}");
	T_OK(strstr(s.hits[2].body, "\"dateType\":2") != NULL, "dateType 2: %s", s.hits[2].body);
	T_STREQ(s.hits[3].body, "{\"orderNumberList\":[\"123456-20260210-0000000042\"],\"version\":7}");
	T_STREQ(s.hits[5].target, "/es/2.0/inventories/bulk-get/range?minQuantity=0&maxQuantity=99999");
	T_STREQ(s.hits[5].method, "GET");
}

int
main(void)
{
	a = arena_new(0);
	signal(SIGPIPE, SIG_IGN);
	if (ssrf_policy_parse(a, "127.0.0.1", &allow_local, NULL) != 0)
		return 2;
	opts.allow = &allow_local;
	opts.timeout_s = 10;
	test_backoff_and_parse();
	test_buckets();
	test_retry_after();
	test_retry_after_date_and_budget();
	test_bounded_and_errors();
	test_transport_and_guard();
	test_log_has_no_secrets();
	test_shopify_flow();
	test_amazon_flow();
	test_rakuten_flow();
	arena_free(a);
	return t_done("conn_call");
}
