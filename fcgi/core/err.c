/* err.c: names for the error-code enum. */
#include "err.h"

static const char *const names[ERR__MAX] = {
	[ERR_OK] = "ok",
	[ERR_NOMEM] = "out of memory",
	[ERR_INVALID] = "invalid input",
	[ERR_NOT_FOUND] = "not found",
	[ERR_FORBIDDEN] = "forbidden",
	[ERR_CONFLICT] = "conflict",
	[ERR_TOO_LARGE] = "too large",
	[ERR_DB] = "database error",
	[ERR_UNAVAILABLE] = "unavailable",
	[ERR_UPSTREAM] = "upstream error",
	[ERR_TIMEOUT] = "timeout",
	[ERR_IO] = "i/o error",
	[ERR_CONFIG] = "configuration error",
};

const char *
err_name(int code)
{
	if (code < 0)
		code = -code;
	if (code >= ERR__MAX || names[code] == 0)
		return "unknown error";
	return names[code];
}
