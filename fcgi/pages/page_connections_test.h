/* page_connections_test.h: 接続テスト — one real authenticated call to the platform, its exact answer on the page. */
#ifndef ECC_PAGE_CONNECTIONS_TEST_H
#define ECC_PAGE_CONNECTIONS_TEST_H

struct req;

/*
 * page_connections_test_run: POST /connections/{id:int}/test (R_AUTH |
 * R_CSRF, ROLE_EDITOR; a connection the user may not use is 404). Builds a
 * struct conn_ctx from the stored settings and decrypted secrets with the
 * outbound guard of the configuration (outbound_allowlist, outbound_ca_file)
 * and short limits (one retry, 15 s per call), calls the platform's test(),
 * and renders the connection's page with the platform client's message in a
 * success or failure box — status 200 either way, so the browser shows the
 * message instead of an error page (flash cookies carry only keys, not this
 * text). Nothing about the connection changes on failure; a success clears
 * an earlier auth_failed flag (the credentials work again, so the fetcher
 * may resume). Writes the audit entry "connection.test" (connection id,
 * platform, result, error class; never a secret) and one log line.
 */
int page_connections_test_run(struct req *r);

#endif
