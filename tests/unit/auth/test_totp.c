/* test_totp.c: TOTP window, replay guard, code syntax, oathtool cross-check, base32 and otpauth URI. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/totp.h"
#include "core/arena.h"
#include "core/err.h"
#include "t.h"

#define OATHTOOL "/usr/bin/oathtool"

/* a fixed seed so the window checks are deterministic */
static const unsigned char SEED[TOTP_SECRET_LEN] = "\x3a\x91\x07\xc4\x5e\x22\xf0\x8b\x19\x6d"
						   "\xa4\x33\x7e\xc8\x02\x5f\xbd\x40\x96\x1c";
static const time_t T = 1700000015; /* 15 s into step 56666667 */

/* Run oathtool --totp -b --now=@t b32 and read its code; -1 if it cannot run. */
static int
oathtool_code(const char *b32, time_t t, char out[16])
{
	char now[32];
	int fd[2];
	snprintf(now, sizeof now, "--now=@%lld", (long long)t);
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		char *argv[] = { "oathtool", "--totp", "-b", now, (char *)b32, NULL };
		execv(OATHTOOL, argv);
		_exit(127);
	}
	close(fd[1]);
	ssize_t n, got = 0;
	while (got < 15 && (n = read(fd[0], out + got, (size_t)(15 - got))) > 0)
		got += n;
	close(fd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	out[got] = '\0';
	char *nl = strchr(out, '\n');
	if (nl != NULL)
		*nl = '\0';
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
test_window_and_replay(void)
{
	char c[TOTP_DIGITS + 1];
	int64_t step = -1, s0 = (int64_t)(T / 30);

	T_INTEQ(totp_global_init(), 0);
	T_INTEQ(totp_global_init(), 0);

	/* T-30 and T+30 pass, T-60 and T+60 fail (checklist item 12) */
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T - 30, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, &step), 0);
	T_INTEQ(step, s0 - 1);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T + 30, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, &step), 0);
	T_INTEQ(step, s0 + 1);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, &step), 0);
	T_INTEQ(step, s0);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T - 60, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, NULL), -ERR_FORBIDDEN);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T + 60, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, NULL), -ERR_FORBIDDEN);
	/* edges of the current step: T0 = start of step, T0+29 = end */
	time_t t0 = (time_t)s0 * 30;
	T_INTEQ(totp_code_at(SEED, sizeof SEED, t0 - 1, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, t0 + 29, 0, &step), 0);
	T_INTEQ(step, s0 - 1);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, t0 + 30, 0, NULL), -ERR_FORBIDDEN);

	/* replay of the same step (checklist item 13) */
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T, c), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, 0, &step), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, step, NULL), -ERR_CONFLICT);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T + 10, step, NULL), -ERR_CONFLICT);
	/* an earlier step after a later one was accepted */
	char later[TOTP_DIGITS + 1], earlier[TOTP_DIGITS + 1];
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T + 30, later), 0);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T - 30, earlier), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, later, T, 0, &step), 0);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, T, step, NULL), -ERR_CONFLICT);
	T_INTEQ(totp_verify(SEED, sizeof SEED, earlier, T, step, NULL), -ERR_CONFLICT);
	/* but the next step after a replay guard is fine */
	T_INTEQ(totp_verify(SEED, sizeof SEED, later, T, s0, &step), 0);
	T_INTEQ(step, s0 + 1);
	/* *accepted_step untouched on failure */
	step = 42;
	T_INTEQ(totp_verify(SEED, sizeof SEED, later, T, s0 + 1, &step), -ERR_CONFLICT);
	T_INTEQ(step, 42);
}

static void
test_code_syntax(void)
{
	char c[TOTP_DIGITS + 1], buf[64];
	T_INTEQ(totp_code_at(SEED, sizeof SEED, T, c), 0);
	T_INTEQ((int)strlen(c), 6);

	/* spaces are ignored anywhere */
	snprintf(buf, sizeof buf, " %.3s %s\t", c, c + 3);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), 0);
	/* 5 and 7 digits, non-digits, empty, NULL */
	snprintf(buf, sizeof buf, "%.5s", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "%s0", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "0%s", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "%.5sa", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "%s\n", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "%.3s-%s", c, c + 3);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	snprintf(buf, sizeof buf, "+%.5s", c);
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	T_INTEQ(totp_verify(SEED, sizeof SEED, "", T, 0, NULL), -ERR_FORBIDDEN);
	T_INTEQ(totp_verify(SEED, sizeof SEED, "      ", T, 0, NULL), -ERR_FORBIDDEN);
	T_INTEQ(totp_verify(SEED, sizeof SEED, NULL, T, 0, NULL), -ERR_FORBIDDEN);
	T_INTEQ(totp_verify(SEED, sizeof SEED, "１２３４５６", T, 0, NULL), -ERR_FORBIDDEN);
	/* too long even if only spaces pad it */
	memset(buf, ' ', 40);
	memcpy(buf + 34, c, 6);
	buf[40] = '\0';
	T_INTEQ(totp_verify(SEED, sizeof SEED, buf, T, 0, NULL), -ERR_FORBIDDEN);
	/* caller bugs */
	T_INTEQ(totp_verify(NULL, 0, c, T, 0, NULL), -ERR_INVALID);
	T_INTEQ(totp_verify(SEED, sizeof SEED, c, -1, 0, NULL), -ERR_INVALID);
	T_INTEQ(totp_code_at(SEED, sizeof SEED, -5, c), -ERR_INVALID);
	T_STREQ(c, "");
}

static void
test_oathtool(struct arena *a)
{
	if (access(OATHTOOL, X_OK) != 0) {
		printf("test_totp: note: %s missing, oathtool cross-check skipped\n", OATHTOOL);
		return;
	}
	unsigned char seed[TOTP_SECRET_LEN];
	totp_new_secret(seed);
	const char *seeds_b32[2] = { totp_base32(a, SEED, sizeof SEED), totp_base32(a, seed, sizeof seed) };
	const unsigned char *seeds[2] = { SEED, seed };
	const time_t times[] = { 59, 1111111109, 1234567890, T, 2000000000, 4102444800 };
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
			char mine[TOTP_DIGITS + 1], theirs[16];
			T_INTEQ(totp_code_at(seeds[s], TOTP_SECRET_LEN, times[i], mine), 0);
			T_INTEQ(oathtool_code(seeds_b32[s], times[i], theirs), 0);
			T_OK(strcmp(mine, theirs) == 0, "seed %zu t=%lld: ours %s, oathtool %s", s,
			     (long long)times[i], mine, theirs);
			T_INTEQ(totp_verify(seeds[s], TOTP_SECRET_LEN, theirs, times[i], 0, NULL), 0);
		}
	}
}

static void
test_base32(struct arena *a)
{
	static const struct {
		const char *in, *out;
	} v[] = { { "", "" },           { "f", "MY" },           { "fo", "MZXQ" },          { "foo", "MZXW6" },
		  { "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
		  { "12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" } };
	unsigned char out[64];
	size_t n;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		T_STREQ(totp_base32(a, (const unsigned char *)v[i].in, strlen(v[i].in)), v[i].out);
		T_INTEQ(totp_base32_decode(v[i].out, strlen(v[i].out), out, sizeof out, &n), 0);
		T_OK(n == strlen(v[i].in) && memcmp(out, v[i].in, n) == 0, "decode %s", v[i].out);
	}
	/* padding, lower case, spaces accepted */
	T_INTEQ(totp_base32_decode("my======", 8, out, sizeof out, &n), 0);
	T_OK(n == 1 && out[0] == 'f', "padded lower-case MY");
	T_INTEQ(totp_base32_decode("MZXW 6YTB OI", 12, out, sizeof out, &n), 0);
	T_OK(n == 6 && memcmp(out, "foobar", 6) == 0, "grouped decode");
	/* refused */
	T_INTEQ(totp_base32_decode("M", 1, out, sizeof out, &n), -ERR_INVALID);
	T_INTEQ(totp_base32_decode("MZ", 2, out, sizeof out, &n), -ERR_INVALID); /* trailing bits */
	T_INTEQ(totp_base32_decode("MY1", 3, out, sizeof out, &n), -ERR_INVALID);
	T_INTEQ(totp_base32_decode("M=Y", 3, out, sizeof out, &n), -ERR_INVALID);
	T_INTEQ(totp_base32_decode("MZXW6YTBOI", 10, out, 5, &n), -ERR_TOO_LARGE);

	/* a fresh secret: 20 bytes, 32 base32 chars, round-trips, differs */
	unsigned char s1[TOTP_SECRET_LEN], s2[TOTP_SECRET_LEN];
	totp_new_secret(s1);
	totp_new_secret(s2);
	T_OK(memcmp(s1, s2, TOTP_SECRET_LEN) != 0, "two secrets differ");
	char *b = totp_base32(a, s1, sizeof s1);
	T_INTEQ((int)strlen(b), 32);
	T_INTEQ((int)strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	T_INTEQ(totp_base32_decode(b, strlen(b), out, sizeof out, &n), 0);
	T_OK(n == TOTP_SECRET_LEN && memcmp(out, s1, n) == 0, "secret round-trips");
	char *g = totp_base32_group(a, b);
	T_INTEQ((int)strlen(g), 39);
	T_OK(g[4] == ' ' && g[34] == ' ', "grouped in fours");
	T_INTEQ(totp_base32_decode(g, strlen(g), out, sizeof out, &n), 0);
	T_OK(n == TOTP_SECRET_LEN && memcmp(out, s1, n) == 0, "grouped secret round-trips");
	T_STREQ(totp_base32_group(a, "ABCDEFGHIJ"), "ABCD EFGH IJ");
	T_STREQ(totp_base32_group(a, ""), "");
	T_STREQ(totp_base32_group(a, NULL), "");
}

static void
test_uri(struct arena *a)
{
	const char *b = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	T_STREQ(totp_uri(a, "EC Connector", "alice@example.jp", b),
		"otpauth://totp/EC%20Connector:alice%40example.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
		"&issuer=EC%20Connector&algorithm=SHA1&digits=6&period=30");
	/* ':' '&' '?' '#' '/' '+' and non-ASCII cannot break the URI */
	T_STREQ(totp_uri(a, "A:B&C", "x?y#z/w+v", b),
		"otpauth://totp/A%3AB%26C:x%3Fy%23z%2Fw%2Bv?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
		"&issuer=A%3AB%26C&algorithm=SHA1&digits=6&period=30");
	T_STREQ(totp_uri(a, "株式会社", "u", "AB"),
		"otpauth://totp/%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE:u?secret=AB"
		"&issuer=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&algorithm=SHA1&digits=6&period=30");
	T_STREQ(totp_uri(a, NULL, NULL, NULL), "otpauth://totp/:?secret=&issuer=&algorithm=SHA1&digits=6&period=30");
}

int
main(void)
{
	struct arena *a = arena_new(0);
	test_window_and_replay();
	test_code_syntax();
	test_oathtool(a);
	test_base32(a);
	test_uri(a);
	arena_free(a);
	return t_done("test_totp");
}
