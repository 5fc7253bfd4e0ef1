/* page_test.h: routes that exist only in ECC_TEST builds, for fault and parser tests through the real stack. */
#ifndef ECC_PAGE_TEST_H
#define ECC_PAGE_TEST_H

#ifdef ECC_TEST
struct req;

int page_test_fail(struct req *r);  /* GET  /__test/fail: writes a body, then fails → error page replaces it */
int page_test_sleep(struct req *r); /* GET  /__test/sleep?ms=N (≤ 5000): slow request */
int page_test_echo(struct req *r);  /* POST /__test/echo: the parsed form as JSON */
int page_test_item(struct req *r);  /* GET  /__test/item/{id:int}: the typed parameter */
int page_test_big(struct req *r);   /* GET  /__test/big: exceeds the per-request memory cap → 500 */
#endif

#endif
