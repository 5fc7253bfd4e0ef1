#!/usr/bin/env bash
# t0300-mail.sh: the outbox and `ecc-admin mail send` against the test stack's MariaDB and the local SMTP sink:
# delivery with a decoded Japanese subject, one recipient despite a display name carrying "\r\nBcc:", nothing in
# plaintext in a database dump, an SMTP outage that keeps the mail queued with backoff, and exactly-once delivery
# after the sink returns and the backoff has passed (test clock: ECC_TEST_CLOCK_OFFSET).
set -uo pipefail
SUITE=t0300-mail
. "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

PROBE_MAIL=$ECC_BUILD/tests/tools/mail_probe
q() { ops/dev/mariadb.sh client -N -B ecc -e "$1"; }
TMP=$(mktemp -d)
TENANT=
SINK_STARTED=
cleanup() {
	[ -n "${MAILER_PAUSED:-}" ] && ops/dev/stack.sh mailer start >/dev/null 2>&1
	if [ -n "$TENANT" ]; then "$PROBE_MAIL" cleanup "$TENANT" >/dev/null 2>&1 || true; fi
	if [ -n "$SINK_STARTED" ]; then ops/dev/smtp.sh stop >/dev/null 2>&1 || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
# this suite runs "ecc-admin mail send" itself: pause the stack's background sender meanwhile
if [ -f "$ECC_VAR/run/mailer.pid" ]; then ops/dev/stack.sh mailer stop >/dev/null 2>&1 && MAILER_PAUSED=1; fi

if ! ops/dev/mariadb.sh status >/dev/null 2>&1; then
	check "MariaDB is running (ops/dev/stack.sh start)" false
	finish
fi
check "ecc-admin and mail_probe are built" test -x "$ADMIN" -a -x "$PROBE_MAIL"

# The KEK (stack.sh creates it; a bare database needs it here) and the sink's address.
if [ ! -s "$ECC_VAR/secrets/kek.key" ]; then
	mkdir -p "$ECC_VAR/secrets"
	(umask 077; head -c 32 /dev/urandom >"$ECC_VAR/secrets/kek.key")
fi
export ECC_KEK_FILE=$ECC_VAR/secrets/kek.key
export ECC_SMTP_URL=smtp://127.0.0.1:$ECC_SMTP_PORT
export ECC_SMTP_STARTTLS=0
unset ECC_TEST_CLOCK_OFFSET
if ! ops/dev/smtp.sh status >/dev/null 2>&1; then
	ops/dev/smtp.sh start >/dev/null && SINK_STARTED=1
fi
check "SMTP sink is running" bash -c "ops/dev/smtp.sh status >/dev/null"
INDEX=$ECC_VAR/mail/index.jsonl

# Anything already due from earlier runs goes first, so that the runs below see only this test's mail.
"$ADMIN" mail send --max 1000 >/dev/null 2>&1

TENANT=$("$PROBE_MAIL" tenant "t0300 test tenant")
check "test tenant created" test -n "$TENANT"
[ -n "$TENANT" ] || finish

TOKEN=LINKTOKEN$(openssl rand -hex 16)
RCPT=rcpt-$(openssl rand -hex 6)@example.test
NAME=$'山田 太郎\r\nBcc: x@evil.test'
check "mail_queue accepts the invitation" \
	"$PROBE_MAIL" queue "$TENANT" "$RCPT" "$NAME" "https://localhost:$ECC_HTTPS_PORT/invite?t=$TOKEN"
check "mail_queue refuses a recipient with CR/LF" \
	bash -c '! "$1" queue "$2" "$3" x y 2>/dev/null' _ "$PROBE_MAIL" "$TENANT" $'a@b.test\r\nRCPT TO:<x@evil.test>'
check "one queued row" test "$(q "SELECT COUNT(*) FROM mail_outbox WHERE tenant_id = $TENANT AND status = 'queued'")" = 1

# ---- nothing in plaintext in a dump -------------------------------------------------------------------
mariadb-dump --socket="$ECC_DB_SOCKET" -u root --hex-blob=0 --skip-extended-insert ecc mail_outbox tenants \
	>"$TMP/dump.sql" 2>"$TMP/dump.err"
check "mariadb-dump ran ($(head -c 200 "$TMP/dump.err"))" test -s "$TMP/dump.sql"
check "control: the dump holds the test tenant's plaintext name" grep -a -q -F "t0300 test tenant" "$TMP/dump.sql"
check "the dump has no link token" bash -c '! grep -a -q -F "$1" "$2"' _ "$TOKEN" "$TMP/dump.sql"
check "the dump has no recipient address" bash -c '! grep -a -q -F "$1" "$2"' _ "$RCPT" "$TMP/dump.sql"
check "the dump has no recipient local part" bash -c '! grep -a -q -F "$1" "$2"' _ "${RCPT%@*}" "$TMP/dump.sql"

# ---- delivery ---------------------------------------------------------------------------------------
out=$("$ADMIN" mail send 2>&1)
rc=$?
check "mail send exits 0 (rc $rc: $out)" test "$rc" = 0
check "mail send reports it sent 1" grep -q "sent 1, retry 0, failed 0" <<<"$out"
check "the report has no address or token" bash -c '! grep -q -F -e "$1" -e "$2" <<<"$3"' _ "$RCPT" "$TOKEN" "$out"
check "row is sent with attempts 1" \
	test "$(q "SELECT CONCAT(status, ' ', attempts) FROM mail_outbox WHERE tenant_id = $TENANT")" = "sent 1"

lines() { grep -c -F "\"$1\"" "$INDEX" 2>/dev/null || true; }
check "the sink got exactly one message for the recipient" test "$(lines "$RCPT")" = 1
EML=$ECC_VAR/mail/$(grep -F "\"$RCPT\"" "$INDEX" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["file"])')
check "the .eml exists with mode 0600" test "$(stat -c %a "$EML" 2>/dev/null)" = 600
/usr/bin/python3 - "$EML" "$RCPT" "$TOKEN" >"$TMP/eml.txt" 2>&1 <<'PY'
import email, email.header, email.policy, sys
path, rcpt, token = sys.argv[1:4]
raw = open(path, "rb").read()
lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
sink_rcpt = [l for l in lines if l.startswith(b"X-Sink-Rcpt:")]
msg = email.message_from_bytes(raw.split(b"\r\n", len(sink_rcpt))[-1], policy=email.policy.default)
checks = {
    "envelope recipients": [l.split(b": ", 1)[1].decode() for l in sink_rcpt] == [rcpt],
    "one To header": len(msg.get_all("To") or []) == 1,
    "no Bcc/Cc header": not msg.get_all("Bcc") and not msg.get_all("Cc"),
    "To address": msg["To"].addresses[0].addr_spec == rcpt and len(msg["To"].addresses) == 1,
    "subject decoded": str(msg["Subject"]) == "【ECコネクター】テスト株式会社 へのご招待",
    "no raw CR/LF inside header values": all(b"\r" not in l and b"\n" not in l for l in lines),
    "header lines <= 78": all(len(l) <= 78 for l in lines),
    "body has the link": token in msg.get_content(),
    "body greets the user": "山田 太郎" in msg.get_content(),
    "body is plain text": msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8",
    "Auto-Submitted": msg["Auto-Submitted"] == "auto-generated",
    "Message-ID": msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@localhost>"),
}
for k, v in checks.items():
    print(("ok " if v else "FAIL ") + k)
PY
while read -r res what; do
	check ".eml: $what" test "$res" = ok
done <"$TMP/eml.txt"
[ -s "$TMP/eml.txt" ] || check ".eml parsed" false

# ---- outage: the sink is down ------------------------------------------------------------------------
RCPT2=rcpt2-$(openssl rand -hex 6)@example.test
check "second mail queued" "$PROBE_MAIL" queue "$TENANT" "$RCPT2" "Ms Outage" "https://localhost/x?t=${TOKEN}2"
ops/dev/smtp.sh stop >/dev/null
before=$(date +%s)
out=$("$ADMIN" mail send 2>"$TMP/err")
rc=$?
check "mail send exits 1 while the server is down (rc $rc)" test "$rc" = 1
check "mail send names the failure on stderr" grep -q "retry 1" "$TMP/err"
row=$(q "SELECT CONCAT(status, ' ', attempts, ' ', UNIX_TIMESTAMP(next_attempt_at), ' ', last_error <> '') FROM mail_outbox
	WHERE tenant_id = $TENANT AND status <> 'sent'")
read -r st att next has_err <<<"$row"
check "row stays queued with attempts 1 (got '$row')" test "$st $att" = "queued 1"
check "next_attempt_at is about a minute later (got $((next - before)) s)" \
	test "$((next - before))" -ge 50 -a "$((next - before))" -le 75
check "last_error is recorded" test "$has_err" = 1
out=$("$ADMIN" mail send 2>&1)
check "an immediate rerun finds nothing due ($out)" grep -q "no mail due" <<<"$out"
check "attempts still 1" test "$(q "SELECT attempts FROM mail_outbox WHERE tenant_id = $TENANT AND status = 'queued'")" = 1

# ---- recovery: the sink is back, the backoff passes ---------------------------------------------------
ops/dev/smtp.sh start >/dev/null
out=$(ECC_TEST_CLOCK_OFFSET=30 "$ADMIN" mail send 2>&1)
check "30 s later it is not due yet ($out)" grep -q "no mail due" <<<"$out"
out=$(ECC_TEST_CLOCK_OFFSET=120 "$ADMIN" mail send 2>&1)
rc=$?
check "after the backoff mail send delivers it (rc $rc: $out)" test "$rc" = 0
out=$(ECC_TEST_CLOCK_OFFSET=600 "$ADMIN" mail send 2>&1)
check "a further run sends nothing ($out)" grep -q "no mail due" <<<"$out"
check "the second mail arrived exactly once" test "$(lines "$RCPT2")" = 1
check "the first mail is still there exactly once" test "$(lines "$RCPT")" = 1
check "both rows are sent" \
	test "$(q "SELECT GROUP_CONCAT(CONCAT(status, attempts) ORDER BY attempts) FROM mail_outbox WHERE tenant_id = $TENANT")" = "sent1,sent2"

# ---- a permanent refusal (550) ends as failed after OUTBOX_PERMANENT_ATTEMPTS (3) attempts -------------
RCPT3=reject-$(openssl rand -hex 6)@example.test
check "third mail queued" "$PROBE_MAIL" queue "$TENANT" "$RCPT3" "Ms Reject" "https://localhost/x?t=${TOKEN}3"
st3() { q "SELECT CONCAT(status, ' ', attempts) FROM mail_outbox WHERE tenant_id = $TENANT AND status <> 'sent'"; }
"$ADMIN" mail send >/dev/null 2>&1
check "after a 550 the mail is queued for a retry ($(st3))" test "$(st3)" = "queued 1"
ECC_TEST_CLOCK_OFFSET=120 "$ADMIN" mail send >/dev/null 2>&1
check "second attempt ($(st3))" test "$(st3)" = "queued 2"
out=$(ECC_TEST_CLOCK_OFFSET=400 "$ADMIN" mail send 2>&1)
check "third attempt gives up ($(st3))" test "$(st3)" = "failed 3"
check "the report says failed ($out)" grep -q "failed 1" <<<"$out"
check "the refused mail never reached the sink" test "$(lines "$RCPT3")" = 0

# ---- cleanup ----------------------------------------------------------------------------------------
"$PROBE_MAIL" cleanup "$TENANT"
check "test rows removed" test "$(q "SELECT COUNT(*) FROM mail_outbox WHERE tenant_id = $TENANT") $(q "SELECT COUNT(*) FROM tenants WHERE id = $TENANT")" = "0 0"
TENANT=
finish
