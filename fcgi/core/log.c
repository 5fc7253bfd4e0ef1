/* log.c: structured JSON-lines logging with JST timestamps, one write per event. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/utf8.h"

#define LOG_LINE_MAX 8192
#define LOG_VALUE_MAX 1024

static const char *g_component = "ecc";
static const char *g_zone;
static enum log_level g_min = LOG_INFO;
static char g_req_id[65];
static int64_t g_tenant;

void
log_init(const char *component, const char *zone, enum log_level min)
{
	g_component = component;
	g_zone = zone;
	g_min = min;
}

enum log_level
log_level_parse(const char *s)
{
	if (s == NULL)
		return LOG_INFO;
	if (strcmp(s, "debug") == 0)
		return LOG_DEBUG;
	if (strcmp(s, "warn") == 0)
		return LOG_WARN;
	if (strcmp(s, "error") == 0)
		return LOG_ERROR;
	return LOG_INFO;
}

void
log_set_request(const char *req_id, int64_t tenant_id)
{
	snprintf(g_req_id, sizeof g_req_id, "%s", req_id ? req_id : "");
	g_tenant = tenant_id;
}

void
log_clear_request(void)
{
	g_req_id[0] = '\0';
	g_tenant = 0;
}


size_t
log_json_escape(char *out, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		char tmp[8];
		size_t tl = 0, adv = 1;
		if (c == '"' || c == '\\') {
			tmp[0] = '\\'; tmp[1] = (char)c; tl = 2;
		} else if (c == '\n') {
			tmp[0] = '\\'; tmp[1] = 'n'; tl = 2;
		} else if (c == '\r') {
			tmp[0] = '\\'; tmp[1] = 'r'; tl = 2;
		} else if (c == '\t') {
			tmp[0] = '\\'; tmp[1] = 't'; tl = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[c >> 4]; tmp[5] = hex[c & 15]; tl = 6;
		} else if (c >= 0x80) {
			uint32_t cp;
			size_t sl = 0;
			if (utf8_decode_one(s + i, n - i, &cp, &sl) != 0) {
				memcpy(tmp, "\\ufffd", 6); tl = 6; adv = sl ? sl : 1;
			} else {
				memcpy(tmp, p + i, sl); tl = sl; adv = sl;
			}
		} else {
			tmp[0] = (char)c; tl = 1;
		}
		if (o + tl + 1 > cap)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		i += adv;
	}
	out[o] = '\0';
	return o;
}

static void
put(char *line, size_t *o, const char *s)
{
	size_t n = strlen(s);
	if (*o + n < LOG_LINE_MAX - 2) {
		memcpy(line + *o, s, n);
		*o += n;
	}
}

static void
put_str(char *line, size_t *o, const char *key, const char *v)
{
	char esc[LOG_VALUE_MAX * 6 + 1];
	size_t n = strlen(v);
	if (n > LOG_VALUE_MAX)
		n = LOG_VALUE_MAX;
	put(line, o, ",\"");
	put(line, o, key);
	put(line, o, "\":\"");
	log_json_escape(esc, sizeof esc, v, n);
	put(line, o, esc);
	put(line, o, "\"");
}

void
log_fields(enum log_level lvl, const char *event, const struct log_field *f)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	if (lvl < g_min)
		return;
	char line[LOG_LINE_MAX];
	char ts[32], num[64];
	size_t o = 0;
	put(line, &o, "{\"ts\":\"");
	put(line, &o, clock_jst(clock_now_ms(), ts));
	put(line, &o, "\",\"level\":\"");
	put(line, &o, names[lvl]);
	put(line, &o, "\"");
	put_str(line, &o, "event", event);
	put_str(line, &o, "component", g_component);
	if (g_zone != NULL)
		put_str(line, &o, "zone", g_zone);
	if (g_req_id[0] != '\0')
		put_str(line, &o, "req_id", g_req_id);
	if (g_tenant != 0) {
		snprintf(num, sizeof num, ",\"tenant_id\":%lld", (long long)g_tenant);
		put(line, &o, num);
	}
	for (; f->type != LOGF_END; f++) {
		switch (f->type) {
		case LOGF_STR:
			put_str(line, &o, f->key, f->s ? f->s : "");
			break;
		case LOGF_INT:
			put(line, &o, ",\"");
			put(line, &o, f->key);
			snprintf(num, sizeof num, "\":%lld", (long long)f->i);
			put(line, &o, num);
			break;
		case LOGF_MS:
			put(line, &o, ",\"");
			put(line, &o, f->key);
			snprintf(num, sizeof num, "\":%.3f", f->d);
			put(line, &o, num);
			break;
		case LOGF_END:
			break;
		}
	}
	line[o++] = '}';
	line[o++] = '\n';
	size_t w = 0;
	while (w < o) {
		ssize_t r = write(STDERR_FILENO, line + w, o - w);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		w += (size_t)r;
	}
}
