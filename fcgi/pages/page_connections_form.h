/* page_connections_form.h: the connection add/edit form — platform choice, the platform's fields, checks, save. */
#ifndef ECC_PAGE_CONNECTIONS_FORM_H
#define ECC_PAGE_CONNECTIONS_FORM_H

struct req;

/*
 * Handlers (routes.c: R_AUTH, ROLE_EDITOR; the POSTs also R_CSRF). The rules
 * common to the connection screens (roles, restricted users, audit) are in
 * page_connections.h. A user restricted to chosen connections cannot add
 * one: new and create answer 403 with a message (connections/refused).
 * The form shows the platform's fields (conn_ops.fields) with their labels
 * and help; a secret field is never shown, not even masked: on an edit it
 * says "設定済み" when stored, and left empty it keeps the stored secret.
 * Bad input (a field too long, control characters, a required field left
 * empty, a name already taken, an endpoint that is not a valid URL, what
 * the platform's validate() refuses) shows the form again with 200 and a
 * message at the field; an unknown platform or a repeated form field is 400.
 * A save writes the audit entry connection.create / connection.update
 * (page_connections_record) and answers 303 to the connection's page with
 * a flash message. edit and update load the connection with
 * page_connections_load (404 when this user may not use it).
 */
int page_connections_form_new(struct req *r);    /* GET /connections/new[?platform=shopify|rakuten|amazon] */
int page_connections_form_create(struct req *r); /* POST /connections: platform, name, endpoint, f_<field>… */
int page_connections_form_edit(struct req *r);   /* GET /connections/{id:int}/edit */
int page_connections_form_update(struct req *r); /* POST /connections/{id:int}/edit (empty secret = keep) */

#endif
