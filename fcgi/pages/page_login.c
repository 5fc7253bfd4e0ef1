/* page_login.c: signing in — password step, second-factor step, signing out. */
#include "page_login.h"

#include <string.h>

#include "auth/second_factor.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/pwhash.h"
#include "db/dbq_audit.h"
#include "db/dbq_logins.h"
#include "db/dbq_sessions.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/render.h"
#include "server/app.h"

#define LOGIN_MAX_CODE_FAILURES 5
#define LOGIN_MAX_FIELD 254
#define LOGIN_MAX_PASSWORD 1024

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

/* Send a browser with a half-finished or finished login where it belongs. */
static int
by_state(struct req *r)
{
	switch (r->session->state) {
	case SESSION_PENDING:
		return resp_redirect(r, "/login/2fa");
	case SESSION_ENROL:
		return resp_redirect(r, "/enrol");
	case SESSION_ACTIVE:
		break;
	}
	return resp_redirect(r, "/dashboard");
}

static int
login_form(struct req *r, const char *error, const char *code, const char *email)
{
	struct view *v = render_root(r);
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	view_set_str(r->arena, v, "tenant_code", code);
	view_set_str(r->arena, v, "email", email);
	return render_page(r, "login", v, 200);
}

int
page_login_form(struct req *r)
{
	if (r->session != NULL)
		return by_state(r);
	return login_form(r, NULL, "", "");
}

/* One login attempt into the tenant's history (tenant unknown: the
 * service log only). */
static void
history(struct req *r, uint64_t tenant_id, const unsigned char *key, uint64_t user_id, bool ok,
	const char *reason, const char *factor)
{
	log_event(ok ? LOG_INFO : LOG_WARN, ok ? "authn_login_success" : "authn_login_fail",
		  LOG_S("reason", reason), LOG_S("factor", factor), LOG_I("user_id", (int64_t)user_id),
		  LOG_I("tenant", (int64_t)tenant_id));
	if (tenant_id == 0)
		return;
	dbq_logins_append(app_of(r)->db, r->arena, tenant_id, key, user_id, ok, reason, factor,
			  r->remote_addr ? r->remote_addr : "", r->user_agent ? r->user_agent : "");
}

static int
field(struct req *r, const char *name, size_t max, const char **out)
{
	if (req_form(r, name, out) != 0 || strlen(*out) > max)
		return -1;
	return 0;
}

int
page_login_submit(struct req *r)
{
	struct app *app = app_of(r);
	const char *code, *email, *pw;
	if (field(r, "tenant_code", LOGIN_MAX_FIELD, &code) != 0 ||
	    field(r, "email", LOGIN_MAX_FIELD, &email) != 0 ||
	    field(r, "password", LOGIN_MAX_PASSWORD, &pw) != 0)
		return 400;
	size_t pwlen = strlen(pw);
	struct tenant t;
	struct user u;
	memset(&t, 0, sizeof t);
	memset(&u, 0, sizeof u);
	const char *reason = "unknown_tenant";
	bool ok = false;
	char *norm = NULL;
	int rc = dbq_tenants_code_normalize(r->arena, code, &norm);
	if (rc == 0)
		rc = dbq_tenants_find_by_code(app->db, r->arena, norm, &t);
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc == 0 && strcmp(t.status, "active") != 0) {
		rc = -ERR_NOT_FOUND;
		reason = "tenant_inactive";
	}
	if (rc == 0) {
		rc = dbq_users_find_by_email(app->db, r->arena, t.id, t.key, email, &u);
		if (rc == -ERR_UNAVAILABLE)
			return 503;
		reason = "unknown_user";
	}
	/* Every path pays exactly one Argon2 verification and answers the same. */
	if (rc != 0) {
		pwhash_dummy(pw, pwlen);
		u.id = 0;
	} else if (u.locked_until > clock_now()) {
		pwhash_dummy(pw, pwlen);
		reason = "locked";
	} else if (u.status == USER_DISABLED || u.password_hash == NULL) {
		pwhash_dummy(pw, pwlen);
		reason = "inactive";
	} else if (pwhash_verify(u.password_hash, pw, pwlen) == 0) {
		ok = true;
	} else {
		int64_t locked = 0;
		reason = "bad_password";
		dbq_users_login_failed(app->db, r->arena, t.id, u.id, t.s.lockout_threshold,
				       t.s.lockout_minutes, &locked);
		if (locked != 0)
			log_event(LOG_WARN, "authn_login_lock", LOG_I("user_id", (int64_t)u.id),
				  LOG_I("until", locked));
	}
	if (!ok) {
		history(r, t.id, t.key, u.id, false, reason, "password");
		return login_form(r, render_t(r, "login_failed"), code, email);
	}
	rc = session_start(r, t.id, u.id, u.totp_enabled ? SESSION_PENDING : SESSION_ENROL);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return resp_redirect(r, u.totp_enabled ? "/login/2fa" : "/enrol");
}

static int
twofa_form(struct req *r, const char *error, int status)
{
	struct view *v = render_root(r);
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	return render_page(r, "login_2fa", v, status);
}

int
page_login_2fa_form(struct req *r)
{
	if (r->session->state != SESSION_PENDING)
		return by_state(r);
	return twofa_form(r, NULL, 200);
}

int
page_login_2fa_submit(struct req *r)
{
	struct app *app = app_of(r);
	struct session *s = r->session;
	if (s->state != SESSION_PENDING)
		return by_state(r);
	const char *code = NULL, *rcode = NULL;
	if (req_form(r, "code", &code) == -ERR_CONFLICT || req_form(r, "recovery_code", &rcode) == -ERR_CONFLICT)
		return 400;
	struct user u;
	int rc = dbq_users_get(app->db, r->arena, s->tenant_id, s->key, s->user_id, &u);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	const char *factor, *reason;
	rc = second_factor_check(r, &u, code, rcode, &factor, &reason);
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	bool ok = rc == 0;
	if (!ok) {
		int count = second_factor_failed(r, &u);
		history(r, s->tenant_id, s->key, u.id, false, reason, factor);
		if (count >= LOGIN_MAX_CODE_FAILURES) {
			log_event(LOG_WARN, "authn_login_fail_max", LOG_I("user_id", (int64_t)u.id));
			second_factor_notify(r, &u, "second_factor_failed", -1);
			session_end(r);
			render_flash_set(r, "error_twofa_too_many");
			return resp_redirect(r, "/login");
		}
		return twofa_form(r, render_t(r, "twofa_failed"), 200);
	}
	dbq_users_login_ok(app->db, r->arena, s->tenant_id, u.id);
	history(r, s->tenant_id, s->key, u.id, true, "ok", factor);
	dbq_audit_append(app->db, r->arena, s->tenant_id, u.id, "login", u.id, factor);
	if ((rc = session_promote(r, SESSION_ACTIVE)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return resp_redirect(r, "/dashboard");
}

int
page_logout(struct req *r)
{
	session_end(r);
	render_flash_set(r, "logged_out");
	return resp_redirect(r, "/");
}
