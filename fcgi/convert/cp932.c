/* cp932.c: table-driven CP932 (Windows Shift_JIS) encoder with per-character reports, and decoder. */
#include "cp932.h"

#include <iconv.h>
#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

/* Two-byte codes: 60 lead bytes (81..9F, E0..FC) × 188 trail bytes. */
#define NPOINTERS (60 * 188)
#define EUDC_FIRST 8836   /* F040: user-defined area → U+E000.. */
#define EUDC_LAST 10715   /* F9FC */
#define SKIP_FIRST 8272   /* ED40: NEC-selected IBM extensions, not used by the encoder */
#define SKIP_LAST 8835

static void build(void);
static int ready(void);
static void pointer_bytes(unsigned p, unsigned char out[2]);
static size_t ascii_span(const unsigned char *p, size_t n);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;
/* pointer → code point (0 = unmapped; no pointer maps to U+0000) */
static uint16_t dec_tab[NPOINTERS];
/* code point → code: 0 unencodable, 1..0xFF a single byte, else lead << 8 | trail */
static uint16_t enc_tab[0x10000];

static void
pointer_bytes(unsigned p, unsigned char out[2])
{
	unsigned lead = p / 188, trail = p % 188;
	out[0] = (unsigned char)(lead + (lead < 0x1F ? 0x81 : 0xC1));
	out[1] = (unsigned char)(trail + (trail < 0x3F ? 0x40 : 0x41));
}

/* build: decode every two-byte code with glibc, then derive the encoder. */
static void
build(void)
{
	iconv_t cd = iconv_open("UTF-32LE", "CP932");
	if (cd == (iconv_t)-1) {
		init_rc = -ERR_CONFIG;
		return;
	}
	for (unsigned p = 0; p < NPOINTERS; p++) {
		if (p >= EUDC_FIRST && p <= EUDC_LAST) {
			dec_tab[p] = (uint16_t)(0xE000 + p - EUDC_FIRST);
			continue;
		}
		unsigned char in[2], out[8];
		pointer_bytes(p, in);
		char *ip = (char *)in, *op = (char *)out;
		size_t il = 2, ol = sizeof out;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - (char *)out != 4) {
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		uint32_t cp = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
			      (uint32_t)out[3] << 24;
		/* index-jis0208 is all BMP, never ASCII, never private use */
		if (cp >= 0x80 && cp <= 0xFFFF && !(cp >= 0xE000 && cp <= 0xF8FF))
			dec_tab[p] = (uint16_t)cp;
	}
	iconv_close(cd);
	if (dec_tab[0] != 0x3000) {  /* 81 40 IDEOGRAPHIC SPACE: a sanity check */
		memset(dec_tab, 0, sizeof dec_tab);
		init_rc = -ERR_CONFIG;
		return;
	}
	/* the WHATWG encoder: first pointer, skipping the NEC-selected rows */
	for (unsigned p = 0; p < NPOINTERS; p++) {
		uint16_t cp = dec_tab[p];
		if (cp == 0 || (p >= SKIP_FIRST && p <= SKIP_LAST) || (p >= EUDC_FIRST && p <= EUDC_LAST))
			continue;
		if (enc_tab[cp] == 0) {
			unsigned char b[2];
			pointer_bytes(p, b);
			enc_tab[cp] = (uint16_t)(b[0] << 8 | b[1]);
		}
	}
	enc_tab[0x0080] = 0x80;
	enc_tab[0x00A5] = 0x5C;
	enc_tab[0x203E] = 0x7E;
	for (unsigned cp = 0xFF61; cp <= 0xFF9F; cp++)
		enc_tab[cp] = (uint16_t)(cp - 0xFF61 + 0xA1);
	enc_tab[0x2212] = enc_tab[0xFF0D];
	init_rc = 0;
}

static int
ready(void)
{
	pthread_once(&once, build);
	return init_rc;
}

int
cp932_init(void)
{
	return ready();
}

int
cp932_encode(uint32_t cp, unsigned char out[2], size_t *len)
{
	if (cp <= 0x80) {
		out[0] = (unsigned char)cp;
		*len = 1;
		return 0;
	}
	*len = 0;
	if (cp > 0xFFFF || ready() != 0)
		return -ERR_INVALID;
	uint16_t v = enc_tab[cp];
	if (v == 0)
		return -ERR_INVALID;
	if (v < 0x100) {
		out[0] = (unsigned char)v;
		*len = 1;
	} else {
		out[0] = (unsigned char)(v >> 8);
		out[1] = (unsigned char)v;
		*len = 2;
	}
	return 0;
}

/* ascii_span: length of the leading run of bytes < 0x80. */
static size_t
ascii_span(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

int
cp932_from_utf8(struct buf *out, const char *s, size_t n, enum cp932_policy policy,
		cp932_report_fn *report, void *ctx, size_t *nbad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, chars = 0, bad = 0;
	if (nbad != NULL)
		*nbad = 0;
	size_t run = ascii_span(p, n);
	if (run == n) {
		buf_append(out, s, n);
		return 0;
	}
	if (ready() != 0)
		return -ERR_CONFIG;
	while (i < n) {
		run = ascii_span(p + i, n - i);
		if (run > 0) {
			buf_append(out, s + i, run);
			i += run;
			chars += run;
			continue;
		}
		uint32_t cp;
		size_t len;
		int rc = utf8_decode_one(s + i, n - i, &cp, &len);
		chars++;
		if (rc == 0 && cp <= 0xFFFF && enc_tab[cp] != 0) {
			uint16_t v = enc_tab[cp];
			if (v < 0x100) {
				buf_putc(out, (char)v);
			} else {
				char two[2] = { (char)(v >> 8), (char)v };
				buf_append(out, two, 2);
			}
			i += len;
			continue;
		}
		bad++;
		if (report != NULL) {
			struct cp932_bad b = { .cp = cp, .invalid = rc != 0, .index = chars, .offset = i,
					       .len = len };
			if (rc != 0)
				memcpy(b.utf8, UTF8_REPLACEMENT, 4);
			else
				memcpy(b.utf8, s + i, len);
			report(ctx, &b);
		}
		if (policy == CP932_REPLACE_GETA)
			buf_append(out, CP932_GETA, 2);
		else if (policy != CP932_DROP)
			buf_putc(out, '?');
		i += len;
	}
	if (nbad != NULL)
		*nbad = bad;
	return bad > 0 && policy == CP932_FAIL ? -ERR_INVALID : 0;
}

int
cp932_decode_one(const char *s, size_t n, uint32_t *cp, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	*cp = 0xFFFD;
	if (n == 0) {
		*len = 0;
		return -ERR_INVALID;
	}
	*len = 1;
	unsigned b = p[0];
	if (b <= 0x80) {
		*cp = b;
		return 0;
	}
	if (b >= 0xA1 && b <= 0xDF) {
		*cp = 0xFF61 + b - 0xA1;
		return 0;
	}
	if (!((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)) || n < 2)
		return -ERR_INVALID;
	unsigned t = p[1];
	if (t < 0x40 || t == 0x7F || t > 0xFC)
		return -ERR_INVALID;
	int rc = ready();
	if (rc != 0)
		return rc;
	unsigned ptr = (b - (b < 0xA0 ? 0x81 : 0xC1)) * 188 + t - (t < 0x7F ? 0x40 : 0x41);
	if (dec_tab[ptr] == 0)
		return -ERR_INVALID;
	*cp = dec_tab[ptr];
	*len = 2;
	return 0;
}

int
cp932_to_utf8(struct buf *out, const char *s, size_t n, size_t *bad_off)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t run = ascii_span(p + i, n - i);
		if (run > 0) {
			buf_append(out, s + i, run);
			i += run;
			continue;
		}
		uint32_t cp;
		size_t len;
		int rc = cp932_decode_one(s + i, n - i, &cp, &len);
		if (rc != 0) {
			if (bad_off != NULL)
				*bad_off = i;
			return rc;
		}
		utf8_encode(out, cp);
		i += len;
	}
	return 0;
}

static const char *const policy_names[] = {
	[CP932_FAIL] = "fail",
	[CP932_REPLACE_GETA] = "geta",
	[CP932_REPLACE_QMARK] = "qmark",
	[CP932_DROP] = "drop",
};

int
cp932_policy_parse(const char *s, enum cp932_policy *out)
{
	for (size_t i = 0; i < sizeof policy_names / sizeof policy_names[0]; i++) {
		if (strcmp(s, policy_names[i]) == 0) {
			*out = (enum cp932_policy)i;
			return 0;
		}
	}
	return -ERR_INVALID;
}

const char *
cp932_policy_name(enum cp932_policy p)
{
	if ((unsigned)p >= sizeof policy_names / sizeof policy_names[0])
		return "fail";
	return policy_names[p];
}
