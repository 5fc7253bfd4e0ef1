/* test_cp932_whatwg.c: the CP932 encoder and decoder against the WHATWG Shift_JIS algorithms over index-jis0208. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "convert/cp932.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#define NPTR (60 * 188)

static uint32_t idx[NPTR];      /* pointer → code point (0: none) */
static int32_t rev[0x10000];    /* code point → index Shift_JIS pointer (-1: none) */

/* load: index-jis0208.txt ("pointer<TAB>0xCODE<TAB>…" lines, # comments). */
static size_t
load(void)
{
	FILE *f = fopen(t_shared("conformance/whatwg-encoding/index-jis0208.txt"), "r");
	if (f == NULL)
		return 0;
	char line[512];
	size_t n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#')
			continue;
		char *end;
		unsigned long p = strtoul(line, &end, 10);
		if (end == line)
			continue;
		unsigned long cp = strtoul(end, &end, 16);
		if (p < NPTR && cp > 0 && cp <= 0xFFFF) {
			idx[p] = (uint32_t)cp;
			n++;
		}
	}
	fclose(f);
	return n;
}

/* ref_encode: the WHATWG Shift_JIS encoder; returns the byte count, 0 = error. */
static size_t
ref_encode(uint32_t cp, unsigned char out[2])
{
	if (cp <= 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp == 0xA5) {
		out[0] = 0x5C;
		return 1;
	}
	if (cp == 0x203E) {
		out[0] = 0x7E;
		return 1;
	}
	if (cp >= 0xFF61 && cp <= 0xFF9F) {
		out[0] = (unsigned char)(cp - 0xFF61 + 0xA1);
		return 1;
	}
	if (cp == 0x2212)
		cp = 0xFF0D;
	if (cp > 0xFFFF || rev[cp] < 0)
		return 0;
	unsigned p = (unsigned)rev[cp], lead = p / 188, trail = p % 188;
	out[0] = (unsigned char)(lead + (lead < 0x1F ? 0x81 : 0xC1));
	out[1] = (unsigned char)(trail + (trail < 0x3F ? 0x40 : 0x41));
	return 2;
}

/* ref_decode: the WHATWG Shift_JIS decoder for one character at b[0..n). */
static int
ref_decode(const unsigned char *b, size_t n, uint32_t *cp, size_t *len)
{
	*len = 1;
	if (b[0] <= 0x80) {
		*cp = b[0];
		return 0;
	}
	if (b[0] >= 0xA1 && b[0] <= 0xDF) {
		*cp = 0xFF61 - 0xA1 + b[0];
		return 0;
	}
	if (!((b[0] >= 0x81 && b[0] <= 0x9F) || (b[0] >= 0xE0 && b[0] <= 0xFC)) || n < 2)
		return -1;
	unsigned lead = b[0], t = b[1];
	if (!((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC)))
		return -1;
	unsigned p = (lead - (lead < 0xA0 ? 0x81 : 0xC1)) * 188 + t - (t < 0x7F ? 0x40 : 0x41);
	if (p >= 8836 && p <= 10715) {
		*cp = 0xE000 - 8836 + p;
		*len = 2;
		return 0;
	}
	if (idx[p] == 0)
		return -1;
	*cp = idx[p];
	*len = 2;
	return 0;
}

int
main(void)
{
	size_t entries = load();
	T_OK(entries > 7000, "index-jis0208.txt loaded (%zu entries)", entries);
	T_INTEQ(cp932_init(), 0);
	for (size_t i = 0; i < 0x10000; i++)
		rev[i] = -1;
	for (unsigned p = 0; p < NPTR; p++)
		if (idx[p] != 0 && !(p >= 8272 && p <= 8835) && rev[idx[p]] < 0)
			rev[idx[p]] = (int32_t)p;

	/* the encoder: every code point of the index, then every other one */
	size_t mapped = 0, mapped_ok = 0, all = 0, all_ok = 0, encodable = 0;
	static unsigned char seen[0x10000];
	for (unsigned p = 0; p < NPTR; p++) {
		uint32_t cp = idx[p];
		if (cp == 0 || seen[cp])
			continue;
		seen[cp] = 1;
		unsigned char want[2], got[2];
		size_t wl = ref_encode(cp, want), gl = 0;
		int rc = cp932_encode(cp, got, &gl);
		mapped++;
		bool ok = wl > 0 ? rc == 0 && gl == wl && memcmp(got, want, wl) == 0 : rc == -ERR_INVALID;
		mapped_ok += ok;
		T_OK(ok, "pointer %u U+%04X: want %zu bytes %02X %02X, got rc %d %zu bytes %02X %02X", p,
		     (unsigned)cp, wl, want[0], wl > 1 ? want[1] : 0, rc, gl, got[0], gl > 1 ? got[1] : 0);
	}
	size_t first_bad = 0;
	for (uint32_t cp = 0; cp <= 0x110000; cp++) {
		unsigned char want[2], got[2];
		size_t wl = ref_encode(cp, want), gl = 0;
		int rc = cp932_encode(cp, got, &gl);
		bool ok = wl > 0 ? rc == 0 && gl == wl && memcmp(got, want, wl) == 0 : rc == -ERR_INVALID && gl == 0;
		all++;
		all_ok += ok;
		encodable += wl > 0;
		if (!ok && first_bad++ < 10)
			T_OK(0, "U+%04X: encoder differs from WHATWG (rc %d, %zu bytes)", (unsigned)cp, rc, gl);
	}
	T_INTEQ(all_ok, all);
	/* the documented overrides of glibc's CP932 encoder */
	static const uint32_t refused[] = { 0x301C, 0x2016, 0x2014, 0x00A2, 0x00A3, 0x00AC, 0xE000, 0x1F600,
					    0x20BB7 };
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		unsigned char b[2];
		size_t l;
		T_OK(cp932_encode(refused[i], b, &l) == -ERR_INVALID, "U+%04X unencodable", (unsigned)refused[i]);
	}

	/* the decoder: every single byte and every two-byte sequence */
	size_t dec_checked = 0, dec_mapped = 0, dec_ok = 0;
	for (unsigned b0 = 0; b0 < 0x100; b0++) {
		for (unsigned b1 = 0; b1 < 0x100; b1++) {
			unsigned char in[2] = { (unsigned char)b0, (unsigned char)b1 };
			uint32_t wcp = 0, gcp = 0;
			size_t wl = 0, gl = 0;
			int wrc = ref_decode(in, 2, &wcp, &wl);
			int grc = cp932_decode_one((const char *)in, 2, &gcp, &gl);
			bool ok = wrc == 0 ? grc == 0 && gcp == wcp && gl == wl : grc == -ERR_INVALID;
			dec_checked++;
			dec_ok += ok;
			dec_mapped += wrc == 0 && wl == 2;
			if (!ok)
				T_OK(0, "decode %02X %02X: want rc %d U+%04X len %zu, got rc %d U+%04X len %zu", b0, b1,
				     wrc, (unsigned)wcp, wl, grc, (unsigned)gcp, gl);
			if (wl == 1 && wrc == 0)
				break;  /* a single-byte character: the second byte does not matter */
		}
	}
	T_INTEQ(dec_ok, dec_checked);
	/* a lead byte at the end of the input */
	uint32_t cp;
	size_t l;
	T_INTEQ(cp932_decode_one("\x88", 1, &cp, &l), -ERR_INVALID);
	/* the whole index through the buffer decoder and back through the encoder */
	struct arena *a = arena_new(0);
	struct buf raw, utf, back;
	buf_init(&raw, a, NPTR * 2);
	buf_init(&utf, a, NPTR * 3);
	buf_init(&back, a, NPTR * 2);
	for (unsigned p = 0; p < NPTR; p++) {
		if (idx[p] == 0 || (p >= 8272 && p <= 8835))
			continue;
		unsigned char b[2];
		size_t bl = ref_encode(idx[p], b);
		if (bl == 2 && (unsigned)rev[idx[p]] == p)
			buf_append(&raw, b, 2);
	}
	size_t off = 99, nbad = 99;
	T_INTEQ(cp932_to_utf8(&utf, raw.data, raw.len, &off), 0);
	T_INTEQ(cp932_from_utf8(&back, utf.data, utf.len, CP932_FAIL, NULL, NULL, &nbad), 0);
	T_INTEQ(nbad, 0);
	T_OK(back.len == raw.len && memcmp(back.data, raw.data, raw.len) == 0, "index round trip");
	arena_free(a);

	printf("cp932-whatwg: %zu index code points checked (%zu agree); %zu code points U+0000..U+110000 "
	       "checked (%zu encodable); %zu byte sequences decoded (%zu two-byte mapped, user-defined area included)\n",
	       mapped, mapped_ok, all, encodable, dec_checked, dec_mapped);
	return t_done("cp932-whatwg");
}
