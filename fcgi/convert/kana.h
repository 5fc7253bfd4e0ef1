/* kana.h: 全角⇔半角 width conversion of UTF-8 text (katakana, letters and digits, symbols). */
#ifndef ECC_KANA_H
#define ECC_KANA_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Which characters convert is chosen by flags (OR-ed); everything else is
 * copied unchanged.
 *
 * KANA_KANA — katakana and the marks of the halfwidth katakana block
 *   (U+FF61..U+FF9F):
 *   - ア⇔ｱ … ン⇔ﾝ, small ァ⇔ｧ …, ー⇔ｰ, 。「」、・ ⇔ ｡｢｣､･, ゛⇔ﾞ, ゜⇔ﾟ;
 *   - voiced and semi-voiced: ガ⇔ｶﾞ, パ⇔ﾊﾟ, ヴ⇔ｳﾞ, ヷ⇔ﾜﾞ, ヺ⇔ｦﾞ. To
 *     full width, a halfwidth base followed by ﾞ or ﾟ becomes ONE character
 *     when that character exists (ｶﾞ → ガ); otherwise (ｱﾞ) the mark becomes
 *     the standalone ゛/゜ (ｱﾞ → ア゛). The combining marks U+3099/U+309A
 *     become ﾞ/ﾟ to half width.
 *   - hiragana to half width goes through katakana: ひらがな → ﾋﾗｶﾞﾅ. To
 *     full width the result is always katakana (ﾋﾗｶﾞﾅ → ヒラガナ), so a
 *     hiragana round trip ends in katakana.
 *   - characters with no halfwidth form stay as they are: ヮ ヰ ヱ ヵ ヶ ヸ
 *     ヹ ヽ ヾ ゠ and their hiragana (ゎ ゐ ゑ ゕ ゖ ゝ ゞ).
 * KANA_ALNUM — ASCII digits and letters ⇔ U+FF10..FF19, U+FF21..FF3A,
 *   U+FF41..FF5A (１２Ａｂ ⇔ 12Ab).
 * KANA_SYMBOL — the other printable ASCII characters ⇔ U+FF01..FF5E
 *   (！＃＄％＆（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～ and ＂ ＇),
 *   and space U+0020 ⇔ ideographic space U+3000. The mapping is the plain
 *   code point offset: '\\' ⇔ ＼ (U+FF3C), '~' ⇔ ～ (U+FF5E), '"' ⇔ ＂,
 *   '\'' ⇔ ＇. There is deliberately no yen special case: ￥ (U+FFE5), ¥
 *   (U+00A5), 〜 (U+301C) and − (U+2212) are left unchanged both ways.
 *
 * Input must be well-formed UTF-8 (see core/utf8.h); on an ill-formed
 * sequence the functions return -ERR_INVALID and out is restored to the
 * length it had on entry. Output is at most 3× the input (plus nothing
 * else), always well-formed UTF-8. Pure and thread-safe; memory only from
 * out's arena.
 */

#define KANA_KANA   0x1u
#define KANA_ALNUM  0x2u
#define KANA_SYMBOL 0x4u
#define KANA_ALL    (KANA_KANA | KANA_ALNUM | KANA_SYMBOL)

/* kana_to_half: append s[0..n) to out with the flagged characters turned
 * to half width (全角→半角). Returns 0 or -ERR_INVALID (bad UTF-8). */
int kana_to_half(struct buf *out, const char *s, size_t n, unsigned flags);

/* kana_to_full: append s[0..n) to out with the flagged characters turned
 * to full width (半角→全角). Returns 0 or -ERR_INVALID (bad UTF-8). */
int kana_to_full(struct buf *out, const char *s, size_t n, unsigned flags);

/*
 * kana_flags_parse: OR the flags named in s[0..n) into *flags. Names are
 * separated by '|', ',' or spaces: "kana", "alnum", "symbol", "all" (ASCII
 * case-insensitive) or カナ, 英数, 記号, すべて. Returns 0, or -ERR_INVALID
 * for an unknown or empty name (*flags then unchanged).
 */
int kana_flags_parse(const char *s, size_t n, unsigned *flags);

#endif
