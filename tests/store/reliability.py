#!/usr/bin/env python3
"""tests/store/reliability.py - RELIABILITY.md R1, R2, R4 and two importers,
with `rapporteur import` against real redis-servers. Prints TAP.

  R1  kill -9 of redis-server at 3 points of an import of N posts, AOF
      everysec, restarted each time: 0 acknowledged posts lost (the count
      after restart is at least what the importer had acknowledged, or
      what Redis lost the importer replayed, and the import ends with
      exactly N), the importer resumes by itself within seconds of the
      restart.
  R2  kill -9 of rapporteur at 5 seeded random points (each a fraction of
      what is left to store), rerun each time:
      exactly N posts, 0 duplicates, no half-written post.
  2x  two importers of the same file at once: each post stored once.
  R4  maxmemory reached: a clear error is logged, reads (digest) keep
      working, ingest resumes by itself when memory is freed.

Usage: reliability.py [N]   (default 10000; the slow suite runs 100000).
Environment: RAPPORTEUR (the binary), SRCDIR (the source tree).
Servers listen on unix sockets in a temporary directory; every wait is
bounded.
"""
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
RAP = os.environ.get("RAPPORTEUR") or "build/cli/rapporteur"
SRC = os.environ.get("SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAGS = os.path.join(SRC, "tags.yaml")
GEN = os.path.join(SRC, "bench", "ingest", "gen-posts.py")
EVENT = "igf2012"
PREFIX = "rap:{%s}:" % EVENT

results = []
started = []   # every process we start, to end by pid at the end


def tap(ok, name, detail=""):
    results.append(ok)
    line = ("ok" if ok else "not ok") + " %d - %s" % (len(results), name)
    if detail:
        line += " # " + detail
    print(line, flush=True)


def diag(msg):
    print("# " + msg, flush=True)


class Redis:
    """A redis-server of our own, AOF everysec as the managed one runs."""

    def __init__(self, root, name, extra=()):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, "redis.sock")
        self.extra = list(extra)
        self.proc = None

    def start(self, sock=None):
        """Start; returns (spawned, ready): when it was spawned and when it
        first answered PING (after loading its AOF)."""
        sock = sock or self.sock
        t0 = time.time()
        args = ["redis-server", "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
                "--dir", self.dir, "--appendonly", "yes", "--appendfsync", "everysec",
                "--save", "", "--logfile", "redis.log",
                "--hash-max-listpack-entries", "256", "--hash-max-listpack-value", "4096"] + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(self.proc)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.cli("PING", sock=sock) == "PONG":
                return t0, time.time()
            time.sleep(0.01)
        raise RuntimeError("redis-server did not start in " + self.dir)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, sock=None):
        if self.proc and self.proc.poll() is None:
            self.cli("SHUTDOWN", sock=sock)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cli(self, *args, sock=None):
        try:
            r = subprocess.run(["redis-cli", "-s", sock or self.sock] + list(args),
                               capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return None
        return r.stdout.strip()

    def zcard(self):
        v = self.cli("ZCARD", PREFIX + "posts")
        return int(v) if v and v.lstrip("-").isdigit() else -1

    def url(self):
        return "unix:" + self.sock

    def check(self):
        """Every index entry has its whole record and is a member of its
        story, once (store/keys.h P s:SID:m: PIDs end to end, 16 bytes
        each); every post record is indexed; ids are distinct. Returns a
        dict of counts: nostory counts posts their story does not list or
        lists more than once."""
        script = """
        local P = ARGV[1]
        local ids, dup, missing, nostory, n = {}, 0, 0, 0, 0
        local M = {}   -- SID -> PID -> times its members list it
        local function members(sid)
          local m = M[sid]
          if m then return m end
          m = {}
          local s = redis.call('GET', P..'s:'..sid..':m') or ''
          if #s % 16 ~= 0 then m['?'] = 1 end
          for j = 1, #s, 16 do
            local q = string.sub(s, j, j + 15)
            m[q] = (m[q] or 0) + 1
          end
          M[sid] = m
          return m
        end
        local cursor = '0'
        local posts = redis.call('ZRANGE', P..'posts', 0, -1)
        for _, pid in ipairs(posts) do
          n = n + 1
          -- the post's record (store/postmeta.h: each value as length,
          -- ':', bytes): its id (10th), d (6th), s (7th), t (8th) and
          -- content hash (1st)
          local v, pos, vals = redis.call('GET', P..'p:'..pid), 1, {}
          for q = 1, 19 do
            local c = v and string.find(v, ':', pos, true)
            local n = c and tonumber(string.sub(v, pos, c - 1))
            if not n then break end
            vals[q] = string.sub(v, c + 1, c + n); pos = c + 1 + n
          end
          local h = {}
          for i, q in ipairs({10, 6, 7, 8, 1}) do
            h[i] = vals[q] ~= '' and vals[q] or nil
          end
          if not (h[1] and h[2] and h[3] and h[4] and h[5]) then missing = missing + 1
          else
            if ids[h[1]] then dup = dup + 1 else ids[h[1]] = true end
            if members(h[3])[pid] ~= 1 then nostory = nostory + 1 end
          end
        end
        local records = 0
        repeat
          local r = redis.call('SCAN', cursor, 'MATCH', P..'p:*', 'COUNT', 10000)
          cursor = r[1]
          records = records + #r[2]
        until cursor == '0'
        return {n, dup, missing, nostory, records}
        """
        out = self.cli("EVAL", script, "0", PREFIX)
        vals = [int(x) for x in out.split()] if out else [-1] * 5
        return dict(zip(["posts", "dups", "half", "nostory", "records"], vals))


class Importer:
    """`rapporteur import` in the background, its stderr collected with
    the time each line arrived."""

    def __init__(self, url, path, retry=120, extra=()):
        self.lines = []
        self.proc = subprocess.Popen(
            [RAP, "import", "--redis", url, "--tags", TAGS, "--retry", str(retry), *extra, path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started.append(self.proc)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append((time.time(), line.rstrip("\n")))

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            self.lines.append((time.time(), "(killed: timeout)"))
        self.t.join(timeout=5)
        return rc

    def find(self, pattern, after=0.0):
        for t, line in list(self.lines):
            if t >= after and re.search(pattern, line):
                return t, line
        return None

    def summary(self):
        m = self.find(r"stored \(")
        if not m:
            return None
        g = re.search(r"(\d+) stored \((\d+) new, (\d+) copies, (\d+) unchanged", m[1])
        r = re.search(r"\((\d+) acknowledged batches replayed\)", m[1])
        return dict(acked=int(g[1]), new=int(g[2]), copies=int(g[3]), same=int(g[4]),
                    replayed=int(r[1]) if r else -1) if g else None


def wait_until(cond, timeout, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return False


def r1(root, posts):
    srv = Redis(root, "r1")
    srv.start()
    # A small run finishes between two polls of the kill points on a quiet
    # machine; smaller batches keep it inside them (and exercise more
    # batch boundaries, which is what a kill should hit).
    imp = Importer(srv.url(), posts, extra=("--batch", "4", "--window", "2") if N < 20000 else ())
    lost_total, resume = 0, []
    ok_points = True
    for k, frac in enumerate((0.25, 0.5, 0.75)):
        # Polled over one connection every few ms (Counter): a redis-cli
        # per poll let a fast import end before the last kill point.
        fast = Counter(srv.sock)
        try:
            reached = wait_until(lambda: fast.zcard() >= N * frac or imp.proc.poll() is not None,
                                 300, 0.002)
        finally:
            fast.close()
        if not reached:
            ok_points = False
            break
        if imp.proc.poll() is not None:
            diag("import ended before kill point %d" % (k + 1))
            ok_points = False
            break
        t_kill = time.time()
        srv.kill9()
        note = None
        if wait_until(lambda: imp.find(r"connection lost .* with \d+ posts acknowledged", t_kill), 30):
            note = imp.find(r"connection lost .* with \d+ posts acknowledged", t_kill)
        acked = int(re.search(r"with (\d+) posts acknowledged", note[1])[1]) if note else -1
        # Count what the AOF brought back before the importer can write:
        # start on another socket, count, stop, then serve the real one.
        side = os.path.join(srv.dir, "side.sock")
        srv.start(sock=side)
        back = int(srv.cli("ZCARD", PREFIX + "posts", sock=side) or -1)
        srv.stop(sock=side)
        lost = max(0, acked - back) if acked >= 0 else -1
        lost_total += lost if lost > 0 else 0
        diag("kill %d at %.0f%%: %d acknowledged before the kill, %d present after restart, %d lost"
             % (k + 1, frac * 100, acked, back, lost))
        if acked < 0:
            ok_points = False
        t_spawn, t_up = srv.start()
        diag("restarted: ready %.2f s after spawn (AOF load)" % (t_up - t_spawn))
        if wait_until(lambda: imp.find(r"reconnected after", t_kill) or imp.proc.poll() is not None, 30):
            m = imp.find(r"reconnected after", t_kill)
            if m:
                # The importer may see the server before our PING does.
                resume.append(max(0.0, m[0] - t_up))
    rc = imp.wait(600)
    final = srv.check()
    srv.stop()
    s = imp.summary()
    replayed = s["replayed"] if s else -1
    diag("R1: importer exit %d; resume after restart: %s s; %d acknowledged batches replayed; "
         "final %s" % (rc, ", ".join("%.2f" % x for x in resume), replayed, final))
    # Redis itself may lose acknowledged writes (AOF everysec postpones a
    # write on a slow disk by up to 2 s and replies all the same); the
    # importer replays what it acknowledged in the last 3 s after every
    # reconnect (store/ingest.h). So what counts is the end: every post,
    # the ones Redis lost included, is there once the importer is done.
    if lost_total:
        diag("R1: Redis lost %d acknowledged posts in its AOF; the replay must bring them back"
             % lost_total)
    tap(ok_points and (lost_total == 0 or (replayed > 0 and final["posts"] == N)),
        "R1 kill -9 redis-server x3: 0 acknowledged posts lost",
        "lost by Redis %d, replayed batches %d, final %d" % (lost_total, replayed, final["posts"]))
    tap(len(resume) == 3 and max(resume) <= 5.0,
        "R1 importer resumes by itself within 5 s of the server being back",
        "max %.2f s" % (max(resume) if resume else -1))
    tap(rc == 0 and final["posts"] == N and final["dups"] == 0 and final["half"] == 0
        and final["records"] == N and final["nostory"] == 0,
        "R1 import completes: exactly %d posts, none half written" % N, str(final))


class Counter:
    """ZCARD of P posts over one open connection: polled every few ms, so
    a kill lands within a batch or two of its target (a redis-cli process
    per poll takes tens of ms on a loaded machine, while a fast import
    stores hundreds of posts)."""

    def __init__(self, sock):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(sock)
        k = (PREFIX + "posts").encode()
        self.req = b"*2\r\n$5\r\nZCARD\r\n$%d\r\n%s\r\n" % (len(k), k)

    def zcard(self):
        self.s.sendall(self.req)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = self.s.recv(64)
            if not chunk:
                return -1
            data += chunk
        return int(data[1:-2]) if data[:1] == b":" else -1

    def close(self):
        self.s.close()


def r2(root, posts):
    srv = Redis(root, "r2")
    srv.start()
    fast = Counter(srv.sock)
    # Each kill lands a seeded random fraction into what is left to store
    # (fractions of N, in order, let a fast import finish before the later
    # points: then there is nothing left to kill).
    rnd = random.Random(4)
    kills = [rnd.uniform(0.05, 0.25) for _ in range(5)]
    ok_kills = 0
    for frac in kills:
        imp = Importer(srv.url(), posts)
        start = max(0, fast.zcard())
        target = start + max(1, int((N - start) * frac))
        wait_until(lambda: fast.zcard() >= target or imp.proc.poll() is not None, 300, 0.002)
        if imp.proc.poll() is None:
            imp.proc.send_signal(signal.SIGKILL)
            ok_kills += 1
        imp.wait(30)
        c = srv.check()
        diag("kill rapporteur ~%.0f%% into the rest: %d posts stored, %d half written, %d duplicates"
             % (frac * 100, c["posts"], c["half"], c["dups"]))
        if c["half"] or c["dups"] or c["records"] != c["posts"]:
            ok_kills = -100
    fast.close()
    imp = Importer(srv.url(), posts)
    rc = imp.wait(600)
    final = srv.check()
    s2 = Importer(srv.url(), posts)   # and once more: nothing changes
    rc2 = s2.wait(600)
    again = s2.summary()
    final2 = srv.check()
    srv.stop()
    diag("R2: rerun exit %d, final %s; second rerun %s" % (rc, final, again))
    tap(ok_kills == 5 and rc == 0 and final["posts"] == N and final["dups"] == 0
        and final["half"] == 0 and final["records"] == N and final["nostory"] == 0,
        "R2 kill -9 rapporteur x5, rerun: exactly %d posts, 0 duplicates, none half written" % N,
        str(final))
    tap(rc2 == 0 and again is not None and again["new"] == 0 and again["copies"] == 0
        and final2 == final, "R2 a further rerun changes nothing", str(again))


def two(root, posts):
    # The second reads the file backwards, so the two meet in the middle
    # and race for every post there (the same file forwards mostly lets
    # the first one win every post by a length).
    rev = posts[:-len(".jsonl")] + "-rev.jsonl"
    with open(posts) as f, open(rev, "w") as g:
        g.writelines(reversed(f.readlines()))
    srv = Redis(root, "two")
    srv.start()
    a = Importer(srv.url(), posts)
    b = Importer(srv.url(), rev)
    ra, rb = a.wait(600), b.wait(600)
    sa, sb = a.summary(), b.summary()
    final = srv.check()
    srv.stop()
    stored = (sa["new"] + sa["copies"] + sb["new"] + sb["copies"]) if sa and sb else -1
    diag("two importers: exit %d %d; %s / %s; final %s" % (ra, rb, sa, sb, final))
    tap(ra == 0 and rb == 0 and stored == N and final["posts"] == N and final["dups"] == 0
        and final["half"] == 0 and final["records"] == N,
        "two importers of one file at once (one backwards): each post stored once", "stored %d" % stored)


def r4(root, posts):
    # A limit about a third of what the whole import needs.
    limit = max(4, N * 600 // 3 // (1 << 20) + 2)
    srv = Redis(root, "r4", ["--maxmemory", "%dmb" % limit, "--maxmemory-policy", "noeviction"])
    srv.start()
    imp = Importer(srv.url(), posts, retry=600)
    hit = wait_until(lambda: imp.find(r"out of memory") or imp.proc.poll() is not None, 300)
    m = imp.find(r"out of memory")
    diag("R4: maxmemory %d MB; %s" % (limit, m[1] if m else "no OOM seen"))
    clear = bool(m) and "maxmemory" in m[1]
    # Reads keep working while ingest waits.
    time.sleep(1.0)
    d = subprocess.run([RAP, "digest", "access-diversity", "--redis", srv.url(), "--tags", TAGS,
                        "--format", "json"], capture_output=True, text=True, timeout=60)
    reads = d.returncode == 0 and '"stories"' in d.stdout
    paused_count = srv.zcard()
    still = imp.proc.poll() is None
    srv.cli("CONFIG", "SET", "maxmemory", "0")
    t_free = time.time()
    rc = imp.wait(600)
    resumed = imp.find(r"ingest resumed", t_free)
    final = srv.check()
    srv.stop()
    diag("R4: %d posts when paused; digest exit %d; resumed %s; exit %d; final %s"
         % (paused_count, d.returncode, "%.2f s after memory was freed" % (resumed[0] - t_free)
            if resumed else "no", rc, final))
    tap(hit and clear and still, "R4 maxmemory reached: a clear error, ingest paused")
    tap(reads, "R4 reads (digest) keep working while ingest is paused")
    tap(bool(resumed) and rc == 0 and final["posts"] == N and final["half"] == 0
        and final["records"] == N, "R4 ingest resumes by itself when memory is free; all %d posts" % N,
        str(final))


def main():
    if not shutil.which("redis-server"):
        print("1..0 # SKIP redis-server not installed")
        return 0
    root = tempfile.mkdtemp(prefix="rap-rel.")
    try:
        posts = os.path.join(root, "posts.jsonl")
        with open(posts, "w") as f:
            subprocess.run([sys.executable, GEN, "-n", str(N), "--tags", TAGS], stdout=f, check=True)
        print("1..9", flush=True)
        diag("%d posts generated (%d bytes)" % (N, os.path.getsize(posts)))
        for fn in (r1, r2, two, r4):
            t0 = time.time()
            try:
                fn(root, posts)
            except Exception as e:  # a crash of the harness is a failure, not a hang
                tap(False, fn.__name__, repr(e))
            diag("%s took %.1f s" % (fn.__name__, time.time() - t0))
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(root, ignore_errors=True)
    return 0 if all(results) and len(results) == 9 else 1


if __name__ == "__main__":
    sys.exit(main())
