/* pwpolicy.h: the password policy: length in code points, blocklist, context words, optional composition, reuse. */
#ifndef ECC_PWPOLICY_H
#define ECC_PWPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define PWPOLICY_FLOOR 12	/* system minimum; a tenant may only raise it */
#define PWPOLICY_MAX 128	/* maximum, in code points (ASVS 2.1.2) */

/* A tenant's settings (tenants.pw_*). history and expiry_days are applied by
 * the callers (pwpolicy_reuse, the login flow); 0 means off. */
struct pwpolicy {
	int min_length;		/* effective minimum: max(min_length, PWPOLICY_FLOOR), at most PWPOLICY_MAX */
	int history;		/* previous passwords that may not be reused */
	bool composition;	/* off by default (NIST SP 800-63B: SHALL NOT) */
	int expiry_days;	/* 0 = never (the default; not recommended) */
};

/* pwpolicy_default: the defaults (12, 0, false, 0). */
void pwpolicy_default(struct pwpolicy *p);

/*
 * pwpolicy_check: whether the n bytes at pw may be set as a password under
 * policy p (NULL = defaults). context holds ncontext tenant-specific strings
 * (tenant code, tenant name, the email's local part; NULL entries skipped).
 * Returns 0, or -ERR_INVALID with *reason_key (a static message-catalog
 * key) set to the first rule that failed, checked in this order:
 *   "pw_err_invalid"     not well-formed UTF-8, or a control character
 *                        (U+0000..U+001F, U+007F..U+009F)
 *   "pw_err_too_short"   fewer code points than the effective minimum
 *   "pw_err_too_long"    more than PWPOLICY_MAX code points
 *   "pw_err_context"     contains a context word (rule below)
 *   "pw_err_common"      on the blocklist (pwpolicy_blocked), or trivial:
 *                        one unit of 1..4 code points repeated ("aaaa…",
 *                        "abcabc…"), or an ASCII run where every char is
 *                        the previous one +1 or -1 ("abcdef…", "9876…",
 *                        digits wrap 9→0)
 *   "pw_err_composition" only with p->composition: fewer than 3 of the
 *                        classes ASCII lower, ASCII upper, ASCII digit,
 *                        other (symbols, spaces and every non-ASCII char)
 * Comparisons use a fold: full-width ASCII forms (U+FF01..U+FF5E) become
 * ASCII, the ideographic space U+3000 becomes a space, then ASCII letters
 * become lower case (no other Unicode normalisation is done).
 * Context rule: each context string is checked whole and also split into
 * words at whitespace (incl. U+3000) and the characters . _ - @ + ; the
 * built-in words are "ecconnector", "ec connector", "ec-connector",
 * "ECコネクター", "ecc". A word of 4 or more code points rejects every
 * password that contains it (folded); a shorter word only a password equal
 * to it. Nothing is allocated; reason_key may be NULL.
 */
int pwpolicy_check(const struct pwpolicy *p, const char *pw, size_t n, const char *const *context,
		   size_t ncontext, const char **reason_key);

/*
 * pwpolicy_load_blocklist: (re)load the process-wide blocklist from paths, a
 * ':'-separated list of word-list files, one entry per line (john-data's
 * /usr/share/john/password.lst — its "#!comment" lines are skipped — and
 * cracklib-runtime's /usr/share/dict/cracklib-small). Entries are folded as
 * above and held in a hash set in malloc'd memory (process lifetime; the
 * one documented exception to arena allocation, freed when replaced). On
 * any error the previous set stays. Returns 0, or -ERR_IO / -ERR_TOO_LARGE
 * / -ERR_INVALID (no path, or no entry at all) with the reason in err.
 */
int pwpolicy_load_blocklist(const char *paths, struct buf *err);

/* pwpolicy_blocklist_size: distinct entries in the loaded set (0 before). */
size_t pwpolicy_blocklist_size(void);

/*
 * pwpolicy_blocked: true when the folded password is an entry, or when,
 * after removing its trailing ASCII digits, punctuation and spaces, what
 * remains (at least 4 code points) is an entry ("password123456!" →
 * "password"). False when no list is loaded.
 */
bool pwpolicy_blocked(const char *pw, size_t n);

/*
 * pwpolicy_reuse: true when pw matches one of the nprev Argon2id hashes in
 * previous_hashes (NULL or malformed entries never match). Costs one
 * verification per hash until the first match.
 */
bool pwpolicy_reuse(const char *pw, size_t n, const char *const *previous_hashes, size_t nprev);

#endif
