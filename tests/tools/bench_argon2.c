/* bench_argon2.c: times Argon2id password verification at the parameters of new hashes (make bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "crypto/pwhash.h"

/*
 * bench_argon2 [N]   hash one password with pwhash_hash (the current
 *                    parameters), then verify it N times (default 20, 1..1000)
 *                    with pwhash_verify; every verification must match.
 * Prints one line of key=value pairs for tests/bench/run.sh:
 *   m_kib=19456 t=2 p=1 runs=20 hash_ms=… mean_ms=… min_ms=… max_ms=…
 * Exit 0, or 1 with a message on stderr when a call fails.
 */

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	long runs = 20;
	if (argc > 2 || (argc == 2 && ((runs = strtol(argv[1], NULL, 10)) < 1 || runs > 1000))) {
		fprintf(stderr, "usage: bench_argon2 [N: 1..1000 verifications]\n");
		return 2;
	}
	struct arena *a = arena_new(0);
	static const char pw[] = "correct horse battery staple 42";
	char *encoded = NULL;
	double t0 = now_ms();
	int rc = pwhash_hash(a, pw, strlen(pw), &encoded);
	double hash_ms = now_ms() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench_argon2: pwhash_hash: %s\n", err_name(rc));
		return 1;
	}
	double sum = 0, min = 0, max = 0;
	for (long i = 0; i < runs; i++) {
		t0 = now_ms();
		rc = pwhash_verify(encoded, pw, strlen(pw));
		double ms = now_ms() - t0;
		if (rc != 0) {
			fprintf(stderr, "bench_argon2: pwhash_verify: %s\n", err_name(rc));
			return 1;
		}
		sum += ms;
		if (i == 0 || ms < min)
			min = ms;
		if (i == 0 || ms > max)
			max = ms;
	}
	printf("m_kib=%d t=%d p=%d runs=%ld hash_ms=%.1f mean_ms=%.1f min_ms=%.1f max_ms=%.1f\n",
	       PWHASH_M_KIB, PWHASH_T, PWHASH_P, runs, hash_ms, sum / (double)runs, min, max);
	arena_free(a);
	return 0;
}
