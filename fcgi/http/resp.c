/* resp.c: the buffered response — status, headers, cookies, body — written to FastCGI at the end. */
#include "resp.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "http/cookie.h"
#include "http/lex.h"
#include "http/req.h"

void
resp_init(struct resp *r, struct arena *a)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->headers, a, 256);
	buf_init(&r->body, a, 8192);
}

static bool
token_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!lex_is_tchar((unsigned char)*s))
			return false;
	return true;
}

static bool
value_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 32 && c != '\t') || c == 127)
			return false;
	}
	return true;
}

int
resp_header(struct req *req, const char *name, const char *value)
{
	if (!token_ok(name) || !value_ok(value)) {
		log_event(LOG_ERROR, "header_rejected", LOG_S("name", name));
		return -ERR_INVALID;
	}
	buf_puts(&req->resp.headers, name);
	buf_puts(&req->resp.headers, ": ");
	buf_puts(&req->resp.headers, value);
	buf_puts(&req->resp.headers, "\r\n");
	return 0;
}

int
resp_cookie(struct req *req, const char *name, const char *value, long max_age,
	    enum resp_samesite ss)
{
	if (!cookie_name_ok(name) || !cookie_value_ok(value)) {
		log_event(LOG_ERROR, "cookie_rejected", LOG_S("name", name));
		return -ERR_INVALID;
	}
	struct buf b;
	buf_init(&b, req->arena, 160);
	buf_printf(&b, "%s=%s; Path=/; Secure; HttpOnly; SameSite=%s", name, value,
		   ss == SAMESITE_STRICT ? "Strict" : "Lax");
	if (max_age >= 0)
		buf_printf(&b, "; Max-Age=%ld", max_age);
	return resp_header(req, "Set-Cookie", b.data);
}

static bool
local_path_ok(const char *p)
{
	if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return false;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 33 || c == 127 || c == '\\')
			return false;
	}
	return true;
}

int
resp_redirect(struct req *req, const char *local_path)
{
	resp_header(req, "Location", local_path_ok(local_path) ? local_path : "/");
	resp_set_body(req, "text/plain; charset=utf-8", "", 0);
	return 303;
}

void
resp_set_body(struct req *req, const char *ct, const char *data, size_t n)
{
	buf_clear(&req->resp.body);
	buf_append(&req->resp.body, data, n);
	req->resp.content_type = ct;
	req->resp.body_set = true;
}

static const char *
reason(int st)
{
	switch (st) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

int
resp_flush(struct req *req)
{
	struct resp *r = &req->resp;
	int st = r->status ? r->status : 200;
	char line[96];
	struct buf h;
	buf_init(&h, req->arena, 512);
	snprintf(line, sizeof line, "Status: %d %s\r\n", st, reason(st));
	buf_puts(&h, line);
	buf_puts(&h, "Content-Type: ");
	buf_puts(&h, r->content_type ? r->content_type : "text/html; charset=utf-8");
	buf_puts(&h, "\r\n");
	buf_puts(&h, "Cache-Control: ");
	buf_puts(&h, r->cache_control ? r->cache_control : "no-store");
	buf_puts(&h, "\r\n");
	snprintf(line, sizeof line, "Content-Length: %zu\r\n", r->body.len);
	buf_puts(&h, line);
	buf_puts(&h, "X-Request-Id: ");
	buf_puts(&h, req->req_id);
	buf_puts(&h, "\r\n");
	buf_append(&h, r->headers.data, r->headers.len);
	buf_puts(&h, "\r\n");
	FCGX_Stream *out = req->fcgx->out;
	if (FCGX_PutStr(h.data, (int)h.len, out) < 0)
		return -ERR_IO;
	if (req->method != HTTP_HEAD && r->body.len > 0) {
		size_t off = 0;
		while (off < r->body.len) {
			size_t chunk = r->body.len - off > (1u << 30) ? (1u << 30) : r->body.len - off;
			if (FCGX_PutStr(r->body.data + off, (int)chunk, out) < 0)
				return -ERR_IO;
			off += chunk;
		}
	}
	return 0;
}
