/* svgchart.c: small server-rendered SVG charts (lines or stacked bars of counts) as CSP-safe, accessible views. */
#include "svgchart.h"

#include <inttypes.h>
#include <string.h>

#include "core/buf.h"
#include "html/html.h"

#define W 720
#define PLOT_X0 56
#define PLOT_X1 708
#define PLOT_Y0 16
#define PLOT_Y1 252
#define LEGEND_Y 292
#define LEGEND_ROW 22
#define LEGEND_COLS 3
#define LEGEND_COL_W 224

/* Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). */
static const char *const colours[] = { "#0072B2", "#E69F00", "#009E73", "#CC79A7",
				       "#56B4E9", "#D55E00", "#000000", "#F0E442" };
/* Dash patterns, so that colour is not the only difference between series. */
static const char *const dashes[] = { "", "8 4", "2 3", "10 3 2 3", "4 4", "12 4 4 4", "1 2", "6 2" };

static void text(struct buf *b, const char *s);
static int64_t nice_max(int64_t max, int64_t *step);
static void put_grid(struct buf *b, int64_t ymax, int64_t step);
static void put_labels(struct buf *b, const struct svgchart *c);
static void put_legend(struct buf *b, const struct svgchart *c);
static void put_tip(struct buf *b, const struct svgchart *c, size_t s, size_t p, int64_t v);

static void
text(struct buf *b, const char *s)
{
	if (s != NULL)
		html_escape(b, s, strlen(s));
}

/* The top of the y axis: the smallest multiple of a 1/2/5 × 10^k step that holds max in ≤ 5 steps. */
static int64_t
nice_max(int64_t max, int64_t *step)
{
	int64_t s = 1;
	if (max < 1)
		max = 1;
	for (;;) {
		static const int64_t m[] = { 1, 2, 5 };
		for (size_t i = 0; i < 3; i++) {
			int64_t st = s * m[i];
			if ((max + st - 1) / st <= 5) {
				*step = st;
				return (max + st - 1) / st * st;
			}
		}
		if (s > INT64_MAX / 100)
			break;
		s *= 10;
	}
	*step = max;
	return max;
}

static int
y_of(int64_t v, int64_t ymax)
{
	if (v < 0)
		v = 0;
	return PLOT_Y1 - (int)((double)v * (PLOT_Y1 - PLOT_Y0) / (double)ymax + 0.5);
}

static int
x_of(const struct svgchart *c, size_t p)
{
	double slot = (double)(PLOT_X1 - PLOT_X0) / (double)c->npoints;
	return PLOT_X0 + (int)(slot * ((double)p + 0.5) + 0.5);
}

static void
put_grid(struct buf *b, int64_t ymax, int64_t step)
{
	buf_puts(b, "<g class=\"chart-grid\" stroke=\"#d0d4da\" stroke-width=\"1\">");
	for (int64_t v = 0; v <= ymax; v += step)
		buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PLOT_X0, y_of(v, ymax), PLOT_X1,
			   y_of(v, ymax));
	buf_puts(b, "</g><g class=\"chart-y\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">");
	for (int64_t v = 0; v <= ymax; v += step)
		buf_printf(b, "<text x=\"%d\" y=\"%d\">%" PRId64 "</text>", PLOT_X0 - 6, y_of(v, ymax) + 4, v);
	buf_puts(b, "</g>");
}

static void
put_labels(struct buf *b, const struct svgchart *c)
{
	size_t every = c->label_every ? c->label_every : (c->npoints + 7) / 8;
	buf_puts(b, "<g class=\"chart-x\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">");
	for (size_t p = 0; p < c->npoints; p += every) {
		buf_printf(b, "<text x=\"%d\" y=\"%d\">", x_of(c, p), PLOT_Y1 + 18);
		text(b, c->x_labels[p]);
		buf_puts(b, "</text>");
	}
	buf_printf(b, "</g><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" stroke-width=\"1\"/>",
		   PLOT_X0, PLOT_Y1, PLOT_X1, PLOT_Y1);
}

static void
put_legend(struct buf *b, const struct svgchart *c)
{
	buf_puts(b, "<g class=\"chart-legend\" font-size=\"13\" fill=\"#222\">");
	for (size_t s = 0; s < c->nseries; s++) {
		int x = 16 + (int)(s % LEGEND_COLS) * LEGEND_COL_W;
		int y = LEGEND_Y + (int)(s / LEGEND_COLS) * LEGEND_ROW;
		const char *col = colours[s % 8], *dash = dashes[s % 8];
		if (c->kind == SVGCHART_BAR)
			buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"12\" fill=\"%s\"%s%s%s/>", x,
				   y - 10, col, *dash ? " stroke=\"#fff\" stroke-dasharray=\"" : "", dash,
				   *dash ? "\"" : "");
		else
			buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s%s%s/>",
				   x, y - 4, x + 24, y - 4, col, *dash ? " stroke-dasharray=\"" : "", dash,
				   *dash ? "\"" : "");
		buf_printf(b, "<text x=\"%d\" y=\"%d\">", x + 32, y);
		text(b, c->series[s].label);
		buf_puts(b, "</text>");
	}
	buf_puts(b, "</g>");
}

/* "<title>x label — series: value unit</title>" */
static void
put_tip(struct buf *b, const struct svgchart *c, size_t s, size_t p, int64_t v)
{
	buf_puts(b, "<title>");
	text(b, c->x_labels[p]);
	buf_puts(b, " — ");
	text(b, c->series[s].label);
	buf_printf(b, ": %" PRId64, v < 0 ? 0 : v);
	if (c->unit != NULL && ((*c->unit >= 'a' && *c->unit <= 'z') || (*c->unit >= 'A' && *c->unit <= 'Z')))
		buf_putc(b, ' '); /* "12 orders", but "12件" */
	text(b, c->unit);
	buf_puts(b, "</title>");
}

static void
put_lines(struct buf *b, const struct svgchart *c, int64_t ymax)
{
	for (size_t s = 0; s < c->nseries; s++) {
		const char *col = colours[s % 8], *dash = dashes[s % 8];
		buf_printf(b, "<g class=\"chart-series\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
			   col, *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
		for (size_t p = 0; p < c->npoints; p++)
			buf_printf(b, "%s%d,%d", p ? " " : "", x_of(c, p), y_of(c->series[s].values[p], ymax));
		buf_puts(b, "\"/>");
		for (size_t p = 0; p < c->npoints; p++) {
			buf_printf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\">", x_of(c, p),
				   y_of(c->series[s].values[p], ymax), col);
			put_tip(b, c, s, p, c->series[s].values[p]);
			buf_puts(b, "</circle>");
		}
		buf_puts(b, "</g>");
	}
}

static void
put_bars(struct buf *b, const struct svgchart *c, int64_t ymax)
{
	double slot = (double)(PLOT_X1 - PLOT_X0) / (double)c->npoints;
	int bw = (int)(slot * 0.7);
	if (bw < 1)
		bw = 1;
	for (size_t p = 0; p < c->npoints; p++) {
		int64_t base = 0;
		for (size_t s = 0; s < c->nseries; s++) {
			int64_t v = c->series[s].values[p] > 0 ? c->series[s].values[p] : 0;
			if (v == 0)
				continue;
			int y0 = y_of(base, ymax), y1 = y_of(base + v, ymax);
			const char *dash = dashes[s % 8];
			buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s%s%s>",
				   x_of(c, p) - bw / 2, y1, bw, y0 - y1 > 0 ? y0 - y1 : 1, colours[s % 8],
				   *dash ? " stroke=\"#fff\" stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
			put_tip(b, c, s, p, v);
			buf_puts(b, "</rect>");
			base += v;
		}
	}
}

struct view *
svgchart_render(struct arena *a, const struct svgchart *c)
{
	if (c == NULL || c->npoints == 0 || c->npoints > 400 || c->nseries == 0 || c->nseries > 32 ||
	    c->series == NULL || c->x_labels == NULL)
		return NULL;
	int64_t max = 0;
	for (size_t p = 0; p < c->npoints; p++) {
		int64_t stack = 0;
		for (size_t s = 0; s < c->nseries; s++) {
			if (c->series[s].values == NULL)
				return NULL;
			int64_t v = c->series[s].values[p] > 0 ? c->series[s].values[p] : 0;
			if (v > INT64_MAX / 64)
				v = INT64_MAX / 64;
			if (c->kind == SVGCHART_BAR)
				stack += v;
			else if (v > max)
				max = v;
		}
		if (stack > max)
			max = stack;
	}
	int64_t step;
	int64_t ymax = nice_max(max, &step);
	int h = LEGEND_Y + (int)((c->nseries + LEGEND_COLS - 1) / LEGEND_COLS) * LEGEND_ROW;
	struct buf b;
	buf_init(&b, a, 4096 + c->npoints * c->nseries * 96);
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\""
		       " role=\"img\" aria-label=\"", W, h);
	text(&b, c->title);
	buf_puts(&b, "\"><title>");
	text(&b, c->title);
	buf_puts(&b, "</title>");
	if (c->desc != NULL) {
		buf_puts(&b, "<desc>");
		text(&b, c->desc);
		buf_puts(&b, "</desc>");
	}
	put_grid(&b, ymax, step);
	put_labels(&b, c);
	if (c->kind == SVGCHART_BAR)
		put_bars(&b, c, ymax);
	else
		put_lines(&b, c, ymax);
	put_legend(&b, c);
	buf_puts(&b, "</svg>");
	return view_safe_html(a, b.data, b.len);
}
