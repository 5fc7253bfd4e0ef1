/* config.c: the one configuration file (key = value) with ECC_* environment overrides. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"

enum ktype { K_STR, K_INT, K_SIZE };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	const char *def;
};

#define S(n, d) { #n, K_STR, offsetof(struct config, n), d }
#define I(n, d) { #n, K_INT, offsetof(struct config, n), d }
#define Z(n, d) { #n, K_SIZE, offsetof(struct config, n), d }

static const struct key keys[] = {
	S(base_url, "https://localhost:8443"),
	S(ops_base_url, "https://127.0.0.1:9443"),
	S(template_dir, "templates"),
	S(static_version, "1"),
	S(socket_dir, "var/run"),
	S(socket_group, ""),
	S(run_user, ""),
	I(workers, "0"),
	Z(max_body, "10485760"),
	Z(max_part, "8388608"),
	I(max_parts, "32"),
	Z(request_mem_cap, "33554432"),
	S(db_socket, "var/db/mysqld.sock"),
	S(db_name, "ecc"),
	S(db_user, "ecc_app"),
	S(db_password_file, "var/secrets/db_app.pw"),
	S(db_migrate_user, "ecc_migrate"),
	S(db_migrate_password_file, "var/secrets/db_migrate.pw"),
	S(schema_dir, "schema"),
	S(csrf_key_file, "var/secrets/csrf.key"),
	S(kek_file, "var/secrets/kek.key"),
	S(smtp_url, "smtp://127.0.0.1:2525"),
	I(smtp_starttls, "0"),
	S(smtp_user, ""),
	S(smtp_password_file, ""),
	S(mail_from, "ECコネクター <no-reply@localhost>"),
	S(mail_ca_file, ""),
	S(outbound_allowlist, ""),
	S(outbound_ca_file, ""),
	S(password_blocklist, "/usr/share/john/password.lst:/usr/share/dict/cracklib-small"),
	S(log_level, "info"),
};

static const struct key *
find(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strlen(keys[i].name) == n && memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

static int
set(struct arena *a, struct config *c, const struct key *k, const char *v, const char *where,
    struct buf *err)
{
	char *field = (char *)c + k->off;
	char *end;
	switch (k->type) {
	case K_STR:
		*(char **)(void *)field = arena_strdup(a, v);
		return 0;
	case K_INT: {
		errno = 0;
		long n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || n > 100000) {
			buf_printf(err, "%s: %s: not a whole number in 0..100000", where, k->name);
			return -ERR_CONFIG;
		}
		*(int *)(void *)field = (int)n;
		return 0;
	}
	case K_SIZE: {
		errno = 0;
		unsigned long long n = strtoull(v, &end, 10);
		if (errno || end == v || *end || v[0] == '-' || n > (1ull << 40)) {
			buf_printf(err, "%s: %s: not a byte count", where, k->name);
			return -ERR_CONFIG;
		}
		*(size_t *)(void *)field = (size_t)n;
		return 0;
	}
	}
	return -ERR_CONFIG;
}

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int
load_file(struct arena *a, const char *path, struct config *c, struct buf *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return -ERR_CONFIG;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		char where[512];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(f)) {
			buf_printf(err, "%s: line too long", where);
			rc = -ERR_CONFIG;
			break;
		}
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			buf_printf(err, "%s: expected key = value", where);
			rc = -ERR_CONFIG;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		const struct key *key = find(k, strlen(k));
		if (key == NULL) {
			buf_printf(err, "%s: unknown key '%s'", where, k);
			rc = -ERR_CONFIG;
			break;
		}
		rc = set(a, c, key, v, where, err);
	}
	fclose(f);
	return rc;
}

static int
validate(const struct config *c, struct buf *err)
{
	if (strncmp(c->base_url, "https://", 8) != 0 || strncmp(c->ops_base_url, "https://", 8) != 0) {
		buf_puts(err, "base_url and ops_base_url must start with https://");
		return -ERR_CONFIG;
	}
	if (c->max_body < 1024 || c->max_part > c->max_body || c->max_parts < 1) {
		buf_puts(err, "max_body must be >= 1024 and max_part <= max_body, max_parts >= 1");
		return -ERR_CONFIG;
	}
	if (c->request_mem_cap < 1024 * 1024) {
		buf_puts(err, "request_mem_cap must be at least 1 MiB");
		return -ERR_CONFIG;
	}
	if ((strncmp(c->smtp_url, "smtp://", 7) != 0 && strncmp(c->smtp_url, "smtps://", 8) != 0) ||
	    c->smtp_starttls > 1 || (c->smtp_starttls && strncmp(c->smtp_url, "smtps://", 8) == 0)) {
		buf_puts(err, "smtp_url must start with smtp:// or smtps://, smtp_starttls is 0 or 1 "
			      "(only with smtp://)");
		return -ERR_CONFIG;
	}
	if (strchr(c->mail_from, '@') == NULL || strpbrk(c->mail_from, "\r\n") != NULL) {
		buf_puts(err, "mail_from must be an address or \"Name <local@domain>\" on one line");
		return -ERR_CONFIG;
	}
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	for (size_t i = 0; i < 4; i++)
		if (strcmp(c->log_level, levels[i]) == 0)
			return 0;
	buf_puts(err, "log_level must be debug, info, warn or error");
	return -ERR_CONFIG;
}

int
config_load(struct arena *a, const char *path, struct config *out, struct buf *err)
{
	memset(out, 0, sizeof *out);
	int rc;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((rc = set(a, out, &keys[i], keys[i].def, "default", err)) != 0)
			return rc;
	if (path != NULL && *path != '\0' && (rc = load_file(a, path, out, err)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char env[128] = "ECC_";
		size_t j = 4;
		for (const char *p = keys[i].name; *p && j < sizeof env - 1; p++)
			env[j++] = (char)toupper((unsigned char)*p);
		env[j] = '\0';
		const char *v = getenv(env);
		if (v != NULL && (rc = set(a, out, &keys[i], v, env, err)) != 0)
			return rc;
	}
	return validate(out, err);
}

int
config_read_secret_file(struct arena *a, const char *path, char **out, size_t *len, struct buf *err)
{
	if (file_read(a, path, 65536, FILE_SECRET, out, len, err) != 0)
		return -ERR_CONFIG;
	if (*len == 0) {
		buf_printf(err, "%s: empty", path);
		return -ERR_CONFIG;
	}
	return 0;
}

static int
read_password(struct arena *a, const char *path, char **out, struct buf *err)
{
	size_t n;
	int rc = config_read_secret_file(a, path, out, &n, err);
	if (rc != 0)
		return rc;
	while (n > 0 && ((*out)[n - 1] == '\n' || (*out)[n - 1] == '\r'))
		(*out)[--n] = '\0';
	if (n == 0 || memchr(*out, '\0', n) != NULL) {
		buf_printf(err, "%s: empty or binary password", path);
		return -ERR_CONFIG;
	}
	return 0;
}

int
config_load_secrets(struct arena *a, struct config *cfg, int which, struct buf *err)
{
	int rc;
	if ((which & CONFIG_SECRET_DB) &&
	    (rc = read_password(a, cfg->db_password_file, &cfg->db_password_secret, err)) != 0)
		return rc;
	if ((which & CONFIG_SECRET_DB_MIGRATE) &&
	    (rc = read_password(a, cfg->db_migrate_password_file, &cfg->db_migrate_password_secret,
				err)) != 0)
		return rc;
	if (which & CONFIG_SECRET_CSRF) {
		char *k;
		size_t n;
		if ((rc = config_read_secret_file(a, cfg->csrf_key_file, &k, &n, err)) != 0)
			return rc;
		if (n < 32) {
			buf_printf(err, "%s: key shorter than 32 bytes", cfg->csrf_key_file);
			return -ERR_CONFIG;
		}
		cfg->csrf_key_secret = (unsigned char *)k;
		cfg->csrf_key_len = n;
	}
	return 0;
}
