/* dispatch.h: one request from accept to flush — build, route, error page, response, access log. */
#ifndef ECC_DISPATCH_H
#define ECC_DISPATCH_H

#include <fcgiapp.h>

#include "core/arena.h"

struct app;

/*
 * dispatch_request: serve one accepted FastCGI request completely. Every
 * allocation comes from a (the caller resets it afterwards). Never fails:
 * whatever goes wrong becomes an error page with the request id, and one
 * access-log line is written.
 */
void dispatch_request(struct app *app, FCGX_Request *fcgx, struct arena *a);

#endif
