/* sync_notify.c: what a run's outcome changes on its connection, and the mails to the tenant's administrators. */
#include "sync_notify.h"

#include <stdbool.h>
#include <string.h>

#include "connectors/conn.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_connections.h"
#include "db/dbq_outbox.h"
#include "db/dbq_sync.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"
#include "html/view.h"
#include "mail/mail.h"

#define ADMINS_MAX 500 /* dbq_users_list's page limit */

/* mail_admins: queue mail template name with vars (user_name added) to every active admin of the tenant. */
static int
mail_admins(const struct sync_env *env, struct arena *a, uint64_t tenant_id, const unsigned char key[32],
	    const char *name, struct view *vars)
{
	struct user *us;
	size_t n, total;
	int rc = dbq_users_list(env->db, a, tenant_id, key, "", 0, ADMINS_MAX, &us, &n, &total);
	if (rc != 0) {
		log_event(LOG_ERROR, "sync_mail_failed", LOG_S("mail", name), LOG_I("tenant", (int64_t)tenant_id),
			  LOG_S("error", err_name(rc)));
		return rc;
	}
	int sent = 0;
	for (size_t i = 0; i < n; i++) {
		if (us[i].role != USER_ROLE_ADMIN || us[i].status != USER_ACTIVE)
			continue;
		view_set_str(a, vars, "user_name", us[i].name);
		struct buf err;
		buf_init(&err, a, 128);
		rc = mail_queue(env->db, a, env->mail, tenant_id, key, us[i].email, us[i].lang, name, vars,
				&err);
		if (rc != 0)
			log_event(LOG_ERROR, "sync_mail_failed", LOG_S("mail", name),
				  LOG_I("tenant", (int64_t)tenant_id), LOG_S("error", buf_cstr(&err)));
		else
			sent++;
	}
	return sent;
}

/* base_vars: what every connection mail shows. */
static struct view *
base_vars(struct arena *a, const struct connection *c, const char *tenant_name, const char *base_url,
	  int64_t now_ms)
{
	struct view *v = view_obj(a);
	char when[32];
	const struct conn_ops *ops = conn_find(c->platform);
	view_set_str(a, v, "tenant_name", tenant_name);
	view_set_str(a, v, "connection_name", c->name);
	view_set_str(a, v, "platform", ops ? ops->label : c->platform);
	view_set_str(a, v, "when", arena_strdup(a, clock_jst(now_ms, when)));
	view_set_str(a, v, "url", arena_printf(a, "%s/connections/%llu", base_url, (unsigned long long)c->id));
	return v;
}

void
sync_notify_outcome(const struct sync_env *env, struct arena *a, uint64_t tenant_id, uint64_t connection_id,
		    const unsigned char key[32], int rc, const char *error, int64_t now_ms)
{
	struct db *db = env->db;
	struct connection c;
	struct tenant t;
	int drc = dbq_connections_get(db, a, tenant_id, connection_id, &c);
	if (drc == 0)
		drc = dbq_tenants_get(db, a, tenant_id, &t);
	if (drc != 0) {
		if (drc != -ERR_NOT_FOUND) /* a connection deleted during its run needs nothing more */
			log_event(LOG_ERROR, "sync_outcome_not_recorded", LOG_I("connection", (int64_t)connection_id),
				  LOG_S("error", err_name(drc)));
		return;
	}
	const char *base_url = env->base_url ? env->base_url : "";
	/* the connection is healthy when none of its streams is failing: one stream's success does not hide
	 * another's failures, and the mail counts the longest streak of one stream */
	unsigned streak = 0;
	drc = dbq_sync_failures(db, a, tenant_id, connection_id, &streak);
	if (drc == 0 && rc == 0 && streak == 0) {
		bool was_notified = false;
		drc = dbq_connections_record_success(db, a, tenant_id, connection_id, now_ms / 1000, &was_notified);
		if (drc == 0 && was_notified)
			mail_admins(env, a, tenant_id, key, "sync_recovered", base_vars(a, &c, t.name, base_url, now_ms));
	} else if (drc == 0 && rc != 0) {
		bool auth = rc == -ERR_FORBIDDEN;
		if (auth)
			drc = dbq_connections_set_auth_failed(db, a, tenant_id, connection_id, error);
		if (drc == 0)
			drc = dbq_connections_record_failure(db, a, tenant_id, connection_id, error, NULL);
		if (drc == 0 && !c.failure_notified && (auth || streak >= env->notify_after)) {
			struct view *v = base_vars(a, &c, t.name, base_url, now_ms);
			view_set_str(a, v, "error", error ? error : "");
			view_set_int(a, v, "failures", streak);
			view_set_bool(a, v, "auth", auth);
			if (mail_admins(env, a, tenant_id, key, "sync_failed", v) >= 0)
				drc = dbq_connections_set_failure_notified(db, a, tenant_id, connection_id, true);
		}
	}
	if (drc != 0)
		log_event(LOG_ERROR, "sync_outcome_not_recorded", LOG_I("connection", (int64_t)connection_id),
			  LOG_S("error", err_name(drc)));
}

/* due_warning: which warning (14, 7, 1 days; 0 = none yet) fits days_left. */
static int
due_warning(int64_t days_left)
{
	return days_left <= 1 ? 1 : days_left <= 7 ? 7 : days_left <= 14 ? 14 : 0;
}

int
sync_notify_expiring(const struct sync_env *env, struct arena *a, int64_t now_ms)
{
	struct connection *cs;
	size_t n;
	int64_t now = now_ms / 1000;
	int rc = dbq_connections_list_expiring_all_tenants(env->db, a, now, 14, &cs, &n);
	if (rc != 0)
		return rc;
	int warned = 0;
	for (size_t i = 0; i < n; i++) {
		const struct connection *c = &cs[i];
		int64_t left_s = c->credential_expires_at - now;
		int64_t days = left_s <= 0 ? 0 : (left_s + 86399) / 86400;
		int due = due_warning(days);
		if (due == 0 || (c->expiry_warned_days != 0 && c->expiry_warned_days <= due))
			continue;
		struct tenant t;
		if (dbq_tenants_get(env->db, a, c->tenant_id, &t) != 0 || !t.has_key ||
		    strcmp(t.status, "active") != 0)
			continue;
		struct view *v = base_vars(a, c, t.name, env->base_url ? env->base_url : "", now_ms);
		char when[32];
		view_set_int(a, v, "days", days);
		view_set_bool(a, v, "expired", left_s <= 0);
		view_set_str(a, v, "expires", arena_strdup(a, clock_jst(c->credential_expires_at * 1000, when)));
		if (mail_admins(env, a, c->tenant_id, t.key, "credential_expiring", v) < 0)
			continue;
		if (dbq_connections_set_expiry_warned(env->db, a, c->tenant_id, c->id, due) == 0)
			warned++;
	}
	return warned;
}
