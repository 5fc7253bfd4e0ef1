/* page_users.h: tenant admins' user management — the list (search, paging), the invitation form, a user's page. */
#ifndef ECC_PAGE_USERS_H
#define ECC_PAGE_USERS_H

struct req;
struct user;

/* Handlers (routes.c; all R_AUTH with ROLE_ADMIN; each checks the step-up
 * first, page_reauth_required). */
int page_users_list(struct req *r); /* GET /users?q=&page= */
int page_users_new(struct req *r);  /* GET /users/new */
int page_users_show(struct req *r); /* GET /users/{id:int} */

/*
 * page_users_load: the user named by the path parameter {id} in the
 * signed-in admin's tenant (never another tenant's: dbq_users_get is scoped
 * by r->session->tenant_id), decrypted into r's arena. Returns 0, or the
 * HTTP status to return: 404 (no such user in this tenant), 503, 500.
 */
int page_users_load(struct req *r, struct user *u);

/*
 * page_users_render_show: render the user's page for u with an optional
 * error message (NULL for none) and status. Returns the status (500 if
 * rendering failed).
 */
int page_users_render_show(struct req *r, const struct user *u, const char *error, int status);

/*
 * page_users_render_new: render the invitation form with the values sent
 * back (NULL = empty) and an optional error. Returns status.
 */
int page_users_render_new(struct req *r, const char *email, const char *name, int role,
			  const char *lang, const char *error, int status);

/* page_users_role_key / page_users_status_key: message keys ("role_admin",
 * "user_status_invited" …) for USER_ROLE_* / USER_* values; static. */
const char *page_users_role_key(int role);
const char *page_users_status_key(int status);

#endif
