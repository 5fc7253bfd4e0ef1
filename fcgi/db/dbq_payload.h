/* dbq_payload.h: source payloads as received — zlib-compressed, then sealed under the tenant key — and back. */
#ifndef ECC_DBQ_PAYLOAD_H
#define ECC_DBQ_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "crypto/seal.h"

struct db;

/*
 * Stored format of source_payloads.payload_enc:
 *   seal_encrypt( zlib stream (RFC 1950) of the raw bytes )
 * (written by the small encoder in dbq_payload.c as one fixed-Huffman
 * deflate block; rows written before it hold zlib's deflate output; any
 * inflate reads both)
 * with AAD (tenant_id, "source_payloads", "payload_enc", record_id), where
 * record_id is orders.id or products.id; raw_len keeps the uncompressed
 * length, which bounds the decompression (no zip bomb). A payload moved to
 * another record, kind of row or tenant does not decrypt.
 *
 * Kinds: DBQ_PAYLOAD_ORDER ("order") and DBQ_PAYLOAD_PRODUCT ("product").
 */
#define DBQ_PAYLOAD_ORDER "order"
#define DBQ_PAYLOAD_PRODUCT "product"

/* DBQ_PAYLOAD_MAX: the largest raw payload accepted (bytes); the column is a
 * MEDIUMBLOB (16 MiB) and a record is one order or product. */
#define DBQ_PAYLOAD_MAX (8u * 1024 * 1024)

/*
 * dbq_payload_seal: compress raw[0..n) and seal it for record_id of tenant
 * under key (SEAL_KEY_LEN bytes). raw may be NULL when n is 0. *out (in a)
 * and *outlen receive the bytes for payload_enc. Returns 0, -ERR_TOO_LARGE
 * (n > DBQ_PAYLOAD_MAX) or -ERR_INVALID (bad arguments). Thread-safe.
 */
int dbq_payload_seal(struct arena *a, const unsigned char key[SEAL_KEY_LEN], uint64_t tenant_id,
		     uint64_t record_id, const char *raw, size_t n, unsigned char **out,
		     size_t *outlen);

/*
 * The two halves of dbq_payload_seal, for a caller that compresses ahead
 * (the fetcher compresses a page's payloads in its fetching thread while
 * the page before is committed): dbq_payload_compress: raw[0..n) (raw may
 * be NULL when n is 0) compressed into *out (bytes in a). Returns 0,
 * -ERR_TOO_LARGE (n > DBQ_PAYLOAD_MAX) or -ERR_INVALID. Thread-safe.
 * dbq_payload_seal_z: *z sealed for record_id of tenant under key, exactly
 * as dbq_payload_seal(raw) would (same output format). 0 or -ERR_INVALID.
 */
struct dbq_payload_z {
	const unsigned char *z;   /* the zlib stream */
	size_t zlen;
	size_t raw_len;           /* the length it decompresses to */
};

int dbq_payload_compress(struct arena *a, const char *raw, size_t n, struct dbq_payload_z *out);
int dbq_payload_seal_z(struct arena *a, const unsigned char key[SEAL_KEY_LEN], uint64_t tenant_id,
		       uint64_t record_id, const struct dbq_payload_z *z, unsigned char **out,
		       size_t *outlen);

/*
 * dbq_payload_open: the reverse of dbq_payload_seal. raw_len is the stored
 * uncompressed length; the result must have exactly that length. *raw is
 * NUL-terminated in a (the NUL is not counted in *n). Returns 0 or
 * -ERR_INVALID (wrong key, tampered or moved ciphertext, corrupt stream or a
 * length that does not match; logged without the data).
 */
int dbq_payload_open(struct arena *a, const unsigned char key[SEAL_KEY_LEN], uint64_t tenant_id,
		     uint64_t record_id, const unsigned char *ct, size_t ctlen, size_t raw_len,
		     char **raw, size_t *n);

/*
 * dbq_payload_seal_at / dbq_payload_open_at: the same format for any
 * compressed-then-sealed column: `where` is the AAD (where the bytes are stored) and
 * max bounds the raw length (-ERR_TOO_LARGE / -ERR_INVALID beyond it).
 * dbq_payload_seal/open are these with AAD (tenant_id, "source_payloads",
 * "payload_enc", record_id) and DBQ_PAYLOAD_MAX; flow files
 * (dbq_flows.h) use them too.
 */
int dbq_payload_seal_at(struct arena *a, const unsigned char key[SEAL_KEY_LEN], const struct seal_aad *where,
			size_t max, const char *raw, size_t n, unsigned char **out, size_t *outlen);
int dbq_payload_open_at(struct arena *a, const unsigned char key[SEAL_KEY_LEN], const struct seal_aad *where,
			size_t max, const unsigned char *ct, size_t ctlen, size_t raw_len, char **raw,
			size_t *n);

/* One row for dbq_payload_put: the record and its sealed payload. */
struct dbq_payload_row {
	uint64_t record_id;
	const unsigned char *enc;  /* from dbq_payload_seal */
	size_t enc_len;
	size_t raw_len;
};

/*
 * dbq_payload_put: insert or replace the payloads rows[0..n) of kind
 * (DBQ_PAYLOAD_*) for tenant_id, received at received_at ("YYYY-MM-DD
 * HH:MM:SS" UTC), with multi-row INSERT … ON DUPLICATE KEY UPDATE in chunks
 * of 100/25/5/1 rows (smaller when the bytes of a chunk would pass 4 MiB).
 * Runs in the caller's transaction (never begins or commits). Returns 0 or
 * a database error (-ERR_UNAVAILABLE, -ERR_DB, -ERR_INVALID).
 */
int dbq_payload_put(struct db *db, struct arena *a, uint64_t tenant_id, const char *kind,
		    const char *received_at, const struct dbq_payload_row *rows, size_t n);

/*
 * dbq_payload_get: the raw payload of record_id (kind DBQ_PAYLOAD_*) of
 * tenant_id, decrypted and decompressed into a (NUL-terminated, *n bytes).
 * Returns 0, -ERR_NOT_FOUND (no payload for that record in this tenant),
 * -ERR_INVALID (it does not open; see dbq_payload_open) or a database error.
 */
int dbq_payload_get(struct db *db, struct arena *a, uint64_t tenant_id,
		    const unsigned char key[SEAL_KEY_LEN], const char *kind, uint64_t record_id,
		    char **raw, size_t *n);

#endif
