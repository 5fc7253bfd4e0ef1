/* test_flow_dest.c: a flow's destination JSON (settings + secret) ⇔ delivery target, round trips and refusals. */
#include "core/arena.h"
#include "core/err.h"
#include "jobs/flow_dest.h"
#include "t.h"

#define FP "SHA256:QOJZnu5ZGwHX4YWPb2iNJLFAkHu/atrOPWB9H2z+yKk"

static struct arena *A;

static void
test_sftp_password(void)
{
	struct delivery_target t = { .kind = DELIVERY_SFTP, .host = "sftp.example.jp", .port = 2222, .user = "shop",
				     .dir = "/in", .hostkey_sha256 = FP, .auth = DELIVERY_AUTH_PASSWORD,
				     .password = "p\"ass\\wörd" };
	char *settings = flow_dest_settings_json(A, &t), *secret = flow_dest_secret_json(A, &t);
	T_OK(strstr(settings, "wörd") == NULL, "no secret in the settings: %s", settings);
	T_STREQ(settings, "{\"host\":\"sftp.example.jp\",\"port\":2222,\"user\":\"shop\",\"dir\":\"/in\",\"hostkey\":\"" FP
			  "\",\"auth\":\"password\"}");
	struct delivery_target u;
	T_INTEQ(flow_dest_target(A, "sftp", settings, secret, &u), 0);
	T_INTEQ(u.kind, DELIVERY_SFTP);
	T_STREQ(u.host, "sftp.example.jp");
	T_INTEQ(u.port, 2222);
	T_STREQ(u.user, "shop");
	T_STREQ(u.dir, "/in");
	T_STREQ(u.hostkey_sha256, FP);
	T_INTEQ(u.auth, DELIVERY_AUTH_PASSWORD);
	T_STREQ(u.password, "p\"ass\\wörd");
	T_OK(u.private_key == NULL, "no key");
	/* without the secret (the page showing where files go): everything but the password */
	T_INTEQ(flow_dest_target(A, "sftp", settings, NULL, &u), 0);
	T_OK(u.password == NULL && u.host != NULL, "no password without the secret");
	T_INTEQ(flow_dest_target(A, "sftp", settings, "", &u), 0);
	T_OK(u.password == NULL, "\"\" is no secret");
}

static void
test_sftp_key(void)
{
	const char *key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n";
	struct delivery_target t = { .kind = DELIVERY_SFTP, .host = "10.0.0.1", .user = "u", .dir = "/",
				     .hostkey_sha256 = FP, .auth = DELIVERY_AUTH_KEY, .private_key = key,
				     .key_passphrase = "phrase", .password = "ignored" };
	char *settings = flow_dest_settings_json(A, &t), *secret = flow_dest_secret_json(A, &t);
	T_OK(strstr(settings, "\"port\":22") != NULL && strstr(settings, "\"auth\":\"key\"") != NULL, "%s", settings);
	T_OK(strstr(secret, "ignored") == NULL, "only the key's secrets are kept: %s", secret);
	struct delivery_target u;
	T_INTEQ(flow_dest_target(A, "sftp", settings, secret, &u), 0);
	T_INTEQ(u.auth, DELIVERY_AUTH_KEY);
	T_STREQ(u.private_key, key);
	T_STREQ(u.key_passphrase, "phrase");
	T_OK(u.password == NULL, "no password for key authentication");
}

static void
test_http(void)
{
	struct delivery_target t = { .kind = DELIVERY_HTTP, .url = "https://erp.example.jp/import?x=1" };
	char *settings = flow_dest_settings_json(A, &t);
	T_STREQ(settings, "{\"url\":\"https://erp.example.jp/import?x=1\"}");
	T_STREQ(flow_dest_secret_json(A, &t), ""); /* no token: nothing to seal */
	t.bearer_token = "tok-123";
	char *secret = flow_dest_secret_json(A, &t);
	T_STREQ(secret, "{\"token\":\"tok-123\"}");
	struct delivery_target u;
	T_INTEQ(flow_dest_target(A, "http", settings, secret, &u), 0);
	T_INTEQ(u.kind, DELIVERY_HTTP);
	T_STREQ(u.url, "https://erp.example.jp/import?x=1");
	T_STREQ(u.bearer_token, "tok-123");
}

static void
test_refused(void)
{
	struct delivery_target u;
	const char *bad_settings[] = { NULL, "", "[]", "{", "\"x\"", "{\"host\":" };
	for (size_t i = 0; i < sizeof bad_settings / sizeof bad_settings[0]; i++) {
		u.kind = DELIVERY_HTTP;
		T_OK(flow_dest_target(A, "sftp", bad_settings[i], NULL, &u) == -ERR_INVALID, "settings %zu refused", i);
		T_INTEQ(u.kind, 0);
	}
	T_INTEQ(flow_dest_target(A, "sftp", "{}", "not json", &u), -ERR_INVALID);
	T_INTEQ(flow_dest_target(A, "sftp", "{}", "[1]", &u), -ERR_INVALID);
	T_INTEQ(flow_dest_target(A, "download", "{}", NULL, &u), -ERR_INVALID);
	T_INTEQ(flow_dest_target(A, "ftp", "{}", NULL, &u), -ERR_INVALID);
	T_INTEQ(flow_dest_target(A, NULL, "{}", NULL, &u), -ERR_INVALID);
	/* wrong types are absent values, not crashes */
	T_INTEQ(flow_dest_target(A, "sftp", "{\"host\":1,\"port\":\"22\",\"auth\":[],\"dir\":null}", "{\"password\":5}",
				 &u),
		0);
	T_OK(u.host == NULL && u.port == 0 && u.dir == NULL && u.password == NULL && u.auth == DELIVERY_AUTH_PASSWORD,
	     "wrong types read as not set");
	struct delivery_target none = { 0 };
	T_STREQ(flow_dest_settings_json(A, &none), "{}");
	T_STREQ(flow_dest_secret_json(A, &none), "");
}

int
main(void)
{
	A = arena_new(0);
	test_sftp_password();
	test_sftp_key();
	test_http();
	test_refused();
	arena_free(A);
	return t_done("flow_dest");
}
