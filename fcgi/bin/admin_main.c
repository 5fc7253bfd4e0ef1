/* admin_main.c: ecc-admin, the operator's command line (migrations, database checks; later tenants, mail …). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"

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

static admin_fn cmd_migrate, cmd_migrate_status, cmd_db_check, cmd_help;

static const struct command commands[] = {
	{ "migrate", cmd_migrate, "",
	  "apply pending schema migrations (as the migrate user)" },
	{ "migrate status", cmd_migrate_status, "",
	  "list applied and pending migrations; exit 1 if an applied file changed" },
	{ "db check", cmd_db_check, "",
	  "connect as the application user and print the server version" },
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
		char left[64];
		snprintf(left, sizeof left, "%s%s%s", commands[i].name, *commands[i].args ? " " : "",
			 commands[i].args);
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
