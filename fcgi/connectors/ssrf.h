/* ssrf.h: the outbound guard: which addresses are public, and the configured host allowlist. */
#ifndef ECC_SSRF_H
#define ECC_SSRF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/arena.h"
#include "core/buf.h"

/*
 * Addresses that are NOT public (refused unless the host is allowlisted):
 *
 * IPv4
 *   0.0.0.0/8        unspecified / "this network"     100.64.0.0/10   shared address space (CGNAT)
 *   10.0.0.0/8       private                          127.0.0.0/8     loopback
 *   169.254.0.0/16   link-local (cloud metadata)      172.16.0.0/12   private
 *   192.0.0.0/24     IETF protocol assignments        192.0.2.0/24    documentation (TEST-NET-1)
 *   192.88.99.0/24   6to4 relay anycast (deprecated)  192.168.0.0/16  private
 *   198.18.0.0/15    benchmarking                     198.51.100.0/24 documentation (TEST-NET-2)
 *   203.0.113.0/24   documentation (TEST-NET-3)       224.0.0.0/4     multicast
 *   240.0.0.0/4      reserved, and 255.255.255.255 (limited broadcast)
 *
 * IPv6: only global unicast 2000::/3 can be public; everything outside it is
 * refused (among them :: unspecified, ::1 loopback, 100::/64 discard,
 * fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local,
 * ff00::/8 multicast, and all of ::/96 IPv4-compatible, deprecated), except
 * the forms that embed an IPv4 address, which are judged by that address with
 * the IPv4 rules (the reason is then the IPv4 one, e.g. "loopback"):
 *   ::ffff:0:0/96 IPv4-mapped, 64:ff9b::/96 NAT64 well-known prefix,
 *   2002::/16 6to4 (bits 16..47),
 *   2001::/32 Teredo (server bits 32..63 and the inverted client bits 96..127;
 *   refused if either is not public).
 * Inside 2000::/3 these are refused too: 64:ff9b:1::/48 local-use NAT64,
 * 2001:2::/48 benchmarking, 2001:10::/28 and 2001:20::/28 ORCHID,
 * 2001:db8::/32 and 3fff::/20 documentation.
 */

/*
 * ssrf_addr_reason: why sa (AF_INET or AF_INET6; may be NULL) is not a public
 * address, as a static string such as "loopback" or "private"; NULL when it
 * is public. Other families (and NULL) give "unsupported address family".
 */
const char *ssrf_addr_reason(const struct sockaddr *sa);

/* ssrf_addr_public: true iff ssrf_addr_reason(sa) is NULL. */
bool ssrf_addr_public(const struct sockaddr *sa);

/* One allowlist entry: a host name or address literal (lower case, IPv6
 * without brackets) and a port (0 = any port). */
struct ssrf_entry {
	char *host;
	int port;
};

/* The outbound allowlist (configuration key outbound_allowlist). An empty
 * policy (n == 0, v may be NULL) allows nothing beyond public addresses. */
struct ssrf_policy {
	struct ssrf_entry *v;
	size_t n;
};

/*
 * ssrf_policy_parse: parse a comma-separated list of "host" or "host:port"
 * entries (IPv6 literals as "[::1]" or "[::1]:8443"; spaces around entries
 * and empty entries are ignored; host names are compared case-insensitively).
 * spec NULL or "" gives an empty policy. Entries are allocated in a and live
 * as long as it. Returns 0, or -ERR_CONFIG with "outbound_allowlist: ..." in
 * err (err may be NULL) for an entry with a bad host or a port outside
 * 1..65535; out is then an empty policy.
 */
int ssrf_policy_parse(struct arena *a, const char *spec, struct ssrf_policy *out, struct buf *err);

/*
 * ssrf_host_allowed: true iff host (as in a URL: a name, an IPv4 literal or
 * an IPv6 literal with or without brackets; a trailing dot is ignored) on
 * port is on the allowlist p (NULL = empty): an entry with the same host and
 * either no port or the same port.
 */
bool ssrf_host_allowed(const struct ssrf_policy *p, const char *host, int port);

#endif
