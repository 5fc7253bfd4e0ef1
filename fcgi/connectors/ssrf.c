/* ssrf.c: the outbound guard: which addresses are public, and the configured host allowlist. */
#include "ssrf.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

struct v4range {
	uint32_t net;
	int bits;
	const char *why;
};

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static const struct v4range v4_blocked[] = {
	{ V4(0, 0, 0, 0), 8, "unspecified" },
	{ V4(10, 0, 0, 0), 8, "private" },
	{ V4(100, 64, 0, 0), 10, "shared address space (CGNAT)" },
	{ V4(127, 0, 0, 0), 8, "loopback" },
	{ V4(169, 254, 0, 0), 16, "link-local" },
	{ V4(172, 16, 0, 0), 12, "private" },
	{ V4(192, 0, 0, 0), 24, "IETF protocol assignments" },
	{ V4(192, 0, 2, 0), 24, "documentation" },
	{ V4(192, 88, 99, 0), 24, "6to4 relay anycast" },
	{ V4(192, 168, 0, 0), 16, "private" },
	{ V4(198, 18, 0, 0), 15, "benchmarking" },
	{ V4(198, 51, 100, 0), 24, "documentation" },
	{ V4(203, 0, 113, 0), 24, "documentation" },
	{ V4(224, 0, 0, 0), 4, "multicast" },
	{ V4(255, 255, 255, 255), 32, "broadcast" },
	{ V4(240, 0, 0, 0), 4, "reserved" },
};

static const char *
v4_reason(uint32_t a)
{
	for (size_t i = 0; i < sizeof v4_blocked / sizeof v4_blocked[0]; i++) {
		const struct v4range *r = &v4_blocked[i];
		uint32_t mask = r->bits == 0 ? 0 : 0xffffffffu << (32 - r->bits);
		if ((a & mask) == r->net)
			return r->why;
	}
	return NULL;
}

static uint32_t
be32_at(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* true iff the first bits of a equal those of prefix (bits <= 128) */
static bool
v6_in(const unsigned char *a, const unsigned char *prefix, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a, prefix, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (prefix[whole] & mask);
}

struct v6range {
	unsigned char net[16];
	int bits;
	const char *why;
};

static const struct v6range v6_blocked[] = {
	{ { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48, "local-use NAT64" },
	{ { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 }, 48, "benchmarking" },
	{ { 0x20, 0x01, 0x00, 0x10 }, 28, "ORCHID" },
	{ { 0x20, 0x01, 0x00, 0x20 }, 28, "ORCHID" },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },
	{ { 0x3f, 0xff }, 20, "documentation" },
	{ { 0xfc }, 7, "unique-local" },
	{ { 0xfe, 0x80 }, 10, "link-local" },
	{ { 0xfe, 0xc0 }, 10, "site-local" },
	{ { 0xff }, 8, "multicast" },
};

static const char *
v6_reason(const unsigned char *a)
{
	static const unsigned char zero[16];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	static const unsigned char one[16] = { [15] = 1 };
	static const unsigned char teredo[4] = { 0x20, 0x01, 0x00, 0x00 };
	static const unsigned char sixto4[2] = { 0x20, 0x02 };
	if (memcmp(a, zero, 16) == 0)
		return "unspecified";
	if (memcmp(a, one, 16) == 0)
		return "loopback";
	if (memcmp(a, mapped, 12) == 0)
		return v4_reason(be32_at(a + 12));
	if (memcmp(a, zero, 12) == 0)
		return "IPv4-compatible (deprecated)";
	if (memcmp(a, nat64, 12) == 0)
		return v4_reason(be32_at(a + 12));
	for (size_t i = 0; i < sizeof v6_blocked / sizeof v6_blocked[0]; i++)
		if (v6_in(a, v6_blocked[i].net, v6_blocked[i].bits))
			return v6_blocked[i].why;
	if ((a[0] & 0xe0) != 0x20)
		return "not global unicast";
	if (memcmp(a, teredo, 4) == 0) {
		if (v4_reason(be32_at(a + 4)) || v4_reason(~be32_at(a + 12)))
			return "Teredo with a non-public IPv4 address";
		return NULL;
	}
	if (memcmp(a, sixto4, 2) == 0 && v4_reason(be32_at(a + 2)))
		return "6to4 of a non-public IPv4 address";
	return NULL;
}

const char *
ssrf_addr_reason(const struct sockaddr *sa)
{
	if (sa == NULL)
		return "unsupported address family";
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_reason(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return v6_reason(s6->sin6_addr.s6_addr);
	}
	return "unsupported address family";
}

bool
ssrf_addr_public(const struct sockaddr *sa)
{
	return ssrf_addr_reason(sa) == NULL;
}

/* host without brackets, without one trailing dot, lower case, in a; NULL if
 * empty or containing a character no host name or literal has */
static char *
norm_host(struct arena *a, const char *h, size_t n)
{
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return NULL;
	char *s = arena_strndup(a, h, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			s[i] = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			   c == ':' || c == '_'))
			return NULL;
	}
	return s;
}

static int
parse_entry(struct arena *a, const char *p, size_t n, struct ssrf_entry *e, struct buf *err)
{
	const char *hp = p;
	size_t hn = n;
	const char *port = NULL;
	if (n > 0 && p[0] == '[') {
		const char *close = memchr(p, ']', n);
		if (close == NULL)
			goto bad;
		hn = (size_t)(close - p) + 1;
		if (hn < n) {
			if (p[hn] != ':')
				goto bad;
			port = p + hn + 1;
		}
	} else {
		const char *colon = memchr(p, ':', n);
		if (colon != NULL) {
			if (memchr(colon + 1, ':', n - (size_t)(colon - p) - 1) != NULL)
				goto bad; /* bare IPv6 literal: brackets are required */
			hn = (size_t)(colon - p);
			port = colon + 1;
		}
	}
	e->port = 0;
	if (port != NULL) {
		const char *end = p + n;
		long v = 0;
		if (port == end)
			goto bad;
		for (const char *q = port; q < end; q++) {
			if (*q < '0' || *q > '9' || v > 65535)
				goto bad;
			v = v * 10 + (*q - '0');
		}
		if (v < 1 || v > 65535)
			goto bad;
		e->port = (int)v;
	}
	if ((e->host = norm_host(a, hp, hn)) == NULL)
		goto bad;
	return 0;
bad:
	if (err != NULL)
		buf_printf(err, "outbound_allowlist: bad entry \"%.*s\" (want host or host:port, "
				"IPv6 as [addr]:port, port 1..65535)",
			   (int)(n > 200 ? 200 : n), p);
	return -ERR_CONFIG;
}

int
ssrf_policy_parse(struct arena *a, const char *spec, struct ssrf_policy *out, struct buf *err)
{
	out->v = NULL;
	out->n = 0;
	if (spec == NULL || *spec == '\0')
		return 0;
	size_t max = 1;
	for (const char *p = spec; *p; p++)
		max += *p == ',';
	struct ssrf_entry *v = arena_calloc(a, max, sizeof *v);
	size_t n = 0;
	const char *p = spec;
	for (;;) {
		const char *end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		const char *s = p, *e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			int rc = parse_entry(a, s, (size_t)(e - s), &v[n], err);
			if (rc != 0)
				return rc;
			n++;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	out->v = v;
	out->n = n;
	return 0;
}

bool
ssrf_host_allowed(const struct ssrf_policy *p, const char *host, int port)
{
	if (p == NULL || host == NULL)
		return false;
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 0)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct ssrf_entry *e = &p->v[i];
		if (strlen(e->host) == n && strncasecmp(e->host, host, n) == 0 &&
		    (e->port == 0 || e->port == port))
			return true;
	}
	return false;
}
