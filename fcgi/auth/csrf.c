/* csrf.c: synchronizer tokens bound to the pre-session cookie, plus Origin / Fetch-Metadata checks. */
#include "csrf.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/b64.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "auth/session.h"
#include "http/req.h"
#include "server/app.h"

#define PRE_LEN 43 /* 32 bytes base64url */

static const char *
cookie_name(const struct req *r)
{
	return r->app->zone == ZONE_OPS ? "__Host-ecc_ops_pre" : "__Host-ecc_pre";
}

static bool
pre_ok(const char *v)
{
	unsigned char raw[48];
	return v != NULL && strlen(v) == PRE_LEN && b64url_decode(v, PRE_LEN, raw, sizeof raw) == 32;
}

/* The token is bound to the session when there is one (its id hash), else
 * to the pre-session cookie: a token never outlives a login or logout. */
static const char *
derive(struct req *r, const char *pre)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	struct buf msg;
	buf_init(&msg, r->arena, 128);
	buf_puts(&msg, "ecc-csrf-v1|");
	buf_puts(&msg, r->app->zone_name);
	if (r->session != NULL) {
		buf_puts(&msg, "|s|");
		for (int i = 0; i < 32; i++) {
			buf_putc(&msg, hex[r->session->id_hash[i] >> 4]);
			buf_putc(&msg, hex[r->session->id_hash[i] & 15]);
		}
	}
	buf_puts(&msg, "|p|");
	buf_puts(&msg, pre);
	if (HMAC(EVP_sha256(), r->app->cfg.csrf_key_secret, (int)r->app->cfg.csrf_key_len,
		 (const unsigned char *)msg.data, msg.len, mac, &maclen) == NULL)
		return NULL;
	return b64url_encode(r->arena, mac, maclen);
}

const char *
csrf_token(struct req *r)
{
	if (r->pre_session == NULL) {
		const char *c = req_cookie(r, cookie_name(r));
		if (pre_ok(c)) {
			r->pre_session = c;
		} else {
			r->pre_session = rand_token(r->arena, 32);
			resp_cookie(r, cookie_name(r), r->pre_session, -1, SAMESITE_LAX);
		}
	}
	return derive(r, r->pre_session);
}

/* "https://host:port" prefix of a base URL, in the arena */
static const char *
origin_of(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return url;
	const char *slash = strchr(p + 3, '/');
	return slash ? arena_strndup(a, url, (size_t)(slash - url)) : url;
}

static int
deny(const char *why)
{
	log_event(LOG_WARN, "csrf_rejected", LOG_S("reason", why));
	return 403;
}

int
csrf_check(struct req *r)
{
	const char *site = req_header(r, "HTTP_SEC_FETCH_SITE");
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return deny("fetch_site");
	const char *origin = req_header(r, "HTTP_ORIGIN");
	/* A page sent with Referrer-Policy: no-referrer (the set-password
	 * page) makes the browser send "Origin: null" on its own forms; then
	 * Fetch Metadata must vouch for the request instead. */
	if (origin != NULL && strcmp(origin, "null") == 0) {
		if (site == NULL || strcmp(site, "same-origin") != 0)
			return deny("origin_null");
	} else if (origin != NULL) {
		const char *base = r->app->zone == ZONE_OPS ? r->app->cfg.ops_base_url
							    : r->app->cfg.base_url;
		if (strcmp(origin, origin_of(r->arena, base)) != 0)
			return deny("origin");
	}
	const char *pre = req_cookie(r, cookie_name(r));
	if (!pre_ok(pre))
		return deny("no_pre_session");
	const char *sent = NULL;
	int rc = req_form(r, CSRF_FIELD, &sent);
	if (rc == -ERR_CONFLICT)
		return deny("duplicate_token");
	if (rc != 0)
		sent = req_header(r, CSRF_HEADER);
	if (sent == NULL)
		return deny("missing_token");
	const char *want = derive(r, pre);
	if (want == NULL || strlen(sent) != strlen(want) ||
	    CRYPTO_memcmp(sent, want, strlen(want)) != 0)
		return deny("bad_token");
	r->pre_session = pre;
	return 0;
}
