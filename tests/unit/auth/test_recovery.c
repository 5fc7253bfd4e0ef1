/* test_recovery.c: recovery codes: count, distinctness, entropy by construction, normalisation, format check. */
#include <math.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/recovery.h"
#include "core/arena.h"
#include "core/err.h"
#include "t.h"

static void
test_new(struct arena *a)
{
	char *codes[RECOVERY_COUNT];
	unsigned char hashes[RECOVERY_COUNT][32];
	unsigned hist[256] = { 0 };
	recovery_new(a, codes, hashes);
	T_INTEQ(RECOVERY_COUNT, 10);
	for (size_t i = 0; i < RECOVERY_COUNT; i++) {
		const char *c = codes[i];
		T_INTEQ((int)strlen(c), 29);
		T_INTEQ(RECOVERY_TEXT_LEN, 29);
		for (size_t k = 0; k < strlen(c); k++) {
			if (k % 6 == 5)
				T_OK(c[k] == '-', "code %zu: dash at %zu in %s", i, k, c);
			else
				T_OK(strchr(RECOVERY_ALPHABET, c[k]) != NULL && c[k] != '\0', "code %zu: symbol %zu in %s",
				     i, k, c);
			hist[(unsigned char)c[k]]++;
		}
		T_OK(strpbrk(c, "01lOoIL") == NULL, "no ambiguous symbol in %s", c);
		T_OK(recovery_format_ok(c, strlen(c)), "format ok %s", c);
		unsigned char h[32];
		T_INTEQ(recovery_hash(c, strlen(c), h), 0);
		T_OK(memcmp(h, hashes[i], 32) == 0, "stored hash is recovery_hash of the code");
		for (size_t j = 0; j < i; j++) {
			T_OK(strcmp(codes[j], c) != 0, "codes %zu and %zu differ", j, i);
			T_OK(memcmp(hashes[j], hashes[i], 32) != 0, "hashes %zu and %zu differ", j, i);
		}
	}
	/* entropy by construction: 25 symbols x log2(32) bits, alphabet has 32 distinct symbols */
	size_t alpha = strlen(RECOVERY_ALPHABET);
	T_INTEQ(alpha, 32);
	for (size_t i = 0; i < alpha; i++)
		T_OK(strchr(RECOVERY_ALPHABET + i + 1, RECOVERY_ALPHABET[i]) == NULL, "alphabet symbol %zu unique", i);
	double bits = RECOVERY_CHARS * log2((double)alpha);
	T_OK(bits >= 112.0, "entropy %.1f bits >= 112", bits);
	T_INTEQ(RECOVERY_BITS, 125);
	printf("test_recovery: %d codes of %.0f bits each\n", RECOVERY_COUNT, bits);
	/* a coarse sanity check that generation uses the whole alphabet:
	 * 250 symbols over 32 values; P(a given symbol never appears) is tiny
	 * for 1000 symbols, so draw more sets */
	for (int round = 0; round < 3; round++) {
		recovery_new(a, codes, hashes);
		for (size_t i = 0; i < RECOVERY_COUNT; i++)
			for (const char *p = codes[i]; *p; p++)
				hist[(unsigned char)*p]++;
	}
	int used = 0;
	for (size_t i = 0; i < alpha; i++)
		used += hist[(unsigned char)RECOVERY_ALPHABET[i]] > 0;
	T_OK(used >= 30, "symbols used in 1000 draws: %d of 32", used);
}

static void
test_normalise(void)
{
	const char *canon = "abcde-fghij-kmnpq-rstuv-wxyz2";
	unsigned char h0[32], h[32], raw[32];
	unsigned int len = 0;
	T_INTEQ(recovery_hash(canon, strlen(canon), h0), 0);
	/* the hash is SHA-256 of the 25 symbols without separators */
	T_INTEQ(EVP_Digest("abcdefghijkmnpqrstuvwxyz2", 25, raw, &len, EVP_sha256(), NULL), 1);
	T_OK(memcmp(h0, raw, 32) == 0, "hash = SHA-256(normalised)");
	const char *same[] = {
		"ABCDE-FGHIJ-KMNPQ-RSTUV-WXYZ2",
		"abcdefghijkmnpqrstuvwxyz2",
		"  abcde fghij kmnpq rstuv wxyz2  ",
		"AbCdE--FgHiJ-kmnpq\trstuv-wxyz2",
		"a-b-c-d-e-f-g-h-i-j-k-m-n-p-q-r-s-t-u-v-w-x-y-z-2",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		T_OK(recovery_format_ok(same[i], strlen(same[i])), "format ok: %s", same[i]);
		T_INTEQ(recovery_hash(same[i], strlen(same[i]), h), 0);
		T_OK(memcmp(h, h0, 32) == 0, "same hash: %s", same[i]);
	}
	/* a different code hashes differently */
	T_INTEQ(recovery_hash("abcde-fghij-kmnpq-rstuv-wxyz3", 29, h), 0);
	T_OK(memcmp(h, h0, 32) != 0, "different code, different hash");
}

static void
test_format(void)
{
	const char *bad[] = {
		"",
		"abcde-fghij-kmnpq-rstuv-wxyz",    /* 24 symbols */
		"abcde-fghij-kmnpq-rstuv-wxyz22",  /* 26 symbols */
		"abcde-fghij-kmnpq-rstuv-wxyz0",   /* 0 */
		"abcde-fghij-kmnpq-rstuv-wxyz1",   /* 1 */
		"abcde-fghij-kmnpq-rstuv-wxyzl",   /* l */
		"abcde-fghij-kmnpq-rstuv-wxyzo",   /* o */
		"abcde-fghij-kmnpq-rstuv-wxyzO",   /* O folds to o */
		"abcde_fghij-kmnpq-rstuv-wxyz2",   /* _ */
		"abcde-fghij-kmnpq-rstuv-wxyz2\n", /* newline */
		"ａbcde-fghij-kmnpq-rstuv-wxyz2",  /* full-width */
		"---------------------------------------------------------------------",
	};
	unsigned char h[32];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_OK(!recovery_format_ok(bad[i], strlen(bad[i])), "format refused: [%s]", bad[i]);
		memset(h, 0xAA, sizeof h);
		T_INTEQ(recovery_hash(bad[i], strlen(bad[i]), h), -ERR_INVALID);
		unsigned char zero[32] = { 0 };
		T_OK(memcmp(h, zero, 32) == 0, "hash zeroed on error");
	}
	/* embedded NUL, length cap, NULL */
	T_OK(!recovery_format_ok("abcde-fghij\0kmnpq-rstuv-wxyz2", 29), "NUL refused");
	char big[RECOVERY_INPUT_MAX + 2];
	memset(big, ' ', sizeof big);
	memcpy(big, "abcdefghijkmnpqrstuvwxyz2", 25);
	T_OK(recovery_format_ok(big, RECOVERY_INPUT_MAX), "trailing spaces within the cap");
	T_OK(!recovery_format_ok(big, RECOVERY_INPUT_MAX + 1), "over the cap");
	T_OK(!recovery_format_ok(NULL, 0), "NULL");
	T_INTEQ(recovery_hash(NULL, 5, h), -ERR_INVALID);
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_new(a);
	test_normalise();
	test_format();
	arena_free(a);
	return t_done("test_recovery");
}
