/* page_connections_test.c: 接続テスト — one real authenticated call to the platform, its exact answer on the page. */
#include "page_connections_test.h"

#include <string.h>

#include "auth/session.h"
#include "connectors/conn.h"
#include "connectors/conn_open.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_audit.h"
#include "db/dbq_connections.h"
#include "http/req.h"
#include "pages/page_connections.h"
#include "pages/render.h"
#include "server/app.h"

#define TEST_CONNECT_TIMEOUT_S 5
#define TEST_TIMEOUT_S 15
#define TEST_MAX_RETRIES 1
#define TEST_MAX_WAIT_MS 5000

/* A short token for the error class (audit detail, log) and the message key
 * shown when the client gave no text. */
static const char *
error_class(int rc, const char **key)
{
	switch (-rc) {
	case ERR_FORBIDDEN:
		*key = "conn_test_err_forbidden";
		return "forbidden";
	case ERR_UNAVAILABLE:
		*key = "conn_test_err_unavailable";
		return "unavailable";
	case ERR_TIMEOUT:
		*key = "conn_test_err_timeout";
		return "timeout";
	case ERR_UPSTREAM:
		*key = "conn_test_err_upstream";
		return "upstream";
	case ERR_INVALID:
		*key = "conn_test_err_invalid";
		return "invalid";
	case ERR_CONFIG:
		*key = "conn_test_err_blocked";
		return "blocked";
	default:
		*key = "conn_test_err_other";
		return "other";
	}
}

/* Run ops->test for c; 0 or an ERR_* with the message in msg, or an HTTP
 * status (> 0) when the connection itself cannot be read. */
static int
run_test(struct req *r, const struct connection *c, struct buf *msg)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	struct http_client_opts o;
	struct buf err;
	buf_init(&err, r->arena, 64);
	if (conn_http_opts(r->arena, &r->app->cfg, TEST_CONNECT_TIMEOUT_S, TEST_TIMEOUT_S, &o, &err) != 0)
		log_event(LOG_ERROR, "outbound_allowlist_invalid", LOG_S("error", buf_cstr(&err)));
	const struct conn_ops *ops;
	struct conn_ctx ctx;
	int rc = conn_open(app->db, r->arena, &o, s->tenant_id, s->key, c, &ops, &ctx, msg);
	if (rc == -ERR_NOT_FOUND)
		return 404;
	if (rc == -ERR_UNAVAILABLE)
		return 503;
	if (rc != 0)
		return 500;
	ctx.max_retries = TEST_MAX_RETRIES;
	ctx.max_wait_ms = TEST_MAX_WAIT_MS;
	rc = ops->test(&ctx, msg);
	return rc > 0 ? -ERR_UPSTREAM : rc;
}

int
page_connections_test_run(struct req *r)
{
	struct app *app = (struct app *)r->app;
	struct session *s = r->session;
	struct connection c;
	int st = page_connections_load(r, &c);
	if (st != 0)
		return st;
	struct buf msg;
	buf_init(&msg, r->arena, 256);
	int rc = run_test(r, &c, &msg);
	if (rc > 0)
		return rc;
	const char *key = "conn_test_ok", *cls = rc == 0 ? "ok" : error_class(rc, &key);
	const char *text = msg.len > 0 ? buf_cstr(&msg) : render_t(r, key);
	const char *detail = arena_printf(r->arena, "connection=%llu platform=%s result=%s",
					  (unsigned long long)c.id, c.platform, rc == 0 ? "ok" : "failed");
	if (rc != 0)
		detail = arena_printf(r->arena, "%s error=%s", detail, cls);
	int arc = dbq_audit_append(app->db, r->arena, s->tenant_id, s->user_id, "connection.test", 0, detail);
	if (arc != 0)
		log_event(LOG_ERROR, "audit_append_failed", LOG_S("action", "connection.test"),
			  LOG_S("error", err_name(arc)));
	log_event(rc == 0 ? LOG_INFO : LOG_WARN, "connection_test", LOG_I("connection", (int64_t)c.id),
		  LOG_S("platform", c.platform), LOG_S("result", cls), LOG_S("message", text));
	bool cleared = false;
	if (rc == 0 && c.auth_failed &&
	    dbq_connections_clear_auth_failed(app->db, r->arena, s->tenant_id, c.id, &cleared) == 0 && cleared) {
		c.auth_failed = false;
		text = arena_printf(r->arena, strcmp(r->lang, "ja") == 0 ? "%s%s" : "%s %s", text,
				    render_t(r, "conn_test_auth_cleared"));
	}
	return page_connections_render_show(r, &c, text, rc == 0, 200);
}
