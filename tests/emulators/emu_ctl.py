"""emu_ctl.py: emulator state shared by every platform: config, rate-limit buckets, injected faults,
call statistics, and the /__emu/ control API (no auth, for tests only).
"""
import hashlib
import json
import threading
import time

from emu_data import LRU, STAGE_NAMES, Store

FAULT_KINDS = ("429_storm", "500", "slow", "malformed", "expired", "redirect", "none")
CONFIG_KEYS = {"rate_limit": bool, "rate_scale": float, "page_delay_ms": int, "token_ttl": float,
               "clock_offset": float, "min_age_s": float, "search_cap": int}


class Bucket:
    """Token bucket: `burst` tokens, refilled at `rate` tokens/s (times the global rate scale).
    A leaky bucket of capacity C and leak rate L is the same thing seen as 'used = C - tokens'."""

    def __init__(self, burst, rate):
        self.burst, self.rate = float(burst), float(rate)
        self.tokens, self.t = float(burst), time.monotonic()

    def refill(self, scale):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.t) * self.rate * scale)
        self.t = now

    def take(self, scale):
        """Take one token; returns 0.0 on success, else the seconds until one is available."""
        self.refill(scale)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / (self.rate * scale)

    def used(self):
        return int(self.burst - self.tokens + 0.999)


class Response:
    __slots__ = ("status", "body", "headers")

    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.headers = list(headers or [])

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status, obj, headers=None):
    h = [("Content-Type", "application/json; charset=utf-8")] + list(headers or [])
    return Response(status, obj if isinstance(obj, bytes) else dumps(obj), h)


class Core:
    """Everything one emulator process knows. `lock` guards all mutable state below."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.store = Store(args.seed, args.orders, args.products, days=args.days, epoch=args.epoch)
        self.cache = LRU(4096)
        self.config = {"rate_limit": not args.no_rate_limit, "rate_scale": args.rate_scale,
                       "page_delay_ms": 0, "token_ttl": args.token_ttl, "clock_offset": 0.0,
                       "min_age_s": 120.0, "search_cap": 15000}
        self.app = None
        self._ck_base = None
        self.reset_state()
        self.reset_stats()

    # -- clocks
    def now(self):
        """Emulator wall clock (epoch seconds): real time plus the configured offset."""
        return time.time() + self.config["clock_offset"]

    def reset_state(self):
        with self.lock:
            self.store.reset()
            self.cache.clear()
            self.buckets = {}
            self.fault = None
            self.retry_until = {}

    def reset_stats(self):
        with self.lock:
            self.stats = {"calls": 0, "by_path": {}, "status_counts": {}, "early_calls": 0,
                          "retry_after_sent": 0, "max_concurrency": 0, "control_calls": 0}
            self.inflight = 0

    # -- rate limits
    def take(self, key, burst, rate):
        """Take a token from bucket `key`. Returns (wait_seconds, bucket); wait 0 means allowed.
        With rate limiting off nothing is taken and the wait is always 0."""
        with self.lock:
            b = self.buckets.get(key)
            if b is None:
                b = self.buckets[key] = Bucket(burst, rate)
            if not self.config["rate_limit"]:
                b.tokens, b.t = b.burst, time.monotonic()
                return 0.0, b
            return b.take(self.config["rate_scale"]), b

    # -- faults
    def next_fault(self, path, exempt):
        """Consume the active fault for one API call; returns the fault dict or None."""
        with self.lock:
            f = self.fault
            if f is None:
                return None
            if f["path"] and f["path"] not in path:
                return None
            if not f["path"] and exempt:
                return None
            if f["after"] > 0:
                f["after"] -= 1
                return None
            if f["count"] is not None:
                f["count"] -= 1
                if f["count"] <= 0:
                    self.fault = None
            return f

    # -- statistics
    def begin_call(self, template, client):
        with self.lock:
            s = self.stats
            s["calls"] += 1
            s["by_path"][template] = s["by_path"].get(template, 0) + 1
            if time.monotonic() < self.retry_until.get(client, 0.0):
                s["early_calls"] += 1
            self.inflight += 1
            s["max_concurrency"] = max(s["max_concurrency"], self.inflight)

    def end_call(self, resp, client):
        with self.lock:
            self.inflight -= 1
            sc = self.stats["status_counts"]
            sc[str(resp.status)] = sc.get(str(resp.status), 0) + 1
            ra = resp.header("Retry-After")
            if ra is not None:
                try:
                    self.retry_until[client] = time.monotonic() + float(ra)
                    self.stats["retry_after_sent"] += 1
                except ValueError:
                    pass

    # -- rendering cache
    def cached(self, kind, i, ov, build):
        key = (kind, i, ov)
        v = self.cache.get(key)
        if v is None:
            v = build()
            self.cache.put(key, v)
        return v

    def snapshot(self, idxs):
        """[(i, overlay record or None)] for the given indexes (call with the lock held)."""
        ov = self.store.overlay
        return [(i, ov.get(i)) for i in idxs]

    # -- checksum
    def checksum(self):
        """sha256 over "id|updated|total|lines|qty\\n" lines sorted by id (see README.md)."""
        st = self.store
        with self.lock:
            if self._ck_base is None:
                self._ck_base = [self._ck_line(i, None) for i in range(st.n0)]
            rows = [self._ck_line(i, ov) for i, ov in st.overlay.items()]
            over = st.overlay
            rows.extend(r for i, r in enumerate(self._ck_base) if i not in over)
        rows.sort()
        h = hashlib.sha256()
        for _, line in rows:
            h.update(line)
        return h.hexdigest(), len(rows)

    def _ck_line(self, i, ov):
        created, updated, total, n, q = self.store.quick(i, ov)
        ext = self.app.ext_id(i)
        t = self.app.checksum_time(created, updated, i, ov)
        return ext, ("%s|%d|%d|%d|%d\n" % (ext, t, total, n, q)).encode("ascii")

    # -- control API
    def control(self, req):
        with self.lock:
            self.stats["control_calls"] += 1
        p, m = req.path, req.method
        try:
            body = json.loads(req.body.decode("utf-8")) if req.body.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
        except (ValueError, UnicodeDecodeError) as e:
            return json_response(400, {"error": "bad JSON body: %s" % e})
        if p == "/__emu/state" and m == "GET":
            return json_response(200, self.state())
        if p == "/__emu/mutate" and m == "POST":
            return self.ctl_mutate(body)
        if p == "/__emu/add" and m == "POST":
            n = _int(body.get("count", 1))
            with self.lock:
                ids = [self.app.ext_id(self.store.add(self.now())) for _ in range(max(0, n))]
            return json_response(200, {"added": ids, "orders": self.store.count})
        if p == "/__emu/fault" and m == "POST":
            return self.ctl_fault(body)
        if p == "/__emu/config":
            if m == "POST":
                err = self.ctl_config(body)
                if err:
                    return json_response(400, {"error": err})
            return json_response(200, self.config)
        if p == "/__emu/stats" and m == "GET":
            with self.lock:
                return json_response(200, dict(self.stats, fault=self.fault))
        if p == "/__emu/stats/reset" and m == "POST":
            self.reset_stats()
            with self.lock:
                self.retry_until = {}
            return json_response(200, {"ok": True})
        if p == "/__emu/reset" and m == "POST":
            self.reset_state()
            return json_response(200, self.state())
        if p.startswith("/__emu/orders/") and m == "GET":
            return self.ctl_order(p[len("/__emu/orders/"):])
        return json_response(404, {"error": "unknown control endpoint %s %s" % (m, p)})

    def state(self):
        ck, n = self.checksum()
        st = self.store
        with self.lock:
            return {"platform": self.app.name, "orders": st.count, "base_orders": st.n0,
                    "added": len(st.added), "mutations": st.mutation_events,
                    "mutated_orders": sum(1 for i in st.overlay if i < st.n0),
                    "checksum": ck, "checksum_lines": n, "seed": st.seed,
                    "products": len(st.catalog.products), "variants": len(st.catalog.variants),
                    "now": int(self.now()), "t_start": st.t_start, "t_end": st.t_end,
                    "max_updated": st.ov_sorted[-1][0] if st.ov_sorted else st.base_updated(st.n0 - 1)}

    def ctl_mutate(self, body):
        with self.lock:
            st = self.store
            if "ids" in body:
                if not isinstance(body["ids"], list):
                    return json_response(400, {"error": "ids must be a list"})
                idxs = []
                for x in body["ids"]:
                    i = self.app.parse_id(str(x))
                    if i is None or i >= st.count:
                        return json_response(404, {"error": "unknown order id %s" % x})
                    idxs.append(i)
            else:
                idxs = st.pick(max(0, _int(body.get("count", 1))))
            now = self.now()
            for i in idxs:
                st.mutate(i, now)
            return json_response(200, {"mutated": [self.app.ext_id(i) for i in idxs],
                                       "updated_at": int(now), "mutations": st.mutation_events})

    def ctl_fault(self, body):
        kind = body.get("kind")
        if kind not in FAULT_KINDS:
            return json_response(400, {"error": "kind must be one of %s" % ", ".join(FAULT_KINDS)})
        with self.lock:
            if kind == "none":
                self.fault = None
                return json_response(200, {"fault": None})
            count = body.get("count")
            if count is None and kind != "expired":
                count = 1
            self.fault = {"kind": kind, "count": None if count is None else max(1, _int(count)),
                          "seconds": float(body.get("seconds", 2.0)),
                          "path": str(body.get("path", "") or ""), "after": max(0, _int(body.get("after", 0))),
                          "location": str(body.get("location", "") or "")}
            if kind == "redirect" and not self.fault["location"]:
                self.fault = None
                return json_response(400, {"error": "redirect needs a location"})
            return json_response(200, {"fault": self.fault})

    def ctl_config(self, body):
        with self.lock:
            for k, v in body.items():
                if k == "advance_clock":
                    self.config["clock_offset"] += float(v)
                    continue
                typ = CONFIG_KEYS.get(k)
                if typ is None:
                    return "unknown config key %s" % k
                try:
                    self.config[k] = typ(v)
                except (TypeError, ValueError):
                    return "bad value for %s" % k
            if self.config["rate_scale"] <= 0:
                self.config["rate_scale"] = 1.0
                return "rate_scale must be > 0"
        return None

    def ctl_order(self, ident):
        with self.lock:
            i = self.app.parse_id(ident)
            if i is None and ident.isdigit() and int(ident) < self.store.count:
                i = int(ident)
            if i is None or i >= self.store.count:
                return json_response(404, {"error": "unknown order %s" % ident})
            ov = self.store.overlay.get(i)
            canon = self.store.order(i, ov)
        canon["stage_name"] = STAGE_NAMES[canon["stage"]]
        return json_response(200, {"index": i, "id": self.app.ext_id(i), "canonical": canon,
                                   "overlay": ov._asdict() if ov else None,
                                   "platform": self.app.render_debug(i, ov)})


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0
