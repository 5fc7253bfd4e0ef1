/* dbq_payload.c: source payloads as received — zlib-compressed, then sealed under the tenant key — and back. */
#include "dbq_payload.h"

#include <string.h>

#include <zlib.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/dbq_orders.h"

/* zlib level: 1 is several times faster than the default 6 and JSON still
 * shrinks to about a fifth; the fetcher's throughput matters more here. */
#define PAYLOAD_ZLEVEL 1
#define PUT_MAX_BYTES (4u * 1024 * 1024)

/*
 * A zlib stream of raw[0..n) in a, or NULL. The window and hash sizes follow
 * the input (a window larger than the input buys nothing): compress2's
 * fixed 32 KiB window and 64 KiB hash cost ~50 µs of allocation and clearing
 * per call, twenty times the compression of a typical 1–2 KiB order.
 * Any zlib inflate (window 15) reads the result.
 */
static unsigned char *
deflate_all(struct arena *a, const char *raw, size_t n, size_t *zlen)
{
	int wbits = 9;
	while (wbits < 15 && ((size_t)1 << wbits) < n + 262)
		wbits++;
	int mem = wbits - 6 < 1 ? 1 : wbits - 6 > 8 ? 8 : wbits - 6;
	z_stream s;
	memset(&s, 0, sizeof s);
	if (deflateInit2(&s, PAYLOAD_ZLEVEL, Z_DEFLATED, wbits, mem, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong cap = deflateBound(&s, (uLong)n);
	unsigned char *z = arena_alloc(a, cap);
	s.next_in = (Bytef *)(uintptr_t)raw;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	int rc = deflate(&s, Z_FINISH);
	*zlen = (size_t)s.total_out;
	deflateEnd(&s);
	return rc == Z_STREAM_END ? z : NULL;
}

static struct seal_aad
aad(uint64_t tenant_id, uint64_t record_id)
{
	struct seal_aad x = { .tenant_id = tenant_id, .table = "source_payloads",
			      .column = "payload_enc", .row_id = record_id };
	return x;
}

int
dbq_payload_seal(struct arena *a, const unsigned char key[SEAL_KEY_LEN], uint64_t tenant_id,
		 uint64_t record_id, const char *raw, size_t n, unsigned char **out, size_t *outlen)
{
	if (a == NULL || key == NULL || out == NULL || outlen == NULL || (raw == NULL && n > 0))
		return -ERR_INVALID;
	if (n > DBQ_PAYLOAD_MAX)
		return -ERR_TOO_LARGE;
	size_t zlen = 0;
	unsigned char *z = deflate_all(a, raw != NULL ? raw : "", n, &zlen);
	if (z == NULL)
		return -ERR_NOMEM;
	struct seal_aad x = aad(tenant_id, record_id);
	return seal_encrypt(a, key, &x, z, zlen, out, outlen);
}

int
dbq_payload_open(struct arena *a, const unsigned char key[SEAL_KEY_LEN], uint64_t tenant_id,
		 uint64_t record_id, const unsigned char *ct, size_t ctlen, size_t raw_len, char **raw,
		 size_t *n)
{
	if (a == NULL || key == NULL || raw == NULL || n == NULL || raw_len > DBQ_PAYLOAD_MAX)
		return -ERR_INVALID;
	struct seal_aad x = aad(tenant_id, record_id);
	char *z;
	size_t zlen;
	int rc = seal_decrypt(a, key, &x, ct, ctlen, &z, &zlen);
	if (rc != 0)
		return rc;
	unsigned char *out = arena_alloc(a, raw_len + 1);
	uLongf got = (uLongf)raw_len;
	int zr = uncompress(out, &got, (const Bytef *)z, (uLong)zlen);
	if (zr != Z_OK || got != raw_len) {
		log_event(LOG_WARN, "payload_corrupt", LOG_I("zlib", zr), LOG_I("record", (int64_t)record_id));
		return -ERR_INVALID;
	}
	out[raw_len] = '\0';
	*raw = (char *)out;
	*n = raw_len;
	return 0;
}

/* Rows of the next statement: a chunk size, made smaller while its bytes pass the cap. */
static size_t
next_chunk(const struct dbq_payload_row *rows, size_t remaining)
{
	size_t k = dbq_orders_chunk(remaining);
	for (;;) {
		size_t bytes = 0;
		for (size_t i = 0; i < k; i++)
			bytes += rows[i].enc_len;
		if (k == 1 || bytes <= PUT_MAX_BYTES)
			return k;
		k = dbq_orders_chunk(k - 1);
	}
}

int
dbq_payload_put(struct db *db, struct arena *a, uint64_t tenant_id, const char *kind,
		const char *received_at, const struct dbq_payload_row *rows, size_t n)
{
	for (size_t done = 0; done < n;) {
		size_t k = next_chunk(rows + done, n - done);
		char *sql = dbq_orders_values_sql(
			a, "INSERT INTO source_payloads (tenant_id, kind, record_id, payload_enc, raw_len,"
			   " received_at) VALUES ",
			"(?, ?, ?, ?, ?, ?)", k,
			" ON DUPLICATE KEY UPDATE payload_enc = VALUES(payload_enc),"
			" raw_len = VALUES(raw_len), received_at = VALUES(received_at)");
		char *types = arena_alloc(a, k * 6 + 1);
		struct db_arg *args = arena_calloc(a, k * 7, sizeof *args), *p = args;
		for (size_t i = 0; i < k; i++) {
			const struct dbq_payload_row *r = &rows[done + i];
			memcpy(types + i * 6, "isibis", 6);
			*p++ = db_arg_uint(tenant_id);
			*p++ = db_arg_str(kind);
			*p++ = db_arg_uint(r->record_id);
			*p++ = db_arg_ptr(r->enc);
			*p++ = db_arg_uint(r->enc_len);
			*p++ = db_arg_uint(r->raw_len);
			*p++ = db_arg_str(received_at);
		}
		types[k * 6] = '\0';
		int rc = db_exec_args(db, a, sql, types, k * 7, args);
		if (rc != 0)
			return rc;
		done += k;
	}
	return 0;
}

int
dbq_payload_get(struct db *db, struct arena *a, uint64_t tenant_id,
		const unsigned char key[SEAL_KEY_LEN], const char *kind, uint64_t record_id,
		char **raw, size_t *n)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT payload_enc, raw_len FROM source_payloads"
			  " WHERE kind = ? AND record_id = ? AND tenant_id = ?",
			  "sii", kind, record_id, tenant_id);
	if (rc != 0)
		return rc;
	if (db_rows_count(rows) != 1)
		return -ERR_NOT_FOUND;
	const struct db_cell *ct = db_cell(rows, 0, 0);
	int64_t len;
	if (ct == NULL || ct->is_null || db_i64(rows, 0, 1, &len) != 0 || len < 0)
		return -ERR_DB;
	return dbq_payload_open(a, key, tenant_id, record_id, (const unsigned char *)ct->val, ct->len,
				(size_t)len, raw, n);
}
