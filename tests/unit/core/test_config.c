/* test_config.c: configuration file parsing, environment overrides, validation and secret-file mode checks. */
#include "core/config.h"
#include "core/err.h"
#include "t.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static char dir[] = "/tmp/ecc-test-config-XXXXXX";

/* the stack's ECC_* variables override configuration keys: start clean */
static void
clear_ecc_env(void)
{
	for (;;) {
		char **e = environ;
		while (*e != NULL && strncmp(*e, "ECC_", 4) != 0)
			e++;
		if (*e == NULL)
			return;
		char name[128];
		size_t n = strcspn(*e, "=");
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, *e, n);
		name[n] = '\0';
		unsetenv(name);
	}
}

static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

int
main(void)
{
	clear_ecc_env();
	if (mkdtemp(dir) == NULL)
		return 1;
	struct arena *a = arena_new(0);
	struct buf err;
	buf_init(&err, a, 256);
	struct config c;

	T_INTEQ(config_load(a, NULL, &c, &err), 0);
	T_STREQ(c.base_url, "https://localhost:8443");
	T_INTEQ(c.max_body, 10485760);

	const char *p = write_file("a.conf", "# comment\n\nworkers = 3\n  base_url =  https://example.jp  \n", 0644);
	T_INTEQ(config_load(a, p, &c, &err), 0);
	T_INTEQ(c.workers, 3);
	T_STREQ(c.base_url, "https://example.jp");

	setenv("ECC_WORKERS", "5", 1);
	T_INTEQ(config_load(a, p, &c, &err), 0);
	T_INTEQ(c.workers, 5);
	unsetenv("ECC_WORKERS");

	buf_clear(&err);
	p = write_file("b.conf", "workers = 2\nno_such_key = 1\n", 0644);
	T_INTEQ(config_load(a, p, &c, &err), -ERR_CONFIG);
	T_OK(strstr(err.data, "b.conf:2") && strstr(err.data, "no_such_key"), "unknown key names file:line: %s", err.data);

	buf_clear(&err);
	p = write_file("c.conf", "workers = many\n", 0644);
	T_INTEQ(config_load(a, p, &c, &err), -ERR_CONFIG);
	T_OK(strstr(err.data, "c.conf:1") != NULL, "bad number names file:line: %s", err.data);

	buf_clear(&err);
	p = write_file("d.conf", "base_url = http://plain.example\n", 0644);
	T_INTEQ(config_load(a, p, &c, &err), -ERR_CONFIG);
	T_OK(strstr(err.data, "https") != NULL, "plain http base_url refused: %s", err.data);

	buf_clear(&err);
	T_INTEQ(config_load(a, "/nonexistent/ecc.conf", &c, &err), -ERR_CONFIG);

	/* secrets: mode 0600 accepted, group/other bits refused, short CSRF key refused */
	T_INTEQ(config_load(a, NULL, &c, &err), 0);
	c.db_password_file = arena_strdup(a, write_file("db.pw", "s3cret\n", 0600));
	c.csrf_key_file = arena_strdup(a, write_file("csrf.key", "0123456789abcdef0123456789abcdef!", 0600));
	buf_clear(&err);
	T_INTEQ(config_load_secrets(a, &c, CONFIG_SECRET_DB | CONFIG_SECRET_CSRF, &err), 0);
	T_STREQ(c.db_password_secret, "s3cret");
	T_INTEQ(c.csrf_key_len, 33);
	chmod(c.db_password_file, 0640);
	buf_clear(&err);
	T_INTEQ(config_load_secrets(a, &c, CONFIG_SECRET_DB, &err), -ERR_CONFIG);
	T_OK(strstr(err.data, "0640") != NULL, "mode named in the error: %s", err.data);
	c.csrf_key_file = arena_strdup(a, write_file("short.key", "short", 0600));
	buf_clear(&err);
	T_INTEQ(config_load_secrets(a, &c, CONFIG_SECRET_CSRF, &err), -ERR_CONFIG);
	c.db_password_file = arena_strdup(a, write_file("empty.pw", "\n", 0600));
	T_INTEQ(config_load_secrets(a, &c, CONFIG_SECRET_DB, &err), -ERR_CONFIG);

	arena_free(a);
	for (const char *n = "a.conf\0b.conf\0c.conf\0d.conf\0db.pw\0csrf.key\0short.key\0empty.pw\0"; *n; n += strlen(n) + 1) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, n);
		unlink(path);
	}
	rmdir(dir);
	return t_done("unit-config");
}
