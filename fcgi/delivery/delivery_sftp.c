/* delivery_sftp.c: SFTP upload through libcurl (libssh2) with a pinned host key and an atomic rename. */
#include "delivery_sftp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "connectors/ssrf_socket.h"
#include "core/err.h"
#include "core/log.h"
#include "delivery/delivery_keyfile.h"

#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl 7.80 or later is needed (CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256)"
#endif

#define LINE_MAX_LIST 1024

/* A directory listing read line by line (names only), never stored whole. */
struct listing {
	const char *want;       /* a name to look for, or NULL */
	bool found;
	long entries;
	char line[LINE_MAX_LIST];
	size_t n;
	bool long_line;
};

struct upload {
	const char *p;
	size_t left;
};

/* One SSH connection's worth of state: the easy handle is reused between
 * the steps, so libcurl keeps the session open. */
struct sess {
	struct arena *a;
	const struct delivery_opts *o;
	const struct delivery_target *t;
	CURL *c;
	struct ssrf_socket_guard g;  /* the SSRF guard on every connection */
	struct delivery_keyfile key;
	char ebuf[CURL_ERROR_SIZE];
	char fp[DELIVERY_FP_LEN + 1];
	int port;
	int64_t deadline;
	long connect_ms;
	const char *dir;        /* normalised */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
list_line(struct listing *l)
{
	if (!l->long_line) {
		size_t n = l->n;
		if (n > 0 && l->line[n - 1] == '\r')
			n--;
		l->line[n] = '\0';
		if (n > 0 && strcmp(l->line, ".") != 0 && strcmp(l->line, "..") != 0) {
			l->entries++;
			if (l->want != NULL && strcmp(l->line, l->want) == 0)
				l->found = true;
		}
	} else {
		l->entries++;
	}
	l->n = 0;
	l->long_line = false;
}

static size_t
list_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct listing *l = ud;
	size_t n = size * nmemb;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			list_line(l);
		else if (l->n + 1 < sizeof l->line)
			l->line[l->n++] = p[i];
		else
			l->long_line = true;
	}
	return n;
}

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nmemb;
	if (n > u->left)
		n = u->left;
	if (n > 0)
		memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static size_t
discard_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	(void)p;
	(void)ud;
	return size * nmemb;
}

char *
delivery_sftp_dir(struct arena *a, const char *dir)
{
	while (dir[0] == '/' && dir[1] == '/')
		dir++;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		return arena_strdup(a, "/");
	return arena_strndup(a, dir, n);
}

char *
delivery_sftp_join(struct arena *a, const char *dir, const char *name)
{
	if (strcmp(dir, "/") == 0)
		return arena_printf(a, "/%s", name);
	return arena_printf(a, "%s/%s", dir, name);
}

char *
delivery_sftp_url(struct arena *a, const char *host, int port, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	buf_init(&b, a, 64 + strlen(path) * 3);
	bool v6 = strchr(host, ':') != NULL && host[0] != '[';
	buf_printf(&b, "sftp://%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	return b.data;
}

char *
delivery_sftp_quote(struct arena *a, const char *path)
{
	struct buf b;
	buf_init(&b, a, strlen(path) + 8);
	buf_putc(&b, '"');
	for (const char *p = path; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '"');
	return b.data;
}

/* presented: the server's fingerprint from libcurl's mismatch text
 * ("… Remote <base64> is not equal to <pin>"), or NULL */
static const char *
presented(struct arena *a, const char *detail)
{
	const char *p = detail != NULL ? strstr(detail, "Remote ") : NULL;
	if (p == NULL)
		return NULL;
	p += 7;
	const char *e = strstr(p, " is not equal");
	if (e == NULL)
		return NULL;
	char raw[80], fp[DELIVERY_FP_LEN + 1];
	size_t n = (size_t)(e - p);
	if (n >= sizeof raw)
		return NULL;
	memcpy(raw, p, n);
	raw[n] = '\0';
	if (delivery_fingerprint_parse(raw, fp) != 0)
		return NULL;
	return arena_printf(a, "SHA256:%s", fp);
}

/* rsa_key: the private key text is an RSA key (PEM "RSA PRIVATE KEY", or an
 * OpenSSH key whose clear public part names ssh-rsa) */
static bool
rsa_key(struct arena *a, const char *key)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	if (key == NULL)
		return false;
	if (strstr(key, "BEGIN RSA PRIVATE KEY") != NULL)
		return true;
	const char *p = strstr(key, begin);
	if (p == NULL)
		return false;
	p += sizeof begin - 1;
	const char *end = strstr(p, "-----END");
	if (end == NULL)
		return false;
	char *b64 = arena_alloc(a, (size_t)(end - p) + 1);
	size_t n = 0;
	for (; p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			b64[n++] = *p;
	n -= n % 4;
	if (n == 0)
		return false;
	unsigned char *raw = arena_alloc(a, n / 4 * 3 + 1);
	int m = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	/* "openssh-key-v1\0", cipher, kdf, kdf options, key count, then the
	 * public key blob, which starts with its type: look in the first 200 bytes */
	static const char type[] = "\0\0\0\7ssh-rsa";
	int lim = m < 200 ? m : 200;
	for (int i = 0; i + (int)sizeof type - 1 <= lim; i++)
		if (memcmp(raw + i, type, sizeof type - 1) == 0)
			return true;
	return false;
}

int
delivery_sftp_classify(struct arena *a, const struct delivery_target *t,
		       enum delivery_sftp_step step, int curl_code, const char *detail,
		       const char *dir, const char *name, struct delivery_result *r)
{
	char fp[DELIVERY_FP_LEN + 1];
	int port = t->port > 0 ? t->port : DELIVERY_SFTP_PORT;
	const char *host = t->host;
	r->detail = arena_strdup(a, detail != NULL ? detail : "");
	if (r->detail[0] == '\0')
		r->detail = arena_strdup(a, curl_easy_strerror((CURLcode)curl_code));
	switch (curl_code) {
	case CURLE_PEER_FAILED_VERIFICATION: {
		if (delivery_fingerprint_parse(t->hostkey_sha256, fp) != 0)
			snprintf(fp, sizeof fp, "?");
		const char *got = presented(a, detail);
		if (got != NULL) {
			r->fingerprint = (char *)got;
			return delivery_fail(a, r, DELIVERY_CAT_HOSTKEY, -ERR_FORBIDDEN,
					     "ホスト鍵が一致しません（期待 SHA256:%s、サーバーの鍵 %s）。"
					     "接続を中止しました（認証情報は送っていません）", fp, got);
		}
		return delivery_fail(a, r, DELIVERY_CAT_HOSTKEY, -ERR_FORBIDDEN,
				     "ホスト鍵が一致しません（期待 SHA256:%s）。接続を中止しました"
				     "（認証情報は送っていません）", fp);
	}
	case CURLE_LOGIN_DENIED:
		if (t->auth == DELIVERY_AUTH_KEY && rsa_key(a, t->private_key))
			return delivery_fail(a, r, DELIVERY_CAT_AUTH, -ERR_FORBIDDEN,
					     "認証に失敗しました（ユーザー %s、秘密鍵）。RSA 鍵は ssh-rsa 署名"
					     "（SHA-1）を受け付けない接続先（OpenSSH 8.8 以降の既定）では使えません。"
					     "Ed25519 または ECDSA の鍵を使ってください", t->user);
		return delivery_fail(a, r, DELIVERY_CAT_AUTH, -ERR_FORBIDDEN,
				     "認証に失敗しました（ユーザー %s、%s）", t->user,
				     t->auth == DELIVERY_AUTH_KEY ? "秘密鍵" : "パスワード");
	case CURLE_REMOTE_FILE_NOT_FOUND:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_NOT_FOUND,
				     "アップロード先のディレクトリがありません: %s", dir);
	case CURLE_REMOTE_ACCESS_DENIED:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     step == DELIVERY_SFTP_LIST
					     ? "アップロード先のディレクトリを読む権限がありません: %s"
					     : "アップロード先のディレクトリに書き込む権限がありません: %s",
				     dir);
	case CURLE_REMOTE_DISK_FULL:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "アップロード先の容量が足りません: %s", dir);
	case CURLE_QUOTE_ERROR:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_CONFLICT,
				     "アップロードしたファイルの名前を %s に変更できませんでした（同名の"
				     "ファイルが既にある場合も上書きしません）",
				     name != NULL ? delivery_sftp_join(a, dir, name) : dir);
	case CURLE_COULDNT_RESOLVE_HOST:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
				     "接続できません: ホスト名 %s が見つかりません", host);
	case CURLE_COULDNT_CONNECT:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
				     "接続できません: %s:%d（接続が拒否されたか、到達できません）", host,
				     port);
	case CURLE_OPERATION_TIMEDOUT:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_TIMEOUT,
				     step == DELIVERY_SFTP_UPLOAD
					     ? "アップロード中にタイムアウトしました（%s:%d）"
					     : "接続できません: %s:%d でタイムアウトしました",
				     host, port);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
				     "通信が途中で切れました（%s:%d）", host, port);
	case CURLE_OUT_OF_MEMORY:
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_NOMEM,
				     "メモリが足りないため配信できませんでした");
	case CURLE_SSH:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "SSH/SFTP のエラーです（%s:%d）: %s", host, port, r->detail);
	case CURLE_UPLOAD_FAILED:
		return delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_UPSTREAM,
				     "アップロードに失敗しました: %s", dir);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_NOT_BUILT_IN:
	case CURLE_UNKNOWN_OPTION:
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_UNAVAILABLE,
				     "この環境の libcurl は SFTP（ホスト鍵の SHA256 固定）に対応していません");
	}
	return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
			     "配信に失敗しました（%s:%d）: %s", host, port,
			     curl_easy_strerror((CURLcode)curl_code));
}

static void
sess_close(struct sess *s)
{
	if (s->c != NULL)
		curl_easy_cleanup(s->c);
	s->c = NULL;
	delivery_keyfile_remove(&s->key);
}

static int
sess_open(struct sess *s, struct arena *a, const struct delivery_opts *o,
	  const struct delivery_target *t, struct delivery_result *r)
{
	static bool inited;
	memset(s, 0, sizeof *s);
	s->key.fd = -1;
	s->a = a;
	s->o = o;
	s->t = t;
	s->port = t->port > 0 ? t->port : DELIVERY_SFTP_PORT;
	s->dir = delivery_sftp_dir(a, t->dir);
	s->g.host = t->host;
	s->g.allowed = ssrf_host_allowed(o->allow, t->host, s->port);
	long total_s = t->timeout_s > 0 ? t->timeout_s : DELIVERY_TIMEOUT_S;
	s->connect_ms = 1000 * (t->connect_timeout_s > 0 ? t->connect_timeout_s
							 : DELIVERY_CONNECT_TIMEOUT_S);
	s->deadline = mono_ms() + (int64_t)total_s * 1000;
	if (delivery_fingerprint_parse(t->hostkey_sha256, s->fp) != 0)
		return delivery_fail(a, r, DELIVERY_CAT_INVALID, -ERR_INVALID,
				     "ホスト鍵のフィンガープリントが指定されていません");
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_UNAVAILABLE,
					     "libcurl を初期化できません");
		inited = true;
	}
	if (t->auth == DELIVERY_AUTH_KEY) {
		struct buf err;
		buf_init(&err, a, 0);
		int rc = delivery_keyfile_write(&s->key, o->tmp_dir, t->private_key, &err);
		if (rc != 0) {
			r->detail = (char *)buf_cstr(&err);
			return delivery_fail(a, r, DELIVERY_CAT_INVALID, rc,
					     "秘密鍵の一時ファイルを作れません（%s）", r->detail);
		}
	}
	s->c = curl_easy_init();
	if (s->c == NULL) {
		sess_close(s);
		return delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_NOMEM, "libcurl を初期化できません");
	}
	CURL *c = s->c;
	/* the pin first: a libcurl without it must not connect at all */
	CURLcode pin = curl_easy_setopt(c, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, s->fp);
	CURLcode proto = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "sftp");
	if (pin != CURLE_OK || proto != CURLE_OK) {
		sess_close(s);
		return delivery_sftp_classify(a, t, DELIVERY_SFTP_LIST,
					      pin != CURLE_OK ? pin : proto, NULL, s->dir, NULL, r);
	}
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "sftp");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERNAME, t->user);
	if (t->auth == DELIVERY_AUTH_PASSWORD) {
		curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES, (long)CURLSSH_AUTH_PASSWORD);
		curl_easy_setopt(c, CURLOPT_PASSWORD, t->password);
	} else {
		curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES, (long)CURLSSH_AUTH_PUBLICKEY);
		curl_easy_setopt(c, CURLOPT_SSH_PRIVATE_KEYFILE, s->key.path);
		if (t->key_passphrase != NULL && t->key_passphrase[0] != '\0')
			curl_easy_setopt(c, CURLOPT_KEYPASSWD, t->key_passphrase);
	}
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, ssrf_socket_open);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &s->g);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->ebuf);
	curl_easy_setopt(c, CURLOPT_FTP_CREATE_MISSING_DIRS, (long)CURLFTP_CREATE_DIR_NONE);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
	return 0;
}

/* perform: one transfer within the delivery's deadline */
static CURLcode
perform(struct sess *s, const char *url)
{
	int64_t left = s->deadline - mono_ms();
	if (left <= 0)
		return CURLE_OPERATION_TIMEDOUT;
	s->ebuf[0] = '\0';
	s->g.blocked = false;
	curl_easy_setopt(s->c, CURLOPT_URL, url);
	curl_easy_setopt(s->c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(s->connect_ms < left ? s->connect_ms : left));
	curl_easy_setopt(s->c, CURLOPT_TIMEOUT_MS, (long)left);
	return curl_easy_perform(s->c);
}

static int
step_fail(struct sess *s, enum delivery_sftp_step step, CURLcode cr, const char *name,
	  struct delivery_result *r)
{
	if (s->g.blocked && cr == CURLE_COULDNT_CONNECT) {
		r->detail = arena_printf(s->a, "blocked: %s address %s of host %s", s->g.why, s->g.addr,
					 s->t->host);
		return delivery_fail(s->a, r, DELIVERY_CAT_GUARD, -ERR_FORBIDDEN,
				     "接続先 %s は社内・ループバック等の非公開アドレスのため接続できません"
				     "（%s %s）", s->t->host, s->g.why, s->g.addr);
	}
	return delivery_sftp_classify(s->a, s->t, step, cr, s->ebuf, s->dir, name, r);
}

/* list: step 1 — the directory exists (and whether want is in it) */
static int
list(struct sess *s, struct listing *l, struct delivery_result *r)
{
	const char *path = strcmp(s->dir, "/") == 0 ? "/" : arena_printf(s->a, "%s/", s->dir);
	curl_easy_setopt(s->c, CURLOPT_DIRLISTONLY, 1L);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, list_cb);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, l);
	CURLcode cr = perform(s, delivery_sftp_url(s->a, s->t->host, s->port, path));
	if (l->n > 0 || l->long_line)
		list_line(l);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(s->c, CURLOPT_DIRLISTONLY, 0L);
	return cr == CURLE_OK ? 0 : step_fail(s, DELIVERY_SFTP_LIST, cr, NULL, r);
}

/* remove_part: step 3 — best effort; the delivery has failed already */
static void
remove_part(struct sess *s, const char *part)
{
	struct curl_slist *q = curl_slist_append(NULL, arena_printf(s->a, "rm %s",
								     delivery_sftp_quote(s->a, part)));
	if (q == NULL)
		return;
	struct listing l;
	memset(&l, 0, sizeof l);
	curl_easy_setopt(s->c, CURLOPT_QUOTE, q);
	if (list(s, &l, &(struct delivery_result){ 0 }) != 0)
		log_event(LOG_WARN, "delivery_part_left", LOG_S("host", s->t->host), LOG_S("path", part));
	curl_easy_setopt(s->c, CURLOPT_QUOTE, NULL);
	curl_slist_free_all(q);
}

int
delivery_sftp_send(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		   const char *name, const void *data, size_t len, struct delivery_result *r)
{
	struct sess s;
	int rc = sess_open(&s, a, o, t, r);
	if (rc != 0)
		return rc;
	const char *final = delivery_sftp_join(a, s.dir, name);
	const char *part = delivery_sftp_join(a, s.dir, arena_printf(a, ".%s.part", name));
	r->remote = (char *)final;
	struct listing l;
	memset(&l, 0, sizeof l);
	l.want = name;
	if ((rc = list(&s, &l, r)) != 0)
		goto out;
	if (l.found) {
		rc = delivery_fail(a, r, DELIVERY_CAT_REMOTE, -ERR_CONFLICT,
				   "同名のファイルがアップロード先に既にあります: %s（上書きしません）", final);
		goto out;
	}
	struct curl_slist *pq = curl_slist_append(NULL, arena_printf(a, "rename %s %s",
								      delivery_sftp_quote(a, part),
								      delivery_sftp_quote(a, final)));
	if (pq == NULL) {
		rc = delivery_fail(a, r, DELIVERY_CAT_NETWORK, -ERR_NOMEM, "メモリが足りないため配信できませんでした");
		goto out;
	}
	struct upload u = { .p = data, .left = len };
	curl_easy_setopt(s.c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s.c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(s.c, CURLOPT_READDATA, &u);
	curl_easy_setopt(s.c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(s.c, CURLOPT_POSTQUOTE, pq);
	CURLcode cr = perform(&s, delivery_sftp_url(a, t->host, s.port, part));
	curl_easy_setopt(s.c, CURLOPT_POSTQUOTE, NULL);
	curl_easy_setopt(s.c, CURLOPT_UPLOAD, 0L);
	curl_slist_free_all(pq);
	if (cr == CURLE_OK) {
		r->bytes = len;
		r->message = arena_printf(a, "%s に配信しました（%zu バイト）", final, len);
		rc = 0;
	} else if (cr == CURLE_QUOTE_ERROR) {
		rc = step_fail(&s, DELIVERY_SFTP_RENAME, cr, name, r);
		remove_part(&s, part);
	} else {
		rc = step_fail(&s, DELIVERY_SFTP_UPLOAD, cr, name, r);
	}
out:
	sess_close(&s);
	return rc;
}

int
delivery_sftp_test(struct arena *a, const struct delivery_opts *o, const struct delivery_target *t,
		   struct delivery_result *r)
{
	struct sess s;
	int rc = sess_open(&s, a, o, t, r);
	if (rc != 0)
		return rc;
	r->remote = (char *)s.dir;
	struct listing l;
	memset(&l, 0, sizeof l);
	if ((rc = list(&s, &l, r)) == 0)
		r->message = arena_printf(a, "接続できました: %s@%s:%d の %s（%ld 件のエントリ）", t->user,
					  t->host, s.port, s.dir, l.entries);
	sess_close(&s);
	return rc;
}
