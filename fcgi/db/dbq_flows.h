/* dbq_flows.h: flows (連携フロー), their scheduling and lease, runs, per-record issues, the delivery ledger and stored files. */
#ifndef ECC_DBQ_FLOWS_H
#define ECC_DBQ_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/conv_run.h"
#include "core/arena.h"

struct db;

/*
 * Scoped by tenant_id like every dbq_* (another tenant's flow, run or file is
 * -ERR_NOT_FOUND); the only cross-tenant calls are the fetcher's claim and
 * purge (*_due, *_purge). Secrets (SFTP password or private key, HTTP token)
 * are one JSON object sealed into destination_secret_enc with AAD
 * (tenant_id, "flows", "destination_secret_enc", flow id) and returned only
 * by dbq_flows_secret. Files are zlib-compressed then sealed into
 * flow_files.content_enc with AAD (tenant_id, "flow_files", "content_enc",
 * file id). Times are epoch seconds UTC (ms where named *_ms).
 */

#define DBQ_FLOWS_NAME_MAX 100
#define DBQ_FLOWS_FILE_MAX (64u * 1024u * 1024u)   /* bytes of one stored file */

struct dbq_flow {
	uint64_t id;
	const char *name;
	uint64_t template_id;
	const char *template_name;
	const char *kind;                 /* the template's kind */
	const char *filter_expr;
	const char *destination;          /* "download" | "sftp" | "http" */
	const char *destination_settings; /* JSON, non-secret */
	bool has_secret;
	const char *schedule_kind;        /* "interval" | "times" | "manual" */
	unsigned interval_min;
	const char *schedule_times;       /* "09:00,13:30" JST */
	unsigned schedule_days;           /* bit 0 = Sunday */
	unsigned keep_days;
	bool paused;
	int64_t next_run_at;              /* 0 = not scheduled */
	uint64_t *connections;            /* flow_sources */
	size_t nconnections;
	uint64_t last_run_id;
	unsigned consecutive_failures;
	unsigned run_requested;           /* 0, DBQ_FLOWS_REQ_RUN (今すぐ実行) or DBQ_FLOWS_REQ_RECORDS (再送 of records) */
	uint64_t resend_run_id;           /* 再送 of a run pending: that run's id; 0 = none */
	int64_t created_at, updated_at;
};

/* flows.run_requested values: what the next run was asked for (its trigger). */
#define DBQ_FLOWS_REQ_RUN 1u
#define DBQ_FLOWS_REQ_RECORDS 2u

struct dbq_flow_run {
	uint64_t id;
	uint64_t flow_id;
	const char *trigger_kind;         /* schedule | manual | resend_run | resend_record */
	uint64_t resend_of_run_id;
	unsigned template_version;
	const char *status;               /* running | ok | partial | nothing | failed | abandoned */
	int64_t started_at_ms, finished_at_ms;
	unsigned records_in, records_out, records_failed, rows_out, chars_unencodable;
	uint64_t file_id;
	const char *file_name;
	unsigned file_size;
	const char *delivery_status;      /* none | delivered | failed | download */
	const char *delivery_message;
	const char *error;
};

struct dbq_flow_issue {
	const char *kind;                 /* "error" | "unencodable" */
	uint64_t record_id;
	const char *record_label;
	const char *column_name;
	uint32_t codepoint;               /* 0 = none */
	const char *action;               /* failed | replaced | dropped | NULL */
	const char *message;
};

/* CRUD (the flow input is struct dbq_flow with id ignored on create;
 * secret_json NULL on update keeps the stored secret, "" removes it).
 * next_run_at is computed by the caller (flow_schedule.h) and stored (NULL
 * while paused). Create and update check that the template and every
 * connection belong to the tenant (-ERR_NOT_FOUND otherwise) and answer
 * -ERR_CONFLICT when the name is taken, -ERR_INVALID for a value the
 * schema cannot hold. dbq_flows_list returns at most DBQ_FLOWS_LIST_MAX
 * flows by name; update and delete of a missing flow are -ERR_NOT_FOUND. */
#define DBQ_FLOWS_LIST_MAX 1000
int dbq_flows_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_flow **out, size_t *n);
int dbq_flows_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct dbq_flow *out);
int dbq_flows_create(struct db *db, const unsigned char *key, uint64_t tenant_id, const struct dbq_flow *in,
    const char *secret_json, uint64_t *id);
int dbq_flows_update(struct db *db, const unsigned char *key, uint64_t tenant_id, const struct dbq_flow *in,
    const char *secret_json);
int dbq_flows_delete(struct db *db, uint64_t tenant_id, uint64_t id);
int dbq_flows_secret(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id,
    uint64_t id, const char **secret_json);
/* pause/resume (resume stores the given next_run_at); request = 今すぐ実行. */
int dbq_flows_set_paused(struct db *db, uint64_t tenant_id, uint64_t id, bool paused, int64_t next_run_at);
int dbq_flows_request_run(struct db *db, uint64_t tenant_id, uint64_t id);

/*
 * The fetcher's side. dbq_flows_claim_due: lock one due flow (next_run_at <=
 * now and not paused, or run_requested, or a resend_run_id) of an active
 * tenant (only_tenant when not 0) whose lease is free or expired, with
 * FOR UPDATE SKIP LOCKED, set lease_owner/lease_until = now + lease_s, mark
 * a run a dead fetcher left 'running' as 'abandoned', and return its tenant
 * and id (-ERR_NOT_FOUND: nothing due). "now" is clock_now() (the test
 * clock in ECC_TEST builds). The run it starts is recorded with
 * dbq_flows_run_start (under the lease, else -ERR_CONFLICT);
 * dbq_flows_run_finish writes the outcome, the issues, the file and (when
 * delivered) the ledger rows in ONE transaction that first checks the lease
 * is still ours (-ERR_CONFLICT when lost: nothing written), then clears the
 * request the run served (run_requested for manual/resend_record runs, only
 * if it was not asked again for something else meanwhile; resend_run_id for
 * a resend_run run, whose next_run_at is left as it was), stores
 * next_run_at (NULL when 0 or paused), counts consecutive failures and
 * releases the lease.
 */
int dbq_flows_claim_due(struct db *db, const char *owner, int lease_s, uint64_t only_tenant,
    uint64_t *tenant_id, uint64_t *flow_id);
int dbq_flows_run_start(struct db *db, uint64_t tenant_id, uint64_t flow_id, const char *trigger_kind,
    uint64_t resend_of_run_id, unsigned template_version, const char *owner, uint64_t *run_id);

struct dbq_flow_outcome {
	const char *status;
	const struct conv_result *res;    /* counts, issues, delivered ids, bytes (NULL when the run failed before converting) */
	const char *file_name;            /* NULL: no file stored */
	const char *content_type;
	const char *delivery_status;
	const char *delivery_message;
	const char *error;
	bool write_ledger;                /* delivered (or stored for a download flow) */
	int64_t next_run_at;
	unsigned keep_days;
};
int dbq_flows_run_finish(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id,
    uint64_t flow_id, uint64_t run_id, const char *owner, const struct dbq_flow_outcome *o);

/* History. */
int dbq_flows_runs(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t flow_id, size_t limit,
    struct dbq_flow_run **out, size_t *n);
int dbq_flows_run_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id,
    struct dbq_flow_run *out, struct dbq_flow_issue **issues, size_t *nissues);
/* dbq_flows_run_records: the records a run delivered that are still booked to
 * it in the ledger (a record sent again is booked to the later run), at most
 * limit, with a label (order number, SKU, shipment id; "" for stock), for the
 * 再送 checkboxes. *total receives how many there are in all. */
struct dbq_flow_record {
	uint64_t id;
	const char *label;
};
int dbq_flows_run_records(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t run_id, size_t limit,
    struct dbq_flow_record **out, size_t *n, size_t *total);

/* dbq_flows_file: a stored file, unsealed and decompressed into a. -ERR_NOT_FOUND (also when expired). */
int dbq_flows_file(struct db *db, struct arena *a, const unsigned char *key, uint64_t tenant_id,
    uint64_t file_id, const char **name, const char **content_type, char **bytes, size_t *len);

/* 再送: of records — their ledger rows for the flow are deleted and a run is
 * requested (-ERR_NOT_FOUND when none of ids is in the flow's ledger); of a
 * run — a run is requested that delivers that run's stored file again
 * (trigger resend_run; -ERR_NOT_FOUND when the run is not the flow's or its
 * file is gone, -ERR_CONFLICT when the run was not delivered: its records
 * go out with the next run anyway). */
int dbq_flows_resend_records(struct db *db, uint64_t tenant_id, uint64_t flow_id, const uint64_t *ids,
    size_t n);
int dbq_flows_resend_run(struct db *db, uint64_t tenant_id, uint64_t flow_id, uint64_t run_id);

/* dbq_flows_purge: delete files past expires_at (all tenants), at most limit; *deleted receives the count. */
int dbq_flows_purge(struct db *db, size_t limit, size_t *deleted);

#endif
