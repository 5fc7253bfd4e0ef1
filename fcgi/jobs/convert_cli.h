/* convert_cli.h: `ecc-admin convert` — run a template (standard or from a file) over a tenant's records into a file. */
#ifndef ECC_CONVERT_CLI_H
#define ECC_CONVERT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/buf.h"

struct db;

struct convert_cli_opts {
	uint64_t tenant_id;
	const unsigned char *key;   /* the tenant data key (personal data is unsealed with it) */
	const char *standard;       /* a conv_std.h key, or NULL */
	const char *definition;     /* path of a definition JSON file, or NULL (exactly one of the two) */
	size_t latest;              /* the newest N units; 0: DBQ_CONVSRC_LIMIT_MAX */
	uint64_t connection;        /* only this connection; 0: all of the tenant's */
	const char *out;            /* path of the file to write (replaced) */
	int64_t now_ms;             /* the run's now() and file-name time */
};

/*
 * convert_cli_run: read the records (dbq_convsrc_read, latest mode), run
 * the template (conv_run, lookups through dbq_lookup's cache) and write the
 * bytes to o->out (a temporary file renamed into place, mode 0600). Prints
 * to report: "file: NAME (N bytes)", one line of counts ("records: in=…
 * filtered=… out=… failed=… rows=… unencodable=…") and one "issue: …" line
 * per kept issue (then "issues not kept: N" when there were more).
 * Returns 0 when the file was written (also when records failed: see the
 * report); otherwise -ERR_* with a one-line English reason appended to err
 * (a definition error is given as its Japanese message).
 */
int convert_cli_run(struct db *db, struct arena *a, const struct convert_cli_opts *o, FILE *report,
    struct buf *err);

#endif
