/* dbq_users.c: queries on users: encrypted identity, roles and status, passwords, TOTP, lockout, deletion. */
#include "dbq_users.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"

#define USER_COLS \
	"id, tenant_id, email_enc, name_enc, lang, role, status, restrict_connections," \
	" password_hash, IFNULL(UNIX_TIMESTAMP(password_changed_at), 0), totp_secret_enc," \
	" totp_enabled, totp_last_step, failed_logins, IFNULL(UNIX_TIMESTAMP(locked_until), 0)," \
	" UNIX_TIMESTAMP(created_at)"

#define MAX_LOCK_SECONDS (24 * 3600)

static const char *const role_names[] = { NULL, "viewer", "editor", "admin" };
static const char *const status_names[] = { NULL, "invited", "active", "disabled" };

const char *
dbq_users_role_name(int role)
{
	return role >= 1 && role <= 3 ? role_names[role] : "?";
}

int
dbq_users_role_parse(const char *s)
{
	for (int i = 1; s != NULL && i <= 3; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return 0;
}

const char *
dbq_users_status_name(int status)
{
	return status >= 1 && status <= 3 ? status_names[status] : "?";
}

int
dbq_users_status_parse(const char *s)
{
	for (int i = 1; s != NULL && i <= 3; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return 0;
}

static bool
local_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

int
dbq_users_email_normalize(struct arena *a, const char *in, char **out)
{
	if (in == NULL)
		return -ERR_INVALID;
	while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
		in++;
	size_t n = strlen(in);
	while (n > 0 && strchr(" \t\r\n", in[n - 1]) != NULL)
		n--;
	if (n < 3 || n > 254)
		return -ERR_INVALID;
	char *s = arena_strndup(a, in, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	char *at = strchr(s, '@');
	if (at == NULL || strchr(at + 1, '@') != NULL || at == s || at - s > 64)
		return -ERR_INVALID;
	for (char *p = s; p < at; p++)
		if (!local_char(*p))
			return -ERR_INVALID;
	const char *d = at + 1;
	size_t label = 0, dots = 0;
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (label == 0 || d[-1] == '-')
				return -ERR_INVALID;
			dots++;
			label = 0;
		} else if ((*d >= 'a' && *d <= 'z') || (*d >= '0' && *d <= '9') || *d == '-') {
			if (++label > 63 || (label == 1 && *d == '-'))
				return -ERR_INVALID;
		} else {
			return -ERR_INVALID;
		}
	}
	if (label == 0 || dots == 0)
		return -ERR_INVALID;
	*out = s;
	return 0;
}

static bool
name_ok(const char *name)
{
	if (name == NULL)
		return false;
	size_t n = strlen(name);
	if (n == 0 || !utf8_valid(name, n) || utf8_codepoints(name, n) > 100)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

static bool
lang_ok(const char *lang)
{
	return lang != NULL && (strcmp(lang, "ja") == 0 || strcmp(lang, "en") == 0);
}

static struct seal_aad
aad(uint64_t tenant_id, const char *column, uint64_t id)
{
	struct seal_aad x = { .tenant_id = tenant_id, .table = "users", .column = column,
			      .row_id = id };
	return x;
}

int
dbq_users_create(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		 const char *email, const char *name, const char *lang, int role, uint64_t *id)
{
	char *norm;
	if (dbq_users_email_normalize(a, email, &norm) != 0 || !name_ok(name) || !lang_ok(lang) ||
	    role < USER_ROLE_VIEWER || role > USER_ROLE_ADMIN)
		return -ERR_INVALID;
	uint64_t uid = token_random_id();
	unsigned char bidx[32], *email_ct, *name_ct;
	size_t email_len, name_len;
	seal_blind_index(key, "users.email", norm, strlen(norm), bidx);
	struct seal_aad ae = aad(tenant_id, "email_enc", uid), an = aad(tenant_id, "name_enc", uid);
	int rc = seal_encrypt(a, key, &ae, norm, strlen(norm), &email_ct, &email_len);
	if (rc == 0)
		rc = seal_encrypt(a, key, &an, name, strlen(name), &name_ct, &name_len);
	if (rc != 0)
		return rc;
	rc = db_exec(db, a,
		     "INSERT INTO users (id, tenant_id, email_bidx, email_enc, name_enc, lang, role,"
		     " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'invited', FROM_UNIXTIME(?))",
		     "iibbbssi", uid, tenant_id, bidx, (size_t)32, email_ct, email_len, name_ct,
		     name_len, lang, dbq_users_role_name(role), (int64_t)clock_now());
	if (rc != 0)
		return rc;
	*id = uid;
	return 0;
}

static int
open_cell(struct arena *a, const unsigned char *key, const struct db_rows *rows, size_t r,
	  size_t c, uint64_t tenant_id, const char *column, uint64_t id, char **pt, size_t *n)
{
	const struct db_cell *cell = db_cell(rows, r, c);
	*pt = NULL;
	*n = 0;
	if (cell == NULL || cell->is_null)
		return 0;
	struct seal_aad x = aad(tenant_id, column, id);
	return seal_decrypt(a, key, &x, (const unsigned char *)cell->val, cell->len, pt, n);
}

static int
fill(struct arena *a, const unsigned char *key, const struct db_rows *rows, size_t r,
     struct user *u)
{
	int64_t v[9];
	static const size_t num_cols[] = { 0, 1, 7, 9, 11, 12, 13, 14, 15 };
	memset(u, 0, sizeof *u);
	for (size_t i = 0; i < 9; i++)
		if (db_i64(rows, r, num_cols[i], &v[i]) != 0)
			return -ERR_DB;
	u->id = (uint64_t)v[0];
	u->tenant_id = (uint64_t)v[1];
	u->restrict_connections = v[2] != 0;
	u->password_changed_at = v[3];
	u->totp_enabled = v[4] != 0;
	u->totp_last_step = v[5];
	u->failed_logins = (unsigned)v[6];
	u->locked_until = v[7];
	u->created_at = v[8];
	u->lang = db_str(rows, r, 4);
	u->role = dbq_users_role_parse(db_str(rows, r, 5));
	u->status = dbq_users_status_parse(db_str(rows, r, 6));
	u->password_hash = db_str(rows, r, 8);
	char *email, *name, *totp;
	size_t n;
	if (open_cell(a, key, rows, r, 2, u->tenant_id, "email_enc", u->id, &email, &n) != 0 ||
	    open_cell(a, key, rows, r, 3, u->tenant_id, "name_enc", u->id, &name, &n) != 0 ||
	    email == NULL || name == NULL)
		return -ERR_INVALID;
	if (open_cell(a, key, rows, r, 10, u->tenant_id, "totp_secret_enc", u->id, &totp, &n) != 0)
		return -ERR_INVALID;
	u->email = email;
	u->name = name;
	u->totp_secret = (const unsigned char *)totp;
	u->totp_secret_len = n;
	return 0;
}

static int
get_one(struct db *db, struct arena *a, const unsigned char *key, struct db_rows *rows, int rc,
	struct user *out)
{
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	(void)db;
	return fill(a, key, rows, 0, out);
}

int
dbq_users_get(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
	      uint64_t id, struct user *out)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND id = ?",
			  "ii", tenant_id, id);
	return get_one(db, a, key, rows, rc, out);
}

int
dbq_users_find_by_email(struct db *db, struct arena *a, uint64_t tenant_id,
			const unsigned char *key, const char *email, struct user *out)
{
	char *norm;
	if (dbq_users_email_normalize(a, email, &norm) != 0)
		return -ERR_NOT_FOUND;
	unsigned char bidx[32];
	seal_blind_index(key, "users.email", norm, strlen(norm), bidx);
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND email_bidx = ?",
			  "ib", tenant_id, bidx, (size_t)32);
	return get_one(db, a, key, rows, rc, out);
}

/* ASCII case-insensitive substring test (other bytes compared exactly). */
static bool
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), h = strlen(hay);
	for (size_t i = 0; i + n <= h; i++) {
		size_t j = 0;
		for (; j < n; j++) {
			char x = hay[i + j], y = needle[j];
			if (x >= 'A' && x <= 'Z')
				x = (char)(x - 'A' + 'a');
			if (y >= 'A' && y <= 'Z')
				y = (char)(y - 'A' + 'a');
			if (x != y)
				break;
		}
		if (j == n)
			return true;
	}
	return false;
}

/* Without a search, paging happens in SQL and only one page is decrypted;
 * a search must look at every (encrypted) name and address, so it
 * decrypts the tenant's users and pages in C. */
static int
list_page(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key, size_t offset,
	  size_t limit, struct user **out, size_t *n, size_t *total)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT COUNT(*) FROM users WHERE tenant_id = ?", "i", tenant_id);
	int64_t count = 0;
	if (rc != 0 || (rc = db_i64(rows, 0, 0, &count)) != 0)
		return rc;
	rc = db_query(db, a, &rows,
		      "SELECT " USER_COLS " FROM users WHERE tenant_id = ?"
		      " ORDER BY created_at, id LIMIT ? OFFSET ?",
		      "iii", tenant_id, (int64_t)limit, (int64_t)offset);
	if (rc != 0)
		return rc;
	size_t got = db_rows_count(rows);
	struct user *us = arena_calloc(a, limit, sizeof *us);
	for (size_t i = 0; i < got && i < limit; i++)
		if ((rc = fill(a, key, rows, i, &us[i])) != 0)
			return rc;
	*out = us;
	*n = got < limit ? got : limit;
	if (total != NULL)
		*total = (size_t)count;
	return 0;
}

int
dbq_users_list(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
	       const char *search, size_t offset, size_t limit, struct user **out, size_t *n,
	       size_t *total)
{
	if (limit == 0 || limit > 500)
		return -ERR_INVALID;
	if (search == NULL || *search == '\0')
		return list_page(db, a, tenant_id, key, offset, limit, out, n, total);
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " USER_COLS " FROM users WHERE tenant_id = ? ORDER BY created_at, id",
			  "i", tenant_id);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows), matched = 0, kept = 0;
	struct user *us = arena_calloc(a, limit, sizeof *us);
	for (size_t i = 0; i < count; i++) {
		struct user u;
		if ((rc = fill(a, key, rows, i, &u)) != 0)
			return rc;
		if (!contains(u.name, search) && !contains(u.email, search))
			continue;
		if (matched++ >= offset && kept < limit)
			us[kept++] = u;
	}
	*out = us;
	*n = kept;
	if (total != NULL)
		*total = matched;
	return 0;
}

int
dbq_users_count_active_admins(struct db *db, struct arena *a, uint64_t tenant_id, size_t *count)
{
	struct db_rows *rows;
	int64_t v;
	int rc = db_query(db, a, &rows,
			  "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role = 'admin'"
			  " AND status = 'active'", "i", tenant_id);
	if (rc != 0)
		return rc;
	if (db_i64(rows, 0, 0, &v) != 0)
		return -ERR_DB;
	*count = (size_t)v;
	return 0;
}

static int
one_row(struct db *db, int rc)
{
	if (rc != 0)
		return rc;
	return db_affected(db) >= 1 ? 0 : -ERR_NOT_FOUND;
}

int
dbq_users_set_role(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int role)
{
	if (role < USER_ROLE_VIEWER || role > USER_ROLE_ADMIN)
		return -ERR_INVALID;
	return one_row(db, db_exec(db, a, "UPDATE users SET role = ? WHERE tenant_id = ? AND id = ?",
				   "sii", dbq_users_role_name(role), tenant_id, id));
}

int
dbq_users_set_status(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int status)
{
	if (status < USER_INVITED || status > USER_DISABLED)
		return -ERR_INVALID;
	return one_row(db, db_exec(db, a, "UPDATE users SET status = ? WHERE tenant_id = ? AND id = ?",
				   "sii", dbq_users_status_name(status), tenant_id, id));
}

int
dbq_users_set_lang(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const char *lang)
{
	if (!lang_ok(lang))
		return -ERR_INVALID;
	return one_row(db, db_exec(db, a, "UPDATE users SET lang = ? WHERE tenant_id = ? AND id = ?",
				   "sii", lang, tenant_id, id));
}

int
dbq_users_set_restrict(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
		       bool restrict_connections)
{
	return one_row(db, db_exec(db, a,
				   "UPDATE users SET restrict_connections = ? WHERE tenant_id = ? AND id = ?",
				   "iii", restrict_connections ? 1 : 0, tenant_id, id));
}

/* Run fn-like sequences in a transaction: roll back and return rc on failure. */
static int
abort_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

static int
user_exists_locked(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT id FROM users WHERE tenant_id = ? AND id = ? FOR UPDATE",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	return db_rows_count(rows) == 1 ? 0 : -ERR_NOT_FOUND;
}

int
dbq_users_set_connections(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			  const uint64_t *ids, size_t n)
{
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	if ((rc = user_exists_locked(db, a, tenant_id, id)) != 0 ||
	    (rc = db_exec(db, a, "DELETE FROM user_connection_access WHERE tenant_id = ? AND user_id = ?",
			  "ii", tenant_id, id)) != 0)
		return abort_tx(db, rc);
	for (size_t i = 0; i < n; i++) {
		rc = db_exec(db, a,
			     "INSERT IGNORE INTO user_connection_access (tenant_id, user_id, connection_id)"
			     " VALUES (?, ?, ?)", "iii", tenant_id, id, ids[i]);
		if (rc != 0)
			return abort_tx(db, rc);
	}
	return db_commit(db);
}

bool
dbq_users_can_use_connection(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
			     bool restricted, uint64_t connection_id)
{
	if (!restricted)
		return true;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT 1 FROM user_connection_access WHERE tenant_id = ? AND user_id = ?"
			  " AND connection_id = ?", "iii", tenant_id, user_id, connection_id);
	return rc == 0 && db_rows_count(rows) == 1;
}

int
dbq_users_set_password(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
		       const char *hash, int keep)
{
	if (hash == NULL || *hash == '\0' || strlen(hash) > 255 || keep < 0 || keep > 24)
		return -ERR_INVALID;
	int64_t now = clock_now_ms();
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	if ((rc = user_exists_locked(db, a, tenant_id, id)) != 0)
		return abort_tx(db, rc);
	rc = db_exec(db, a,
		     "UPDATE users SET password_hash = ?, password_changed_at = FROM_UNIXTIME(?),"
		     " status = IF(status = 'invited', 'active', status), failed_logins = 0,"
		     " locked_until = NULL WHERE tenant_id = ? AND id = ?",
		     "siii", hash, now / 1000, tenant_id, id);
	if (rc == 0 && keep > 0)
		rc = db_exec(db, a,
			     "INSERT INTO password_history (tenant_id, user_id, password_hash, created_at)"
			     " VALUES (?, ?, ?, FROM_UNIXTIME(? / 1000))", "iisi", tenant_id, id, hash, now);
	if (rc != 0)
		return abort_tx(db, rc);
	/* keep the newest `keep` rows */
	struct db_rows *rows;
	int64_t count = 0;
	rc = db_query(db, a, &rows,
		      "SELECT COUNT(*) FROM password_history WHERE tenant_id = ? AND user_id = ?", "ii",
		      tenant_id, id);
	if (rc == 0 && db_i64(rows, 0, 0, &count) != 0)
		rc = -ERR_DB;
	if (rc == 0 && count > keep)
		rc = db_exec(db, a,
			     "DELETE FROM password_history WHERE tenant_id = ? AND user_id = ?"
			     " ORDER BY created_at LIMIT ?", "iii", tenant_id, id, count - keep);
	if (rc != 0)
		return abort_tx(db, rc);
	return db_commit(db);
}

int
dbq_users_password_history(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
			   int limit, const char ***hashes, size_t *n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT password_hash FROM password_history WHERE tenant_id = ? AND user_id = ?"
			  " ORDER BY created_at DESC LIMIT ?", "iii", tenant_id, id, limit < 0 ? 0 : limit);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	const char **hs = arena_calloc(a, count ? count : 1, sizeof *hs);
	for (size_t i = 0; i < count; i++)
		hs[i] = db_str(rows, i, 0);
	*hashes = hs;
	*n = count;
	return 0;
}

int
dbq_users_set_totp(struct db *db, struct arena *a, uint64_t tenant_id, const unsigned char *key,
		   uint64_t id, const unsigned char *secret, size_t n)
{
	if (secret == NULL || n == 0 || n > 128)
		return -ERR_INVALID;
	unsigned char *ct;
	size_t ctlen;
	struct seal_aad x = aad(tenant_id, "totp_secret_enc", id);
	int rc = seal_encrypt(a, key, &x, secret, n, &ct, &ctlen);
	if (rc != 0)
		return rc;
	return one_row(db, db_exec(db, a,
				   "UPDATE users SET totp_secret_enc = ?, totp_enabled = 0, totp_last_step = 0"
				   " WHERE tenant_id = ? AND id = ?", "bii", ct, ctlen, tenant_id, id));
}

int
dbq_users_enable_totp(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	return one_row(db, db_exec(db, a,
				   "UPDATE users SET totp_enabled = 1 WHERE tenant_id = ? AND id = ?"
				   " AND totp_secret_enc IS NOT NULL", "ii", tenant_id, id));
}

int
dbq_users_reset_totp(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	if ((rc = user_exists_locked(db, a, tenant_id, id)) != 0 ||
	    (rc = db_exec(db, a,
			  "UPDATE users SET totp_secret_enc = NULL, totp_enabled = 0, totp_last_step = 0"
			  " WHERE tenant_id = ? AND id = ?", "ii", tenant_id, id)) != 0 ||
	    (rc = db_exec(db, a, "DELETE FROM recovery_codes WHERE tenant_id = ? AND user_id = ?", "ii",
			  tenant_id, id)) != 0)
		return abort_tx(db, rc);
	return db_commit(db);
}

int
dbq_users_totp_step(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, int64_t step)
{
	int rc = db_exec(db, a,
			 "UPDATE users SET totp_last_step = ? WHERE tenant_id = ? AND id = ?"
			 " AND totp_last_step < ?", "iiii", step, tenant_id, id, step);
	if (rc != 0)
		return rc;
	return db_affected(db) == 1 ? 0 : -ERR_CONFLICT;
}

int64_t
dbq_users_lock_seconds(unsigned failed_logins, int threshold, int lockout_minutes)
{
	if (threshold <= 0 || failed_logins == 0 || failed_logins % (unsigned)threshold != 0)
		return 0;
	unsigned k = failed_logins / (unsigned)threshold;
	int64_t s = (int64_t)lockout_minutes * 60;
	for (unsigned i = 1; i < k && s < MAX_LOCK_SECONDS; i++)
		s *= 2;
	return s > MAX_LOCK_SECONDS ? MAX_LOCK_SECONDS : s;
}

int
dbq_users_login_failed(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
		       int threshold, int lockout_minutes, int64_t *locked_until)
{
	struct db_rows *rows;
	int64_t failed;
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	rc = db_query(db, a, &rows,
		      "SELECT failed_logins FROM users WHERE tenant_id = ? AND id = ? FOR UPDATE", "ii",
		      tenant_id, id);
	if (rc == 0 && db_rows_count(rows) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc == 0 && db_i64(rows, 0, 0, &failed) != 0)
		rc = -ERR_DB;
	if (rc != 0)
		return abort_tx(db, rc);
	failed++;
	int64_t lock = dbq_users_lock_seconds((unsigned)failed, threshold, lockout_minutes);
	int64_t until = lock > 0 ? (int64_t)clock_now() + lock : 0;
	if (lock > 0)
		rc = db_exec(db, a,
			     "UPDATE users SET failed_logins = ?, locked_until = FROM_UNIXTIME(?)"
			     " WHERE tenant_id = ? AND id = ?", "iiii", failed, until, tenant_id, id);
	else
		rc = db_exec(db, a, "UPDATE users SET failed_logins = ? WHERE tenant_id = ? AND id = ?",
			     "iii", failed, tenant_id, id);
	if (rc != 0)
		return abort_tx(db, rc);
	if ((rc = db_commit(db)) != 0)
		return rc;
	if (locked_until != NULL)
		*locked_until = until;
	return 0;
}

int
dbq_users_login_ok(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	return one_row(db, db_exec(db, a,
				   "UPDATE users SET failed_logins = 0, locked_until = NULL"
				   " WHERE tenant_id = ? AND id = ?", "ii", tenant_id, id));
}

int
dbq_users_unlock(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	return dbq_users_login_ok(db, a, tenant_id, id);
}

int
dbq_users_delete(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	static const char *const stmts[] = {
		"DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?",
		"DELETE FROM auth_tokens WHERE tenant_id = ? AND user_id = ?",
		"DELETE FROM recovery_codes WHERE tenant_id = ? AND user_id = ?",
		"DELETE FROM user_connection_access WHERE tenant_id = ? AND user_id = ?",
		"DELETE FROM password_history WHERE tenant_id = ? AND user_id = ?",
		"DELETE FROM users WHERE tenant_id = ? AND id = ?",
	};
	int rc = db_begin(db);
	if (rc != 0)
		return rc;
	if ((rc = user_exists_locked(db, a, tenant_id, id)) != 0)
		return abort_tx(db, rc);
	for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
		if ((rc = db_exec(db, a, stmts[i], "ii", tenant_id, id)) != 0)
			return abort_tx(db, rc);
	return db_commit(db);
}
