#!/usr/bin/env python3
"""bench/tag/gen.py - synthetic input for the tagger benchmark.

gen.py ontology N OUT.yaml   an ontology of N concepts (themes of 10 sessions
                             each), 5 keywords per concept (1 to 3 words),
                             2 hashtags per concept; deterministic.
gen.py posts COUNT OUT.jsonl  COUNT posts of about 280 characters: filler
                             words, some keyword words, 1 to 3 hashtags.
The same seed gives the same files, so runs compare."""
import json
import random
import sys

FILLER = ("the of and to in a is that for on with as was at by an be this from or "
          "have are not but had they which you were all their one we can her has there "
          "been if more when will would who so no out up into do than only other new some "
          "could time these two may then first any my now such like our over man me even "
          "most made after also did many before must through back years where much your way "
          "well down should because each just those people mr how too little state good very "
          "make world still own see men work long get here between both life being under "
          "never day same another know while last might us great old year off come since "
          "against go came right used take three").split()


def word(rng, i):
    # pronounceable, distinct per index: keyword vocabulary
    cons = "bcdfghjklmnprstvz"
    vow = "aeiou"
    s = ""
    n = i
    for _ in range(3):
        s += cons[n % len(cons)] + vow[(n // len(cons)) % len(vow)]
        n //= len(cons) * len(vow)
    return s + str(i % 7)


def ontology(n, out):
    rng = random.Random(42)
    with open(out, "w") as f:
        f.write("event:\n  id: bench\n  name: Bench\n  hashtags: [bench2012, bench12]\n")
        f.write("themes:\n")
        k = 0
        themes = max(1, n // 11)
        made = 0
        for t in range(themes):
            if made >= n:
                break
            f.write(f"  - id: t{t}\n    name: \"Theme {t}\"\n")
            f.write(f"    hashtags: [theme{t}, th{t}x]\n")
            kws = []
            for _ in range(5):
                kws.append(" ".join(word(rng, k + j) for j in range(rng.randint(1, 3))))
                k += 3
            f.write("    keywords: [" + ", ".join(json.dumps(x) for x in kws) + "]\n")
            made += 1
            sessions = min(10, n - made)
            if sessions:
                f.write("    sessions:\n")
            for s in range(sessions):
                f.write(f"      - id: t{t}s{s}\n        name: \"Session {t}.{s}\"\n")
                f.write(f"        hashtags: [ws{t}x{s}, ses{t}y{s}]\n")
                kws = []
                for _ in range(5):
                    kws.append(" ".join(word(rng, k + j) for j in range(rng.randint(1, 3))))
                    k += 3
                f.write("        keywords: [" + ", ".join(json.dumps(x) for x in kws) + "]\n")
                made += 1


def posts(count, out):
    rng = random.Random(7)
    # keyword words drawn from the range a 1,000-concept ontology uses
    with open(out, "w") as f:
        for i in range(count):
            words = []
            length = 0
            while length < 240:
                r = rng.random()
                if r < 0.08:
                    w = word(rng, rng.randrange(15000))
                elif r < 0.10:
                    w = word(rng, rng.randrange(15000)).upper()
                else:
                    w = rng.choice(FILLER)
                words.append(w)
                length += len(w) + 1
            tags = []
            for _ in range(rng.randint(1, 3)):
                r = rng.random()
                if r < 0.4:
                    tags.append(rng.choice(["bench2012", "BENCH12", "Bench2012"]))
                elif r < 0.7:
                    t = rng.randrange(90)
                    tags.append(f"ws{t}x{rng.randrange(10)}")
                else:
                    tags.append(rng.choice(["netneutrality", "privacy", "ipv6", "NoFilter", "baku"]))
            text = " ".join(words)[:250] + " " + " ".join("#" + t for t in tags)
            f.write(json.dumps({"id": f"p{i}", "author": f"user{i % 5000}",
                                "text": text[:280], "lang": "en"}) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "ontology":
        ontology(int(sys.argv[2]), sys.argv[3])
    else:
        posts(int(sys.argv[2]), sys.argv[3])
