/* req.c: one HTTP request as the worker sees it, built from the FastCGI parameters. */
#include "req.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "http/cookie.h"
#include "http/multipart.h"
#include "http/path.h"
#include "http/urlenc.h"
#include "server/app.h"

#define REQ_MAX_URI 8192

static const char *
param(struct req *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgx->envp);
	return v ? arena_strdup(r->arena, v) : NULL;
}

int
req_method_bit(const char *name)
{
	static const struct { const char *n; int bit; } m[] = {
		{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
		{ "PUT", HTTP_PUT }, { "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
		{ "OPTIONS", HTTP_OPTIONS },
	};
	for (size_t i = 0; name != NULL && i < sizeof m / sizeof m[0]; i++)
		if (strcmp(name, m[i].n) == 0)
			return m[i].bit;
	return 0;
}

static bool
hex32(const char *s)
{
	if (s == NULL || strlen(s) != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

int
req_init(struct req *r, const struct app *app, FCGX_Request *fcgx, struct arena *a)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	r->fcgx = fcgx;
	r->app = app;
	r->start_us = clock_mono_us();
	resp_init(&r->resp, a);
	form_init(&r->query, a, FORM_MAX_PAIRS);
	form_init(&r->form, a, FORM_MAX_PAIRS);
	r->path = "/";
	r->raw_query = "";
	r->content_type = "";
	r->lang = "ja";

	const char *rid = FCGX_GetParam("REQUEST_ID", fcgx->envp);
	r->req_id = hex32(rid) ? arena_strdup(a, rid) : rand_hex(a, 16);
	log_set_request(r->req_id, 0);

	r->method_name = param(r, "REQUEST_METHOD");
	r->method = req_method_bit(r->method_name);
	r->remote_addr = param(r, "REMOTE_ADDR");
	r->user_agent = param(r, "HTTP_USER_AGENT");
	const char *https = FCGX_GetParam("HTTPS", fcgx->envp);
	r->https = https != NULL && (strcmp(https, "on") == 0 || strcmp(https, "1") == 0);

	const char *lang = req_cookie(r, "__Host-ecc_lang");
	if (lang != NULL && (strcmp(lang, "ja") == 0 || strcmp(lang, "en") == 0))
		r->lang = lang;

	const char *uri = FCGX_GetParam("REQUEST_URI", fcgx->envp);
	if (uri == NULL || *uri == '\0')
		return 400;
	size_t ulen = strlen(uri);
	if (ulen > REQ_MAX_URI)
		return 400;
	const char *q = memchr(uri, '?', ulen);
	size_t plen = q ? (size_t)(q - uri) : ulen;
	char *norm = NULL;
	if (path_normalize(a, uri, plen, &norm) != 0)
		return 400;
	r->path = norm;
	if (q != NULL) {
		r->raw_query = arena_strdup(a, q + 1);
		int rc = urlenc_parse(a, r->raw_query, strlen(r->raw_query), &r->query);
		if (rc == -ERR_TOO_LARGE)
			return 413;
		if (rc != 0)
			return 400;
	}

	const char *ct = FCGX_GetParam("CONTENT_TYPE", fcgx->envp);
	if (ct != NULL)
		r->content_type = arena_strdup(a, ct);
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", fcgx->envp);
	if (cl != NULL && *cl != '\0') {
		char *end;
		errno = 0;
		if (cl[0] < '0' || cl[0] > '9')
			return 400;
		unsigned long long n = strtoull(cl, &end, 10);
		if (errno == ERANGE || *end != '\0')
			return errno == ERANGE ? 413 : 400;
		if (n > app->cfg.max_body)
			return 413;
		r->content_length = (size_t)n;
	}
	return 0;
}

static bool
ct_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
req_read_body(struct req *r)
{
	if (r->body != NULL)
		return 0;
	size_t n = r->content_length;
	char *body = arena_alloc(r->arena, n + 1);
	size_t got = 0;
	while (got < n) {
		size_t want = n - got > (1u << 20) ? (1u << 20) : n - got;
		int k = FCGX_GetStr(body + got, (int)want, r->fcgx->in);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != n)
		return 400;
	body[n] = '\0';
	r->body = body;
	r->body_len = n;
	if (n == 0 && r->content_type[0] == '\0')
		return 0;
	if (ct_is(r->content_type, "application/x-www-form-urlencoded")) {
		int rc = urlenc_parse(r->arena, body, n, &r->form);
		return rc == 0 ? 0 : rc == -ERR_TOO_LARGE ? 413 : 400;
	}
	if (ct_is(r->content_type, "multipart/form-data")) {
		struct multipart_limits lim = {
			.max_parts = (size_t)r->app->cfg.max_parts,
			.max_part_bytes = r->app->cfg.max_part,
			.max_header_bytes = 8192,
		};
		struct buf err;
		buf_init(&err, r->arena, 128);
		int rc = multipart_parse(r->arena, r->content_type, body, n, &lim, &r->multipart,
					 &r->form, &err);
		if (rc != 0) {
			log_event(LOG_WARN, "multipart_rejected", LOG_S("reason", err.data));
			return rc == -ERR_TOO_LARGE ? 413 : 400;
		}
		return 0;
	}
	return 415;
}

const char *
req_header(struct req *r, const char *cgi_name)
{
	return param(r, cgi_name);
}

const char *
req_cookie(struct req *r, const char *name)
{
	if (r->cookies == NULL) {
		const char *h = FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp);
		r->cookies = arena_calloc(r->arena, 1, sizeof *r->cookies);
		if (h != NULL)
			cookie_parse(r->arena, h, strlen(h), COOKIE_MAX, r->cookies);
	}
	const char *v = NULL;
	return cookie_get(r->cookies, name, &v) == 0 ? v : NULL;
}

int
req_form(struct req *r, const char *name, const char **val)
{
	size_t n;
	return form_get(&r->form, name, val, &n);
}

int
req_query(struct req *r, const char *name, const char **val)
{
	size_t n;
	return form_get(&r->query, name, val, &n);
}

const char *
req_param(struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

int
req_param_i64(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_param(r, name);
	if (v == NULL)
		return -ERR_NOT_FOUND;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end != '\0')
		return -ERR_INVALID;
	*out = n;
	return 0;
}
