/* err.h: the one error-code enum; functions return 0 or a negative ERR_* value. */
#ifndef ECC_ERR_H
#define ECC_ERR_H

/*
 * Convention (see README "Conventions"): an int-returning function gives 0 on
 * success and -ERR_xxx on failure. bool is for predicates only. Handlers
 * return an HTTP status instead (see pages/routes.h).
 */
enum app_err {
	ERR_OK = 0,
	ERR_NOMEM,      /* allocation failed or a per-request cap was hit */
	ERR_INVALID,    /* malformed input */
	ERR_NOT_FOUND,  /* no such thing (or not in this tenant) */
	ERR_FORBIDDEN,  /* not allowed */
	ERR_CONFLICT,   /* duplicate / state conflict */
	ERR_TOO_LARGE,  /* input over a configured limit */
	ERR_DB,         /* database error other than unavailability */
	ERR_UNAVAILABLE,/* a dependency (database, mail server) is down */
	ERR_UPSTREAM,   /* a remote platform answered badly */
	ERR_TIMEOUT,    /* an operation ran out of time */
	ERR_IO,         /* file or socket error */
	ERR_CONFIG,     /* configuration is wrong */
	ERR__MAX
};

/* err_name: a static, human-readable name for an error code (positive or
 * negative); never NULL. */
const char *err_name(int code);

#endif
