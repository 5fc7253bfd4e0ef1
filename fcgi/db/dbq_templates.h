/* dbq_templates.h: conversion templates and their versions (every save a new version; rollback moves the current one). */
#ifndef ECC_DBQ_TEMPLATES_H
#define ECC_DBQ_TEMPLATES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

/*
 * Every function is scoped by tenant_id (from the session or a claimed
 * flow); another tenant's template behaves exactly like a missing one
 * (-ERR_NOT_FOUND). Definitions are stored as given (callers pass
 * conv_def_json output, already validated). Times are epoch seconds UTC.
 * Errors common to all: -ERR_UNAVAILABLE / -ERR_DB.
 */

#define DBQ_TEMPLATES_NAME_MAX 100      /* code points */
#define DBQ_TEMPLATES_LIST_MAX 1000

struct dbq_template {
	uint64_t id;
	const char *name;
	const char *kind;               /* conv_kind_name() spelling */
	unsigned current_version;
	unsigned latest_version;
	const char *standard_key;       /* NULL unless made from a standard template */
	int64_t created_at, updated_at;
	unsigned flow_count;            /* flows using it (a template in use cannot be deleted) */
};

struct dbq_template_version {
	unsigned version;
	const char *definition;         /* JSON */
	const char *note;
	uint64_t created_by;            /* 0 = the system */
	const char *created_by_name;    /* display name or "" */
	int64_t created_at;
};

/* dbq_templates_list: the tenant's templates by name. */
int dbq_templates_list(struct db *db, struct arena *a, uint64_t tenant_id, struct dbq_template **out,
    size_t *n);

/* dbq_templates_get: one template; *def receives its current version's
 * definition (may be NULL to skip). -ERR_NOT_FOUND. */
int dbq_templates_get(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    struct dbq_template *out, const char **def);

/* dbq_templates_create: a new template with version 1 = definition; *id
 * receives its id. -ERR_CONFLICT when the name is taken. Audited by the
 * caller. */
int dbq_templates_create(struct db *db, uint64_t tenant_id, const char *name, const char *kind,
    const char *definition, const char *standard_key, uint64_t user_id, uint64_t *id);

/* dbq_templates_save: a new version (latest + 1) that becomes current, and a
 * rename when name differs; nothing is written when definition and name
 * equal the current ones (*version then receives the current number and the
 * call returns 0). The kind never changes. -ERR_NOT_FOUND, -ERR_CONFLICT
 * (name taken). */
int dbq_templates_save(struct db *db, uint64_t tenant_id, uint64_t id, const char *name,
    const char *definition, uint64_t user_id, const char *note, unsigned *version);

/* dbq_templates_rollback: make version current by writing it again as a new
 * version (note "vN に戻しました"), so history only grows. -ERR_NOT_FOUND. */
int dbq_templates_rollback(struct db *db, uint64_t tenant_id, uint64_t id, unsigned version,
    uint64_t user_id, unsigned *new_version);

/* dbq_templates_versions: every version of a template, newest first. */
int dbq_templates_versions(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    struct dbq_template_version **out, size_t *n);

/* dbq_templates_version: one version. -ERR_NOT_FOUND. */
int dbq_templates_version(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t id,
    unsigned version, struct dbq_template_version *out);

/* dbq_templates_delete: delete a template and its versions. -ERR_CONFLICT
 * when a flow uses it; -ERR_NOT_FOUND. */
int dbq_templates_delete(struct db *db, uint64_t tenant_id, uint64_t id);

#endif
