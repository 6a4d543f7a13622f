#!/usr/bin/env python3
"""tests/cluster/score.py - score `rapporteur cluster` output against gold.

    score.py GOLD PRED                  print pairwise and B-cubed figures
    score.py --tap --posts P --gold G [--floor dup.bcubed.f1=0.9 ...]
             [--ceiling cluster.largest=2.5 ...]
                                        run $RAPPORTEUR cluster on P, print TAP:
                                        one case per floor or ceiling, figures
                                        as comments
    score.py --tap --gen N [...]        the same on N posts of gen_posts.py
                                        (the generated set and its truth)

GOLD and PRED are JSON lines {"id","dup","cluster"}, one per post, in the
same order (the order of posts.jsonl). Pairwise: over all pairs of posts,
precision = pairs put together that belong together / pairs put together,
recall = pairs put together that belong together / pairs that belong
together. B-cubed (Bagga and Baldwin 1998): per post, the share of its
predicted group that is in its gold group (precision) and the share of its
gold group that is in its predicted group (recall), averaged over posts.
F1 is the harmonic mean of the two averages. largest: the largest
predicted group over the largest gold group (a story that swallows others
shows here first).
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def pairs(n):
    return n * (n - 1) // 2


def measure(gold, pred):
    """{"pairwise": {p,r,f1}, "bcubed": {p,r,f1}} for one labelling."""
    assert len(gold) == len(pred)
    g_size = Counter(gold)
    p_size = Counter(pred)
    both = Counter(zip(gold, pred))
    tp = sum(pairs(n) for n in both.values())
    pp = sum(pairs(n) for n in p_size.values())
    gp = sum(pairs(n) for n in g_size.values())
    pw_p = tp / pp if pp else 1.0
    pw_r = tp / gp if gp else 1.0
    bp = sum(both[(g, p)] / p_size[p] for g, p in zip(gold, pred)) / len(gold)
    br = sum(both[(g, p)] / g_size[g] for g, p in zip(gold, pred)) / len(gold)
    return {"pairwise": {"p": pw_p, "r": pw_r, "f1": f1(pw_p, pw_r)},
            "bcubed": {"p": bp, "r": br, "f1": f1(bp, br)},
            "largest": max(p_size.values()) / max(g_size.values())}


def score(gold_rows, pred_rows):
    if len(gold_rows) != len(pred_rows):
        raise SystemExit(f"score.py: {len(gold_rows)} gold lines but {len(pred_rows)} predictions")
    for i, (g, p) in enumerate(zip(gold_rows, pred_rows)):
        if g["id"] != p["id"]:
            raise SystemExit(f"score.py: line {i + 1}: gold id {g['id']} but predicted {p['id']}")
    out = {}
    for key in ("dup", "cluster"):
        out[key] = measure([g[key] for g in gold_rows], [p[key] for p in pred_rows])
    return out


def table(res, prefix=""):
    lines = [f"{prefix}{'':8} {'pairwise P':>10} {'R':>6} {'F1':>6}   {'B3 P':>6} {'R':>6} {'F1':>6}"]
    for key in ("dup", "cluster"):
        pw, b3 = res[key]["pairwise"], res[key]["bcubed"]
        lines.append(f"{prefix}{key:8} {pw['p']:10.3f} {pw['r']:6.3f} {pw['f1']:6.3f}"
                     f"   {b3['p']:6.3f} {b3['r']:6.3f} {b3['f1']:6.3f}")
    return "\n".join(lines)


def main(argv):
    if "--tap" not in argv:
        if len(argv) != 2:
            print(__doc__, file=sys.stderr)
            return 2
        print(table(score(load(argv[0]), load(argv[1]))))
        return 0
    args = {"floor": [], "ceiling": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--tap":
            i += 1
            continue
        if a in ("--posts", "--gold", "--floor", "--ceiling", "--gen") and i + 1 < len(argv):
            if a in ("--floor", "--ceiling"):
                args[a[2:]].append(argv[i + 1])
            else:
                args[a[2:]] = argv[i + 1]
            i += 2
            continue
        print(f"score.py: bad argument {a}", file=sys.stderr)
        return 2
    exe = os.environ.get("RAPPORTEUR", "rapporteur")
    checks = [(fl, True) for fl in args["floor"]] + [(c, False) for c in args["ceiling"]]
    with tempfile.TemporaryDirectory() as d:
        if "gen" in args:
            args["posts"] = os.path.join(d, "posts.jsonl")
            args["gold"] = os.path.join(d, "gold.jsonl")
            gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_posts.py")
            with open(args["posts"], "w", encoding="utf-8") as f:
                subprocess.run([sys.executable, gen, args["gen"], args["gold"]], stdout=f,
                               check=True)
        out = os.path.join(d, "pred.jsonl")
        r = subprocess.run([exe, "cluster", "--in", args["posts"], "--out", out],
                           capture_output=True, text=True)
        print(f"1..{len(checks) + 1}")
        if r.returncode != 0:
            print(f"not ok 1 - rapporteur cluster exited {r.returncode}: {r.stderr.strip()}")
            for k in range(len(checks)):
                print(f"not ok {k + 2} - not checked: no predictions")
            return 0
        print("ok 1 - rapporteur cluster ran")
        res = score(load(args["gold"]), load(out))
    print(table(res, "# "))
    print(f"# largest story / largest gold story: {res['cluster']['largest']:.2f}")
    for k, (check, floor) in enumerate(checks):
        name, want = check.split("=")
        path = name.split(".")
        got = res[path[0]]
        for step in path[1:]:
            got = got[step]
        ok = got >= float(want) if floor else got <= float(want)
        print(f"{'ok' if ok else 'not ok'} {k + 2} - {name} {got:.3f} {'>=' if floor else '<='} {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
