#!/usr/bin/env bash
# t0900-html-valid.sh: pages of the running test stack are valid HTML5 (tidy) in the right language, on both zones.
#
# Needs the stack started with ECC_MODE=test (tests/run.sh does that). Fetches through nginx with TLS:
#   /                       Japanese start page (default language)
#   / with __Host-ecc_lang=en   English start page: <html lang="en">, no Japanese main heading from ja.txt
#   /no-such-page-t0900     the 404 error page (Japanese and English)
#   operator console /      https://$ECC_OPS_ADDR:$ECC_OPS_PORT/
# Every page goes through `tidy -q -e --doctype html5`: no error, and no warning except those matching
# TIDY_ALLOWED below (empty: every page is warning-free today; add a pattern only with a reason next to it).
# Prints "html-valid: N passed, N failed"; exit 1 on any failure.
set -uo pipefail
export ECC_MODE=test
. "$(dirname "${BASH_SOURCE[0]}")/../../ops/dev/env.sh"
cd "$ECC_ROOT" || exit 1

# Warnings tidy may print without failing the suite (extended regular expressions, one per line).
# Example of a justified entry: '<svg> proprietary attribute "focusable"' (tidy 5.6 does not know it).
TIDY_ALLOWED=()

CA=$ECC_VAR/tls/ca.pem
OPS_URL="https://$ECC_OPS_ADDR:$ECC_OPS_PORT"
WORK=$(mktemp -d /tmp/ecc-t0900.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PASS=0
FAIL=0

check() { # check COND-EXIT-STATUS MESSAGE
	if [ "$1" -eq 0 ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "FAIL html-valid: $2" >&2
	fi
}

# catalog_value FILE KEY: the value of KEY in a message catalog
catalog_value() {
	sed -n -E "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*\$/\1/p" "$1" | head -n 1
}

# fetch NAME URL WANT-STATUS [curl args...]: body into $WORK/NAME.html, checks the status
fetch() {
	local name=$1 url=$2 want=$3
	shift 3
	local code
	code=$(curl -sS --max-time 20 --cacert "$CA" -o "$WORK/$name.html" -w '%{http_code}' "$@" "$url" \
		2>"$WORK/$name.curl")
	if [ "$code" = "$want" ]; then
		check 0 "$name"
	else
		check 1 "$name: GET $url → HTTP $code, want $want $(head -c 300 "$WORK/$name.curl")"
		return 1
	fi
	return 0
}

# tidy_ok NAME: zero tidy errors, and warnings only from TIDY_ALLOWED
tidy_ok() {
	local name=$1 out bad line pat ok
	out=$(tidy -q -e --doctype html5 "$WORK/$name.html" 2>&1)
	bad=""
	while IFS= read -r line; do
		[[ $line == *Warning:* || $line == *Error:* ]] || continue
		ok=1
		if [[ $line == *Warning:* ]]; then
			for pat in "${TIDY_ALLOWED[@]+"${TIDY_ALLOWED[@]}"}"; do
				if [[ $line =~ $pat ]]; then ok=0; break; fi
			done
		fi
		[ $ok -eq 0 ] || bad+="$line"$'\n'
	done <<<"$out"
	if [ -z "$bad" ]; then
		check 0 "$name tidy"
	else
		check 1 "$name: tidy reports:"$'\n'"$bad"
	fi
}

has() { grep -qF -- "$2" "$WORK/$1.html"; }

page_checks() { # NAME LANG
	local name=$1 lang=$2
	tidy_ok "$name"
	has "$name" "<html lang=\"$lang\">"
	check $? "$name: <html lang=\"$lang\">"
	has "$name" '<link rel="stylesheet" href="/static/app.css?v='
	check $? "$name: links the versioned stylesheet"
	has "$name" 'name="csrf_token" value="'
	check $? "$name: the language switch carries a CSRF token"
	has "$name" "name=\"lang\" value=\"$lang\" lang=\"$lang\" aria-pressed=\"true\""
	check $? "$name: the active language is marked aria-pressed"
	! grep -qiE '<script|<style| style=' "$WORK/$name.html"
	check $? "$name: no inline script or style"
	! grep -qF '{{' "$WORK/$name.html"
	check $? "$name: no unrendered mustache tag"
}

JA=templates/i18n/ja.txt
EN=templates/i18n/en.txt
ja_heading=$(catalog_value "$JA" home_heading)
en_heading=$(catalog_value "$EN" home_heading)
ja_lead=$(catalog_value "$JA" home_lead)
[ -n "$ja_heading" ] && [ -n "$en_heading" ] && [ -n "$ja_lead" ]
check $? "home_heading and home_lead found in the catalogs"

if fetch home_ja "$ECC_BASE_URL/" 200; then
	page_checks home_ja ja
	has home_ja "$ja_heading"
	check $? "Japanese page shows the Japanese heading"
	! has home_ja "運用コンソール"
	check $? "the customer site is not the operator console"
fi

if fetch home_en "$ECC_BASE_URL/" 200 -H 'Cookie: __Host-ecc_lang=en'; then
	page_checks home_en en
	! has home_en "$ja_heading"
	check $? "English page does not contain the Japanese heading"
	! has home_en "$ja_lead"
	check $? "English page does not contain the Japanese lead text"
	has home_en "$en_heading"
	check $? "English page shows the English heading"
fi

if fetch notfound_ja "$ECC_BASE_URL/no-such-page-t0900" 404; then
	page_checks notfound_ja ja
	has notfound_ja "$(catalog_value "$JA" error_404_title)"
	check $? "404 page shows its Japanese title"
	grep -qE '<code>[0-9a-f]{32}</code>' "$WORK/notfound_ja.html"
	check $? "404 page shows the request id"
fi

if fetch notfound_en "$ECC_BASE_URL/no-such-page-t0900" 404 -H 'Cookie: __Host-ecc_lang=en'; then
	page_checks notfound_en en
	has notfound_en "$(catalog_value "$EN" error_404_title)"
	check $? "404 page shows its English title"
fi

if fetch ops "$OPS_URL/" 200; then
	page_checks ops ja
	has ops "運用コンソール"
	check $? "operator console says 運用コンソール"
	has ops 'class="zone-ops"'
	check $? "operator console uses the operator look"
fi

echo "html-valid: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
