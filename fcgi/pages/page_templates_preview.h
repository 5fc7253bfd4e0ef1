/* page_templates_preview.h: a template run on the latest 20 real records — the table, the exact bytes, issues, download. */
#ifndef ECC_PAGE_TEMPLATES_PREVIEW_H
#define ECC_PAGE_TEMPLATES_PREVIEW_H

struct req;

/*
 * The preview runs a definition on the newest PAGE_TEMPLATES_PREVIEW_RECORDS
 * units of the template's kind (dbq_convsrc_read latest=20) from the
 * connections the user may use (a restricted user: only the allowed ones;
 * none allowed: no record), with the tenant's lookup tables, at the current
 * time. For viewers the buyer's and the ship-to's personal data is masked
 * in the records before the run (name and kana: first character, e-mail
 * a***@domain, phone: last four digits, postal code and street address
 * removed), as on the order page, so neither the table nor the bytes nor a
 * download show it. The page shows the counts, the file name, the table
 * (header and rows, read back from the bytes), the text as decoded, a hex
 * view of the first 4 KiB, the encoding issues, and a download of exactly
 * those bytes.
 *
 * GET  /templates/{id:int}/preview    the current version (viewer+)
 * GET  /templates/{id:int}/download   its bytes as an attachment (viewer+)
 * POST /templates/{id:int}/preview    the editor's unsaved state (editor+);
 * POST /templates/preview             the same for a template not saved yet;
 *   a state that does not pass the checks shows the editor with the
 *   messages (200). With op=download the POSTs answer the bytes as an
 *   attachment instead of the page. The page carries the state in hidden
 *   fields, to download it or go back to the editor with it.
 * Downloads are audited (template.preview_download).
 */
#define PAGE_TEMPLATES_PREVIEW_RECORDS 20

int page_templates_preview_show(struct req *r);
int page_templates_preview_download(struct req *r);
int page_templates_preview_post(struct req *r);
int page_templates_preview_new(struct req *r);

#endif
