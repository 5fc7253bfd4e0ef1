/* admin_main.c: ecc-admin, the operator's command line (migrations, database checks; later tenants, mail …). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "auth/provision.h"
#include "connectors/conn.h"
#include "connectors/conn_open.h"
#include "db/dbq_connections.h"
#include "core/clock.h"
#include "core/rand.h"
#include "db/dbq_sessions.h"
#include <openssl/sha.h>
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "auth/invite.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/dbq_audit.h"
#include "db/dbq_tenants.h"
#include "db/dbq_tokens.h"
#include "db/dbq_users.h"
#include "html/tmpl.h"
#include "convert/jstfmt.h"
#include "jobs/convert_cli.h"
#include "html/view.h"
#include "mail/mail.h"
#include "mail/mail_run.h"

/*
 * ecc-admin [--config FILE] [-v] COMMAND [ARGS…]
 *
 * Exit status: 0 success, 1 failure (one line "ecc-admin: …" on stderr),
 * 2 usage error. Normal output goes to stdout. The JSON log lines of the
 * library are silent unless -v is given (the one-line message carries the
 * reason, so cron mail stays short).
 *
 * Commands are rows of the table below: a name of one or more words, the
 * function, an argument synopsis and a one-line help. The longest name that
 * matches the leading words of the command line wins, and the function
 * gets the remaining words. To add "tenant create", write cmd_tenant_create
 * and add a row.
 */
struct admin {
	struct arena *app;
	struct config cfg;
	const char *config_path;
	const char *command;  /* matched command name, for messages */
};

/* A command returns the process exit status (0, 1 or 2). */
typedef int admin_fn(struct admin *ad, int argc, char **argv);

struct command {
	const char *name;
	admin_fn *fn;
	const char *args;
	const char *help;
};

static admin_fn cmd_migrate, cmd_migrate_status, cmd_db_check, cmd_mail_send, cmd_help;
static admin_fn cmd_tenant_create, cmd_tenant_list, cmd_audit_verify, cmd_user_unlock;
static admin_fn cmd_demo_admin, cmd_connection_create, cmd_convert;
#ifdef ECC_TEST
static admin_fn cmd_test_session;
#endif

static const struct command commands[] = {
	{ "migrate", cmd_migrate, "",
	  "apply pending schema migrations (as the migrate user)" },
	{ "migrate status", cmd_migrate_status, "",
	  "list applied and pending migrations; exit 1 if an applied file changed" },
	{ "db check", cmd_db_check, "",
	  "connect as the application user and print the server version" },
	{ "mail send", cmd_mail_send, "[--max N]",
	  "send due mail from the outbox (cron, every minute); exit 1 if any must wait" },
	{ "tenant create", cmd_tenant_create,
	  "--code C --name N --admin-email E [--admin-name NAME] [--lang ja|en]",
	  "create a tenant, invite its first administrator, print the link" },
	{ "tenant list", cmd_tenant_list, "", "list the tenants" },
	{ "audit verify", cmd_audit_verify, "[--tenant CODE]",
	  "check the audit hash chains; exit 1 and one line per broken link" },
	{ "user unlock", cmd_user_unlock, "--tenant CODE --email E",
	  "clear a user's failed logins and lock" },
	{ "connection create", cmd_connection_create,
	  "--tenant CODE --platform P --name N [--endpoint URL] [--settings JSON]  (secrets JSON on stdin)",
	  "add a connection to a platform (the same checks as the screen); prints its id" },
	{ "convert", cmd_convert,
	  "--tenant CODE (--standard KEY | --definition FILE.json) [--latest N] [--connection ID] --out FILE"
	  " [--now TIME]",
	  "run a template over the newest records into FILE; prints the counts and issues" },
	{ "demo admin", cmd_demo_admin, "--tenant CODE --email E [--name NAME] [--role admin|editor|viewer]",
	  "development demo: an active user with a generated password and TOTP key, printed once" },
#ifdef ECC_TEST
	{ "test session", cmd_test_session, "--tenant CODE --email E [--state active|pending|enrol]",
	  "TEST BUILDS ONLY: print a session cookie for a user (for the route x role matrix)" },
#endif
	{ "help", cmd_help, "", "this list" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *f)
{
	fputs("usage: ecc-admin [--config FILE] [-v] COMMAND [ARGS...]\n"
	      "  --config FILE  configuration file (default: $ECC_CONFIG, else built-in defaults\n"
	      "                 and ECC_* environment overrides)\n"
	      "  -v, --verbose  write the JSON log lines to stderr\n"
	      "commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char left[128];
		snprintf(left, sizeof left, "%s%s%s", commands[i].name, *commands[i].args ? " " : "",
			 commands[i].args);
		if (strlen(left) > 22)
			fprintf(f, "  %s\n  %-22s %s\n", left, "", commands[i].help);
		else
			fprintf(f, "  %-22s %s\n", left, commands[i].help);
	}
}

static int
fail(struct admin *ad, const char *msg)
{
	fprintf(stderr, "ecc-admin: %s: %s\n", ad->command, msg);
	return 1;
}

static int
no_args(struct admin *ad, int argc, char **argv)
{
	if (argc == 0)
		return 0;
	fprintf(stderr, "ecc-admin: %s: unexpected argument '%s'\n", ad->command, argv[0]);
	return 2;
}

static int
load_secret(struct admin *ad, int which)
{
	struct buf err;
	buf_init(&err, ad->app, 128);
	if (config_load_secrets(ad->app, &ad->cfg, which, &err) != 0)
		return fail(ad, buf_cstr(&err));
	return 0;
}

/* migrate_db: a connected session as the migration user for a command that
 * takes no arguments; 0, or the exit status after reporting the problem. */
static int
migrate_db(struct admin *ad, int argc, char **argv, struct db **out)
{
	int rc = no_args(ad, argc, argv);
	if (rc != 0 || (rc = load_secret(ad, CONFIG_SECRET_DB_MIGRATE)) != 0)
		return rc;
	struct db *db = db_new(ad->app, ad->cfg.db_socket, ad->cfg.db_migrate_user,
			       ad->cfg.db_migrate_password_secret, ad->cfg.db_name);
	db_set_timeouts(db, 3600, 3600);  /* DDL on a large table may take long */
	if (db_connect(db) != 0)
		return fail(ad, db_last_error(db));
	*out = db;
	return 0;
}

/* Print a migrate report: every line but the last to stdout; on failure the
 * last line (which names the problem) goes to stderr as the one-line message. */
static int
finish_report(struct admin *ad, struct buf *report, int rc)
{
	const char *s = buf_cstr(report);
	if (rc == 0) {
		fputs(s, stdout);
		return 0;
	}
	size_t n = report->len;
	while (n > 0 && s[n - 1] == '\n')
		n--;
	size_t last = n;
	while (last > 0 && s[last - 1] != '\n')
		last--;
	fwrite(s, 1, last, stdout);
	fprintf(stderr, "ecc-admin: %s: %.*s\n", ad->command, (int)(n - last), s + last);
	return 1;
}

static int
cmd_migrate(struct admin *ad, int argc, char **argv)
{
	struct db *db;
	int rc = migrate_db(ad, argc, argv, &db);
	if (rc != 0)
		return rc;
	struct buf report;
	buf_init(&report, ad->app, 1024);
	return finish_report(ad, &report, migrate_apply(db, ad->cfg.schema_dir, &report));
}

static int
cmd_migrate_status(struct admin *ad, int argc, char **argv)
{
	struct db *db;
	int rc = migrate_db(ad, argc, argv, &db);
	if (rc != 0)
		return rc;
	struct buf report;
	buf_init(&report, ad->app, 1024);
	rc = migrate_status(db, ad->cfg.schema_dir, &report);
	if (rc == -ERR_CONFLICT) {
		fputs(buf_cstr(&report), stdout);
		return fail(ad, "schema files and the database disagree (see above)");
	}
	return finish_report(ad, &report, rc);
}

static int
cmd_db_check(struct admin *ad, int argc, char **argv)
{
	int rc = no_args(ad, argc, argv);
	if (rc != 0 || (rc = load_secret(ad, CONFIG_SECRET_DB)) != 0)
		return rc;
	struct db *db = db_new(ad->app, ad->cfg.db_socket, ad->cfg.db_user,
			       ad->cfg.db_password_secret, ad->cfg.db_name);
	const char *version = db_server_version(db);
	if (version == NULL)
		return fail(ad, db_last_error(db));
	struct db_rows *rows;
	if (db_query(db, ad->app, &rows, "SELECT CURRENT_USER(), DATABASE(), @@time_zone", "") != 0)
		return fail(ad, db_last_error(db));
	printf("ok: MariaDB %s, connected as %s to database %s (time zone %s) via %s\n", version,
	       db_str(rows, 0, 0) ? db_str(rows, 0, 0) : "?",
	       db_str(rows, 0, 1) ? db_str(rows, 0, 1) : "?",
	       db_str(rows, 0, 2) ? db_str(rows, 0, 2) : "?", ad->cfg.db_socket);
	return 0;
}

static int
cmd_mail_send(struct admin *ad, int argc, char **argv)
{
	long max = 50;
	for (int i = 0; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--max") == 0 && i + 1 < argc) {
			max = strtol(argv[++i], &end, 10);
			if (*end != '\0' || max < 1 || max > 10000) {
				fprintf(stderr, "ecc-admin: %s: --max takes 1..10000\n", ad->command);
				return 2;
			}
		} else {
			fprintf(stderr, "ecc-admin: %s: unexpected argument '%s'\n", ad->command,
				argv[i]);
			return 2;
		}
	}
	int rc = load_secret(ad, CONFIG_SECRET_DB);
	if (rc != 0)
		return rc;
	struct db *db = db_new(ad->app, ad->cfg.db_socket, ad->cfg.db_user,
			       ad->cfg.db_password_secret, ad->cfg.db_name);
	struct buf report;
	buf_init(&report, ad->app, 1024);
	return finish_report(ad, &report, mail_run_due(db, ad->app, &ad->cfg, (int)max, &report));
}

/* ---- accounts: tenants, users, audit -------------------------------------------------- */

/* Parse "--name value" pairs into vals (indexed like names); 0 or exit 2. */
static int
parse_opts(struct admin *ad, int argc, char **argv, const char *const *names, size_t n,
	   const char **vals)
{
	for (int i = 0; i < argc; i++) {
		size_t k = 0;
		while (k < n && strcmp(argv[i], names[k]) != 0)
			k++;
		if (k == n || i + 1 >= argc) {
			fprintf(stderr, "ecc-admin: %s: %s '%s'\n", ad->command,
				k == n ? "unexpected argument" : "missing value for", argv[i]);
			return 2;
		}
		vals[k] = argv[++i];
	}
	return 0;
}

/* app_db: a connection as the application user with the KEK loaded. */
static int
app_db(struct admin *ad, struct db **out)
{
	int rc = load_secret(ad, CONFIG_SECRET_DB);
	if (rc != 0)
		return rc;
	struct buf err;
	buf_init(&err, ad->app, 128);
	if (!keyring_loaded() && keyring_load_kek(ad->cfg.kek_file, &err) != 0)
		return fail(ad, buf_cstr(&err));
	struct db *db = db_new(ad->app, ad->cfg.db_socket, ad->cfg.db_user,
			       ad->cfg.db_password_secret, ad->cfg.db_name);
	if (db_connect(db) != 0)
		return fail(ad, db_last_error(db));
	*out = db;
	return 0;
}

static int
fail_rc(struct admin *ad, struct db *db, const char *what, int rc)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s%s%s", what, err_name(rc),
		 rc == -ERR_DB || rc == -ERR_UNAVAILABLE ? ": " : "",
		 rc == -ERR_DB || rc == -ERR_UNAVAILABLE ? db_last_error(db) : "");
	return fail(ad, msg);
}

/* The templates for the invitation mail; on failure an empty set (invite_issue
 * then issues the link and reports the mail as not queued). */
static struct tmpl_set *
mail_templates(struct admin *ad, struct buf *err)
{
	struct tmpl_set *ts = tmpl_set_new(ad->app, 0);
	if (tmpl_set_load_dir(ts, ad->cfg.template_dir, err) == 0 && tmpl_set_link(ts, err) == 0)
		return ts;
	return tmpl_set_new(ad->app, 0);
}

static int
cmd_tenant_create(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--code", "--name", "--admin-email", "--admin-name",
					     "--lang" };
	const char *v[5] = { NULL, NULL, NULL, NULL, "ja" };
	int rc = parse_opts(ad, argc, argv, names, 5, v);
	if (rc != 0)
		return rc;
	if (v[0] == NULL || v[1] == NULL || v[2] == NULL) {
		fprintf(stderr, "ecc-admin: %s: --code, --name and --admin-email are required\n",
			ad->command);
		return 2;
	}
	if (strncmp(ad->cfg.base_url, "https://", 8) != 0)
		return fail(ad, "base_url must start with https://");
	char *code, *email;
	if (dbq_tenants_code_normalize(ad->app, v[0], &code) != 0)
		return fail(ad, "--code must be 3-32 characters of a-z, 0-9 and '-'");
	if (dbq_users_email_normalize(ad->app, v[2], &email) != 0)
		return fail(ad, "--admin-email is not a valid address");
	const char *admin_name = v[3];
	if (admin_name == NULL)
		admin_name = arena_strndup(ad->app, email, strcspn(email, "@"));
	if (strcmp(v[4], "ja") != 0 && strcmp(v[4], "en") != 0)
		return fail(ad, "--lang must be ja or en");
	struct db *db;
	if ((rc = app_db(ad, &db)) != 0)
		return rc;
	uint64_t tid, uid;
	rc = dbq_tenants_create(db, ad->app, code, v[1], &tid);
	if (rc == -ERR_CONFLICT)
		return fail(ad, "a tenant with this code exists already");
	if (rc == -ERR_INVALID)
		return fail(ad, "--name must be 1-200 characters of valid UTF-8");
	if (rc != 0)
		return fail_rc(ad, db, "create tenant", rc);
	struct tenant t;
	if ((rc = dbq_tenants_get(db, ad->app, tid, &t)) != 0)
		return fail_rc(ad, db, "read tenant back", rc);
	rc = dbq_users_create(db, ad->app, tid, t.key, email, admin_name, v[4], USER_ROLE_ADMIN, &uid);
	if (rc != 0) {
		dbq_tenants_delete_empty(db, ad->app, tid);
		return fail_rc(ad, db, rc == -ERR_INVALID ? "administrator (--admin-name 1-100 chars)"
							  : "create administrator", rc);
	}
	char detail[64];
	snprintf(detail, sizeof detail, "tenant=%llu", (unsigned long long)tid);
	struct buf err;
	buf_init(&err, ad->app, 128);
	struct tmpl_set *ts = mail_templates(ad, &err);
	char *link = NULL;
	int hours = 0;
	rc = invite_issue(db, ad->app, ts, ad->cfg.base_url, &t, uid, email, admin_name, v[4], &link,
			  &hours, &err);
	if (link == NULL)
		return fail_rc(ad, db, "invitation token", rc);
	if (rc != 0)
		fprintf(stderr, "ecc-admin: %s: warning: invitation mail not queued: %s\n", ad->command,
			err.len ? buf_cstr(&err) : err_name(rc));
	else
		printf("mail: invitation queued\n");
	if ((rc = dbq_audit_append(db, ad->app, 0, 0, "tenant_created", 0, detail)) != 0 ||
	    (rc = dbq_audit_append(db, ad->app, tid, 0, "tenant_created", 0, "by=ecc-admin")) != 0 ||
	    (rc = dbq_audit_append(db, ad->app, tid, 0, "user_created", uid, "role=admin")) != 0 ||
	    (rc = dbq_audit_append(db, ad->app, tid, 0, "user_invited", uid, detail)) != 0)
		return fail_rc(ad, db, "audit log", rc);
	printf("tenant: %llu %s\n", (unsigned long long)tid, code);
	printf("admin user: %llu\n", (unsigned long long)uid);
	printf("invitation link (valid %d h): %s\n", hours, link);
	return 0;
}

static int
cmd_tenant_list(struct admin *ad, int argc, char **argv)
{
	int rc = no_args(ad, argc, argv);
	struct db *db;
	if (rc != 0 || (rc = app_db(ad, &db)) != 0)
		return rc;
	struct tenant *ts;
	size_t n;
	if ((rc = dbq_tenants_list(db, ad->app, &ts, &n)) != 0)
		return fail_rc(ad, db, "list", rc);
	for (size_t i = 0; i < n; i++) {
		char when[20];
		printf("%llu\t%s\t%s\t%s\t%s\n", (unsigned long long)ts[i].id, ts[i].code,
		       ts[i].status, clock_jst_minute((time_t)ts[i].created_at, when), ts[i].name);
	}
	printf("%zu tenant%s\n", n, n == 1 ? "" : "s");
	return 0;
}

static int
cmd_audit_verify(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant" };
	const char *v[1] = { NULL };
	int rc = parse_opts(ad, argc, argv, names, 1, v);
	struct db *db;
	if (rc != 0 || (rc = app_db(ad, &db)) != 0)
		return rc;
	uint64_t *ids, one;
	size_t n;
	if (v[0] != NULL) {
		struct tenant t;
		if ((rc = dbq_tenants_find_by_code(db, ad->app, v[0], &t)) != 0)
			return fail_rc(ad, db, "tenant", rc);
		one = t.id;
		ids = &one;
		n = 1;
	} else if ((rc = dbq_audit_tenants(db, ad->app, &ids, &n)) != 0) {
		return fail_rc(ad, db, "audit tenants", rc);
	}
	struct buf report;
	buf_init(&report, ad->app, 256);
	size_t total = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		size_t checked = 0;
		rc = dbq_audit_verify(db, ad->app, ids[i], &report, &checked);
		total += checked;
		if (rc == -ERR_CONFLICT)
			bad++;
		else if (rc != 0)
			return fail_rc(ad, db, "verify", rc);
	}
	fputs(buf_cstr(&report), stdout);
	if (bad > 0) {
		fprintf(stderr, "ecc-admin: %s: %zu of %zu chain%s broken (see above)\n", ad->command,
			bad, n, n == 1 ? "" : "s");
		return 1;
	}
	printf("ok: %zu entries in %zu chain%s verified\n", total, n, n == 1 ? "" : "s");
	return 0;
}

/* tenant_db: connect (app_db) and look up a tenant by code; 0, or the exit
 * status after reporting the problem. */
static int
tenant_db(struct admin *ad, const char *code, struct db **db, struct tenant *t)
{
	int rc = app_db(ad, db);
	if (rc != 0)
		return rc;
	if ((rc = dbq_tenants_find_by_code(*db, ad->app, code, t)) != 0)
		return fail_rc(ad, *db, "tenant", rc);
	return 0;
}

/* tenant_user: tenant_db, then look up a user by email; 0, or the exit
 * status after reporting the problem. */
static int
tenant_user(struct admin *ad, const char *code, const char *email, struct db **db, struct tenant *t,
	    struct user *u)
{
	int rc = tenant_db(ad, code, db, t);
	if (rc != 0)
		return rc;
	if ((rc = dbq_users_find_by_email(*db, ad->app, t->id, t->key, email, u)) != 0)
		return fail_rc(ad, *db, "user", rc);
	return 0;
}

static int
cmd_user_unlock(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--email" };
	const char *v[2] = { NULL, NULL };
	int rc = parse_opts(ad, argc, argv, names, 2, v);
	if (rc != 0)
		return rc;
	if (v[0] == NULL || v[1] == NULL) {
		fprintf(stderr, "ecc-admin: %s: --tenant and --email are required\n", ad->command);
		return 2;
	}
	struct db *db;
	struct tenant t;
	struct user u;
	if ((rc = tenant_user(ad, v[0], v[1], &db, &t, &u)) != 0)
		return rc;
	if ((rc = dbq_users_unlock(db, ad->app, t.id, u.id)) != 0 ||
	    (rc = dbq_audit_append(db, ad->app, t.id, 0, "user_unlocked", u.id, "by=ecc-admin")) != 0)
		return fail_rc(ad, db, "unlock", rc);
	printf("ok: user %llu unlocked (had %u failed logins)\n", (unsigned long long)u.id,
	       u.failed_logins);
	return 0;
}

static int
cmd_demo_admin(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--email", "--name", "--role" };
	const char *v[4] = { NULL, NULL, "Demo Admin", "admin" };
	int rc = parse_opts(ad, argc, argv, names, 4, v);
	if (rc != 0)
		return rc;
	int role = dbq_users_role_parse(v[3]);
	if (v[0] == NULL || v[1] == NULL || role <= 0) {
		fprintf(stderr, "ecc-admin: %s: --tenant and --email are required; --role admin|editor|viewer\n",
			ad->command);
		return 2;
	}
	struct db *db;
	struct tenant t;
	if ((rc = tenant_db(ad, v[0], &db, &t)) != 0)
		return rc;
	uint64_t id = 0;
	char *pw = NULL, *key = NULL;
	if ((rc = provision_active_user(db, ad->app, &t, v[1], v[2], role, &id, &pw, &key)) != 0)
		return fail_rc(ad, db, "user", rc);
	dbq_audit_append(db, ad->app, t.id, 0, "user_created", id, "by=ecc-admin demo");
	printf("user: %llu\npassword: %s\ntotp_key: %s\n", (unsigned long long)id, pw, key);
	return 0;
}

/* read_stdin: all of standard input (at most max bytes) as a string in a; NULL if more. */
static char *
read_stdin(struct arena *a, size_t max)
{
	char *b = arena_alloc(a, max + 1);
	size_t n = fread(b, 1, max + 1, stdin);
	if (n > max)
		return NULL;
	b[n] = '\0';
	return b;
}

static int
cmd_connection_create(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--platform", "--name", "--endpoint", "--settings" };
	const char *v[5] = { NULL, NULL, NULL, NULL, "{}" };
	int rc = parse_opts(ad, argc, argv, names, 5, v);
	if (rc != 0)
		return rc;
	const struct conn_ops *ops = v[1] ? conn_find(v[1]) : NULL;
	if (v[0] == NULL || ops == NULL || v[2] == NULL) {
		fprintf(stderr, "ecc-admin: %s: --tenant, --platform shopify|rakuten|amazon and --name are required\n",
			ad->command);
		return 2;
	}
	char *secrets = read_stdin(ad->app, 8192);
	struct json_object *sj = secrets ? conn_open_json(ad->app, secrets) : NULL;
	struct json_object *tj = conn_open_json(ad->app, v[4]);
	if (sj == NULL || tj == NULL)
		return fail(ad, "--settings and standard input must each be one JSON object (secrets on stdin)");
	struct buf msg;
	buf_init(&msg, ad->app, 128);
	if (ops->validate(tj, sj, &msg) != 0)
		return fail(ad, buf_cstr(&msg));
	char *endpoint = NULL;
	if (dbq_connections_endpoint_norm(ad->app, v[3] ? v[3] : ops->default_endpoint, &endpoint) != 0)
		return fail(ad, "--endpoint: an http(s) URL without user, query or fragment");
	struct db *db;
	struct tenant t;
	if ((rc = tenant_db(ad, v[0], &db, &t)) != 0)
		return rc;
	struct connection_input in = {
		.platform = ops->platform,
		.name = v[2],
		.endpoint = endpoint,
		.settings_json = json_object_to_json_string_ext(tj, JSON_C_TO_STRING_PLAIN),
		.secrets_json = json_object_to_json_string_ext(sj, JSON_C_TO_STRING_PLAIN),
		.credential_expires_at = ops->credential_expiry ? ops->credential_expiry(tj) : 0,
		.streams = ops->streams,
	};
	uint64_t id = 0;
	if ((rc = dbq_connections_create(db, ad->app, t.id, t.key, &in, &id)) != 0)
		return fail_rc(ad, db, "connection", rc);
	dbq_audit_append(db, ad->app, t.id, 0, "connection.create", 0,
			 arena_printf(ad->app, "connection=%llu platform=%s by=ecc-admin", (unsigned long long)id,
				      ops->platform));
	printf("connection: %llu\n", (unsigned long long)id);
	return 0;
}

/* convert: the options here, the work in jobs/convert_cli.c. --now (ISO 8601) fixes now() and the file
 * name's time, for reproducible files. */
static int
cmd_convert(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--standard", "--definition", "--latest", "--connection",
					     "--out", "--now" };
	const char *v[7] = { NULL, NULL, NULL, "0", "0", NULL, NULL };
	int rc = parse_opts(ad, argc, argv, names, 7, v);
	if (rc != 0)
		return rc;
	char *end1, *end2;
	unsigned long long latest = strtoull(v[3], &end1, 10), conn = strtoull(v[4], &end2, 10);
	int64_t now = clock_now_ms();
	if (v[0] == NULL || v[5] == NULL || (v[1] == NULL) == (v[2] == NULL) || *end1 || *end2 ||
	    (v[6] != NULL && jstfmt_parse(v[6], strlen(v[6]), &now) != 0)) {
		fprintf(stderr, "ecc-admin: %s: --tenant, --out and one of --standard/--definition are required;"
			" --latest/--connection are numbers, --now an ISO 8601 time\n", ad->command);
		return 2;
	}
	struct db *db;
	struct tenant t;
	if ((rc = tenant_db(ad, v[0], &db, &t)) != 0)
		return rc;
	struct convert_cli_opts o = { .tenant_id = t.id, .key = t.key, .standard = v[1], .definition = v[2],
				      .latest = (size_t)latest, .connection = conn, .out = v[5], .now_ms = now };
	struct buf err;
	buf_init(&err, ad->app, 256);
	if (convert_cli_run(db, ad->app, &o, stdout, &err) != 0)
		return fail(ad, buf_cstr(&err));
	return 0;
}

#ifdef ECC_TEST
static int
cmd_test_session(struct admin *ad, int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--email", "--state" };
	const char *v[3] = { NULL, NULL, "active" };
	int rc = parse_opts(ad, argc, argv, names, 3, v);
	if (rc != 0)
		return rc;
	int state = strcmp(v[2], "pending") == 0 ? 1 : strcmp(v[2], "enrol") == 0 ? 2 : 3;
	if (v[0] == NULL || v[1] == NULL)
		return 2;
	struct db *db;
	struct tenant t;
	struct user u;
	if ((rc = tenant_user(ad, v[0], v[1], &db, &t, &u)) != 0)
		return rc;
	const char *sid = rand_token(ad->app, 32);
	unsigned char h[32];
	SHA256((const unsigned char *)sid, strlen(sid), h);
	time_t now = clock_now();
	if ((rc = dbq_sessions_insert(db, ad->app, h, t.id, u.id, state, now, now + 12 * 3600, NULL, 0,
				      NULL, 0)) != 0)
		return fail_rc(ad, db, "session", rc);
	if (state == 3)
		dbq_sessions_mark_authenticated(db, ad->app, h, now);
	printf("%s\n", sid);
	return 0;
}
#endif

static int
cmd_help(struct admin *ad, int argc, char **argv)
{
	int rc = no_args(ad, argc, argv);
	if (rc == 0)
		usage(stdout);
	return rc;
}

/* The command whose name matches the most leading words of argv. */
static const struct command *
find_command(int argc, char **argv, int *used)
{
	const struct command *best = NULL;
	int best_words = 0;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *p = commands[i].name;
		int w = 0;
		bool ok = true;
		while (ok && *p != '\0') {
			size_t n = strcspn(p, " ");
			ok = w < argc && strlen(argv[w]) == n && strncmp(argv[w], p, n) == 0;
			w++;
			p += n;
			while (*p == ' ')
				p++;
		}
		if (ok && w > best_words) {
			best = &commands[i];
			best_words = w;
		}
	}
	*used = best_words;
	return best;
}

static int
run(struct admin *ad, int argc, char **argv)
{
	bool verbose = false;
	int i = 1;
	ad->config_path = getenv("ECC_CONFIG");
	ad->command = "ecc-admin";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			ad->config_path = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			ad->config_path = argv[i] + 9;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "ecc-admin: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	int used;
	const struct command *cmd = find_command(argc - i, argv + i, &used);
	if (cmd == NULL) {
		fprintf(stderr, "ecc-admin: unknown command '%s' (ecc-admin help lists them)\n",
			argv[i]);
		return 2;
	}
	ad->command = cmd->name;

	struct buf err;
	buf_init(&err, ad->app, 128);
	if (config_load(ad->app, ad->config_path, &ad->cfg, &err) != 0)
		return fail(ad, buf_cstr(&err));
	/* quiet: a minimum level above LOG_ERROR drops every line */
	log_init("ecc-admin", NULL,
		 verbose ? log_level_parse(ad->cfg.log_level) : (enum log_level)(LOG_ERROR + 1));
	return cmd->fn(ad, argc - i - used, argv + i + used);
}

int
main(int argc, char **argv)
{
	struct admin ad;
	memset(&ad, 0, sizeof ad);
	if (db_global_init() != 0) {
		fputs("ecc-admin: cannot initialise the MariaDB client library\n", stderr);
		return 1;
	}
	ad.app = arena_new(0);
	int status = run(&ad, argc, argv);
	fflush(stdout);
	arena_free(ad.app);  /* closes database connections (arena_defer) */
	db_global_end();
	return status;
}
