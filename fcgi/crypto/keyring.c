/* keyring.c: the key-encryption key (a file outside the database) and the per-tenant data keys it wraps. */
#include "keyring.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/crypto.h>

#include "core/err.h"
#include "core/file.h"
#include "core/log.h"
#include "core/rand.h"
#include "crypto/gcm.h"

/*
 * Wrapped data key: 0x01 | 12-byte nonce | 32-byte ciphertext | 16-byte tag
 * (61 bytes), AES-256-GCM under the KEK with AAD "ecc-dek|<tenant_id>".
 *
 * Process-wide state, not thread-safe (workers are single-threaded). The
 * cache holds at most KEYRING_SLOTS unwrapped keys; each entry remembers the
 * wrapped form it came from, so a changed dek_wrapped is unwrapped again
 * rather than answered from a stale entry. The least recently used entry is
 * evicted and wiped.
 */
#define WRAP_VERSION 0x01
#define WRAP_LEN (1 + GCM_NONCE_LEN + SEAL_KEY_LEN + GCM_TAG_LEN)
#define KEYRING_SLOTS 64

struct slot {
	uint64_t tenant_id;
	uint64_t used;			/* LRU clock; 0 = empty */
	unsigned char wrapped[WRAP_LEN];
	unsigned char key[SEAL_KEY_LEN];
};

static struct {
	unsigned char kek[SEAL_KEY_LEN];
	struct slot slots[KEYRING_SLOTS];
	int loaded;
	int locked;
	uint64_t clock;
} ring;

static int hexval(int c);
static int parse_kek(const char *s, size_t n, unsigned char out[SEAL_KEY_LEN]);
static void wipe_slot(struct slot *s);
static void wipe_all(void);
static int aad_for(uint64_t tenant_id, char *out, size_t cap);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 raw bytes, or 64 hex digits optionally followed by one "\n" */
static int
parse_kek(const char *s, size_t n, unsigned char out[SEAL_KEY_LEN])
{
	if (n == SEAL_KEY_LEN) {
		memcpy(out, s, SEAL_KEY_LEN);
		return 0;
	}
	if (n == 2 * SEAL_KEY_LEN + 1 && s[n - 1] == '\n')
		n--;
	if (n != 2 * SEAL_KEY_LEN)
		return -ERR_CONFIG;
	for (size_t i = 0; i < SEAL_KEY_LEN; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, SEAL_KEY_LEN);
			return -ERR_CONFIG;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void
wipe_slot(struct slot *s)
{
	OPENSSL_cleanse(s, sizeof *s);
}

static void
wipe_all(void)
{
	for (size_t i = 0; i < KEYRING_SLOTS; i++)
		wipe_slot(&ring.slots[i]);
}

static int
aad_for(uint64_t tenant_id, char *out, size_t cap)
{
	int k = snprintf(out, cap, "ecc-dek|%" PRIu64, tenant_id);
	return k > 0 && (size_t)k < cap ? k : -1;
}

int
keyring_load_kek(const char *path, struct buf *err)
{
	if (!ring.locked)
		ring.locked = mlock(&ring, sizeof ring) == 0;
	if (path == NULL || *path == '\0') {
		buf_puts(err, "kek_file: not set");
		return -ERR_CONFIG;
	}
	struct arena *a = arena_new(0);
	char *data = NULL;
	size_t n = 0;
	/* read a little more than the longest valid form, to say "wrong size" */
	int rc = file_read(a, path, 4096, FILE_SECRET, &data, &n, err);
	unsigned char k[SEAL_KEY_LEN];
	if (rc == 0 && parse_kek(data, n, k) != 0) {
		buf_printf(err, "%s: the key must be exactly 32 bytes or 64 hex digits", path);
		rc = -ERR_CONFIG;
	}
	if (data != NULL)
		OPENSSL_cleanse(data, n);
	arena_free(a);
	if (rc != 0) {
		OPENSSL_cleanse(k, sizeof k);
		return -ERR_CONFIG;
	}
	/* a different KEK makes every cached key suspect */
	if (!ring.loaded || CRYPTO_memcmp(k, ring.kek, sizeof k) != 0)
		wipe_all();
	memcpy(ring.kek, k, sizeof k);
	OPENSSL_cleanse(k, sizeof k);
	ring.loaded = 1;
	return 0;
}

int
keyring_loaded(void)
{
	return ring.loaded;
}

int
keyring_new_dek(struct arena *a, uint64_t tenant_id, unsigned char **wrapped, size_t *wlen)
{
	char ad[48];
	int adlen = aad_for(tenant_id, ad, sizeof ad);
	if (!ring.loaded || a == NULL || wrapped == NULL || wlen == NULL || adlen < 0)
		return -ERR_INVALID;
	unsigned char dek[SEAL_KEY_LEN];
	unsigned char *w = arena_alloc(a, WRAP_LEN);
	rand_bytes(dek, sizeof dek);
	w[0] = WRAP_VERSION;
	rand_bytes(w + 1, GCM_NONCE_LEN);
	int rc = gcm_encrypt(ring.kek, SEAL_KEY_LEN, w + 1, GCM_NONCE_LEN, (const unsigned char *)ad,
			     (size_t)adlen, dek, sizeof dek, w + 1 + GCM_NONCE_LEN,
			     w + 1 + GCM_NONCE_LEN + SEAL_KEY_LEN);
	OPENSSL_cleanse(dek, sizeof dek);
	if (rc != 0)
		return rc;
	*wrapped = w;
	*wlen = WRAP_LEN;
	return 0;
}

int
keyring_unwrap(uint64_t tenant_id, const unsigned char *wrapped, size_t wlen,
	       unsigned char key[SEAL_KEY_LEN])
{
	const char *why = NULL;
	char ad[48];
	int adlen = aad_for(tenant_id, ad, sizeof ad);
	if (!ring.loaded)
		why = "no_kek";
	else if (wrapped == NULL || wlen != WRAP_LEN || wrapped[0] != WRAP_VERSION || adlen < 0)
		why = "malformed";
	if (why == NULL) {
		struct slot *victim = &ring.slots[0];
		for (size_t i = 0; i < KEYRING_SLOTS; i++) {
			struct slot *s = &ring.slots[i];
			if (s->used != 0 && s->tenant_id == tenant_id &&
			    CRYPTO_memcmp(s->wrapped, wrapped, WRAP_LEN) == 0) {
				s->used = ++ring.clock;
				memcpy(key, s->key, SEAL_KEY_LEN);
				return 0;
			}
			if (s->used < victim->used)
				victim = s;
		}
		unsigned char k[SEAL_KEY_LEN];
		if (gcm_decrypt(ring.kek, SEAL_KEY_LEN, wrapped + 1, GCM_NONCE_LEN,
				(const unsigned char *)ad, (size_t)adlen, wrapped + 1 + GCM_NONCE_LEN,
				SEAL_KEY_LEN, wrapped + 1 + GCM_NONCE_LEN + SEAL_KEY_LEN, GCM_TAG_LEN,
				k) == 0) {
			/* one entry per tenant: drop an older wrapped form of the same tenant */
			keyring_forget(tenant_id);
			wipe_slot(victim);
			victim->tenant_id = tenant_id;
			victim->used = ++ring.clock;
			memcpy(victim->wrapped, wrapped, WRAP_LEN);
			memcpy(victim->key, k, SEAL_KEY_LEN);
			memcpy(key, k, SEAL_KEY_LEN);
			OPENSSL_cleanse(k, sizeof k);
			return 0;
		}
		why = "auth";
	}
	log_event(LOG_WARN, "crypt_unwrap_fail", LOG_I("dek_tenant_id", (int64_t)tenant_id),
		  LOG_S("reason", why));
	OPENSSL_cleanse(key, SEAL_KEY_LEN);
	return -ERR_INVALID;
}

void
keyring_forget(uint64_t tenant_id)
{
	for (size_t i = 0; i < KEYRING_SLOTS; i++)
		if (ring.slots[i].used != 0 && ring.slots[i].tenant_id == tenant_id)
			wipe_slot(&ring.slots[i]);
}
