/* jp_pref.h: the 47 prefectures of Japan (都道府県) by their JIS X 0401 code, as ISO 3166-2:JP uses them. */
#ifndef ECC_JP_PREF_H
#define ECC_JP_PREF_H

#include <stddef.h>

#define JP_PREF_COUNT 47

/* jp_pref_name: the Japanese name of prefecture code 1..47 ("北海道" … "沖縄県"),
 * static text; NULL for any other code. */
const char *jp_pref_name(int code);

/* jp_pref_from_iso: the code of an ISO 3166-2 subdivision "JP-01" … "JP-47"
 * (exactly two digits; "jp-13" accepted), or 0 when s is anything else
 * (NULL included). */
int jp_pref_from_iso(const char *s);

#endif
