/* qr.h: QR codes (libqrencode) as inline, CSP-safe SVG views, for the TOTP enrolment page. */
#ifndef ECC_QR_H
#define ECC_QR_H

#include "core/arena.h"
#include "html/view.h"

/* QR_QUIET: modules of light margin around the symbol (ISO/IEC 18004). */
#define QR_QUIET 4

/*
 * qr_svg: text (NUL-terminated, any bytes) encoded as a QR code (error
 * correction M, 8-bit mode, smallest version that fits) and rendered as a
 * VIEW_SAFE inline SVG:
 *   <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 W W" class="qr"
 *     role="img" aria-label="LABEL" shape-rendering="crispEdges">
 *   <rect width="W" height="W" fill="#fff"/>
 *   <path fill="#000" d="M x y h n v 1 h -n z …"/></svg>
 * where W = symbol width + 2 * QR_QUIET and the path has one rectangle per
 * horizontal run of dark modules. label (NULL counts as "") is escaped with
 * html_escape; everything else is built from numbers and constants. No
 * style attribute or element (the CSP forbids inline style): size it with
 * CSS on the "qr" class.
 * Returns the view in a, or NULL when text is NULL or does not fit in a QR
 * code (over about 2300 bytes at level M) or libqrencode fails (ENOMEM);
 * the caller answers 500. The text is not logged (it may hold a seed).
 * Thread-safe.
 */
struct view *qr_svg(struct arena *a, const char *text, const char *label);

#endif
