/* test_log.c: JSON log lines — JST timestamps whatever TZ says, escaping of CR/LF/quotes/bad UTF-8, typed fields. */
#include "core/b64.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "t.h"

#include <fcntl.h>
#include <unistd.h>

static char out[65536];

static const char *
capture(void (*fn)(void))
{
	char path[] = "/tmp/ecc-test-log-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return out;
}

static void
emit_hostile(void)
{
	log_set_request("0123456789abcdef0123456789abcdef", 42);
	log_event(LOG_WARN, "test\"event", LOG_S("evil", "a\r\nb\"c\\d\x01"), LOG_S("bad_utf8", "x\xff\xfey"),
		  LOG_S("ja", "受注"), LOG_I("n", -7), LOG_MS("ms", 1.5));
	log_clear_request();
}

static void
emit_debug(void)
{
	log_event0(LOG_DEBUG, "hidden");
}

int
main(void)
{
	setenv("TZ", "America/New_York", 1);
	log_init("test", "customer", LOG_INFO);
	const char *s = capture(emit_hostile);
	T_OK(strncmp(s, "{\"ts\":\"", 7) == 0, "starts with ts: %s", s);
	T_OK(strstr(s, "+09:00\"") != NULL, "JST offset whatever TZ is: %s", s);
	T_OK(strstr(s, "\"evil\":\"a\\r\\nb\\\"c\\\\d\\u0001\"") != NULL, "CR/LF/quote/control escaped: %s", s);
	T_OK(strstr(s, "\"bad_utf8\":\"x\\ufffd\\ufffdy\"") != NULL, "invalid UTF-8 replaced: %s", s);
	T_OK(strstr(s, "\"ja\":\"受注\"") != NULL, "UTF-8 kept");
	T_OK(strstr(s, "\"event\":\"test\\\"event\"") != NULL, "event escaped");
	T_OK(strstr(s, "\"req_id\":\"0123456789abcdef0123456789abcdef\",\"tenant_id\":42") != NULL, "request id and tenant");
	T_OK(strstr(s, "\"n\":-7") && strstr(s, "\"ms\":1.500"), "typed fields");
	T_OK(strchr(s, '\n') == s + strlen(s) - 1, "exactly one line");
	T_OK(capture(emit_debug)[0] == '\0', "below the level: nothing");

	char jst[32];
	T_STREQ(clock_jst(0, jst), "1970-01-01T09:00:00.000+09:00");
	T_STREQ(clock_jst(1795650000123LL, jst), "2026-11-26T08:40:00.123+09:00");
	char minute[20];
	T_STREQ(clock_jst_minute(1795650000, minute), "2026-11-26 08:40");

	struct arena *a = arena_new(0);
	unsigned char raw[64], back[64];
	for (size_t n = 0; n < 40; n++) {
		rand_bytes(raw, n);
		const char *e = b64url_encode(a, raw, n);
		long m = b64url_decode(e, strlen(e), back, sizeof back);
		T_OK(m == (long)n && memcmp(raw, back, n) == 0, "base64url round trip %zu", n);
		T_OK(strpbrk(e, "+/=") == NULL, "url-safe alphabet");
	}
	T_OK(b64url_decode("a", 1, back, sizeof back) < 0, "impossible length refused");
	T_OK(b64url_decode("ab$d", 4, back, sizeof back) < 0, "bad char refused");
	T_OK(b64url_decode("AB", 2, back, sizeof back) < 0, "non-canonical trailing bits refused");
	T_OK(strlen(rand_hex(a, 16)) == 32, "rand_hex length");
	T_OK(strcmp(rand_token(a, 32), rand_token(a, 32)) != 0, "tokens differ");
	arena_free(a);
	return t_done("unit-log");
}
