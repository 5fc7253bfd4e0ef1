/* test_ssrf.c: the SSRF guard: every refused IPv4/IPv6 range (mapped, NAT64, 6to4, Teredo forms), public addresses, the allowlist. */
#include "connectors/ssrf.h"
#include "core/err.h"
#include "t.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static const char *
reason(const char *lit)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	if (inet_pton(AF_INET, lit, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return ssrf_addr_reason((struct sockaddr *)&s4);
	}
	if (inet_pton(AF_INET6, lit, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		return ssrf_addr_reason((struct sockaddr *)&s6);
	}
	return "test: bad literal";
}

static bool
pub(const char *lit)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	if (inet_pton(AF_INET, lit, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return ssrf_addr_public((struct sockaddr *)&s4);
	}
	s6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, lit, &s6.sin6_addr) != 1)
		return true; /* makes the test fail loudly */
	return ssrf_addr_public((struct sockaddr *)&s6);
}

static const char *const refused[] = {
	/* IPv4: first, inside and last address of each range */
	"0.0.0.0", "0.1.2.3", "0.255.255.255",
	"10.0.0.0", "10.0.0.1", "10.255.255.255",
	"100.64.0.0", "100.100.1.1", "100.127.255.255",
	"127.0.0.1", "127.0.0.2", "127.255.255.255",
	"169.254.0.0", "169.254.169.254", "169.254.255.255",
	"172.16.0.0", "172.20.1.1", "172.31.255.255",
	"192.0.0.0", "192.0.0.170", "192.0.0.255",
	"192.0.2.0", "192.0.2.1", "192.0.2.255",
	"192.88.99.1",
	"192.168.0.0", "192.168.1.1", "192.168.255.255",
	"198.18.0.0", "198.19.255.255",
	"198.51.100.0", "198.51.100.255",
	"203.0.113.0", "203.0.113.255",
	"224.0.0.1", "239.255.255.250",
	"240.0.0.1", "250.1.1.1", "255.255.255.254", "255.255.255.255",
	/* IPv6 */
	"::", "::1", "::2", "100::", "100::ffff:ffff:ffff:ffff",
	"fc00::1", "fd12:3456::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	"fe80::1", "febf::1", "fec0::1",
	"ff02::1", "ff05::1:3", "ff0e::1",
	"2001:db8::1", "2001:db8:ffff::1", "3fff::1", "3fff:fff::1",
	"2001:2::1", "2001:10::1", "2001:2f::1", "64:ff9b:1::1",
	"1::1", "4000::1", "e000::1", /* outside 2000::/3 */
	/* IPv4-mapped, -compatible, NAT64 forms of refused IPv4 */
	"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:192.168.1.1",
	"::ffff:0.0.0.0", "::ffff:100.64.0.1", "::ffff:224.0.0.1", "::ffff:255.255.255.255",
	"::ffff:198.18.0.1", "::ffff:172.16.0.1", "::ffff:7f00:1",
	"::127.0.0.1", "::10.0.0.1", "::8.8.8.8", "::169.254.169.254",
	"64:ff9b::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe",
	/* 6to4 embedding a refused IPv4 (bits 16..47) */
	"2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1", "2002::1",
	/* Teredo: server (bits 32..63) or inverted client (bits 96..127) refused */
	"2001:0:7f00:1::1", "2001:0:a00:1::1",
	"2001:0:808:808::80ff:fffe", /* client ~ = 127.0.0.1 */
	"2001:0:808:808::f5ff:fffe", /* client ~ = 10.0.0.1 */
};

static const char *const accepted[] = {
	"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
	"126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
	"172.32.0.0", "192.0.1.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
	"198.20.0.0", "203.0.112.255", "223.255.255.255", "93.184.216.34",
	"2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450:4001::1",
	"::ffff:8.8.8.8", "::ffff:93.184.216.34", "64:ff9b::808:808",
	"2002:808:808::1",                /* 6to4 of 8.8.8.8 */
	"2001:0:808:808::f7f7:f7f7",      /* Teredo, server 8.8.8.8, client 8.8.8.8 */
	"2001:dc8::1", "2001:1::1", "3ffe::1", "2001:30::1",
};

static void
test_ranges(void)
{
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *r = reason(refused[i]);
		T_OK(r != NULL, "%s must be refused", refused[i]);
		T_OK(!pub(refused[i]), "%s: ssrf_addr_public must be false", refused[i]);
	}
	for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		const char *r = reason(accepted[i]);
		T_OK(r == NULL, "%s must be public, got %s", accepted[i], r ? r : "");
		T_OK(pub(accepted[i]), "%s: ssrf_addr_public must be true", accepted[i]);
	}
	/* specific reasons */
	T_STREQ(reason("127.0.0.1"), "loopback");
	T_STREQ(reason("10.0.0.1"), "private");
	T_STREQ(reason("169.254.169.254"), "link-local");
	T_STREQ(reason("::1"), "loopback");
	T_STREQ(reason("::ffff:127.0.0.1"), "loopback");
	T_STREQ(reason("fe80::1"), "link-local");
	T_STREQ(reason("fd00::1"), "unique-local");
	T_STREQ(reason("255.255.255.255"), "broadcast");
	T_STREQ(reason("100.64.0.1"), "shared address space (CGNAT)");
	/* other families and NULL */
	struct sockaddr sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_family = AF_UNIX;
	T_OK(!ssrf_addr_public(&sa), "AF_UNIX refused");
	T_OK(!ssrf_addr_public(NULL), "NULL refused");
}

static void
test_allowlist(void)
{
	struct arena *a = arena_new(0);
	struct buf err;
	buf_init(&err, a, 0);
	struct ssrf_policy p;
	T_INTEQ(ssrf_policy_parse(a, "", &p, &err), 0);
	T_INTEQ(p.n, 0);
	T_OK(!ssrf_host_allowed(&p, "localhost", 443), "empty policy allows nothing");
	T_INTEQ(ssrf_policy_parse(a, NULL, &p, &err), 0);
	T_OK(!ssrf_host_allowed(NULL, "localhost", 443), "NULL policy allows nothing");

	T_INTEQ(ssrf_policy_parse(a, " LocalHost:18443 , emu.test,[::1]:8443,[fd00::5], 127.0.0.2:9000,,",
				  &p, &err), 0);
	T_INTEQ(p.n, 5);
	T_STREQ(p.v[0].host, "localhost");
	T_INTEQ(p.v[0].port, 18443);
	T_STREQ(p.v[1].host, "emu.test");
	T_INTEQ(p.v[1].port, 0);
	T_STREQ(p.v[2].host, "::1");
	T_INTEQ(p.v[2].port, 8443);
	T_STREQ(p.v[3].host, "fd00::5");
	T_INTEQ(p.v[3].port, 0);
	T_OK(ssrf_host_allowed(&p, "localhost", 18443), "host:port match");
	T_OK(ssrf_host_allowed(&p, "LOCALHOST.", 18443), "case and trailing dot ignored");
	T_OK(!ssrf_host_allowed(&p, "localhost", 18444), "other port refused");
	T_OK(ssrf_host_allowed(&p, "emu.test", 1), "host without port: any port");
	T_OK(ssrf_host_allowed(&p, "emu.test", 65535), "host without port: any port");
	T_OK(!ssrf_host_allowed(&p, "x.emu.test", 443), "no suffix matching");
	T_OK(!ssrf_host_allowed(&p, "emu.test.evil", 443), "no prefix matching");
	T_OK(!ssrf_host_allowed(&p, "emu", 443), "no prefix matching");
	T_OK(ssrf_host_allowed(&p, "[::1]", 8443), "bracketed IPv6");
	T_OK(ssrf_host_allowed(&p, "::1", 8443), "bare IPv6");
	T_OK(!ssrf_host_allowed(&p, "::1", 443), "IPv6 other port");
	T_OK(ssrf_host_allowed(&p, "[FD00::5]", 1234), "IPv6 any port");
	T_OK(ssrf_host_allowed(&p, "127.0.0.2", 9000), "IPv4 literal");
	T_OK(!ssrf_host_allowed(&p, "127.0.0.1", 9000), "other IPv4 literal");
	T_OK(!ssrf_host_allowed(&p, "", 9000), "empty host");
	T_OK(!ssrf_host_allowed(&p, NULL, 9000), "NULL host");

	static const char *const bad[] = {
		"host:0", "host:65536", "host:", "host:12a", "host:-1", ":80", "::1", "[::1", "[::1]x",
		"[::1]:", "ho st", "host/path", "user@host", "a,b:99999", "[]", "host:99999999999999",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_clear(&err);
		T_INTEQ(ssrf_policy_parse(a, bad[i], &p, &err), -ERR_CONFIG);
		T_OK(strstr(buf_cstr(&err), "outbound_allowlist: bad entry") != NULL, "%s: message %s",
		     bad[i], buf_cstr(&err));
		T_INTEQ(p.n, 0);
	}
	arena_free(a);
}

int
main(void)
{
	test_ranges();
	test_allowlist();
	return t_done("ssrf");
}
