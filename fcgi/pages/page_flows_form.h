/* page_flows_form.h: the flow add/edit form — template, sources, extra filter, destination, schedule, keep days. */
#ifndef ECC_PAGE_FLOWS_FORM_H
#define ECC_PAGE_FLOWS_FORM_H

struct req;

/*
 * Handlers (routes.c, R_AUTH, editors). The form: name; template (one of the
 * tenant's); source connections (check boxes: the user's allowed ones);
 * an extra filter expression over the template's data kind (checked like a
 * template's, the Japanese message says at which character); destination
 * ダウンロードのみ / SFTP (host, port, user, directory, pinned host key
 * "SHA256:…", password or private key) / HTTP POST (https URL, optional
 * token); schedule every N minutes (5–1440), at JST times on chosen days,
 * or manual only; keep files N days (1–3650).
 *
 * Secrets are write-only: never shown again, an empty input keeps the
 * stored one (of the same kind). A bad value shows the form again with the
 * entered values and a message beside the field, and stores nothing. The
 * submit button "op" = "test" runs the 接続テスト of the entered SFTP/HTTP
 * destination instead of saving (audited flow.test). Saves are audited
 * flow.create / flow.update (secret=changed|kept, never the secret).
 */
int page_flows_form_new(struct req *r);     /* GET /flows/new */
int page_flows_form_create(struct req *r);  /* POST /flows */
int page_flows_form_edit(struct req *r);    /* GET /flows/{id:int}/edit */
int page_flows_form_update(struct req *r);  /* POST /flows/{id:int}/edit */

#endif
