/* convert_cli.c: `ecc-admin convert` — run a template over a tenant's latest records and write the file. */
#include "convert_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "convert/conv_run.h"
#include "convert/conv_std.h"
#include "core/err.h"
#include "core/file.h"
#include "db/db.h"
#include "db/dbq_convsrc.h"
#include "db/dbq_lookup.h"

/* The definition: a standard template or the JSON file. */
static int
load_def(struct arena *a, const struct convert_cli_opts *o, struct conv_def *d, struct buf *err)
{
	const char *json;
	size_t len;
	if ((o->standard == NULL) == (o->definition == NULL)) {
		buf_puts(err, "give exactly one of --standard KEY and --definition FILE");
		return -ERR_INVALID;
	}
	if (o->standard != NULL) {
		const struct conv_std *s = conv_std_find(o->standard);
		if (s == NULL) {
			buf_printf(err, "no standard template '%s' (", o->standard);
			for (size_t i = 0; (s = conv_std_get(i)) != NULL; i++)
				buf_printf(err, "%s%s", i ? ", " : "", s->key);
			buf_putc(err, ')');
			return -ERR_NOT_FOUND;
		}
		json = s->definition;
		len = strlen(json);
	} else {
		char *text;
		int rc = file_read(a, o->definition, CONV_MAX_DEF_BYTES, 0, &text, &len, err);
		if (rc != 0)
			return rc;
		json = text;
	}
	struct conv_def_error e;
	int rc = conv_def_parse(a, json, len, d, &e);
	if (rc != 0)
		buf_printf(err, "definition: %s", e.msg);
	return rc;
}

/* Write len bytes to path through a temporary file in the same directory. */
static int
write_file(struct arena *a, const char *path, const char *bytes, size_t len, struct buf *err)
{
	const char *tmp = arena_printf(a, "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_printf(err, "%s: %s", tmp, strerror(errno));
		return -ERR_IO;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, bytes + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		buf_printf(err, "%s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -ERR_IO;
	}
	return 0;
}

static void
report_result(FILE *f, const struct conv_result *r)
{
	static const char *const kinds[] = { "", "error", "unencodable" };
	fprintf(f, "file: %s (%zu bytes)\n", r->file_name, r->len);
	fprintf(f, "records: in=%zu filtered=%zu out=%zu failed=%zu rows=%zu unencodable=%zu\n", r->records_in,
		r->records_filtered, r->records_out, r->records_failed, r->rows_out, r->unencodable);
	for (size_t i = 0; i < r->nissues; i++)
		fprintf(f, "issue: %s %s\n", kinds[r->issues[i].kind == CONV_ISSUE_UNENCODABLE ? 2 : 1],
			r->issues[i].message);
	if (r->issues_dropped > 0)
		fprintf(f, "issues not kept: %zu\n", r->issues_dropped);
}

int
convert_cli_run(struct db *db, struct arena *a, const struct convert_cli_opts *o, FILE *report, struct buf *err)
{
	struct conv_def d;
	int rc = load_def(a, o, &d, err);
	if (rc != 0)
		return rc;
	struct dbq_convsrc_query q = {
		.tenant_id = o->tenant_id,
		.key = o->key,
		.kind = d.kind,
		.connections = o->connection ? &o->connection : NULL,
		.nconnections = o->connection ? 1 : 0,
		.latest = o->latest ? o->latest : DBQ_CONVSRC_LIMIT_MAX,
		.share_order = true,
	};
	struct conv_record *recs;
	size_t n;
	if ((rc = dbq_convsrc_read(db, a, &q, &recs, &n)) != 0) {
		buf_printf(err, "reading the records: %s%s%s", err_name(rc), rc == -ERR_DB || rc == -ERR_UNAVAILABLE ?
			   ": " : "", rc == -ERR_DB || rc == -ERR_UNAVAILABLE ? db_last_error(db) : "");
		return rc;
	}
	struct conv_run_opts opts = {
		.lookup = dbq_lookup_cache_fn,
		.lookup_ctx = dbq_lookup_cache_new(db, a, o->tenant_id),
		.now_ms = o->now_ms,
	};
	struct conv_result res;
	if ((rc = conv_run(a, &d, recs, n, &opts, &res)) != 0) {
		buf_printf(err, "conversion: %s", err_name(rc));
		return rc;
	}
	if ((rc = write_file(a, o->out, res.bytes, res.len, err)) != 0)
		return rc;
	report_result(report, &res);
	return 0;
}
