/* page_invite.c: setting a password from a single-use link (invitation; later also reset). */
#include "page_invite.h"

#include <string.h>

#include "auth/pwpolicy.h"
#include "auth/session.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/pwhash.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_audit.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "pages/page_error.h"
#include "pages/render.h"
#include "server/app.h"

#define INVITE_MAX_PASSWORD 1024

/* The same answer for an unknown, used and expired link. */
static int
link_invalid(struct req *r)
{
	struct view *v = render_root(r);
	view_set_int(r->arena, v, "status", 404);
	view_set_str(r->arena, v, "error_title", render_t(r, "link_invalid_title"));
	view_set_str(r->arena, v, "error_text", render_t(r, "link_invalid_text"));
	resp_header(r, "Referrer-Policy", "no-referrer");
	return render_page(r, "error", v, 404);
}

struct target {
	struct tenant t;
	struct user u;
	int kind;
};

static int
lookup(struct req *r, const char *token, struct target *tg)
{
	struct app *app = (struct app *)r->app;
	uint64_t tid = 0, uid = 0;
	if (!token_format_ok(token))
		return -ERR_NOT_FOUND;
	int rc = dbq_tokens_peek(app->db, r->arena, token, &tid, &uid, &tg->kind);
	if (rc == 0)
		rc = dbq_tenants_get(app->db, r->arena, tid, &tg->t);
	if (rc == 0)
		rc = dbq_users_get(app->db, r->arena, tid, tg->t.key, uid, &tg->u);
	if (rc == 0 && (strcmp(tg->t.status, "active") != 0 || tg->u.status == USER_DISABLED))
		rc = -ERR_NOT_FOUND;
	return rc;
}

static int
form(struct req *r, const char *token, const struct target *tg, const char *error, int status)
{
	struct view *v = render_root(r);
	view_set_str(r->arena, v, "token", token);
	view_set_int(r->arena, v, "min_length", tg->t.s.pw_min_length);
	view_set_bool(r->arena, v, "reset", tg->kind == DBQ_TOKEN_RESET);
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	resp_header(r, "Referrer-Policy", "no-referrer");
	return render_page(r, "invite", v, status);
}

int
page_invite_form(struct req *r)
{
	const char *token = req_param(r, "token");
	struct target tg;
	int rc = lookup(r, token ? token : "", &tg);
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc != 0)
		return link_invalid(r);
	r->lang = tg.u.lang;
	return form(r, token, &tg, NULL, 200);
}

int
page_invite_submit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	const char *token, *pw, *pw2;
	if (req_form(r, "token", &token) != 0 || req_form(r, "password", &pw) != 0 ||
	    req_form(r, "password2", &pw2) != 0)
		return 400;
	struct target tg;
	int rc = lookup(r, token, &tg);
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc != 0)
		return link_invalid(r);
	r->lang = tg.u.lang;
	size_t n = strlen(pw);
	if (n > INVITE_MAX_PASSWORD)
		return form(r, token, &tg, render_t(r, "pw_err_too_long"), 200);
	if (strcmp(pw, pw2) != 0)
		return form(r, token, &tg, render_t(r, "setpw_mismatch"), 200);
	struct pwpolicy pol = {
		.min_length = tg.t.s.pw_min_length,
		.history = tg.t.s.pw_history,
		.composition = tg.t.s.pw_composition,
		.expiry_days = tg.t.s.pw_expiry_days,
	};
	const char *at = strchr(tg.u.email, '@');
	const char *local = at ? arena_strndup(r->arena, tg.u.email, (size_t)(at - tg.u.email)) : tg.u.email;
	const char *context[] = { tg.t.code, tg.t.name, local, "ecconnector", "ECコネクター" };
	const char *reason = NULL;
	if (pwpolicy_check(&pol, pw, n, context, sizeof context / sizeof context[0], &reason) != 0)
		return form(r, token, &tg, render_t(r, reason), 200);
	if (pol.history > 0) {
		const char **prev = NULL;
		size_t nprev = 0;
		if (dbq_users_password_history(app->db, r->arena, tg.t.id, tg.u.id, pol.history, &prev,
					       &nprev) == 0 &&
		    pwpolicy_reuse(pw, n, prev, nprev))
			return form(r, token, &tg, render_t(r, "pw_err_reused"), 200);
	}
	char *hash = NULL;
	if (pwhash_hash(r->arena, pw, n, &hash) != 0)
		return 500;
	uint64_t tid = 0, uid = 0;
	int kind = 0;
	/* consume first: a link that raced another submit is refused */
	if ((rc = dbq_tokens_consume(app->db, r->arena, token, &tid, &uid, &kind)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : link_invalid(r);
	if (tid != tg.t.id || uid != tg.u.id)
		return link_invalid(r);
	if ((rc = dbq_users_set_password(app->db, r->arena, tid, uid, hash, pol.history)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	dbq_audit_append(app->db, r->arena, tid, uid,
			 kind == DBQ_TOKEN_INVITE ? "password_set" : "password_reset", uid, "");
	if (kind == DBQ_TOKEN_INVITE && !tg.u.totp_enabled) {
		/* the link proved the mailbox; the second factor is still due */
		if ((rc = session_start(r, tid, uid, SESSION_ENROL)) != 0)
			return rc == -ERR_UNAVAILABLE ? 503 : 500;
		render_flash_set(r, "password_set");
		return resp_redirect(r, "/enrol");
	}
	/* a reset: no automatic sign-in, every other session ends */
	session_end_user(app->db, r->arena, tid, uid, NULL);
	render_flash_set(r, "password_reset");
	return resp_redirect(r, "/login");
}
