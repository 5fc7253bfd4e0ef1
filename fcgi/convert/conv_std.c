/* conv_std.c: the standard templates — ネクストエンジン 汎用受注CSV, ヤマト B2クラウド 送り状, 会計ソフト向け売上CSV. */
#include "conv_std.h"

#include <string.h>

/*
 * The definitions are the canonical stored JSON (conv_def_json of the
 * parsed definition gives the same bytes; the unit test checks it), one
 * column per line.
 */

static const char ne_order_def[] =
	"{\"kind\":\"order_line\",\"columns\":["
	"{\"header\":\"店舗伝票番号\",\"source\":\"expr\",\"value\":\"replace(order_number, \\\"#\\\", \\\"\\\")\"}"
	",{\"header\":\"受注日\",\"source\":\"expr\",\"value\":\"date(ordered_at, \\\"yyyy/MM/dd HH:mm:ss\\\")\"}"
	",{\"header\":\"受注郵便番号\",\"source\":\"field\",\"value\":\"buyer.postal_code\"}"
	",{\"header\":\"受注住所１\",\"source\":\"expr\",\"value\":\"buyer.prefecture & buyer.city\"}"
	",{\"header\":\"受注住所２\",\"source\":\"expr\",\"value\":\"buyer.address1 & if(buyer.address2 <> \\\"\\\", \\\" \\\" & buyer.address2, \\\"\\\")\"}"
	",{\"header\":\"受注名\",\"source\":\"field\",\"value\":\"buyer.name\"}"
	",{\"header\":\"受注名カナ\",\"source\":\"expr\",\"value\":\"han2zen(buyer.kana, \\\"kana\\\")\"}"
	",{\"header\":\"受注電話番号\",\"source\":\"field\",\"value\":\"buyer.phone\"}"
	",{\"header\":\"受注メールアドレス\",\"source\":\"field\",\"value\":\"buyer.email\"}"
	",{\"header\":\"発送郵便番号\",\"source\":\"field\",\"value\":\"ship.postal_code\"}"
	",{\"header\":\"発送先住所１\",\"source\":\"expr\",\"value\":\"ship.prefecture & ship.city\"}"
	",{\"header\":\"発送先住所２\",\"source\":\"expr\",\"value\":\"ship.address1 & if(ship.address2 <> \\\"\\\", \\\" \\\" & ship.address2, \\\"\\\")\"}"
	",{\"header\":\"発送先名\",\"source\":\"field\",\"value\":\"ship.name\"}"
	",{\"header\":\"発送先カナ\",\"source\":\"expr\",\"value\":\"han2zen(ship.kana, \\\"kana\\\")\"}"
	",{\"header\":\"発送電話番号\",\"source\":\"field\",\"value\":\"ship.phone\"}"
	",{\"header\":\"支払方法\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"発送方法\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"商品計\",\"source\":\"field\",\"value\":\"subtotal\"}"
	",{\"header\":\"税金\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"発送料\",\"source\":\"field\",\"value\":\"shipping_fee\"}"
	",{\"header\":\"手数料\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"ポイント\",\"source\":\"field\",\"value\":\"discount\"}"
	",{\"header\":\"その他費用\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"合計金額\",\"source\":\"field\",\"value\":\"total\"}"
	",{\"header\":\"ギフトフラグ\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"時間帯指定\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"日付指定\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"作業者欄\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"備考\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"商品名\",\"source\":\"field\",\"value\":\"line.name\"}"
	",{\"header\":\"商品コード\",\"source\":\"field\",\"value\":\"line.sku\"}"
	",{\"header\":\"商品価格\",\"source\":\"field\",\"value\":\"line.unit_price\"}"
	",{\"header\":\"受注数量\",\"source\":\"field\",\"value\":\"line.quantity\"}"
	",{\"header\":\"商品オプション\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"出荷済フラグ\",\"source\":\"expr\",\"value\":\"if(status = \\\"shipped\\\", 1, 0)\"}"
	",{\"header\":\"顧客区分\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"顧客コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"消費税率（%）\",\"source\":\"field\",\"value\":\"line.tax_rate\"}"
	",{\"header\":\"のし\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ラッピング\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"メッセージ\",\"source\":\"fixed\",\"value\":\"\"}"
	"],\"filter\":\"status <> \\\"cancelled\\\"\",\"sort\":[],\"header_row\":true,\"encoding\":\"cp932\",\"eol\":\"crlf\",\"quote\":\"minimal\",\"unencodable\":\"geta\",\"file_name\":\"ne_juchu_{yyyyMMdd_HHmmss}.csv\"}";

static const char yamato_b2_def[] =
	"{\"kind\":\"order\",\"columns\":["
	"{\"header\":\"お客様管理番号\",\"source\":\"expr\",\"value\":\"left(order_number, 50)\"}"
	",{\"header\":\"送り状種別\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"クール区分\",\"source\":\"fixed\",\"value\":\"0\"}"
	",{\"header\":\"伝票番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"出荷予定日\",\"source\":\"expr\",\"value\":\"date(now(), \\\"yyyy/MM/dd\\\")\"}"
	",{\"header\":\"お届け予定（指定）日\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"配達時間帯\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け先コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け先電話番号\",\"source\":\"expr\",\"value\":\"left(ship.phone, 15)\"}"
	",{\"header\":\"お届け先電話番号枝番\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け先郵便番号\",\"source\":\"expr\",\"value\":\"left(ship.postal_code, 8)\"}"
	",{\"header\":\"お届け先住所\",\"source\":\"expr\",\"value\":\"trim(left(ship.prefecture & ship.city & ship.address1, 32))\"}"
	",{\"header\":\"お届け先住所（アパートマンション名）\",\"source\":\"expr\",\"value\":\"trim(left(ship.address2, 16))\"}"
	",{\"header\":\"お届け先会社・部門名１\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け先会社・部門名２\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け先名\",\"source\":\"expr\",\"value\":\"trim(left(ship.name, 16))\"}"
	",{\"header\":\"お届け先名略称カナ\",\"source\":\"expr\",\"value\":\"trim(left(zen2han(ship.kana, \\\"kana\\\"), 50))\"}"
	",{\"header\":\"敬称\",\"source\":\"fixed\",\"value\":\"様\"}"
	",{\"header\":\"ご依頼主コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主電話番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主電話番号枝番\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主郵便番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主住所\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主住所（アパートマンション名）\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご依頼主名\",\"source\":\"expr\",\"value\":\"trim(left(connection.name, 16))\"}"
	",{\"header\":\"ご依頼主略称カナ\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"品名コード１\",\"source\":\"expr\",\"value\":\"left(first_line.sku, 30)\"}"
	",{\"header\":\"品名１\",\"source\":\"expr\",\"value\":\"trim(left(first_line.name, 25))\"}"
	",{\"header\":\"品名コード２\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"品名２\",\"source\":\"expr\",\"value\":\"if(line_count > 1, \\\"ほか\\\" & (line_count - 1) & \\\"品\\\", \\\"\\\")\"}"
	",{\"header\":\"荷扱い１\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"荷扱い２\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"記事\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"コレクト代金引換額（税込）\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"コレクト内消費税額等\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"営業所止置き\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"営業所コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"発行枚数\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"個数口枠の印字\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご請求先顧客コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"ご請求先分類コード\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"運賃管理番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"注文時カード払いデータ登録\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"注文時カード払い加盟店番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"注文時カード払い申込受付番号１\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"注文時カード払い申込受付番号２\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"注文時カード払い申込受付番号３\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け予定ｅメール利用区分\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け予定ｅメールe-mailアドレス\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"入力機種\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け予定eメールメッセージ\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け完了ｅメール利用区分\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け完了ｅメールe-mailアドレス\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"お届け完了eメールメッセージ\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"クロネコ収納代行利用区分\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行決済ＱＲコード印刷\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求金額(税込)\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行内消費税額等\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先郵便番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先住所\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先住所（アパートマンション名）\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先会社・部門名１\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先会社・部門名２\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先名(漢字)\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行請求先名(カナ)\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行問合せ先名(漢字)\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行問合せ先郵便番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行問合せ先住所\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行問合せ先住所（アパートマンション名）\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行問合せ先電話番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行管理番号\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行品名\",\"source\":\"fixed\",\"value\":\"\"}"
	",{\"header\":\"収納代行備考\",\"source\":\"fixed\",\"value\":\"\"}"
	"],\"filter\":\"status = \\\"paid\\\"\",\"sort\":[],\"header_row\":true,\"encoding\":\"cp932\",\"eol\":\"crlf\",\"quote\":\"minimal\",\"unencodable\":\"geta\",\"file_name\":\"b2_{yyyyMMdd_HHmmss}.csv\"}";

static const char accounting_def[] =
	"{\"kind\":\"order\",\"columns\":["
	"{\"header\":\"日付\",\"source\":\"expr\",\"value\":\"date(ordered_at, \\\"yyyy/MM/dd\\\")\"}"
	",{\"header\":\"伝票番号\",\"source\":\"field\",\"value\":\"order_number\"}"
	",{\"header\":\"取引先\",\"source\":\"field\",\"value\":\"connection.name\"}"
	",{\"header\":\"10%対象額\",\"source\":\"expr\",\"value\":\"amount_10 + shipping_fee\"}"
	",{\"header\":\"10%消費税\",\"source\":\"expr\",\"value\":\"round((amount_10 + shipping_fee) * 10 / 110, 0, \\\"floor\\\")\"}"
	",{\"header\":\"8%対象額\",\"source\":\"field\",\"value\":\"amount_8\"}"
	",{\"header\":\"8%消費税\",\"source\":\"field\",\"value\":\"tax_8\"}"
	",{\"header\":\"対象外\",\"source\":\"field\",\"value\":\"amount_other\"}"
	",{\"header\":\"合計\",\"source\":\"field\",\"value\":\"total\"}"
	"],\"filter\":\"status <> \\\"cancelled\\\" AND status <> \\\"refunded\\\"\",\"sort\":[{\"value\":\"ordered_at\",\"desc\":false}],\"header_row\":true,\"encoding\":\"utf8_bom\",\"eol\":\"crlf\",\"quote\":\"minimal\",\"unencodable\":\"fail\",\"file_name\":\"sales_{yyyyMMdd_HHmmss}.csv\"}";

static const struct conv_std stds[] = {
	{ "ne_order_generic", "ネクストエンジン 受注一括登録 (汎用形式)", "order_line",
	  "ネクストエンジンの汎用店舗の受注CSV（マニュアル「受注CSVファイルの作成【汎用】」ID:5552、"
	  "manual.next-engine.net）。列名と並びは同マニュアルの汎用店舗受注CSV用テンプレートの41列"
	  "（店舗伝票番号, 受注日, 受注郵便番号, 受注住所１ … 顧客区分, 顧客コード, 消費税率（%）, のし, "
	  "ラッピング, メッセージ）のとおり。1行が受注明細1行で、注文の項目は明細ごとに繰り返します。"
	  "Shift_JIS・CRLF。受注日は YYYY/MM/DD hh:mm:ss（日本時間）、店舗伝票番号は注文番号から「#」を除いたもの"
	  "（半角英数字とハイフン、30文字まで）、カナは全角カタカナ。価格は税込のため税金は 0、割引はポイント欄に"
	  "入れます（合計金額 = 商品計 + 税金 + 発送料 + 手数料 − ポイント + その他費用）。出荷済の注文は出荷済フラグ 1。"
	  "キャンセルされた注文は出力しません。支払方法・発送方法・顧客区分は空です: 必要ならコピーして固定値や "
	  "lookup() を入れてください。Shift_JIS で表せない文字は 〓 に置き換えて実行結果に一覧します。",
	  ne_order_def },
	{ "yamato_b2", "ヤマト運輸 B2クラウド 送り状発行データ", "order",
	  "ヤマト運輸 B2クラウドの「外部データから発行」で取り込む送り状発行データ（B2 送り状発行データレイアウト"
	  " 入出力用の列の並び: お客様管理番号, 送り状種別, クール区分, 伝票番号, 出荷予定日 … 収納代行備考 の73列）。"
	  "1行が1注文（支払済み = paid の注文だけ）。送り状種別 0（発払）、クール区分 0（通常）、伝票番号は空"
	  "（B2クラウドが採番）、出荷予定日は出力した日、敬称は「様」、お届け先名略称カナは半角カナ。"
	  "レイアウトの最大文字数に合わせて切り詰め、前後の空白を除きます: お客様管理番号 50、電話番号 15、郵便番号 8、"
	  "住所 全角32、アパートマンション名 全角16、お届け先名 全角16、カナ 半角50、ご依頼主名 全角16、"
	  "品名コード 30、品名 全角25（品名１ は先頭の商品、品名２ は「ほかN品」）。ご依頼主名は接続名です。"
	  "ご依頼主の電話番号・郵便番号・住所とご請求先顧客コード・運賃管理番号は店舗ごとに違うため空です: "
	  "コピーして固定値を入れてください。Shift_JIS・CRLF、見出し行あり（取込開始行 2）。",
	  yamato_b2_def },
	{ "accounting_sales", "会計ソフト向け 売上CSV (汎用)", "order",
	  "会計ソフトに売上を取り込むための汎用CSV。1行が1注文で、税率ごとに区分した税込の対価の額とそれに含まれる"
	  "消費税額（インボイス制度の適格請求書の記載事項、国税庁「適格請求書等保存方式の概要」）: 日付, 伝票番号, "
	  "取引先（接続名）, 10%対象額, 10%消費税, 8%対象額, 8%消費税, 対象外, 合計。日本の通販の価格は税込なので、"
	  "消費税額は税込額 × 税率 ÷ (100 + 税率) の1円未満切り捨てを注文・税率ごとに1回計算します。"
	  "送料は標準税率 10% の対象額に入れます。対象外は税率の分からない明細の額です。割引のある注文では"
	  "合計は割引後、税率ごとの額は割引前です。キャンセル・返金済みの注文は出力しません。注文日時の順。"
	  "UTF-8（BOM 付き）・CRLF。",
	  accounting_def },
};

const struct conv_std *
conv_std_get(size_t i)
{
	return i < sizeof stds / sizeof stds[0] ? &stds[i] : NULL;
}

const struct conv_std *
conv_std_find(const char *key)
{
	for (size_t i = 0; key != NULL && i < sizeof stds / sizeof stds[0]; i++)
		if (strcmp(stds[i].key, key) == 0)
			return &stds[i];
	return NULL;
}
