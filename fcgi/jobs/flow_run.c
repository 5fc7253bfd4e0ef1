/* flow_run.c: one fetcher step for flows — claim a due flow, convert what it has not delivered yet, deliver, book. */
#include "flow_run.h"

#include <stdarg.h>
#include <string.h>

#include "convert/conv_def.h"
#include "convert/conv_run.h"
#include "convert/expr.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/dbq_convsrc.h"
#include "db/dbq_flows.h"
#include "db/dbq_lookup.h"
#include "db/dbq_outbox.h"
#include "db/dbq_templates.h"
#include "jobs/flow_dest.h"
#include "jobs/flow_schedule.h"

#define ISSUES_KEPT 1000
/* records (orders for line templates) one run converts at most; the rest go out with the next run.
 * Bounds a run's memory (≈ 8 KB per order with its lines) and the file's size. */
#define RUN_UNITS_MAX 20000

/* One flow being run: what every step needs. */
struct flow_job {
	const struct flow_env *env;
	struct arena *a;
	struct dbq_flow flow;
	unsigned char key[32];       /* the tenant's data key */
	uint64_t tenant_id;
	struct flow_outcome *out;
	struct dbq_flow_outcome o;   /* what dbq_flows_run_finish writes */
	struct conv_result res;
	int64_t now_ms;
};

static const char *
trigger_of(const struct dbq_flow *f)
{
	if (f->resend_run_id != 0)
		return "resend_run";
	if (f->run_requested == DBQ_FLOWS_REQ_RECORDS)
		return "resend_record";
	if (f->run_requested != 0)
		return "manual";
	return "schedule";
}

/* fail: the run ends as "failed" with message (a constant format). */
static void fail(struct flow_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct flow_job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	j->o.status = "failed";
	j->o.error = arena_vprintf(j->a, fmt, ap);
	va_end(ap);
}

static const char *
content_type(enum csv_encoding e)
{
	return e == CSV_CP932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=UTF-8";
}

/* with_flow_filter: the template's filter AND the flow's own, compiled into def. */
static int
with_flow_filter(struct flow_job *j, struct conv_def *def)
{
	const char *extra = j->flow.filter_expr;
	if (extra == NULL || *extra == '\0')
		return 0;
	const char *src = def->filter != NULL && *def->filter != '\0'
				  ? arena_printf(j->a, "(%s)\n AND (%s)", def->filter, extra)
				  : extra;
	struct expr_error err;
	memset(&err, 0, sizeof err);
	struct expr *e;
	if (strlen(src) > EXPR_MAX_SOURCE) {
		fail(j, "テンプレートの絞り込み条件とフローの絞り込み条件を合わせると長すぎます（%u バイトまで）。",
		     (unsigned)EXPR_MAX_SOURCE);
		return -ERR_TOO_LARGE;
	}
	if (expr_compile(j->a, src, strlen(src), conv_fields_catalog(def->kind), &e, &err) != 0) {
		fail(j, "フローの絞り込み条件を使えません: %s", err.msg);
		return -ERR_INVALID;
	}
	def->filter = src;
	def->filter_expr = e;
	return 0;
}

/* convert: read the records the flow has not delivered and run the template over them into j->res. */
static int
convert(struct flow_job *j, const char *def_json)
{
	struct conv_def def;
	struct conv_def_error derr;
	memset(&derr, 0, sizeof derr);
	if (conv_def_parse(j->a, def_json, strlen(def_json), &def, &derr) != 0) {
		fail(j, "テンプレートを読み込めません: %s", derr.msg);
		return -ERR_INVALID;
	}
	int rc = with_flow_filter(j, &def);
	if (rc != 0)
		return rc;
	if (j->flow.nconnections == 0) {
		fail(j, "%s", "送信元の接続がありません（削除された可能性があります）。フローを編集して接続を選んでください。");
		return -ERR_INVALID;
	}
	struct dbq_convsrc_query q = {
		.tenant_id = j->tenant_id,
		.key = j->key,
		.kind = def.kind,
		.connections = j->flow.connections,
		.nconnections = j->flow.nconnections,
		.not_in_flow = j->flow.id,
		.limit = RUN_UNITS_MAX,
		.share_order = true,
	};
	struct conv_record *recs;
	size_t n;
	if ((rc = dbq_convsrc_read(j->env->db, j->a, &q, &recs, &n)) != 0) {
		fail(j, "データを読み込めません（%s）。", rc == -ERR_FORBIDDEN ? "暗号化された個人情報を復号できません" : err_name(rc));
		return rc;
	}
	struct conv_run_opts opts = {
		.lookup = dbq_lookup_cache_fn,
		.lookup_ctx = dbq_lookup_cache_new(j->env->db, j->a, j->tenant_id),
		.now_ms = j->now_ms,
		.max_issues = ISSUES_KEPT,
		.max_bytes = DBQ_FLOWS_FILE_MAX,
	};
	if ((rc = conv_run(j->a, &def, recs, n, &opts, &j->res)) != 0) {
		if (rc == -ERR_TOO_LARGE)
			fail(j, "出力ファイルが上限（%u MiB）を超えました。絞り込み条件で件数を減らしてください。",
			     DBQ_FLOWS_FILE_MAX >> 20);
		else
			fail(j, "変換できませんでした（%s）。", err_name(rc));
		return rc;
	}
	j->o.res = &j->res;
	j->o.content_type = content_type(def.encoding);
	return 0;
}

/* deliver: put the produced file where the flow sends it; sets status, delivery and ledger. */
static void
deliver(struct flow_job *j, const char *name, const char *bytes, size_t len, bool book)
{
	j->o.file_name = name;
	if (strcmp(j->flow.destination, "download") == 0) {
		j->o.delivery_status = "download";
		j->o.write_ledger = book;
		return;
	}
	const char *secret = NULL;
	struct delivery_target t;
	struct delivery_result r;
	delivery_result_init(&r);
	int rc = dbq_flows_secret(j->env->db, j->a, j->key, j->tenant_id, j->flow.id, &secret);
	if (rc == 0)
		rc = flow_dest_target(j->a, j->flow.destination, j->flow.destination_settings, secret, &t);
	if (rc == 0)
		rc = delivery_send(j->a, j->env->delivery, &t, name, bytes, len, &r);
	else
		r.message = arena_printf(j->a, "送信先の設定を読み込めません（%s）。", err_name(rc));
	if (rc != 0) {
		j->o.status = "failed";
		j->o.delivery_status = "failed";
		j->o.delivery_message = r.message;
		j->o.error = arena_printf(j->a, "配信できませんでした: %s", r.message);
		return;
	}
	j->o.delivery_status = "delivered";
	j->o.delivery_message = r.remote != NULL && *r.remote != '\0' ? arena_printf(j->a, "%s（%s）", r.message, r.remote)
								       : r.message;
	j->o.write_ledger = book;
}

/* normal: a schedule / manual / resend_record run. */
static void
normal(struct flow_job *j, const char *def_json)
{
	if (convert(j, def_json) != 0)
		return;
	const struct conv_result *r = &j->res;
	if (r->records_out == 0) {
		j->o.status = r->records_failed > 0 ? "failed" : "nothing";
		if (r->records_failed > 0)
			j->o.error = arena_printf(j->a, "対象の %zu 件すべてにエラーがあるため、ファイルを作りませんでした。",
						  r->records_failed);
		return;
	}
	j->o.status = r->records_failed > 0 ? "partial" : "ok";
	deliver(j, r->file_name, r->bytes, r->len, true);
}

/* resend: the stored file of run id again. */
static void
resend(struct flow_job *j, uint64_t id)
{
	struct dbq_flow_run orig;
	struct dbq_flow_issue *issues;
	size_t nissues;
	const char *name, *ctype;
	char *bytes;
	size_t len;
	int rc = dbq_flows_run_get(j->env->db, j->a, j->tenant_id, id, &orig, &issues, &nissues);
	if (rc == 0 && (orig.flow_id != j->flow.id || orig.file_id == 0))
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = dbq_flows_file(j->env->db, j->a, j->key, j->tenant_id, orig.file_id, &name, &ctype, &bytes, &len);
	if (rc != 0) {
		fail(j, "再送するファイルがありません（保存期間を過ぎたか、削除されました）。");
		return;
	}
	memset(&j->res, 0, sizeof j->res);
	j->res.bytes = bytes;
	j->res.len = len;
	j->res.file_name = name;
	j->res.records_out = orig.records_out;
	j->res.rows_out = orig.rows_out;
	j->o.res = &j->res;
	j->o.content_type = ctype;
	j->o.status = "ok";
	deliver(j, name, bytes, len, false);
}

/* load: the tenant key, the flow and (for a normal run) the template's current definition. */
static int
load(struct flow_job *j, uint64_t flow_id, unsigned *version, const char **def_json)
{
	struct db *db = j->env->db;
	int rc = dbq_outbox_tenant_key(db, j->a, j->tenant_id, j->key);
	if (rc == 0)
		rc = dbq_flows_get(db, j->a, j->tenant_id, flow_id, &j->flow);
	if (rc != 0)
		return rc;
	*version = 0;
	*def_json = NULL;
	if (j->flow.resend_run_id != 0) {
		struct dbq_flow_run orig;
		struct dbq_flow_issue *is;
		size_t n;
		if (dbq_flows_run_get(db, j->a, j->tenant_id, j->flow.resend_run_id, &orig, &is, &n) == 0)
			*version = orig.template_version;
		return 0;
	}
	struct dbq_template t;
	rc = dbq_templates_get(db, j->a, j->tenant_id, j->flow.template_id, &t, def_json);
	if (rc == 0)
		*version = t.current_version;
	return rc == -ERR_NOT_FOUND ? 0 : rc;
}

static void
report(const struct flow_job *j)
{
	const struct flow_outcome *o = j->out;
	log_event(strcmp(o->status, "failed") == 0 ? LOG_WARN : LOG_INFO, "flow_run",
		  LOG_I("tenant", (int64_t)o->tenant_id), LOG_I("flow", (int64_t)o->flow_id),
		  LOG_I("run", (int64_t)o->run_id), LOG_S("trigger", o->trigger), LOG_S("status", o->status),
		  LOG_S("delivery", o->delivery_status), LOG_I("in", o->records_in), LOG_I("out", o->records_out),
		  LOG_I("failed", o->records_failed), LOG_I("unencodable", o->unencodable),
		  LOG_S("message", o->message), LOG_S("lost_lease", o->lost_lease ? "yes" : "no"));
}

/* finish: book the outcome; fills out. */
static void
finish(struct flow_job *j)
{
	struct flow_outcome *out = j->out;
	struct flow_schedule s;
	flow_schedule_from(&s, j->flow.schedule_kind, j->flow.interval_min, j->flow.schedule_times,
			   j->flow.schedule_days);
	j->o.next_run_at = flow_schedule_next(&s, clock_now());
	j->o.keep_days = j->flow.keep_days;
	if (j->o.delivery_status == NULL)
		j->o.delivery_status = "none";
	int rc = dbq_flows_run_finish(j->env->db, j->a, j->key, j->tenant_id, j->flow.id, out->run_id,
				      j->env->owner, &j->o);
	if (rc == -ERR_CONFLICT) {
		out->lost_lease = true;
	} else if (rc != 0) {
		/* the outcome could not be stored (e.g. too large a file): record the failure alone, so
		 * the run does not stay "running", nothing is booked and the records go out next time */
		struct dbq_flow_outcome bare = j->o;
		bare.status = "failed";
		bare.res = NULL;
		bare.file_name = NULL;
		bare.write_ledger = false;
		if (strcmp(j->o.delivery_status, "delivered") == 0)
			bare.delivery_message = arena_printf(j->a, "%s（配信後に記録できませんでした）",
							     j->o.delivery_message ? j->o.delivery_message : "");
		bare.error = arena_printf(j->a, "実行結果を保存できませんでした（%s）。", err_name(rc));
		if (dbq_flows_run_finish(j->env->db, j->a, j->key, j->tenant_id, j->flow.id, out->run_id,
					 j->env->owner, &bare) == 0)
			rc = 0;
		j->o = bare;
	}
	const struct conv_result *r = j->o.res;
	out->status = rc == 0 ? j->o.status : "failed";
	out->delivery_status = j->o.delivery_status;
	out->records_in = r ? (unsigned)r->records_in : 0;
	out->records_out = r ? (unsigned)r->records_out : 0;
	out->records_failed = r ? (unsigned)r->records_failed : 0;
	out->unencodable = r ? (unsigned)r->unencodable : 0;
	out->message = j->o.error ? j->o.error : j->o.delivery_message ? j->o.delivery_message : "";
	if (rc != 0 && rc != -ERR_CONFLICT)
		out->message = arena_printf(j->a, "%s（保存に失敗: %s）", out->message, err_name(rc));
}

int
flow_run_next(const struct flow_env *env, struct arena *a, struct flow_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct flow_job j = { .env = env, .a = a, .out = out };
	uint64_t flow_id;
	int rc = dbq_flows_claim_due(env->db, env->owner, env->lease_s > 0 ? env->lease_s : 600, env->only_tenant,
				     &j.tenant_id, &flow_id);
	if (rc != 0)
		return rc;
	out->tenant_id = j.tenant_id;
	out->flow_id = flow_id;
	out->status = "failed";
	out->delivery_status = "none";
	out->message = "";
	unsigned version;
	const char *def_json;
	rc = load(&j, flow_id, &version, &def_json);
	if (rc != 0) {
		out->message = arena_printf(a, "フローを読み込めません（%s）。", err_name(rc));
		report(&j);
		explicit_bzero(j.key, sizeof j.key);
		return 0; /* the lease runs out and the flow is tried again */
	}
	out->trigger = trigger_of(&j.flow);
	rc = dbq_flows_run_start(env->db, j.tenant_id, flow_id, out->trigger, j.flow.resend_run_id, version, env->owner,
				 &out->run_id);
	if (rc != 0) {
		out->lost_lease = rc == -ERR_CONFLICT;
		out->message = arena_printf(a, "実行を記録できません（%s）。", err_name(rc));
		report(&j);
		explicit_bzero(j.key, sizeof j.key);
		return 0;
	}
	j.now_ms = clock_now_ms();
	if (j.flow.resend_run_id != 0)
		resend(&j, j.flow.resend_run_id);
	else if (def_json == NULL)
		fail(&j, "%s", "テンプレートが見つかりません（削除された可能性があります）。");
	else
		normal(&j, def_json);
	finish(&j);
	report(&j);
	explicit_bzero(j.key, sizeof j.key);
	return 0;
}
