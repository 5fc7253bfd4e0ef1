/* provision.c: an active user with a generated password and TOTP key, for demos and tests (never an invitation bypass in pages). */
#include "provision.h"

#include <openssl/crypto.h>

#include "auth/totp.h"
#include "core/err.h"
#include "core/rand.h"
#include "crypto/pwhash.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"

int
provision_active_user(struct db *db, struct arena *a, const struct tenant *t, const char *email,
		      const char *name, int role, uint64_t *user_id, char **password, char **totp_b32)
{
	uint64_t id = 0;
	int rc = dbq_users_create(db, a, t->id, t->key, email, name, "ja", role, &id);
	if (rc != 0)
		return rc;
	char *pw = rand_token(a, 15); /* 20 characters of base64url: 120 bits */
	char *hash = NULL;
	if ((rc = pwhash_hash(a, pw, 20, &hash)) != 0 ||
	    (rc = dbq_users_set_password(db, a, t->id, id, hash, t->s.pw_history)) != 0)
		return rc;
	unsigned char secret[TOTP_SECRET_LEN];
	totp_new_secret(secret);
	rc = dbq_users_set_totp(db, a, t->id, t->key, id, secret, sizeof secret);
	if (rc == 0)
		rc = dbq_users_enable_totp(db, a, t->id, id);
	if (rc == 0)
		rc = dbq_users_set_status(db, a, t->id, id, USER_ACTIVE);
	if (rc == 0) {
		*totp_b32 = totp_base32(a, secret, sizeof secret);
		*password = pw;
		*user_id = id;
	}
	OPENSSL_cleanse(secret, sizeof secret);
	return rc;
}
