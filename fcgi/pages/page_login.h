/* page_login.h: signing in — password step, second-factor step, signing out. */
#ifndef ECC_PAGE_LOGIN_H
#define ECC_PAGE_LOGIN_H

struct req;

int page_login_form(struct req *r);   /* GET  /login */
int page_login_submit(struct req *r); /* POST /login: 企業コード + email + password */
int page_login_2fa_form(struct req *r);   /* GET  /login/2fa (pending sessions) */
int page_login_2fa_submit(struct req *r); /* POST /login/2fa: TOTP code or recovery code */
int page_logout(struct req *r);       /* POST /logout */

#endif
