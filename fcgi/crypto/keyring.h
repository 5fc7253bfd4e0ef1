/* keyring.h: the key-encryption key (a file outside the database) and the per-tenant data keys it wraps. */
#ifndef ECC_KEYRING_H
#define ECC_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "crypto/seal.h"

/*
 * keyring_load_kek: read the KEK (exactly 32 bytes, raw or 64 hex chars) from
 * path, which must be mode 0600 and owned by the current user (core/file).
 * Process-wide; call once at start-up (and again on reload). Returns 0 or
 * -ERR_CONFIG with the reason in err. The key is held in locked memory
 * (mlock) where possible and never logged.
 */
int keyring_load_kek(const char *path, struct buf *err);

/* keyring_loaded: true after a successful keyring_load_kek. */
int keyring_loaded(void);

/*
 * keyring_new_dek: a fresh random data key for tenant_id, wrapped with the
 * KEK (AES-256-GCM, AAD "ecc-dek|<tenant_id>") for storage in
 * tenants.dek_wrapped. *wrapped lives in a. Returns 0 or -ERR_INVALID when
 * no KEK is loaded.
 */
int keyring_new_dek(struct arena *a, uint64_t tenant_id, unsigned char **wrapped, size_t *wlen);

/*
 * keyring_unwrap: the tenant's data key from its stored wrapped form, cached
 * per process by tenant id. key receives SEAL_KEY_LEN bytes. Returns 0 or
 * -ERR_INVALID (wrong KEK, tampered, wrong tenant) — logged.
 */
int keyring_unwrap(uint64_t tenant_id, const unsigned char *wrapped, size_t wlen,
		   unsigned char key[SEAL_KEY_LEN]);

/* keyring_forget: drop a tenant's cached data key (after crypto-shredding). */
void keyring_forget(uint64_t tenant_id);

#endif
