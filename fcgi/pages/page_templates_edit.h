/* page_templates_edit.h: the template editor — new (from scratch or a standard template), edit, row actions, save. */
#ifndef ECC_PAGE_TEMPLATES_EDIT_H
#define ECC_PAGE_TEMPLATES_EDIT_H

struct req;
struct tpl_form;
struct view;

/*
 * Handlers (routes.c: R_AUTH, ROLE_EDITOR; POSTs also R_CSRF).
 * GET /templates/new: without ?kind= the choice (a kind from scratch, or a
 *   standard template); with ?kind=order|order_line|product|stock|shipment
 *   the empty editor (an unknown kind is 400).
 * POST /templates: the editor of a new template posted back (hidden kind).
 * GET /templates/{id:int}/edit, POST /templates/{id:int}/edit: the editor
 *   of a saved template (its current version).
 * The posted form is described in page_templates_form.h. A row action
 * (op add / del:N / up:N / down:N / refresh) shows the editor again with
 * 200 and saves nothing; op save checks everything (conv_def_validate and
 * the name) and on an error shows the form again as typed with the message
 * beside the row/input, storing nothing; on success it creates the template
 * (version 1) or a new version (dbq_templates_save: nothing when unchanged),
 * audits template.create / template.save and answers 303 to the template.
 * POST /templates/standard: key = a standard template (conv_std.h): a copy
 *   named after it ("… (2)" when the name is taken), audited
 *   template.create, 303 to its editor; an unknown key is 400.
 */
int page_templates_edit_new(struct req *r);
int page_templates_edit_create(struct req *r);
int page_templates_edit_form(struct req *r);
int page_templates_edit_update(struct req *r);
int page_templates_edit_standard(struct req *r);

/* page_templates_edit_render: the editor for f with status (the preview
 * uses it to show a form that did not pass the checks). */
int page_templates_edit_render(struct req *r, const struct tpl_form *f, int status);

/* page_templates_edit_choices: the keys kinds [{value, label}] and
 * standards [{key, name, kind_label, description}] of the new-template
 * choice, into v. */
void page_templates_edit_choices(struct req *r, struct view *v);

#endif
