/* test_svgchart.c: the SVG chart builder — structure, escaping, accessibility, scale, refusals. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "html/svgchart.h"
#include "html/view.h"
#include "t.h"

static const char *
render(struct arena *a, const struct svgchart *c)
{
	struct view *v = svgchart_render(a, c);
	if (v == NULL)
		return NULL;
	T_OK(view_type(v) == VIEW_SAFE, "the chart is a VIEW_SAFE value");
	size_t n;
	return view_text(a, v, &n);
}

static size_t
count(const char *s, const char *needle)
{
	size_t k = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		k++;
	return k;
}

int
main(void)
{
	struct arena *a = arena_new(0);
	static const int64_t v1[] = { 0, 3, 7, 1 }, v2[] = { 2, 0, -5, 4 };
	const char *labels[] = { "11/01", "11/02", "<b>11/03</b>", NULL };
	struct svgchart_series s[] = { { "Shop <script>alert(1)</script>", v1 }, { "楽天 \"R\" & 'co'", v2 } };
	struct svgchart c = { .kind = SVGCHART_LINE, .title = "注文数 <30日>",
			      .desc = "説明 & more", .unit = "件", .x_labels = labels, .npoints = 4,
			      .series = s, .nseries = 2, .label_every = 1 };
	const char *svg = render(a, &c);
	T_OK(svg != NULL, "line chart rendered");
	if (svg == NULL)
		return t_done("svgchart");
	T_OK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 720 ", 70) == 0,
	     "starts with the svg element: %.80s", svg);
	T_OK(strstr(svg, "role=\"img\" aria-label=\"注文数 &lt;30日&gt;\"><title>注文数 &lt;30日&gt;</title>") != NULL,
	     "role img, named by aria-label and title, escaped");
	T_OK(strstr(svg, "<desc>説明 &amp; more</desc>") != NULL, "desc escaped");
	T_OK(strstr(svg, " id=") == NULL, "no element ids");
	T_OK(strstr(svg, "<script") == NULL && strstr(svg, "<b>") == NULL, "no markup from the data");
	T_OK(strstr(svg, "Shop &lt;script&gt;alert(1)&lt;/script&gt;") != NULL, "series label escaped");
	T_OK(strstr(svg, "楽天 &quot;R&quot; &amp; &#39;co&#39;") != NULL, "quotes escaped");
	T_OK(strstr(svg, "&lt;b&gt;11/03&lt;/b&gt;") != NULL, "x label escaped");
	T_OK(strstr(svg, "style") == NULL && strstr(svg, "javascript") == NULL && strstr(svg, "href") == NULL,
	     "no style, no script URL, no reference");
	T_INTEQ(count(svg, "<polyline"), 2);
	T_INTEQ(count(svg, "<circle"), 8);
	T_OK(strstr(svg, "<title>11/02 — Shop &lt;script&gt;alert(1)&lt;/script&gt;: 3件</title>") != NULL,
	     "tooltip with label, series, value and unit");
	T_OK(strstr(svg, ": 0件</title>") != NULL, "a negative value counts as 0");
	T_OK(strstr(svg, ">8</text>") != NULL && strstr(svg, ">6</text>") != NULL && strstr(svg, ">10</text>") == NULL,
	     "scale 0..8 by 2 for max 7");
	T_OK(strstr(svg, "stroke-dasharray=\"8 4\"") != NULL, "the second series is dashed");
	T_OK(strcmp(svg + strlen(svg) - 6, "</svg>") == 0, "ends with </svg>");

	/* stacked bars: one rect per non-zero value, scale from the stack height */
	c.kind = SVGCHART_BAR;
	c.unit = "orders";
	svg = render(a, &c);
	T_OK(svg != NULL, "bar chart rendered");
	T_OK(svg && count(svg, "<rect x=") == 5 + 2, "5 bar segments and 2 legend swatches (%zu)",
	     svg ? count(svg, "<rect x=") : 0);
	T_OK(svg && strstr(svg, ": 4 orders</title>") != NULL, "a unit in letters gets a space");

	/* large values: a 1/2/5 step */
	static const int64_t big[] = { 123 };
	const char *one[] = { "d" };
	struct svgchart_series bs[] = { { "x", big } };
	struct svgchart b = { .kind = SVGCHART_LINE, .title = "t", .x_labels = one, .npoints = 1, .series = bs, .nseries = 1 };
	svg = render(a, &b);
	T_OK(svg && strstr(svg, ">150</text>") != NULL && strstr(svg, ">50</text>") != NULL, "max 123 → 0..150 by 50");
	T_OK(svg && strstr(svg, "<desc>") == NULL, "no desc element without a desc");
	static const int64_t zero[] = { 0 };
	bs[0].values = zero;
	svg = render(a, &b);
	T_OK(svg && strstr(svg, ">1</text>") != NULL && strstr(svg, ">2</text>") == NULL, "all zero → 0..1");

	/* refusals */
	b.npoints = 0;
	T_OK(svgchart_render(a, &b) == NULL, "no points");
	b.npoints = 1;
	b.nseries = 0;
	T_OK(svgchart_render(a, &b) == NULL, "no series");
	b.nseries = 1;
	bs[0].values = NULL;
	T_OK(svgchart_render(a, &b) == NULL, "NULL values");
	T_OK(svgchart_render(a, NULL) == NULL, "NULL chart");
	arena_free(a);
	return t_done("svgchart");
}
