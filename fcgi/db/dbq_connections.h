/* dbq_connections.h: queries on connections: sealed credentials, their sync_jobs rows, status setters. */
#ifndef ECC_DBQ_CONNECTIONS_H
#define ECC_DBQ_CONNECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/*
 * Every function takes tenant_id (from the session or from the fetcher's
 * claimed job, never from a request parameter) and scopes every statement
 * by it: a connection of another tenant behaves exactly like a missing one
 * (-ERR_NOT_FOUND). The only cross-tenant function is named *_all_tenants.
 * key is the tenant's data key (SEAL_KEY_LEN bytes). The secrets are one
 * JSON object sealed into credentials_enc with AAD (tenant_id,
 * "connections", "credentials_enc", connection id); nothing here logs or
 * returns them except dbq_connections_secrets.
 * Times are epoch seconds (UTC); 0 stands for SQL NULL.
 * Errors common to all: -ERR_UNAVAILABLE / -ERR_DB from the database.
 */

#define DBQ_CONNECTIONS_NAME_MAX 100    /* code points */
#define DBQ_CONNECTIONS_ENDPOINT_MAX 255 /* bytes */
#define DBQ_CONNECTIONS_SECRETS_MAX 4000 /* bytes of secrets JSON (sealed: +29, column 4096) */
#define DBQ_CONNECTIONS_SETTINGS_MAX 8000 /* bytes of settings JSON */
#define DBQ_CONNECTIONS_ERROR_MAX 500   /* code points of last_error (longer text is cut) */
#define DBQ_CONNECTIONS_LIST_MAX 1000   /* connections one list returns at most */

/* One connection row (never the secrets). Strings live in the caller's arena. */
struct connection {
	uint64_t id;
	uint64_t tenant_id;
	const char *platform;          /* "shopify" | "rakuten" | "amazon" */
	const char *name;
	const char *endpoint;          /* API base URL, no trailing '/' */
	const char *settings_json;     /* JSON object of the non-secret fields */
	int64_t credential_expires_at; /* 0 = unknown / never */
	int expiry_warned_days;        /* last expiry warning sent: 14, 7, 1; 0 = none since the date changed */
	bool paused;
	bool auth_failed;              /* the platform refused the credentials; not retried until edited */
	int64_t last_success_at;
	int64_t last_error_at;
	const char *last_error;        /* user-facing Japanese text, NULL = none */
	unsigned consecutive_failures;
	bool failure_notified;         /* admins were mailed about the current failure streak */
	unsigned job_count;            /* its sync_jobs rows; 0 = a delete was interrupted (dbq_connections_delete.h) */
	int64_t created_at;
	int64_t updated_at;
};

/* What a create or an update writes. */
struct connection_input {
	const char *platform;          /* create only: "shopify" | "rakuten" | "amazon" */
	const char *name;              /* dbq_connections_name_ok */
	const char *endpoint;          /* dbq_connections_endpoint_norm'd */
	const char *settings_json;     /* a JSON object, at most DBQ_CONNECTIONS_SETTINGS_MAX bytes */
	const char *secrets_json;      /* a JSON object; on update NULL = keep the stored secrets */
	int64_t credential_expires_at; /* 0 = none */
	unsigned streams;              /* create only: bits 1u << enum conn_stream; 0 = all three */
};

/* dbq_connections_platform_ok: true for "shopify", "rakuten", "amazon". */
bool dbq_connections_platform_ok(const char *platform);

/*
 * dbq_connections_name_ok: a connection name is 1–100 code points of valid
 * UTF-8 without control characters and without white space at either end
 * (callers trim first).
 */
bool dbq_connections_name_ok(const char *name);

/*
 * dbq_connections_endpoint_norm: check an API base URL and normalise it:
 * scheme http:// or https:// (any case; written lower case), a host of
 * [A-Za-z0-9.-] or a bracketed IPv6 literal, an optional port 1–65535, an
 * optional path of printable ASCII without "..", and no user name or
 * password ('@'), query ('?'), fragment ('#'), white space, backslash or
 * non-ASCII; at most DBQ_CONNECTIONS_ENDPOINT_MAX bytes. Trailing '/' are
 * removed. *out (in a) gets the result. 0 or -ERR_INVALID.
 */
int dbq_connections_endpoint_norm(struct arena *a, const char *in, char **out);

/*
 * dbq_connections_create: in ONE transaction, insert the connection (random
 * id; secrets sealed; credential_expires_at as given) and one sync_jobs row
 * (random id, next_run_at = now, so the first sync starts at the fetcher's
 * next run) for each stream in in->streams. *id receives the new id.
 * Returns 0, -ERR_INVALID (a field fails the rules above), -ERR_CONFLICT
 * (the name is taken in the tenant: connections_name unique key).
 */
int dbq_connections_create(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
			   const struct connection_input *in, uint64_t *id);

/* dbq_connections_get: the connection (tenant_id, id) into *out (strings in
 * a). 0 or -ERR_NOT_FOUND. */
int dbq_connections_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			struct connection *out);

/*
 * dbq_connections_list: the tenant's connections ordered by name (at most
 * DBQ_CONNECTIONS_LIST_MAX). With only_user_id != 0 only those listed for
 * that user in user_connection_access (a restricted user's allowed
 * connections); 0 lists all. *out is an array of *n in a (non-NULL even
 * when empty). 0 or a database error.
 */
int dbq_connections_list(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t only_user_id,
			 struct connection **out, size_t *n);

/*
 * dbq_connections_name_taken: *taken = another connection of the tenant
 * than except_id (0 = none) has exactly this name (the unique key compares
 * bytes). Lets the form say so before the INSERT/UPDATE would fail.
 */
int dbq_connections_name_taken(struct db *db, struct arena *a, uint64_t tenant_id, const char *name,
			       uint64_t except_id, bool *taken);

/*
 * dbq_connections_update: in one transaction set name, endpoint, settings,
 * credential_expires_at and, when in->secrets_json is not NULL, the sealed
 * secrets (NULL keeps them: an empty secret field on the form means
 * "keep"). expiry_warned_days goes back to NULL when credential_expires_at
 * changes. An edit clears auth_failed (the user fixed the credentials, so
 * the fetcher may try again) and makes the connection's sync jobs due now.
 * in->platform and in->streams are ignored. 0, -ERR_INVALID, -ERR_CONFLICT
 * (name taken), -ERR_NOT_FOUND.
 */
int dbq_connections_update(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
			   uint64_t id, const struct connection_input *in);

/*
 * dbq_connections_secrets: decrypt the connection's secrets; *json (in a,
 * NUL-terminated) is the JSON text exactly as stored, the caller parses it
 * and must never log or display it. 0, -ERR_NOT_FOUND, -ERR_INVALID (the
 * ciphertext does not open: wrong key, or moved; logged by seal_decrypt).
 */
int dbq_connections_secrets(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
			    uint64_t id, char **json);

/*
 * dbq_connections_data_counts: how many orders and products the connection
 * has (what a delete removes: dbq_connections_delete_run in
 * dbq_connections_delete.h), for the confirmation page.
 */
int dbq_connections_data_counts(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				uint64_t *orders, uint64_t *products);

/* --- status setters (the fetcher, 接続テスト, pause/resume). 0 or -ERR_NOT_FOUND. --- */

/*
 * dbq_connections_set_auth_failed: the platform refused the credentials
 * (401/403): auth_failed = 1, last_error = message (cut to
 * DBQ_CONNECTIONS_ERROR_MAX code points, invalid UTF-8 replaced),
 * last_error_at = now. It does not count a failure (call
 * dbq_connections_record_failure as well when the run failed).
 */
int dbq_connections_set_auth_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				    const char *message);

/* dbq_connections_clear_auth_failed: auth_failed = 0 (a later 接続テスト
 * succeeded). *was_set (may be NULL) tells whether it was set. */
int dbq_connections_clear_auth_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				      bool *was_set);

/*
 * dbq_connections_record_success: a run succeeded at `at` (epoch seconds):
 * last_success_at = at, consecutive_failures = 0, auth_failed = 0,
 * failure_notified = 0. *was_notified (may be NULL) receives the previous
 * failure_notified, so the caller mails "recovered" exactly once.
 */
int dbq_connections_record_success(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				   int64_t at, bool *was_notified);

/*
 * dbq_connections_record_failure: a run failed: consecutive_failures + 1,
 * last_error = message (cut as above), last_error_at = now, atomically (row
 * lock). *count (may be NULL) receives the new consecutive_failures.
 */
int dbq_connections_record_failure(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				   const char *message, unsigned *count);

/* dbq_connections_set_failure_notified: failure_notified = on. */
int dbq_connections_set_failure_notified(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
					 bool on);

/* dbq_connections_set_expiry_warned: expiry_warned_days = days (1..366; 0 = NULL). -ERR_INVALID otherwise. */
int dbq_connections_set_expiry_warned(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				      int days);

/* dbq_connections_set_paused: paused = on (pause / resume screens). */
int dbq_connections_set_paused(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, bool on);

/*
 * dbq_connections_list_expiring_all_tenants: CROSS-TENANT (the expiry
 * mailer only): every connection of every tenant whose
 * credential_expires_at is set and at or before now + within_days days
 * (already expired ones included), ordered by credential_expires_at, at
 * most DBQ_CONNECTIONS_LIST_MAX. Each carries its tenant_id; the caller
 * compares expiry_warned_days to decide which warning (14, 7, 1) is due.
 * within_days 0..366, else -ERR_INVALID.
 */
int dbq_connections_list_expiring_all_tenants(struct db *db, struct arena *a, int64_t now, int within_days,
					      struct connection **out, size_t *n);

#endif
