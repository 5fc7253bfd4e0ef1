/* second_factor.c: checking a TOTP code or a recovery code for a signed-in (or half signed-in) user. */
#include "second_factor.h"

#include <string.h>

#include "auth/recovery.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_recovery.h"
#include "db/dbq_sessions.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "mail/mail.h"
#include "server/app.h"

void
second_factor_notify(struct req *r, const struct user *u, const char *name, int64_t remaining)
{
	struct app *app = (struct app *)r->app;
	struct view *vars = view_obj(r->arena);
	char when[20];
	clock_jst_minute(clock_now(), when);
	view_set_str(r->arena, vars, "user_name", u->name);
	view_set_str(r->arena, vars, "tenant_name", r->session->tenant_name);
	view_set_str(r->arena, vars, "when", when);
	view_set_str(r->arena, vars, "login_url", arena_printf(r->arena, "%s/login", app->cfg.base_url));
	if (remaining >= 0)
		view_set_int(r->arena, vars, "remaining", remaining);
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (mail_queue(app->db, r->arena, app->tmpl, u->tenant_id, r->session->key, u->email, u->lang,
		       name, vars, &err) != 0)
		log_event(LOG_ERROR, "mail_queue_failed", LOG_S("mail", name), LOG_S("error", err.data));
}

int
second_factor_failed(struct req *r, const struct user *u)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	int count = 1 << 20; /* unknown: treat as over any limit */
	struct tenant t;
	dbq_sessions_code_failure(app->db, r->arena, s->id_hash, &count);
	if (dbq_tenants_get(app->db, r->arena, s->tenant_id, &t) == 0)
		dbq_users_login_failed(app->db, r->arena, s->tenant_id, u->id, t.s.lockout_threshold,
				       t.s.lockout_minutes, NULL);
	return count;
}

int
second_factor_check(struct req *r, const struct user *u, const char *code, const char *recovery,
		    const char **factor, const char **reason)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	*factor = "totp";
	*reason = "bad_code";
	if (code != NULL && code[0] != '\0' && u->totp_secret != NULL) {
		int64_t step = 0;
		int rc = totp_verify(u->totp_secret, u->totp_secret_len, code, clock_now(),
				     u->totp_last_step, &step);
		if (rc == 0) {
			/* conditional update: a concurrent use of the same step loses */
			rc = dbq_users_totp_step(app->db, r->arena, s->tenant_id, u->id, step);
			if (rc == 0)
				return 0;
			if (rc == -ERR_UNAVAILABLE)
				return rc;
		}
		if (rc == -ERR_CONFLICT || rc == 0 || rc == -ERR_NOT_FOUND) {
			*reason = "code_reused";
			log_event(LOG_WARN, "authn_token_reuse", LOG_I("user_id", (int64_t)u->id));
		}
		return -ERR_FORBIDDEN;
	}
	if (recovery != NULL && recovery[0] != '\0') {
		unsigned char h[32];
		*factor = "recovery";
		size_t n = strlen(recovery);
		if (!recovery_format_ok(recovery, n) || recovery_hash(recovery, n, h) != 0)
			return -ERR_FORBIDDEN;
		int rc = dbq_recovery_use(app->db, r->arena, s->tenant_id, u->id, h);
		if (rc == -ERR_UNAVAILABLE)
			return rc;
		if (rc != 0)
			return -ERR_FORBIDDEN;
		int64_t left = 0;
		dbq_recovery_remaining(app->db, r->arena, s->tenant_id, u->id, &left);
		second_factor_notify(r, u, "recovery_code_used", left);
		return 0;
	}
	return -ERR_FORBIDDEN;
}
