/* dbq_notices.c: queries on the service-wide operator notices (お知らせ). */
#include "dbq_notices.h"

#include <string.h>

#include "core/err.h"
#include "db/db.h"

int
dbq_notices_recent(struct db *db, struct arena *a, const char *lang, int limit, struct notice **out,
		   size_t *n)
{
	struct db_rows *rows;
	int en = strcmp(lang, "en") == 0;
	int rc = db_query(db, a, &rows,
			  "SELECT kind,"
			  " IF(? AND title_en <> '', title_en, title_ja),"
			  " IF(? AND body_en <> '', body_en, body_ja),"
			  " UNIX_TIMESTAMP(published_at)"
			  " FROM notices WHERE published_at <= UTC_TIMESTAMP()"
			  " ORDER BY published_at DESC, id DESC LIMIT ?",
			  "iii", en, en, limit);
	if (rc != 0)
		return rc;
	size_t count = db_rows_count(rows);
	struct notice *ns = arena_calloc(a, count ? count : 1, sizeof *ns);
	for (size_t i = 0; i < count; i++) {
		int64_t ts = 0;
		ns[i].kind = db_str(rows, i, 0);
		ns[i].title = db_str(rows, i, 1);
		ns[i].body = db_str(rows, i, 2);
		if (db_i64(rows, i, 3, &ts) != 0)
			return -ERR_DB;
		ns[i].published_at = (time_t)ts;
	}
	*out = ns;
	*n = count;
	return 0;
}
