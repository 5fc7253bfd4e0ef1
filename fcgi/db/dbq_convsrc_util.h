/* dbq_convsrc_util.h: private to dbq_convsrc*.c — the read context, the selection SQL, value conversion, unsealing. */
#ifndef ECC_DBQ_CONVSRC_UTIL_H
#define ECC_DBQ_CONVSRC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "db/dbq_convsrc.h"

/* The tenant's connections (id → name, platform), read once per call. */
struct dbq_convsrc_conn {
	uint64_t id;
	const char *name;
	const char *platform;
};

/* One call's state: the checked query, its limits and the tenant's connections. */
struct dbq_convsrc_ctx {
	struct db *db;
	struct arena *a;
	const struct dbq_convsrc_query *q;
	size_t ncat;                 /* fields in the kind's catalog */
	size_t limit;                /* units to read at most */
	bool reversed;               /* the newest were read first (latest): callers reverse */
	const char *conn_json;       /* "[1,2]" of q->connections, NULL for all */
	const char *ids_json;        /* "[…]" of q->only_ids, NULL when not used */
	struct dbq_convsrc_conn *conns;
	size_t nconns;
	struct arena *tmp;           /* reset per unsealed person; freed with a */
};

/* A statement under construction. */
struct dbq_convsrc_stmt {
	struct buf sql, types;
	struct db_arg args[16];
	size_t nargs;
};

/* dbq_convsrc_util_begin: check q (see dbq_convsrc.h for what is invalid)
 * and read the tenant's connections into *c. 0, -ERR_INVALID or a db error. */
int dbq_convsrc_util_begin(struct db *db, struct arena *a, const struct dbq_convsrc_query *q,
    struct dbq_convsrc_ctx *c);

/* dbq_convsrc_util_stmt: start a statement with head (a constant SQL text). */
void dbq_convsrc_util_stmt(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, const char *head);

/* dbq_convsrc_util_arg_int / _arg_str: append constant SQL text sql (with
 * one '?') and bind v to it. v must outlive the statement. */
void dbq_convsrc_util_arg_int(struct dbq_convsrc_stmt *s, const char *sql, uint64_t v);
void dbq_convsrc_util_arg_str(struct dbq_convsrc_stmt *s, const char *sql, const char *v);

/*
 * dbq_convsrc_util_where: append the selection of q to s — " WHERE tenant =
 * ? [AND connection IN (…)] [AND not in the flow's ledger | AND id IN (…)]
 * ORDER BY time, key, id LIMIT ?" — over the unit columns named (constant
 * SQL expressions; key is a natural key such as the order number, so that
 * units of the same time come in the same order whatever their random ids).
 * The order is newest first for latest (c->reversed is set), oldest first
 * otherwise.
 */
void dbq_convsrc_util_where(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, const char *tenant_col,
    const char *conn_col, const char *id_col, const char *time_col, const char *key_col);

/* dbq_convsrc_util_query: run s; *rows in c->a. 0 or a db error. */
int dbq_convsrc_util_query(struct dbq_convsrc_ctx *c, struct dbq_convsrc_stmt *s, struct db_rows **rows);

/* dbq_convsrc_util_indexes: ix[k] = catalog index of names[k] in kind; 0
 * or -ERR_INVALID when one is missing (a catalog/loader mismatch). */
int dbq_convsrc_util_indexes(enum conv_kind kind, const char *const *names, size_t n, int *ix);

/* Values from result cells (NULL cell → EXPR_NULL): text as is; a decimal
 * with trailing fractional zeros removed (1200.0000 → 1200); an integer
 * count of seconds or milliseconds (mult 1000 or 1) as EXPR_TIME ms. */
void dbq_convsrc_util_text(struct expr_value *v, const char *s);
void dbq_convsrc_util_dec(struct expr_value *v, const char *s);
void dbq_convsrc_util_time(struct expr_value *v, const char *s, int64_t mult);

/* dbq_convsrc_util_tax: the tax contained in a tax-inclusive amount at
 * rate percent, floor(amount × rate / (100 + rate)); null when either is
 * not a decimal. */
void dbq_convsrc_util_tax(const struct expr_value *amount, const struct expr_value *rate,
    struct expr_value *out);

/* dbq_convsrc_util_connection: the name and platform of connection id. */
void dbq_convsrc_util_connection(const struct dbq_convsrc_ctx *c, uint64_t id, struct expr_value *name,
    struct expr_value *platform);

/* The keys of a sealed person (conn_person) in their JSON order. */
#define DBQ_CONVSRC_PERSON_KEYS 9
extern const char *const dbq_convsrc_util_person_keys[DBQ_CONVSRC_PERSON_KEYS];

/*
 * dbq_convsrc_util_person: unseal cell (orders.<column> of order id) and
 * set v[ix[k]] to the person's key k (ix[k] < 0: not wanted; absent or ""
 * keys stay null). 0; -ERR_FORBIDDEN when it does not open with the key;
 * -ERR_DB for a malformed plaintext.
 */
int dbq_convsrc_util_person(struct dbq_convsrc_ctx *c, const char *column, uint64_t id,
    const struct db_cell *cell, const int *ix, struct expr_value *v);

#endif
