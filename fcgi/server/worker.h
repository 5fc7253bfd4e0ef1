/* worker.h: one worker process — the FastCGI accept loop on one socket. */
#ifndef ECC_WORKER_H
#define ECC_WORKER_H

struct app;

/*
 * worker_run: serve requests on the listening socket fd until SIGTERM, then
 * finish the request in flight and return 0. SIGTERM is blocked while a
 * request is being served (so no read is ever interrupted) and delivered
 * only while waiting in accept. Does not return on a fatal error: exits.
 */
int worker_run(struct app *app, int fd, int index);

#endif
