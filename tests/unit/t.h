/* t.h: the tiny test framework every C test program uses (Redis testhelp.h style). */
#ifndef ECC_T_H
#define ECC_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

/* T_OK(cond, fmt, ...): count one check; on failure print file:line and the
 * message (a constant format) to stderr. */
#define T_OK(cond, ...)                                                        \
	do {                                                                   \
		if (cond) {                                                    \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

/* T_STREQ(got, want): NUL-terminated strings equal (NULL never equal). */
#define T_STREQ(got, want)                                                     \
	do {                                                                   \
		const char *t_g_ = (got), *t_w_ = (want);                      \
		T_OK(t_g_ != NULL && t_w_ != NULL && strcmp(t_g_, t_w_) == 0,  \
		     "%s: got \"%s\", want \"%s\"", #got,                      \
		     t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)");          \
	} while (0)

/* T_INTEQ(got, want): integers equal. */
#define T_INTEQ(got, want)                                                     \
	do {                                                                   \
		long long t_g_ = (long long)(got), t_w_ = (long long)(want);   \
		T_OK(t_g_ == t_w_, "%s: got %lld, want %lld", #got, t_g_, t_w_); \
	} while (0)

/* t_done: print "suite: N passed, N failed" (the line tests/run.sh sums)
 * and give the exit status. A suite with no checks fails. */
static inline int
t_done(const char *suite)
{
	if (t_pass + t_fail == 0) {
		fprintf(stderr, "%s: ran no check\n", suite);
		t_fail = 1;
	}
	printf("%s: %d passed, %d failed\n", suite, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

/* t_shared: path of a file under the shared/ folder (env SHARED, default
 * ../shared). Returns a static buffer overwritten by the next call. */
static inline const char *
t_shared(const char *rel)
{
	static char path[4096];
	const char *base = getenv("SHARED");
	snprintf(path, sizeof path, "%s/%s", base && *base ? base : "../shared", rel);
	return path;
}

#endif
