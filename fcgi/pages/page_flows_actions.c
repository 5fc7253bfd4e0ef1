/* page_flows_actions.c: what an editor does to a saved flow — 今すぐ実行, pause, resume, 接続テスト, delete. */
#include "page_flows_actions.h"

#include <string.h>

#include "auth/session.h"
#include "connectors/conn_open.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_flows.h"
#include "delivery/delivery.h"
#include "http/req.h"
#include "http/resp.h"
#include "jobs/flow_dest.h"
#include "jobs/flow_schedule.h"
#include "pages/page_flows.h"
#include "pages/render.h"
#include "server/app.h"

#define TEST_CONNECT_TIMEOUT_S 5
#define TEST_TIMEOUT_S 15

static struct db *
db_of(struct req *r)
{
	return ((struct app *)r->app)->db;
}

/* done: the common end — audit, flash, back to the flow's page. */
static int
done(struct req *r, const struct dbq_flow *f, int rc, const char *action, const char *flash)
{
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, action, f->id, "");
	render_flash_set(r, flash);
	return resp_redirect(r, arena_printf(r->arena, "/flows/%llu", (unsigned long long)f->id));
}

int
page_flows_actions_run(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	return done(r, &f, dbq_flows_request_run(db_of(r), r->session->tenant_id, f.id), "flow.run_now",
		    "flow_run_requested");
}

int
page_flows_actions_pause(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	return done(r, &f, dbq_flows_set_paused(db_of(r), r->session->tenant_id, f.id, true, 0), "flow.pause",
		    "flow_paused");
}

int
page_flows_actions_resume(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	struct flow_schedule s;
	flow_schedule_from(&s, f.schedule_kind, f.interval_min, f.schedule_times, f.schedule_days);
	int64_t next = flow_schedule_next(&s, clock_now());
	return done(r, &f, dbq_flows_set_paused(db_of(r), r->session->tenant_id, f.id, false, next), "flow.resume",
		    "flow_resumed");
}

const char *
page_flows_actions_test_target(struct req *r, uint64_t id, const struct delivery_target *t, bool *ok)
{
	struct http_client_opts http;
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (conn_http_opts(r->arena, &r->app->cfg, TEST_CONNECT_TIMEOUT_S, TEST_TIMEOUT_S, &http, &err) != 0)
		log_event(LOG_ERROR, "outbound_allowlist_invalid", LOG_S("error", buf_cstr(&err)));
	struct delivery_opts o = { .allow = http.allow, .ca_file = http.ca_file };
	struct delivery_target tt = *t;
	tt.connect_timeout_s = TEST_CONNECT_TIMEOUT_S;
	tt.timeout_s = TEST_TIMEOUT_S;
	struct delivery_result res;
	delivery_result_init(&res);
	int rc = delivery_test(r->arena, &o, &tt, &res);
	*ok = rc == 0;
	page_flows_record(r, "flow.test", id,
			  arena_printf(r->arena, "kind=%s result=%s category=%s", t->kind == DELIVERY_HTTP ? "http" : "sftp",
				       rc == 0 ? "ok" : "failed", delivery_category_name(res.cat)));
	const char *msg = res.message != NULL && *res.message ? res.message : render_t(r, "flow_test_failed_generic");
	if (rc != 0 && res.fingerprint != NULL && *res.fingerprint != '\0' && strstr(msg, res.fingerprint) == NULL)
		msg = arena_printf(r->arena, "%s %s %s", msg, render_t(r, "flow_test_presented"), res.fingerprint);
	return msg;
}

int
page_flows_actions_test(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	if (strcmp(f.destination, "download") == 0)
		return page_flows_render_show(r, &f, render_t(r, "flow_test_download"), true, 200);
	struct session *s = r->session;
	const char *secret = NULL;
	struct delivery_target t;
	int rc = dbq_flows_secret(db_of(r), r->arena, s->key, s->tenant_id, f.id, &secret);
	if (rc == 0)
		rc = flow_dest_target(r->arena, f.destination, f.destination_settings, secret, &t);
	if (rc != 0)
		return page_flows_db_status(rc);
	bool ok = false;
	const char *msg = page_flows_actions_test_target(r, f.id, &t, &ok);
	return page_flows_render_show(r, &f, msg, ok, 200);
}

int
page_flows_actions_delete(struct req *r)
{
	struct dbq_flow f;
	int st = page_flows_load(r, &f);
	if (st != 0)
		return st;
	const char *confirm = NULL;
	int rc = req_form(r, "confirm", &confirm);
	if (rc == -ERR_CONFLICT)
		return 400;
	if (confirm == NULL || strcmp(confirm, "1") != 0) {
		render_flash_set(r, "error_flow_delete_confirm");
		return resp_redirect(r, arena_printf(r->arena, "/flows/%llu", (unsigned long long)f.id));
	}
	rc = dbq_flows_delete(db_of(r), r->session->tenant_id, f.id);
	if (rc != 0)
		return page_flows_db_status(rc);
	page_flows_record(r, "flow.delete", f.id, "");
	render_flash_set(r, "flow_deleted");
	return resp_redirect(r, "/flows");
}
