/* test_i18n.c: catalogs load, ja/en agree, every {{t.key}} in templates exists, bad catalogs are refused. */
#include "html/i18n.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "t.h"

#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#define CATALOG_DIR "templates/i18n"
#define TEMPLATE_DIR "templates"

static const int error_statuses[] = { 400, 403, 404, 405, 413, 429, 500, 503 };

static char tmpdir[64];

static void
write_file(const char *name, const char *content)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	T_OK(f != NULL, "create %s", path);
	if (f == NULL)
		return;
	fputs(content, f);
	fclose(f);
}

static void
remove_file(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	unlink(path);
}

/* expect_fail: load tmpdir, expect rc and every needle in the message. */
static void
expect_fail(struct arena *a, const char *what, int want_rc, const char *needle1, const char *needle2)
{
	struct buf err;
	buf_init(&err, a, 128);
	int rc = i18n_load(a, tmpdir, &err);
	T_OK(rc == want_rc, "%s: rc %d (%s), want %d; message: %s", what, rc, err_name(rc),
	    want_rc, buf_cstr(&err));
	T_OK(needle1 == NULL || strstr(buf_cstr(&err), needle1) != NULL,
	    "%s: message \"%s\" should contain \"%s\"", what, buf_cstr(&err), needle1);
	T_OK(needle2 == NULL || strstr(buf_cstr(&err), needle2) != NULL,
	    "%s: message \"%s\" should contain \"%s\"", what, buf_cstr(&err), needle2);
}

static void
test_load_real(struct arena *app)
{
	struct buf err;
	buf_init(&err, app, 128);
	int rc = i18n_load(app, CATALOG_DIR, &err);
	T_OK(rc == 0, "load %s: rc %d: %s", CATALOG_DIR, rc, buf_cstr(&err));

	const struct view *ja = i18n_catalog("ja"), *en = i18n_catalog("en");
	T_OK(ja != NULL && en != NULL && ja != en, "ja and en catalogs exist and differ");
	if (ja == NULL || en == NULL)
		return;
	T_OK(view_type(ja) == VIEW_OBJ && view_type(en) == VIEW_OBJ, "catalogs are objects");
	T_OK(view_len(ja) > 50, "ja has many keys (%zu)", view_len(ja));
	T_INTEQ(view_len(ja), view_len(en));
	for (size_t i = 0; i < view_len(ja); i++) {
		const char *k = view_key_at(ja, i);
		T_OK(view_get(en, k) != NULL, "key \"%s\" of ja.txt is in en.txt", k);
		T_OK(view_type(view_get(ja, k)) == VIEW_STR, "ja %s is a string", k);
		T_STREQ(i18n_get("ja", k), view_text(app, view_get(ja, k), &(size_t){ 0 }));
	}
	for (size_t i = 0; i < view_len(en); i++) {
		const char *k = view_key_at(en, i);
		T_OK(view_get(ja, k) != NULL, "key \"%s\" of en.txt is in ja.txt", k);
	}

	T_STREQ(i18n_get("ja", "app_name"), "ECコネクター");
	T_STREQ(i18n_get("en", "app_name"), "EC Connector");
	T_STREQ(i18n_get("xx", "app_name"), "ECコネクター");
	T_STREQ(i18n_get(NULL, "app_name"), "ECコネクター");
	T_STREQ(i18n_get("en", "no_such_key"), "no_such_key");
	T_OK(i18n_catalog("xx") == ja, "unknown lang gives the ja catalog");
	T_OK(i18n_catalog(NULL) == ja, "NULL lang gives the ja catalog");
	T_OK(i18n_lang_ok("ja") && i18n_lang_ok("en"), "ja and en are languages");
	T_OK(!i18n_lang_ok("de") && !i18n_lang_ok("") && !i18n_lang_ok(NULL) &&
	    !i18n_lang_ok("JA") && !i18n_lang_ok("ja "), "other values are not languages");

	for (size_t i = 0; i < sizeof error_statuses / sizeof error_statuses[0]; i++) {
		char k[64];
		static const char *const langs[] = { "ja", "en" };
		for (size_t l = 0; l < 2; l++) {
			snprintf(k, sizeof k, "error_%d_title", error_statuses[i]);
			T_OK(strcmp(i18n_get(langs[l], k), k) != 0, "%s: %s exists", langs[l], k);
			snprintf(k, sizeof k, "error_%d_text", error_statuses[i]);
			T_OK(strcmp(i18n_get(langs[l], k), k) != 0, "%s: %s exists", langs[l], k);
		}
	}
	static const char *const needed[] = { "notices_empty", "error_request_id", "error_back_home",
		"lang_ja_name", "lang_en_name", "home_login_pending", "flash_lang_changed",
		"notice_kind_info", "notice_kind_maintenance", "notice_kind_change",
		"notice_kind_vulnerability", "notice_kind_incident" };
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
		T_OK(strcmp(i18n_get("ja", needed[i]), needed[i]) != 0 &&
		    strcmp(i18n_get("en", needed[i]), needed[i]) != 0, "ja/en: %s exists", needed[i]);
	T_OK(strcmp(i18n_get("ja", "home_heading"), i18n_get("en", "home_heading")) != 0,
	    "the English heading is translated");
}

/* scan_template: every {{t.key}} (any sigil) in one file exists in ja and en. */
static int
scan_template(const char *path)
{
	FILE *f = fopen(path, "r");
	T_OK(f != NULL, "open %s", path);
	if (f == NULL)
		return 0;
	char line[8192];
	int lineno = 0, uses = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		for (const char *p = strstr(line, "{{"); p != NULL; p = strstr(p + 2, "{{")) {
			const char *q = p + 2;
			if (*q == '#' || *q == '^' || *q == '/' || *q == '&' || *q == '{')
				q++;
			while (*q == ' ')
				q++;
			if (strncmp(q, "t.", 2) != 0)
				continue;
			q += 2;
			char key[80];
			size_t n = 0;
			while (n < sizeof key - 1 && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
			    *q == '_'))
				key[n++] = *q++;
			key[n] = '\0';
			uses++;
			T_OK(n > 0, "%s:%d: empty t. key", path, lineno);
			T_OK(strcmp(i18n_get("ja", key), key) != 0 && strcmp(i18n_get("en", key), key) != 0,
			    "%s:%d: {{t.%s}} is not in the catalogs", path, lineno, key);
		}
	}
	fclose(f);
	return uses;
}

static int
scan_dir(const char *dir)
{
	DIR *d = opendir(dir);
	T_OK(d != NULL, "open dir %s", dir);
	if (d == NULL)
		return 0;
	int uses = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		size_t n = strlen(de->d_name);
		if (S_ISDIR(st.st_mode))
			uses += scan_dir(path);
		else if (n > 5 && strcmp(de->d_name + n - 5, ".html") == 0)
			uses += scan_template(path);
	}
	closedir(d);
	return uses;
}

static void
test_bad_catalogs(struct arena *a)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ecc-i18n-XXXXXX");
	T_OK(mkdtemp(tmpdir) != NULL, "mkdtemp");

	/* A key missing in en: the message names the key, ja.txt:line and en.txt. */
	write_file("ja.txt", "# comment\napp_name = ECコネクター\n\nonly_ja = だけ\n");
	write_file("en.txt", "app_name = EC Connector\n");
	expect_fail(a, "missing in en", -ERR_CONFIG, "ja.txt:4: key \"only_ja\" is missing in", "en.txt");

	/* And the other way round. */
	write_file("ja.txt", "app_name = ECコネクター\n");
	write_file("en.txt", "app_name = EC Connector\nonly_en = only\n");
	expect_fail(a, "missing in ja", -ERR_CONFIG, "en.txt:2: key \"only_en\" is missing in", "ja.txt");

	/* A third language must agree too. */
	write_file("en.txt", "app_name = EC Connector\n");
	write_file("fr.txt", "app_name = EC Connecteur\nextra = x\n");
	expect_fail(a, "third language", -ERR_CONFIG, "fr.txt:2: key \"extra\"", NULL);
	remove_file("fr.txt");

	write_file("en.txt", "app_name = EC Connector\nfoo = a\nbar = b\n\nfoo = again\n");
	write_file("ja.txt", "app_name = x\nfoo = a\nbar = b\n");
	expect_fail(a, "duplicate", -ERR_CONFIG, "en.txt:5: duplicate key \"foo\"", "line 2");

	write_file("en.txt", "app_name = EC Connector\nfoo bar\nbar = b\n");
	expect_fail(a, "no =", -ERR_CONFIG, "en.txt:2: expected '=' after key \"foo\"", NULL);

	write_file("en.txt", "App_name = EC Connector\n");
	expect_fail(a, "upper-case key", -ERR_CONFIG, "en.txt:1: expected a key", NULL);

	write_file("en.txt", "= x\n");
	expect_fail(a, "no key", -ERR_CONFIG, "en.txt:1: expected a key", NULL);

	write_file("en.txt", "app_name =   \n");
	expect_fail(a, "empty value", -ERR_CONFIG, "en.txt:1: empty value for key \"app_name\"", NULL);

	write_file("en.txt", "app_name = \xff\xfe\n");
	expect_fail(a, "invalid UTF-8", -ERR_CONFIG, "en.txt:1: invalid UTF-8", NULL);

	write_file("en.txt", "app_name = \xed\xa0\x80\n");
	expect_fail(a, "surrogate", -ERR_CONFIG, "en.txt:1: invalid UTF-8", NULL);

	write_file("en.txt", "app_name = a\x01" "b\n");
	expect_fail(a, "control char", -ERR_CONFIG, "en.txt:1: control character", NULL);

	char longkey[100];
	memset(longkey, 'k', 70);
	memcpy(longkey + 70, " = v\n", 6);
	write_file("en.txt", longkey);
	expect_fail(a, "long key", -ERR_CONFIG, "en.txt:1: key longer than 64", NULL);

	write_file("JA.txt", "app_name = x\n");
	expect_fail(a, "bad file name", -ERR_CONFIG, "JA.txt: catalog files are named", NULL);
	remove_file("JA.txt");

	remove_file("en.txt");
	expect_fail(a, "no en.txt", -ERR_CONFIG, "en.txt: missing", NULL);

	struct buf e2;
	buf_init(&e2, a, 64);
	int rc2 = i18n_load(a, "/nonexistent-ecc-dir", &e2);
	T_OK(rc2 == -ERR_IO && strstr(buf_cstr(&e2), "/nonexistent-ecc-dir: cannot open") != NULL,
	    "missing dir: rc %d: %s", rc2, buf_cstr(&e2));

	/* A good catalog with a BOM, CRLF, comments, blanks and '=' inside values loads. */
	write_file("ja.txt", "\xef\xbb\xbf# c\r\n  app_name\t=  ECコネクター  \r\n\r\nformula = a = b\r\n");
	write_file("en.txt", "formula = x = y\napp_name=EC Connector");
	write_file("README", "not a catalog\n");
	struct arena *scratch = arena_new(0);
	struct buf err;
	buf_init(&err, a, 64);
	int rc = i18n_load(scratch, tmpdir, &err);
	T_OK(rc == 0, "BOM/CRLF catalog loads: %s", buf_cstr(&err));
	T_STREQ(i18n_get("ja", "app_name"), "ECコネクター");
	T_STREQ(i18n_get("ja", "formula"), "a = b");
	T_STREQ(i18n_get("en", "app_name"), "EC Connector");
	T_INTEQ(view_len(i18n_catalog("en")), 2);
	T_STREQ(view_key_at(i18n_catalog("en"), 0), "formula");

	/* Back to the real catalogs (the scratch arena goes away afterwards). */
	buf_clear(&err);
	rc = i18n_load(a, CATALOG_DIR, &err);
	T_OK(rc == 0, "reload real catalogs: %s", buf_cstr(&err));
	arena_free(scratch);
	T_STREQ(i18n_get("en", "app_name"), "EC Connector");

	/* A failed load keeps the previous state. */
	write_file("en.txt", "broken\n");
	expect_fail(a, "broken after good", -ERR_CONFIG, "en.txt:1:", NULL);
	T_STREQ(i18n_get("en", "app_name"), "EC Connector");
	T_OK(strcmp(i18n_get("ja", "home_heading"), "home_heading") != 0, "state kept after failure");

	remove_file("ja.txt");
	remove_file("en.txt");
	remove_file("README");
	T_OK(rmdir(tmpdir) == 0, "rmdir %s", tmpdir);
}

int
main(void)
{
	struct arena *app = arena_new(0);

	T_OK(i18n_catalog("ja") == NULL, "no catalog before load");
	T_STREQ(i18n_get("ja", "app_name"), "app_name");
	T_OK(!i18n_lang_ok("ja"), "no language before load");

	test_load_real(app);
	int uses = scan_dir(TEMPLATE_DIR);
	T_OK(uses > 50, "templates use many t. keys (%d)", uses);
	test_bad_catalogs(app);

	arena_free(app);
	return t_done("unit-i18n");
}
