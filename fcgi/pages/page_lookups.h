/* page_lookups.h: code mapping tables (コード変換表) for lookup() — tables, their entries, and the shared page. */
#ifndef ECC_PAGE_LOOKUPS_H
#define ECC_PAGE_LOOKUPS_H

#include <stddef.h>

struct req;
struct dbq_lookup_table;

/*
 * The lookup screens are two files: this one (tables, entries) and
 * page_lookups_csv (CSV import and export). Routes are R_AUTH: viewers read
 * (list, a table's entries, export), editors and admins change (create,
 * rename, describe, delete, entries, import); POSTs are R_CSRF. Another
 * tenant's table is 404. Every change is audited (lookup.create,
 * lookup.update, lookup.delete, lookup.entry_set, lookup.entry_delete,
 * lookup.import, through page_templates_record: detail "lookup=<id>" and
 * counts, never a key or value).
 * Bad input shows the page again (200) with the values as entered and a
 * Japanese message beside the input; nothing is stored.
 *
 * GET  /lookups                  tables with entry counts; the create form
 * POST /lookups                  create: name (1–100 characters, no control
 *                                characters, unique), description (≤ 500)
 * GET  /lookups/{id:int}         the table: entries by key, 50 a page
 *                                (?page=N, ?q= part of a key or value), an
 *                                add/change form, per entry a change and a
 *                                delete button, import, export, rename, delete
 * POST /lookups/{id:int}/edit    name and description
 * POST /lookups/{id:int}/delete  needs the "confirm" box; 303 to /lookups
 * POST /lookups/{id:int}/entries op=set key value (adds or changes the entry
 *                                with that key) | op=delete key
 */
int page_lookups_list(struct req *r);
int page_lookups_create(struct req *r);
int page_lookups_show(struct req *r);
int page_lookups_update(struct req *r);
int page_lookups_delete(struct req *r);
int page_lookups_entries(struct req *r);

/*
 * page_lookups_load: the table named by the path parameter {id} of the
 * signed-in user's tenant into *t (in r's arena). 0, or the status: 404
 * (malformed id, another tenant's, missing), 503, 500.
 */
int page_lookups_load(struct req *r, struct dbq_lookup_table *t);

/*
 * page_lookups_render_import: the table's page (first page of entries)
 * showing the import's errors errs[0..n) (Japanese, line-numbered) with
 * status 200. Returns the status (500 when rendering fails).
 */
int page_lookups_render_import(struct req *r, const struct dbq_lookup_table *t, const char *const *errs, size_t n);

/*
 * page_lookups_done: the end of a successful change of table id: the audit
 * entry (page_templates_record with action and extra), the flash message
 * flash, and 303 to the table's page. Returns the status.
 */
int page_lookups_done(struct req *r, const char *action, unsigned long long id, const char *extra,
		      const char *flash);

#endif
