#!/usr/bin/env python3
"""tests/attacks/xml-external.py - RELIABILITY.md P1: XXE and every way an
XML document can make its parser reach outside the input.

File XXE: the output must never hold the file's bytes ("root:" for
/etc/passwd, a canary environment value for /proc/self/environ). Network:
a listener on 127.0.0.1 (ephemeral port, this process, lives only while
the test runs) counts every TCP connection; every case must leave it at 0.
If a resource were loaded, its text (MARK) would also show in the output."""
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

MARK = b"RPLEAKMARK"


class Listener:
    """Counts connections to 127.0.0.1:port; answers each like a web server
    serving a DTD / entity text holding MARK."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()

    def serve(self):
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            c.settimeout(1.0)
            try:
                req = c.recv(4096)
            except OSError:
                req = b""
            self.hits.append(req.split(b"\r\n", 1)[0] or b"(connection, no request)")
            body = (b'<!ENTITY leak "' + MARK + b'"><!ENTITY nbsp "' + MARK + b'">' + MARK)
            try:
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/xml-dtd\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
            except OSError:
                pass
            c.close()

    def close(self):
        self.stop.set()
        self.t.join(2)
        self.sock.close()


def cases(port, canary):
    u = ("http://127.0.0.1:%d" % port).encode()
    H = b'<?xml version="1.0" encoding="UTF-8"?>\n'

    def rss(doctype, item, extra_ns=b""):
        return (H + doctype + b'<rss version="2.0"' + extra_ns + b'><channel><title>ext</title>'
                b"<link>https://example.org/</link><item>" + item + b"</item></channel></rss>\n")

    passwd = (b"root:",)
    env = (canary.encode(),)
    xi = b' xmlns:xi="http://www.w3.org/2001/XInclude"'
    return [
        # (name, bytes, forbidden substrings in stdout)
        ("XXE file:///etc/passwd in a title",
         rss(b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
             b"<title>&x;</title><description>&x;</description>"), passwd),
        ("XXE /etc/passwd by plain path",
         rss(b'<!DOCTYPE rss [<!ENTITY x SYSTEM "/etc/passwd">]>\n', b"<title>&x;</title>"), passwd),
        ("XXE file:///proc/self/environ",
         rss(b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///proc/self/environ">]>\n',
             b"<title>&x;</title><description>&x;</description>"), env),
        ("XXE in an Atom entry",
         H + b'<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
             b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title><entry><title>&x;</title>'
             b'<summary type="html">&x;</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">&x;</div></content>'
             b"</entry></feed>\n", passwd),
        ("XXE in an RDF item",
         H + b'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
             b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
             b'<channel rdf:about="https://e.org/"><title>&x;</title></channel>'
             b'<item rdf:about="https://e.org/1"><title>&x;</title></item></rdf:RDF>\n', passwd),
        ("parameter entity %x; from file:///etc/passwd",
         rss(b'<!DOCTYPE rss [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>\n', b"<title>p</title>"), passwd),
        ("parameter entity building an XXE (file:///etc/passwd via %p;)",
         rss(b'<!DOCTYPE rss [<!ENTITY % p "<!ENTITY y SYSTEM \'file:///etc/passwd\'>"> %p;]>\n',
             b"<title>&y;</title>"), passwd),
        ("external DTD by file (SYSTEM file:///etc/passwd)",
         rss(b'<!DOCTYPE rss SYSTEM "file:///etc/passwd">\n', b"<title>d</title>"), passwd),
        ("external DTD over HTTP (SYSTEM)",
         rss(b'<!DOCTYPE rss SYSTEM "' + u + b'/ext.dtd">\n', b"<title>&leak;&nbsp;</title>"), ()),
        ("external DTD over HTTP (PUBLIC)",
         rss(b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "' + u + b'/pub.dtd">\n',
             b"<title>&leak;</title>"), ()),
        ("external general entity over HTTP",
         rss(b'<!DOCTYPE rss [<!ENTITY e SYSTEM "' + u + b'/ent">]>\n',
             b"<title>&e;</title><description>&e;</description>"), ()),
        ("external parameter entity over HTTP (%dtd;)",
         rss(b'<!DOCTYPE rss [<!ENTITY % dtd SYSTEM "' + u + b'/oob.dtd"> %dtd;]>\n',
             b"<title>&leak;</title>"), ()),
        ("xi:include over HTTP",
         rss(b"", b'<title>x</title><description><xi:include href="' + u + b'/inc.xml" parse="text"/></description>',
             xi), ()),
        ("xi:include of file:///etc/passwd",
         rss(b"", b'<title>x</title><description><xi:include href="file:///etc/passwd" parse="text"/></description>',
             xi), passwd),
        ("xml-stylesheet processing instruction over HTTP",
         H + b'<?xml-stylesheet type="text/xsl" href="' + u + b'/style.xsl"?>\n'
             b'<rss version="2.0"><channel><title>s</title><item><title>i</title></item></channel></rss>\n', ()),
        ("XML Schema location over HTTP",
         H + b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
             b' xsi:schemaLocation="http://www.w3.org/2005/Atom ' + u + b'/atom.xsd"><title>s</title>'
             b"<entry><title>e</title></entry></feed>\n", ()),
    ]


def strace_opens(exe, path, tmp):
    """(files opened, socket/connect lines) of one `parse path` run under strace."""
    log = os.path.join(tmp, "strace.log")
    subprocess.run(["strace", "-f", "-qq", "-o", log, "-e", "trace=open,openat,socket,connect",
                    exe, "parse", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opens, net = [], []
    for line in open(log, errors="replace"):
        if re.search(r"\b(socket|connect)\(", line):
            net.append(line.strip())
            continue
        m = re.search(r'open(?:at)?\(.*?"([^"]*)"', line)
        if m:
            opens.append((m.group(1), line.strip()))
    return opens, net


def strace_baseline(exe, tmp):
    """Files any run opens whatever its input: the loader's libraries and,
    in a sanitizer build, the runtime's own reads of /proc/self/* made
    before main. Taken from a clean one-item feed."""
    p = os.path.join(tmp, "clean.xml")
    with open(p, "wb") as f:
        f.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                b"<item><title>i</title></item></channel></rss>\n")
    opens, _ = strace_opens(exe, p, tmp)
    return {f for f, _ in opens if f != p}


def strace_reaches(exe, path, tmp, baseline):
    """Syscalls of one run that reach outside the input: opens of anything
    but the input, the loader's libraries, locale data and what the clean
    baseline run opened too, and any socket or connect. The canary and
    listener checks catch a leak through a file the baseline also opens."""
    opens, bad = strace_opens(exe, path, tmp)
    for f, line in opens:
        if f == path or f in baseline or f.startswith((
                "/lib", "/usr/lib", "/etc/ld.so", "/usr/share/locale", "/usr/lib/locale",
                "/etc/localtime", "/usr/share/zoneinfo", "/usr/lib/x86_64-linux-gnu/gconv")):
            continue
        bad.append(line)
    return bad


def main():
    exe = attack.rapporteur()
    canary = "rpcanary" + secrets.token_hex(8)
    lis = Listener()
    try:
        with tempfile.TemporaryDirectory(prefix="rp-attack-") as tmp:
            cs = cases(lis.port, canary)
            have_strace = shutil.which("strace") is not None and not attack.WRAPPER
            tap = attack.Tap(len(cs) * 3 + 1)
            tap.diag("listener on 127.0.0.1:%d" % lis.port)
            baseline = strace_baseline(exe, tmp) if have_strace else set()
            for name, data, forbidden in cs:
                p = os.path.join(tmp, "in.xml")
                with open(p, "wb") as f:
                    f.write(data)
                before = len(lis.hits)
                r = attack.run(["parse"], p, env={"RP_ATTACK_CANARY": canary}, tmp=tmp)
                tap.diag("%s: %s" % (name, r.summary()))
                good = attack.check_outcome(r)
                leaked = [s for s in forbidden + (MARK,) if s in r.out or s in r.err]
                tap.ok(good, name + ": exit 0 or a clean error", r.why)
                hits = lis.hits[before:]
                tap.ok(not leaked and not hits,
                       name + ": nothing read from outside (0 listener hits, no file bytes)",
                       "leaked %r; listener hits %r" % (leaked, hits))
                if have_strace:
                    bad = strace_reaches(exe, p, tmp, baseline)
                    tap.ok(not bad, name + ": strace shows no open of another file, no socket/connect",
                           "; ".join(bad[:3]))
                else:
                    tap.skip(name + ": strace check", "strace not installed (or a wrapper is set)")
            tap.ok(len(lis.hits) == 0, "listener saw 0 connections in total",
                   "%d hits: %r" % (len(lis.hits), lis.hits[:5]))
            return tap.done()
    finally:
        lis.close()


if __name__ == "__main__":
    sys.exit(main())
