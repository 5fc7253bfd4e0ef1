/* dbq_connections.c: queries on connections: sealed credentials, their sync_jobs rows, status setters. */
#include "dbq_connections.h"

#include <string.h>
#include <strings.h>

#include "connectors/conn.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"

#define CONN_COLS \
	"c.id, c.tenant_id, c.platform, c.name, c.endpoint, c.settings," \
	" IFNULL(UNIX_TIMESTAMP(c.credential_expires_at), 0), IFNULL(c.expiry_warned_days, 0)," \
	" c.paused, c.auth_failed, IFNULL(UNIX_TIMESTAMP(c.last_success_at), 0)," \
	" IFNULL(UNIX_TIMESTAMP(c.last_error_at), 0), c.last_error, c.consecutive_failures," \
	" c.failure_notified, (SELECT COUNT(*) FROM sync_jobs j WHERE j.connection_id = c.id)," \
	" UNIX_TIMESTAMP(c.created_at), UNIX_TIMESTAMP(c.updated_at)"

static const char *const platforms[] = { "shopify", "rakuten", "amazon" };
/* sync_jobs.stream by enum conn_stream (CONN_ORDERS, CONN_PRODUCTS, CONN_STOCK). */
static const char *const stream_names[] = { "orders", "products", "stock" };

bool
dbq_connections_platform_ok(const char *platform)
{
	for (size_t i = 0; platform != NULL && i < sizeof platforms / sizeof platforms[0]; i++)
		if (strcmp(platform, platforms[i]) == 0)
			return true;
	return false;
}

bool
dbq_connections_name_ok(const char *name)
{
	if (name == NULL)
		return false;
	size_t n = strlen(name);
	if (n == 0 || !utf8_valid(name, n) || utf8_codepoints(name, n) > DBQ_CONNECTIONS_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return name[0] != ' ' && name[n - 1] != ' ';
}

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-';
}

/* The authority "host[:port]" of n bytes at s (no '@' reaches here). */
static bool
authority_ok(const char *s, size_t n)
{
	size_t h = 0;
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close == NULL || close == s + 1)
			return false;
		for (const char *p = s + 1; p < close; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') ||
			      *p == ':' || *p == '.'))
				return false;
		h = (size_t)(close - s) + 1;
	} else {
		while (h < n && host_char(s[h]))
			h++;
		if (h == 0 || s[0] == '.' || s[0] == '-' || s[h - 1] == '-')
			return false;
	}
	if (h == n)
		return true;
	if (s[h] != ':' || h + 1 == n || n - h - 1 > 5)
		return false;
	long port = 0;
	for (size_t i = h + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

int
dbq_connections_endpoint_norm(struct arena *a, const char *in, char **out)
{
	if (in == NULL)
		return -ERR_INVALID;
	size_t n = strlen(in);
	if (n == 0 || n > DBQ_CONNECTIONS_ENDPOINT_MAX)
		return -ERR_INVALID;
	size_t scheme = 0;
	if (n > 8 && strncasecmp(in, "https://", 8) == 0)
		scheme = 8;
	else if (n > 7 && strncasecmp(in, "http://", 7) == 0)
		scheme = 7;
	else
		return -ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= 0x20 || c >= 0x7f || c == '@' || c == '?' || c == '#' || c == '\\')
			return -ERR_INVALID;
	}
	const char *auth = in + scheme, *slash = strchr(auth, '/');
	size_t alen = slash != NULL ? (size_t)(slash - auth) : strlen(auth);
	if (!authority_ok(auth, alen) || strstr(auth, "..") != NULL)
		return -ERR_INVALID;
	while (n > scheme + alen && in[n - 1] == '/')
		n--;
	char *s = arena_strndup(a, in, n);
	for (size_t i = 0; i < scheme; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	*out = s;
	return 0;
}

static bool
json_object_text(const char *s, size_t max)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	return n >= 2 && n <= max && s[0] == '{' && s[n - 1] == '}' && utf8_valid(s, n);
}

static bool
input_ok(struct arena *a, const struct connection_input *in, bool create)
{
	char *norm;
	bool ep = in->endpoint != NULL && dbq_connections_endpoint_norm(a, in->endpoint, &norm) == 0 &&
		  strcmp(norm, in->endpoint) == 0;
	if (!ep || !dbq_connections_name_ok(in->name) ||
	    !json_object_text(in->settings_json, DBQ_CONNECTIONS_SETTINGS_MAX) || in->credential_expires_at < 0)
		return false;
	if (create && (!dbq_connections_platform_ok(in->platform) || in->secrets_json == NULL))
		return false;
	return in->secrets_json == NULL || json_object_text(in->secrets_json, DBQ_CONNECTIONS_SECRETS_MAX);
}

static struct seal_aad
aad(uint64_t tenant_id, uint64_t id)
{
	struct seal_aad x = { .tenant_id = tenant_id, .table = "connections", .column = "credentials_enc",
			      .row_id = id };
	return x;
}

static int
abort_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

int
dbq_connections_create(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		       const struct connection_input *in, uint64_t *id)
{
	if (!input_ok(a, in, true))
		return -ERR_INVALID;
	uint64_t cid = token_random_id();
	struct seal_aad x = aad(tenant_id, cid);
	unsigned char *ct;
	size_t ctlen;
	int rc = seal_encrypt(a, key, &x, in->secrets_json, strlen(in->secrets_json), &ct, &ctlen);
	if (rc != 0)
		return rc;
	int64_t now_ms = clock_now_ms(), exp = in->credential_expires_at;
	unsigned streams = in->streams != 0 ? in->streams : (1u << CONN_ORDERS) | (1u << CONN_PRODUCTS) |
								   (1u << CONN_STOCK);
	if ((rc = db_begin(db)) != 0)
		return rc;
	rc = db_exec(db, a,
		     "INSERT INTO connections (id, tenant_id, platform, name, endpoint, settings, credentials_enc,"
		     " credential_expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
		     " IF(? = 0, NULL, FROM_UNIXTIME(?)), FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
		     "iissssbiiii", cid, tenant_id, in->platform, in->name, in->endpoint, in->settings_json,
		     ct, ctlen, exp, exp, now_ms / 1000, now_ms / 1000);
	for (size_t s = 0; rc == 0 && s < sizeof stream_names / sizeof stream_names[0]; s++) {
		if (!(streams & (1u << s)))
			continue;
		rc = db_exec(db, a,
			     "INSERT INTO sync_jobs (id, tenant_id, connection_id, stream, next_run_at)"
			     " VALUES (?, ?, ?, ?, FROM_UNIXTIME(? / 1000))",
			     "iiisi", token_random_id(), tenant_id, cid, stream_names[s], now_ms);
	}
	if (rc != 0)
		return abort_tx(db, rc);
	if ((rc = db_commit(db)) != 0)
		return rc;
	*id = cid;
	return 0;
}

static int
fill(const struct db_rows *rows, size_t r, struct connection *c)
{
	static const size_t num_cols[] = { 0, 1, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17 };
	int64_t v[sizeof num_cols / sizeof num_cols[0]];
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < sizeof num_cols / sizeof num_cols[0]; i++)
		if (db_i64(rows, r, num_cols[i], &v[i]) != 0)
			return -ERR_DB;
	c->id = (uint64_t)v[0];
	c->tenant_id = (uint64_t)v[1];
	c->credential_expires_at = v[2];
	c->expiry_warned_days = (int)v[3];
	c->paused = v[4] != 0;
	c->auth_failed = v[5] != 0;
	c->last_success_at = v[6];
	c->last_error_at = v[7];
	c->consecutive_failures = (unsigned)v[8];
	c->failure_notified = v[9] != 0;
	c->job_count = (unsigned)v[10];
	c->created_at = v[11];
	c->updated_at = v[12];
	c->platform = db_str(rows, r, 2);
	c->name = db_str(rows, r, 3);
	c->endpoint = db_str(rows, r, 4);
	c->settings_json = db_str(rows, r, 5);
	c->last_error = db_str(rows, r, 12);
	return c->platform && c->name && c->endpoint && c->settings_json ? 0 : -ERR_DB;
}

int
dbq_connections_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct connection *out)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " CONN_COLS " FROM connections c WHERE c.tenant_id = ? AND c.id = ?",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	return fill(rows, 0, out);
}

static int
fill_all(struct arena *a, struct db_rows *rows, struct connection **out, size_t *n)
{
	size_t count = db_rows_count(rows);
	struct connection *cs = arena_calloc(a, count ? count : 1, sizeof *cs);
	for (size_t i = 0; i < count; i++) {
		int rc = fill(rows, i, &cs[i]);
		if (rc != 0)
			return rc;
	}
	*out = cs;
	*n = count;
	return 0;
}

int
dbq_connections_list(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t only_user_id,
		     struct connection **out, size_t *n)
{
	struct db_rows *rows;
	int rc;
	*n = 0;
	if (only_user_id == 0)
		rc = db_query(db, a, &rows,
			      "SELECT " CONN_COLS " FROM connections c WHERE c.tenant_id = ?"
			      " ORDER BY c.name, c.id LIMIT 1000", "i", tenant_id);
	else
		rc = db_query(db, a, &rows,
			      "SELECT " CONN_COLS " FROM connections c JOIN user_connection_access u"
			      " ON u.tenant_id = c.tenant_id AND u.connection_id = c.id"
			      " WHERE c.tenant_id = ? AND u.user_id = ? ORDER BY c.name, c.id LIMIT 1000",
			      "ii", tenant_id, only_user_id);
	if (rc != 0)
		return rc;
	return fill_all(a, rows, out, n);
}

int
dbq_connections_name_taken(struct db *db, struct arena *a, uint64_t tenant_id, const char *name,
			   uint64_t except_id, bool *taken)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT id FROM connections WHERE tenant_id = ? AND name = ? AND id <> ?",
			  "isi", tenant_id, name ? name : "", except_id);
	if (rc == 0)
		*taken = db_rows_count(rows) > 0;
	return rc;
}

int
dbq_connections_update(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		       uint64_t id, const struct connection_input *in)
{
	if (!input_ok(a, in, false))
		return -ERR_INVALID;
	unsigned char *ct = NULL;
	size_t ctlen = 0;
	int rc;
	if (in->secrets_json != NULL) {
		struct seal_aad x = aad(tenant_id, id);
		if ((rc = seal_encrypt(a, key, &x, in->secrets_json, strlen(in->secrets_json), &ct, &ctlen)) != 0)
			return rc;
	}
	int64_t now_ms = clock_now_ms(), exp = in->credential_expires_at;
	if ((rc = db_begin(db)) != 0)
		return rc;
	/* expiry_warned_days is assigned before credential_expires_at: it compares the old date */
	if (ct != NULL)
		rc = db_exec(db, a,
			     "UPDATE connections SET name = ?, endpoint = ?, settings = ?,"
			     " expiry_warned_days = IF(credential_expires_at <=> IF(? = 0, NULL, FROM_UNIXTIME(?)),"
			     " expiry_warned_days, NULL), credential_expires_at = IF(? = 0, NULL, FROM_UNIXTIME(?)),"
			     " auth_failed = 0, updated_at = FROM_UNIXTIME(?), credentials_enc = ?"
			     " WHERE tenant_id = ? AND id = ?",
			     "sssiiiiibii", in->name, in->endpoint, in->settings_json, exp, exp, exp, exp,
			     now_ms / 1000, ct, ctlen, tenant_id, id);
	else
		rc = db_exec(db, a,
			     "UPDATE connections SET name = ?, endpoint = ?, settings = ?,"
			     " expiry_warned_days = IF(credential_expires_at <=> IF(? = 0, NULL, FROM_UNIXTIME(?)),"
			     " expiry_warned_days, NULL), credential_expires_at = IF(? = 0, NULL, FROM_UNIXTIME(?)),"
			     " auth_failed = 0, updated_at = FROM_UNIXTIME(?) WHERE tenant_id = ? AND id = ?",
			     "sssiiiiiii", in->name, in->endpoint, in->settings_json, exp, exp, exp, exp,
			     now_ms / 1000, tenant_id, id);
	if (rc == 0 && db_affected(db) == 0)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = db_exec(db, a,
			     "UPDATE sync_jobs SET next_run_at = LEAST(next_run_at, FROM_UNIXTIME(? / 1000))"
			     " WHERE tenant_id = ? AND connection_id = ?", "iii", now_ms, tenant_id, id);
	if (rc != 0)
		return abort_tx(db, rc);
	return db_commit(db);
}

int
dbq_connections_secrets(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
			uint64_t id, char **json)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT credentials_enc FROM connections WHERE tenant_id = ? AND id = ?",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	const struct db_cell *cell = db_cell(rows, 0, 0);
	if (db_rows_count(rows) != 1 || cell == NULL || cell->is_null)
		return -ERR_NOT_FOUND;
	struct seal_aad x = aad(tenant_id, id);
	size_t n;
	return seal_decrypt(a, key, &x, (const unsigned char *)cell->val, cell->len, json, &n);
}

static int
count_of(struct db *db, struct arena *a, const char *sql, uint64_t tenant_id, uint64_t id, uint64_t *out)
{
	struct db_rows *rows;
	int64_t v = 0;
	int rc = db_query(db, a, &rows, sql, "ii", tenant_id, id);
	if (rc == 0 && db_i64(rows, 0, 0, &v) != 0)
		rc = -ERR_DB;
	if (rc == 0)
		*out = (uint64_t)v;
	return rc;
}

int
dbq_connections_data_counts(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			    uint64_t *orders, uint64_t *products)
{
	int rc = count_of(db, a, "SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND connection_id = ?",
			  tenant_id, id, orders);
	if (rc == 0)
		rc = count_of(db, a, "SELECT COUNT(*) FROM products WHERE tenant_id = ? AND connection_id = ?",
			      tenant_id, id, products);
	return rc;
}

/* --- status setters ------------------------------------------------------ */

/* message made safe for last_error: valid UTF-8, control characters as
 * spaces, at most DBQ_CONNECTIONS_ERROR_MAX code points. */
static const char *
error_text(struct arena *a, const char *message)
{
	struct buf in, out;
	buf_init(&in, a, 128);
	buf_init(&out, a, 128);
	utf8_sanitize(&in, message ? message : "", message ? strlen(message) : 0);
	size_t i = 0, cps = 0;
	while (i < in.len && cps < DBQ_CONNECTIONS_ERROR_MAX) {
		uint32_t cp;
		size_t len;
		utf8_decode_one(in.data + i, in.len - i, &cp, &len);
		if (cp < 0x20 || cp == 0x7f)
			buf_putc(&out, ' ');
		else
			buf_append(&out, in.data + i, len);
		i += len;
		cps++;
	}
	return buf_cstr(&out);
}

static int
one_row(struct db *db, int rc)
{
	if (rc != 0)
		return rc;
	return db_affected(db) >= 1 ? 0 : -ERR_NOT_FOUND;
}

int
dbq_connections_set_auth_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				const char *message)
{
	return one_row(db, db_exec(db, a,
				   "UPDATE connections SET auth_failed = 1, last_error = ?,"
				   " last_error_at = FROM_UNIXTIME(?) WHERE tenant_id = ? AND id = ?",
				   "siii", error_text(a, message), (int64_t)clock_now(), tenant_id, id));
}

/* SELECT one flag of the row FOR UPDATE inside the caller's transaction. */
static int
locked_flag(struct db *db, struct arena *a, const char *sql, uint64_t tenant_id, uint64_t id, int64_t *v)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, sql, "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	return db_i64(rows, 0, 0, v) == 0 ? 0 : -ERR_DB;
}

int
dbq_connections_clear_auth_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
				  bool *was_set)
{
	int64_t v = 0;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = locked_flag(db, a, "SELECT auth_failed FROM connections WHERE tenant_id = ? AND id = ? FOR UPDATE",
			 tenant_id, id, &v);
	if (rc == 0 && v != 0)
		rc = db_exec(db, a, "UPDATE connections SET auth_failed = 0 WHERE tenant_id = ? AND id = ?", "ii",
			     tenant_id, id);
	if (rc != 0)
		return abort_tx(db, rc);
	if ((rc = db_commit(db)) == 0 && was_set != NULL)
		*was_set = v != 0;
	return rc;
}

int
dbq_connections_record_success(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int64_t at,
			       bool *was_notified)
{
	int64_t v = 0;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = locked_flag(db, a,
			 "SELECT failure_notified FROM connections WHERE tenant_id = ? AND id = ? FOR UPDATE",
			 tenant_id, id, &v);
	if (rc == 0)
		rc = db_exec(db, a,
			     "UPDATE connections SET last_success_at = FROM_UNIXTIME(?), consecutive_failures = 0,"
			     " auth_failed = 0, failure_notified = 0 WHERE tenant_id = ? AND id = ?",
			     "iii", at, tenant_id, id);
	if (rc != 0)
		return abort_tx(db, rc);
	if ((rc = db_commit(db)) == 0 && was_notified != NULL)
		*was_notified = v != 0;
	return rc;
}

int
dbq_connections_record_failure(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			       const char *message, unsigned *count)
{
	int64_t v = 0;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = db_exec(db, a,
		     "UPDATE connections SET consecutive_failures = consecutive_failures + 1, last_error = ?,"
		     " last_error_at = FROM_UNIXTIME(?) WHERE tenant_id = ? AND id = ?",
		     "siii", error_text(a, message), (int64_t)clock_now(), tenant_id, id);
	if (rc == 0 && db_affected(db) == 0)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = locked_flag(db, a,
				 "SELECT consecutive_failures FROM connections WHERE tenant_id = ? AND id = ?",
				 tenant_id, id, &v);
	if (rc != 0)
		return abort_tx(db, rc);
	if ((rc = db_commit(db)) == 0 && count != NULL)
		*count = (unsigned)v;
	return rc;
}

int
dbq_connections_set_failure_notified(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, bool on)
{
	return one_row(db, db_exec(db, a,
				   "UPDATE connections SET failure_notified = ? WHERE tenant_id = ? AND id = ?",
				   "iii", on ? 1 : 0, tenant_id, id));
}

int
dbq_connections_set_expiry_warned(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int days)
{
	if (days < 0 || days > 366)
		return -ERR_INVALID;
	return one_row(db, db_exec(db, a,
				   "UPDATE connections SET expiry_warned_days = IF(? = 0, NULL, ?)"
				   " WHERE tenant_id = ? AND id = ?", "iiii", days, days, tenant_id, id));
}

int
dbq_connections_set_paused(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, bool on)
{
	return one_row(db, db_exec(db, a, "UPDATE connections SET paused = ? WHERE tenant_id = ? AND id = ?", "iii",
				   on ? 1 : 0, tenant_id, id));
}

int
dbq_connections_list_expiring_all_tenants(struct db *db, struct arena *a, int64_t now, int within_days,
					  struct connection **out, size_t *n)
{
	if (within_days < 0 || within_days > 366)
		return -ERR_INVALID;
	*n = 0;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " CONN_COLS " FROM connections c WHERE c.credential_expires_at IS NOT NULL"
			  " AND c.credential_expires_at <= FROM_UNIXTIME(?) ORDER BY c.credential_expires_at, c.id"
			  " LIMIT 1000", "i", now + (int64_t)within_days * 86400);
	if (rc != 0)
		return rc;
	return fill_all(a, rows, out, n);
}
