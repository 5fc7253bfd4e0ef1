/* http_probe.c: test tool for t0350-outbound-guard: one http_client_get with an allowlist from argv; prints the status or the error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/http_client.h"
#include "connectors/ssrf.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"

/*
 * http_probe [--allow LIST] [--ca FILE] [--max-bytes N] [--timeout S] URL
 *   LIST is an outbound_allowlist value ("host[:port],...").
 * On success prints "status N bytes M redirects R" on stdout and exits 0;
 * otherwise prints "error <ERR_NAME>: <message>" on stdout and exits 1
 * (2 for bad usage). Log lines (ssrf_blocked) are JSON on stderr.
 */
int
main(int argc, char **argv)
{
	const char *allow = "", *ca = NULL, *url = NULL;
	struct http_client_opts o;
	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc)
			allow = argv[++i];
		else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			ca = argv[++i];
		else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc)
			o.max_body = (size_t)strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o.timeout_s = strtol(argv[++i], NULL, 10);
		else if (url == NULL && argv[i][0] != '-')
			url = argv[i];
		else
			url = NULL, i = argc;
	}
	if (url == NULL) {
		fprintf(stderr, "usage: http_probe [--allow LIST] [--ca FILE] [--max-bytes N] "
				"[--timeout S] URL\n");
		return 2;
	}
	log_init("http_probe", NULL, LOG_INFO);
	struct arena *a = arena_new(0);
	struct buf err;
	buf_init(&err, a, 0);
	struct ssrf_policy pol;
	int rc = ssrf_policy_parse(a, allow, &pol, &err);
	if (rc == 0) {
		struct http_response r;
		o.allow = &pol;
		o.ca_file = ca;
		rc = http_client_get(a, &o, url, &r, &err);
		if (rc == 0)
			printf("status %ld bytes %zu redirects %d\n", r.status, r.body_len, r.redirects);
	}
	if (rc != 0)
		printf("error %s: %s\n", err_name(rc), buf_cstr(&err));
	arena_free(a);
	return rc == 0 ? 0 : 1;
}
