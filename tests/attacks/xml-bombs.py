#!/usr/bin/env python3
"""tests/attacks/xml-bombs.py - RELIABILITY.md P1: entity bombs, deep
nesting, huge nodes, huge item counts and the input size cap, each through
`rapporteur parse` with a hard bound on wall time and extra max RSS.

Inputs are generated at run time in a temporary directory; nothing big is
committed. Bounds are stated next to each case; "extra" RSS is the child's
max RSS minus that of parsing a tiny feed."""
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

MB = 1024 * 1024
L = attack.limits()
MAX_BYTES = L.get("RP_FEED_MAX_BYTES", 64 * MB)
MAX_ENTRIES = L.get("RP_FEED_MAX_ENTRIES", 100000)
FIELD_MAX = L.get("RP_FIELD_MAX_BYTES", MB)

RSS_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def rss(doctype, item_body, items=1):
    return (RSS_HEAD + doctype + b'<rss version="2.0"><channel><title>bomb</title>'
            b'<link>https://example.org/</link>'
            + b"".join(b"<item>" + item_body + b"</item>" for _ in range(items))
            + b"</channel></rss>\n")


def laughs_dtd():
    d = b'<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    d += b'<!ENTITY lol1 "' + b"&lol;" * 10 + b'">\n'
    for i in range(2, 10):
        d += b"<!ENTITY lol%d \"" % i + (b"&lol%d;" % (i - 1)) * 10 + b'">\n'
    return d + b"]>\n"


def quadratic_dtd():
    return b'<!DOCTYPE rss [\n<!ENTITY a "' + b"A" * (100 * 1024) + b'">\n]>\n'


def cases(tmp):
    """(name, writer(path), max_wall_s, max_extra_MB, extra_check)"""
    def title_len_ok(r):
        if r.doc is None:
            return True, ""
        for e in r.doc.get("entries", []):
            for k in ("title", "summary_text"):
                v = e.get(k) or ""
                if len(v.encode("utf-8")) > FIELD_MAX:
                    return False, "%s is %d bytes > RP_FIELD_MAX_BYTES" % (k, len(v))
        if len(r.out) > 8 * MB:
            return False, "output is %d bytes" % len(r.out)
        return True, ""

    def entries_capped(r):
        if r.doc is None:
            return True, ""
        n = len(r.doc["entries"])
        if n > MAX_ENTRIES:
            return False, "%d entries > RP_FEED_MAX_ENTRIES %d" % (n, MAX_ENTRIES)
        if n < MAX_ENTRIES:
            return False, "only %d entries kept; the first %d should be" % (n, MAX_ENTRIES)
        return True, "%d entries kept" % n

    def w(data):
        return lambda p: open(p, "wb").write(data)

    def w_big_text(p):
        with open(p, "wb") as f:
            f.write(RSS_HEAD + b'<rss version="2.0"><channel><title>big</title><item>'
                    b"<title>big text</title><description>")
            chunk = b"lorem ipsum dolor sit amet &amp; " * 32768  # ~1 MiB
            for _ in range(50):
                f.write(chunk)
            f.write(b"</description></item></channel></rss>\n")

    def w_big_cdata(p):
        with open(p, "wb") as f:
            f.write(RSS_HEAD + b'<rss version="2.0"><channel><title>big</title><item>'
                    b"<title>big cdata</title><description><![CDATA[")
            chunk = b"<p>lorem ipsum</p> dolor sit amet " * 32768
            for _ in range(50):
                f.write(chunk)
            f.write(b"]]></description></item></channel></rss>\n")

    def w_big_attr(p):
        with open(p, "wb") as f:
            f.write(RSS_HEAD + b'<rss version="2.0"><channel><title>big</title><item>'
                    b'<title>big attribute</title><enclosure type="audio/mpeg" url="https://e.org/')
            for _ in range(50):
                f.write(b"a" * MB)
            f.write(b'"/></item></channel></rss>\n')

    def w_million(p):
        with open(p, "wb") as f:
            f.write(RSS_HEAD + b'<rss version="2.0"><channel><title>many</title>')
            for i in range(0, 1000000, 1000):
                f.write(b"".join(b"<item><title>%d</title></item>" % j for j in range(i, i + 1000)))
            f.write(b"</channel></rss>\n")

    def deep(n, closed=True):
        inner = b"<div>" * n + b"deep" + (b"</div>" * n if closed else b"")
        return rss(b"", b"<title>deep</title><description>" + inner + b"</description>")

    def deep_root(n):
        return RSS_HEAD + b'<rss version="2.0"><channel><title>deep</title>' + \
            b"<x>" * n + b"</x>" * n + b"<item><title>after</title></item></channel></rss>\n"

    return [
        ("billion laughs (10x10 nested entities) in a title",
         w(rss(laughs_dtd(), b"<title>&lol9;</title>")), 1.0, 64, title_len_ok),
        ("billion laughs in an attribute value",
         w(rss(laughs_dtd(), b'<title>x</title><enclosure url="https://e.org/&lol9;" type="a/b"/>')),
         1.0, 64, title_len_ok),
        ("billion laughs in an Atom entry",
         w(RSS_HEAD + laughs_dtd().replace(b"DOCTYPE rss", b"DOCTYPE feed")
           + b'<feed xmlns="http://www.w3.org/2005/Atom"><title>b</title><entry>'
             b"<title>&lol9;</title><summary>&lol9;</summary></entry></feed>"),
         1.0, 64, title_len_ok),
        ("quadratic blowup (100 KB entity x 10,000) in a description",
         w(rss(quadratic_dtd(), b"<title>q</title><description>" + b"&a;" * 10000 + b"</description>")),
         1.0, 64, title_len_ok),
        ("quadratic blowup in an attribute value",
         w(rss(quadratic_dtd(), b'<title>q</title><enclosure type="a/b" url="' + b"&a;" * 10000 + b'"/>')),
         1.0, 64, title_len_ok),
        ("nesting 257 deep inside a description", w(deep(257)), 1.0, 64, title_len_ok),
        ("nesting 100,000 deep inside a description", w(deep(100000)), 1.0, 64, title_len_ok),
        ("nesting 100,000 deep, never closed", w(deep(100000, closed=False)), 1.0, 64, title_len_ok),
        ("nesting 257 deep at channel level", w(deep_root(257)), 1.0, 64, None),
        ("50 MB single text node", w_big_text, 5.0, 200, title_len_ok),
        ("50 MB single CDATA section", w_big_cdata, 5.0, 200, title_len_ok),
        ("50 MB attribute value", w_big_attr, 5.0, 200, title_len_ok),
        ("1,000,000 tiny items", w_million, 10.0, 256, entries_capped),
    ]


def main():
    attack.rapporteur()
    with tempfile.TemporaryDirectory(prefix="rp-attack-") as tmp:
        cs = cases(tmp)
        tap = attack.Tap(len(cs) * 3 + 5)
        base = attack.baseline_rss(tmp)
        tap.diag("baseline max RSS %.1f MB; limits %s" % (base / 1024.0, L))
        for name, writer, max_wall, max_extra, extra in cs:
            p = os.path.join(tmp, "in.xml")
            writer(p)
            size = os.path.getsize(p)
            r = attack.run(["parse"], p, tmp=tmp)
            extra_mb = (r.rss - base) / 1024.0
            tap.diag("%s: %d bytes in; %s; extra RSS %.1f MB" % (name, size, r.summary(), extra_mb))
            good = attack.check_outcome(r)
            why = r.why
            if good and not attack.is_bozo_or_error(r):
                good, why = False, "exit 0 but bozo is not true"
            if good and extra:
                good, note = extra(r)
                why = note if not good else why
                if good and note:
                    tap.diag(note)
            tap.ok(good, name + ": exit 0 with bozo, or a clean error", why)
            if attack.SANITIZED:
                tap.skip(name + ": wall < %gs" % max_wall, "sanitized build (%.2fs)" % r.wall)
                tap.skip(name + ": extra RSS < %d MB" % max_extra, "sanitized build")
            else:
                tap.ok(r.wall < max_wall, name + ": wall %.3fs < %gs" % (r.wall, max_wall),
                       "took %.3fs" % r.wall)
                tap.ok(extra_mb < max_extra, name + ": extra RSS %.1f MB < %d MB" % (extra_mb, max_extra),
                       "used %.1f MB" % extra_mb)
            os.unlink(p)

        # The input cap: RP_FEED_MAX_BYTES + 1 refused (file and stdin); the cap itself accepted.
        def capped(n, p):
            head = rss(b"", b"<title>cap</title>")
            with open(p, "wb") as f:
                f.write(head)
                left = n - len(head) - 8
                f.write(b"<!--")
                while left > 0:
                    k = min(left, MB)
                    f.write(b" " * k)
                    left -= k
                f.write(b"-->\n")
            assert os.path.getsize(p) == n, (os.path.getsize(p), n)

        p = os.path.join(tmp, "over.xml")
        capped(MAX_BYTES + 1, p)
        for how, args, stdin in (("file", ["parse", p], None), ("stdin", ["parse", "-"], p)):
            r = attack.run(args, stdin_path=stdin, tmp=tmp)
            tap.diag("over the cap via %s: %s; stderr %r" % (how, r.summary(), r.err[:200]))
            good = attack.check_outcome(r) and r.rc != 0
            tap.ok(good, "RP_FEED_MAX_BYTES+1 via %s refused with a clear error" % how,
                   r.why or "exit %d, stderr %r" % (r.rc, r.err[:120]))
            lim_words = (b"limit", b"too large", b"too big", b"exceeds", b"bytes", b"RP_FEED_MAX_BYTES")
            tap.ok(any(wd in r.err.lower() for wd in lim_words),
                   "RP_FEED_MAX_BYTES+1 via %s: the message names the limit" % how,
                   "stderr %r" % r.err[:120])
        capped(MAX_BYTES, p)
        r = attack.run(["parse"], p, tmp=tmp)
        tap.diag("exactly at the cap: %s" % r.summary())
        good = attack.check_outcome(r, allow_error=False) and len(r.doc["entries"]) == 1
        tap.ok(good, "exactly RP_FEED_MAX_BYTES is parsed", r.why or "rc %d" % r.rc)
        os.unlink(p)
        return tap.done()


if __name__ == "__main__":
    sys.exit(main())
