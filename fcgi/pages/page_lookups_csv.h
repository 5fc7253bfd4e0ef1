/* page_lookups_csv.h: a code mapping table as CSV — import (UTF-8 or Shift_JIS, all or nothing) and export. */
#ifndef ECC_PAGE_LOOKUPS_CSV_H
#define ECC_PAGE_LOOKUPS_CSV_H

struct req;

/*
 * POST /lookups/{id:int}/import (editor+, R_CSRF, multipart/form-data with
 * the file in part "file"): replaces every entry of the table by the file's.
 * The file is UTF-8 (with or without BOM) when it is valid UTF-8, else
 * Shift_JIS (CP932). Two columns, key and value; an optional first row
 * "key,value" or "コード,値" is a header. Any bad row rejects the whole file
 * (nothing stored) and the table's page lists every problem with its line:
 * a row without exactly two columns, an empty key, a key over 255 or a
 * value over 1000 characters, control characters, a key given twice (both
 * lines named), a CSV syntax or encoding error (csv_read's message), more
 * than DBQ_LOOKUP_ENTRIES_MAX rows, no row at all. At most 100 problems are
 * listed, then how many more. Success is audited (lookup.import, entries
 * and encoding) and answers 303 to the table.
 *
 * GET /lookups/{id:int}/export (viewer+): every entry as CSV, UTF-8 with
 * BOM, CRLF, header "key,value", values exactly as stored (no formula
 * neutralisation, so that the file imports back unchanged); audited like
 * every export (listing_csv_send, what=lookup).
 */
int page_lookups_csv_import(struct req *r);
int page_lookups_csv_export(struct req *r);

#endif
