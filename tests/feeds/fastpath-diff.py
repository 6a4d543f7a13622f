#!/usr/bin/env python3
"""tests/feeds/fastpath-diff.py - the XML fast path (fetchers/xml_fast.c)
against libxml2, as TAP.

    fastpath-diff.py PARSE_MANY

Every input of each set is parsed as `rapporteur parse` parses it, by
PARSE_MANY (tests/feeds/parse-many.c: the same calls, all files in one
process), twice: with RAPPORTEUR_XML_FAST=trace (the fast path where it
accepts; stderr says whether it did) and with RAPPORTEUR_XML_FAST=0
(libxml2 only). PARSE_MANY writes each document's output streamed (what
`rapporteur parse` prints, entries as they end) and collected
(feed_parse): they differ in how a document the fast path declines late
is read again (fetchers/feed_xml.c, restart: the streamed entries
already out are skipped, the collected ones dropped), so both must be
byte-identical to libxml2's. Sets:
tests/data/feeds; the fuzz inputs (tests/fuzz/regressions, and the
corpora tests/fuzz/run.sh keeps in tests/fuzz/corpus-fuzz-parse and
corpus-fuzz-xml-fast when present: they are not committed); and
../shared/corpus/open when present (skipped, saying so, when not). Each
set is one case; its accept share and main decline reasons are printed
as comments. Two more cases assert the fast path accepted the plain
inputs named in MUST_ACCEPT, so it cannot pass by declining everything,
and that the late-decline-* inputs of tests/data/feeds did decline late
(after callbacks), so the restart is exercised.

env: SRCDIR (source root)."""
import collections
import os
import subprocess
import sys

SRC = os.environ.get("SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MARK = b"\x1e "

# Plain well-formed feeds of tests/data/feeds the fast path must read.
MUST_ACCEPT = ["rss20-full.xml", "atom10.atom", "rss091.xml", "rss-default-namespace.xml",
               "rss-guid-rules.xml", "dates.xml"]


def files_of(d):
    out = []
    for root, dirs, names in os.walk(d):
        dirs.sort()
        for n in sorted(names):
            if not n.endswith((".expected.json", ".err", ".md")):
                out.append(os.path.join(root, n))
    return out


def records(data):
    """{path: bytes after its marker line} of a PARSE_MANY stream."""
    out = {}
    for part in data.split(MARK)[1:]:
        path, _, rest = part.partition(b"\n")
        out[path.decode()] = rest
    return out


def parse_all(exe, files, mode):
    env = dict(os.environ, RAPPORTEUR_XML_FAST=mode)
    p = subprocess.run([exe], input="".join(f + "\n" for f in files).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=540)
    if p.returncode != 0:
        sys.exit("fastpath-diff: %s exited %d: %s" % (exe, p.returncode, p.stderr[-500:]))
    return records(p.stdout), records(p.stderr)


def check_set(tap, exe, name, dirs):
    """One case; returns {path: [verdict of each fast path reading]}: the
    last is the one that stood, "declined late: ..." ones were read again."""
    files = [f for d in dirs for f in files_of(d)]
    fast, notes = parse_all(exe, files, "trace")
    slow, _ = parse_all(exe, files, "0")
    differ = [f for f in files if f not in fast or fast[f] != slow.get(f)]
    verdicts = {}
    for f, err in notes.items():
        for line in err.decode(errors="replace").splitlines():
            if line.startswith("xml_fast: "):
                verdicts.setdefault(f, []).append(line[len("xml_fast: "):])
    final = [v[-1] for v in verdicts.values()]
    accepted = sum(1 for v in final if v == "accepted")
    late = sum(1 for v in verdicts.values() if any(x.startswith("declined late") for x in v))
    reasons = collections.Counter(v.partition(": ")[2] for v in final if v.startswith("declined"))
    tap.ok(not differ, "%s: %d of %d identical, streamed and collected; fast path accepted %d of "
           "%d XML documents (%.1f%%), declined late in %d" % (
               name, len(files) - len(differ), len(files), accepted, len(verdicts),
               100.0 * accepted / max(1, len(verdicts)), late))
    for f in differ[:20]:
        print("#   differs: %s" % os.path.relpath(f, SRC))
    for why, n in reasons.most_common(12):
        print("#   declined %5d: %s" % (n, why))
    return verdicts


class Tap:
    def __init__(self, n):
        self.i = 0
        self.failed = 0
        print("1..%d" % n)

    def ok(self, good, what):
        self.i += 1
        self.failed += not good
        print("%s %d - %s" % ("ok" if good else "not ok", self.i, what))
        sys.stdout.flush()


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: fastpath-diff.py PARSE_MANY")
    exe = argv[1]
    tap = Tap(5)
    data = os.path.join(SRC, "tests", "data", "feeds")
    verdicts = check_set(tap, exe, "tests/data/feeds", [data])
    missing = [n for n in MUST_ACCEPT if verdicts.get(os.path.join(data, n), [""])[-1] != "accepted"]
    tap.ok(not missing, "fast path accepts the plain feeds %s%s" % (
        ", ".join(MUST_ACCEPT), " (not: %s)" % ", ".join(missing) if missing else ""))
    # invalid-utf8 is checked before the fast path reads (it must not
    # decline late: the document is read in another encoding)
    late = [n for n in sorted(os.listdir(data))
            if n.startswith("late-decline-") and not n.endswith(".expected.json") and "invalid-utf8" not in n]
    early = [n for n in late
             if not any(v.startswith("declined late") for v in verdicts.get(os.path.join(data, n), []))]
    tap.ok(late and not early, "fast path declines late in the %d late-decline-* feeds%s" % (
        len(late), " (not: %s)" % ", ".join(early) if early else ""))
    fuzz = os.path.join(SRC, "tests", "fuzz")
    dirs = [os.path.join(fuzz, "regressions")]
    dirs += [d for d in (os.path.join(fuzz, "corpus-fuzz-parse"), os.path.join(fuzz, "corpus-fuzz-xml-fast"))
             if os.path.isdir(d)]
    check_set(tap, exe, "fuzz inputs (%s)" % ", ".join(os.path.relpath(d, fuzz) for d in dirs), dirs)
    corpus = os.path.join(SRC, "..", "shared", "corpus", "open")
    if os.path.isdir(corpus):
        check_set(tap, exe, "../shared/corpus/open", [corpus])
    else:
        tap.ok(True, "../shared/corpus/open # SKIP not present")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
