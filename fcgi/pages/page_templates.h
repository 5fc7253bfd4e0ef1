/* page_templates.h: the conversion template screens — list, show, delete, and what the editor, preview and versions share. */
#ifndef ECC_PAGE_TEMPLATES_H
#define ECC_PAGE_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct req;
struct conv_def;
struct dbq_template;
struct tpl_form;

/*
 * The template screens are five files: this one (list, show, delete, the
 * shared loading and audit), page_templates_edit (the editor: new, create
 * from scratch or from a standard template, edit, save), page_templates_form
 * (the editor's state), page_templates_preview (the preview and its
 * download) and page_templates_versions (versions, compare, rollback).
 * Routes are R_AUTH: viewers read (list, show, preview, versions, compare,
 * download of a preview, whose buyer data is masked for them), editors and
 * admins change (create, save, rollback, delete). Another tenant's template
 * is 404. Every change is audited (page_templates_record).
 */
int page_templates_list(struct req *r);   /* GET /templates */
int page_templates_show(struct req *r);   /* GET /templates/{id:int} */

/*
 * POST /templates/{id:int}/delete: needs the "confirm" box (else the page
 * again with a message); a template a flow uses is refused with a message
 * naming the number of flows (409); a delete is audited (template.delete)
 * and answers 303 to /templates.
 */
int page_templates_delete(struct req *r);

/*
 * page_templates_load: the template named by the path parameter {id} of the
 * signed-in user's tenant into *t, and its current definition parsed into
 * *d (both in r's arena). Returns 0, or the status: 404 (malformed id, not
 * in this tenant), 503, 500 (a stored definition that does not parse).
 */
int page_templates_load(struct req *r, struct dbq_template *t, struct conv_def *d);

/*
 * page_templates_load_form: page_templates_load, then *f set up for that
 * template (zeroed; id, kind and name) and, when from_def, filled from its
 * current definition (the editor's first view, the show page). Same
 * returns.
 */
int page_templates_load_form(struct req *r, struct dbq_template *t, struct tpl_form *f, bool from_def);

/*
 * page_templates_text_ok: s is min..max code points of valid UTF-8 without
 * control characters — the rule for what is typed into one-line inputs of
 * the template and code-table screens (names, descriptions, keys, values).
 */
bool page_templates_text_ok(const char *s, size_t min, size_t max);

/* page_templates_status: the status for a dbq_* error: 404, 409, 503 or 500. */
int page_templates_status(int rc);

/*
 * page_templates_record: the audit entry (action, e.g. "template.save";
 * detail "<object>=<id>" — object "template" or "lookup" — and, when extra
 * is not "", a space and extra, which must be printable ASCII without
 * personal data) and the log line of one change by the signed-in user (the
 * template and lookup screens share it). A failed append is logged, not
 * returned.
 */
void page_templates_record(struct req *r, const char *action, const char *object, uint64_t id,
			   const char *extra);

#endif
