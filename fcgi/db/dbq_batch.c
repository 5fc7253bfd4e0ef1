/* dbq_batch.c: what the fetcher's batch upserts share — multi-row statements in chunks, the lookup of known records, content hashing, per-record errors. */
#include "dbq_batch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_orders.h"

/* rows of the next statement: a chunk size, made smaller while its bytes pass the cap */
static size_t
next_chunk(const struct dbq_batch *b, size_t done, size_t remaining)
{
	size_t k = dbq_orders_chunk(remaining);
	while (b->bytes != NULL && k > 1) {
		size_t bytes = 0;
		for (size_t i = 0; i < k; i++)
			bytes += b->bytes(b->ctx, done + i);
		if (bytes <= b->max_bytes)
			break;
		k = dbq_orders_chunk(k - 1);
	}
	return k;
}

int
dbq_batch_run(struct db *db, struct arena *a, const struct dbq_batch *b, size_t n)
{
	size_t tl = strlen(b->types), ttl = b->tail_types != NULL ? strlen(b->tail_types) : 0;
	for (size_t done = 0; done < n;) {
		size_t k = next_chunk(b, done, n - done), na = k * b->nargs;
		char *sql = dbq_orders_values_sql(a, b->head, b->tuple, k, b->tail);
		char *types = arena_alloc(a, k * tl + ttl + 1);
		struct db_arg *args = arena_calloc(a, na + b->ntail, sizeof *args);
		for (size_t i = 0; i < k; i++) {
			memcpy(types + i * tl, b->types, tl);
			b->row(b->ctx, a, done + i, args + i * b->nargs);
		}
		memcpy(types + k * tl, b->tail_types != NULL ? b->tail_types : "", ttl);
		types[k * tl + ttl] = '\0';
		if (b->ntail > 0)
			memcpy(args + na, b->tail_args, b->ntail * sizeof *args);
		int rc = db_exec_args(db, a, sql, types, na + b->ntail, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

static int
cmp_ext_idx(const void *x, const void *y)
{
	const struct dbq_batch_rec *a = *(struct dbq_batch_rec *const *)x;
	const struct dbq_batch_rec *b = *(struct dbq_batch_rec *const *)y;
	int c = strcmp(a->ext, b->ext);
	return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

size_t
dbq_batch_last(struct dbq_batch_rec **recs, size_t n)
{
	qsort(recs, n, sizeof *recs, cmp_ext_idx);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(recs[i]->ext, recs[i + 1]->ext) != 0)
			recs[kept++] = recs[i];
	return kept;
}

static int
cmp_key(const void *k, const void *x)
{
	return strcmp((const char *)k, (*(struct dbq_batch_rec *const *)x)->ext);
}

int
dbq_batch_in(struct db *db, struct arena *a, struct db_rows **rows, const char *head, uint64_t tenant_id,
	     uint64_t connection_id, const char *const *keys, size_t k)
{
	char *sql = dbq_orders_values_sql(a, head, "?", k, ")");
	char *types = arena_alloc(a, k + 3);
	struct db_arg *args = arena_calloc(a, k + 2, sizeof *args);
	memcpy(types, "ii", 2);
	memset(types + 2, 's', k);
	types[k + 2] = '\0';
	args[0] = db_arg_uint(tenant_id);
	args[1] = db_arg_uint(connection_id);
	for (size_t i = 0; i < k; i++)
		args[2 + i] = db_arg_str(keys[i]);
	return db_query_args(db, a, rows, sql, types, k + 2, args);
}

int
dbq_batch_known(struct db *db, struct arena *a, const char *table, uint64_t tenant_id,
		uint64_t connection_id, struct dbq_batch_rec **recs, size_t n)
{
	const char *head = arena_printf(a, "SELECT external_id, id, content_hash FROM %s WHERE tenant_id = ?"
					" AND connection_id = ? AND external_id IN (", table);
	const char **keys = arena_calloc(a, n ? n : 1, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		keys[i] = recs[i]->ext;
	for (size_t done = 0; done < n;) {
		size_t k = dbq_orders_chunk(n - done);
		struct db_rows *rows;
		int rc = dbq_batch_in(db, a, &rows, head, tenant_id, connection_id, keys + done, k);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < db_rows_count(rows); r++) {
			const char *ext = db_str(rows, r, 0);
			const struct db_cell *h = db_cell(rows, r, 2);
			int64_t id;
			if (ext == NULL || h == NULL || db_i64(rows, r, 1, &id) != 0)
				return -ERR_DB;
			struct dbq_batch_rec **hit = bsearch(ext, recs + done, k, sizeof *recs, cmp_key);
			if (hit == NULL)
				continue; /* a PAD SPACE twin; cannot happen: trailing spaces are refused */
			(*hit)->exists = true;
			(*hit)->id = (uint64_t)id;
			(*hit)->same = h->len == 32 && memcmp(h->val, (*hit)->hash, 32) == 0;
		}
		done += k;
	}
	return 0;
}

static int
cmp_id(const void *x, const void *y)
{
	uint64_t a = (*(struct dbq_batch_rec *const *)x)->id, b = (*(struct dbq_batch_rec *const *)y)->id;
	return (a > b) - (a < b);
}

size_t
dbq_batch_fresh(struct dbq_batch_rec **recs, size_t n, size_t *same)
{
	size_t kept = 0;
	*same = 0;
	for (size_t i = 0; i < n; i++) {
		struct dbq_batch_rec *r = recs[i];
		if (r->exists && r->same) {
			(*same)++;
			continue;
		}
		if (!r->exists)
			r->id = token_random_id();
		recs[kept++] = r;
	}
	qsort(recs, kept, sizeof *recs, cmp_id);
	return kept;
}

size_t
dbq_batch_valid(struct arena *a, struct dbq_batch_plan *p, dbq_batch_check_fn *check, void *ctx)
{
	size_t n = dbq_batch_last(p->recs, p->n), kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct dbq_batch_rec *r = p->recs[i];
		if ((p->why[r->idx] = check(ctx, a, r->owner, r->hash)) == NULL)
			p->recs[kept++] = r;
	}
	return kept;
}

int
dbq_batch_stage(struct db *db, struct arena *a, const char *table, uint64_t tenant_id, uint64_t connection_id,
		struct dbq_batch_plan *p, size_t n, dbq_batch_seal_fn *seal, void *ctx, const char *too_large,
		struct dbq_batch_stage *out)
{
	memset(out, 0, sizeof *out);
	int rc = dbq_batch_known(db, a, table, tenant_id, connection_id, p->recs, n);
	if (rc != 0)
		return rc;
	size_t nx = dbq_batch_fresh(p->recs, n, &out->same), m = nx ? nx : 1;
	out->fresh = arena_calloc(a, m, sizeof *out->fresh);
	out->changed = arena_calloc(a, m, sizeof *out->changed);
	out->pay = arena_calloc(a, m, sizeof *out->pay);
	for (size_t i = 0; i < nx; i++) {
		struct dbq_batch_rec *r = p->recs[i];
		rc = seal(ctx, a, r->owner, r->id, &out->pay[out->npay]);
		if (rc == -ERR_TOO_LARGE) {
			p->why[r->idx] = too_large;
			continue;
		}
		if (rc != 0)
			return rc;
		out->npay++;
		if (r->exists)
			out->changed[out->nchanged++] = r->owner;
		else
			out->fresh[out->nfresh++] = r->owner;
	}
	return 0;
}

EVP_MD_CTX *
dbq_batch_hash_new(const char *tag)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1)
		abort(); /* OpenSSL out of memory: nothing sensible to do */
	EVP_DigestUpdate(h, tag, strlen(tag));
	return h;
}

void
dbq_batch_hash_str(EVP_MD_CTX *h, const char *s)
{
	char len[24];
	size_t k = sizeof len;
	s = s != NULL ? s : "";
	size_t n = strlen(s), v = n;
	len[--k] = ':';
	do {
		len[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	EVP_DigestUpdate(h, len + k, sizeof len - k);
	EVP_DigestUpdate(h, s, n);
	EVP_DigestUpdate(h, "\n", 1);
}

void
dbq_batch_hash_int(EVP_MD_CTX *h, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%" PRId64, v);
	dbq_batch_hash_str(h, tmp);
}

struct conn_record_error *
dbq_batch_errors(struct arena *a, const char *const *why, const char *const *ext, size_t n, size_t *ne)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += why[i] != NULL;
	struct conn_record_error *e = arena_calloc(a, k ? k : 1, sizeof *e);
	*ne = 0;
	for (size_t i = 0; i < n; i++) {
		if (why[i] == NULL)
			continue;
		e[*ne].external_id = dbq_orders_error_id(a, ext[i]);
		e[*ne].message = why[i];
		(*ne)++;
	}
	return e;
}

void
dbq_batch_plan_init(struct arena *a, struct dbq_batch_plan *p, size_t total)
{
	size_t m = total ? total : 1;
	p->recs = arena_calloc(a, m, sizeof *p->recs);
	p->why = arena_calloc(a, m, sizeof *p->why);
	p->ext = arena_calloc(a, m, sizeof *p->ext);
	p->n = 0;
	p->total = total;
}

void
dbq_batch_plan_add(struct dbq_batch_plan *p, struct dbq_batch_rec *r, const char *missing)
{
	p->ext[r->idx] = r->ext;
	if (r->ext == NULL)
		p->why[r->idx] = missing;
	else
		p->recs[p->n++] = r;
}

void
dbq_batch_report(struct arena *a, const struct dbq_batch_plan *p, size_t fresh, size_t changed, size_t same,
		 struct dbq_sync_counts *c)
{
	size_t ne;
	c->errors = dbq_batch_errors(a, p->why, p->ext, p->total, &ne);
	c->nerrors = ne;
	c->new_count += (unsigned)fresh;
	c->updated += (unsigned)changed;
	c->unchanged += (unsigned)same;
	c->failed += (unsigned)ne;
}
