/* dbq_lookup.h: code mapping tables for lookup() in templates: tables, entries, bulk replace from CSV. */
#ifndef ECC_DBQ_LOOKUP_H
#define ECC_DBQ_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/* Scoped by tenant_id like every dbq_*; another tenant's table is missing
 * (-ERR_NOT_FOUND). Keys are exact (byte-wise). */

#define DBQ_LOOKUP_NAME_MAX 100         /* code points of a table name */
#define DBQ_LOOKUP_KEY_MAX 255          /* code points */
#define DBQ_LOOKUP_VALUE_MAX 1000       /* code points */
#define DBQ_LOOKUP_ENTRIES_MAX 100000   /* entries per table */

struct dbq_lookup_table {
	uint64_t id;
	const char *name;
	const char *description;
	size_t entries;
	int64_t updated_at;
};

struct dbq_lookup_entry {
	const char *key;
	const char *value;
};

int dbq_lookup_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_lookup_table **out,
    size_t *n);
int dbq_lookup_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    struct dbq_lookup_table *out);
/* -ERR_CONFLICT when the name is taken. */
int dbq_lookup_create(struct db *db, uint64_t tenant_id, const char *name, const char *description,
    uint64_t *id);
int dbq_lookup_update(struct db *db, uint64_t tenant_id, uint64_t id, const char *name,
    const char *description);
int dbq_lookup_delete(struct db *db, uint64_t tenant_id, uint64_t id);

/* dbq_lookup_entries: the entries of a table by key (all of them, at most
 * DBQ_LOOKUP_ENTRIES_MAX). */
int dbq_lookup_entries(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    struct dbq_lookup_entry **out, size_t *n);

/* dbq_lookup_replace: replace every entry of a table by e[0..n) in one
 * transaction (CSV import and the entries form both use it; the caller has
 * validated lengths and that keys are unique). */
int dbq_lookup_replace(struct db *db, uint64_t tenant_id, uint64_t id, const struct dbq_lookup_entry *e,
    size_t n);

/*
 * A per-run cache for conv_run_opts.lookup: tables are loaded on first use
 * by name, whole, into the cache's arena. dbq_lookup_cache_fn has the
 * expr_env.lookup signature with ctx = struct dbq_lookup_cache *.
 */
struct dbq_lookup_cache;
struct dbq_lookup_cache *dbq_lookup_cache_new(struct db *db, struct arena *a, uint64_t tenant_id);
int dbq_lookup_cache_fn(void *ctx, const char *table, size_t table_len, const char *key,
    size_t key_len, struct arena *scratch, const char **val, size_t *val_len);

#endif
