/* conn_open.c: a stored connection made ready for its platform client — outbound options, settings, decrypted secrets. */
#include "conn_open.h"

#include <json-c/json.h>
#include <string.h>

#include "connectors/ssrf.h"
#include "core/err.h"
#include "db/dbq_connections.h"

#define DEFAULT_RETRIES 5
#define DEFAULT_MAX_WAIT_MS 120000

int
conn_http_opts(struct arena *a, const struct config *cfg, long connect_timeout_s, long timeout_s,
	       struct http_client_opts *o, struct buf *err)
{
	struct ssrf_policy *allow = arena_calloc(a, 1, sizeof *allow);
	memset(o, 0, sizeof *o);
	o->allow = allow;
	o->ca_file = cfg->outbound_ca_file != NULL && cfg->outbound_ca_file[0] ? cfg->outbound_ca_file : NULL;
	o->connect_timeout_s = connect_timeout_s;
	o->timeout_s = timeout_s;
	return ssrf_policy_parse(a, cfg->outbound_allowlist, allow, err);
}

static void
put_json(void *p)
{
	json_object_put(p);
}

struct json_object *
conn_open_json(struct arena *a, const char *text)
{
	if (text == NULL)
		return NULL;
	struct json_object *j = json_tokener_parse(text);
	if (j == NULL)
		return NULL;
	arena_defer(a, put_json, j);
	return json_object_is_type(j, json_type_object) ? j : NULL;
}

int
conn_open(struct db *db, struct arena *a, const struct http_client_opts *http, uint64_t tenant_id,
	  const unsigned char key[32], const struct connection *c, const struct conn_ops **ops,
	  struct conn_ctx *ctx, struct buf *msg)
{
	memset(ctx, 0, sizeof *ctx);
	if ((*ops = conn_find(c->platform)) == NULL) {
		buf_printf(msg, "未対応のプラットフォームです（%s）。", c->platform);
		return -ERR_INVALID;
	}
	char *secrets = NULL;
	int rc = dbq_connections_secrets(db, a, tenant_id, key, c->id, &secrets);
	if (rc == -ERR_INVALID) {
		buf_puts(msg, "保存されている認証情報を復号できません。接続を編集して認証情報を入力し直してください。");
		return rc;
	}
	if (rc != 0) {
		if (rc == -ERR_NOT_FOUND)
			buf_puts(msg, "接続が見つかりません（削除された可能性があります）。");
		return rc;
	}
	ctx->settings = conn_open_json(a, c->settings_json);
	ctx->secrets = conn_open_json(a, secrets);
	explicit_bzero(secrets, strlen(secrets));
	if (ctx->settings == NULL || ctx->secrets == NULL) {
		buf_puts(msg, "接続の設定を読み取れません。接続を編集して保存し直してください。");
		return -ERR_INVALID;
	}
	ctx->a = a;
	ctx->http = http;
	ctx->tenant_id = tenant_id;
	ctx->connection_id = c->id;
	ctx->endpoint = c->endpoint;
	ctx->max_retries = DEFAULT_RETRIES;
	ctx->max_wait_ms = DEFAULT_MAX_WAIT_MS;
	return 0;
}
