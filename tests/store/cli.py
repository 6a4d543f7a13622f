#!/usr/bin/env python3
"""tests/store/cli.py - `rapporteur import` and `rapporteur digest` end to end
on the bundled IGF 2012 example, with the managed redis-server (no --redis)
in a temporary data directory. Prints TAP.

Checks the CLI contract (DESIGN.md): exit statuses, idempotence, every
digest format well formed (JSON parses, Atom is XML, CSV has its header),
bad usage is 2, and the managed server is stopped at the end of each run.
The stories themselves are the engine's (tests/cluster); here only their
shape is checked.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.dom.minidom

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
from clitap import RAP, SRC, TAGS, exit_status, rap, tap

FEEDS = sorted(os.path.join(SRC, "examples", "igf2012", f)
               for f in os.listdir(os.path.join(SRC, "examples", "igf2012")))


def main():
    data = tempfile.mkdtemp(prefix="rap-cli.")
    env = dict(os.environ, RAPPORTEUR_DATA=os.path.join(data, "d"), RAPPORTEUR_NOW="1352300000")
    try:
        print("1..15", flush=True)
        r = rap("import", "--tags", TAGS, *FEEDS, env=env)
        m = re.search(r"(\d+) posts read, (\d+) not about the event, (\d+) stored \((\d+) new", r.stderr)
        tap(r.returncode == 0 and m and int(m[1]) > 0 and int(m[4]) > 0,
            "import of the example feeds", r.stderr.strip()[-300:])
        first_new = int(m[4]) if m else -1
        r = rap("import", "--tags", TAGS, *FEEDS, env=env)
        m = re.search(r"stored \((\d+) new, (\d+) copies, (\d+) unchanged", r.stderr)
        tap(r.returncode == 0 and m and int(m[1]) == 0 and int(m[2]) == 0 and int(m[3]) >= first_new,
            "import again changes nothing", r.stderr.strip()[-300:])
        sock = os.path.join(data, "d", "redis.sock")
        alive = subprocess.run(["redis-cli", "-s", sock, "PING"], capture_output=True, text=True)
        tap(alive.stdout.strip() != "PONG", "the managed redis-server is stopped after the run")

        r = rap("digest", "access-diversity", "--tags", TAGS, "--format", "md", env=env)
        tap(r.returncode == 0 and r.stdout.startswith("## Theme: Access and Diversity")
            and "### 1." in r.stdout, "digest md", r.stderr)
        r = rap("digest", "access-diversity", "--tags", TAGS, "--format", "json", env=env)
        try:
            d = json.loads(r.stdout)
            st = d["stories"]
            ok = (r.returncode == 0 and d["event"] == "igf2012" and d["kind"] == "theme" and st
                  and all(s["size"] >= 1 and s["sources"] and s["first"] <= s["last"] for s in st)
                  and [s["rank"] for s in st] == list(range(1, len(st) + 1))
                  and all(a["weight"] >= b["weight"] for a, b in zip(st, st[1:])))
        except Exception as e:  # noqa: BLE001
            ok, d = False, repr(e)
        tap(ok, "digest json: best first, each with size, sources, span", str(d)[:300])
        ex_ok = ok and all(len(re.findall(r"[.!?](\s|$)", s["excerpt"])) <= 3 for s in st)
        tap(ex_ok, "digest excerpts have at most three sentences")
        r = rap("digest", "access-diversity", "--tags", TAGS, "--format", "csv", env=env)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        tap(r.returncode == 0 and rows and rows[0][:3] == ["rank", "story", "size"] and len(rows) >= 2,
            "digest csv", r.stdout[:200])
        r = rap("digest", "access-diversity", "--tags", TAGS, "--format", "atom", env=env)
        try:
            doc = xml.dom.minidom.parseString(r.stdout.encode())
            ok = r.returncode == 0 and doc.documentElement.tagName == "feed" and \
                doc.getElementsByTagName("entry")
        except Exception:  # noqa: BLE001
            ok = False
        tap(ok, "digest atom is well-formed XML", r.stdout[:200])
        # A session digest (the example posts carry #ws165 or the like).
        sessions = re.findall(r"^      - id:\s*(\S+)", open(TAGS, encoding="utf-8").read(), re.M)
        r = rap("digest", sessions[0], "--tags", TAGS, "--format", "json", env=env)
        tap(r.returncode == 0 and json.loads(r.stdout)["kind"] == "session", "digest of a session")

        r = rap("digest", "no-such-theme", "--tags", TAGS, env=env)
        tap(r.returncode == 2 and "no-such-theme" in r.stderr, "unknown theme: exit 2, named")
        r = rap("digest", "access-diversity", "--format", "pdf", env=env)
        tap(r.returncode == 2, "bad format: exit 2")
        r = rap("import", "--redis", "redis://127.0.0.1:1", "--tags", TAGS, FEEDS[0], env=env)
        tap(r.returncode == 1 and "127.0.0.1:1" in r.stderr, "unreachable --redis: exit 1, named",
            r.stderr)
        r = rap("import", "--redis", "bogus://x", FEEDS[0], env=env)
        tap(r.returncode == 2, "bad --redis URL: exit 2", r.stderr)
        bad = os.path.join(data, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"id":"x1","text":"IGF 2012 #igf2012 a fine post"}\nnot json\n')
        r = rap("import", "--tags", TAGS, bad, env=env)
        tap(r.returncode == 2 and "bad.jsonl:2:" in r.stderr and "1 posts read" in r.stderr,
            "a bad line is reported with its line number and skipped", r.stderr)
        slow_pipe(os.path.join(data, "slow"))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return exit_status()


def slow_pipe(d):
    """`import -` from a pipe that gives a few posts and then nothing:
    they are stored while the pipe is still open, not at its end."""
    env = dict(os.environ, RAPPORTEUR_DATA=d, RAPPORTEUR_NOW="1352300000")
    p = subprocess.Popen([RAP, "import", "-q", "--tags", TAGS, "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    for i in range(3):
        p.stdin.write(json.dumps({"id": "slow-%d" % i, "published": "2012-11-06T10:0%d:00Z" % i,
                                  "text": "IGF 2012 #igf2012 remote hub %d is online" % i}) + "\n")
    p.stdin.flush()
    sock, stored, deadline = os.path.join(d, "redis.sock"), "", time.time() + 20
    while time.time() < deadline and stored != "3":
        time.sleep(0.1)
        stored = subprocess.run(["redis-cli", "-s", sock, "ZCARD", "rap:{igf2012}:posts"],
                                capture_output=True, text=True).stdout.strip()
    p.stdin.close()
    err = p.stderr.read()
    rc = p.wait(timeout=60)
    tap(stored == "3" and rc == 0, "a slow pipe's posts are stored before it ends",
        "stored %r, exit %d: %s" % (stored, rc, err[-300:]))


if __name__ == "__main__":
    sys.exit(main())
