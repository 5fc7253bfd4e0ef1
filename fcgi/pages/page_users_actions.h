/* page_users_actions.h: tenant admins' user management — the POST actions (invite, role, disable … end sessions). */
#ifndef ECC_PAGE_USERS_ACTIONS_H
#define ECC_PAGE_USERS_ACTIONS_H

struct req;

/*
 * Every handler (R_AUTH | R_CSRF, ROLE_ADMIN) first requires a fresh second
 * factor (page_reauth_required: otherwise 303 to /reauth?next=<the page the
 * form was on> and nothing changes), then loads the target user in the
 * admin's own tenant (another tenant's id: 404, nothing changes). Each
 * change writes one audit entry (dbq_audit_append) and one JSON log line
 * named like the audit action, sets a flash message and answers 303 to the
 * user's page (/users after a delete). Refusals (the last active admin,
 * acting on oneself where not allowed, a missing confirmation) re-render
 * the user's page with a message and change nothing.
 */
int page_users_actions_invite(struct req *r);       /* POST /users: email, name, role, lang */
int page_users_actions_role(struct req *r);         /* POST /users/{id}/role: role */
int page_users_actions_disable(struct req *r);      /* POST /users/{id}/disable: confirm */
int page_users_actions_enable(struct req *r);       /* POST /users/{id}/enable */
int page_users_actions_connections(struct req *r); /* POST /users/{id}/connections: restrict to chosen connections */
int page_users_actions_unlock(struct req *r);       /* POST /users/{id}/unlock: clear failed logins and the lock */
int page_users_actions_delete(struct req *r);       /* POST /users/{id}/delete: confirm */
int page_users_actions_resend(struct req *r);       /* POST /users/{id}/resend */
int page_users_actions_reset_2fa(struct req *r);    /* POST /users/{id}/reset-2fa: confirm */
int page_users_actions_end_sessions(struct req *r); /* POST /users/{id}/end-sessions: confirm */

#endif
