/* page_security.h: the tenant's security settings (password policy, invitations, sessions, lockout). */
#ifndef ECC_PAGE_SECURITY_H
#define ECC_PAGE_SECURITY_H

struct req;

/* page_security_form: GET /settings/security (ROLE_ADMIN) — the current
 * struct tenant_settings with their ranges. 200, 503/500. */
int page_security_form(struct req *r);

/*
 * page_security_submit: POST /settings/security (ROLE_ADMIN, step-up).
 * Without a fresh second factor (session_fresh) → 303 to
 * /reauth?next=/settings/security. Every field is an integer in its range
 * (dbq_tenants_settings_check; pw_min_length never below PWPOLICY_FLOOR);
 * pw_composition is a checkbox. A bad value re-renders the form with an
 * error (200); success stores them, writes the audit entry
 * "security_settings_changed" (the new values) and redirects (303).
 */
int page_security_submit(struct req *r);

#endif
