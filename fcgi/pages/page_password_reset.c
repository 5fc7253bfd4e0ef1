/* page_password_reset.c: "forgot password" — request a single-use reset link by mail (no enumeration). */
#include "page_password_reset.h"

#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/pwhash.h"
#include "db/dbq_audit.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "http/req.h"
#include "mail/mail.h"
#include "pages/render.h"
#include "server/app.h"

#define RESET_MAX_FIELD 254

static int
forgot_page(struct req *r, bool sent)
{
	struct view *v = render_root(r);
	view_set_bool(r->arena, v, "sent", sent);
	return render_page(r, "account/forgot", v, 200);
}

int
page_password_reset_form(struct req *r)
{
	return forgot_page(r, false);
}

/* Issue the token and queue the mail; failures are only logged (the answer
 * must not differ). */
static void
send_link(struct req *r, const struct tenant *t, const struct user *u)
{
	struct app *app = (struct app *)r->app;
	char *token = NULL;
	int rc = dbq_tokens_issue(app->db, r->arena, t->id, u->id, DBQ_TOKEN_RESET, DBQ_TOKEN_RESET_TTL,
				  &token);
	if (rc != 0) {
		log_event(LOG_ERROR, "reset_token_failed", LOG_I("user_id", (int64_t)u->id), LOG_I("rc", rc));
		return;
	}
	struct view *vars = view_obj(r->arena);
	view_set_str(r->arena, vars, "user_name", u->name);
	view_set_str(r->arena, vars, "tenant_name", t->name);
	view_set_str(r->arena, vars, "link", arena_printf(r->arena, "%s/invite/%s", app->cfg.base_url, token));
	view_set_int(r->arena, vars, "hours", DBQ_TOKEN_RESET_TTL / 3600);
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (mail_queue(app->db, r->arena, app->tmpl, t->id, t->key, u->email, u->lang, "reset", vars,
		       &err) != 0)
		log_event(LOG_ERROR, "mail_queue_failed", LOG_S("mail", "reset"), LOG_S("error", err.data));
	dbq_audit_append(app->db, r->arena, t->id, 0, "password_reset_requested", u->id, "");
	log_event(LOG_INFO, "authn_password_reset_request", LOG_I("user_id", (int64_t)u->id));
}

int
page_password_reset_submit(struct req *r)
{
	struct app *app = (struct app *)r->app;
	const char *code, *email;
	if (req_form(r, "tenant_code", &code) != 0 || req_form(r, "email", &email) != 0 ||
	    strlen(code) > RESET_MAX_FIELD || strlen(email) > RESET_MAX_FIELD)
		return 400;
	struct tenant t;
	struct user u;
	char *norm = NULL;
	int rc = dbq_tenants_code_normalize(r->arena, code, &norm);
	if (rc == 0)
		rc = dbq_tenants_find_by_code(app->db, r->arena, norm, &t);
	if (rc == 0 && strcmp(t.status, "active") != 0)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = dbq_users_find_by_email(app->db, r->arena, t.id, t.key, email, &u);
	if (rc == 0 && (u.status != USER_ACTIVE || u.password_hash == NULL))
		rc = -ERR_NOT_FOUND; /* invited users use their invitation */
	/* every path pays the same Argon2 cost and gives the same answer */
	pwhash_dummy(email, strlen(email));
	if (rc == 0)
		send_link(r, &t, &u);
	else if (rc != -ERR_NOT_FOUND && rc != -ERR_INVALID)
		log_event(LOG_ERROR, "reset_lookup_failed", LOG_I("rc", rc));
	return forgot_page(r, true);
}
