/* migrate.c: apply the numbered schema/NNNN_name.sql migrations once each, in order, recorded with checksums. */
#include "db/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/err.h"
#include "core/file.h"
#include "core/log.h"

#define MIGRATE_MAX_FILE (1024u * 1024u)
#define MIGRATE_MAX_NAME 100
#define MIGRATE_LOCK "ecc_schema_migrate"

/* One migration file found in schema_dir. */
struct mfile {
	int version;
	char *fname;    /* "0001_init.sql" */
	char *name;     /* "init" */
	char *text;
	size_t len;
	char sum[65];   /* SHA-256 hex */
	bool applied;
};

/* One row of schema_migrations. */
struct applied {
	int version;
	const char *name, *checksum, *at;
	bool matched;
};

static const char create_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INT UNSIGNED NOT NULL PRIMARY KEY,"
	" name VARCHAR(100) NOT NULL,"
	" checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
	" applied_at DATETIME(0) NOT NULL"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC"
	" ENCRYPTED=YES";

/* ---- splitting a file into statements ---------------------------------- */

static bool
line_comment_at(const char *t, size_t len, size_t i)
{
	if (t[i] == '#')
		return true;
	/* MariaDB: "--" starts a comment only when followed by a space, a
	 * control character or the end of the text */
	return t[i] == '-' && i + 1 < len && t[i + 1] == '-' &&
	       (i + 2 == len || (unsigned char)t[i + 2] <= ' ');
}

static void
push(struct arena *a, struct migrate_stmt **v, size_t *n, size_t *cap, const char *t,
     size_t from, size_t to, int line)
{
	while (from < to && isspace((unsigned char)t[from]))
		from++;
	while (to > from && isspace((unsigned char)t[to - 1]))
		to--;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		*v = arena_realloc(a, *v, *cap * sizeof **v, nc * sizeof **v);
		*cap = nc;
	}
	(*v)[*n].sql = t + from;
	(*v)[*n].len = to - from;
	(*v)[*n].line = line;
	(*n)++;
}

int
migrate_split(struct arena *a, const char *t, size_t len, struct migrate_stmt **out, size_t *n,
	      struct buf *err)
{
	struct migrate_stmt *v = NULL;
	size_t cnt = 0, cap = 0, start = 0, i = 0;
	int line = 1, first = 0;  /* first: line of the statement's first content, at start */

	while (i < len) {
		char c = t[i];
		if (c == '\0') {
			buf_printf(err, "line %d: NUL byte", line);
			return -ERR_INVALID;
		}
		if (c == '\n') {
			line++;
			i++;
		} else if (line_comment_at(t, len, i)) {
			while (i < len && t[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < len && t[i + 1] == '*') {
			bool exec = (i + 2 < len && t[i + 2] == '!') ||
				    (i + 3 < len && t[i + 2] == 'M' && t[i + 3] == '!');
			int at = line;
			size_t j = i + 2;
			while (j + 1 < len && !(t[j] == '*' && t[j + 1] == '/')) {
				if (t[j] == '\0') {
					buf_printf(err, "line %d: NUL byte", line);
					return -ERR_INVALID;
				}
				if (t[j] == '\n')
					line++;
				j++;
			}
			if (j + 1 >= len) {
				buf_printf(err, "line %d: unterminated /* comment", at);
				return -ERR_INVALID;
			}
			if (exec && first == 0) {
				first = at;
				start = i;
			}
			i = j + 2;
		} else if (c == '\'' || c == '"' || c == '`') {
			int at = line;
			size_t j = i + 1;
			for (;;) {
				if (j >= len) {
					buf_printf(err, "line %d: unterminated %c quote", at, c);
					return -ERR_INVALID;
				}
				if (t[j] == '\0') {
					buf_printf(err, "line %d: NUL byte", line);
					return -ERR_INVALID;
				}
				if (t[j] == '\n')
					line++;
				if (t[j] == '\\' && c != '`' && j + 1 < len) {
					if (t[j + 1] == '\n')
						line++;
					j += 2;
				} else if (t[j] == c && j + 1 < len && t[j + 1] == c) {
					j += 2;  /* doubled quote */
				} else if (t[j] == c) {
					break;
				} else {
					j++;
				}
			}
			if (first == 0) {
				first = at;
				start = i;
			}
			i = j + 1;
		} else if (c == ';') {
			size_t k = i + 1;
			while (k < len && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
				k++;
			if (k < len && t[k] != '\n' && !line_comment_at(t, len, k)) {
				buf_printf(err, "line %d: ';' must end its line (one statement per ';')",
					   line);
				return -ERR_INVALID;
			}
			if (first != 0)
				push(a, &v, &cnt, &cap, t, start, i, first);
			first = 0;
			i++;
		} else {
			if (first == 0 && !isspace((unsigned char)c)) {
				first = line;
				start = i;
			}
			i++;
		}
	}
	if (first != 0)
		push(a, &v, &cnt, &cap, t, start, len, first);
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- finding and reading the files ------------------------------------- */

static bool
parse_fname(const char *f, int *version, size_t *name_len)
{
	size_t n = strlen(f);
	if (n < 10 || strcmp(f + n - 4, ".sql") != 0 || f[4] != '_')
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)f[i]))
			return false;
	size_t nl = n - 9;
	if (nl < 1 || nl > MIGRATE_MAX_NAME)
		return false;
	for (size_t i = 5; i < n - 4; i++)
		if (!(islower((unsigned char)f[i]) || isdigit((unsigned char)f[i]) || f[i] == '_'))
			return false;
	*version = (f[0] - '0') * 1000 + (f[1] - '0') * 100 + (f[2] - '0') * 10 + (f[3] - '0');
	*name_len = nl;
	return *version > 0;
}

static int
cmp_mfile(const void *x, const void *y)
{
	const struct mfile *a = x, *b = y;
	return (a->version > b->version) - (a->version < b->version);
}

static int
read_file(struct arena *a, const char *dir, struct mfile *m, struct buf *report)
{
	char *path = arena_printf(a, "%s/%s", dir, m->fname);
	int rc = file_read(a, path, MIGRATE_MAX_FILE, 0, &m->text, &m->len, report);
	if (rc != 0) {
		buf_putc(report, '\n');
		return rc;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(m->text, m->len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		buf_printf(report, "%s: SHA-256 failed\n", path);
		return -ERR_IO;
	}
	static const char hex[] = "0123456789abcdef";
	for (unsigned int i = 0; i < 32; i++) {
		m->sum[2 * i] = hex[md[i] >> 4];
		m->sum[2 * i + 1] = hex[md[i] & 15];
	}
	m->sum[64] = '\0';
	return 0;
}

/* Every NNNN_name.sql of dir, read, checksummed and sorted by version. */
static int
scan(struct arena *a, const char *dir, struct mfile **out, size_t *n, struct buf *report)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		buf_printf(report, "%s: cannot open schema directory: %s\n", dir, strerror(errno));
		return -ERR_IO;
	}
	struct mfile *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		const char *f = e->d_name;
		size_t fl = strlen(f);
		if (f[0] == '.')
			continue;
		bool sql = fl >= 4 && strcmp(f + fl - 4, ".sql") == 0;
		if (!sql && !isdigit((unsigned char)f[0]))
			continue;
		int version;
		size_t nl;
		if (!parse_fname(f, &version, &nl)) {
			buf_printf(report, "%s/%s: malformed migration file name (want NNNN_name.sql: "
				   "four digits from 0001, a name of a-z, 0-9 and _)\n", dir, f);
			rc = -ERR_INVALID;
			break;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			v = arena_realloc(a, v, cap * sizeof *v, nc * sizeof *v);
			cap = nc;
		}
		memset(&v[cnt], 0, sizeof v[cnt]);
		v[cnt].version = version;
		v[cnt].fname = arena_strdup(a, f);
		v[cnt].name = arena_strndup(a, f + 5, nl);
		cnt++;
	}
	closedir(d);
	if (rc != 0)
		return rc;
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_mfile);
	for (size_t i = 1; i < cnt; i++)
		if (v[i].version == v[i - 1].version) {
			buf_printf(report, "%s: version %04d is used twice: %s and %s\n", dir,
				   v[i].version, v[i - 1].fname, v[i].fname);
			return -ERR_INVALID;
		}
	for (size_t i = 0; i < cnt; i++)
		if ((rc = read_file(a, dir, &v[i], report)) != 0)
			return rc;
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- the record in the database --------------------------------------- */

static int
db_fail(struct db *db, struct buf *report, const char *what, int rc)
{
	buf_printf(report, "%s: %s\n", what, *db_last_error(db) ? db_last_error(db) : err_name(rc));
	return rc;
}

static int
read_applied(struct db *db, struct arena *a, struct applied **out, size_t *n, struct buf *report)
{
	struct db_rows *rows;
	int rc = db_query(db, a, &rows,
			  "SELECT version, name, checksum, DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%s')"
			  " FROM schema_migrations ORDER BY version", "");
	if (rc != 0)
		return db_fail(db, report, "reading schema_migrations", rc);
	size_t cnt = db_rows_count(rows);
	struct applied *v = arena_calloc(a, cnt ? cnt : 1, sizeof *v);
	for (size_t i = 0; i < cnt; i++) {
		int64_t ver;
		if (db_i64(rows, i, 0, &ver) != 0 || ver < 1 || ver > 9999) {
			buf_printf(report, "schema_migrations: row %zu has a bad version\n", i + 1);
			return -ERR_DB;
		}
		v[i].version = (int)ver;
		v[i].name = db_str(rows, i, 1) ? db_str(rows, i, 1) : "";
		v[i].checksum = db_str(rows, i, 2) ? db_str(rows, i, 2) : "";
		v[i].at = db_str(rows, i, 3) ? db_str(rows, i, 3) : "";
	}
	*out = v;
	*n = cnt;
	return 0;
}

/*
 * Match applied rows to files; refuse changed, renamed or missing ones.
 * With listing, write one status line per migration instead of stopping at
 * the first problem.
 */
static int
reconcile(const char *dir, struct mfile *f, size_t nf, struct applied *ap, size_t na,
	  struct buf *report, bool listing)
{
	int rc = 0;
	for (size_t i = 0; i < na; i++) {
		struct mfile *m = NULL;
		for (size_t j = 0; j < nf; j++)
			if (f[j].version == ap[i].version)
				m = &f[j];
		if (m == NULL) {
			buf_printf(report, "%s/%04d_%s.sql: applied %s UTC but the file is missing\n",
				   dir, ap[i].version, ap[i].name, ap[i].at);
			rc = -ERR_CONFLICT;
		} else if (strcmp(m->name, ap[i].name) != 0) {
			buf_printf(report, "%s/%s: version %04d was applied as %04d_%s.sql; "
				   "renaming an applied migration is not allowed\n", dir, m->fname,
				   m->version, ap[i].version, ap[i].name);
			m->applied = true;
			rc = -ERR_CONFLICT;
		} else if (strcmp(m->sum, ap[i].checksum) != 0) {
			buf_printf(report, "%s/%s: CHANGED since it was applied %s UTC "
				   "(sha256 then %.12s..., now %.12s...); add a new migration instead of "
				   "editing an applied one\n", dir, m->fname, ap[i].at, ap[i].checksum,
				   m->sum);
			m->applied = true;
			rc = -ERR_CONFLICT;
		} else {
			m->applied = true;
			if (listing)
				buf_printf(report, "%04d_%-30s applied %s UTC\n", m->version, m->name,
					   ap[i].at);
		}
		if (rc != 0 && !listing)
			return rc;
	}
	return rc;
}

/* ---- apply and status --------------------------------------------------- */

static int
apply_one(struct db *db, struct arena *a, const char *dir, struct mfile *m,
	  struct migrate_stmt *st, size_t ns, struct buf *report)
{
	/* autocommit off: after a DDL statement's implicit commit the following
	 * data statements are again inside a transaction, which a failure rolls
	 * back (a new connection starts with autocommit on again) */
	static const char ac_off[] = "SET autocommit = 0", ac_on[] = "SET autocommit = 1";
	int rc = db_exec_trusted(db, ac_off, sizeof ac_off - 1);
	if (rc == 0)
		rc = db_begin(db);
	if (rc != 0)
		return db_fail(db, report, m->fname, rc);
	for (size_t i = 0; i < ns; i++) {
		if ((rc = db_exec_trusted(db, st[i].sql, st[i].len)) == 0)
			continue;
		char head[80];
		size_t hl = 0;
		while (hl < st[i].len && st[i].sql[hl] != '\n')
			hl++;
		snprintf(head, sizeof head, "%.*s", (int)(hl < 70 ? hl : 70), st[i].sql);
		buf_printf(report, "%s/%s: statement %zu of %zu (line %d: %s%s) failed: %s; "
			   "the version was not recorded", dir, m->fname, i + 1, ns, st[i].line,
			   head, hl > 70 ? "..." : "", db_last_error(db));
		if (i > 0)
			buf_printf(report, "; statement%s 1-%zu ran: DDL among them, and data changes "
				   "made before a DDL statement, stay applied (MariaDB DDL is not "
				   "transactional)", i == 1 ? "" : "s", i);
		buf_puts(report, "\n");
		db_rollback(db);
		(void)db_exec_trusted(db, ac_on, sizeof ac_on - 1);
		return rc;
	}
	rc = db_exec(db, a, "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
		     " VALUES (?, ?, ?, UTC_TIMESTAMP())", "iss", m->version, m->name, m->sum);
	if (rc != 0) {
		db_fail(db, report, m->fname, rc);
		db_rollback(db);
		(void)db_exec_trusted(db, ac_on, sizeof ac_on - 1);
		return rc;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, report, m->fname, rc);
	if ((rc = db_exec_trusted(db, ac_on, sizeof ac_on - 1)) != 0)
		return db_fail(db, report, m->fname, rc);
	buf_printf(report, "applied %04d_%s (%zu statement%s)\n", m->version, m->name, ns,
		   ns == 1 ? "" : "s");
	log_event(LOG_INFO, "migration_applied", LOG_I("version", m->version),
		  LOG_S("name", m->name), LOG_S("checksum", m->sum));
	return 0;
}

static int
lock(struct db *db, struct arena *a, struct buf *report)
{
	struct db_rows *rows;
	int64_t got = 0;
	int rc = db_query(db, a, &rows, "SELECT GET_LOCK(?, 10)", "s", MIGRATE_LOCK);
	if (rc != 0)
		return db_fail(db, report, "GET_LOCK", rc);
	if (db_i64(rows, 0, 0, &got) != 0 || got != 1) {
		buf_puts(report, "another migration is running (lock " MIGRATE_LOCK " is held)\n");
		return -ERR_TIMEOUT;
	}
	return 0;
}

static void
unlock(struct db *db, struct arena *a)
{
	struct db_rows *rows;
	(void)db_query(db, a, &rows, "SELECT RELEASE_LOCK(?)", "s", MIGRATE_LOCK);
}

int
migrate_apply(struct db *db, const char *dir, struct buf *report)
{
	struct arena *a = report->arena;
	struct mfile *f = NULL;
	size_t nf = 0;
	int rc = scan(a, dir, &f, &nf, report);
	if (rc != 0)
		return rc;
	/* split everything first: a broken file stops the run before any change */
	struct migrate_stmt **st = arena_calloc(a, nf ? nf : 1, sizeof *st);
	size_t *ns = arena_calloc(a, nf ? nf : 1, sizeof *ns);
	for (size_t i = 0; i < nf; i++) {
		struct buf err;
		buf_init(&err, a, 64);
		if ((rc = migrate_split(a, f[i].text, f[i].len, &st[i], &ns[i], &err)) != 0) {
			buf_printf(report, "%s/%s: %s\n", dir, f[i].fname, buf_cstr(&err));
			return rc;
		}
	}
	if ((rc = db_exec_trusted(db, create_table_sql, sizeof create_table_sql - 1)) != 0)
		return db_fail(db, report, "creating schema_migrations", rc);
	if ((rc = lock(db, a, report)) != 0)
		return rc;
	struct applied *ap = NULL;
	size_t na = 0, done = 0;
	if ((rc = read_applied(db, a, &ap, &na, report)) == 0 &&
	    (rc = reconcile(dir, f, nf, ap, na, report, false)) == 0) {
		for (size_t i = 0; i < nf && rc == 0; i++) {
			if (f[i].applied)
				continue;
			if ((rc = apply_one(db, a, dir, &f[i], st[i], ns[i], report)) == 0)
				done++;
		}
	}
	if (rc == 0 && done == 0)
		buf_printf(report, "up to date (%zu migration%s)\n", nf, nf == 1 ? "" : "s");
	if (db_connected(db))
		unlock(db, a);
	return rc;
}

int
migrate_status(struct db *db, const char *dir, struct buf *report)
{
	struct arena *a = report->arena;
	struct mfile *f = NULL;
	size_t nf = 0;
	int rc = scan(a, dir, &f, &nf, report);
	if (rc != 0)
		return rc;
	struct db_rows *rows;
	int64_t exists = 0;
	rc = db_query(db, a, &rows, "SELECT COUNT(*) FROM information_schema.TABLES"
		      " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", "s",
		      "schema_migrations");
	if (rc != 0)
		return db_fail(db, report, "reading information_schema", rc);
	(void)db_i64(rows, 0, 0, &exists);
	struct applied *ap = NULL;
	size_t na = 0;
	if (exists && (rc = read_applied(db, a, &ap, &na, report)) != 0)
		return rc;
	rc = reconcile(dir, f, nf, ap, na, report, true);
	size_t pending = 0;
	for (size_t i = 0; i < nf; i++)
		if (!f[i].applied) {
			pending++;
			buf_printf(report, "%04d_%-30s pending\n", f[i].version, f[i].name);
		}
	buf_printf(report, "%zu applied, %zu pending%s\n", na, pending,
		   rc != 0 ? ", PROBLEMS above" : "");
	return rc;
}
