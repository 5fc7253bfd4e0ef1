/* ssrf_socket.c: the SSRF guard as libcurl's open-socket callback, so the address actually connected is the one checked. */
#include "ssrf_socket.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "connectors/ssrf.h"
#include "core/log.h"

curl_socket_t
ssrf_socket_open(void *guard, curlsocktype purpose, struct curl_sockaddr *ca)
{
	struct ssrf_socket_guard *g = guard;
	struct sockaddr_storage ss;
	if (purpose != CURLSOCKTYPE_IPCXN || ca->addrlen > sizeof ss)
		return CURL_SOCKET_BAD;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, &ca->addr, ca->addrlen);
	const char *why = ssrf_addr_reason((const struct sockaddr *)&ss);
	if (why != NULL && !g->allowed) {
		g->blocked = true;
		g->why = why;
		g->addr[0] = '\0';
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, g->addr, sizeof g->addr);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, g->addr,
				  sizeof g->addr);
		log_event(LOG_WARN, "ssrf_blocked", LOG_S("host", g->host), LOG_S("addr", g->addr),
			  LOG_S("reason", why));
		return CURL_SOCKET_BAD;
	}
	return socket(ca->family, ca->socktype | SOCK_CLOEXEC, ca->protocol);
}
