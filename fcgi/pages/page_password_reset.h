/* page_password_reset.h: "forgot password" — request a single-use reset link by mail (no enumeration). */
#ifndef ECC_PAGE_PASSWORD_RESET_H
#define ECC_PAGE_PASSWORD_RESET_H

struct req;

/* page_password_reset_form: GET /password/forgot — 企業コード + email form. 200. */
int page_password_reset_form(struct req *r);

/*
 * page_password_reset_submit: POST /password/forgot (tenant_code, email).
 * Whether or not an active account with a password exists, the answer is
 * the same page ("if the account exists, a mail was sent", status 200) and
 * every path pays one pwhash_dummy. For an existing account a reset token
 * (DBQ_TOKEN_RESET, 1 hour, replaces earlier ones) is issued and the mail
 * "reset" queued with the link <base_url>/invite/<token>; page_invite sets
 * the password (no automatic sign-in, other sessions end, the second
 * factor is still asked at the next login). 400 on malformed fields.
 */
int page_password_reset_submit(struct req *r);

#endif
