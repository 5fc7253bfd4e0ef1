/* totp.c: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) seeds, otpauth URIs and replay-safe verification. */
#include "totp.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <liboath/oath.h>
#include <openssl/crypto.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"

/* Times beyond this are refused as caller bugs (keeps now ± window far
 * from time_t overflow inside liboath). */
#define TOTP_TIME_MAX ((time_t)1 << 40)

static void init_once(void);
static int strip_code(const char *code, char digits[TOTP_DIGITS + 1]);
static int ct_strcmp(void *handle, const char *test_otp);
static void pct_encode(struct buf *out, const char *s);
static int b32_value(unsigned char c);

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = -ERR_CONFIG;

static void
init_once(void)
{
	init_rc = oath_init() == OATH_OK ? 0 : -ERR_CONFIG;
}

int
totp_global_init(void)
{
	pthread_once(&once, init_once);
	return init_rc;
}

void
totp_new_secret(unsigned char secret[TOTP_SECRET_LEN])
{
	rand_bytes(secret, TOTP_SECRET_LEN);
}

char *
totp_base32(struct arena *a, const unsigned char *secret, size_t n)
{
	struct buf b;
	buf_init(&b, a, (n * 8 + 4) / 5 + 1);
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | secret[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			buf_putc(&b, B32[(acc >> bits) & 31]);
		}
	}
	if (bits > 0)
		buf_putc(&b, B32[(acc << (5 - bits)) & 31]);
	return b.data;
}

char *
totp_base32_group(struct arena *a, const char *b32)
{
	struct buf b;
	size_t n = b32 ? strlen(b32) : 0;
	buf_init(&b, a, n + n / 4 + 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			buf_putc(&b, ' ');
		buf_putc(&b, b32[i]);
	}
	return b.data;
}

static int
b32_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
totp_base32_decode(const char *b32, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t len = 0, chars = 0;
	bool pad = false;
	*outlen = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b32[i];
		if (c == ' ' || c == '-')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		int v = b32_value(c);
		if (v < 0 || pad)
			return -ERR_INVALID;
		chars++;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (len >= cap)
				return -ERR_TOO_LARGE;
			out[len++] = (unsigned char)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	/* valid unpadded lengths mod 8: 0, 2, 4, 5, 7; leftover bits are zero */
	size_t r = chars % 8;
	if (r == 1 || r == 3 || r == 6 || acc != 0)
		return -ERR_INVALID;
	*outlen = len;
	return 0;
}

static void
pct_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

char *
totp_uri(struct arena *a, const char *issuer, const char *account, const char *b32)
{
	struct buf b;
	buf_init(&b, a, 160);
	buf_puts(&b, "otpauth://totp/");
	pct_encode(&b, issuer);
	buf_putc(&b, ':');
	pct_encode(&b, account);
	buf_puts(&b, "?secret=");
	buf_puts(&b, b32 ? b32 : "");
	buf_puts(&b, "&issuer=");
	pct_encode(&b, issuer);
	buf_puts(&b, "&algorithm=SHA1&digits=6&period=30");
	return b.data;
}

int
totp_code_at(const unsigned char *secret, size_t n, time_t t, char out[TOTP_DIGITS + 1])
{
	out[0] = '\0';
	if (secret == NULL || n == 0 || t < 0 || t > TOTP_TIME_MAX || totp_global_init() != 0)
		return -ERR_INVALID;
	if (oath_totp_generate((const char *)secret, n, t, TOTP_PERIOD, 0, TOTP_DIGITS, out) != OATH_OK) {
		out[0] = '\0';
		return -ERR_INVALID;
	}
	return 0;
}

/* Copy the digits of code (spaces and tabs removed) into digits; 0 when
 * exactly TOTP_DIGITS ASCII digits remain. */
static int
strip_code(const char *code, char digits[TOTP_DIGITS + 1])
{
	size_t nd = 0;
	if (code == NULL)
		return -ERR_FORBIDDEN;
	for (size_t i = 0; code[i] != '\0'; i++) {
		char c = code[i];
		if (i >= TOTP_CODE_MAX)
			return -ERR_FORBIDDEN;
		if (c == ' ' || c == '\t')
			continue;
		if (c < '0' || c > '9' || nd >= TOTP_DIGITS)
			return -ERR_FORBIDDEN;
		digits[nd++] = c;
	}
	digits[nd] = '\0';
	return nd == TOTP_DIGITS ? 0 : -ERR_FORBIDDEN;
}

/* liboath's comparison callback: 0 only on a match, in constant time. */
static int
ct_strcmp(void *handle, const char *test_otp)
{
	if (strlen(test_otp) != TOTP_DIGITS)
		return 1;
	return CRYPTO_memcmp(handle, test_otp, TOTP_DIGITS) == 0 ? 0 : 1;
}

int
totp_verify(const unsigned char *secret, size_t n, const char *code, time_t now, int64_t last_step,
	    int64_t *accepted_step)
{
	char digits[TOTP_DIGITS + 1];
	int pos = 0;
	uint64_t counter = 0;

	if (secret == NULL || n == 0 || now < 0 || now > TOTP_TIME_MAX)
		return -ERR_INVALID;
	if (totp_global_init() != 0)
		return -ERR_CONFIG;
	if (strip_code(code, digits) != 0)
		return -ERR_FORBIDDEN;
	/* window search order (liboath): current step, then +1, then -1 */
	int rc = oath_totp_validate3_callback((const char *)secret, n, now, TOTP_PERIOD, 0, TOTP_DIGITS,
					      TOTP_WINDOW, &pos, &counter, ct_strcmp, digits);
	if (rc < 0 || counter > (uint64_t)INT64_MAX) /* step -1 wraps below epoch */
		return -ERR_FORBIDDEN;
	if ((int64_t)counter <= last_step)
		return -ERR_CONFLICT;
	if (accepted_step != NULL)
		*accepted_step = (int64_t)counter;
	return 0;
}
