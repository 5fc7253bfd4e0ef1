/* totp.h: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) seeds, otpauth URIs and replay-safe verification. */
#ifndef ECC_TOTP_H
#define ECC_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"

/*
 * Parameters fixed for every account (security checklist item 12): what
 * Google Authenticator, Microsoft Authenticator and 1Password accept from
 * an otpauth:// URI. The seed is 160 bits (RFC 4226 §4 R6 recommends it).
 */
#define TOTP_SECRET_LEN 20
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30
#define TOTP_WINDOW 1 /* steps accepted either side of the current one */
/* TOTP_CODE_MAX: input longer than this (before removing spaces) is refused
 * without looking at it. */
#define TOTP_CODE_MAX 32

/*
 * totp_global_init: initialise liboath (oath_init) once per process. Safe to
 * call more than once and from several threads (pthread_once); the other
 * totp_* functions call it themselves, so calling it at worker start only
 * makes a broken library fail early. Returns 0, or -ERR_CONFIG when liboath
 * cannot be initialised.
 */
int totp_global_init(void);

/* totp_new_secret: fill secret with TOTP_SECRET_LEN bytes from the kernel
 * CSPRNG (core/rand.h; aborts rather than fall back to weak randomness). */
void totp_new_secret(unsigned char secret[TOTP_SECRET_LEN]);

/*
 * totp_base32: secret[0..n) as RFC 4648 base32: upper case A-Z2-7, no '='
 * padding (the form authenticator apps expect). NUL-terminated, in a. Never
 * NULL (n == 0 gives "").
 */
char *totp_base32(struct arena *a, const unsigned char *secret, size_t n);

/*
 * totp_base32_group: b32 split into groups of four characters separated by
 * one space ("ABCD EFGH …"), for the enrolment page's "enter the key
 * manually" text. NUL-terminated, in a; never NULL (NULL b32 gives "").
 */
char *totp_base32_group(struct arena *a, const char *b32);

/*
 * totp_base32_decode: decode b32[0..n) into out (capacity cap). Accepts
 * upper or lower case, ignores spaces and '-', and accepts (but does not
 * need) trailing '=' padding. *outlen gets the byte count. Returns 0,
 * -ERR_INVALID for a character outside the alphabet, a '=' before the end,
 * an impossible length or non-zero trailing bits, or -ERR_TOO_LARGE when
 * the result does not fit in cap.
 */
int totp_base32_decode(const char *b32, size_t n, unsigned char *out, size_t cap, size_t *outlen);

/*
 * totp_uri: the otpauth:// URI for the enrolment QR code:
 *   otpauth://totp/<Issuer>:<account>?secret=<b32>&issuer=<Issuer>
 *     &algorithm=SHA1&digits=6&period=30
 * issuer and account are percent-encoded (every byte except ALPHA DIGIT
 * "-._~" becomes %XX, so a ':' in either cannot split the label and a
 * space is %20, never '+'); b32 is used as given (totp_base32 output needs
 * no encoding). NULL strings count as "". NUL-terminated, in a; never NULL.
 * The URI contains the seed: show it once, never log it.
 */
char *totp_uri(struct arena *a, const char *issuer, const char *account, const char *b32);

/*
 * totp_code_at: the 6-digit code for time t (step floor(t / 30)) into out,
 * NUL-terminated, zero-padded. Returns 0, or -ERR_INVALID when secret is
 * NULL, n is 0 or t is negative.
 */
int totp_code_at(const unsigned char *secret, size_t n, time_t t, char out[TOTP_DIGITS + 1]);

/*
 * totp_verify: check a code typed by the user at time now against the
 * seed, with a window of ±TOTP_WINDOW steps and the replay guard of
 * checklist item 13. code is a NUL-terminated string; ASCII spaces and tabs
 * anywhere in it are ignored ("123 456" is how apps display codes); what is
 * left must be exactly 6 ASCII digits. last_step is the user's
 * users.totp_last_step (0 when none was accepted yet).
 *
 * Returns 0 when the code matches a step in the window that is greater
 * than last_step: *accepted_step (may be NULL) gets that step, which the
 * caller must store as the new totp_last_step in the same transaction that
 * completes the login. Returns -ERR_CONFLICT when the code matches only
 * steps <= last_step (a replay, or an older code after a newer one was
 * used: log authn_token_reuse), -ERR_FORBIDDEN when the code is wrong,
 * NULL, too long, or not 6 digits after removing spaces, and -ERR_INVALID
 * for a NULL/empty secret or a negative now (a caller bug, not user input).
 * Codes are compared in constant time. Nothing is logged here.
 */
int totp_verify(const unsigned char *secret, size_t n, const char *code, time_t now, int64_t last_step,
		int64_t *accepted_step);

#endif
