/* jp_pref.c: the 47 prefectures of Japan (都道府県) by their JIS X 0401 code, as ISO 3166-2:JP uses them. */
#include "jp_pref.h"

static const char *const names[JP_PREF_COUNT] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
	"群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
	"山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
	"兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
	"香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
	"鹿児島県", "沖縄県",
};

const char *
jp_pref_name(int code)
{
	return code >= 1 && code <= JP_PREF_COUNT ? names[code - 1] : NULL;
}

int
jp_pref_from_iso(const char *s)
{
	if (s == 0 || (s[0] != 'J' && s[0] != 'j') || (s[1] != 'P' && s[1] != 'p') || s[2] != '-' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9' || s[5] != '\0')
		return 0;
	int code = (s[3] - '0') * 10 + (s[4] - '0');
	return code >= 1 && code <= JP_PREF_COUNT ? code : 0;
}
