/* page_sync.h: a connection's sync runs — the history, one run with its per-record errors, 今すぐ同期, pause and resume. */
#ifndef ECC_PAGE_SYNC_H
#define ECC_PAGE_SYNC_H

struct req;

/*
 * Handlers (routes.c, all R_AUTH). The connection comes from
 * page_connections_load (tenant, per-user restriction: 404 otherwise).
 * Viewers read the history; editors ask for a run now, pause and resume
 * (audited as connection.sync_now / connection.pause / connection.resume).
 */
int page_sync_runs(struct req *r);   /* GET /connections/{id:int}/runs[?page=N] */
int page_sync_run(struct req *r);    /* GET /connections/{id:int}/runs/{run:int} */
int page_sync_now(struct req *r);    /* POST /connections/{id:int}/sync */
int page_sync_pause(struct req *r);  /* POST /connections/{id:int}/pause */
int page_sync_resume(struct req *r); /* POST /connections/{id:int}/resume */

#endif
