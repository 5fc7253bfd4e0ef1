/* fuzz_totp_code.c: libFuzzer target: arbitrary typed codes into totp_verify, recovery_hash and base32 decoding. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/recovery.h"
#include "auth/totp.h"
#include "core/arena.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char SEED[TOTP_SECRET_LEN] = "12345678901234567890";
static const time_t NOW = 1234567890; /* step 41152263; code 005924 (RFC 6238) */

static void
check_totp(const char *z)
{
	int64_t s0 = (int64_t)(NOW / 30);
	for (int64_t last = s0 - 2; last <= s0 + 1; last++) {
		int64_t step = -7;
		int rc = totp_verify(SEED, sizeof SEED, z, NOW, last, &step);
		if (rc == 0) {
			if (step < s0 - 1 || step > s0 + 1 || step <= last)
				abort();
			/* an accepted code is exactly 6 digits once blanks are gone */
			size_t nd = 0;
			for (const char *p = z; *p; p++) {
				if (*p >= '0' && *p <= '9')
					nd++;
				else if (*p != ' ' && *p != '\t')
					abort();
			}
			if (nd != 6)
				abort();
		} else if (rc != -ERR_FORBIDDEN && rc != -ERR_CONFLICT) {
			abort();
		} else if (step != -7) {
			abort();
		}
	}
}

static void
check_recovery(const char *d, size_t n)
{
	unsigned char h[32], want[32];
	char norm[RECOVERY_INPUT_MAX + 1];
	size_t k = 0;
	bool ok = recovery_format_ok(d, n);
	int rc = recovery_hash(d, n, h);
	if ((rc == 0) != ok || (rc != 0 && rc != -ERR_INVALID))
		abort();
	if (!ok)
		return;
	/* independent normalisation: drop blanks and dashes, fold case */
	for (size_t i = 0; i < n; i++) {
		if (d[i] == ' ' || d[i] == '\t' || d[i] == '-')
			continue;
		norm[k++] = (char)tolower((unsigned char)d[i]);
	}
	unsigned len = 0;
	if (k != RECOVERY_CHARS || EVP_Digest(norm, k, want, &len, EVP_sha256(), NULL) != 1 || memcmp(h, want, 32) != 0)
		abort();
}

static void
check_base32(struct arena *a, const char *d, size_t n)
{
	unsigned char out[64];
	size_t len = 99;
	int rc = totp_base32_decode(d, n, out, sizeof out, &len);
	if (rc != 0) {
		if ((rc != -ERR_INVALID && rc != -ERR_TOO_LARGE) || len != 0)
			abort();
		return;
	}
	if (len > sizeof out)
		abort();
	/* canonical round trip: re-encoding gives the input without blanks,
	 * dashes and padding, upper-cased */
	char *enc = totp_base32(a, out, len);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == ' ' || d[i] == '-' || d[i] == '=')
			continue;
		if (enc[j] == '\0' || enc[j] != toupper((unsigned char)d[i]))
			abort();
		j++;
	}
	if (enc[j] != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new(0);
	char *z = arena_memdup(a, data, size);
	check_totp(z);
	check_recovery((const char *)data, size);
	check_base32(a, (const char *)data, size);
	(void)totp_uri(a, z, z, z);
	(void)totp_base32_group(a, z);
	arena_reset(a);
	return 0;
}
