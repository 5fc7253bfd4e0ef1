/* test_jp_pref.c: prefecture codes ⇔ Japanese names, and ISO 3166-2:JP parsing. */
#include "core/jp_pref.h"
#include "t.h"

#include <string.h>

int
main(void)
{
	T_STREQ(jp_pref_name(1), "北海道");
	T_STREQ(jp_pref_name(13), "東京都");
	T_STREQ(jp_pref_name(22), "静岡県");
	T_STREQ(jp_pref_name(26), "京都府");
	T_STREQ(jp_pref_name(27), "大阪府");
	T_STREQ(jp_pref_name(47), "沖縄県");
	T_OK(jp_pref_name(0) == NULL && jp_pref_name(48) == NULL && jp_pref_name(-1) == NULL, "out of range");
	/* every name ends in 都/道/府/県 and appears once */
	for (int i = 1; i <= JP_PREF_COUNT; i++) {
		const char *n = jp_pref_name(i);
		size_t l = strlen(n);
		T_OK(l >= 6 && (strcmp(n + l - 3, "県") == 0 || strcmp(n + l - 3, "都") == 0 ||
				strcmp(n + l - 3, "府") == 0 || strcmp(n + l - 3, "道") == 0), "suffix of %s", n);
		for (int j = 1; j < i; j++)
			T_OK(strcmp(n, jp_pref_name(j)) != 0, "%s once", n);
	}
	T_INTEQ(jp_pref_from_iso("JP-13"), 13);
	T_INTEQ(jp_pref_from_iso("JP-01"), 1);
	T_INTEQ(jp_pref_from_iso("jp-47"), 47);
	T_INTEQ(jp_pref_from_iso("JP-00"), 0);
	T_INTEQ(jp_pref_from_iso("JP-48"), 0);
	T_INTEQ(jp_pref_from_iso("JP-1"), 0);
	T_INTEQ(jp_pref_from_iso("JP-013"), 0);
	T_INTEQ(jp_pref_from_iso("KY"), 0);
	T_INTEQ(jp_pref_from_iso("US-KY"), 0);
	T_INTEQ(jp_pref_from_iso(""), 0);
	T_INTEQ(jp_pref_from_iso(NULL), 0);
	return t_done("jp-pref");
}
