"""tests/attacks/attack.py - shared harness for the attack tests (TAP).

Runs `$RAPPORTEUR parse FILE` on inputs the tests generate at run time,
measures each run's wall time and max RSS (os.wait4 on that one child),
and checks the outcome every attack test shares: the process was not
killed by a signal, sanitizers said nothing, and it either exited 0 with
one valid UTF-8 JSON document of the FEED_SCHEMA shape, or failed cleanly
(exit 1 or 2 with a `rapporteur parse:` diagnostic).

Environment: RAPPORTEUR (the binary, required), SRCDIR (the source root,
for core/limits.h), ATTACK_SANITIZED=1 when RAPPORTEUR is an ASan/UBSan or
valgrind build: time and memory bounds are then reported, not asserted.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

SANITIZED = os.environ.get("ATTACK_SANITIZED") == "1"
WRAPPER = os.environ.get("ATTACK_WRAPPER", "").split()  # e.g. "valgrind -q --error-exitcode=99"
KILL_AFTER = float(os.environ.get("ATTACK_KILL_AFTER", "120"))
SANITIZER_MARKS = (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer",
                   b"runtime error:", b"Invalid read", b"Invalid write",
                   b"uninitialised value", b"definitely lost: [1-9]")


class Tap:
    """Collects results and prints TAP; plan printed first (counted up front)."""

    def __init__(self, plan):
        self.n = 0
        self.failed = 0
        print("1..%d" % plan, flush=True)

    def ok(self, cond, name, why=""):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s # %s" % (self.n, name, why), flush=True)
        return cond

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why), flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        return 1 if self.failed else 0


def rapporteur():
    exe = os.environ.get("RAPPORTEUR")
    if not exe or not os.access(exe, os.X_OK):
        print("1..0 # SKIP RAPPORTEUR is not set to the built binary")
        sys.exit(0)
    return exe


def limits():
    """The named limits of core/limits.h, as {name: int}."""
    src = os.environ.get("SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
    out = {}
    with open(os.path.join(src, "core", "limits.h")) as f:
        for m in re.finditer(r"#define\s+(RP_\w+)\s+(.+?)\s*(?:/\*.*)?$", f.read(), re.M):
            expr = re.sub(r"(\d+)u\b", r"\1", m.group(2))
            if re.fullmatch(r"[\d\s()*+-]+", expr):
                out[m.group(1)] = int(eval(expr))  # digits and operators only
    return out


class Run:
    """One finished run: rc (negative: signal), out, err (bytes), wall (s), rss (KiB)."""

    def __init__(self, rc, out, err, wall, rss):
        self.rc, self.out, self.err, self.wall, self.rss = rc, out, err, wall, rss
        self.doc = None
        self.why = ""

    def summary(self):
        return "rc=%d wall=%.3fs maxrss=%.1fMB out=%dB" % (
            self.rc, self.wall, self.rss / 1024.0, len(self.out))


TIME = "/usr/bin/time"


def run(args, path=None, stdin_path=None, env=None, tmp=None):
    """Run RAPPORTEUR with args (path appended), stdout/stderr to files.

    Max RSS comes from GNU time when installed: a child forked from this
    (large) Python process inherits its RSS high-water mark across exec, so
    the rusage of a direct child overstates small runs; time's own child is
    forked from a small process."""
    exe = rapporteur()
    argv = WRAPPER + [exe] + list(args) + ([path] if path else [])
    e = dict(os.environ)
    if env:
        e.update(env)
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=86")
    e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=87")
    d = tmp or tempfile.gettempdir()
    use_time = os.access(TIME, os.X_OK)
    with tempfile.TemporaryFile(dir=d) as fo, tempfile.TemporaryFile(dir=d) as fe, \
            tempfile.NamedTemporaryFile(dir=d) as ft:
        if use_time:
            argv = [TIME, "-f", "%M %x", "-o", ft.name] + argv
        fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=fin, stdout=fo, stderr=fe, env=e)
        killer = threading.Timer(KILL_AFTER, lambda: os.kill(p.pid, signal.SIGKILL))
        killer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        killer.cancel()
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        rss = ru.ru_maxrss
        if stdin_path:
            fin.close()
        if use_time:
            # "%M %x", or "Command terminated by signal N" then "%M %x".
            words = open(ft.name).read().split()
            if len(words) >= 2 and words[-2].isdigit():
                rss = int(words[-2])
            if "signal" in words:
                rc = -int(words[words.index("signal") + 1])
            elif words and words[-1].lstrip("-").isdigit():
                rc = int(words[-1])
        fo.seek(0)
        fe.seek(0)
        return Run(rc, fo.read(), fe.read(), wall, rss)


def _no_constants(name):
    raise ValueError("non-JSON constant " + name)


def check_outcome(r, allow_error=True):
    """Shared verdict: True when r is 'exit 0 with a valid document' or (if
    allow_error) a clean error. Sets r.doc and r.why."""
    for mark in SANITIZER_MARKS:
        if re.search(mark, r.err):
            r.why = "sanitizer report: " + r.err[:300].decode("utf-8", "replace")
            return False
    if r.rc < 0 or r.rc >= 86:
        r.why = "crashed or sanitizer exit (rc %d): %s" % (
            r.rc, r.err[-300:].decode("utf-8", "replace"))
        return False
    if r.rc != 0:
        if allow_error and r.rc in (1, 2) and b"rapporteur parse:" in r.err:
            return True
        r.why = "exit %d, stderr %r" % (r.rc, r.err[:200])
        return False
    try:
        text = r.out.decode("utf-8")  # strict: invalid UTF-8 raises
    except UnicodeDecodeError as ex:
        r.why = "stdout is not UTF-8: %s" % ex
        return False
    try:
        r.doc = json.loads(text, parse_constant=_no_constants)
    except ValueError as ex:
        r.why = "stdout is not one JSON document: %s" % str(ex)[:200]
        return False
    if re.search(r"[\ud800-\udfff]", json.dumps(r.doc, ensure_ascii=False)):
        r.why = "output carries a lone surrogate escape"
        return False
    for k in ("format", "title", "link", "bozo", "entries"):
        if not isinstance(r.doc, dict) or k not in r.doc:
            r.why = "output lacks key %r" % k
            return False
    return True


def is_bozo_or_error(r):
    return r.rc != 0 or (r.doc is not None and r.doc.get("bozo") is True)


def baseline_rss(tmp):
    """Max RSS (KiB) of parsing a tiny valid feed: what 'extra' is measured from."""
    p = os.path.join(tmp, "baseline.xml")
    with open(p, "wb") as f:
        f.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                b'<item><title>a</title></item></channel></rss>')
    return min(run(["parse"], p, tmp=tmp).rss for _ in range(3))
