/* test_keyring.c: KEK file checks, wrap/unwrap, wrong KEK, tenant swap, cache behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "t.h"

static char dir[] = "/tmp/test_keyring_XXXXXX";
static struct arena *paths;

static const char *
write_kek(const char *name, const void *data, size_t n, mode_t mode)
{
	char *p = arena_printf(paths, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (f == NULL)
		return p;
	fwrite(data, 1, n, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

int
main(void)
{
	struct arena *a = arena_new(0);
	paths = a;
	struct buf err;
	buf_init(&err, a, 128);
	T_OK(mkdtemp(dir) != NULL, "mkdtemp");
	log_init("test_keyring", NULL, LOG_ERROR);

	const char *hex1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	const char *hex2 = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	unsigned char raw[32];
	memset(raw, 0x5a, sizeof raw);

	T_OK(!keyring_loaded(), "loaded before load");
	unsigned char *w;
	size_t wl;
	T_INTEQ(keyring_new_dek(a, 1, &w, &wl), -ERR_INVALID);

	/* 0644 refused, 0600 accepted */
	const char *p644 = write_kek("kek644", hex1, strlen(hex1), 0644);
	T_INTEQ(keyring_load_kek(p644, &err), -ERR_CONFIG);
	T_OK(strstr(buf_cstr(&err), "mode") != NULL, "reason: %s", buf_cstr(&err));
	T_OK(!keyring_loaded(), "loaded after refusal");
	buf_clear(&err);
	/* wrong sizes and non-hex */
	T_INTEQ(keyring_load_kek(write_kek("short", "abcd", 4, 0600), &err), -ERR_CONFIG);
	T_INTEQ(keyring_load_kek(write_kek("nothex", "zz01020304050607080900010203040506070809000102030405060708090001", 64, 0600), &err),
		-ERR_CONFIG);
	T_INTEQ(keyring_load_kek(NULL, &err), -ERR_CONFIG);
	char nopath[300];
	snprintf(nopath, sizeof nopath, "%s/missing", dir);
	T_INTEQ(keyring_load_kek(nopath, &err), -ERR_CONFIG);
	buf_clear(&err);

	const char *k1 = write_kek("kek1", hex1, strlen(hex1), 0600);
	T_INTEQ(keyring_load_kek(k1, &err), 0);
	T_OK(keyring_loaded(), "not loaded");

	/* wrap and unwrap */
	T_INTEQ(keyring_new_dek(a, 1001, &w, &wl), 0);
	T_INTEQ(wl, 61);
	T_OK(wl <= 128, "wrapped key fits VARBINARY(128)");
	unsigned char d1[SEAL_KEY_LEN], d1b[SEAL_KEY_LEN], d2[SEAL_KEY_LEN];
	T_INTEQ(keyring_unwrap(1001, w, wl, d1), 0);
	T_INTEQ(keyring_unwrap(1001, w, wl, d1b), 0); /* from the cache */
	T_OK(memcmp(d1, d1b, sizeof d1) == 0, "cached key differs");

	/* tenant swap fails (also when the right tenant's key is cached) */
	T_INTEQ(keyring_unwrap(1002, w, wl, d2), -ERR_INVALID);
	/* tampered */
	unsigned char *w2 = (unsigned char *)arena_memdup(a, w, wl);
	w2[20] ^= 1;
	T_INTEQ(keyring_unwrap(1001, w2, wl, d2), -ERR_INVALID);
	T_INTEQ(keyring_unwrap(1001, w, wl - 1, d2), -ERR_INVALID);
	T_INTEQ(keyring_unwrap(1001, NULL, 0, d2), -ERR_INVALID);

	/* two tenants get different keys */
	unsigned char *wb;
	size_t wbl;
	T_INTEQ(keyring_new_dek(a, 1002, &wb, &wbl), 0);
	T_INTEQ(keyring_unwrap(1002, wb, wbl, d2), 0);
	T_OK(memcmp(d1, d2, sizeof d1) != 0, "two tenants share a key");

	/* a sealed value round-trips with the unwrapped key */
	struct seal_aad ad = { 1001, "users", "name_enc", 5 };
	unsigned char *ct;
	size_t ctl;
	char *pt;
	size_t ptl;
	T_INTEQ(seal_encrypt(a, d1, &ad, "鈴木", strlen("鈴木"), &ct, &ctl), 0);
	T_INTEQ(keyring_unwrap(1001, w, wl, d1b), 0);
	T_INTEQ(seal_decrypt(a, d1b, &ad, ct, ctl, &pt, &ptl), 0);
	T_STREQ(pt, "鈴木");

	/* the cache survives more tenants than it has slots (eviction) */
	int evict_ok = 1;
	for (uint64_t t = 2000; t < 2100; t++) {
		unsigned char *wx, kx[SEAL_KEY_LEN];
		size_t wxl;
		if (keyring_new_dek(a, t, &wx, &wxl) != 0 || keyring_unwrap(t, wx, wxl, kx) != 0)
			evict_ok = 0;
	}
	T_OK(evict_ok, "many tenants");
	T_INTEQ(keyring_unwrap(1001, w, wl, d1b), 0);
	T_OK(memcmp(d1, d1b, sizeof d1) == 0, "key after eviction differs");
	keyring_forget(1001);
	T_INTEQ(keyring_unwrap(1001, w, wl, d1b), 0);
	T_OK(memcmp(d1, d1b, sizeof d1) == 0, "key after forget differs");

	/* a different KEK: the cache is cleared and unwrapping fails */
	const char *k2 = write_kek("kek2", hex2, strlen(hex2), 0600);
	T_INTEQ(keyring_load_kek(k2, &err), 0);
	T_INTEQ(keyring_unwrap(1001, w, wl, d2), -ERR_INVALID);
	/* a failed reload keeps the loaded KEK */
	T_INTEQ(keyring_load_kek(p644, &err), -ERR_CONFIG);
	T_OK(keyring_loaded(), "failed reload dropped the KEK");
	/* raw 32-byte form */
	T_INTEQ(keyring_load_kek(write_kek("kekraw", raw, sizeof raw, 0600), &err), 0);
	T_INTEQ(keyring_unwrap(1001, w, wl, d2), -ERR_INVALID);
	/* back to the first KEK: works again */
	T_INTEQ(keyring_load_kek(k1, &err), 0);
	T_INTEQ(keyring_unwrap(1001, w, wl, d2), 0);
	T_OK(memcmp(d1, d2, sizeof d1) == 0, "key under the first KEK differs");

	/* symlink refused (FILE_SECRET) */
	char link[300];
	snprintf(link, sizeof link, "%s/link", dir);
	T_OK(symlink(k1, link) == 0, "symlink");
	T_INTEQ(keyring_load_kek(link, &err), -ERR_CONFIG);

	char cmd[400];
	snprintf(cmd, sizeof cmd, "%s", dir);
	unlink(link);
	const char *names[] = { "kek644", "short", "nothex", "kek1", "kek2", "kekraw" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s/%s", dir, names[i]);
		unlink(cmd);
	}
	rmdir(dir);
	arena_free(a);
	return t_done("crypto-keyring");
}
