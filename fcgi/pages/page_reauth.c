/* page_reauth.c: step-up re-authentication — the second factor again before an admin action. */
#include "page_reauth.h"

#include <string.h>

#include "auth/second_factor.h"
#include "auth/session.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_sessions.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/path.h"
#include "http/req.h"
#include "http/urlenc.h"
#include "pages/render.h"
#include "server/app.h"

#define REAUTH_MAX_FAILURES 5
#define REAUTH_MAX_NEXT 512
#define REAUTH_MAX_CODE 64

const char *
page_reauth_next(struct req *r, const char *next)
{
	static const char fallback[] = "/dashboard";
	char *norm = NULL;
	if (next == NULL || next[0] != '/' || strlen(next) > REAUTH_MAX_NEXT)
		return fallback;
	if (strpbrk(next, "?# ") != NULL)
		return fallback;
	if (path_normalize(r->arena, next, strlen(next), &norm) != 0 || norm[0] != '/' || norm[1] == '/')
		return fallback;
	if (strcmp(norm, "/reauth") == 0 || strncmp(norm, "/reauth/", 8) == 0)
		return fallback;
	return norm;
}

static int
form(struct req *r, const char *next, const char *error, bool prompt)
{
	struct view *v = render_root(r);
	view_set_str(r->arena, v, "next", next);
	view_set_bool(r->arena, v, "prompt", prompt);
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	resp_header(r, "Cache-Control", "no-store");
	return render_page(r, "reauth", v, 200);
}

int
page_reauth_required(struct req *r, const char *next)
{
	if (session_fresh(r))
		return 0;
	const char *safe = page_reauth_next(r, next);
	log_event(LOG_INFO, "authn_step_up_required", LOG_S("next", safe),
		  LOG_I("user_id", r->session ? (int64_t)r->session->user_id : 0));
	if (r->method == HTTP_GET || r->method == HTTP_HEAD)
		return form(r, safe, NULL, true);
	struct buf b;
	buf_init(&b, r->arena, 64);
	buf_puts(&b, "/reauth?next=");
	urlenc_encode(&b, safe, strlen(safe));
	return resp_redirect(r, buf_cstr(&b));
}

int
page_reauth_form(struct req *r)
{
	const char *next = NULL;
	if (req_query(r, "next", &next) == -ERR_CONFLICT)
		return 400;
	return form(r, page_reauth_next(r, next), NULL, false);
}

int
page_reauth_submit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	const char *next = NULL, *code = NULL, *rcode = NULL;
	if (req_form(r, "next", &next) == -ERR_CONFLICT || req_form(r, "code", &code) == -ERR_CONFLICT ||
	    req_form(r, "recovery_code", &rcode) == -ERR_CONFLICT)
		return 400;
	if ((code != NULL && strlen(code) > REAUTH_MAX_CODE) ||
	    (rcode != NULL && strlen(rcode) > REAUTH_MAX_CODE))
		return 400;
	const char *safe = page_reauth_next(r, next);
	struct user u;
	int rc = dbq_users_get(app->db, r->arena, s->tenant_id, s->key, s->user_id, &u);
	if (rc != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	const char *factor, *reason;
	rc = second_factor_check(r, &u, code, rcode, &factor, &reason);
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc != 0) {
		int count = second_factor_failed(r, &u);
		log_event(LOG_WARN, "authn_step_up_fail", LOG_S("reason", reason), LOG_S("factor", factor),
			  LOG_I("user_id", (int64_t)u.id));
		if (count >= REAUTH_MAX_FAILURES) {
			/* the same rule as the login's second step: the session ends */
			second_factor_notify(r, &u, "second_factor_failed", -1);
			session_end(r);
			render_flash_set(r, "error_twofa_too_many");
			return resp_redirect(r, "/login");
		}
		return form(r, safe, render_t(r, "twofa_failed"), false);
	}
	log_event(LOG_INFO, "authn_step_up_success", LOG_S("factor", factor), LOG_I("user_id", (int64_t)u.id));
	if ((rc = session_promote(r, SESSION_ACTIVE)) != 0)
		return rc == -ERR_UNAVAILABLE ? 503 : 500;
	return resp_redirect(r, safe);
}
