/* config.h: the one configuration file (key = value) with ECC_* environment overrides. */
#ifndef ECC_CONFIG_H
#define ECC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/*
 * Every key is documented in ops/ecc.conf.sample and README "Configuration".
 * A key "foo_bar" in the file is overridden by the environment variable
 * ECC_FOO_BAR. Paths are taken as given (relative to the working directory).
 * Secrets are never in this file: *_file keys name files whose mode must not
 * allow group or other access; their contents land in the *_secret fields.
 */
struct config {
	/* site */
	char *base_url;          /* https://localhost:8443 — links in mail are built from it */
	char *ops_base_url;      /* https://127.0.0.1:9443 */
	char *template_dir;      /* templates */
	char *static_version;    /* appended to static URLs (?v=) for cache busting */
	/* workers */
	char *socket_dir;        /* var/run: <zone>-<n>.sock live here */
	char *socket_group;      /* group that may connect (nginx's user), "" = keep */
	char *run_user;          /* drop privileges to this user after start, "" = stay */
	int workers;             /* worker processes per pool; 0 = number of CPUs */
	size_t max_body;         /* request body limit in bytes (nginx client_max_body_size) */
	size_t max_part;         /* multipart: bytes per part */
	int max_parts;           /* multipart: parts per request */
	size_t request_mem_cap;  /* per-request arena soft cap */
	/* database */
	char *db_socket;         /* MariaDB unix socket */
	char *db_name;
	char *db_user;           /* application user: DML only */
	char *db_password_file;
	char *db_migrate_user;   /* migration user: DDL */
	char *db_migrate_password_file;
	char *schema_dir;        /* schema: NNNN_name.sql migrations */
	/* keys */
	char *csrf_key_file;     /* 32+ random bytes; HMAC key for CSRF tokens */
	char *kek_file;          /* key-encryption key for tenant data keys (crypto/keyring) */
	/* mail */
	char *smtp_url;          /* smtp://host:port or smtps://host:port */
	int smtp_starttls;       /* 1: smtp:// must upgrade with STARTTLS */
	char *smtp_user;         /* "" = no SMTP AUTH */
	char *smtp_password_file;/* "" = none; read by the mail sender */
	char *mail_from;         /* "Name <local@domain>", checked by mail/mime */
	char *mail_ca_file;      /* "" = system CA store */
	/* connectors */
	char *outbound_allowlist; /* "host" or "host:port", comma-separated: may be non-public (connectors/ssrf) */
	char *outbound_ca_file;   /* "" = system CA store; a CA bundle for platform APIs (tests: the dev CA) */
	/* accounts */
	char *password_blocklist; /* ':'-separated Debian word lists of common passwords */
	/* logging */
	char *log_level;         /* debug | info | warn | error */

	/* filled by config_load_secrets(); never logged */
	char *db_password_secret;
	char *db_migrate_password_secret;
	unsigned char *csrf_key_secret;
	size_t csrf_key_len;
};

/*
 * config_load: defaults, then the file at path (NULL or "" = none; a missing
 * named file is an error), then ECC_* environment overrides; then validates.
 * Strings are allocated in arena a (process lifetime). On error returns
 * -ERR_CONFIG and writes "file:line: message" to err. Does not read secrets.
 */
int config_load(struct arena *a, const char *path, struct config *out, struct buf *err);

/*
 * config_load_secrets: read the secret files named in cfg. which is a bitmask
 * of CONFIG_SECRET_*. Each file must be a regular file owned by the current
 * user with no group/other permission bits, else -ERR_CONFIG with the reason
 * in err. Trailing newlines are stripped from passwords.
 */
enum {
	CONFIG_SECRET_DB = 1,
	CONFIG_SECRET_DB_MIGRATE = 2,
	CONFIG_SECRET_CSRF = 4,
};
int config_load_secrets(struct arena *a, struct config *cfg, int which, struct buf *err);

/*
 * config_read_secret_file: read a whole secret file (mode checked as above)
 * into the arena; *out is NUL-terminated, *len excludes the NUL.
 */
int config_read_secret_file(struct arena *a, const char *path, char **out, size_t *len,
			    struct buf *err);

#endif
