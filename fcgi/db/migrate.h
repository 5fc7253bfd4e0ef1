/* migrate.h: apply the numbered schema/NNNN_name.sql migrations once each, in order, recorded with checksums. */
#ifndef ECC_MIGRATE_H
#define ECC_MIGRATE_H

#include <stddef.h>

#include "core/buf.h"
#include "db/db.h"

/*
 * Files: schema_dir/NNNN_name.sql, NNNN four digits from 0001, name of
 * [a-z0-9_] (1-100 characters). Every file whose name ends in ".sql" or
 * starts with a digit must have that form; other names (README.md, dot
 * files) are ignored. A version number used twice is refused.
 *
 * Record: table schema_migrations (version, name, checksum = SHA-256 hex of
 * the file, applied_at UTC), created by the first migrate_apply.
 *
 * Statements: a file holds SQL statements separated by ';' at the end of a
 * line (spaces and a trailing -- or # comment may follow it). Quotes ('…',
 * "…", `…`) and comments (-- …, # …, / * … * /) are respected, so a ';'
 * inside them never splits. A ';' followed by more SQL on the same line is
 * an error. Comment-only pieces are skipped, except executable comments
 * (/ *! … * /, / *M! … * /), which MariaDB runs. There is no DELIMITER
 * command, so stored routines whose bodies contain ';' at line ends cannot
 * be written in a migration (triggers with a single statement body can).
 *
 * Execution: each statement text goes to db_exec_trusted() (mysql_real_query)
 * because DDL takes no parameters and the files are trusted, versioned code
 * -- the one place in the project where SQL text is not a prepared
 * statement with bound data. Each file is one logical step: it runs with
 * autocommit off inside START TRANSACTION … COMMIT together with its
 * schema_migrations row, so a file of data statements (INSERT/UPDATE) is
 * all-or-nothing. MariaDB DDL is not transactional, though: every
 * CREATE/ALTER/DROP commits implicitly (including the data changes before
 * it). If statement k of a file fails, the data changes since the last DDL
 * statement are rolled back, the DDL among statements 1..k-1 (and data
 * changes before it) stays applied, the version is NOT recorded, and the
 * error names the file, the statement number and its first line. Write
 * migrations so that a re-run after a fix converges (CREATE TABLE IF NOT
 * EXISTS, ADD COLUMN IF NOT EXISTS, INSERT IGNORE …).
 *
 * Concurrency: migrate_apply holds the named lock "ecc_schema_migrate"
 * (GET_LOCK, 10 s wait), so two hosts never migrate at once.
 */

/*
 * migrate_apply: apply every pending migration of schema_dir in version
 * order on db (a connection with DDL rights: the migrate user). Appends one
 * line per applied file ("applied 0001_init (3 statements)") or "up to date
 * (N migrations)" to report, and on failure one line describing it, which
 * always names the file. report->arena is used for temporary memory.
 * Before applying anything it refuses (-ERR_CONFLICT) when a file that was
 * applied has changed (checksum), was renamed, or is gone, and
 * (-ERR_INVALID) when a file name is malformed, a version repeats, or a file
 * cannot be split into statements. Returns 0, -ERR_IO (schema_dir or a file
 * unreadable), -ERR_TOO_LARGE (file over 1 MiB), -ERR_TIMEOUT (lock not
 * obtained), or a db error code (-ERR_DB, -ERR_UNAVAILABLE, …).
 */
int migrate_apply(struct db *db, const char *schema_dir, struct buf *report);

/*
 * migrate_status: read-only listing, one line per migration:
 * "0001_init  applied 2025-01-31 09:00:00 UTC", "… pending",
 * "… CHANGED since applied", "… applied but file missing", then a summary
 * line. Returns 0 when the files and the database agree (pending files are
 * fine), -ERR_CONFLICT when an applied file changed or is missing, and the
 * same errors as migrate_apply for unreadable or malformed files.
 */
int migrate_status(struct db *db, const char *schema_dir, struct buf *report);

/* One statement of a migration file, as found by migrate_split. */
struct migrate_stmt {
	const char *sql;  /* points into the text given to migrate_split, at the
			   * statement's first token (comments before it are dropped) */
	size_t len;       /* up to, without, the ';' and trailing blanks */
	int line;         /* 1-based line of its first non-blank character */
};

/*
 * migrate_split: split text (len bytes) into statements by the rules above.
 * On success *out is an array of *n statements allocated in a (n may be 0).
 * On failure returns -ERR_INVALID and appends "line N: reason" to err:
 * unterminated quote or block comment, ';' followed by more SQL on its
 * line, or a NUL byte.
 */
int migrate_split(struct arena *a, const char *text, size_t len, struct migrate_stmt **out,
		  size_t *n, struct buf *err);

#endif
