/* svgchart.h: small server-rendered SVG charts (lines or stacked bars of counts) as CSP-safe, accessible views. */
#ifndef ECC_SVGCHART_H
#define ECC_SVGCHART_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "html/view.h"

enum svgchart_kind {
	SVGCHART_LINE,   /* one polyline per series, a marker per point */
	SVGCHART_BAR,    /* one stacked bar per point, series stacked bottom-up */
};

/* One series: label and npoints values (≥ 0; negative values count as 0). */
struct svgchart_series {
	const char *label;
	const int64_t *values;
};

struct svgchart {
	enum svgchart_kind kind;
	const char *title;              /* accessible name: aria-label and <title> (NULL counts as "") */
	const char *desc;               /* longer description: <desc> (NULL = none) */
	const char *unit;               /* appended to values in tooltips, e.g. "件", or "orders" after a space (NULL = none) */
	const char *const *x_labels;    /* npoints labels of the x axis (NULL entries count as "") */
	size_t npoints;                 /* 1–400 */
	const struct svgchart_series *series;
	size_t nseries;                 /* 1–32 */
	unsigned label_every;           /* label every n-th point (0: about 8 labels in all) */
};

/*
 * svgchart_render: the chart as a VIEW_SAFE inline SVG:
 *   <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 720 H" role="img"
 *        aria-label="TITLE"><title>TITLE</title><desc>DESC</desc>
 *   (aria-label rather than aria-labelledby: no element ids, so several charts
 *   can share a page and HTML checkers that do not know SVG stay quiet),
 *   grid lines and y-axis ticks (a "nice" scale: 1, 2 or 5 × 10^k), x labels,
 *   the series, a legend (colour swatch plus a distinct dash pattern per series,
 *   so colour is not the only cue), and a <title> tooltip per point/bar segment
 *   ("x label — series: value unit").
 * Every text (title, desc, labels, unit) is escaped with html_escape; numbers
 * and constants are the only other content. No script, no style attribute
 * or element (presentation attributes only, so the CSP holds), no external
 * reference. A data table with the same numbers is the page's job (the chart
 * is an image to assistive technology). Returns NULL when c is NULL or its
 * sizes are out of range or a values pointer is NULL. Thread-safe.
 */
struct view *svgchart_render(struct arena *a, const struct svgchart *c);

#endif
