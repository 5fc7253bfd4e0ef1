"""emu.py: common HTTP(S) server of the platform emulators (shopify.py, rakuten.py, amazon.py).

A ThreadingHTTPServer (HTTP/1.1 keep-alive, daemon threads, optional TLS with the handshake done in the
connection's own thread). Every request is either a control call under /__emu/ (emu_ctl.py) or an API
call: statistics, page delay, injected faults, then the platform's route handler. One log line per
request. Prints "ready <platform> <port>" when listening and exits cleanly on SIGTERM.
"""
import argparse
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emu_ctl import Core, Response, dumps, json_response  # noqa: E402

_SECRET_RE = re.compile(r"(token|secret|key|password|code|signature)", re.I)


class Request:
    """One parsed HTTP request as handed to platform route handlers."""
    __slots__ = ("method", "path", "query", "headers", "body", "client_ip", "host", "scheme", "match")

    def __init__(self, method, path, query, headers, body, client_ip, host, scheme):
        self.method, self.path, self.query, self.headers = method, path, query, headers
        self.body, self.client_ip, self.host, self.scheme = body, client_ip, host, scheme
        self.match = None

    def q(self, name, default=None):
        v = self.query.get(name)
        return v[-1] if v else default

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Platform:
    """Base class of one emulated platform; subclasses fill in the hooks below."""
    name = "base"

    def __init__(self, core, args):
        self.core, self.store, self.args = core, core.store, args

    def routes(self):
        """[(method, compiled regex, stats template, handler(req) -> Response, exempt_from_faults)]"""
        return []

    def client_key(self, req):
        """Who is calling (for per-client buckets and Retry-After bookkeeping)."""
        return req.client_ip

    def fault_response(self, kind, req):
        """Response for an injected fault kind "429", "500" or "expired"."""
        raise NotImplementedError

    def not_found(self, req):
        return json_response(404, {"errors": "Not Found"})

    def ext_id(self, i):
        raise NotImplementedError

    def parse_id(self, s):
        """Order index of external id s, or None."""
        raise NotImplementedError

    def checksum_time(self, created, updated, i, ov):
        """Which timestamp of order i (overlay ov) the checksum carries (the platform's 'updated' field)."""
        return updated

    def render_debug(self, i, ov):
        return None


def redact(path, query_string):
    if not query_string:
        return path
    parts = []
    for k, v in urllib.parse.parse_qsl(query_string, keep_blank_values=True):
        parts.append("%s=%s" % (k, "***" if _SECRET_RE.search(k) else v))
    return path + "?" + "&".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server_version = "ecc-emu/1"

    def log_message(self, fmt, *args):  # the access log is written by _finish
        pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _handle(self):
        t0, c0 = time.monotonic(), time.thread_time()
        srv = self.server
        core = srv.core
        url = urllib.parse.urlsplit(self.path)
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        scheme = "https" if srv.sslctx else "http"
        req = Request(self.command, url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True),
                      headers, body, self.client_address[0],
                      headers.get("host", "127.0.0.1:%d" % srv.server_address[1]), scheme)
        try:
            if url.path.startswith("/__emu/"):
                resp = core.control(req)
            else:
                resp = self._api(core, req)
        except Exception:  # a bug in the emulator must still answer and be logged
            srv.log_line("ERROR " + traceback.format_exc().replace("\n", " | "))
            resp = json_response(500, {"error": "emulator exception"})
        self._send(resp)
        srv.log_line("%s %s %s %d %.1fms cpu=%.1fms" % (
            req.client_ip, req.method, redact(url.path, url.query), resp.status, (time.monotonic() - t0) * 1000,
            (time.thread_time() - c0) * 1000))

    @staticmethod
    def _route(app, req):
        """(stats template, handler, exempt from faults) for req; handler None = wrong method;
        None when no path matches. Sets req.match."""
        found = None
        for method, rx, template, fn, exempt in app.routes():
            m = rx.match(req.path)
            if m is None:
                continue
            if method == req.method:
                req.match = m
                return template, fn, exempt
            found = (template, None, exempt)
        return found

    def _api(self, core, req):
        """One API call: statistics, page delay, injected fault, then the platform's handler."""
        app = core.app
        route = self._route(app, req)
        template = route[0] if route else "other"
        client = app.client_key(req)
        core.begin_call(template, client)
        resp = None
        try:
            delay = core.config["page_delay_ms"]
            if delay > 0:
                time.sleep(delay / 1000.0)
            fault = core.next_fault(req.path, route is not None and route[2])
            kind = fault["kind"] if fault else None
            if kind == "slow":
                time.sleep(fault["seconds"])
            elif kind == "429_storm":  # its Retry-After: 1 is recorded by end_call like any other
                resp = app.fault_response("429", req)
            elif kind in ("500", "expired"):
                resp = app.fault_response(kind, req)
            elif kind == "redirect":  # e.g. towards a cloud metadata address: the client must refuse to follow
                resp = Response(302, b"", [("Location", fault["location"])])
            if resp is None:
                if route is None:
                    resp = app.not_found(req)
                elif route[1] is None:
                    resp = json_response(405, {"errors": "Method Not Allowed"})
                else:
                    resp = route[1](req)
            if kind == "malformed":
                resp = Response(200, resp.body[: max(1, len(resp.body) // 2)],
                                [("Content-Type", "application/json; charset=utf-8")])
            return resp
        finally:
            core.end_call(resp or Response(500), client)

    def _send(self, resp):
        self.send_response(resp.status)
        has_ct = False
        for k, v in resp.headers:
            has_ct = has_ct or k.lower() == "content-type"
            self.send_header(k, v)
        if not has_ct and resp.body:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(resp.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and resp.body:
            self.wfile.write(resp.body)


class EmuServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, core, sslctx, logfile):
        self.core, self.sslctx = core, sslctx
        self._log = open(logfile, "a", buffering=1, encoding="utf-8") if logfile else None
        self._log_lock = threading.Lock()
        super().__init__(addr, Handler)

    def finish_request(self, request, client_address):
        # Headers and body are separate writes: without TCP_NODELAY, Nagle + delayed ACK stall ~40 ms.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        # TLS handshake here, in the connection's thread, so a slow client never blocks accept().
        if self.sslctx is None:
            return super().finish_request(request, client_address)
        request.settimeout(15)
        try:
            tls = self.sslctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return None
        try:
            return super().finish_request(tls, client_address)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        self.log_line("ERROR connection %s: %s" % (client_address[0], sys.exc_info()[1]))

    def log_line(self, line):
        if self._log is None:
            return
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())
        with self._log_lock:
            self._log.write("%s %s %s\n" % (ts, self.core.app.name, line))


def parse_args(platform, add_args, argv):
    p = argparse.ArgumentParser(description="%s API emulator" % platform)
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed in the ready line)")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--cert", help="TLS certificate PEM (with --key); plain HTTP without")
    p.add_argument("--key", help="TLS private key PEM")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--orders", type=int, default=10000)
    p.add_argument("--products", type=int, default=200)
    p.add_argument("--days", type=int, default=58, help="orders spread over this many days before today")
    p.add_argument("--epoch", type=int, default=None,
                   help="pin the data's 'today' (UTC epoch seconds) for byte-identical data across days")
    p.add_argument("--pidfile")
    p.add_argument("--log", help="request log file (one line per request)")
    p.add_argument("--no-rate-limit", action="store_true", help="start with rate limiting off")
    p.add_argument("--rate-scale", type=float, default=1.0, help="multiply every refill/leak rate")
    p.add_argument("--token-ttl", type=float, default=3600.0, help="access token lifetime (Amazon LWA)")
    if add_args:
        add_args(p)
    a = p.parse_args(argv)
    if bool(a.cert) != bool(a.key):
        p.error("--cert and --key go together")
    if a.rate_scale <= 0:
        p.error("--rate-scale must be > 0")
    return a


def main(platform_cls, add_args=None, argv=None):
    args = parse_args(platform_cls.name, add_args, argv)
    core = Core(args)
    core.app = platform_cls(core, args)
    sslctx = None
    if args.cert:
        sslctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sslctx.load_cert_chain(args.cert, args.key)
    srv = EmuServer((args.bind, args.port), core, sslctx, args.log)
    port = srv.server_address[1]
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    srv.log_line("start port=%d seed=%d orders=%d tls=%s" % (port, args.seed, args.orders, bool(sslctx)))
    print("ready %s %d" % (platform_cls.name, port), flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.log_line("stop")
        srv.server_close()
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except OSError:
                pass
    return 0


__all__ = ["Platform", "Request", "Response", "json_response", "dumps", "main"]
