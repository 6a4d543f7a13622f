#!/usr/bin/env python3
"""tests/store/hide.py - `rapporteur hide`, `unhide` and `delete` end to end
(issue 4's tombstones), with the managed redis-server (no --redis) in a
temporary data directory. Prints TAP.

Imports a small posts.jsonl, hides a post, checks that the digest no longer
shows or counts it, imports the same file again (the post stays hidden and
the import counts it as tombstoned), deletes a post, and checks idempotence,
unknown ids and bad arguments with the exit statuses of the other verbs.
"""
import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
from clitap import TAGS, exit_status, rap, tap

POSTS = [
    {"id": "https://m.social/users/x/statuses/1", "source": "mastodon:m.social",
     "url": "https://m.social/@x/1", "author": "Xu",
     "text": "Opening of IGF 2012 in Baku with a record number of remote hubs online. #igf2012 #igfad",
     "published": "2012-11-06T09:30:00Z"},
    {"id": "https://o.social/users/y/statuses/2", "source": "mastodon:o.social",
     "url": "https://o.social/@y/2", "author": "Yara",
     "text": "Opening of IGF 2012 in Baku with a record number of remote hubs online. #igf2012 #igfad",
     "published": "2012-11-06T09:35:00Z"},
    {"id": "b1", "source": "blog", "url": "https://blog.example/filtering", "author": "Zoe",
     "title": "Filtering at the IGF",
     "text": "The workshop on blocking and filtering discussed DNS filtering at length. #igf2012 #igfad",
     "published": "2012-11-07T10:00:00Z"},
]
HIDDEN = POSTS[0]["id"]


def digest(env):
    r = rap("digest", "access-diversity", "--tags", TAGS, "--format", "json", env=env)
    try:
        return r.returncode, json.loads(r.stdout), r.stdout
    except ValueError:
        return r.returncode, None, r.stdout + r.stderr


def main():
    data = tempfile.mkdtemp(prefix="rap-hide.")
    env = dict(os.environ, RAPPORTEUR_DATA=os.path.join(data, "d"), RAPPORTEUR_NOW="1352300000")
    posts = os.path.join(data, "posts.jsonl")
    with open(posts, "w", encoding="utf-8") as f:
        for p in POSTS:
            f.write(json.dumps(p) + "\n")
    try:
        print("1..22", flush=True)
        r = rap("import", "--tags", TAGS, posts, env=env)
        tap(r.returncode == 0 and "3 stored (3 new" in r.stderr, "import", r.stderr)
        rc, d, out = digest(env)
        tap(rc == 0 and d and d["posts"] == 3 and len(d["stories"]) == 2, "digest before", out[:300])

        r = rap("hide", HIDDEN, "--by", "ann", "--why", "spam account", "--tags", TAGS, env=env)
        m = re.match(r"hidden ([0-9a-f]{16}) \(story ([0-9a-f]{16}): 1 post left\)", r.stdout)
        tap(r.returncode == 0 and m, "hide by URI id", r.stdout + r.stderr)
        pid = m[1] if m else "?"
        rc, d, out = digest(env)
        reps = [s["representative"] for s in d["stories"]] if d else []
        tap(rc == 0 and d and d["posts"] == 2 and len(d["stories"]) == 2
            and all(p["post"] != pid and p["id"] != HIDDEN for p in reps)
            and all("mastodon:m.social" not in s["sources"] for s in d["stories"])
            and sum(s["size"] for s in d["stories"]) == 2
            and HIDDEN not in out,
            "the digest neither shows nor counts the hidden post", out[:600])

        r = rap("hide", HIDDEN, "--by", "ann", "--why", "spam account", "--tags", TAGS, env=env)
        tap(r.returncode == 0 and "already hidden; nothing changed" in r.stdout, "hiding twice changes nothing",
            r.stdout + r.stderr)
        r = rap("hide", pid, "--by", "bob", "--why", "by PID", "--tags", TAGS, env=env)
        tap(r.returncode == 0 and r.stdout.startswith(pid + ": already hidden"), "a PID names the post too",
            r.stdout + r.stderr)

        r = rap("import", "--tags", TAGS, posts, env=env)
        tap(r.returncode == 0 and re.search(r"stored \(0 new, 0 copies, 2 unchanged, 0 edited, 1 tombstoned\)",
                                            r.stderr),
            "import again: the hidden post is counted as tombstoned", r.stderr)
        rc, d2, out = digest(env)
        tap(rc == 0 and d2 and d2["posts"] == 2 and HIDDEN not in out, "and stays hidden", out[:300])

        r = rap("delete", "b1", "--tags", TAGS, env=env)
        tap(r.returncode == 1 and "b1" in r.stderr and "source" in r.stderr,
            "a non-URI id without its source: not found, exit 1, with a hint", r.stderr)
        r = rap("delete", "b1", "--source", "blog", "--tags", TAGS, env=env)
        tap(r.returncode == 0 and re.match(r"deleted [0-9a-f]{16} \(story [0-9a-f]{16}: 0 posts left\)", r.stdout),
            "delete by id and source", r.stdout + r.stderr)
        rc, d, out = digest(env)
        tap(rc == 0 and d and d["posts"] == 1 and len(d["stories"]) == 1
            and "DNS filtering" not in out and "Filtering at the IGF" not in out,
            "the deleted post's story and text are gone from the digest", out[:400])
        r = rap("delete", "b1", "--source", "blog", "--tags", TAGS, env=env)
        tap(r.returncode == 0 and "already deleted; nothing changed" in r.stdout, "deleting twice changes nothing",
            r.stdout + r.stderr)
        r = rap("unhide", "b1", "--source", "blog", "--by", "ann", "--tags", TAGS, env=env)
        tap(r.returncode == 2 and "cannot be undone" in r.stderr, "a delete cannot be unhidden: exit 2", r.stderr)

        r = rap("unhide", HIDDEN, "--by", "ann", "--tags", TAGS, env=env)
        tap(r.returncode == 0 and r.stdout.startswith("unhidden " + pid), "unhide", r.stdout + r.stderr)
        rc, d, out = digest(env)
        tap(rc == 0 and d and d["posts"] == 2 and d["stories"][0]["size"] == 2
            and d["stories"][0]["representative"]["id"] == HIDDEN, "unhidden: back in the digest", out[:400])

        r = rap("hide", "https://nowhere.example/1", "--by", "ann", "--why", "x", "--tags", TAGS, env=env)
        tap(r.returncode == 1 and "https://nowhere.example/1" in r.stderr, "unknown post: exit 1, named", r.stderr)
        r = rap("hide", HIDDEN, "--why", "x", "--tags", TAGS, env=env)
        tap(r.returncode == 2 and "--by" in r.stderr, "hide without --by: exit 2", r.stderr)
        r = rap("hide", HIDDEN, "--by", "ann", "--tags", TAGS, env=env)
        tap(r.returncode == 2 and "--why" in r.stderr, "hide without --why: exit 2", r.stderr)
        r = rap("hide", "--by", "ann", "--why", "x", env=env)
        tap(r.returncode == 2 and "usage:" in r.stderr, "hide without an ID: exit 2 with usage", r.stderr)
        r = rap("delete", "a", "b", env=env)
        r2 = rap("delete", "a", "--frobnicate", env=env)
        tap(r.returncode == 2 and r2.returncode == 2 and "--frobnicate" in r2.stderr,
            "two IDs or an unknown option: exit 2", r.stderr + r2.stderr)
        r = rap("hide", HIDDEN, "--by", "ann", "--why", "x", "--redis", "bogus://x", env=env)
        tap(r.returncode == 2, "bad --redis URL: exit 2", r.stderr)
        r = rap("hide", "--help", env=env)
        tap(r.returncode == 0 and r.stdout.startswith("usage: rapporteur hide"), "--help", r.stdout)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
