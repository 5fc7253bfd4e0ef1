/* dbq_lookup.c: code mapping tables for lookup(): tables, entries, bulk replace, and the per-run cache. */
#include "dbq_lookup.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/utf8.h"
#include "db/db.h"
#include "html/html.h"

#define DESCRIPTION_MAX 500      /* code points (lookup_tables.description) */
#define REPLACE_CHUNK 2000       /* entries per INSERT … SELECT FROM JSON_TABLE */

#define TABLE_COLS \
	"t.id, t.name, t.description, UNIX_TIMESTAMP(t.updated_at)," \
	" (SELECT COUNT(*) FROM lookup_entries e WHERE e.table_id = t.id AND e.tenant_id = t.tenant_id)"

/* s is 1..max code points of UTF-8 without control characters (empty allowed when min0). */
static bool
text_ok(const char *s, size_t max, bool min0)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	if ((n == 0 && !min0) || !utf8_valid(s, n) || utf8_codepoints(s, n) > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int
fill_table(const struct db_rows *rows, size_t r, struct dbq_lookup_table *t)
{
	int64_t id, upd, cnt;
	if (db_i64(rows, r, 0, &id) != 0 || db_i64(rows, r, 3, &upd) != 0 || db_i64(rows, r, 4, &cnt) != 0)
		return -ERR_DB;
	*t = (struct dbq_lookup_table){ .id = (uint64_t)id, .name = db_str(rows, r, 1),
					.description = db_str(rows, r, 2), .entries = (size_t)cnt, .updated_at = upd };
	return 0;
}

int
dbq_lookup_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_lookup_table **out,
    size_t *n)
{
	struct db_rows *rows;
	*out = NULL;
	*n = 0;
	int rc = db_query(db, a, &rows, "SELECT " TABLE_COLS " FROM lookup_tables t WHERE t.tenant_id = ?"
			  " ORDER BY t.name, t.id", "i", tenant_id);
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	struct dbq_lookup_table *t = arena_calloc(a, k ? k : 1, sizeof *t);
	for (size_t i = 0; i < k; i++)
		if ((rc = fill_table(rows, i, &t[i])) != 0)
			return rc;
	*out = t;
	*n = k;
	return 0;
}

int
dbq_lookup_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, struct dbq_lookup_table *out)
{
	struct db_rows *rows;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, a, &rows, "SELECT " TABLE_COLS " FROM lookup_tables t WHERE t.tenant_id = ? AND t.id = ?",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	return fill_table(rows, 0, out);
}

int
dbq_lookup_create(struct db *db, uint64_t tenant_id, const char *name, const char *description,
    uint64_t *id)
{
	if (!text_ok(name, DBQ_LOOKUP_NAME_MAX, false) || !text_ok(description ? description : "", DESCRIPTION_MAX, true))
		return -ERR_INVALID;
	struct arena *a = arena_new(0);
	uint64_t nid;
	rand_bytes(&nid, sizeof nid);
	nid = (nid & INT64_MAX) | 1;
	int64_t now = clock_now();
	int rc = db_exec(db, a, "INSERT INTO lookup_tables (id, tenant_id, name, description, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))", "iissii", nid, tenant_id, name,
			 description ? description : "", now, now);
	arena_free(a);
	if (rc == 0)
		*id = nid;
	return rc;
}

int
dbq_lookup_update(struct db *db, uint64_t tenant_id, uint64_t id, const char *name, const char *description)
{
	if (!text_ok(name, DBQ_LOOKUP_NAME_MAX, false) || !text_ok(description ? description : "", DESCRIPTION_MAX, true))
		return -ERR_INVALID;
	struct arena *a = arena_new(0);
	int rc = db_exec(db, a, "UPDATE lookup_tables SET name = ?, description = ?, updated_at = FROM_UNIXTIME(?)"
			 " WHERE tenant_id = ? AND id = ?", "ssiii", name, description ? description : "",
			 (int64_t)clock_now(), tenant_id, id);
	if (rc == 0 && db_affected(db) == 0)
		rc = -ERR_NOT_FOUND;
	arena_free(a);
	return rc;
}

int
dbq_lookup_delete(struct db *db, uint64_t tenant_id, uint64_t id)
{
	struct arena *a = arena_new(0);
	int rc = db_exec(db, a, "DELETE FROM lookup_tables WHERE tenant_id = ? AND id = ?", "ii", tenant_id, id);
	if (rc == 0 && db_affected(db) == 0)
		rc = -ERR_NOT_FOUND;
	arena_free(a);
	return rc;
}

static int
cmp_entry(const void *x, const void *y)
{
	const struct dbq_lookup_entry *p = x, *q = y;
	return strcmp(p->key, q->key);
}

int
dbq_lookup_entries(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    struct dbq_lookup_entry **out, size_t *n)
{
	struct db_rows *rows;
	*out = NULL;
	*n = 0;
	int rc = db_query(db, a, &rows, "SELECT e.lookup_key, e.lookup_value, t.id FROM lookup_tables t"
			  " LEFT JOIN lookup_entries e ON e.table_id = t.id AND e.tenant_id = t.tenant_id"
			  " WHERE t.tenant_id = ? AND t.id = ? LIMIT ?", "iii", tenant_id, id,
			  (uint64_t)DBQ_LOOKUP_ENTRIES_MAX + 1);
	if (rc != 0)
		return rc;
	size_t k = db_rows_count(rows);
	if (k == 0)
		return -ERR_NOT_FOUND;
	struct dbq_lookup_entry *e = arena_calloc(a, k, sizeof *e);
	size_t m = 0;
	for (size_t i = 0; i < k && m < DBQ_LOOKUP_ENTRIES_MAX; i++)
		if (db_str(rows, i, 0) != NULL)   /* a table without entries: one row of NULLs */
			e[m++] = (struct dbq_lookup_entry){ db_str(rows, i, 0), db_str(rows, i, 1) ? db_str(rows, i, 1) : "" };
	qsort(e, m, sizeof *e, cmp_entry);   /* byte order (the column's PAD SPACE collation is not) */
	*out = e;
	*n = m;
	return 0;
}

static int
replace_tx(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id, const struct dbq_lookup_entry *e,
    size_t n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows, "SELECT id FROM lookup_tables WHERE tenant_id = ? AND id = ? FOR UPDATE",
			  "ii", tenant_id, id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	if ((rc = db_exec(db, a, "DELETE FROM lookup_entries WHERE tenant_id = ? AND table_id = ?", "ii", tenant_id,
			  id)) != 0)
		return rc;
	for (size_t i = 0; i < n; i += REPLACE_CHUNK) {
		struct buf j;
		buf_init(&j, a, 64 * REPLACE_CHUNK);
		buf_putc(&j, '[');
		for (size_t k = i; k < n && k < i + REPLACE_CHUNK; k++) {
			buf_puts(&j, k > i ? ",[" : "[");
			html_json_string(&j, e[k].key, strlen(e[k].key));
			buf_putc(&j, ',');
			html_json_string(&j, e[k].value ? e[k].value : "", e[k].value ? strlen(e[k].value) : 0);
			buf_putc(&j, ']');
		}
		buf_putc(&j, ']');
		rc = db_exec(db, a, "INSERT INTO lookup_entries (tenant_id, table_id, lookup_key, lookup_value)"
			     " SELECT ?, ?, x.k, x.v FROM JSON_TABLE(?, '$[*]' COLUMNS ("
			     "k VARCHAR(255) CHARACTER SET utf8mb4 PATH '$[0]',"
			     " v VARCHAR(1000) CHARACTER SET utf8mb4 PATH '$[1]')) x",
			     "iis", tenant_id, id, buf_cstr(&j));
		if (rc != 0)
			return rc;
	}
	return db_exec(db, a, "UPDATE lookup_tables SET updated_at = FROM_UNIXTIME(?) WHERE tenant_id = ? AND id = ?",
		       "iii", (int64_t)clock_now(), tenant_id, id);
}

int
dbq_lookup_replace(struct db *db, uint64_t tenant_id, uint64_t id, const struct dbq_lookup_entry *e, size_t n)
{
	if (n > DBQ_LOOKUP_ENTRIES_MAX || (n > 0 && e == NULL))
		return -ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!text_ok(e[i].key, DBQ_LOOKUP_KEY_MAX, true) || !text_ok(e[i].value ? e[i].value : "",
									 DBQ_LOOKUP_VALUE_MAX, true))
			return -ERR_INVALID;
	struct arena *a = arena_new(0);
	int rc = db_begin(db);
	if (rc == 0) {
		rc = replace_tx(db, a, tenant_id, id, e, n);
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	arena_free(a);
	return rc;
}

/* ---- the per-run cache ------------------------------------------------------------------ */

struct cached {
	const char *name;
	size_t name_len;
	int rc;                          /* 0 loaded; -ERR_INVALID no such table; another failure */
	struct dbq_lookup_entry *e;
	size_t *klen;                    /* key lengths */
	size_t n;
	struct cached *next;
};

struct dbq_lookup_cache {
	struct db *db;
	struct arena *a;
	uint64_t tenant_id;
	struct cached *tables;
};

struct dbq_lookup_cache *
dbq_lookup_cache_new(struct db *db, struct arena *a, uint64_t tenant_id)
{
	struct dbq_lookup_cache *c = arena_calloc(a, 1, sizeof *c);
	c->db = db;
	c->a = a;
	c->tenant_id = tenant_id;
	return c;
}

static void
load(struct dbq_lookup_cache *c, struct cached *t)
{
	struct db_rows *rows;
	const char *name = arena_memdup(c->a, t->name, t->name_len);
	if (memchr(t->name, '\0', t->name_len) != NULL || t->name_len > 4 * DBQ_LOOKUP_NAME_MAX) {
		t->rc = -ERR_INVALID;
		return;
	}
	t->rc = db_query(c->db, c->a, &rows, "SELECT id FROM lookup_tables WHERE tenant_id = ? AND name = ?", "is",
			 c->tenant_id, name);
	if (t->rc == 0 && db_rows_count(rows) != 1)
		t->rc = -ERR_INVALID;
	int64_t id;
	if (t->rc != 0 || (t->rc = db_i64(rows, 0, 0, &id)) != 0)
		return;
	if ((t->rc = dbq_lookup_entries(c->db, c->a, c->tenant_id, (uint64_t)id, &t->e, &t->n)) != 0)
		return;
	t->klen = arena_calloc(c->a, t->n ? t->n : 1, sizeof *t->klen);
	for (size_t i = 0; i < t->n; i++)
		t->klen[i] = strlen(t->e[i].key);
}

/* memcmp order of (p, pn) and (q, qn), shorter first on a common prefix (= strcmp of the keys). */
static int
bytes_cmp(const char *p, size_t pn, const char *q, size_t qn)
{
	int c = memcmp(p, q, pn < qn ? pn : qn);
	return c != 0 ? c : (pn > qn) - (pn < qn);
}

int
dbq_lookup_cache_fn(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len,
    struct arena *scratch, const char **val, size_t *val_len)
{
	(void)scratch;
	struct dbq_lookup_cache *c = ctx;
	struct cached *t = c->tables;
	while (t != NULL && (t->name_len != table_len || memcmp(t->name, table, table_len) != 0))
		t = t->next;
	if (t == NULL) {
		t = arena_calloc(c->a, 1, sizeof *t);
		t->name = arena_memdup(c->a, table, table_len);
		t->name_len = table_len;
		load(c, t);
		t->next = c->tables;
		c->tables = t;
	}
	if (t->rc != 0)
		return t->rc;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = bytes_cmp(key, key_len, t->e[mid].key, t->klen[mid]);
		if (cmp == 0) {
			*val = t->e[mid].value;
			*val_len = strlen(*val);
			return 0;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ERR_NOT_FOUND;
}
