/* ssrf_socket.h: the SSRF guard as libcurl's open-socket callback, so the address actually connected is the one checked. */
#ifndef ECC_SSRF_SOCKET_H
#define ECC_SSRF_SOCKET_H

#include <netinet/in.h>
#include <stdbool.h>

#include <curl/curl.h>

/*
 * One transfer's guard. The caller sets host (for the log) and allowed
 * (ssrf_host_allowed for that host and port: then any address is accepted)
 * and clears blocked before each perform; the callback fills the rest when
 * it refuses an address.
 */
struct ssrf_socket_guard {
	const char *host;
	bool allowed;
	bool blocked;                   /* out: at least one address was refused */
	const char *why;                /* out: ssrf_addr_reason() of the last refusal (static text) */
	char addr[INET6_ADDRSTRLEN];    /* out: that address, printable */
};

/*
 * ssrf_socket_open: a CURLOPT_OPENSOCKETFUNCTION; CURLOPT_OPENSOCKETDATA must
 * be a struct ssrf_socket_guard *. Refuses (CURL_SOCKET_BAD, and libcurl
 * reports CURLE_COULDNT_CONNECT) an address ssrf_addr_reason() names unless
 * the guard is allowed, and logs each refusal as the security event
 * "ssrf_blocked" (host, address, reason; never the path). Otherwise returns a
 * new close-on-exec socket.
 */
curl_socket_t ssrf_socket_open(void *guard, curlsocktype purpose, struct curl_sockaddr *ca);

#endif
