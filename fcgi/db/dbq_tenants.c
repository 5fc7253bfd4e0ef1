/* dbq_tenants.c: queries on tenants (customer companies): create, look up, settings. */
#include "dbq_tenants.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/keyring.h"
#include "crypto/token.h"
#include "db/db.h"

#define TENANT_COLS \
	"id, code, name, status, UNIX_TIMESTAMP(created_at), dek_wrapped," \
	" pw_min_length, pw_history, pw_composition, pw_expiry_days, invite_ttl_hours," \
	" session_idle_minutes, session_absolute_hours, lockout_threshold, lockout_minutes"

int
dbq_tenants_code_normalize(struct arena *a, const char *in, char **out)
{
	if (in == NULL)
		return -ERR_INVALID;
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n < 3 || n > 32)
		return -ERR_INVALID;
	char *s = arena_strndup(a, in, n);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return -ERR_INVALID;
		s[i] = c;
	}
	*out = s;
	return 0;
}

static bool
name_ok(const char *name)
{
	if (name == NULL)
		return false;
	size_t n = strlen(name);
	if (n == 0 || !utf8_valid(name, n))
		return false;
	size_t cps = utf8_codepoints(name, n);
	if (cps > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

const struct dbq_tenants_field dbq_tenants_fields[] = {
	{ "pw_min_length", offsetof(struct tenant_settings, pw_min_length), 12, 128 },
	{ "pw_history", offsetof(struct tenant_settings, pw_history), 0, 24 },
	{ "pw_expiry_days", offsetof(struct tenant_settings, pw_expiry_days), 0, 3650 },
	{ "invite_ttl_hours", offsetof(struct tenant_settings, invite_ttl_hours), 1, 72 },
	{ "session_idle_minutes", offsetof(struct tenant_settings, session_idle_minutes), 5, 30 },
	{ "session_absolute_hours", offsetof(struct tenant_settings, session_absolute_hours), 1, 12 },
	{ "lockout_threshold", offsetof(struct tenant_settings, lockout_threshold), 3, 100 },
	{ "lockout_minutes", offsetof(struct tenant_settings, lockout_minutes), 1, 1440 },
};
const size_t dbq_tenants_nfields = sizeof dbq_tenants_fields / sizeof dbq_tenants_fields[0];

int
dbq_tenants_settings_check(const struct tenant_settings *s, const char **field)
{
	const struct dbq_tenants_field *ranges = dbq_tenants_fields;
	for (size_t i = 0; i < dbq_tenants_nfields; i++) {
		int v;
		memcpy(&v, (const char *)s + ranges[i].off, sizeof v);
		if (v < ranges[i].min || v > ranges[i].max) {
			if (field != NULL)
				*field = ranges[i].name;
			return -ERR_INVALID;
		}
	}
	return 0;
}

int
dbq_tenants_create(struct db *db, struct arena *a, const char *code, const char *name,
		   uint64_t *id)
{
	char *norm;
	if (dbq_tenants_code_normalize(a, code, &norm) != 0 || !name_ok(name))
		return -ERR_INVALID;
	uint64_t tid = token_random_id();
	unsigned char *wrapped;
	size_t wlen;
	int rc = keyring_new_dek(a, tid, &wrapped, &wlen);
	if (rc != 0)
		return rc;
	rc = db_exec(db, a,
		     "INSERT INTO tenants (id, code, name, dek_wrapped, created_at)"
		     " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?))",
		     "issbi", tid, norm, name, wrapped, wlen, (int64_t)clock_now());
	if (rc != 0)
		return rc;
	*id = tid;
	return 0;
}

static int
cell_int(const struct db_rows *rows, size_t r, size_t c, int *out)
{
	int64_t v;
	int rc = db_i64(rows, r, c, &v);
	if (rc != 0)
		return -ERR_DB;
	*out = (int)v;
	return 0;
}

/* Fill t from row r of a TENANT_COLS result; unwrap the key when want_key. */
static int
fill(const struct db_rows *rows, size_t r, struct tenant *t, bool want_key)
{
	int64_t v;
	int comp = 0;
	memset(t, 0, sizeof *t);
	if (db_i64(rows, r, 0, &v) != 0)
		return -ERR_DB;
	t->id = (uint64_t)v;
	t->code = db_str(rows, r, 1);
	t->name = db_str(rows, r, 2);
	t->status = db_str(rows, r, 3);
	if (db_i64(rows, r, 4, &t->created_at) != 0)
		return -ERR_DB;
	if (cell_int(rows, r, 6, &t->s.pw_min_length) || cell_int(rows, r, 7, &t->s.pw_history) ||
	    cell_int(rows, r, 8, &comp) || cell_int(rows, r, 9, &t->s.pw_expiry_days) ||
	    cell_int(rows, r, 10, &t->s.invite_ttl_hours) ||
	    cell_int(rows, r, 11, &t->s.session_idle_minutes) ||
	    cell_int(rows, r, 12, &t->s.session_absolute_hours) ||
	    cell_int(rows, r, 13, &t->s.lockout_threshold) ||
	    cell_int(rows, r, 14, &t->s.lockout_minutes))
		return -ERR_DB;
	t->s.pw_composition = comp != 0;
	if (want_key) {
		const struct db_cell *w = db_cell(rows, r, 5);
		if (w == NULL || w->is_null)
			return -ERR_INVALID;
		int rc = keyring_unwrap(t->id, (const unsigned char *)w->val, w->len, t->key);
		if (rc != 0)
			return rc;
		t->has_key = true;
	}
	return 0;
}

int
dbq_tenants_get(struct db *db, struct arena *a, uint64_t id, struct tenant *out)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " TENANT_COLS " FROM tenants WHERE id = ?", "i", id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	return fill(rows, 0, out, true);
}

int
dbq_tenants_find_by_code(struct db *db, struct arena *a, const char *code, struct tenant *out)
{
	char *norm;
	if (dbq_tenants_code_normalize(a, code, &norm) != 0)
		return -ERR_NOT_FOUND;
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " TENANT_COLS " FROM tenants WHERE code = ?", "s",
			  norm);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	return fill(rows, 0, out, true);
}

int
dbq_tenants_list(struct db *db, struct arena *a, struct tenant **out, size_t *n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT " TENANT_COLS " FROM tenants ORDER BY code", "");
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct tenant *ts = arena_calloc(a, count ? count : 1, sizeof *ts);
	for (size_t i = 0; i < count; i++)
		if ((rc = fill(rows, i, &ts[i], false)) != 0)
			return rc;
	*out = ts;
	*n = count;
	return 0;
}

int
dbq_tenants_update_settings(struct db *db, struct arena *a, uint64_t id,
			    const struct tenant_settings *s)
{
	if (dbq_tenants_settings_check(s, NULL) != 0)
		return -ERR_INVALID;
	int rc = db_exec(db, a,
			 "UPDATE tenants SET pw_min_length = ?, pw_history = ?, pw_composition = ?,"
			 " pw_expiry_days = ?, invite_ttl_hours = ?, session_idle_minutes = ?,"
			 " session_absolute_hours = ?, lockout_threshold = ?, lockout_minutes = ?"
			 " WHERE id = ?",
			 "iiiiiiiiii", s->pw_min_length, s->pw_history, s->pw_composition ? 1 : 0,
			 s->pw_expiry_days, s->invite_ttl_hours, s->session_idle_minutes,
			 s->session_absolute_hours, s->lockout_threshold, s->lockout_minutes, id);
	if (rc != 0)
		return rc;
	return db_affected(db) == 1 ? 0 : -ERR_NOT_FOUND;
}

int
dbq_tenants_delete_empty(struct db *db, struct arena *a, uint64_t id)
{
	int rc = db_exec(db, a, "DELETE FROM tenants WHERE id = ?", "i", id);
	if (rc == -ERR_DB)
		return -ERR_CONFLICT;
	if (rc != 0)
		return rc;
	return db_affected(db) == 1 ? 0 : -ERR_NOT_FOUND;
}
