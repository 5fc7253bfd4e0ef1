/* csrf.h: synchronizer tokens bound to the pre-session cookie, plus Origin / Fetch-Metadata checks. */
#ifndef ECC_CSRF_H
#define ECC_CSRF_H

struct req;

/* Form field and header that carry the token. */
#define CSRF_FIELD "csrf_token"
#define CSRF_HEADER "HTTP_X_CSRF_TOKEN"

/*
 * csrf_token: the token to embed in this request's forms. Ensures the
 * pre-session cookie exists (setting it on the response when new). The token
 * is HMAC-SHA256(csrf key, zone | pre-session id), base64url; it lives in
 * the request arena. (With sessions, the accounts issue binds it to the
 * session instead.)
 */
const char *csrf_token(struct req *r);

/*
 * csrf_check: for an unsafe request: Sec-Fetch-Site, if sent, must be
 * same-origin or none; Origin, if sent, must equal the zone's configured
 * origin; the token (form field or X-CSRF-Token header) must equal the one
 * derived from the request's pre-session cookie (constant-time compare).
 * Returns 0, or 403 with the reason logged (never the token).
 */
int csrf_check(struct req *r);

#endif
