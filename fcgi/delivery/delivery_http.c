/* delivery_http.c: deliver a file as the raw body of an HTTPS POST through the guarded HTTP client. */
#include "delivery_http.h"

#include <string.h>

#include <openssl/evp.h>

#include "connectors/http_client.h"
#include "core/err.h"

#define SNIPPET_MAX 200
#define RESPONSE_MAX (1024 * 1024)
#define MAX_HEADERS 4

char *
delivery_http_disposition(struct arena *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	buf_init(&b, a, 64 + strlen(name) * 4);
	buf_puts(&b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_putc(&b, (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%')
				     ? '_' : (char)*p);
	buf_puts(&b, "\"; filename*=UTF-8''");
	/* RFC 5987 attr-char: ALPHA DIGIT ! # $ & + - . ^ _ ` | ~ */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    (*p != 0 && strchr("!#$&+-.^_`|~", *p) != NULL)) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	return b.data;
}

static const char *
snippet(struct arena *a, const char *body, size_t len)
{
	struct buf b;
	buf_init(&b, a, SNIPPET_MAX + 8);
	if (body != NULL)
		delivery_snippet(&b, body, len, SNIPPET_MAX);
	return b.data;
}

int
delivery_http_judge(struct arena *a, long status, const char *body, size_t body_len,
		    const char *location, struct delivery_result *r)
{
	r->http_status = status;
	const char *s = snippet(a, body, body_len);
	const char *sep = s[0] != '\0' ? ": " : "";
	if (status >= 200 && status <= 299) {
		r->cat = DELIVERY_OK;
		r->message = arena_printf(a, "HTTP %ld で受け付けられました", status);
		return 0;
	}
	if (status == 401 || status == 403)
		return delivery_fail(a, r, DELIVERY_CAT_AUTH, -ERR_FORBIDDEN,
				     "認証に失敗しました（HTTP %ld が返りました）%s%s", status, sep, s);
	if (status >= 300 && status <= 399) {
		struct buf loc;
		buf_init(&loc, a, 0);
		if (location != NULL)
			delivery_snippet(&loc, location, strlen(location), SNIPPET_MAX);
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "HTTP %ld が返りました（転送先 %s）。配信ではリダイレクトに従いません",
				     status, loc.len > 0 ? loc.data : "なし");
	}
	return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM, "HTTP %ld が返りました%s%s",
			     status, sep, s);
}

/* the reason in "blocked: <reason> address <addr> of host <host>" */
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
delivery_http_error(struct arena *a, const char *host, int rc, const char *err,
		    struct delivery_result *r)
{
	if (err == NULL)
		err = "";
	r->detail = arena_strdup(a, err);
	switch (rc) {
	case -ERR_FORBIDDEN:
		if (strstr(err, "blocked: scheme") != NULL)
			return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
					     "送信先 URL は https:// で始めてください（%s）", host);
		return delivery_fail(a, r, DELIVERY_CAT_GUARD, -ERR_FORBIDDEN,
				     "接続先 %s は社内・ループバック等の非公開アドレスのため接続できません"
				     "（%s）", host, blocked_reason(a, err));
	case -ERR_INVALID:
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "送信先 URL が正しくありません（%s）", host);
	case -ERR_TOO_LARGE:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "%s の応答が大きすぎます（%d バイト超）", host, RESPONSE_MAX);
	case -ERR_UPSTREAM:
		if (strstr(err, "certificate") != NULL)
			return delivery_fail(a, r, DELIVERY_CAT_HOSTKEY, -ERR_FORBIDDEN,
					     "%s の TLS 証明書を検証できません。接続を中止しました", host);
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "%s と正しく通信できませんでした（TLS または応答の異常）", host);
	case -ERR_TIMEOUT:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_TIMEOUT,
				     "接続できません: %s でタイムアウトしました", host);
	case -ERR_NOMEM:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_NOMEM,
				     "メモリが足りないため配信できませんでした");
	}
	return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
			     "接続できません: %s（接続が拒否されたか、到達できません）", host);
}

static const char *
url_host(struct arena *a, const char *url)
{
	const char *h = url + 8; /* validated: https:// and no userinfo */
	return arena_strndup(a, h, strcspn(h, "/?#"));
}

/* headers: the authorization (and, for a POST, the content) headers */
static size_t
headers(struct arena *a, const struct delivery_target *t, const char *name,
	struct http_header h[MAX_HEADERS])
{
	size_t n = 0;
	if (name != NULL) {
		h[n++] = (struct http_header){ "Content-Type", t->content_type != NULL &&
							       t->content_type[0] != '\0'
							       ? t->content_type : "text/csv" };
		h[n++] = (struct http_header){ "Content-Disposition", delivery_http_disposition(a, name) };
	}
	if (t->bearer_token != NULL && t->bearer_token[0] != '\0') {
		h[n++] = (struct http_header){ "Authorization",
					       arena_printf(a, "Bearer %s", t->bearer_token) };
	} else if (t->basic_user != NULL && t->basic_user[0] != '\0') {
		const char *up = arena_printf(a, "%s:%s", t->basic_user,
					      t->basic_password != NULL ? t->basic_password : "");
		size_t ul = strlen(up);
		unsigned char *enc = arena_alloc(a, 4 * ((ul + 2) / 3) + 1);
		EVP_EncodeBlock(enc, (const unsigned char *)up, (int)ul);
		h[n++] = (struct http_header){ "Authorization", arena_printf(a, "Basic %s", (char *)enc) };
	}
	return n;
}

static void
client_opts(const struct delivery_opts *o, const struct delivery_target *t, struct http_client_opts *ho)
{
	memset(ho, 0, sizeof *ho);
	ho->allow = o->allow;
	ho->ca_file = o->ca_file;
	ho->connect_timeout_s = t->connect_timeout_s > 0 ? t->connect_timeout_s
							  : DELIVERY_CONNECT_TIMEOUT_S;
	ho->timeout_s = t->timeout_s > 0 ? t->timeout_s : DELIVERY_TIMEOUT_S;
	ho->max_body = RESPONSE_MAX;
	ho->max_redirects = -1;
}

int
delivery_http_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		   const char *name, const void *data, size_t len, struct delivery_result *r)
{
	struct http_client_opts ho;
	struct http_header h[MAX_HEADERS];
	struct http_response resp;
	struct buf err;
	client_opts(o, t, &ho);
	size_t nh = headers(a, t, name, h);
	buf_init(&err, a, 0);
	r->remote = arena_strndup(a, t->url, strcspn(t->url, "?#"));
	/* a non-NULL body even when empty, so that http_client sends a POST body */
	int rc = http_client_request(a, &ho, "POST", t->url, h, nh, data != NULL ? data : "", len,
				     &resp, &err);
	if (rc != 0)
		return delivery_http_error(a, url_host(a, t->url), rc, buf_cstr(&err), r);
	rc = delivery_http_judge(a, resp.status, resp.body, resp.body_len, resp.location, r);
	if (rc == 0) {
		r->bytes = len;
		r->message = arena_printf(a, "%s に配信しました（HTTP %ld、%zu バイト）", r->remote,
					  resp.status, len);
	}
	return rc;
}

int
delivery_http_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		   struct delivery_result *r)
{
	struct http_client_opts ho;
	struct http_header h[MAX_HEADERS];
	struct http_response resp;
	struct buf err;
	client_opts(o, t, &ho);
	size_t nh = headers(a, t, NULL, h);
	buf_init(&err, a, 0);
	r->remote = arena_strndup(a, t->url, strcspn(t->url, "?#"));
	int rc = http_client_request(a, &ho, "HEAD", t->url, h, nh, NULL, 0, &resp, &err);
	if (rc != 0)
		return delivery_http_error(a, url_host(a, t->url), rc, buf_cstr(&err), r);
	r->http_status = resp.status;
	if (resp.status == 401 || resp.status == 403)
		return delivery_fail(a, r, DELIVERY_CAT_AUTH, -ERR_FORBIDDEN,
				     "認証に失敗しました（HTTP %ld が返りました）", resp.status);
	r->message = arena_printf(a, "接続できました: %s（HTTP %ld）", r->remote, resp.status);
	return 0;
}
