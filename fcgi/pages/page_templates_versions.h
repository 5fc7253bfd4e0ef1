/* page_templates_versions.h: a template's versions — the list, a column-by-column comparison of two, rollback. */
#ifndef ECC_PAGE_TEMPLATES_VERSIONS_H
#define ECC_PAGE_TEMPLATES_VERSIONS_H

struct req;

/*
 * GET /templates/{id:int}/versions (viewer+): every version, newest first:
 *   number, note, who saved it (the system for a standard template), when
 *   (JST), which one is current; a form to compare two; for editors a
 *   ロールバック button per version other than the current one.
 * GET /templates/{id:int}/compare?a=N&b=M (viewer+): the differences from
 *   version a to version b: columns matched by header, then an unmatched
 *   pair with the same source and value as a renamed column; each column
 *   with its status (added, removed, changed, moved, renamed, unchanged)
 *   and its header, source and value in both versions, the changed parts
 *   marked; then the options that differ (header row, encoding, line ends,
 *   quoting, unencodable policy, file name, filter, sort keys). A missing
 *   or malformed a/b is 400; a version that does not exist is 404.
 * POST /templates/{id:int}/rollback (editor+, R_CSRF): version=N makes a new
 *   version equal to N (dbq_templates_rollback), audited
 *   template.rollback, 303 to the versions with a flash message; the
 *   current version or an unknown one is 400 / 404.
 */
int page_templates_versions_list(struct req *r);
int page_templates_versions_compare(struct req *r);
int page_templates_versions_rollback(struct req *r);

#endif
