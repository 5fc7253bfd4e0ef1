/* page_error.h: the generic error page (friendly text and the request id, details only in the log). */
#ifndef ECC_PAGE_ERROR_H
#define ECC_PAGE_ERROR_H

struct req;

/* page_error_render: replace the response with the error page for status
 * (400 403 404 405 413 429 500 503; others map to the nearest class).
 * Never fails: if the template cannot render, a minimal plain-text body with
 * the request id is used. */
void page_error_render(struct req *r, int status);

#endif
