/* page_invite.h: setting a password from a single-use link (invitation; later also reset). */
#ifndef ECC_PAGE_INVITE_H
#define ECC_PAGE_INVITE_H

struct req;

int page_invite_form(struct req *r);   /* GET  /invite/{token:str} */
int page_invite_submit(struct req *r); /* POST /invite (token in the form, never in the action URL) */

#endif
