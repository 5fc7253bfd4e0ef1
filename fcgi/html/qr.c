/* qr.c: QR codes (libqrencode) as inline, CSP-safe SVG views, for the TOTP enrolment page. */
#include "qr.h"

#include <string.h>

#include <qrencode.h>

#include "core/buf.h"
#include "core/log.h"
#include "html/html.h"

static void release(void *p);
static void put_path(struct buf *b, const QRcode *q);

static void
release(void *p)
{
	QRcode_free(p);
}

/* One "M x y h n v 1 h -n z" rectangle per horizontal run of dark modules
 * (bit 0 of each byte is the module colour). */
static void
put_path(struct buf *b, const QRcode *q)
{
	int w = q->width;
	for (int y = 0; y < w; y++) {
		const unsigned char *row = q->data + (size_t)y * (size_t)w;
		int x = 0;
		while (x < w) {
			if ((row[x] & 1) == 0) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (row[x] & 1) != 0)
				x++;
			buf_printf(b, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET, x - start, x - start);
		}
	}
}

struct view *
qr_svg(struct arena *a, const char *text, const char *label)
{
	if (text == NULL)
		return NULL;
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL) {
		log_event(LOG_WARN, "qr_encode_failed", LOG_I("bytes", (int64_t)strlen(text)));
		return NULL;
	}
	arena_defer(a, release, q);
	int size = q->width + 2 * QR_QUIET;
	struct buf b;
	buf_init(&b, a, 4096);
	buf_printf(&b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"qr\" role=\"img\" "
		   "aria-label=\"",
		   size, size);
	if (label != NULL)
		html_escape(&b, label, strlen(label));
	buf_printf(&b, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", size, size);
	buf_puts(&b, "<path fill=\"#000\" d=\"");
	put_path(&b, q);
	buf_puts(&b, "\"/></svg>");
	return view_safe_html(a, b.data, b.len);
}
