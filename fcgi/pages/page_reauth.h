/* page_reauth.h: step-up re-authentication — the second factor again before an admin action. */
#ifndef ECC_PAGE_REAUTH_H
#define ECC_PAGE_REAUTH_H

struct req;

int page_reauth_form(struct req *r);   /* GET  /reauth?next=/local/path */
int page_reauth_submit(struct req *r); /* POST /reauth: code or recovery_code, next */

/*
 * page_reauth_required: the step-up gate every admin action calls first.
 * Returns 0 when session_fresh(r) (the second factor was checked within
 * SESSION_STEP_UP_SECONDS); otherwise nothing may change and it returns the
 * status the handler must return: for GET/HEAD the step-up prompt rendered
 * in place (200, its form posts to /reauth with next), for other methods a
 * 303 to /reauth?next=<next>. next is the local path of the page the user
 * should come back to (usually the page the form was on); a value that is
 * not a safe local path is replaced by /dashboard.
 */
int page_reauth_required(struct req *r, const char *next);

/*
 * page_reauth_next: next made safe for a redirect — path_normalize must
 * accept it, it must start with '/' and contain no '?', '#' or ' ', and not
 * be /reauth itself; otherwise "/dashboard". NULL gives "/dashboard". The
 * result is in r's arena or static.
 */
const char *page_reauth_next(struct req *r, const char *next);

#endif
