/* conv_run.h: run a compiled template over records — filter, sort, evaluate columns — into CSV bytes and a report. */
#ifndef ECC_CONV_RUN_H
#define ECC_CONV_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "convert/conv_def.h"
#include "core/arena.h"

/*
 * One problem of one record: an evaluation error (the record is not
 * written) or a character the output encoding cannot represent (what
 * happened follows the template's policy: with "fail" the record is not
 * written either). A record that fails is withdrawn whole: for CONV_ORDER_LINE
 * every line of that order.
 */
enum conv_issue_kind {
	CONV_ISSUE_ERROR = 1,
	CONV_ISSUE_UNENCODABLE = 2,
};

struct conv_issue {
	enum conv_issue_kind kind;
	uint64_t record_id;
	const char *record_label;
	size_t column;              /* 1-based template column (0: the filter or a sort key) */
	const char *column_header;  /* "" when column is 0 */
	uint32_t codepoint;         /* UNENCODABLE: the character (U+FFFD for invalid UTF-8) */
	char ch[5];                 /* UNENCODABLE: the character as UTF-8 */
	enum cp932_policy action;   /* UNENCODABLE: what was done (FAIL = record not written) */
	const char *message;        /* Japanese, complete ("注文 S1-0001 の 5列目「送付先名」: 髙 (U+9AD9) は Shift_JIS にありません。〓 に置き換えました") */
};

/*
 * The records_* counts are ledger units (conv_record.id; for CONV_ORDER_LINE
 * an order with all its lines): records_in = records_filtered +
 * records_out + records_failed. A unit is "filtered" when none of its
 * records passed the filter, "out" when at least one of its rows was
 * written (then its id is in delivered_ids), "failed" when one of its
 * records had an issue that withdraws it (then none of its rows is in the
 * file). rows_out counts CSV data rows (one per order line for
 * CONV_ORDER_LINE).
 */
struct conv_result {
	char *bytes;                /* the file, in the template's encoding (NUL after it, not counted) */
	size_t len;
	const char *file_name;      /* from the template's pattern at now_ms ("conversion.csv" if it fails) */
	size_t records_in;          /* units given */
	size_t records_filtered;    /* units left out by the filter */
	size_t records_out;         /* units written */
	size_t records_failed;      /* units withdrawn because of an issue */
	size_t rows_out;            /* data rows written (header excluded) */
	size_t unencodable;         /* unencodable characters, all policies */
	uint64_t *delivered_ids;    /* ids of the records written, in output order (for the ledger) */
	size_t ndelivered;
	struct conv_issue *issues;  /* at most max_issues kept, in order */
	size_t nissues;
	size_t issues_dropped;      /* more issues than kept */
};

/*
 * Options of a run. lookup/lookup_ctx serve lookup() (NULL: lookup() is an
 * error); now_ms is now() and the file-name time; max_issues bounds the
 * kept issues [1000]; max_bytes bounds the output [256 MiB] (-ERR_TOO_LARGE
 * beyond).
 */
struct conv_run_opts {
	int (*lookup)(void *ctx, const char *table, size_t table_len, const char *key, size_t key_len,
	    struct arena *scratch, const char **val, size_t *val_len);
	void *lookup_ctx;
	int64_t now_ms;
	size_t max_issues;
	size_t max_bytes;
};

/*
 * conv_run: convert records[0..n) (of def->kind; for CONV_ORDER_LINE the
 * lines of one order are consecutive and share id) with def into *res.
 * The file, the report and every string live in a; a per-record scratch
 * arena is used and reset internally (no allocation per value otherwise).
 * Records are filtered, then sorted (stable; by the sort keys, numbers
 * numerically, datetimes by instant, texts by bytes, null first — last
 * with desc), then written. Issue messages name the record by its label
 * ("注文 #1001 の 3列目「小計」の式: 5文字目: …（この注文は出力しません）"). Returns 0 (also
 * when records failed: see res); -ERR_TOO_LARGE over max_bytes;
 * -ERR_CONFIG when CP932 is unavailable.
 */
int conv_run(struct arena *a, const struct conv_def *def, const struct conv_record *records,
    size_t n, const struct conv_run_opts *opts, struct conv_result *res);

#endif
