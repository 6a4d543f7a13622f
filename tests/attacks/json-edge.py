#!/usr/bin/env python3
"""tests/attacks/json-edge.py - RELIABILITY.md P2 (section 2.4): hostile
JSON Feed documents through `rapporteur parse`.

Every case: no crash, no sanitizer report, exit 0 with one valid UTF-8
JSON document (strict: no NaN/Infinity, no lone surrogates), or a clean
error; under 1 s. Cases that name an expectation also check it: 20-digit
ids come out as their decimal strings with the feed kept; damaged
documents are bozo; a BOM before a clean feed is not."""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

V = b'"version":"https://jsonfeed.org/version/1.1"'


def feed(items, extra=b""):
    return b"{" + V + b',"title":"Edge","home_page_url":"https://example.org/"' + extra + \
        b',"items":[' + b",".join(items) + b"]}"


OK_ITEM = b'{"id":"ok-1","url":"https://example.org/ok","title":"still here"}'


def expect_bozo(r):
    return r.rc != 0 or r.doc["bozo"] is True, "bozo is not true"


def expect_big_ids(r):
    if r.rc != 0:
        return False, "the feed was lost (exit %d)" % r.rc
    ids = [e["id"] for e in r.doc["entries"]]
    want = ["12345678901234567890", "99999999999999999999", "-12345678901234567890", "ok-1"]
    if r.doc["title"] != "Edge":
        return False, "feed title lost: %r" % r.doc["title"]
    if ids != want:
        return False, "ids %r, want %r" % (ids, want)
    return True, ""


def expect_kept(n):
    def check(r):
        if r.rc != 0:
            return False, "exit %d" % r.rc
        if len(r.doc["entries"]) != n:
            return False, "%d entries, want %d" % (len(r.doc["entries"]), n)
        return True, ""
    return check


def expect_clean_bom(r):
    if r.rc != 0 or r.doc["format"] != "json" or r.doc["bozo"] is not False:
        return False, "format %r bozo %r" % (r.doc and r.doc["format"], r.doc and r.doc["bozo"])
    return expect_kept(1)(r)


def expect_no_nul(r):
    # A NUL may come out only as the \u0000 escape (or be dropped), never raw.
    return b"\x00" not in r.out, "raw NUL byte in the output"


def deep(n, at_items):
    nest = b"[" * n + b"]" * n
    if at_items:
        return feed([b'{"id":"d","x":' + nest + b"}"])
    return nest


def cases():
    return [
        ("depth 2,049 inside an item", deep(2049, True), expect_bozo),
        ("depth 100,000 inside an item", deep(100000, True), expect_bozo),
        ("depth 100,000 at top level", deep(100000, False), expect_bozo),
        ("depth 100,000 objects, never closed", b"{" + V + b',"items":[' + b'{"a":' * 100000, expect_bozo),
        ("20-digit integer ids (and a negative one) come out as strings, feed kept",
         feed([b'{"id":12345678901234567890,"title":"big"}',
               b'{"id":99999999999999999999,"title":"bigger"}',
               b'{"id":-12345678901234567890,"title":"negative"}', OK_ITEM]), expect_big_ids),
        ("19-digit id still an integer in range",
         feed([b'{"id":9223372036854775807,"title":"max"}']), None),
        ("1e400 in an attachment size",
         feed([b'{"id":"a","attachments":[{"url":"https://e.org/a.mp3","size_in_bytes":1e400}]}', OK_ITEM]), None),
        ("1e400 and -0 in an unknown field",
         feed([b'{"id":"a","x_ext":1e400,"y":-0,"z":-0.0}', OK_ITEM]), None),
        ("NaN literal", feed([b'{"id":"n","x":NaN}', OK_ITEM]), expect_bozo),
        ("Infinity literal", feed([b'{"id":"n","x":Infinity}', OK_ITEM]), expect_bozo),
        ("invalid UTF-8 in a title", feed([b'{"id":"u","title":"bad \xff\xfe bytes \xc3"}', OK_ITEM]), expect_bozo),
        ("invalid UTF-8 in a key", feed([b'{"id":"u","\xc0\xaf":"x"}', OK_ITEM]), expect_bozo),
        ("\\u0000 in a title", feed([b'{"id":"z","title":"a\\u0000b","summary":"\\u0000"}', OK_ITEM]), expect_no_nul),
        ("lone high surrogate \\ud800", feed([b'{"id":"s","title":"x\\ud800y"}', OK_ITEM]), None),
        ("lone low surrogate \\udc00 and reversed pair",
         feed([b'{"id":"s","title":"\\udc00\\udc00\\ud800"}', OK_ITEM]), None),
        ("trailing garbage after the document", feed([OK_ITEM]) + b" trailing garbage", expect_bozo),
        ("two concatenated documents", feed([OK_ITEM]) + feed([OK_ITEM]), expect_bozo),
        ("UTF-8 BOM before a clean feed", b"\xef\xbb\xbf" + feed([OK_ITEM]), expect_clean_bom),
        ("UTF-8 BOM twice", b"\xef\xbb\xbf\xef\xbb\xbf" + feed([OK_ITEM]), None),
        ("UTF-16LE BOM and JSON", b"\xff\xfe" + feed([OK_ITEM]).decode().encode("utf-16-le"), None),
        ("duplicate keys", b"{" + V + b',"title":"a","title":"b","items":[' + OK_ITEM + b"]}", None),
        ("items is an object", b"{" + V + b',"items":{"id":"1"}}', expect_bozo),
        ("items holds non-objects", feed([b"1", b'"s"', b"null", b"[]", OK_ITEM]), None),
        ("wrong version string", b'{"version":"https://jsonfeed.org/version/9","items":[' + OK_ITEM + b"]}", None),
        ("every field of the wrong type",
         feed([b'{"id":{},"url":[],"title":1,"summary":true,"content_html":{},"date_published":5,'
               b'"tags":"x","authors":"y","author":[],"attachments":{"url":1}}', OK_ITEM]), None),
        ("100,000 empty items", feed([b"{}"] * 100000), None),
        ("empty input", b"", None),
        ("lone [", b"[", expect_bozo),
    ]


def main():
    attack.rapporteur()
    with tempfile.TemporaryDirectory(prefix="rp-attack-") as tmp:
        cs = cases()
        tap = attack.Tap(len(cs) * 2)
        for name, data, check in cs:
            p = os.path.join(tmp, "in.json")
            with open(p, "wb") as f:
                f.write(data)
            r = attack.run(["parse"], p, tmp=tmp)
            tap.diag("%s: %d bytes in; %s" % (name, len(data), r.summary()))
            good = attack.check_outcome(r)
            why = r.why
            if good and check:
                good, why = check(r)
            tap.ok(good, name, why)
            if attack.SANITIZED:
                tap.skip(name + ": wall < 1s", "sanitized build (%.2fs)" % r.wall)
            else:
                tap.ok(r.wall < 1.0, name + ": wall %.3fs < 1s" % r.wall, "took %.3fs" % r.wall)
        return tap.done()


if __name__ == "__main__":
    sys.exit(main())
