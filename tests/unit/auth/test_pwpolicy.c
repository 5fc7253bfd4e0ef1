/* test_pwpolicy.c: password policy: lengths in code points, blocklist, context words, composition, reuse. */
#include <stdio.h>
#include <string.h>

#include "auth/pwpolicy.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "crypto/pwhash.h"
#include "t.h"

#define LISTS "/usr/share/john/password.lst:/usr/share/dict/cracklib-small"

static const char *
check(const struct pwpolicy *p, const char *pw, const char *const *ctx, size_t nctx)
{
	const char *why = "unset";
	int rc = pwpolicy_check(p, pw, strlen(pw), ctx, nctx, &why);
	if (rc == 0)
		return why == NULL ? "ok" : "ok-but-reason";
	return rc == -ERR_INVALID && why ? why : "bad-rc";
}

/* n code points cycling through the (UTF-8) characters of set */
static const char *
rep(struct arena *a, const char *set, int n)
{
	struct buf b;
	buf_init(&b, a, 64);
	const char *p = set;
	for (int i = 0; i < n; i++) {
		size_t l = 1;
		while ((p[l] & 0xC0) == 0x80)
			l++;
		buf_append(&b, p, l);
		p += l;
		if (*p == '\0')
			p = set;
	}
	return buf_cstr(&b);
}

int
main(void)
{
	struct arena *a = arena_new(0);
	struct buf err;
	buf_init(&err, a, 128);
	struct pwpolicy def;
	pwpolicy_default(&def);
	T_INTEQ(def.min_length, 12);
	T_OK(!def.composition, "composition on by default");
	T_INTEQ(def.expiry_days, 0);

	/* before a list is loaded */
	T_INTEQ(pwpolicy_blocklist_size(), 0);
	T_OK(!pwpolicy_blocked("password", 8), "blocked without a list");

	/* loading */
	T_INTEQ(pwpolicy_load_blocklist("", &err), -ERR_INVALID);
	T_INTEQ(pwpolicy_load_blocklist("/nonexistent/list.txt", &err), -ERR_IO);
	T_OK(strstr(buf_cstr(&err), "/nonexistent/list.txt") != NULL, "err: %s", buf_cstr(&err));
	buf_clear(&err);
	T_INTEQ(pwpolicy_load_blocklist(LISTS, &err), 0);
	T_OK(err.len == 0, "err: %s", buf_cstr(&err));
	size_t size = pwpolicy_blocklist_size();
	printf("REPORT password blocklist: %zu entries\n", size);
	T_OK(size >= 10000, "blocklist has %zu entries (< 10,000)", size);
	/* a failed reload keeps the set */
	T_INTEQ(pwpolicy_load_blocklist(LISTS ":/nonexistent", &err), -ERR_IO);
	T_INTEQ(pwpolicy_blocklist_size(), size);
	T_OK(!pwpolicy_blocked("#!comment: This list has been compiled by Solar Designer", 56),
	     "comment line loaded");

	/* lengths in code points: 11/12/128/129 ASCII, 12 Japanese (36 bytes) */
	T_STREQ(check(NULL, "kq7-zv3-wp9", NULL, 0), "pw_err_too_short");
	T_STREQ(check(NULL, "kq7-zv3-wp9x", NULL, 0), "ok");
	T_STREQ(check(NULL, rep(a, "kq7-zv3", 64), NULL, 0), "ok");
	T_STREQ(check(NULL, rep(a, "kq7-zv3", 128), NULL, 0), "ok");
	T_STREQ(check(NULL, rep(a, "kq7-zv3", 129), NULL, 0), "pw_err_too_long");
	const char *jp12 = "春は曙やうやう白くなり行く";
	T_INTEQ(strlen("春は曙やうやう白くなり行く"), 39);
	T_STREQ(check(NULL, "春は曙やうやう白くなりゆ", NULL, 0), "ok");
	T_INTEQ(strlen("春は曙やうやう白くなりゆ"), 36);
	T_STREQ(check(NULL, "春は曙やうやう白くなり", NULL, 0), "pw_err_too_short");
	T_STREQ(check(NULL, jp12, NULL, 0), "ok");
	T_STREQ(check(NULL, rep(a, "春夏秋冬雪", 128), NULL, 0), "ok");
	T_STREQ(check(NULL, rep(a, "春夏秋冬雪", 129), NULL, 0), "pw_err_too_long");
	T_STREQ(check(NULL, rep(a, "🐈🐕🐟🐓🐇", 12), NULL, 0), "ok");
	/* a tenant may raise the minimum, never lower it */
	struct pwpolicy p16 = def, p8 = def, p500 = def;
	p16.min_length = 16;
	p8.min_length = 8;
	p500.min_length = 500;
	T_STREQ(check(&p16, "kq7-zv3-wp9x-ab", NULL, 0), "pw_err_too_short");
	T_STREQ(check(&p16, "kq7-zv3-wp9x-abc", NULL, 0), "ok");
	T_STREQ(check(&p8, "kq7-zv3-wp9", NULL, 0), "pw_err_too_short");
	T_STREQ(check(&p500, rep(a, "kq7-zv3", 128), NULL, 0), "ok");

	/* invalid UTF-8 and control characters */
	T_STREQ(check(NULL, "kq7-zv3-wp9x\xff", NULL, 0), "pw_err_invalid");
	T_STREQ(check(NULL, "kq7-zv3-wp9x\xc0\xaf", NULL, 0), "pw_err_invalid");
	T_STREQ(check(NULL, "kq7-zv3-wp9x\xed\xa0\x80", NULL, 0), "pw_err_invalid");
	T_STREQ(check(NULL, "kq7-zv3\n-wp9x", NULL, 0), "pw_err_invalid");
	T_STREQ(check(NULL, "kq7-zv3\x7f-wp9x", NULL, 0), "pw_err_invalid");
	const char *why = "unset";
	T_INTEQ(pwpolicy_check(NULL, "kq7-zv3\0-wp9x", 13, NULL, 0, &why), -ERR_INVALID);
	T_STREQ(why, "pw_err_invalid");
	T_INTEQ(pwpolicy_check(NULL, NULL, 0, NULL, 0, &why), -ERR_INVALID);
	/* spaces (ASCII and full-width) and emoji are fine */
	T_STREQ(check(NULL, "correct horse\xE3\x80\x80 battery 🔑", NULL, 0), "ok");

	/* 20 blocklist entries of 12+ chars, taken from the shipped files */
	int picked = 0, rejected = 0, seen = 0;
	const char *files[] = { "/usr/share/john/password.lst", "/usr/share/dict/cracklib-small" };
	for (size_t f = 0; f < 2 && picked < 20; f++) {
		FILE *fp = fopen(files[f], "r");
		char line[512];
		while (fp && picked < 20 && fgets(line, sizeof line, fp)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (strncmp(line, "#!comment", 9) == 0 || strlen(line) < 12)
				continue;
			if (seen++ % 97 != 0 && f == 1)
				continue;
			picked++;
			const char *r = check(NULL, line, NULL, 0);
			if (strcmp(r, "pw_err_common") == 0)
				rejected++;
			else
				fprintf(stderr, "not rejected: \"%s\" (%s)\n", line, r);
		}
		if (fp)
			fclose(fp);
	}
	T_INTEQ(picked, 20);
	T_INTEQ(rejected, 20);
	/* case, full-width forms, and trailing digits/symbols */
	T_STREQ(check(NULL, "WinnieThePooh", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "ｗｉｎｎｉｅｔｈｅｐｏｏｈ", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "password123456", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "Password1234!", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "qwerty123456789", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "123456789012", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "availability", NULL, 0), "pw_err_common");
	/* repetitive and sequential */
	T_STREQ(check(NULL, "aaaaaaaaaaaaaaa", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "abcabcabcabcabc", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "xY1!xY1!xY1!", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "ああああああああああああ", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "abcdefghijklm", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "987654321098", NULL, 0), "pw_err_common");
	T_STREQ(check(NULL, "xY1!xY1!xY1!z", NULL, 0), "ok");
	T_STREQ(check(NULL, "abcdefghijkz", NULL, 0), "ok");
	T_OK(pwpolicy_blocked("password", 8), "password not blocked");
	/* a word inside a longer passphrase is fine */
	T_STREQ(check(NULL, "password is not my passphrase", NULL, 0), "ok");
	T_STREQ(check(NULL, "zq9-availability-xk", NULL, 0), "ok");

	/* context words */
	const char *ctx[] = { "acme-shop", "ACME Trading Co.", "taro.yamada", NULL };
	T_STREQ(check(NULL, "my-acme-shop-secret", ctx, 4), "pw_err_context");
	T_STREQ(check(NULL, "ILoveACMEtrading!!", ctx, 4), "pw_err_context");
	T_STREQ(check(NULL, "trading-cards-forever", ctx, 4), "pw_err_context");
	T_STREQ(check(NULL, "yamada-family-2024", ctx, 4), "pw_err_context");
	T_STREQ(check(NULL, "ＴＡＲＯ-secret-key-9", ctx, 4), "pw_err_context");
	T_STREQ(check(NULL, "co-operative-gardens", ctx, 4), "ok"); /* "co" is short: equality only */
	T_STREQ(check(NULL, "ecconnector-2024", NULL, 0), "pw_err_context");
	T_STREQ(check(NULL, "MyECConnector!!", NULL, 0), "pw_err_context");
	T_STREQ(check(NULL, "ECコネクターのパスワード", NULL, 0), "pw_err_context");
	T_STREQ(check(NULL, "ｅｃコネクターのパスワード", NULL, 0), "pw_err_context");
	T_STREQ(check(NULL, "ecc-but-long-enough", NULL, 0), "ok"); /* "ecc" is short */
	T_STREQ(check(NULL, "ec connector rocks", NULL, 0), "pw_err_context");
	const char *ctx2[] = { "鈴木商店" };
	T_STREQ(check(NULL, "鈴木商店のパスワードです", ctx2, 1), "pw_err_context");
	T_STREQ(check(NULL, "鈴木さんのパスワードです", ctx2, 1), "ok");
	const char *ctx3[] = { "averyveryverylongtenantname" };
	T_STREQ(check(NULL, "averyveryverylongtenantname", ctx3, 1), "pw_err_context");

	/* composition: off by default; when on, 3 of 4 classes */
	T_STREQ(check(NULL, "a lowercase passphrase only", NULL, 0), "ok");
	struct pwpolicy pc = def;
	pc.composition = true;
	T_STREQ(check(&pc, "a lowercase passphrase only", NULL, 0), "pw_err_composition");
	T_STREQ(check(&pc, "a lowercase passphrase 0nly", NULL, 0), "ok"); /* lower, other, digit */
	T_STREQ(check(&pc, "alowercasepassphraseonly", NULL, 0), "pw_err_composition");
	T_STREQ(check(&pc, "alowercasepassphrase0nly", NULL, 0), "pw_err_composition");
	T_STREQ(check(&pc, "aLowercasepassphrase0nly", NULL, 0), "ok");
	T_STREQ(check(&pc, "すずきたろうのひみつ12ab", NULL, 0), "ok");

	/* reuse against previous Argon2 hashes */
	char *h1, *h2;
	T_INTEQ(pwhash_hash(a, "first old password", 18, &h1), 0);
	T_INTEQ(pwhash_hash(a, "second old password", 19, &h2), 0);
	const char *prev[] = { h1, NULL, "garbage", h2 };
	T_OK(pwpolicy_reuse("second old password", 19, prev, 4), "reuse not detected");
	T_OK(pwpolicy_reuse("first old password", 18, prev, 4), "reuse not detected");
	T_OK(!pwpolicy_reuse("a brand new password", 20, prev, 4), "false reuse");
	T_OK(!pwpolicy_reuse("first old password", 18, prev, 0), "reuse with no history");
	T_OK(!pwpolicy_reuse("first old password", 18, NULL, 3), "reuse with NULL");

	arena_free(a);
	return t_done("auth-pwpolicy");
}
