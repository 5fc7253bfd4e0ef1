"""emu_data.py: deterministic catalog and order data shared by the platform emulators.

Order i (0 <= i < count) is a pure function of (seed, i) plus an optional overlay record (mutations,
added orders). Nothing is generated up front: base timestamps are arithmetic in i, so "updated since"
and "created between" queries are binary searches, and only the orders on a page are ever built.

Base timeline: created(i) = t_start + i*span//n0 and updated(i) = created(i) + (hash % step) with
step = span//n0, so (updated, i) is strictly increasing in i. A mutated or added order lives in the
overlay and in ov_sorted, a list of (updated, i) kept sorted; queries merge the two streams.
"""
import bisect
import calendar
import collections
import heapq
import re
import time

from emu_jp import (BUILDINGS, BUILDINGS_HARD, CARRIERS, FAMILY, FAMILY_HARD, GIVEN, GIVEN_HARD,
                    NOTES, NOTES_HARD, PREF_WEIGHTS, PREFECTURES, PRODUCT_KINDS, PRODUCT_PREFIX,
                    PRODUCT_PREFIX_HARD, TOWNS, TOWNS_HARD)

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
PENDING, PAID, SHIPPED, CANCELLED = 0, 1, 2, 3
STAGE_NAMES = ("pending", "paid", "shipped", "cancelled")
DAY = 86400
PEOPLE = 20000  # distinct customers

# stream tags: one independent random stream per purpose and order
T_PRODUCT, T_STOCK, T_LINES, T_PERSON, T_MISC, T_STAGE, T_UPD, T_MUT, T_PICK = range(1, 10)


def mix64(x):
    """splitmix64 finalizer: a well-mixed 64-bit hash of x."""
    x = (x + GOLDEN) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class Rng:
    """Small deterministic PRNG (splitmix64) seeded from a tuple of integers."""
    __slots__ = ("s",)

    def __init__(self, *keys):
        s = 0x243F6A8885A308D3
        for k in keys:
            s = mix64(s ^ (k & MASK))
        self.s = s

    def next(self):
        self.s = (self.s + GOLDEN) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def range(self, a, b):
        return a + self.next() % (b - a + 1)

    def choice(self, seq):
        return seq[self.next() % len(seq)]

    def permille(self):
        return self.next() % 1000


# ---------------------------------------------------------------- time helpers

def _fmt(t, off, suffix):
    tm = time.gmtime(t + off)
    return "%04d-%02d-%02dT%02d:%02d:%02d%s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
                                                tm.tm_min, tm.tm_sec, suffix)


def iso_jst(t):
    """Shopify REST / Rakuten inventory style: 2026-01-02T03:04:05+09:00."""
    return _fmt(t, 9 * 3600, "+09:00")


def rms_jst(t):
    """Rakuten order API style: 2026-01-02T03:04:05+0900."""
    return _fmt(t, 9 * 3600, "+0900")


def iso_utc(t):
    """Amazon style: 2026-01-01T18:04:05Z."""
    return _fmt(t, 0, "Z")


def date_jst(t):
    return _fmt(t, 9 * 3600, "")[:10]


_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
                     r"(Z|[+-]\d{2}:?\d{2})?$")


def parse_iso(s, need_zone=True):
    """Parse an ISO 8601 date-time into UTC epoch seconds (float); None when malformed.

    Returns a (epoch, zone) pair where zone is the literal zone text ("Z", "+09:00", "+0900" or "")."""
    m = _ISO_RE.match(s or "")
    if not m:
        return None
    y, mo, d, h, mi = (int(m.group(k)) for k in range(1, 6))
    sec = int(m.group(6) or 0)
    frac = float(m.group(7) or 0.0)
    zone = m.group(8) or ""
    if need_zone and not zone:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and sec < 61):
        return None
    off = 0
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        off = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    try:
        epoch = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    return epoch - off + frac, zone


def jan13(body12):
    """Append the EAN-13 check digit to a 12-digit string."""
    s = sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)


# ---------------------------------------------------------------- catalog

class Catalog:
    """Products with 1-3 variants each; variant g has SKU "SKU-%05d" % (g+1) and a valid JAN."""

    def __init__(self, seed, nproducts):
        self.products = []
        self.variants = []
        for k in range(nproducts):
            r = Rng(seed, T_PRODUCT, k)
            name, tax, opt, values = PRODUCT_KINDS[k % len(PRODUCT_KINDS)]
            prefix = r.choice(PRODUCT_PREFIX_HARD) if r.permille() < 40 else r.choice(PRODUCT_PREFIX)
            title = "%s%s No.%d" % (prefix, name, k + 1)
            base = r.range(30, 1500) * 10
            nvar = 1 if not values else min(len(values), 1 + r.below(3))
            p = {"k": k, "title": title, "tax": tax, "option": opt or "Title",
                 "vendor": "エミュ商店", "type": name, "variants": []}
            for j in range(nvar):
                g = len(self.variants)
                vt = values[j] if values else "Default Title"
                v = {"g": g, "k": k, "pos": j + 1, "sku": "SKU-%05d" % (g + 1),
                     "jan": jan13("49%02d%08d" % (seed % 100, g + 1)),
                     "price": base + j * 200, "title": vt, "tax": tax,
                     "grams": r.range(1, 40) * 50}
                p["variants"].append(g)
                self.variants.append(v)
            self.products.append(p)

    def stock(self, seed, g, loc):
        """Deterministic available quantity of variant g at location index loc."""
        r = Rng(seed, T_STOCK, g, loc)
        return 0 if r.permille() < 80 else r.range(1, 150)


# ---------------------------------------------------------------- orders

# Overlay record of one order: updated time, created time (added orders only), stage override and
# its event times (paid_at, shipped_at, cancelled_at), per-line quantity deltas, mutation count.
Ov = collections.namedtuple("Ov", "updated created stage times qty ver")


class Store:
    """All order state of one emulator. Not thread-safe: callers hold the server lock."""

    def __init__(self, seed, n_orders, n_products, days=58, epoch=None):
        self.seed = seed
        self.n0 = max(1, n_orders)
        self.catalog = Catalog(seed, max(1, n_products))
        anchor = int(epoch) if epoch else (int(time.time()) // DAY) * DAY
        self.t_end = anchor - 3600
        self.t_start = anchor - days * DAY
        self.span = self.t_end - self.t_start
        self.step = self.span // self.n0
        self._pref_table = [p for p in PREFECTURES for _ in range(PREF_WEIGHTS.get(p[2], 1))]
        self._people = {}
        self.reset()

    def reset(self):
        self.overlay = {}        # i -> Ov
        self.ov_sorted = []      # sorted (updated, i) of every overlay order
        self.added = []          # created time of order n0 + j
        self.mutation_events = 0
        self.pick_round = 0

    @property
    def count(self):
        return self.n0 + len(self.added)

    # -- timeline
    def created(self, i):
        if i < self.n0:
            return self.t_start + (i * self.span) // self.n0
        return self.added[i - self.n0]

    def base_updated(self, i):
        c = self.t_start + (i * self.span) // self.n0
        return c + (mix64(self.seed * 1000003 + i) % self.step if self.step > 0 else 0)

    def updated(self, i):
        ov = self.overlay.get(i)
        return ov.updated if ov else self.base_updated(i)

    def first_created_at_or_after(self, t):
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if self.created(mid) >= t:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _base_first_above(self, key, strict=True):
        """First base index j whose (base_updated(j), j) is > key (>= when not strict)."""
        lo, hi = 0, self.n0
        while lo < hi:
            mid = (lo + hi) // 2
            k = (self.base_updated(mid), mid)
            if k > key or (not strict and k == key):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def iter_updated(self, after=None, lo=None, hi=None, desc=False):
        """Yield (updated, i) in (updated, i) order, strictly after/before the key `after`,
        restricted to lo <= updated <= hi (either may be None)."""
        ov = self.ov_sorted
        if not desc:
            key = after if after is not None else (-1, -1)
            if lo is not None and (lo, -1) > key:
                key = (lo, -1)
            j0 = self._base_first_above(key)
            pos = bisect.bisect_right(ov, key)

            def base():
                for j in range(j0, self.n0):
                    if j not in self.overlay:
                        u = self.base_updated(j)
                        if hi is not None and u > hi:
                            return
                        yield (u, j)

            def over():
                for k in range(pos, len(ov)):
                    if hi is not None and ov[k][0] > hi:
                        return
                    yield ov[k]
            return heapq.merge(base(), over())
        key = after if after is not None else (1 << 62, 1 << 62)
        if hi is not None and (hi + 1, -1) < key:
            key = (hi + 1, -1)
        j1 = self._base_first_above(key, strict=False)
        pos = bisect.bisect_left(ov, key)

        def base_d():
            for j in range(j1 - 1, -1, -1):
                if j not in self.overlay:
                    u = self.base_updated(j)
                    if lo is not None and u < lo:
                        return
                    yield (u, j)

        def over_d():
            for k in range(pos - 1, -1, -1):
                if lo is not None and ov[k][0] < lo:
                    return
                yield ov[k]
        return heapq.merge(base_d(), over_d(), reverse=True)

    def count_updated(self, lo=None, hi=None):
        """Number of orders with lo <= updated <= hi, without iterating the base stream."""
        j0 = self._base_first_above((lo, -1)) if lo is not None else 0
        j1 = self._base_first_above((hi + 1, -1)) if hi is not None else self.n0
        n = max(0, j1 - j0) - sum(1 for j in self.overlay if j0 <= j < j1)
        a = bisect.bisect_left(self.ov_sorted, (lo, -1)) if lo is not None else 0
        b = bisect.bisect_left(self.ov_sorted, (hi + 1, -1)) if hi is not None else len(self.ov_sorted)
        return n + max(0, b - a)

    # -- status
    def base_stage(self, i):
        x = Rng(self.seed, T_STAGE, i).permille()
        if x < 40:
            return CANCELLED
        if i < self.n0 and self.t_end - self.created(i) > 3 * DAY:
            return PENDING if x < 60 else PAID if x < 120 else SHIPPED
        return PENDING if x < 290 else PAID if x < 650 else SHIPPED

    def stage(self, i):
        ov = self.overlay.get(i)
        if ov is not None and ov.stage is not None:
            return ov.stage
        return self.base_stage(i)

    # -- order content
    def lines_of(self, i):
        """[(variant g, qty)] of the base order and its shipping fee (yen)."""
        r = Rng(self.seed, T_LINES, i)
        x = r.permille()
        n = 1 if x < 500 else 2 if x < 800 else 3 if x < 930 else 4
        nv = len(self.catalog.variants)
        out, seen = [], set()
        for _ in range(n):
            g = r.below(nv)
            tries = 0
            while g in seen and tries < 8:
                g = r.below(nv)
                tries += 1
            if g in seen:
                continue
            seen.add(g)
            q = r.permille()
            out.append((g, 1 if q < 750 else 2 if q < 930 else 3))
        sub = sum(self.catalog.variants[g]["price"] * q for g, q in out)
        fee = 0 if sub >= 5000 else r.choice((550, 660, 880))
        return out, fee

    def quick(self, i, ov):
        """(created, updated, total, nlines, qty) for the checksum, without building the order."""
        lines, fee = self.lines_of(i)
        qty = [q for _, q in lines]
        if ov is not None and ov.qty:
            qty = [q + d for q, d in zip(qty, ov.qty)]
        total = fee + sum(self.catalog.variants[g]["price"] * q for (g, _), q in zip(lines, qty))
        created = ov.created if ov is not None and ov.created is not None else self.created(i)
        updated = ov.updated if ov is not None else self.base_updated(i)
        return created, updated, total, len(lines), sum(qty)

    def person(self, n):
        """Customer n of the shop (a pool of PEOPLE, so customers come back). Shared: do not modify."""
        p = self._people.get(n)
        if p is None:
            p = self._person(Rng(self.seed, T_PERSON, -1 - n))
            p["n"] = n
            p["email"] = "buyer%05d@example.jp" % n
            self._people[n] = p
        return p

    def _person(self, r):
        fam = r.choice(FAMILY_HARD) if r.permille() < 30 else r.choice(FAMILY)
        giv = r.choice(GIVEN_HARD) if r.permille() < 15 else r.choice(GIVEN)
        pref = r.choice(self._pref_table)
        city = r.choice(pref[4])
        town = r.choice(TOWNS_HARD) if r.permille() < 20 else r.choice(TOWNS)
        street = "%s%d-%d-%d" % (town, r.range(1, 9), r.range(1, 30), r.range(1, 20))
        bld = r.choice(BUILDINGS_HARD) if r.permille() < 30 else r.choice(BUILDINGS)
        if bld:
            bld = "%s %d" % (bld, r.range(1, 12) * 100 + r.range(1, 9))
        zip7 = "%s%04d" % (pref[3], r.below(10000))
        return {"family": fam[0], "family_kana": fam[1], "given": giv[0], "given_kana": giv[1],
                "pref": pref[0], "pref_en": pref[1], "pref_code": "JP-%02d" % pref[2],
                "city": city, "street": street, "building": bld,
                "zip": zip7[:3] + "-" + zip7[3:],
                "phone": "0%d0-%04d-%04d" % (r.choice((7, 8, 9)), r.below(10000), r.below(10000))}

    def event_times(self, i, ov):
        """(paid_at, shipped_at, cancelled_at) of order i, each None when it did not happen."""
        if ov is not None and ov.stage is not None:
            return ov.times
        stage = self.base_stage(i)
        created = ov.created if ov is not None and ov.created is not None else self.created(i)
        bu = self.base_updated(i) if i < self.n0 else created
        return (created + (bu - created) // 2 if stage in (PAID, SHIPPED) else None,
                bu if stage == SHIPPED else None, bu if stage == CANCELLED else None)

    def order(self, i, ov):
        """Canonical, platform-neutral order dict of order i with overlay record ov (or None)."""
        cat = self.catalog
        base_lines, fee = self.lines_of(i)
        qty = [q for _, q in base_lines]
        if ov is not None and ov.qty:
            qty = [q + d for q, d in zip(qty, ov.qty)]
        lines = []
        for k, ((g, _), q) in enumerate(zip(base_lines, qty)):
            v = cat.variants[g]
            p = cat.products[v["k"]]
            amount = v["price"] * q
            lines.append({"n": k, "g": g, "k": v["k"], "sku": v["sku"], "jan": v["jan"],
                          "title": p["title"], "variant_title": v["title"], "option": p["option"],
                          "nvariants": len(p["variants"]), "price": v["price"], "qty": q,
                          "tax_rate": v["tax"], "amount": amount,
                          "tax": amount * v["tax"] // (100 + v["tax"]), "grams": v["grams"]})
        total = fee + sum(ln["amount"] for ln in lines)
        created = ov.created if ov is not None and ov.created is not None else self.created(i)
        updated = ov.updated if ov is not None else self.base_updated(i)
        rp = Rng(self.seed, T_PERSON, i)
        buyer = self.person(rp.below(PEOPLE))
        ship = buyer if rp.permille() < 880 else self.person(rp.below(PEOPLE))
        rm = Rng(self.seed, T_MISC, i)
        x = rm.permille()
        payment = "card" if x < 700 else "cod" if x < 800 else "cvs" if x < 880 else "bank" if x < 950 else "paypay"
        note = rm.choice(NOTES_HARD) if rm.permille() < 20 else rm.choice(NOTES)
        stage = ov.stage if ov is not None and ov.stage is not None else self.base_stage(i)
        paid_at, shipped_at, cancelled_at = self.event_times(i, ov)
        carrier = rm.choice(CARRIERS)
        tracking = "%012d" % (mix64(self.seed * 7919 + i) % 10 ** 12)
        return {"i": i, "created": created, "updated": updated, "stage": stage,
                "paid_at": paid_at, "shipped_at": shipped_at, "cancelled_at": cancelled_at,
                "buyer": buyer, "ship": ship, "lines": lines, "shipping_fee": fee,
                "subtotal": total - fee, "tax": sum(ln["tax"] for ln in lines) + fee * 10 // 110,
                "total": total, "qty": sum(qty), "payment": payment, "note": note,
                "points": rm.choice((0, 0, 0, 0, 100, 300)) if payment == "card" else 0,
                "carrier": carrier, "tracking": tracking if stage == SHIPPED else None,
                "ver": ov.ver if ov is not None else 0}

    # -- mutations
    def _set_overlay(self, i, ov):
        old = self.overlay.get(i)
        if old is not None:
            k = bisect.bisect_left(self.ov_sorted, (old.updated, i))
            if k < len(self.ov_sorted) and self.ov_sorted[k] == (old.updated, i):
                del self.ov_sorted[k]
        self.overlay[i] = ov
        bisect.insort(self.ov_sorted, (ov.updated, i))

    def mutate(self, i, now):
        """Advance order i's status and add one to one line's quantity; updated_at becomes now."""
        old = self.overlay.get(i)
        ver = old.ver + 1 if old else 1
        r = Rng(self.seed, T_MUT, i, ver)
        cur = self.stage(i)
        paid_at, shipped_at, cancelled_at = self.event_times(i, old)
        if cur == PENDING:
            new, paid_at = PAID, now
        elif cur == PAID:
            if r.permille() < 150:
                new, cancelled_at = CANCELLED, now
            else:
                new, shipped_at = SHIPPED, now
        else:
            new = cur
        nlines = len(self.lines_of(i)[0])
        qty = list(old.qty) if old is not None and old.qty else [0] * nlines
        qty[r.below(nlines)] += 1
        upd = max(int(now), self.updated(i))
        created = old.created if old is not None else None
        self._set_overlay(i, Ov(upd, created, new, (paid_at, shipped_at, cancelled_at), tuple(qty), ver))
        self.mutation_events += 1

    def add(self, now):
        """Append one new order created and updated at now; returns its index."""
        t = max(int(now), self.added[-1] if self.added else 0, self.created(self.n0 - 1))
        i = self.n0 + len(self.added)
        self.added.append(t)
        self._set_overlay(i, Ov(t, t, None, None, None, 0))
        return i

    def pick(self, k):
        """k distinct pseudo-random order indexes (deterministic from the seed and call number)."""
        r = Rng(self.seed, T_PICK, self.pick_round)
        self.pick_round += 1
        k = min(k, self.count)
        out, seen = [], set()
        while len(out) < k:
            i = r.below(self.count)
            if i not in seen:
                seen.add(i)
                out.append(i)
        return out


class LRU:
    """Thread-safe bounded mapping used to cache rendered orders."""

    def __init__(self, size=4096):
        import threading
        self.size = size
        self.d = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            v = self.d.get(key)
            if v is not None:
                self.d.move_to_end(key)
            return v

    def put(self, key, value):
        with self.lock:
            self.d[key] = value
            self.d.move_to_end(key)
            while len(self.d) > self.size:
                self.d.popitem(last=False)

    def clear(self):
        with self.lock:
            self.d.clear()
