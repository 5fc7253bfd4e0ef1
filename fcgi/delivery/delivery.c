/* delivery.c: the common part of file delivery: target validation, host key pins, messages, dispatch. */
#include "delivery.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/utf8.h"
#include "delivery/delivery_http.h"
#include "delivery/delivery_sftp.h"

#define HOST_MAX 253
#define USER_MAX 256
#define DIR_MAX 1024
#define URL_MAX 2048
#define SECRET_MAX 4096
#define KEY_MAX (16 * 1024)
#define CTYPE_MAX 200
#define SHOWN_MAX 80

static const char *
shown(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, a, 0);
	delivery_snippet(&b, s, strlen(s), SHOWN_MAX);
	return b.data;
}

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* has_ctl: a C0 control character or DEL anywhere in s */
static bool
has_ctl(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static bool
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && !has_ctl(s) && utf8_valid(s, n);
}

static bool
host_ok(const char *h)
{
	size_t n = strlen(h);
	if (n == 0 || n > HOST_MAX + 2)
		return false;
	if (strchr(h, ':') != NULL) { /* IPv6 literal, brackets optional */
		char lit[INET6_ADDRSTRLEN + 2];
		struct in6_addr a6;
		if (h[0] == '[') {
			if (n < 3 || h[n - 1] != ']')
				return false;
			h++;
			n -= 2;
		}
		if (n >= sizeof lit)
			return false;
		memcpy(lit, h, n);
		lit[n] = '\0';
		return inet_pton(AF_INET6, lit, &a6) == 1;
	}
	if (n > HOST_MAX || h[0] == '.' || h[0] == '-')
		return false;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '.' || *p == '_'))
			return false;
	return strstr(h, "..") == NULL;
}

/* dir_problem: NULL when dir is a usable absolute remote directory, else why not */
static const char *
dir_problem(const char *d)
{
	if (d[0] != '/')
		return "は / で始まる絶対パスにしてください";
	if (strlen(d) > DIR_MAX || has_ctl(d) || !utf8_valid(d, strlen(d)))
		return "が長すぎるか、使えない文字を含んでいます";
	for (const char *p = d; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "に「.」や「..」は使えません";
		if (e != NULL && e[1] == '/')
			return "に空の階層（//）があります";
		p += n;
	}
	return NULL;
}

static int
invalid(struct arena *a, struct delivery_result *r, const char *what, const char *why)
{
	return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID, "%s%s", what, why);
}

static int
validate_sftp(struct arena *a, const struct delivery_target *t, struct delivery_result *r)
{
	char fp[DELIVERY_FP_LEN + 1];
	if (empty(t->host))
		return invalid(a, r, "SFTP のホスト名", "が指定されていません");
	if (!host_ok(t->host))
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "SFTP のホスト名が正しくありません: %s", shown(a, t->host));
	if (t->port < 0 || t->port > 65535)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "SFTP のポート番号が範囲外です（1〜65535）: %d", t->port);
	if (empty(t->user))
		return invalid(a, r, "SFTP のユーザー名", "が指定されていません");
	if (!text_ok(t->user, USER_MAX))
		return invalid(a, r, "SFTP のユーザー名", "が長すぎるか、使えない文字を含んでいます");
	if (empty(t->dir))
		return invalid(a, r, "アップロード先のディレクトリ", "が指定されていません");
	const char *why = dir_problem(t->dir);
	if (why != NULL)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "アップロード先のディレクトリ%s: %s", why, shown(a, t->dir));
	if (t->auth == DELIVERY_AUTH_PASSWORD) {
		if (empty(t->password))
			return invalid(a, r, "SFTP のパスワード", "が指定されていません");
		if (strlen(t->password) > SECRET_MAX)
			return invalid(a, r, "SFTP のパスワード", "が長すぎます");
	} else if (t->auth == DELIVERY_AUTH_KEY) {
		if (empty(t->private_key))
			return invalid(a, r, "SFTP の秘密鍵", "が指定されていません");
		if (strlen(t->private_key) > KEY_MAX || strstr(t->private_key, "-----BEGIN ") == NULL ||
		    strstr(t->private_key, "PRIVATE KEY-----") == NULL)
			return invalid(a, r, "SFTP の秘密鍵",
				       "の形式が正しくありません（-----BEGIN … PRIVATE KEY----- で始まる"
				       "PEM または OpenSSH 形式のテキスト）");
		if (t->key_passphrase != NULL && strlen(t->key_passphrase) > SECRET_MAX)
			return invalid(a, r, "秘密鍵のパスフレーズ", "が長すぎます");
	} else {
		return invalid(a, r, "SFTP の認証方式", "はパスワードか秘密鍵のどちらかです");
	}
	if (empty(t->hostkey_sha256))
		return invalid(a, r, "ホスト鍵のフィンガープリント",
			       "が指定されていません（ssh-keygen -lf が表示する SHA256:… を設定して"
			       "ください。未設定のままでは接続しません）");
	if (delivery_fingerprint_parse(t->hostkey_sha256, fp) != 0)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "ホスト鍵のフィンガープリントの形式が正しくありません（SHA256: に"
				     "続く 43 文字の base64）: %s", shown(a, t->hostkey_sha256));
	return 0;
}

static int
validate_http(struct arena *a, const struct delivery_target *t, struct delivery_result *r)
{
	if (empty(t->url))
		return invalid(a, r, "送信先 URL ", "が指定されていません");
	if (strlen(t->url) > URL_MAX || has_ctl(t->url) || strpbrk(t->url, " \"<>\\^`{|}") != NULL)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "送信先 URL が正しくありません: %s", shown(a, t->url));
	if (strncasecmp(t->url, "https://", 8) != 0 || t->url[8] == '\0' || t->url[8] == '/')
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "送信先 URL は https:// で始めてください: %s", shown(a, t->url));
	if (memchr(t->url + 8, '@', strcspn(t->url + 8, "/?#")) != NULL)
		return invalid(a, r, "送信先 URL ", "に認証情報（…@）を含めないでください（Basic 認証の欄を"
			       "使ってください）");
	if (!empty(t->bearer_token) && (!empty(t->basic_user) || !empty(t->basic_password)))
		return invalid(a, r, "HTTP の認証", "は Bearer トークンか Basic 認証のどちらか一方です");
	if (!empty(t->bearer_token) && !text_ok(t->bearer_token, SECRET_MAX))
		return invalid(a, r, "Bearer トークン", "が長すぎるか、使えない文字を含んでいます");
	if (!empty(t->basic_password) && empty(t->basic_user))
		return invalid(a, r, "Basic 認証のユーザー名", "が指定されていません");
	if (!empty(t->basic_user) && (!text_ok(t->basic_user, USER_MAX) || strchr(t->basic_user, ':')))
		return invalid(a, r, "Basic 認証のユーザー名", "に使えない文字（: や制御文字）があります");
	if (!empty(t->basic_password) && !text_ok(t->basic_password, SECRET_MAX))
		return invalid(a, r, "Basic 認証のパスワード", "が長すぎるか、使えない文字を含んでいます");
	if (!empty(t->content_type) && !text_ok(t->content_type, CTYPE_MAX))
		return invalid(a, r, "Content-Type ", "が長すぎるか、使えない文字を含んでいます");
	return 0;
}

int
delivery_validate(struct arena *a, const struct delivery_target *t, struct delivery_result *r)
{
	delivery_result_init(r);
	if (t == NULL)
		return invalid(a, r, "配信先", "が指定されていません");
	if (t->connect_timeout_s < 0 || t->connect_timeout_s > 300 || t->timeout_s < 0 ||
	    t->timeout_s > 3600)
		return invalid(a, r, "タイムアウト", "が範囲外です（接続 0〜300 秒、全体 0〜3600 秒）");
	switch (t->kind) {
	case DELIVERY_SFTP:
		return validate_sftp(a, t, r);
	case DELIVERY_HTTP:
		return validate_http(a, t, r);
	}
	return invalid(a, r, "配信先の種類", "は SFTP か HTTP です");
}

int
delivery_check_file(struct arena *a, const struct delivery_target *t, const char *name,
		    size_t len, struct delivery_result *r)
{
	size_t max = t != NULL && t->max_size > 0 ? t->max_size : DELIVERY_MAX_SIZE;
	if (empty(name))
		return invalid(a, r, "ファイル名", "がありません");
	size_t n = strlen(name);
	if (n > DELIVERY_NAME_MAX || has_ctl(name) || !utf8_valid(name, n) || strpbrk(name, "/\\") ||
	    name[0] == '.')
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "ファイル名が正しくありません（%d バイトまで、/ \\ 制御文字と先頭の . は"
				     "使えません）: %s", DELIVERY_NAME_MAX, shown(a, name));
	if (len > max)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_TOO_LARGE,
				     "ファイルが大きすぎます（%zu バイト、上限 %zu バイト）", len, max);
	return 0;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
delivery_fingerprint_parse(const char *s, char out[DELIVERY_FP_LEN + 1])
{
	out[0] = '\0';
	if (s == NULL)
		return -ERR_INVALID;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncasecmp(s, "SHA256:", 7) == 0)
		s += 7;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == DELIVERY_FP_LEN + 1 && s[DELIVERY_FP_LEN] == '=')
		n--;
	if (n != DELIVERY_FP_LEN)
		return -ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (b64val(s[i]) < 0)
			return -ERR_INVALID;
	/* 43 characters carry 258 bits: the last 2 must be zero for 32 bytes */
	if ((b64val(s[n - 1]) & 3) != 0)
		return -ERR_INVALID;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

const char *
delivery_category_name(enum delivery_cat c)
{
	switch (c) {
	case DELIVERY_OK: return "ok";
	case DELIVERY_CAT_INVALID: return "invalid";
	case DELIVERY_CAT_AUTH: return "auth";
	case DELIVERY_CAT_HOSTKEY: return "hostkey";
	case DELIVERY_CAT_NETWORK: return "network";
	case DELIVERY_CAT_REMOTE: return "remote";
	case DELIVERY_CAT_GUARD: return "guard";
	}
	return "unknown";
}

int
delivery_fail(struct arena *a, struct delivery_result *r, enum delivery_cat cat, int rc,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = arena_vprintf(a, fmt, ap);
	va_end(ap);
	for (char *p = m; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	r->cat = cat;
	r->message = m;
	return rc;
}

void
delivery_snippet(struct buf *out, const char *s, size_t n, size_t max)
{
	size_t i = 0, kept = 0;
	bool space = false, cut = false;
	while (i < n) {
		uint32_t cp;
		size_t l;
		const char *piece;
		size_t plen;
		if (utf8_decode_one(s + i, n - i, &cp, &l) != 0) {
			piece = UTF8_REPLACEMENT;
			plen = 3;
		} else {
			piece = s + i;
			plen = l;
		}
		if (cp <= 0x20 || cp == 0x7f) {
			space = kept > 0;
			i += l;
			continue;
		}
		if (kept + plen + (space ? 1 : 0) > max) {
			cut = true;
			break;
		}
		if (space) {
			buf_putc(out, ' ');
			kept++;
			space = false;
		}
		buf_append(out, piece, plen);
		kept += plen;
		i += l;
	}
	if (cut)
		buf_puts(out, "…");
}

void
delivery_result_init(struct delivery_result *r)
{
	memset(r, 0, sizeof *r);
	r->cat = DELIVERY_OK;
	r->message = r->detail = r->remote = r->fingerprint = (char *)"";
}

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
host_of(struct arena *a, const struct delivery_target *t)
{
	if (t->kind == DELIVERY_SFTP)
		return t->host;
	const char *h = t->url + 8; /* validated: https:// and no userinfo */
	return arena_strndup(a, h, strcspn(h, "/?#"));
}

static void
log_result(struct arena *a, const char *what, const struct delivery_target *t,
	   const struct delivery_result *r)
{
	log_event(r->cat == DELIVERY_OK ? LOG_INFO : LOG_WARN, what,
		  LOG_S("kind", t->kind == DELIVERY_SFTP ? "sftp" : "http"), LOG_S("host", host_of(a, t)),
		  LOG_S("remote", r->remote), LOG_S("result", delivery_category_name(r->cat)),
		  LOG_I("status", r->http_status), LOG_I("bytes", r->bytes), LOG_I("ms", r->ms),
		  LOG_S("detail", r->detail));
}

int
delivery_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
	      const char *name, const void *data, size_t len, struct delivery_result *r)
{
	static const struct delivery_opts none;
	if (o == NULL)
		o = &none;
	int rc = delivery_validate(a, t, r);
	if (rc != 0)
		return rc;
	if ((rc = delivery_check_file(a, t, name, len, r)) != 0)
		return rc;
	if (data == NULL && len > 0)
		return invalid(a, r, "ファイルの内容", "がありません");
	int64_t t0 = mono_ms();
	if (t->kind == DELIVERY_SFTP)
		rc = delivery_sftp_send(a, o, t, name, data, len, r);
	else
		rc = delivery_http_send(a, o, t, name, data, len, r);
	r->ms = mono_ms() - t0;
	log_result(a, "delivery", t, r);
	return rc;
}

int
delivery_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
	      struct delivery_result *r)
{
	static const struct delivery_opts none;
	if (o == NULL)
		o = &none;
	int rc = delivery_validate(a, t, r);
	if (rc != 0)
		return rc;
	int64_t t0 = mono_ms();
	if (t->kind == DELIVERY_SFTP)
		rc = delivery_sftp_test(a, o, t, r);
	else
		rc = delivery_http_test(a, o, t, r);
	r->ms = mono_ms() - t0;
	log_result(a, "delivery_test", t, r);
	return rc;
}
