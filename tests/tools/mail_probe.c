/* mail_probe.c: test tool for t0300-mail: a test tenant with a wrapped key, mail_queue into the outbox, cleanup. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/dbq_outbox.h"
#include "html/tmpl.h"
#include "html/view.h"
#include "mail/mail.h"

/*
 * mail_probe tenant NAME                 insert a test tenant (code t0300-<hex>, a fresh data key
 *                                        wrapped with the KEK); prints its id
 * mail_probe queue TENANT TO USER LINK   mail_queue("invite", ja) for that tenant: user_name USER,
 *                                        link LINK, hours 24
 * mail_probe cleanup TENANT              delete the tenant's outbox rows and the tenant
 * Configuration as for ecc-admin ($ECC_CONFIG and ECC_* overrides, kek_file).
 * Exit 0 on success; the reason on stderr otherwise.
 */

static struct arena *app;
static struct config cfg;

static int
die(const char *what, const char *why)
{
	fprintf(stderr, "mail_probe: %s: %s\n", what, why);
	return 1;
}

static int
parse_id(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0)
		return -1;
	*out = v;
	return 0;
}

static int
cmd_tenant(struct db *db, const char *name)
{
	uint64_t id = token_random_id();
	unsigned char *wrapped;
	size_t wlen;
	if (keyring_new_dek(app, id, &wrapped, &wlen) != 0)
		return die("tenant", "keyring_new_dek failed");
	char code[32];
	snprintf(code, sizeof code, "t0300-%08" PRIx64, id & 0xffffffffu);
	int rc = db_exec(db, app,
			 "INSERT INTO tenants (id, code, name, dek_wrapped, created_at)"
			 " VALUES (?, ?, ?, ?, UTC_TIMESTAMP())",
			 "issb", id, code, name, wrapped, wlen);
	if (rc != 0)
		return die("tenant", db_last_error(db));
	printf("%" PRIu64 "\n", id);
	return 0;
}

static int
cmd_queue(struct db *db, uint64_t tenant, const char *to, const char *user, const char *link)
{
	unsigned char key[32];
	if (dbq_outbox_tenant_key(db, app, tenant, key) != 0)
		return die("queue", "tenant key");
	struct buf err;
	buf_init(&err, app, 128);
	struct tmpl_set *ts = tmpl_set_new(app, TMPL_STRICT_PARTIALS);
	if (tmpl_set_load_dir(ts, cfg.template_dir, &err) != 0 || tmpl_set_link(ts, &err) != 0)
		return die("templates", buf_cstr(&err));
	struct view *v = view_obj(app);
	view_set_str(app, v, "user_name", user);
	view_set_str(app, v, "tenant_name", "テスト株式会社");
	view_set_str(app, v, "link", link);
	view_set_int(app, v, "hours", 24);
	if (mail_queue(db, app, ts, tenant, key, to, "ja", "invite", v, &err) != 0)
		return die("queue", buf_cstr(&err));
	return 0;
}

static int
cmd_cleanup(struct db *db, uint64_t tenant)
{
	if (db_exec(db, app, "DELETE FROM mail_outbox WHERE tenant_id = ?", "i", tenant) != 0 ||
	    db_exec(db, app, "DELETE FROM tenants WHERE id = ? AND code LIKE 't0300-%'", "i",
		    tenant) != 0)
		return die("cleanup", db_last_error(db));
	keyring_forget(tenant);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3)
		return die("usage", "mail_probe tenant NAME | queue TENANT TO USER LINK | cleanup TENANT");
	db_global_init();
	app = arena_new(0);
	log_init("mail_probe", NULL, LOG_WARN);
	struct buf err;
	buf_init(&err, app, 128);
	if (config_load(app, getenv("ECC_CONFIG"), &cfg, &err) != 0 ||
	    config_load_secrets(app, &cfg, CONFIG_SECRET_DB, &err) != 0 ||
	    keyring_load_kek(cfg.kek_file, &err) != 0)
		return die("config", buf_cstr(&err));
	struct db *db = db_new(app, cfg.db_socket, cfg.db_user, cfg.db_password_secret, cfg.db_name);
	uint64_t tenant = 0;
	int rc;
	if (strcmp(argv[1], "tenant") == 0)
		rc = cmd_tenant(db, argv[2]);
	else if (parse_id(argv[2], &tenant) != 0)
		rc = die("usage", "TENANT must be a tenant id");
	else if (strcmp(argv[1], "queue") == 0 && argc == 6)
		rc = cmd_queue(db, tenant, argv[3], argv[4], argv[5]);
	else if (strcmp(argv[1], "cleanup") == 0)
		rc = cmd_cleanup(db, tenant);
	else
		rc = die("usage", "unknown command or wrong arguments");
	fflush(stdout);
	arena_free(app);
	db_global_end();
	return rc;
}
