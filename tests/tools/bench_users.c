/* bench_users.c: fills a tenant with invited users up to a total for the user-list benchmark (make bench). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/dbq_tenants.h"
#include "db/dbq_users.h"

/*
 * bench_users CODE TOTAL   add invited viewers bench-user-NNNN@bench.example
 *                          ("Bench User NNNN") to tenant CODE until it has
 *                          TOTAL users (1..100000) in all; addresses taken
 *                          already are skipped. Configuration as for
 *                          ecc-admin: $ECC_CONFIG and ECC_* overrides.
 * Prints "users: total=N created=M seconds=S"; exit 0, or 1 with a message.
 */

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
fail(const char *what, const char *why)
{
	fprintf(stderr, "bench_users: %s: %s\n", what, why);
	return 1;
}

/* The tenant's number of users (dbq_users_list's total). */
static int
count_users(struct db *db, struct arena *a, const struct tenant *t, size_t *total)
{
	struct user *us = NULL;
	size_t n = 0;
	return dbq_users_list(db, a, t->id, t->key, "", 0, 1, &us, &n, total);
}

int
main(int argc, char **argv)
{
	char *end = NULL;
	long want = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (argc != 3 || end == argv[2] || *end != '\0' || want < 1 || want > 100000) {
		fprintf(stderr, "usage: bench_users TENANT_CODE TOTAL (1..100000)\n");
		return 2;
	}
	struct arena *app = arena_new(0);
	struct config cfg;
	struct buf err;
	buf_init(&err, app, 128);
	if (config_load(app, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(app, &cfg, CONFIG_SECRET_DB, &err) != 0 ||
	    keyring_load_kek(cfg.kek_file, &err) != 0)
		return fail("configuration", buf_cstr(&err));
	log_init("bench_users", NULL, LOG_ERROR);
	struct db *db = db_new(app, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	if (db_connect(db) != 0)
		return fail("database", db_last_error(db));
	struct tenant t;
	int rc = dbq_tenants_find_by_code(db, app, argv[1], &t);
	if (rc != 0)
		return fail(argv[1], err_name(rc));
	size_t total = 0;
	if ((rc = count_users(db, app, &t, &total)) != 0)
		return fail("count users", err_name(rc));
	double t0 = now_s();
	size_t created = 0;
	struct arena *a = arena_new(0);
	for (long i = 1; total < (size_t)want && i <= 10 * want; i++) {
		char email[64], name[32];
		snprintf(email, sizeof email, "bench-user-%04ld@bench.example", i);
		snprintf(name, sizeof name, "Bench User %04ld", i);
		uint64_t id = 0;
		rc = dbq_users_create(db, a, t.id, t.key, email, name, i % 2 ? "ja" : "en",
				      USER_ROLE_VIEWER, &id);
		arena_reset(a);
		if (rc == -ERR_CONFLICT)
			continue;
		if (rc != 0)
			return fail(email, rc == -ERR_DB || rc == -ERR_UNAVAILABLE ? db_last_error(db)
									 : err_name(rc));
		total++;
		created++;
	}
	if ((rc = count_users(db, app, &t, &total)) != 0)
		return fail("count users", err_name(rc));
	printf("users: total=%zu created=%zu seconds=%.1f\n", total, created, now_s() - t0);
	arena_free(a);
	db_close(db);
	arena_free(app);
	return total >= (size_t)want ? 0 : fail("users", "fewer than the total asked for");
}
