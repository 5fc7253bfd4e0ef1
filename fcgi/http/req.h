/* req.h: one HTTP request as the worker sees it, built from the FastCGI parameters. */
#ifndef ECC_REQ_H
#define ECC_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcgiapp.h>

#include "core/arena.h"
#include "http/form.h"
#include "http/resp.h"

struct app;
struct route;
struct view;
struct multipart;
struct cookies;
struct session;

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
};

#define REQ_MAX_PATH_PARAMS 4

/*
 * Everything here lives in req->arena and dies at the end of the request.
 * Strings from FCGX_GetParam are copied (libfcgi invalidates them at
 * FCGX_Finish_r).
 */
struct req {
	struct arena *arena;
	FCGX_Request *fcgx;
	const struct app *app;

	int method;               /* one HTTP_* bit; 0 = unknown method */
	const char *method_name;
	const char *path;         /* normalised, percent-decoded once, valid UTF-8 */
	const char *raw_query;    /* "" if none */
	const char *remote_addr;  /* as nginx passes it */
	const char *user_agent;
	const char *content_type; /* "" if none */
	size_t content_length;
	const char *req_id;       /* 32 hex chars, from nginx $request_id or generated */
	bool https;

	struct form query;        /* parsed query string */
	struct form form;         /* parsed body (urlencoded or multipart text parts) */
	struct multipart *multipart; /* NULL unless multipart/form-data */
	struct cookies *cookies;  /* parsed lazily by req_cookie */
	const char *body;         /* raw body, NUL-terminated; NULL if none */
	size_t body_len;

	const struct route *route;
	const char *param_names[REQ_MAX_PATH_PARAMS];
	const char *param_values[REQ_MAX_PATH_PARAMS];
	int nparams;

	const char *lang;         /* "ja" or "en" */
	struct session *session;  /* who is signed in (auth/session.h); NULL if nobody */
	const char *pre_session;  /* pre-session id (cookie), for CSRF; NULL until ensured */
	const char *flash_key;    /* one-shot message key read from the flash cookie */

	int64_t start_us;
	struct resp resp;
};

/*
 * req_init: fill r from the FastCGI request. Applies every limit before
 * reading or allocating anything large. Returns 0, or an HTTP status (400,
 * 413, 501) when the request must be refused; in that case r is still
 * usable for rendering the error page (path may be "/").
 */
int req_init(struct req *r, const struct app *app, FCGX_Request *fcgx, struct arena *a);

/*
 * req_read_body: read CONTENT_LENGTH bytes into the arena and parse it by
 * content type (urlencoded or multipart). Returns 0 or an HTTP status:
 * 400 (short or malformed body, duplicate of a single-valued key is found
 * later by req_form), 413 (over a limit), 415 (unsupported content type).
 */
int req_read_body(struct req *r);

/* req_header: HTTP request header by its CGI name ("HTTP_ORIGIN"); NULL if
 * absent. The string lives in the arena. */
const char *req_header(struct req *r, const char *cgi_name);

/* req_cookie: cookie value or NULL. */
const char *req_cookie(struct req *r, const char *name);

/*
 * req_form: the single value of a body field. Returns 0, -ERR_NOT_FOUND, or
 * -ERR_CONFLICT when the name occurs more than once (callers answer 400).
 */
int req_form(struct req *r, const char *name, const char **val);

/* req_query: the single value of a query parameter, as req_form. */
int req_query(struct req *r, const char *name, const char **val);

/* req_param: a typed path parameter captured by the router; NULL if absent. */
const char *req_param(struct req *r, const char *name);

/* req_param_i64: path parameter {name:int} as a number; -ERR_NOT_FOUND if
 * absent (the router already guaranteed the format). */
int req_param_i64(struct req *r, const char *name, int64_t *out);

/* req_method_bit: "GET" → HTTP_GET, unknown → 0. */
int req_method_bit(const char *name);

#endif
