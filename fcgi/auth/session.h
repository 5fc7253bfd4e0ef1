/* session.h: server-side sessions — the cookie, the states of a login, timeouts, rotation, step-up. */
#ifndef ECC_SESSION_H
#define ECC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/seal.h"

struct req;
struct db;
struct arena;

#define SESSION_COOKIE "__Host-ecc_sid"
#define SESSION_STEP_UP_SECONDS 300

/* pending: the password was right, the second factor is due; enrol: the
 * password was just set, TOTP enrolment is due; active: fully signed in. */
enum session_state { SESSION_PENDING = 1, SESSION_ENROL = 2, SESSION_ACTIVE = 3 };

/*
 * Who is asking, loaded by the router from the session cookie before any
 * check (req->session; NULL when there is none). Lives in the request arena.
 * Every tenant-owned query takes tenant_id from here, never from the request.
 */
struct session {
	unsigned char id_hash[32];
	uint64_t tenant_id;
	uint64_t user_id;
	enum session_state state;
	int role;                   /* ROLE_VIEWER / ROLE_EDITOR / ROLE_ADMIN */
	bool restrict_connections;
	const char *lang;           /* the user's language */
	int64_t authenticated_at;   /* epoch seconds of the last second-factor check */
	const char *tenant_code;
	const char *tenant_name;
	unsigned char key[SEAL_KEY_LEN]; /* the tenant's data key (unwrapped) */
};

/*
 * session_load: read the session cookie, look the session up by the hash of
 * its id, enforce idle and absolute timeouts (tenant settings) and the
 * user's and tenant's status, and set r->session. An expired or revoked
 * session is deleted and its cookie cleared. Returns 0 (with or without a
 * session) or -ERR_UNAVAILABLE when the database does not answer.
 */
int session_load(struct req *r);

/*
 * session_start: a new session for user in state (a fresh 256-bit id from
 * the CSPRNG; the previous session of this browser, if any, is deleted:
 * no fixation). Sets the cookie (Secure; HttpOnly; SameSite=Lax; Path=/)
 * and r->session. Returns 0 or a negative ERR_*.
 */
int session_start(struct req *r, uint64_t tenant_id, uint64_t user_id, enum session_state state);

/* session_promote: move the current session to state with a new id (and
 * authenticated_at = now when state is SESSION_ACTIVE). */
int session_promote(struct req *r, enum session_state state);

/* session_end: delete the current session on the server and clear the cookie. */
int session_end(struct req *r);

/* session_end_user: delete every session of a user (except the one whose id
 * hash is except, which may be NULL). Returns the number ended or ERR_*. */
int session_end_user(struct db *db, struct arena *a, uint64_t tenant_id, uint64_t user_id,
		     const unsigned char *except);

/* session_fresh: true when the second factor was checked within
 * SESSION_STEP_UP_SECONDS (step-up for admin actions). */
bool session_fresh(const struct req *r);

#endif
