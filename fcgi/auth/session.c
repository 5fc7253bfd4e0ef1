/* session.c: server-side sessions — the cookie, the states of a login, timeouts, rotation, step-up. */
#include "session.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/b64.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"
#include "db/dbq_sessions.h"
#include "db/dbq_tenants.h"
#include "http/req.h"
#include "pages/routes.h"
#include "server/app.h"

#define SID_BYTES 32
#define SID_LEN 43          /* base64url of 32 bytes */
#define PENDING_IDLE_S 600  /* a half-finished login lasts 10 minutes */
#define TOUCH_EVERY_S 30    /* last_seen_at is written at most this often */
#define SESSION_UA_MAX 1000 /* bytes of the user agent kept (ua_enc holds 1200) */

static void
id_hash(const char *sid, unsigned char out[32])
{
	SHA256((const unsigned char *)sid, strlen(sid), out);
}

static bool
sid_ok(const char *v)
{
	unsigned char raw[40];
	return v != NULL && strlen(v) == SID_LEN && b64url_decode(v, SID_LEN, raw, sizeof raw) == SID_BYTES;
}

static int
role_of(const char *s)
{
	if (s == NULL)
		return ROLE_NONE;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "editor") == 0)
		return ROLE_EDITOR;
	if (strcmp(s, "viewer") == 0)
		return ROLE_VIEWER;
	return ROLE_NONE;
}

static void
clear_cookie(struct req *r)
{
	resp_cookie(r, SESSION_COOKIE, "x", 0, SAMESITE_LAX);
}

static const char *
expired_reason(const struct dbq_session_row *row, time_t now)
{
	if (strcmp(row->tenant_status, "active") != 0)
		return "tenant_inactive";
	if (row->state == SESSION_ENROL ? strcmp(row->user_status, "disabled") == 0
					: strcmp(row->user_status, "active") != 0)
		return "user_inactive";
	if (now >= row->expires_at || now >= row->created_at + (int64_t)row->absolute_hours * 3600)
		return "absolute_timeout";
	int64_t idle = row->state == SESSION_ACTIVE ? (int64_t)row->idle_minutes * 60 : PENDING_IDLE_S;
	if (now - row->last_seen_at >= idle)
		return "idle_timeout";
	return NULL;
}

/* look the session up by id hash, enforce the rules, fill r->session */
static int
load_by_hash(struct req *r, const unsigned char h[32])
{
	struct app *app = (struct app *)r->app;
	struct dbq_session_row row;
	int rc = dbq_sessions_get(app->db, r->arena, h, &row);
	if (rc == -ERR_NOT_FOUND) {
		clear_cookie(r);
		return 0;
	}
	if (rc != 0)
		return -ERR_UNAVAILABLE;
	time_t now = clock_now();
	const char *why = expired_reason(&row, now);
	if (why != NULL) {
		dbq_sessions_delete(app->db, r->arena, h);
		clear_cookie(r);
		log_event(LOG_INFO, "session_expired", LOG_S("reason", why),
			  LOG_I("user_id", (int64_t)row.user_id));
		return 0;
	}
	struct session *s = arena_calloc(r->arena, 1, sizeof *s);
	if (keyring_unwrap(row.tenant_id, row.dek_wrapped, row.dek_wrapped_len, s->key) != 0) {
		log_event(LOG_ERROR, "session_tenant_key_failed", LOG_I("tenant_id", (int64_t)row.tenant_id));
		return -ERR_UNAVAILABLE;
	}
	memcpy(s->id_hash, h, 32);
	s->tenant_id = row.tenant_id;
	s->user_id = row.user_id;
	s->state = (enum session_state)row.state;
	s->role = role_of(row.role);
	s->restrict_connections = row.restrict_connections != 0;
	s->lang = row.lang;
	s->authenticated_at = row.authenticated_at;
	s->tenant_code = row.tenant_code;
	s->tenant_name = row.tenant_name;
	r->session = s;
	r->lang = s->lang;
	log_set_request(r->req_id, (int64_t)s->tenant_id);
	if (now - row.last_seen_at >= TOUCH_EVERY_S)
		dbq_sessions_touch(app->db, r->arena, h, now);
	return 0;
}

int
session_load(struct req *r)
{
	const char *sid = req_cookie(r, SESSION_COOKIE);
	if (sid == NULL)
		return 0;
	if (!sid_ok(sid)) {
		clear_cookie(r);
		return 0;
	}
	unsigned char h[32];
	id_hash(sid, h);
	return load_by_hash(r, h);
}

static const char *
new_sid(struct req *r, unsigned char h[32])
{
	const char *sid = rand_token(r->arena, SID_BYTES);
	id_hash(sid, h);
	return sid;
}

/* Seal the client's address and user agent for the "my sessions" page
 * (AAD: tenant, "sessions", column, user id — the id hash changes on
 * rotation, the user does not). Nothing is stored when the tenant's key
 * cannot be read. */
static int
seal_device(struct req *r, uint64_t tenant_id, uint64_t user_id, unsigned char **ipc, size_t *ipl,
	    unsigned char **uac, size_t *ual)
{
	struct app *app = (struct app *)r->app;
	struct tenant t;
	if (dbq_tenants_get(app->db, r->arena, tenant_id, &t) != 0)
		return 0;
	const unsigned char *key = t.key;
	const char *ip = r->remote_addr ? r->remote_addr : "";
	const char *ua = r->user_agent ? r->user_agent : "";
	size_t iplen = strnlen(ip, 64), ualen = strlen(ua);
	if (ualen > SESSION_UA_MAX) { /* cut at a UTF-8 boundary */
		ualen = SESSION_UA_MAX;
		while (ualen > 0 && ((unsigned char)ua[ualen] & 0xC0) == 0x80)
			ualen--;
	}
	struct seal_aad x = { tenant_id, "sessions", "ip_enc", user_id };
	int rc = seal_encrypt(r->arena, key, &x, ip, iplen, ipc, ipl);
	x.column = "ua_enc";
	if (rc == 0)
		rc = seal_encrypt(r->arena, key, &x, ua, ualen, uac, ual);
	OPENSSL_cleanse(t.key, sizeof t.key);
	return rc == 0 ? 0 : -ERR_INVALID;
}

int
session_start(struct req *r, uint64_t tenant_id, uint64_t user_id, enum session_state state)
{
	struct app *app = (struct app *)r->app;
	if (r->session != NULL)
		session_end(r);
	const char *old = req_cookie(r, SESSION_COOKIE);
	if (sid_ok(old)) { /* a stale cookie of this browser: never reuse it */
		unsigned char oh[32];
		id_hash(old, oh);
		dbq_sessions_delete(app->db, r->arena, oh);
	}
	unsigned char h[32];
	const char *sid = new_sid(r, h);
	time_t now = clock_now();
	unsigned char *ipc = NULL, *uac = NULL;
	size_t ipl = 0, ual = 0;
	int rc = seal_device(r, tenant_id, user_id, &ipc, &ipl, &uac, &ual);
	if (rc != 0)
		return rc;
	/* 12 h is the longest any tenant may allow; the tenant's own limit is
	 * applied on every load */
	rc = dbq_sessions_insert(app->db, r->arena, h, tenant_id, user_id, (int)state, now,
				 now + 12 * 3600, ipc, ipl, uac, ual);
	if (rc != 0)
		return rc;
	resp_cookie(r, SESSION_COOKIE, sid, -1, SAMESITE_LAX);
	log_event(LOG_INFO, "session_created", LOG_I("user_id", (int64_t)user_id),
		  LOG_I("state", state));
	return load_by_hash(r, h);
}

int
session_promote(struct req *r, enum session_state state)
{
	struct app *app = (struct app *)r->app;
	if (r->session == NULL)
		return -ERR_FORBIDDEN;
	unsigned char h[32];
	const char *sid = new_sid(r, h);
	time_t now = clock_now();
	int rc = dbq_sessions_rekey(app->db, r->arena, r->session->id_hash, h, (int)state, now,
				    state == SESSION_ACTIVE);
	if (rc != 0)
		return rc;
	resp_cookie(r, SESSION_COOKIE, sid, -1, SAMESITE_LAX);
	r->session = NULL;
	return load_by_hash(r, h);
}

int
session_end(struct req *r)
{
	struct app *app = (struct app *)r->app;
	if (r->session != NULL) {
		dbq_sessions_delete(app->db, r->arena, r->session->id_hash);
		log_event(LOG_INFO, "session_logout", LOG_I("user_id", (int64_t)r->session->user_id));
		OPENSSL_cleanse(r->session->key, sizeof r->session->key);
		r->session = NULL;
	}
	clear_cookie(r);
	return 0;
}

int
session_end_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		 const unsigned char *except)
{
	uint64_t n = 0;
	int rc = dbq_sessions_delete_user(db, a, tenant_id, user_id, except, &n);
	return rc != 0 ? rc : (int)n;
}

bool
session_fresh(const struct req *r)
{
	return r->session != NULL && r->session->state == SESSION_ACTIVE &&
	       clock_now() - r->session->authenticated_at < SESSION_STEP_UP_SECONDS;
}
