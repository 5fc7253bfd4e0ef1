/* mail_send.c: hand one built message to an SMTP server through libcurl (SMTPS or STARTTLS). */
#include "mail_send.h"

#include <string.h>

#include <curl/curl.h>

#include "core/err.h"
#include "mail/mime.h"

struct upload {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t cap = size * nmemb;
	size_t k = u->left < cap ? u->left : cap;
	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static int
fail(struct buf *err, int code, const char *what, const char *detail, long reply)
{
	if (err != NULL) {
		buf_printf(err, "smtp: %s", what);
		if (detail != NULL && detail[0] != '\0')
			buf_printf(err, ": %s", detail);
		if (reply > 0)
			buf_printf(err, " (reply %ld)", reply);
	}
	return code;
}

static int
classify(CURLcode rc, long reply)
{
	if (reply >= 500 && reply < 600)
		return -ERR_UPSTREAM;
	if (reply >= 400 && reply < 500)
		return -ERR_UNAVAILABLE;
	switch (rc) {
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return -ERR_INVALID;
	case CURLE_LOGIN_DENIED:
		return -ERR_UPSTREAM;
	default:
		return -ERR_UNAVAILABLE;
	}
}

int
mail_send_one(const struct mail_smtp *cfg, const char *from, const char *to, const char *msg,
	      size_t n, struct buf *err)
{
	static bool inited;
	if (cfg == NULL || cfg->url == NULL ||
	    (strncmp(cfg->url, "smtp://", 7) != 0 && strncmp(cfg->url, "smtps://", 8) != 0))
		return fail(err, -ERR_INVALID, "smtp_url must start with smtp:// or smtps://", NULL, 0);
	if (!mime_addr_valid(from) || !mime_addr_valid(to))
		return fail(err, -ERR_INVALID, "invalid envelope address", NULL, 0);
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return fail(err, -ERR_UNAVAILABLE, "curl_global_init failed", NULL, 0);
		inited = true;
	}
	CURL *c = curl_easy_init();
	if (c == NULL)
		return fail(err, -ERR_NOMEM, "curl_easy_init failed", NULL, 0);
	long timeout = cfg->timeout_s > 0 ? cfg->timeout_s : 60;
	char ebuf[CURL_ERROR_SIZE] = "";
	struct upload u = { msg, n };
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	if (rcpt == NULL) {
		curl_easy_cleanup(c);
		return fail(err, -ERR_NOMEM, "out of memory", NULL, 0);
	}
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 10 ? timeout : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->ca_file != NULL && cfg->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->user != NULL && cfg->user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password != NULL ? cfg->password : "");
	}
	CURLcode rc = curl_easy_perform(c);
	long reply = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	return fail(err, classify(rc, reply), curl_easy_strerror(rc), ebuf, reply);
}
