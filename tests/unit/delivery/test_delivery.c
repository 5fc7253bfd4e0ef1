/* test_delivery.c: file delivery without a server: host key pins, target validation, message mapping, key files, the guard. */
#include "connectors/ssrf.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "delivery/delivery.h"
#include "delivery/delivery_http.h"
#include "delivery/delivery_keyfile.h"
#include "delivery/delivery_sftp.h"
#include "t.h"

#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FP "QOJZnu5ZGwHX4YWPb2iNJLFAkHu/atrOPWB9H2z+yKk"

static struct arena *A;

static bool
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

static struct delivery_target
sftp_target(void)
{
	struct delivery_target t;
	memset(&t, 0, sizeof t);
	t.kind = DELIVERY_SFTP;
	t.host = "sftp.example.com";
	t.port = 22;
	t.user = "shop";
	t.dir = "/in";
	t.auth = DELIVERY_AUTH_PASSWORD;
	t.password = "secret-pw";
	t.hostkey_sha256 = "SHA256:" FP;
	return t;
}

static struct delivery_target
http_target(void)
{
	struct delivery_target t;
	memset(&t, 0, sizeof t);
	t.kind = DELIVERY_HTTP;
	t.url = "https://receiver.example.com/upload?token=x";
	return t;
}

static void
test_fingerprint(void)
{
	char out[DELIVERY_FP_LEN + 1];
	T_INTEQ(delivery_fingerprint_parse("SHA256:" FP, out), 0);
	T_STREQ(out, FP);
	T_INTEQ(delivery_fingerprint_parse(FP, out), 0);
	T_STREQ(out, FP);
	T_INTEQ(delivery_fingerprint_parse(FP "=", out), 0);
	T_STREQ(out, FP);
	T_INTEQ(delivery_fingerprint_parse("  sha256:" FP "  ", out), 0);
	T_STREQ(out, FP);
	T_INTEQ(delivery_fingerprint_parse(NULL, out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("", out), -ERR_INVALID);
	T_STREQ(out, "");
	T_INTEQ(delivery_fingerprint_parse("SHA256:", out), -ERR_INVALID);
	/* 42 and 44 characters, "==" padding */
	T_INTEQ(delivery_fingerprint_parse("QOJZnu5ZGwHX4YWPb2iNJLFAkHu/atrOPWB9H2z+yK", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse(FP "A", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse(FP "==", out), -ERR_INVALID);
	/* base64url characters, inner space, MD5 hex form, the MD5: prefix */
	T_INTEQ(delivery_fingerprint_parse("QOJZnu5ZGwHX4YWPb2iNJLFAkHu_atrOPWB9H2z-yKk", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("QOJZnu5ZGwHX4YWPb2iNJLFA Hu/atrOPWB9H2z+yKk", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("13:ea:37:4d:42:bd:e4:d0:2f:79:df:d6:fd:4a:80:c0", out),
		-ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("MD5:" FP, out), -ERR_INVALID);
	/* the last character carries 2 bits past the 32 bytes: they must be zero */
	T_INTEQ(delivery_fingerprint_parse("QOJZnu5ZGwHX4YWPb2iNJLFAkHu/atrOPWB9H2z+yKl", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", out), 0);
	T_INTEQ(delivery_fingerprint_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", out), -ERR_INVALID);
	T_INTEQ(delivery_fingerprint_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE", out), 0);
}

/* expect_invalid: validate t, want -ERR_INVALID with msg containing sub */
static void
expect_invalid(const struct delivery_target *t, const char *sub, const char *what)
{
	struct delivery_result r;
	int rc = delivery_validate(A, t, &r);
	T_OK(rc == -ERR_INVALID, "%s: rc %d", what, rc);
	T_OK(r.cat == DELIVERY_CAT_INVALID, "%s: category %s", what, delivery_category_name(r.cat));
	T_OK(has(r.message, sub), "%s: message \"%s\" lacks \"%s\"", what, r.message, sub);
}

static void
test_validate_sftp(void)
{
	struct delivery_result r;
	struct delivery_target t = sftp_target();
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	T_INTEQ(r.cat, DELIVERY_OK);
	T_STREQ(r.message, "");
	t.port = 0;
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	t.port = 65535;
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	static const char *const good_hosts[] = { "127.0.0.1", "::1", "[2001:db8::1]", "a-b_c.example.jp" };
	for (size_t i = 0; i < sizeof good_hosts / sizeof good_hosts[0]; i++) {
		t = sftp_target();
		t.host = good_hosts[i];
		T_OK(delivery_validate(A, &t, &r) == 0, "host %s: %s", good_hosts[i], r.message);
	}
	static const char *const good_dirs[] = { "/", "/in", "/in/", "//in", "/受注/出力", "/a.b/..c" };
	for (size_t i = 0; i < sizeof good_dirs / sizeof good_dirs[0]; i++) {
		t = sftp_target();
		t.dir = good_dirs[i];
		T_OK(delivery_validate(A, &t, &r) == 0, "dir %s: %s", good_dirs[i], r.message);
	}

	t = sftp_target();
	t.host = "";
	expect_invalid(&t, "ホスト名が指定されていません", "empty host");
	t.host = NULL;
	expect_invalid(&t, "ホスト名が指定されていません", "NULL host");
	static const char *const bad_hosts[] = { "ex ample.com", "host/x", "a..b", "-x.com", "[::1",
						 "::zz", "fe80::1%eth0", "user@host", "ホスト.jp" };
	for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++) {
		t.host = bad_hosts[i];
		expect_invalid(&t, "ホスト名が正しくありません", bad_hosts[i]);
	}
	t = sftp_target();
	t.port = 70000;
	expect_invalid(&t, "ポート番号が範囲外です（1〜65535）: 70000", "port 70000");
	t.port = 65536;
	expect_invalid(&t, "ポート番号が範囲外です", "port 65536");
	t.port = -1;
	expect_invalid(&t, "ポート番号が範囲外です", "port -1");
	t = sftp_target();
	t.user = "";
	expect_invalid(&t, "ユーザー名が指定されていません", "empty user");
	t.user = "a\nb";
	expect_invalid(&t, "ユーザー名が長すぎるか", "user with LF");
	t = sftp_target();
	t.dir = "";
	expect_invalid(&t, "ディレクトリが指定されていません", "empty dir");
	t.dir = "in";
	expect_invalid(&t, "/ で始まる絶対パス", "relative dir");
	t.dir = "/in/../etc";
	expect_invalid(&t, "「..」", "dir with ..");
	t.dir = "..";
	expect_invalid(&t, "/ で始まる絶対パス", "dir ..");
	t.dir = "/..";
	expect_invalid(&t, "「..」", "dir /..");
	t.dir = "/in/.";
	expect_invalid(&t, "「.」", "dir with .");
	t.dir = "/in//x";
	expect_invalid(&t, "空の階層", "dir with //");
	t.dir = "/in\r\nrm x";
	expect_invalid(&t, "使えない文字", "dir with CR LF");
	t.dir = "/in/\xff";
	expect_invalid(&t, "使えない文字", "dir with bad UTF-8");
	t = sftp_target();
	t.auth = 0;
	expect_invalid(&t, "認証方式", "no auth");
	t.auth = DELIVERY_AUTH_PASSWORD;
	t.password = "";
	expect_invalid(&t, "パスワードが指定されていません", "empty password");
	t.auth = DELIVERY_AUTH_KEY;
	expect_invalid(&t, "秘密鍵が指定されていません", "no key");
	t.private_key = "ssh-ed25519 AAAAC3Nz... (a public key)";
	expect_invalid(&t, "秘密鍵の形式", "public key given");
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n-----END OPENSSH PRIVATE KEY-----\n";
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	t = sftp_target();
	t.hostkey_sha256 = NULL;
	expect_invalid(&t, "フィンガープリントが指定されていません", "no pin");
	t.hostkey_sha256 = "";
	expect_invalid(&t, "未設定のままでは接続しません", "empty pin says no TOFU");
	t.hostkey_sha256 = "SHA256:short";
	expect_invalid(&t, "フィンガープリントの形式が正しくありません", "short pin");
	/* the message never echoes a secret */
	t = sftp_target();
	t.port = 99999;
	delivery_validate(A, &t, &r);
	T_OK(!has(r.message, "secret-pw"), "no password in the message: %s", r.message);
	/* timeouts and kind */
	t = sftp_target();
	t.timeout_s = -1;
	expect_invalid(&t, "タイムアウト", "negative timeout");
	t = sftp_target();
	t.kind = 7;
	expect_invalid(&t, "種類", "unknown kind");
	expect_invalid(NULL, "配信先", "NULL target");
}

static void
test_validate_http(void)
{
	struct delivery_result r;
	struct delivery_target t = http_target();
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	t.bearer_token = "tok";
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	t.url = "";
	expect_invalid(&t, "URL が指定されていません", "empty url");
	t.url = "http://receiver.example.com/upload";
	expect_invalid(&t, "https:// で始めてください", "plain http");
	t.url = "ftp://receiver.example.com/";
	expect_invalid(&t, "https:// で始めてください", "ftp");
	t.url = "https://";
	expect_invalid(&t, "https:// で始めてください", "no host");
	t.url = "https://a b.example.com/";
	expect_invalid(&t, "URL が正しくありません", "space");
	t.url = "https://x.example.com/\r\nX-Evil: 1";
	expect_invalid(&t, "URL が正しくありません", "CRLF");
	t.url = "https://user:pw@x.example.com/";
	expect_invalid(&t, "認証情報", "userinfo");
	t = http_target();
	t.url = "https://x.example.com/path@with-at";
	T_INTEQ(delivery_validate(A, &t, &r), 0);
	t = http_target();
	t.bearer_token = "tok";
	t.basic_user = "u";
	expect_invalid(&t, "どちらか一方", "bearer and basic");
	t = http_target();
	t.basic_password = "pw";
	expect_invalid(&t, "Basic 認証のユーザー名が指定されていません", "password without user");
	t.basic_user = "a:b";
	expect_invalid(&t, "使えない文字", "user with colon");
	t = http_target();
	t.bearer_token = "tok\r\nX-Evil: 1";
	expect_invalid(&t, "Bearer", "token with CRLF");
	t = http_target();
	t.content_type = "text/csv\r\nX-Evil: 1";
	expect_invalid(&t, "Content-Type", "content type with CRLF");
}

static void
test_check_file(void)
{
	struct delivery_result r;
	struct delivery_target t = sftp_target();
	delivery_result_init(&r);
	T_INTEQ(delivery_check_file(A, &t, "受注_20240101-0900.csv", 10, &r), 0);
	T_INTEQ(delivery_check_file(A, &t, "a", 0, &r), 0);
	static const char *const bad[] = { "", "a/b.csv", "a\\b.csv", ".hidden", "..", ".", "a\nb",
					   "a\tb", "\xe5\x8f", "x\x7f" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		delivery_result_init(&r);
		T_OK(delivery_check_file(A, &t, bad[i], 1, &r) == -ERR_INVALID, "name #%zu refused", i);
		T_INTEQ(r.cat, DELIVERY_CAT_INVALID);
		T_OK(has(r.message, "ファイル名"), "name #%zu: %s", i, r.message);
	}
	char longname[DELIVERY_NAME_MAX + 2];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	T_INTEQ(delivery_check_file(A, &t, longname, 1, &r), -ERR_INVALID);
	longname[DELIVERY_NAME_MAX] = '\0';
	T_INTEQ(delivery_check_file(A, &t, longname, 1, &r), 0);
	t.max_size = 100;
	T_INTEQ(delivery_check_file(A, &t, "a.csv", 100, &r), 0);
	T_INTEQ(delivery_check_file(A, &t, "a.csv", 101, &r), -ERR_TOO_LARGE);
	T_STREQ(r.message, "ファイルが大きすぎます（101 バイト、上限 100 バイト）");
	t.max_size = 0;
	T_INTEQ(delivery_check_file(A, &t, "a.csv", DELIVERY_MAX_SIZE + 1, &r), -ERR_TOO_LARGE);
}

static void
test_names_and_snippet(void)
{
	T_STREQ(delivery_category_name(DELIVERY_OK), "ok");
	T_STREQ(delivery_category_name(DELIVERY_CAT_AUTH), "auth");
	T_STREQ(delivery_category_name(DELIVERY_CAT_HOSTKEY), "hostkey");
	T_STREQ(delivery_category_name(DELIVERY_CAT_NETWORK), "network");
	T_STREQ(delivery_category_name(DELIVERY_CAT_REMOTE), "remote");
	T_STREQ(delivery_category_name(DELIVERY_CAT_GUARD), "guard");
	T_STREQ(delivery_category_name(DELIVERY_CAT_INVALID), "invalid");
	T_STREQ(delivery_category_name(99), "unknown");

	struct buf b;
	buf_init(&b, A, 0);
	delivery_snippet(&b, "\r\n  エラー:\r\n\tdb\x01" "down \r\n", 27, 200);
	T_STREQ(b.data, "エラー: db down");
	buf_clear(&b);
	delivery_snippet(&b, "abc\xff\xfe" "d", 6, 200);
	T_STREQ(b.data, "abc\xEF\xBF\xBD\xEF\xBF\xBD" "d");
	buf_clear(&b);
	delivery_snippet(&b, "あいう", 9, 7); /* 7 bytes: two characters fit, never half of one */
	T_STREQ(b.data, "あい…");
	buf_clear(&b);
	delivery_snippet(&b, "abc", 3, 3);
	T_STREQ(b.data, "abc");
	buf_clear(&b);
	delivery_snippet(&b, "a\0b", 3, 10);
	T_STREQ(b.data, "a b");
	buf_clear(&b);
	delivery_snippet(&b, "", 0, 10);
	T_STREQ(b.data, "");

	struct delivery_result r;
	delivery_result_init(&r);
	T_INTEQ(delivery_fail(A, &r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM, "x%sy", "\r\n"), -ERR_UPSTREAM);
	T_STREQ(r.message, "x  y");
	T_INTEQ(r.cat, DELIVERY_CAT_REMOTE);
}

static void
test_sftp_paths(void)
{
	T_STREQ(delivery_sftp_dir(A, "/in/"), "/in");
	T_STREQ(delivery_sftp_dir(A, "//in//"), "/in");
	T_STREQ(delivery_sftp_dir(A, "/"), "/");
	T_STREQ(delivery_sftp_dir(A, "///"), "/");
	T_STREQ(delivery_sftp_join(A, "/", "a.csv"), "/a.csv");
	T_STREQ(delivery_sftp_join(A, "/in", "a.csv"), "/in/a.csv");
	T_STREQ(delivery_sftp_url(A, "sftp.example.com", 22, "/in/a b.csv"),
		"sftp://sftp.example.com:22/in/a%20b.csv");
	T_STREQ(delivery_sftp_url(A, "::1", 2222, "/in/"), "sftp://[::1]:2222/in/");
	T_STREQ(delivery_sftp_url(A, "[::1]", 2222, "/in/"), "sftp://[::1]:2222/in/");
	T_STREQ(delivery_sftp_url(A, "h", 22, "/受/%?#;.x"), "sftp://h:22/%E5%8F%97/%25%3F%23%3B.x");
	T_STREQ(delivery_sftp_quote(A, "/in/.a.csv.part"), "\"/in/.a.csv.part\"");
	T_STREQ(delivery_sftp_quote(A, "/in/a\"b\\c"), "\"/in/a\\\"b\\\\c\"");
}

static void
classify(int code, enum delivery_sftp_step step, const char *detail, enum delivery_cat want_cat,
	 int want_rc, const char *sub)
{
	struct delivery_target t = sftp_target();
	struct delivery_result r;
	delivery_result_init(&r);
	int rc = delivery_sftp_classify(A, &t, step, code, detail, "/in", "a.csv", &r);
	T_OK(rc == want_rc, "curl %d: rc %d want %d", code, rc, want_rc);
	T_OK(r.cat == want_cat, "curl %d: category %s", code, delivery_category_name(r.cat));
	T_OK(has(r.message, sub), "curl %d: message \"%s\" lacks \"%s\"", code, r.message, sub);
	T_OK(!has(r.message, "secret-pw"), "curl %d: no secret", code);
	T_OK(r.detail != NULL && r.detail[0] != '\0', "curl %d: a detail", code);
}

static void
test_sftp_classify(void)
{
	classify(CURLE_PEER_FAILED_VERIFICATION, DELIVERY_SFTP_LIST,
		 "Denied establishing ssh session: mismatch sha256 fingerprint. Remote "
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= is not equal to " FP,
		 DELIVERY_CAT_HOSTKEY, -ERR_FORBIDDEN, "ホスト鍵が一致しません（期待 SHA256:" FP);
	struct delivery_target t = sftp_target();
	struct delivery_result r;
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_PEER_FAILED_VERIFICATION,
			       "... Remote AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= is not equal to x",
			       "/in", NULL, &r);
	T_STREQ(r.fingerprint, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	T_OK(has(r.message, "サーバーの鍵 SHA256:AAAA"), "names the presented key: %s", r.message);
	/* binary or unexpected detail: no fingerprint, still a clear message */
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_PEER_FAILED_VERIFICATION,
			       "Remote \x01\x02 is not equal to x", "/in", NULL, &r);
	T_STREQ(r.fingerprint, "");
	T_OK(has(r.message, "ホスト鍵が一致しません（期待 SHA256:" FP "）"), "%s", r.message);
	classify(CURLE_LOGIN_DENIED, DELIVERY_SFTP_LIST, "Authentication failure", DELIVERY_CAT_AUTH,
		 -ERR_FORBIDDEN, "認証に失敗しました（ユーザー shop、パスワード）");
	classify(CURLE_REMOTE_FILE_NOT_FOUND, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_REMOTE,
		 -ERR_NOT_FOUND, "アップロード先のディレクトリがありません: /in");
	classify(CURLE_REMOTE_ACCESS_DENIED, DELIVERY_SFTP_UPLOAD, NULL, DELIVERY_CAT_REMOTE,
		 -ERR_UPSTREAM, "書き込む権限がありません: /in");
	classify(CURLE_REMOTE_ACCESS_DENIED, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_REMOTE,
		 -ERR_UPSTREAM, "読む権限がありません: /in");
	classify(CURLE_REMOTE_DISK_FULL, DELIVERY_SFTP_UPLOAD, NULL, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
		 "容量が足りません");
	classify(CURLE_QUOTE_ERROR, DELIVERY_SFTP_RENAME, "rename command failed", DELIVERY_CAT_REMOTE,
		 -ERR_CONFLICT, "/in/a.csv に変更できませんでした（同名のファイルが既にある場合も上書きしません）");
	classify(CURLE_COULDNT_RESOLVE_HOST, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_NETWORK,
		 -ERR_UNAVAILABLE, "接続できません: ホスト名 sftp.example.com が見つかりません");
	classify(CURLE_COULDNT_CONNECT, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
		 "接続できません: sftp.example.com:22");
	classify(CURLE_OPERATION_TIMEDOUT, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_NETWORK, -ERR_TIMEOUT,
		 "タイムアウト");
	classify(CURLE_OPERATION_TIMEDOUT, DELIVERY_SFTP_UPLOAD, NULL, DELIVERY_CAT_NETWORK, -ERR_TIMEOUT,
		 "アップロード中にタイムアウト");
	classify(CURLE_RECV_ERROR, DELIVERY_SFTP_UPLOAD, NULL, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
		 "通信が途中で切れました");
	classify(CURLE_SSH, DELIVERY_SFTP_LIST, "Failure establishing ssh session: -5", DELIVERY_CAT_REMOTE,
		 -ERR_UPSTREAM, "SSH/SFTP のエラーです（sftp.example.com:22）: Failure establishing");
	classify(CURLE_UPLOAD_FAILED, DELIVERY_SFTP_UPLOAD, NULL, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
		 "アップロードに失敗しました");
	classify(CURLE_NOT_BUILT_IN, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_INVALID, -ERR_UNAVAILABLE,
		 "対応していません");
	classify(CURLE_BAD_DOWNLOAD_RESUME, DELIVERY_SFTP_LIST, NULL, DELIVERY_CAT_NETWORK,
		 -ERR_UNAVAILABLE, "配信に失敗しました（sftp.example.com:22）");
	t.auth = DELIVERY_AUTH_KEY;
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
			"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAOgAAAAtzc2gtZWQyNTUxOQAAAAMBAAEAAAAgAAAA\n"
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAA==\n"
			"-----END OPENSSH PRIVATE KEY-----\n";
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_LOGIN_DENIED, NULL, "/in", NULL, &r);
	T_STREQ(r.message, "認証に失敗しました（ユーザー shop、秘密鍵）");
	/* an RSA key (OpenSSH or PEM form): the hint that modern servers refuse ssh-rsa signatures */
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
			"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAANgAAAAdzc2gtcnNhAAAAAwEAAQAAACAAAAAAAAAA\n"
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAA\n"
			"-----END OPENSSH PRIVATE KEY-----\n";
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_LOGIN_DENIED, NULL, "/in", NULL, &r);
	T_OK(has(r.message, "RSA 鍵は ssh-rsa 署名") && has(r.message, "Ed25519 または ECDSA"), "%s", r.message);
	t.private_key = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_LOGIN_DENIED, NULL, "/in", NULL, &r);
	T_OK(has(r.message, "RSA 鍵"), "PEM RSA: %s", r.message);
	/* garbage between the markers is no crash and no hint */
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\n!!\xff\n-----END OPENSSH PRIVATE KEY-----";
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_LOGIN_DENIED, NULL, "/in", NULL, &r);
	T_STREQ(r.message, "認証に失敗しました（ユーザー shop、秘密鍵）");
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----";
	delivery_result_init(&r);
	delivery_sftp_classify(A, &t, DELIVERY_SFTP_LIST, CURLE_LOGIN_DENIED, NULL, "/in", NULL, &r);
	T_STREQ(r.message, "認証に失敗しました（ユーザー shop、秘密鍵）");
}

static void
test_http_mapping(void)
{
	struct delivery_result r;
	delivery_result_init(&r);
	T_INTEQ(delivery_http_judge(A, 200, "ok", 2, NULL, &r), 0);
	T_INTEQ(r.cat, DELIVERY_OK);
	T_INTEQ(delivery_http_judge(A, 204, NULL, 0, NULL, &r), 0);
	T_INTEQ(r.http_status, 204);
	delivery_result_init(&r);
	T_INTEQ(delivery_http_judge(A, 500, "Internal\r\nError", 15, NULL, &r), -ERR_UPSTREAM);
	T_STREQ(r.message, "HTTP 500 が返りました: Internal Error");
	T_INTEQ(r.cat, DELIVERY_CAT_REMOTE);
	T_INTEQ(r.http_status, 500);
	T_INTEQ(delivery_http_judge(A, 502, NULL, 0, NULL, &r), -ERR_UPSTREAM);
	T_STREQ(r.message, "HTTP 502 が返りました");
	char body[600];
	memset(body, 'x', sizeof body);
	T_INTEQ(delivery_http_judge(A, 400, body, sizeof body, NULL, &r), -ERR_UPSTREAM);
	T_OK(strlen(r.message) < 260 && has(r.message, "…"), "body cut at 200 bytes: %zu", strlen(r.message));
	T_INTEQ(delivery_http_judge(A, 401, "{\"error\":\"bad token\"}", 21, NULL, &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_AUTH);
	T_OK(has(r.message, "認証に失敗しました（HTTP 401 が返りました）: {\"error\""), "%s", r.message);
	T_INTEQ(delivery_http_judge(A, 403, NULL, 0, NULL, &r), -ERR_FORBIDDEN);
	T_INTEQ(delivery_http_judge(A, 302, NULL, 0, "https://elsewhere.example/\r\n", &r), -ERR_UPSTREAM);
	T_STREQ(r.message, "HTTP 302 が返りました（転送先 https://elsewhere.example/）。配信ではリダイレクトに従いません");
	T_INTEQ(delivery_http_judge(A, 307, NULL, 0, NULL, &r), -ERR_UPSTREAM);
	T_OK(has(r.message, "転送先 なし"), "%s", r.message);

	T_INTEQ(delivery_http_error(A, "10.0.0.1", -ERR_FORBIDDEN,
				    "blocked: private address 10.0.0.1 of host 10.0.0.1", &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_GUARD);
	T_STREQ(r.message, "接続先 10.0.0.1 は社内・ループバック等の非公開アドレスのため接続できません（private address 10.0.0.1）");
	T_INTEQ(delivery_http_error(A, "h", -ERR_FORBIDDEN, "blocked: scheme ftp is not http or https", &r),
		-ERR_INVALID);
	T_INTEQ(r.cat, DELIVERY_CAT_INVALID);
	T_INTEQ(delivery_http_error(A, "h", -ERR_UPSTREAM,
				    "http: h: SSL peer certificate or SSH remote key was not OK", &r),
		-ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_HOSTKEY);
	T_OK(has(r.message, "TLS 証明書を検証できません"), "%s", r.message);
	T_INTEQ(delivery_http_error(A, "h", -ERR_UPSTREAM, "http: h: Weird server reply", &r), -ERR_UPSTREAM);
	T_INTEQ(r.cat, DELIVERY_CAT_REMOTE);
	T_INTEQ(delivery_http_error(A, "h", -ERR_TIMEOUT, "", &r), -ERR_TIMEOUT);
	T_INTEQ(r.cat, DELIVERY_CAT_NETWORK);
	T_INTEQ(delivery_http_error(A, "h", -ERR_UNAVAILABLE, NULL, &r), -ERR_UNAVAILABLE);
	T_STREQ(r.message, "接続できません: h（接続が拒否されたか、到達できません）");
	T_INTEQ(delivery_http_error(A, "h", -ERR_TOO_LARGE, "", &r), -ERR_UPSTREAM);

	T_STREQ(delivery_http_disposition(A, "orders.csv"),
		"attachment; filename=\"orders.csv\"; filename*=UTF-8''orders.csv");
	T_STREQ(delivery_http_disposition(A, "受注 1.csv"),
		"attachment; filename=\"______ 1.csv\"; filename*=UTF-8''%E5%8F%97%E6%B3%A8%201.csv");
	T_STREQ(delivery_http_disposition(A, "a\"b%c;d.csv"),
		"attachment; filename=\"a_b_c;d.csv\"; filename*=UTF-8''a%22b%25c%3Bd.csv");
}

static void
test_keyfile(void)
{
	char tmpl[] = "/tmp/test_delivery_XXXXXX";
	const char *dir = mkdtemp(tmpl);
	T_OK(dir != NULL, "mkdtemp");
	if (dir == NULL)
		return;
	struct delivery_keyfile k;
	struct buf err;
	buf_init(&err, A, 0);
	const char *key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
	T_INTEQ(delivery_keyfile_write(&k, dir, key, &err), 0);
	/* readable through the path libcurl gets, with the newline added */
	char got[256] = "";
	int fd = open(k.path, O_RDONLY);
	T_OK(fd >= 0, "open %s", k.path);
	if (fd >= 0) {
		ssize_t n = read(fd, got, sizeof got - 1);
		got[n > 0 ? n : 0] = '\0';
		struct stat st;
		T_OK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
		close(fd);
	}
	T_OK(strncmp(got, key, strlen(key)) == 0 && got[strlen(key)] == '\n' &&
		     got[strlen(key) + 1] == '\0', "content: %s", got);
	/* on Linux the file has no name at all any more */
	T_OK(strncmp(k.path, "/proc/self/fd/", 14) == 0, "unnamed: %s", k.path);
	DIR *d = opendir(dir);
	int entries = 0;
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
		entries += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	T_INTEQ(entries, 0);
	int kfd = k.fd;
	delivery_keyfile_remove(&k);
	T_INTEQ(k.fd, -1);
	T_OK(fcntl(kfd, F_GETFD) == -1, "descriptor closed");
	delivery_keyfile_remove(&k); /* twice is harmless */
	/* the key lives in an anonymous in-memory file (memfd): never on a disk, so the
	 * temporary directory is not even used — an unusable one does not matter */
	buf_clear(&err);
	T_INTEQ(delivery_keyfile_write(&k, "/nonexistent-dir-for-test", key, &err), 0);
	char target[PATH_MAX] = "";
	ssize_t tl = readlink(k.path, target, sizeof target - 1);
	target[tl > 0 ? tl : 0] = '\0';
	T_OK(strncmp(target, "/memfd:ecc-sftp-key", 19) == 0, "in memory, not on disk: %s", target);
	delivery_keyfile_remove(&k);
	T_INTEQ(k.fd, -1);
	rmdir(dir);
}

/* delivery_send/test without a server: refused before any packet */
static void
test_send_offline(void)
{
	struct delivery_result r;
	struct delivery_target t = sftp_target();
	t.host = "";
	T_INTEQ(delivery_send(A, NULL, &t, "a.csv", "x", 1, &r), -ERR_INVALID);
	T_INTEQ(r.cat, DELIVERY_CAT_INVALID);
	t = sftp_target();
	T_INTEQ(delivery_send(A, NULL, &t, "../a.csv", "x", 1, &r), -ERR_INVALID);
	T_OK(has(r.message, "ファイル名"), "%s", r.message);
	T_INTEQ(delivery_send(A, NULL, &t, "a.csv", NULL, 1, &r), -ERR_INVALID);

	/* the guard: private and loopback addresses, not allowlisted */
	t = sftp_target();
	t.host = "10.0.0.1";
	T_INTEQ(delivery_send(A, NULL, &t, "a.csv", "x", 1, &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_GUARD);
	T_OK(has(r.message, "接続先 10.0.0.1 は社内・ループバック等の非公開アドレス"), "%s", r.message);
	T_OK(has(r.detail, "blocked: private address 10.0.0.1"), "%s", r.detail);
	t.host = "127.0.0.1";
	t.port = 1;
	T_INTEQ(delivery_test(A, NULL, &t, &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_GUARD);
	t.auth = DELIVERY_AUTH_KEY;
	t.private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";
	T_INTEQ(delivery_test(A, NULL, &t, &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_GUARD);
	/* allowlisted: the guard lets it through and the closed port answers */
	struct ssrf_policy pol;
	T_INTEQ(ssrf_policy_parse(A, "127.0.0.1:1", &pol, NULL), 0);
	struct delivery_opts o = { .allow = &pol };
	t = sftp_target();
	t.host = "127.0.0.1";
	t.port = 1;
	T_INTEQ(delivery_test(A, &o, &t, &r), -ERR_UNAVAILABLE);
	T_INTEQ(r.cat, DELIVERY_CAT_NETWORK);
	T_STREQ(r.message, "接続できません: 127.0.0.1:1（接続が拒否されたか、到達できません）");

	struct delivery_target h = http_target();
	h.url = "https://169.254.169.254/latest/meta-data/";
	T_INTEQ(delivery_send(A, NULL, &h, "a.csv", "x", 1, &r), -ERR_FORBIDDEN);
	T_INTEQ(r.cat, DELIVERY_CAT_GUARD);
	T_OK(has(r.message, "169.254.169.254"), "%s", r.message);
	T_STREQ(r.remote, "https://169.254.169.254/latest/meta-data/");
	h.url = "https://127.0.0.1:1/x?secret=1";
	T_INTEQ(delivery_test(A, NULL, &h, &r), -ERR_FORBIDDEN);
	T_STREQ(r.remote, "https://127.0.0.1:1/x");
}

int
main(void)
{
	log_init("test_delivery", NULL, LOG_ERROR);
	A = arena_new(0);
	test_fingerprint();
	test_validate_sftp();
	test_validate_http();
	test_check_file();
	test_names_and_snippet();
	test_sftp_paths();
	test_sftp_classify();
	test_http_mapping();
	test_keyfile();
	test_send_offline();
	arena_free(A);
	return t_done("delivery");
}
