/* test_wycheproof_aesgcm.c: every Wycheproof AES-GCM vector through the tree's one GCM core (crypto/gcm). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "crypto/gcm.h"
#include "t.h"

/* hex → bytes (malloc'd, at least 1 byte); -1 on bad hex */
static long
unhex(const char *s, unsigned char **out)
{
	size_t n = strlen(s);
	*out = malloc(n / 2 + 1);
	if (*out == NULL || n % 2)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		(*out)[i] = (unsigned char)v;
	}
	return (long)(n / 2);
}

static const char *
str(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int
num(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : -1;
}

int
main(void)
{
	json_object *root = json_object_from_file(t_shared("conformance/wycheproof-aes-gcm/aes_gcm_test.json"));
	T_OK(root != NULL, "cannot read the Wycheproof file (SHARED=%s)", getenv("SHARED") ? getenv("SHARED") : "");
	if (root == NULL)
		return t_done("wycheproof-aesgcm");
	json_object *groups;
	json_object_object_get_ex(root, "testGroups", &groups);
	int total = 0, valid = 0, invalid = 0, k256iv96 = 0, other = 0, skipped = 0, unsupported = 0;
	int declared = num(root, "numberOfTests");
	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g), *tests;
		int keysize = num(grp, "keySize"), ivsize = num(grp, "ivSize"), tagsize = num(grp, "tagSize");
		json_object_object_get_ex(grp, "tests", &tests);
		for (size_t i = 0; i < json_object_array_length(tests); i++) {
			json_object *t = json_object_array_get_idx(tests, i);
			int id = num(t, "tcId");
			const char *result = str(t, "result");
			if (tagsize != 128) {
				skipped++;
				continue;
			}
			unsigned char *key, *iv, *aad, *msg, *ct, *tag, *out, tagout[GCM_TAG_LEN];
			long kl = unhex(str(t, "key"), &key), il = unhex(str(t, "iv"), &iv),
			     al = unhex(str(t, "aad"), &aad), ml = unhex(str(t, "msg"), &msg),
			     cl = unhex(str(t, "ct"), &ct), tl = unhex(str(t, "tag"), &tag);
			out = malloc((size_t)(ml > cl ? ml : cl) + 1);
			T_OK(kl * 8 == keysize && il * 8 == ivsize && al >= 0 && ml >= 0 && cl >= 0 &&
				     tl >= 0 && out != NULL,
			     "tc %d: bad hex", id);
			int is_valid = strcmp(result, "valid") == 0;
			if (il > GCM_MAX_IV) {
				/* beyond OpenSSL's IV limit: the core must refuse, never misbehave */
				T_OK(gcm_decrypt(key, (size_t)kl, iv, (size_t)il, aad, (size_t)al, ct, (size_t)cl,
						 tag, (size_t)tl, out) == -ERR_INVALID,
				     "tc %d: over-long IV not refused", id);
				unsupported++;
				free(key), free(iv), free(aad), free(msg), free(ct), free(tag), free(out);
				continue;
			}
			int drc = gcm_decrypt(key, (size_t)kl, iv, (size_t)il, aad, (size_t)al, ct, (size_t)cl,
					      tag, (size_t)tl, out);
			if (is_valid) {
				T_OK(drc == 0 && memcmp(out, msg, (size_t)ml) == 0, "tc %d: valid vector rejected (%d)",
				     id, drc);
				int erc = gcm_encrypt(key, (size_t)kl, iv, (size_t)il, aad, (size_t)al, msg, (size_t)ml,
						      out, tagout);
				T_OK(erc == 0 && memcmp(out, ct, (size_t)cl) == 0 &&
					     memcmp(tagout, tag, GCM_TAG_LEN) == 0,
				     "tc %d: encryption differs", id);
				valid++;
			} else {
				T_OK(drc != 0, "tc %d (%s): invalid vector accepted", id, result);
				if (il == 0) /* a zero-length IV must be refused for encryption too */
					T_OK(gcm_encrypt(key, (size_t)kl, iv, 0, aad, (size_t)al, msg, (size_t)ml, out,
							 tagout) != 0,
					     "tc %d: empty IV accepted", id);
				invalid++;
			}
			if (keysize == 256 && ivsize == 96)
				k256iv96++;
			else
				other++;
			total++;
			free(key), free(iv), free(aad), free(msg), free(ct), free(tag), free(out);
		}
	}
	printf("REPORT wycheproof aes-gcm: %d vectors (%d valid, %d invalid; %d with 256-bit key and 96-bit IV, "
	       "%d other key/IV sizes), %d refused as IV > %d bytes (OpenSSL limit), %d skipped (tag size), "
	       "file declares %d\n",
	       total, valid, invalid, k256iv96, other, unsupported, GCM_MAX_IV, skipped, declared);
	T_INTEQ(total + unsupported + skipped, declared);
	T_OK(k256iv96 > 0, "no 256-bit/96-bit group");
	json_object_put(root);
	return t_done("wycheproof-aesgcm");
}
