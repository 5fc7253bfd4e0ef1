/* page_connections_delete.h: deleting a connection — the confirmation page and the chunked delete it posts. */
#ifndef ECC_PAGE_CONNECTIONS_DELETE_H
#define ECC_PAGE_CONNECTIONS_DELETE_H

struct req;

/*
 * Handlers (routes.c: R_AUTH, ROLE_EDITOR; the POST also R_CSRF). Both load
 * the connection with page_connections_load (404 when this user may not use
 * it) and then require a fresh second factor (page_reauth_required: 303 to
 * /reauth?next=<the delete page>, nothing changes).
 *
 * page_connections_delete_form shows what the delete removes (the
 * connection's order and product counts) and a confirmation box.
 *
 * page_connections_delete_submit: without the box ticked the page is shown
 * again with a message (200); a repeated "confirm" field is 400. Otherwise
 * it runs dbq_connections_delete_run for at most DELETE_BUDGET_MS (20 s):
 * when that removed everything it writes the audit entry connection.delete
 * (page_connections_record) and answers 303 to /connections with a flash
 * message; when the budget ran out first the page is shown again (200)
 * saying the delete is partly done (the connection stays paused, without
 * sync jobs) and posting again continues it. 404 when the connection went
 * away meanwhile; 503/500 on a database error (what was deleted stays
 * deleted; posting again resumes).
 */
int page_connections_delete_form(struct req *r);   /* GET /connections/{id:int}/delete */
int page_connections_delete_submit(struct req *r); /* POST /connections/{id:int}/delete: confirm */

#endif
