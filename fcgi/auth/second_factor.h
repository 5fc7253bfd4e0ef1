/* second_factor.h: checking a TOTP code or a recovery code for a signed-in (or half signed-in) user. */
#ifndef ECC_SECOND_FACTOR_H
#define ECC_SECOND_FACTOR_H

#include <stdint.h>

struct req;
struct user;

/*
 * second_factor_check: accept exactly one of code (TOTP, ±1 step, a step
 * already used is refused and logged as authn_token_reuse) or recovery (an
 * unused recovery code, then used up; the user is mailed). Uses
 * r->session's tenant and key. *factor gets "totp" or "recovery", *reason
 * a login-history category on failure ("bad_code", "code_reused").
 * Returns 0 on success, -ERR_FORBIDDEN on a wrong factor, -ERR_UNAVAILABLE.
 */
int second_factor_check(struct req *r, const struct user *u, const char *code, const char *recovery,
			const char **factor, const char **reason);

/* second_factor_failed: count one wrong second factor on the session and on
 * the account (the lockout counter, tenant settings); returns the session's
 * count of wrong codes so far (callers end the session at 5). */
int second_factor_failed(struct req *r, const struct user *u);

/* second_factor_notify: queue mail template name (e.g. "second_factor_failed")
 * to the user in their language; remaining (recovery codes left) is passed
 * when >= 0. Failures are logged, not returned. */
void second_factor_notify(struct req *r, const struct user *u, const char *name, int64_t remaining);

#endif
