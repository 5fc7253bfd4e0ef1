#!/usr/bin/python3
# smtp-sink.py: a local SMTP sink for make run / make test: stores every message under $ECC_VAR/mail/, delivers nowhere.
#
# Usage: ops/dev/smtp-sink.py [--host 127.0.0.1] [--port $ECC_SMTP_PORT] [--dir $ECC_VAR/mail]
# Each accepted message becomes <dir>/<UTC timestamp>-<n>.eml (mode 0600, exactly the DATA bytes plus a
# leading "X-Sink-Rcpt:" line per envelope recipient) and one JSON line is appended to <dir>/index.jsonl:
#   {"file": "...eml", "from": envelope sender, "rcpt": [envelope recipients], "subject": decoded Subject,
#    "to": decoded To, "at": UTC ISO time}
# Recipients whose address starts with "reject-" are refused with 550 (to test permanent failures).
# Runs in the foreground until SIGTERM/SIGINT (ops/dev/smtp.sh starts it in the background with a pid file).
# Debian's python3-aiosmtpd; listens on loopback only.
import argparse
import asyncio
import datetime
import email
import email.header
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller


def decode(value):
    if value is None:
        return None
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except Exception:
        return str(value)


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject-"):
            return "550 5.1.1 mailbox unavailable (test sink rejects reject-*)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        now = datetime.datetime.now(datetime.timezone.utc)
        name = "%s-%d-%d.eml" % (now.strftime("%Y%m%dT%H%M%S.%f"), os.getpid(), self.n)
        path = os.path.join(self.dir, name)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        head = b"".join(b"X-Sink-Rcpt: " + r.encode("utf-8", "replace") + b"\r\n" for r in envelope.rcpt_tos)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(head + data)
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        entry = {
            "file": name,
            "from": envelope.mail_from,
            "rcpt": list(envelope.rcpt_tos),
            "subject": decode(msg.get("Subject")),
            "to": decode(msg.get("To")),
            "at": now.isoformat(),
        }
        fd = os.open(os.path.join(self.dir, "index.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


def main():
    var = os.environ.get("ECC_VAR", "var")
    p = argparse.ArgumentParser(description="local SMTP sink")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("ECC_SMTP_PORT", "2525")))
    p.add_argument("--dir", default=os.path.join(var, "mail"))
    a = p.parse_args()
    os.makedirs(a.dir, mode=0o700, exist_ok=True)
    os.umask(0o077)
    ctl = Controller(Sink(a.dir), hostname=a.host, port=a.port, data_size_limit=10 * 1024 * 1024)
    ctl.start()
    print("smtp-sink: listening on %s:%d, storing in %s" % (a.host, a.port, a.dir), flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    try:
        while not stop:
            signal.pause()
    finally:
        ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
