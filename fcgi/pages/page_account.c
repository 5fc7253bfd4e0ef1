/* page_account.c: my account — profile and language, change password, my sessions (revoke). */
#include "page_account.h"

#include <string.h>

#include "auth/pwpolicy.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/pwhash.h"
#include "db/dbq_audit.h"
#include "db/dbq_sessions.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "mail/mail.h"
#include "pages/render.h"
#include "server/app.h"

#define ACCOUNT_MAX_PASSWORD 1024

static struct app *
app_of(struct req *r)
{
	return (struct app *)r->app;
}

static int
db_status(int rc)
{
	return rc == -ERR_UNAVAILABLE ? 503 : 500;
}

static const char *
role_key(int role)
{
	switch (role) {
	case USER_ROLE_ADMIN:
		return "role_admin";
	case USER_ROLE_EDITOR:
		return "role_editor";
	default:
		return "role_viewer";
	}
}

/* The account page, with an optional error of the password form. */
static int
account_view(struct req *r, const char *error)
{
	struct session *s = r->session;
	struct user u;
	int rc = dbq_users_get(app_of(r)->db, r->arena, s->tenant_id, s->key, s->user_id, &u);
	if (rc != 0)
		return db_status(rc);
	struct tenant t;
	if ((rc = dbq_tenants_get(app_of(r)->db, r->arena, s->tenant_id, &t)) != 0)
		return db_status(rc);
	struct view *v = render_root(r);
	view_set_str(r->arena, v, "name", u.name);
	view_set_str(r->arena, v, "email", u.email);
	view_set_str(r->arena, v, "role_label", render_t(r, role_key(u.role)));
	view_set_str(r->arena, v, "tenant_code", s->tenant_code);
	view_set_bool(r->arena, v, "user_lang_ja", strcmp(u.lang, "en") != 0);
	view_set_bool(r->arena, v, "user_lang_en", strcmp(u.lang, "en") == 0);
	view_set_int(r->arena, v, "min_length", t.s.pw_min_length);
	if (u.password_changed_at > 0) {
		char when[20];
		view_set_str(r->arena, v, "pw_changed", clock_jst_minute((time_t)u.password_changed_at, when));
	}
	if (error != NULL)
		view_set_str(r->arena, v, "error", error);
	return render_page(r, "account/index", v, 200);
}

int
page_account(struct req *r)
{
	return account_view(r, NULL);
}

int
page_account_lang(struct req *r)
{
	const char *lang;
	if (req_form(r, "lang", &lang) != 0 || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
		return 400;
	int rc = dbq_users_set_lang(app_of(r)->db, r->arena, r->session->tenant_id,
				    r->session->user_id, lang);
	if (rc != 0)
		return db_status(rc);
	r->lang = lang;
	render_flash_set(r, "account_saved");
	return resp_redirect(r, "/account");
}

/* The "password_changed" notice to the user's own address. */
static void
notify_changed(struct req *r, const struct user *u)
{
	struct app *app = app_of(r);
	char when[20];
	struct view *vars = view_obj(r->arena);
	view_set_str(r->arena, vars, "user_name", u->name);
	view_set_str(r->arena, vars, "tenant_name", r->session->tenant_name);
	view_set_str(r->arena, vars, "when", clock_jst_minute(clock_now(), when));
	view_set_str(r->arena, vars, "login_url", arena_printf(r->arena, "%s/login", app->cfg.base_url));
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (mail_queue(app->db, r->arena, app->tmpl, u->tenant_id, r->session->key, u->email, u->lang,
		       "password_changed", vars, &err) != 0)
		log_event(LOG_ERROR, "mail_queue_failed", LOG_S("mail", "password_changed"),
			  LOG_S("error", err.data));
}

/* Policy and reuse check of a new password; NULL when acceptable, else the
 * message key. */
static const char *
refuse(struct req *r, const struct tenant *t, const struct user *u, const char *pw, size_t n)
{
	struct pwpolicy pol = {
		.min_length = t->s.pw_min_length,
		.history = t->s.pw_history,
		.composition = t->s.pw_composition,
		.expiry_days = t->s.pw_expiry_days,
	};
	const char *at = strchr(u->email, '@');
	const char *local = at ? arena_strndup(r->arena, u->email, (size_t)(at - u->email)) : u->email;
	const char *context[] = { t->code, t->name, local, "ecconnector", "ECコネクター" };
	const char *reason = NULL;
	if (pwpolicy_check(&pol, pw, n, context, sizeof context / sizeof context[0], &reason) != 0)
		return reason;
	if (u->password_hash != NULL && pwhash_verify(u->password_hash, pw, n) == 0)
		return "pw_err_reused";
	if (pol.history > 0) {
		const char **prev = NULL;
		size_t nprev = 0;
		if (dbq_users_password_history(app_of(r)->db, r->arena, t->id, u->id, pol.history, &prev,
					       &nprev) == 0 &&
		    pwpolicy_reuse(pw, n, prev, nprev))
			return "pw_err_reused";
	}
	return NULL;
}

int
page_account_password(struct req *r)
{
	struct app *app = app_of(r);
	struct session *s = r->session;
	const char *cur, *pw, *pw2, *others = NULL;
	if (req_form(r, "current", &cur) != 0 || req_form(r, "password", &pw) != 0 ||
	    req_form(r, "password2", &pw2) != 0 || req_form(r, "end_others", &others) == -ERR_CONFLICT)
		return 400;
	size_t n = strlen(pw), cn = strlen(cur);
	if (n > ACCOUNT_MAX_PASSWORD || cn > ACCOUNT_MAX_PASSWORD)
		return account_view(r, render_t(r, "pw_err_too_long"));
	struct user u;
	struct tenant t;
	int rc = dbq_users_get(app->db, r->arena, s->tenant_id, s->key, s->user_id, &u);
	if (rc == 0)
		rc = dbq_tenants_get(app->db, r->arena, s->tenant_id, &t);
	if (rc != 0)
		return db_status(rc);
	if (u.password_hash == NULL || pwhash_verify(u.password_hash, cur, cn) != 0) {
		log_event(LOG_WARN, "authn_password_change_fail", LOG_I("user_id", (int64_t)u.id));
		return account_view(r, render_t(r, "acct_err_current"));
	}
	if (strcmp(pw, pw2) != 0)
		return account_view(r, render_t(r, "setpw_mismatch"));
	const char *why = refuse(r, &t, &u, pw, n);
	if (why != NULL)
		return account_view(r, render_t(r, why));
	char *hash = NULL;
	if (pwhash_hash(r->arena, pw, n, &hash) != 0)
		return 500;
	if ((rc = dbq_users_set_password(app->db, r->arena, t.id, u.id, hash, t.s.pw_history)) != 0)
		return db_status(rc);
	int ended = 0;
	if (others != NULL && strcmp(others, "1") == 0) {
		ended = session_end_user(app->db, r->arena, t.id, u.id, s->id_hash);
		if (ended < 0)
			ended = 0;
	}
	dbq_audit_append(app->db, r->arena, t.id, u.id, "password_changed", u.id,
			 arena_printf(r->arena, "sessions_ended=%d", ended));
	log_event(LOG_INFO, "authn_password_change", LOG_I("user_id", (int64_t)u.id),
		  LOG_I("sessions_ended", ended));
	notify_changed(r, &u);
	render_flash_set(r, "password_changed");
	return resp_redirect(r, "/account");
}

int
page_account_sessions(struct req *r)
{
	struct session *s = r->session;
	struct dbq_session_info *list;
	size_t n;
	int rc = dbq_sessions_list_user(app_of(r)->db, r->arena, s->tenant_id, s->user_id, s->key,
					&list, &n);
	if (rc != 0)
		return db_status(rc);
	struct view *v = render_root(r);
	struct view *rows = view_list(r->arena);
	for (size_t i = 0; i < n; i++) {
		char c[20], l[20];
		struct view *row = view_obj(r->arena);
		view_set_str(r->arena, row, "handle", list[i].handle);
		view_set_bool(r->arena, row, "current", memcmp(list[i].id_hash, s->id_hash, 32) == 0);
		view_set_bool(r->arena, row, "pending", list[i].state != SESSION_ACTIVE);
		view_set_str(r->arena, row, "ua", list[i].ua[0] ? list[i].ua : "-");
		view_set_str(r->arena, row, "ip", list[i].ip[0] ? list[i].ip : "-");
		view_set_str(r->arena, row, "created", clock_jst_minute((time_t)list[i].created_at, c));
		view_set_str(r->arena, row, "last_seen", clock_jst_minute((time_t)list[i].last_seen_at, l));
		view_push(r->arena, rows, row);
	}
	view_set(r->arena, v, "sessions", rows);
	view_set_int(r->arena, v, "count", (int64_t)n);
	return render_page(r, "account/sessions", v, 200);
}

int
page_account_session_revoke(struct req *r)
{
	struct session *s = r->session;
	const char *handle;
	if (req_form(r, "handle", &handle) != 0 || strlen(handle) != 16 ||
	    strspn(handle, "0123456789abcdef") != 16)
		return 400;
	static const char hex[] = "0123456789abcdef";
	char mine[17];
	for (size_t j = 0; j < 8; j++) {
		mine[2 * j] = hex[s->id_hash[j] >> 4];
		mine[2 * j + 1] = hex[s->id_hash[j] & 15];
	}
	mine[16] = '\0';
	if (strcmp(mine, handle) == 0) {
		render_flash_set(r, "error_session_current");
		return resp_redirect(r, "/account/sessions");
	}
	int rc = dbq_sessions_delete_handle(app_of(r)->db, r->arena, s->tenant_id, s->user_id, handle);
	if (rc == -ERR_UNAVAILABLE || rc == -ERR_DB)
		return db_status(rc);
	if (rc == 0) {
		dbq_audit_append(app_of(r)->db, r->arena, s->tenant_id, s->user_id, "session_revoked",
				 s->user_id, "");
		render_flash_set(r, "session_revoked");
	} else {
		render_flash_set(r, "error_session_not_found");
	}
	return resp_redirect(r, "/account/sessions");
}
