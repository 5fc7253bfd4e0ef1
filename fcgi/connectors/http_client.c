/* http_client.c: outbound HTTP(S) requests through libcurl, every connection checked by the SSRF guard. */
#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "connectors/ssrf_socket.h"
#include "core/err.h"
#include "core/log.h"

#define DEF_CONNECT_S 10
#define DEF_TIMEOUT_S 30
#define DEF_MAX_BODY (8u * 1024 * 1024)
#define MAX_REDIRECTS 5

/* State of one hop (one curl_easy_perform). */
struct hop {
	struct arena *a;
	struct ssrf_socket_guard g;  /* this hop's host and what the guard refused */
	struct buf body;
	size_t max;
	bool too_large;
	struct http_response *out;
};

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct hop *h = ud;
	size_t n = size * nmemb;
	if (n > h->max - h->body.len) {
		h->too_large = true;
		return 0;
	}
	buf_append(&h->body, p, n);
	return n;
}

static char *
header_value(struct arena *a, const char *p, size_t n, size_t name_len)
{
	const char *v = p + name_len + 1, *end = p + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return arena_strndup(a, v, (size_t)(end - v));
}

static size_t
header_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct hop *h = ud;
	size_t n = size * nmemb;
	static const struct {
		const char *name;
		size_t off;
	} keep[] = {
		{ "content-type", offsetof(struct http_response, content_type) },
		{ "retry-after", offsetof(struct http_response, retry_after) },
		{ "x-shopify-shop-api-call-limit", offsetof(struct http_response, call_limit) },
		{ "link", offsetof(struct http_response, link) },
		{ "location", offsetof(struct http_response, location) },
	};
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response (1xx, or the next one): forget the previous headers */
		for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
			*(char **)(void *)((char *)h->out + keep[i].off) = NULL;
		return n;
	}
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		size_t k = strlen(keep[i].name);
		if (n > k && p[k] == ':' && strncasecmp(p, keep[i].name, k) == 0) {
			*(char **)(void *)((char *)h->out + keep[i].off) = header_value(h->a, p, n, k);
			break;
		}
	}
	return n;
}

static int
fail(struct buf *err, int code, const char *msg, const char *host)
{
	if (err != NULL) {
		buf_puts(err, "http: ");
		if (host != NULL)
			buf_printf(err, "%s: ", host);
		buf_puts(err, msg);
	}
	return code;
}

/* one URL split: scheme, host and port (default port filled in) */
struct target {
	char scheme[8];
	char *host;
	int port;
};

static int
split_url(struct arena *a, const char *url, struct target *t, struct buf *err)
{
	CURLU *u = curl_url();
	if (u == NULL)
		return fail(err, -ERR_NOMEM, "out of memory", NULL);
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = 0;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		rc = fail(err, -ERR_INVALID, "malformed URL", NULL);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		log_event(LOG_WARN, "ssrf_blocked", LOG_S("scheme", scheme),
			  LOG_S("reason", "scheme not http(s)"));
		if (err != NULL)
			buf_printf(err, "blocked: scheme %s is not http or https", scheme);
		rc = -ERR_FORBIDDEN;
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		rc = fail(err, -ERR_INVALID, "URL without host", NULL);
		goto out;
	}
	snprintf(t->scheme, sizeof t->scheme, "%s", scheme);
	t->host = arena_strdup(a, host);
	t->port = (int)strtol(port, NULL, 10);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static bool
same_origin(const struct target *x, const struct target *y)
{
	return strcmp(x->scheme, y->scheme) == 0 && strcasecmp(x->host, y->host) == 0 &&
	       x->port == y->port;
}

static bool
header_ok(const struct http_header *h)
{
	if (h->name == NULL || h->value == NULL || h->name[0] == '\0')
		return false;
	for (const char *p = h->name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *p) != NULL))
			return false;
	return strpbrk(h->value, "\r\n") == NULL;
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
classify(CURLcode rc, const struct hop *h, const char *host, const char *ebuf, struct buf *err)
{
	if (h->g.blocked && rc == CURLE_COULDNT_CONNECT) {
		if (err != NULL)
			buf_printf(err, "blocked: %s address %s of host %s", h->g.why, h->g.addr, host);
		return -ERR_FORBIDDEN;
	}
	if (h->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		if (err != NULL)
			buf_printf(err, "http: %s: response body over %zu bytes", host, h->max);
		return -ERR_TOO_LARGE;
	}
	int code;
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		code = -ERR_TIMEOUT;
		break;
	case CURLE_URL_MALFORMAT:
		code = -ERR_INVALID;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		code = -ERR_FORBIDDEN;
		break;
	case CURLE_OUT_OF_MEMORY:
		code = -ERR_NOMEM;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
		code = -ERR_UPSTREAM;
		break;
	default:
		code = -ERR_UNAVAILABLE;
	}
	if (err != NULL)
		buf_printf(err, "http: %s: %s%s%s", host, curl_easy_strerror(rc), ebuf[0] ? ": " : "",
			   ebuf);
	return code;
}

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };

int
http_client_request(struct arena *a, const struct http_client_opts *o, const char *method,
		    const char *url, const struct http_header *headers, size_t nheaders,
		    const void *body, size_t body_len, struct http_response *out, struct buf *err)
{
	static bool inited;
	static const struct http_client_opts none;
	if (o == NULL)
		o = &none;
	memset(out, 0, sizeof *out);
	bool known = false;
	for (size_t i = 0; method != NULL && i < sizeof methods / sizeof methods[0]; i++)
		known |= strcmp(method, methods[i]) == 0;
	if (!known || url == NULL || (body == NULL && body_len > 0))
		return fail(err, -ERR_INVALID, "bad method, URL or body", NULL);
	for (size_t i = 0; i < nheaders; i++)
		if (!header_ok(&headers[i]))
			return fail(err, -ERR_INVALID, "bad request header", NULL);
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return fail(err, -ERR_UNAVAILABLE, "curl_global_init failed", NULL);
		inited = true;
	}
	long connect_s = o->connect_timeout_s > 0 ? o->connect_timeout_s : DEF_CONNECT_S;
	long total_s = o->timeout_s > 0 ? o->timeout_s : DEF_TIMEOUT_S;
	int max_redir = o->max_redirects < 0 ? 0 : o->max_redirects == 0 ? MAX_REDIRECTS
			: o->max_redirects > MAX_REDIRECTS ? MAX_REDIRECTS : o->max_redirects;
	int64_t deadline = now_ms() + (int64_t)total_s * 1000;
	bool send_headers = true;
	struct target first, cur;
	int rc = split_url(a, url, &first, err);
	if (rc != 0)
		return rc;
	cur = first;
	for (;;) {
		struct hop h = { .a = a, .g.host = cur.host, .out = out,
				 .max = o->max_body > 0 ? o->max_body : DEF_MAX_BODY };
		h.g.allowed = ssrf_host_allowed(o->allow, cur.host, cur.port);
		buf_init(&h.body, a, 0);
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return fail(err, -ERR_TIMEOUT, "timed out", cur.host);
		CURL *c = curl_easy_init();
		if (c == NULL)
			return fail(err, -ERR_NOMEM, "curl_easy_init failed", NULL);
		struct curl_slist *hl = NULL;
		bool slist_ok = true;
		for (size_t i = 0; send_headers && i < nheaders && slist_ok; i++) {
			char *line = arena_printf(a, "%s: %s", headers[i].name, headers[i].value);
			struct curl_slist *nl = curl_slist_append(hl, line);
			slist_ok = nl != NULL;
			if (nl != NULL)
				hl = nl;
		}
		if (slist_ok && body != NULL) {
			struct curl_slist *nl = curl_slist_append(hl, "Expect:");
			slist_ok = nl != NULL;
			if (nl != NULL)
				hl = nl;
		}
		if (!slist_ok) {
			curl_slist_free_all(hl);
			curl_easy_cleanup(c);
			return fail(err, -ERR_NOMEM, "out of memory", NULL);
		}
		char ebuf[CURL_ERROR_SIZE] = "";
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (o->ca_file != NULL && o->ca_file[0] != '\0')
			curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)(connect_s * 1000 < left ? connect_s * 1000 : left));
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h.max);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "ecc-connector/1");
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, ssrf_socket_open);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &h.g);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &h);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
		if (strcmp(method, "HEAD") == 0)
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		else if (strcmp(method, "GET") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (body != NULL) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		}
		CURLcode cr = curl_easy_perform(c);
		long status = 0;
		char *next = NULL;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cr == CURLE_OK) {
			char *r = NULL;
			if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &r) == CURLE_OK && r != NULL)
				next = arena_strdup(a, r);
		} else {
			rc = classify(cr, &h, cur.host, ebuf, err);
		}
		curl_slist_free_all(hl);
		curl_easy_cleanup(c);
		if (rc != 0)
			return rc;
		out->status = status;
		out->body = h.body.data;
		out->body_len = h.body.len;
		out->final_url = arena_strdup(a, url);
		if (next == NULL || status < 300 || status > 399)
			return 0;
		if (out->redirects >= max_redir) {
			if (o->max_redirects < 0)
				return 0;
			if (err != NULL)
				buf_printf(err, "http: %s: more than %d redirects", cur.host, max_redir);
			return -ERR_UPSTREAM;
		}
		struct target nt;
		if ((rc = split_url(a, next, &nt, err)) != 0)
			return rc;
		if (!same_origin(&nt, &first))
			send_headers = false;
		if (status == 303 || ((status == 301 || status == 302) && strcmp(method, "POST") == 0)) {
			if (strcmp(method, "HEAD") != 0)
				method = "GET";
			body = NULL;
			body_len = 0;
		}
		out->redirects++;
		out->location = NULL;
		url = next;
		cur = nt;
	}
}

int
http_client_get(struct arena *a, const struct http_client_opts *o, const char *url,
		struct http_response *out, struct buf *err)
{
	return http_client_request(a, o, "GET", url, NULL, 0, NULL, 0, out, err);
}
