/* page_users_actions.c: tenant admins' user management — the POST actions (invite, role, disable … end sessions). */
#include "page_users_actions.h"

#include <string.h>
#include <time.h>

#include "auth/invite.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_connections.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "mail/mail.h"
#include "pages/page_reauth.h"
#include "pages/page_users.h"
#include "pages/render.h"
#include "server/app.h"

#define USERS_MAX_FIELD 254

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

/* The step-up gate, then the target user of this tenant; 0 or a status. */
static int
begin(struct req *r, struct user *u)
{
	const char *id = req_param(r, "id");
	int st = page_reauth_required(r, arena_printf(r->arena, "/users/%s", id ? id : ""));
	if (st != 0)
		return st;
	return page_users_load(r, u);
}

/* The audit entry and the JSON log line of one action. */
static void
record(struct req *r, const char *action, uint64_t target, const char *detail)
{
	struct session *s = r->session;
	int rc = dbq_audit_append(app_of(r)->db, r->arena, s->tenant_id, s->user_id, action, target,
				  detail);
	log_event(LOG_INFO, action, LOG_I("tenant", (int64_t)s->tenant_id),
		  LOG_I("actor_user_id", (int64_t)s->user_id), LOG_I("target_user_id", (int64_t)target),
		  LOG_S("detail", detail));
	if (rc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", action),
			  LOG_S("error", err_name(rc)));
}

static int
done(struct req *r, const struct user *u, const char *flash)
{
	render_flash_set(r, flash);
	return resp_redirect(r, arena_printf(r->arena, "/users/%llu", (unsigned long long)u->id));
}

/* applied: the end of every action — the database's answer rc, then the
 * audit entry and the flash, or the error status. */
static int
applied(struct req *r, const struct user *u, int rc, const char *action, const char *detail)
{
	if (rc != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	record(r, action, u->id, detail);
	return done(r, u, action);
}

static int
refuse(struct req *r, const struct user *u, const char *key, int status)
{
	log_event(LOG_INFO, "user_admin_refused", LOG_S("reason", key),
		  LOG_I("target_user_id", (int64_t)u->id));
	return page_users_render_show(r, u, render_t(r, key), status);
}

/* The destructive actions need the checkbox "confirm": 0, 400 (duplicated),
 * or the page again with a message. */
static int
confirmed(struct req *r, const struct user *u)
{
	const char *c = NULL;
	int rc = req_form(r, "confirm", &c);
	if (rc == -ERR_CONFLICT)
		return 400;
	if (rc != 0 || c[0] == '\0')
		return refuse(r, u, "users_err_confirm", 200);
	return 0;
}

/* true when u is an active admin and no other active admin exists. */
static int
is_last_admin(struct req *r, const struct user *u, bool *last)
{
	*last = false;
	if (u->role != USER_ROLE_ADMIN || u->status != USER_ACTIVE)
		return 0;
	size_t n = 0;
	int rc = dbq_users_count_active_admins(app_of(r)->db, r->arena, r->session->tenant_id, &n);
	if (rc == 0)
		*last = n <= 1;
	return rc;
}

static int
end_sessions(struct req *r, const struct user *u, const unsigned char *except)
{
	int n = session_end_user(app_of(r)->db, r->arena, r->session->tenant_id, u->id, except);
	if (n < 0)
		log_event(LOG_ERROR, "session_end_user_failed", LOG_I("target_user_id", (int64_t)u->id),
			  LOG_S("error", err_name(n)));
	return n;
}

/* Issue the invitation link and mail; 0 (mail queued), 1 (link issued but
 * the mail failed), or a status. */
static int
send_invite(struct req *r, const struct user *u)
{
	struct app *app = app_of(r);
	struct tenant t;
	int rc = dbq_tenants_get(app->db, r->arena, r->session->tenant_id, &t);
	if (rc != 0)
		return db_status(rc);
	struct buf err;
	buf_init(&err, r->arena, 64);
	char *link = NULL;
	rc = invite_issue(app->db, r->arena, app->tmpl, app->cfg.base_url, &t, u->id, u->email, u->name,
			  u->lang, &link, NULL, &err);
	if (link == NULL) {
		log_event(LOG_ERROR, "invite_issue_failed", LOG_S("error", buf_cstr(&err)));
		return db_status(rc);
	}
	if (rc != 0) {
		log_event(LOG_ERROR, "mail_queue_failed", LOG_S("mail", "invite"), LOG_S("error", buf_cstr(&err)));
		return 1;
	}
	return 0;
}

static int
field(struct req *r, const char *name, const char **out)
{
	int rc = req_form(r, name, out);
	if (rc == -ERR_NOT_FOUND) {
		*out = "";
		return 0;
	}
	return rc == 0 && strlen(*out) <= USERS_MAX_FIELD ? 0 : -1;
}

int
page_users_actions_invite(struct req *r)
{
	int st = page_reauth_required(r, "/users/new");
	if (st != 0)
		return st;
	struct app *app = app_of(r);
	struct session *s = r->session;
	const char *email, *name, *role_s, *lang;
	if (field(r, "email", &email) != 0 || field(r, "name", &name) != 0 ||
	    field(r, "role", &role_s) != 0 || field(r, "lang", &lang) != 0)
		return 400;
	int role = dbq_users_role_parse(role_s);
	if (lang[0] == '\0')
		lang = "ja";
	if (role == 0 || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
		return 400;
	char *norm = NULL;
	if (dbq_users_email_normalize(r->arena, email, &norm) != 0)
		return page_users_render_new(r, email, name, role, lang, render_t(r, "users_err_email"), 200);
	if (name[0] == '\0')
		return page_users_render_new(r, email, name, role, lang, render_t(r, "users_err_name"), 200);
	uint64_t id = 0;
	int rc = dbq_users_create(app->db, r->arena, s->tenant_id, s->key, norm, name, lang, role, &id);
	if (rc == -ERR_CONFLICT)
		return page_users_render_new(r, email, name, role, lang, render_t(r, "users_err_exists"), 200);
	if (rc == -ERR_INVALID)
		return page_users_render_new(r, email, name, role, lang, render_t(r, "users_err_name"), 200);
	if (rc != 0)
		return db_status(rc);
	struct user u;
	if ((rc = dbq_users_get(app->db, r->arena, s->tenant_id, s->key, id, &u)) != 0)
		return db_status(rc);
	record(r, "user_invited", id, arena_printf(r->arena, "role=%s", dbq_users_role_name(role)));
	st = send_invite(r, &u);
	if (st > 1)
		return st;
	return done(r, &u, st == 0 ? "user_invited" : "error_invite_mail");
}

int
page_users_actions_role(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0)
		return st;
	const char *role_s;
	if (req_form(r, "role", &role_s) != 0)
		return 400;
	int role = dbq_users_role_parse(role_s);
	if (role == 0)
		return 400;
	if (role == u.role)
		return done(r, &u, "role_unchanged");
	bool last = false;
	int rc = 0;
	if (role != USER_ROLE_ADMIN && (rc = is_last_admin(r, &u, &last)) != 0)
		return db_status(rc);
	if (last)
		return refuse(r, &u, "users_err_last_admin", 409);
	if ((rc = dbq_users_set_role(app_of(r)->db, r->arena, r->session->tenant_id, u.id, role)) != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	record(r, "user_role_changed", u.id,
	       arena_printf(r->arena, "from=%s to=%s", dbq_users_role_name(u.role), dbq_users_role_name(role)));
	return done(r, &u, "user_role_changed");
}

int
page_users_actions_disable(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0 || (st = confirmed(r, &u)) != 0)
		return st;
	if (u.id == r->session->user_id)
		return refuse(r, &u, "users_err_self_disable", 409);
	if (u.status == USER_DISABLED)
		return done(r, &u, "user_disabled");
	bool last = false;
	int rc = is_last_admin(r, &u, &last);
	if (rc != 0)
		return db_status(rc);
	if (last)
		return refuse(r, &u, "users_err_last_admin", 409);
	struct app *app = app_of(r);
	if ((rc = dbq_users_set_status(app->db, r->arena, r->session->tenant_id, u.id, USER_DISABLED)) != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	int n = end_sessions(r, &u, NULL);
	dbq_tokens_revoke_user(app->db, r->arena, r->session->tenant_id, u.id);
	record(r, "user_disabled", u.id, arena_printf(r->arena, "sessions=%d", n < 0 ? 0 : n));
	return done(r, &u, "user_disabled");
}

int
page_users_actions_enable(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0)
		return st;
	if (u.status != USER_DISABLED)
		return done(r, &u, "user_enabled");
	int status = u.password_hash != NULL ? USER_ACTIVE : USER_INVITED;
	int rc = dbq_users_set_status(app_of(r)->db, r->arena, r->session->tenant_id, u.id, status);
	return applied(r, &u, rc, "user_enabled",
		       arena_printf(r->arena, "status=%s", dbq_users_status_name(status)));
}

/* The connection ids chosen on the form ("connection", repeated), each
 * one a connection of this tenant: 0; -1 for any other value (not a
 * decimal id, or not one of ours); -2 when the database does not answer. */
static int
chosen_connections(struct req *r, uint64_t **ids, size_t *n)
{
	const char **vals = NULL;
	size_t count = form_get_all(&r->form, r->arena, "connection", &vals, NULL);
	struct connection *all = NULL;
	size_t nall = 0;
	*ids = arena_calloc(r->arena, count + 1, sizeof **ids);
	*n = 0;
	if (count == 0)
		return 0;
	if (dbq_connections_list(app_of(r)->db, r->arena, r->session->tenant_id, 0, &all, &nall) != 0)
		return -2;
	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(vals[i]);
		uint64_t id = 0;
		if (len == 0 || len > 19 || vals[i][0] == '0' || strspn(vals[i], "0123456789") != len)
			return -1;
		for (size_t k = 0; k < len; k++)
			id = id * 10 + (uint64_t)(vals[i][k] - '0');
		bool known = false;
		for (size_t j = 0; j < nall && !known; j++)
			known = all[j].id == id;
		if (!known)
			return -1;
		(*ids)[(*n)++] = id;
	}
	return 0;
}

/*
 * Restrict a user to chosen connections: "restrict" 0 (all connections) or
 * 1 (only the chosen ones), and one "connection" value per chosen
 * connection. Every id must be a connection of this tenant, else 400 with
 * a message and nothing changes. The chosen set is stored only when
 * restricted (choosing "all" clears it).
 */
int
page_users_actions_connections(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0)
		return st;
	const char *restrict_s = NULL;
	int rc = req_form(r, "restrict", &restrict_s);
	if (rc == -ERR_CONFLICT)
		return 400;
	bool restricted = restrict_s != NULL && strcmp(restrict_s, "1") == 0;
	if (restrict_s != NULL && !restricted && strcmp(restrict_s, "0") != 0)
		return 400;
	uint64_t *ids = NULL;
	size_t n = 0;
	if ((rc = chosen_connections(r, &ids, &n)) == -2)
		return 503;
	if (rc != 0)
		return refuse(r, &u, "conn_users_err_unknown", 400);
	struct app *app = app_of(r);
	if ((rc = dbq_users_set_connections(app->db, r->arena, r->session->tenant_id, u.id, ids,
					    restricted ? n : 0)) != 0 ||
	    (rc = dbq_users_set_restrict(app->db, r->arena, r->session->tenant_id, u.id, restricted)) != 0)
		return applied(r, &u, rc, "user_connections_changed", "");
	return applied(r, &u, 0, "user_connections_changed",
		       restricted ? arena_printf(r->arena, "restricted=1 connections=%zu", n) : "restricted=0");
}

int
page_users_actions_unlock(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0)
		return st;
	int rc = dbq_users_unlock(app_of(r)->db, r->arena, r->session->tenant_id, u.id);
	return applied(r, &u, rc, "user_unlocked", arena_printf(r->arena, "failed=%u", u.failed_logins));
}

int
page_users_actions_delete(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0 || (st = confirmed(r, &u)) != 0)
		return st;
	if (u.id == r->session->user_id)
		return refuse(r, &u, "users_err_self_delete", 409);
	bool last = false;
	int rc = is_last_admin(r, &u, &last);
	if (rc != 0)
		return db_status(rc);
	if (last)
		return refuse(r, &u, "users_err_last_admin", 409);
	/* one transaction: sessions, links, recovery codes, access list, history, the row (and its TOTP) */
	if ((rc = dbq_users_delete(app_of(r)->db, r->arena, r->session->tenant_id, u.id)) != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	record(r, "user_deleted", u.id, arena_printf(r->arena, "role=%s", dbq_users_role_name(u.role)));
	render_flash_set(r, "user_deleted");
	return resp_redirect(r, "/users");
}

int
page_users_actions_resend(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0)
		return st;
	if (u.status != USER_INVITED)
		return refuse(r, &u, "users_err_not_invited", 409);
	st = send_invite(r, &u);
	if (st > 1)
		return st;
	record(r, "invitation_resent", u.id, "");
	return done(r, &u, st == 0 ? "invitation_resent" : "error_invite_mail");
}

int
page_users_actions_reset_2fa(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0 || (st = confirmed(r, &u)) != 0)
		return st;
	if (u.id == r->session->user_id)
		return refuse(r, &u, "users_err_self_mfa", 409);
	struct app *app = app_of(r);
	struct session *s = r->session;
	int rc = dbq_users_reset_totp(app->db, r->arena, s->tenant_id, u.id);
	if (rc != 0)
		return rc == -ERR_NOT_FOUND ? 404 : db_status(rc);
	int n = end_sessions(r, &u, NULL);
	record(r, "mfa_reset", u.id, arena_printf(r->arena, "sessions=%d", n < 0 ? 0 : n));
	char when[20];
	struct view *vars = view_obj(r->arena);
	view_set_str(r->arena, vars, "user_name", u.name);
	view_set_str(r->arena, vars, "name", u.name);
	view_set_str(r->arena, vars, "tenant_name", s->tenant_name);
	view_set_str(r->arena, vars, "when", clock_jst_minute(clock_now(), when));
	view_set_str(r->arena, vars, "login_url", arena_printf(r->arena, "%s/login", app->cfg.base_url));
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (mail_queue(app->db, r->arena, app->tmpl, s->tenant_id, s->key, u.email, u.lang,
		       "two_factor_reset", vars, &err) != 0)
		log_event(LOG_ERROR, "mail_queue_failed", LOG_S("mail", "two_factor_reset"),
			  LOG_S("error", buf_cstr(&err)));
	return done(r, &u, "mfa_reset");
}

int
page_users_actions_end_sessions(struct req *r)
{
	struct user u;
	int st = begin(r, &u);
	if (st != 0 || (st = confirmed(r, &u)) != 0)
		return st;
	/* on oneself: every other session; this one stays */
	const unsigned char *except = u.id == r->session->user_id ? r->session->id_hash : NULL;
	int n = end_sessions(r, &u, except);
	if (n < 0)
		return db_status(n);
	record(r, "sessions_ended", u.id, arena_printf(r->arena, "count=%d", n));
	return done(r, &u, "sessions_ended");
}
