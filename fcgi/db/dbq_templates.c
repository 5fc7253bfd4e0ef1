/* dbq_templates.c: conversion templates and their versions (every save a new version; rollback moves the current one). */
#include "dbq_templates.h"

#include <string.h>

#include "convert/conv_def.h"
#include "convert/conv_fields.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/utf8.h"
#include "crypto/token.h"
#include "db/db.h"

#define TPL_COLS \
	"t.id, t.name, t.kind, t.current_version, t.latest_version, t.standard_key," \
	" UNIX_TIMESTAMP(t.created_at), UNIX_TIMESTAMP(t.updated_at)," \
	" (SELECT COUNT(*) FROM flows f WHERE f.tenant_id = t.tenant_id AND f.template_id = t.id)"

#define VER_COLS \
	"v.version, v.definition, v.note, IFNULL(v.created_by, 0), UNIX_TIMESTAMP(v.created_at)"

#define STANDARD_KEY_MAX 40
#define NOTE_MAX 200

static bool
name_ok(const char *name)
{
	if (name == NULL)
		return false;
	size_t n = strlen(name);
	if (n == 0 || !utf8_valid(name, n) || utf8_codepoints(name, n) > DBQ_TEMPLATES_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

/* definition: non-empty valid UTF-8 JSON text within the converter's limit. */
static int
definition_ok(const char *def)
{
	if (def == NULL)
		return -ERR_INVALID;
	size_t n = strlen(def);
	if (n > CONV_MAX_DEF_BYTES)
		return -ERR_TOO_LARGE;
	return n >= 2 && def[0] == '{' && utf8_valid(def, n) ? 0 : -ERR_INVALID;
}

static int
abort_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

static int
fill(const struct db_rows *rows, size_t r, struct dbq_template *t)
{
	static const size_t num_cols[] = { 0, 3, 4, 6, 7, 8 };
	int64_t v[sizeof num_cols / sizeof num_cols[0]];
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < sizeof num_cols / sizeof num_cols[0]; i++)
		if (db_i64(rows, r, num_cols[i], &v[i]) != 0)
			return -ERR_DB;
	t->id = (uint64_t)v[0];
	t->current_version = (unsigned)v[1];
	t->latest_version = (unsigned)v[2];
	t->created_at = v[3];
	t->updated_at = v[4];
	t->flow_count = (unsigned)v[5];
	t->name = db_str(rows, r, 1);
	t->kind = db_str(rows, r, 2);
	t->standard_key = db_str(rows, r, 5);
	return t->name != NULL && t->kind != NULL ? 0 : -ERR_DB;
}

int
dbq_templates_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_template **out, size_t *n)
{
	struct db_rows *rows;
	*n = 0;
	int rc = db_query(db, a, &rows,
			  "SELECT " TPL_COLS " FROM conv_templates t WHERE t.tenant_id = ? ORDER BY t.name, t.id"
			  " LIMIT 1000", "i", tenant_id);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct dbq_template *ts = arena_calloc(a, count ? count : 1, sizeof *ts);
	for (size_t i = 0; i < count; i++)
		if ((rc = fill(rows, i, &ts[i])) != 0)
			return rc;
	*out = ts;
	*n = count;
	return 0;
}

int
dbq_templates_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct dbq_template *out,
		  const char **def)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " TPL_COLS ", v.definition FROM conv_templates t JOIN conv_template_versions v"
			  " ON v.template_id = t.id AND v.tenant_id = t.tenant_id AND v.version = t.current_version"
			  " WHERE t.tenant_id = ? AND t.id = ?", "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	if ((rc = fill(rows, 0, out)) != 0)
		return rc;
	if (def != NULL && (*def = db_str(rows, 0, 9)) == NULL)
		return -ERR_DB;
	return 0;
}

/* One version row; the caller's transaction (if any) is its own. */
static int
insert_version(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, unsigned version,
	       const char *definition, const char *note, uint64_t user_id, int64_t now)
{
	if (user_id != 0)
		return db_exec(db, a,
			       "INSERT INTO conv_template_versions (tenant_id, template_id, version, definition, note,"
			       " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
			       "iiissii", tenant_id, id, version, definition, note, user_id, now);
	return db_exec(db, a,
		       "INSERT INTO conv_template_versions (tenant_id, template_id, version, definition, note,"
		       " created_by, created_at) VALUES (?, ?, ?, ?, ?, NULL, FROM_UNIXTIME(?))",
		       "iiissi", tenant_id, id, version, definition, note, now);
}

/* One change: what runs inside the transaction of in_tx. */
struct change {
	const char *name, *kind, *definition, *standard_key, *note;
	unsigned version;               /* rollback: the version to write again */
	uint64_t user_id;
	unsigned *out_version;
	uint64_t *out_id;
};

typedef int change_fn(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct change *c);

/* Run fn in a transaction with a scratch arena: committed when it returns
 * 0, rolled back otherwise. */
static int
in_tx(struct db *db, uint64_t tenant_id, uint64_t id, change_fn *fn, const struct change *c)
{
	struct arena *a = arena_new(0);
	int rc = db_begin(db);
	if (rc == 0) {
		rc = fn(db, a, tenant_id, id, c);
		rc = rc == 0 ? db_commit(db) : abort_tx(db, rc);
	}
	arena_free(a);
	return rc;
}

static int
create_tx(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct change *c)
{
	int64_t now = clock_now_ms() / 1000;
	int rc = db_exec(db, a,
			 "INSERT INTO conv_templates (id, tenant_id, name, kind, current_version, latest_version,"
			 " standard_key, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1, ?, FROM_UNIXTIME(?),"
			 " FROM_UNIXTIME(?))", "iisssii", id, tenant_id, c->name, c->kind, c->standard_key, now, now);
	if (rc == 0)
		rc = insert_version(db, a, tenant_id, id, 1, c->definition, "", c->user_id, now);
	return rc;
}

int
dbq_templates_create(struct db *db, uint64_t tenant_id, const char *name, const char *kind,
		     const char *definition, const char *standard_key, uint64_t user_id, uint64_t *id)
{
	enum conv_kind k;
	int rc = definition_ok(definition);
	if (rc != 0)
		return rc;
	if (!name_ok(name) || kind == NULL || conv_kind_parse(kind, &k) != 0 ||
	    (standard_key != NULL && (*standard_key == '\0' || strlen(standard_key) > STANDARD_KEY_MAX)))
		return -ERR_INVALID;
	struct change c = { .name = name, .kind = kind, .definition = definition, .standard_key = standard_key,
			    .user_id = user_id };
	uint64_t tid = token_random_id();
	if ((rc = in_tx(db, tenant_id, tid, create_tx, &c)) == 0)
		*id = tid;
	return rc;
}

/* The template row locked for a change (inside the transaction): its
 * current and latest version, name and current definition. */
struct locked {
	unsigned current, latest;
	const char *name, *definition;
};

static int
lock_template(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct locked *l)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT t.current_version, t.latest_version, t.name, v.definition FROM conv_templates t"
			  " JOIN conv_template_versions v ON v.template_id = t.id AND v.version = t.current_version"
			  " WHERE t.tenant_id = ? AND t.id = ? FOR UPDATE", "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	int64_t cur, latest;
	if (db_i64(rows, 0, 0, &cur) != 0 || db_i64(rows, 0, 1, &latest) != 0)
		return -ERR_DB;
	l->current = (unsigned)cur;
	l->latest = (unsigned)latest;
	l->name = db_str(rows, 0, 2);
	l->definition = db_str(rows, 0, 3);
	return l->name != NULL && l->definition != NULL ? 0 : -ERR_DB;
}

/* A new version latest + 1 with definition, made current (and the name). */
static int
add_version(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct locked *l,
	    const char *name, const char *definition, const char *note, uint64_t user_id, unsigned *version)
{
	int64_t now = clock_now_ms() / 1000;
	unsigned v = l->latest + 1;
	int rc = insert_version(db, a, tenant_id, id, v, definition, note, user_id, now);
	if (rc == 0)
		rc = db_exec(db, a,
			     "UPDATE conv_templates SET name = ?, current_version = ?, latest_version = ?,"
			     " updated_at = FROM_UNIXTIME(?) WHERE tenant_id = ? AND id = ?",
			     "siiiii", name, v, v, now, tenant_id, id);
	if (rc == 0)
		*version = v;
	return rc;
}

static int
save_tx(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct change *c)
{
	struct locked l;
	int rc = lock_template(db, a, tenant_id, id, &l);
	if (rc != 0)
		return rc;
	*c->out_version = l.current;
	if (strcmp(l.definition, c->definition) != 0)
		return add_version(db, a, tenant_id, id, &l, c->name, c->definition, c->note, c->user_id,
				   c->out_version);
	if (strcmp(l.name, c->name) == 0)
		return 0; /* nothing changed */
	/* a rename only: the content (and so the version) is unchanged */
	return db_exec(db, a, "UPDATE conv_templates SET name = ?, updated_at = FROM_UNIXTIME(?)"
			      " WHERE tenant_id = ? AND id = ?", "siii", c->name, clock_now_ms() / 1000, tenant_id, id);
}

int
dbq_templates_save(struct db *db, uint64_t tenant_id, uint64_t id, const char *name, const char *definition,
		   uint64_t user_id, const char *note, unsigned *version)
{
	int rc = definition_ok(definition);
	if (rc != 0)
		return rc;
	if (!name_ok(name) || (note != NULL && utf8_codepoints(note, strlen(note)) > NOTE_MAX))
		return -ERR_INVALID;
	struct change c = { .name = name, .definition = definition, .note = note ? note : "", .user_id = user_id,
			    .out_version = version };
	return in_tx(db, tenant_id, id, save_tx, &c);
}

static int
rollback_tx(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct change *c)
{
	struct locked l;
	struct db_rows *rows = NULL;
	int rc = lock_template(db, a, tenant_id, id, &l);
	if (rc == 0)
		rc = db_query(db, a, &rows,
			      "SELECT definition FROM conv_template_versions WHERE tenant_id = ? AND template_id = ?"
			      " AND version = ?", "iii", tenant_id, id, c->version);
	if (rc == 0 && db_rows_count(rows) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = add_version(db, a, tenant_id, id, &l, l.name, db_str(rows, 0, 0),
				 arena_printf(a, "v%u に戻しました", c->version), c->user_id, c->out_version);
	return rc;
}

int
dbq_templates_rollback(struct db *db, uint64_t tenant_id, uint64_t id, unsigned version, uint64_t user_id,
		       unsigned *new_version)
{
	struct change c = { .version = version, .user_id = user_id, .out_version = new_version };
	return in_tx(db, tenant_id, id, rollback_tx, &c);
}

static int
fill_version(const struct db_rows *rows, size_t r, struct dbq_template_version *v)
{
	int64_t num[3];
	if (db_i64(rows, r, 0, &num[0]) != 0 || db_i64(rows, r, 3, &num[1]) != 0 ||
	    db_i64(rows, r, 4, &num[2]) != 0)
		return -ERR_DB;
	v->version = (unsigned)num[0];
	v->created_by = (uint64_t)num[1];
	v->created_at = num[2];
	v->definition = db_str(rows, r, 1);
	v->note = db_str(rows, r, 2);
	v->created_by_name = ""; /* names are sealed (users.name_enc): the page resolves them */
	return v->definition != NULL && v->note != NULL ? 0 : -ERR_DB;
}

static int
exists(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT 1 FROM conv_templates WHERE tenant_id = ? AND id = ?", "ii",
			  tenant_id, id);
	if (rc == 0 && db_rows_count(rows) != 1)
		rc = -ERR_NOT_FOUND;
	return rc;
}

int
dbq_templates_versions(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
		       struct dbq_template_version **out, size_t *n)
{
	struct db_rows *rows;
	*n = 0;
	int rc = db_query(db, a, &rows,
			  "SELECT " VER_COLS " FROM conv_template_versions v WHERE v.tenant_id = ?"
			  " AND v.template_id = ? ORDER BY v.version DESC", "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	if (count == 0)
		return exists(db, a, tenant_id, id) == 0 ? -ERR_DB : -ERR_NOT_FOUND;
	struct dbq_template_version *vs = arena_calloc(a, count, sizeof *vs);
	for (size_t i = 0; i < count; i++)
		if ((rc = fill_version(rows, i, &vs[i])) != 0)
			return rc;
	*out = vs;
	*n = count;
	return 0;
}

int
dbq_templates_version(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, unsigned version,
		      struct dbq_template_version *out)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT " VER_COLS " FROM conv_template_versions v WHERE v.tenant_id = ?"
			  " AND v.template_id = ? AND v.version = ?", "iii", tenant_id, id, version);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	memset(out, 0, sizeof *out);
	return fill_version(rows, 0, out);
}

static int
delete_tx(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct change *c)
{
	struct db_rows *rows;
	int64_t flows = 0;
	(void)c;
	/* the row lock makes a flow created meanwhile wait for us (its foreign key check reads the row) */
	int rc = db_query(db, a, &rows, "SELECT id FROM conv_templates WHERE tenant_id = ? AND id = ? FOR UPDATE",
			  "ii", tenant_id, id);
	if (rc == 0 && db_rows_count(rows) != 1)
		rc = -ERR_NOT_FOUND;
	if (rc == 0)
		rc = db_query(db, a, &rows, "SELECT COUNT(*) FROM flows WHERE tenant_id = ? AND template_id = ?",
			      "ii", tenant_id, id);
	if (rc == 0 && db_i64(rows, 0, 0, &flows) != 0)
		rc = -ERR_DB;
	if (rc == 0 && flows > 0)
		rc = -ERR_CONFLICT;
	if (rc == 0)
		rc = db_exec(db, a, "DELETE FROM conv_templates WHERE tenant_id = ? AND id = ?", "ii", tenant_id,
			     id);
	return rc;
}

int
dbq_templates_delete(struct db *db, uint64_t tenant_id, uint64_t id)
{
	struct change c = { .name = NULL };
	return in_tx(db, tenant_id, id, delete_tx, &c);
}
