/* dbq_batch.h: what the fetcher's batch upserts share — multi-row statements in chunks, the lookup of known records, content hashing, per-record errors. */
#ifndef ECC_DBQ_BATCH_H
#define ECC_DBQ_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "connectors/conn.h"
#include "core/arena.h"
#include "db/db_arg.h"
#include "db/dbq_payload.h"

struct db;
struct db_rows;

/*
 * A multi-row statement: head, then one tuple per row separated by ", ",
 * then tail, run in chunks of 100, 25, 5 or 1 rows (dbq_orders_chunk: a
 * handful of distinct SQL texts, so the per-connection statement cache
 * keeps them prepared). Every row binds the same type letters.
 */
struct dbq_batch {
	const char *head;      /* "INSERT INTO t (a, b, c) VALUES " */
	const char *tuple;     /* "(?, ?, ?)" */
	const char *tail;      /* "" or " ON DUPLICATE KEY UPDATE …" or ")" */
	const char *types;     /* one tuple's type letters ("isb"; see db.h) */
	size_t nargs;          /* struct db_arg values one tuple takes (a 'b' takes two) */
	/* row: put the nargs values of row i at args; anything they point to must
	 * live until the statement has run (allocate it in a) */
	void (*row)(void *ctx, struct arena *a, size_t i, struct db_arg *args);
	void *ctx;
	/* optional: row i's size in bytes; a chunk is made smaller (down to one
	 * row) while its rows add up to more than max_bytes */
	size_t (*bytes)(void *ctx, size_t i);
	size_t max_bytes;
	/* optional: values of placeholders in tail, bound after the rows' ones */
	const char *tail_types;
	const struct db_arg *tail_args;
	size_t ntail;
};

/*
 * dbq_batch_run: rows 0..n of b (n may be 0: nothing runs), chunk after
 * chunk, inside the caller's transaction if one is open. Returns 0 or the
 * first failing statement's error (db.h: -ERR_CONFLICT for a duplicate key,
 * -ERR_DB, -ERR_UNAVAILABLE, -ERR_INVALID); the rows after it are not run.
 */
int dbq_batch_run(struct db *db, struct arena *a, const struct dbq_batch *b, size_t n);

/*
 * dbq_batch_in: *rows of head + "?, …" (k placeholders) + ")" with the
 * arguments tenant_id, connection_id, keys[0..k): the IN-list lookups, e.g.
 * head "SELECT … FROM t WHERE tenant_id = ? AND connection_id = ? AND x IN (".
 * k is at most 100 (a dbq_orders_chunk). Returns 0 or a database error.
 */
int dbq_batch_in(struct db *db, struct arena *a, struct db_rows **rows, const char *head,
		 uint64_t tenant_id, uint64_t connection_id, const char *const *keys, size_t k);

/*
 * One record of an idempotent batch upsert (orders, products), keyed by the
 * platform's external_id within a connection. The caller sets ext, idx,
 * hash and owner; dbq_batch_known sets id, exists and same; dbq_batch_fresh
 * gives new records their id.
 */
struct dbq_batch_rec {
	const char *ext;              /* external_id, never NULL */
	size_t idx;                   /* position in the caller's input */
	unsigned char hash[32];       /* the record's content hash */
	uint64_t id;                  /* the row's id: the stored one, or a new random one */
	bool exists, same;            /* a row exists; its content_hash equals hash */
	void *owner;                  /* the caller's record this belongs to */
};

/*
 * The bookkeeping of one batch upsert call over `total` input records:
 * which are still on their way (recs[0..n)), and for every input position
 * why it was not written (NULL: it was, or it was unchanged) and its
 * external_id for the error list.
 */
struct dbq_batch_plan {
	struct dbq_batch_rec **recs;
	size_t n;
	const char **why;
	const char **ext;
	size_t total;
};

/* dbq_batch_plan_init: an empty plan for total records, arrays in a. */
void dbq_batch_plan_init(struct arena *a, struct dbq_batch_plan *p, size_t total);

/* dbq_batch_plan_add: input record r (r->idx < total; r->ext may be NULL, and
 * then why[r->idx] = missing and it goes no further). */
void dbq_batch_plan_add(struct dbq_batch_plan *p, struct dbq_batch_rec *r, const char *missing);

struct dbq_sync_counts;

/*
 * dbq_batch_report: the end of a successful upsert call: c->errors /
 * c->nerrors = the input records with a why (dbq_batch_errors, in a), and
 * the counts added to c: written new and changed, unchanged, failed.
 */
void dbq_batch_report(struct arena *a, const struct dbq_batch_plan *p, size_t fresh, size_t changed,
		      size_t same, struct dbq_sync_counts *c);

/*
 * dbq_batch_last: sort recs[0..n) by ext (byte order), then idx, and keep
 * only the last of every run of equal ext (the platform's latest word), in
 * place; returns how many are kept (recs stay sorted by ext).
 */
size_t dbq_batch_last(struct dbq_batch_rec **recs, size_t n);

/*
 * dbq_batch_known: the stored rows of recs[0..n) (sorted by ext, as
 * dbq_batch_last leaves them): "SELECT external_id, id, content_hash FROM
 * <table> WHERE tenant_id = ? AND connection_id = ? AND external_id IN (…)"
 * in chunks; sets id, exists and same (stored hash equals r->hash) of every
 * record found. table is a constant name ("orders", "products"). Returns 0
 * or a database error (-ERR_DB also for a row that cannot be read).
 */
int dbq_batch_known(struct db *db, struct arena *a, const char *table, uint64_t tenant_id,
		    uint64_t connection_id, struct dbq_batch_rec **recs, size_t n);

/*
 * dbq_batch_fresh: after dbq_batch_known, drop the unchanged records of
 * recs[0..n) (counted in *same), give the new ones a random id
 * (token_random_id), and sort what is left by id, so the writes walk the
 * primary key in order. Returns how many are left (in place).
 */
size_t dbq_batch_fresh(struct dbq_batch_rec **recs, size_t n, size_t *same);

/* dbq_batch_check_fn: validate a record (owner): NULL when it may be written (then its
 * content hash is in hash and anything else the writers need is ready), else why not. */
typedef const char *dbq_batch_check_fn(void *ctx, struct arena *a, void *owner,
				       unsigned char hash[32]);

/*
 * dbq_batch_valid: the records of p that go on: of every run of equal
 * external ids the last (dbq_batch_last), if check() accepts it (else
 * why = its reason). Returns their count (p->recs[0..count), by ext).
 */
size_t dbq_batch_valid(struct arena *a, struct dbq_batch_plan *p, dbq_batch_check_fn *check, void *ctx);

/* The records of a batch upsert that go to the database, after dbq_batch_stage. */
struct dbq_batch_stage {
	void **fresh, **changed;      /* owners of the new and the changed records, in id order */
	size_t nfresh, nchanged;
	size_t same;                  /* unchanged records (not written) */
	struct dbq_payload_row *pay;  /* the payloads of fresh and changed, npay rows */
	size_t npay;
};

/* The usual ctx of a dbq_batch_seal_fn: whose data it is and the key that seals it. */
struct dbq_batch_tenant {
	const unsigned char *key;     /* SEAL_KEY_LEN bytes */
	uint64_t tenant_id;
};

/* dbq_batch_seal_fn: seal what a record about to be written keeps encrypted (owner: the
 * record, id: its row id): 0 with its payload row, -ERR_TOO_LARGE to leave it out, or an
 * error that ends the upsert. */
typedef int dbq_batch_seal_fn(void *ctx, struct arena *a, void *owner, uint64_t id,
			      struct dbq_payload_row *row);

/*
 * dbq_batch_stage: the valid records p->recs[0..n) (sorted by ext): their
 * stored rows in table (dbq_batch_known), the unchanged dropped and counted,
 * the new given ids (dbq_batch_fresh), then every one sealed with seal(ctx,
 * …); a record it refuses (-ERR_TOO_LARGE) gets why = too_large. Returns 0
 * with out filled (arrays in a), or the first error.
 */
int dbq_batch_stage(struct db *db, struct arena *a, const char *table, uint64_t tenant_id,
		    uint64_t connection_id, struct dbq_batch_plan *p, size_t n, dbq_batch_seal_fn *seal,
		    void *ctx, const char *too_large, struct dbq_batch_stage *out);

/*
 * Content hashes: dbq_batch_hash_str feeds "<byte length>:<bytes>\n" of s
 * (NULL counts as "") into h, dbq_batch_hash_int the same for v in decimal.
 * dbq_batch_hash_new: a SHA-256 context begun with tag (e.g.
 * "ecc-order-v2\n"); aborts when OpenSSL has no memory. Finish it with
 * EVP_DigestFinal_ex and EVP_MD_CTX_free.
 */
EVP_MD_CTX *dbq_batch_hash_new(const char *tag);
void dbq_batch_hash_str(EVP_MD_CTX *h, const char *s);
void dbq_batch_hash_int(EVP_MD_CTX *h, int64_t v);

/*
 * dbq_batch_errors: the records of a batch that were not written, in input
 * order: {dbq_orders_error_id(ext[i]), why[i]} for every i < n with why[i]
 * set. Array in a (never NULL), *ne its length.
 */
struct conn_record_error *dbq_batch_errors(struct arena *a, const char *const *why,
					   const char *const *ext, size_t n, size_t *ne);

#endif
