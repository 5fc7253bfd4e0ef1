/* page_account.h: my account — profile and language, change password, my sessions (revoke). */
#ifndef ECC_PAGE_ACCOUNT_H
#define ECC_PAGE_ACCOUNT_H

struct req;

/* page_account: GET /account — the signed-in user's profile (name, email,
 * role, company, language) and links to password, sessions and history.
 * Returns 200, or 503/500 when the user cannot be read. */
int page_account(struct req *r);

/* page_account_lang: POST /account/lang (lang=ja|en) — the user's stored
 * language (mails, pages). 303 to /account, 400 on a bad value. */
int page_account_lang(struct req *r);

/*
 * page_account_password: POST /account/password (current, password,
 * password2, end_others=1 optional). Needs the current password (a wrong
 * one re-renders /account with an error, status 200); the new one must pass
 * the tenant's policy (pwpolicy_check, reuse history). On success: the hash
 * is stored, an audit entry "password_changed" written, the mail
 * "password_changed" queued, other sessions ended when asked, 303 to
 * /account with a flash. 400 on malformed fields, 503 when the database
 * does not answer.
 */
int page_account_password(struct req *r);

/* page_account_sessions: GET /account/sessions — the user's sessions
 * (device, IP, JST times), each with an opaque handle (16 hex digits of the
 * id hash; never the id). 200 or 503. */
int page_account_sessions(struct req *r);

/* page_account_session_revoke: POST /account/sessions/revoke (handle) —
 * end one of the user's own sessions (another user's handle is simply not
 * found). The current session is refused (use sign out). 303 to
 * /account/sessions with a flash, 400 malformed, 503. */
int page_account_session_revoke(struct req *r);

#endif
