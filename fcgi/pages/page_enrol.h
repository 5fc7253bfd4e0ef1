/* page_enrol.h: mandatory TOTP enrolment (QR code, key, confirmation) and the one-time recovery codes. */
#ifndef ECC_PAGE_ENROL_H
#define ECC_PAGE_ENROL_H

struct req;

int page_enrol_form(struct req *r);   /* GET  /enrol (enrolment sessions) */
int page_enrol_submit(struct req *r); /* POST /enrol: confirm with a code → recovery codes shown once */

#endif
