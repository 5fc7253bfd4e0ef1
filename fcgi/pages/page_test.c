/* page_test.c: routes that exist only in ECC_TEST builds, for fault and parser tests through the real stack. */
#include "page_test.h"

#ifdef ECC_TEST
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "html/html.h"
#include "http/multipart.h"
#include "http/req.h"
#include "server/app.h"

int
page_test_fail(struct req *r)
{
	resp_set_body(r, "text/html; charset=utf-8", "<p>half a page", 14);
	r->resp.body_set = false; /* as if the handler gave up midway */
	buf_clear(&r->resp.body);
	return 500;
}

int
page_test_sleep(struct req *r)
{
	const char *ms = NULL;
	if (req_query(r, "ms", &ms) != 0)
		return 400;
	char *end;
	long n = strtol(ms, &end, 10);
	if (*end != '\0' || n < 0 || n > 5000)
		return 400;
	struct timespec ts = { n / 1000, (n % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	resp_set_body(r, "text/plain; charset=utf-8", "slept\n", 6);
	return 200;
}

int
page_test_echo(struct req *r)
{
	struct buf b;
	buf_init(&b, r->arena, 512);
	buf_puts(&b, "{\"fields\":[");
	size_t n = form_count(&r->form);
	for (size_t i = 0; i < n; i++) {
		const struct form_pair *p = &r->form.pairs[i];
		if (i)
			buf_putc(&b, ',');
		buf_putc(&b, '[');
		html_json_string(&b, p->name, p->name_len);
		buf_putc(&b, ',');
		html_json_string(&b, p->value, p->value_len);
		buf_putc(&b, ']');
	}
	buf_puts(&b, "],\"files\":[");
	if (r->multipart != NULL) {
		int k = 0;
		for (size_t i = 0; i < r->multipart->count; i++) {
			const struct multipart_part *p = &r->multipart->parts[i];
			if (p->filename == NULL)
				continue;
			if (k++)
				buf_putc(&b, ',');
			buf_puts(&b, "{\"name\":");
			html_json_string(&b, p->name, strlen(p->name));
			buf_puts(&b, ",\"filename\":");
			html_json_string(&b, p->filename, strlen(p->filename));
			buf_printf(&b, ",\"size\":%zu}", p->len);
		}
	}
	buf_puts(&b, "]}\n");
	resp_set_body(r, "application/json", b.data, b.len);
	return 200;
}

int
page_test_item(struct req *r)
{
	int64_t id;
	if (req_param_i64(r, "id", &id) != 0)
		return 404;
	const char *s = arena_printf(r->arena, "{\"id\":%lld}\n", (long long)id);
	resp_set_body(r, "application/json", s, strlen(s));
	return 200;
}

int
page_test_big(struct req *r)
{
	size_t cap = r->app->cfg.request_mem_cap;
	for (size_t used = 0; used <= cap; used += 1u << 20)
		memset(arena_alloc(r->arena, 1u << 20), 0, 1u << 20);
	resp_set_body(r, "text/plain; charset=utf-8", "too big\n", 8);
	return 200;
}
#endif
