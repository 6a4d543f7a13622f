#!/usr/bin/env python3
"""tests/cluster/gen_posts.py - N realistic posts for the speed benchmark.

    gen_posts.py [N] [GOLD] > posts.jsonl   (default 100000; deterministic)

With GOLD, also write the truth there, one line per post in the same
order, in the form tests/cluster/score.py reads: {"id","dup","cluster"},
dup the first post of its copy chain (repost, cross-post, edit), cluster
the first post of the story it was written about.

Four event days; about one story per 50 posts, each with its own topic
words (names, numbers, terms) drawn over a shared event vocabulary, so
stories overlap in words the way talks of one forum do. Of the posts,
about 30% are boosts/reposts (repost_of), 8% cross-posts of the same
text, 8% light edits of an earlier post, the rest new reports in the
author's own words; 20% carry a link, 10% are in Russian, Spanish or
Chinese. Lengths 8-60 words, like Mastodon and Bluesky posts.
"""
import json
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
GOLD = open(sys.argv[2], "w", encoding="utf-8") if len(sys.argv) > 2 else None
rng = random.Random(100000)

COMMON = ("the a of to in and for on at is that with by from this as are be it was "
          "we they said says will new more about after session panel forum internet "
          "governance people online access rights open data policy government users "
          "countries development security privacy freedom debate speaker today room "
          "workshop main question report network mobile digital global local public").split()
TOPIC = ("ipv6 ipv4 dnssec icann gtld itu wcit itrs cybercrime budapest convention "
         "encryption tor filtering blocking censorship journalists bloggers youth gender "
         "accessibility disability multilingual idn unesco oecd broadband fibre ixp "
         "spam mobile money mpesa cloud jurisdiction retention neutrality zero rating "
         "children protection education openness transparency multistakeholder "
         "enhanced cooperation mandate secretariat funding remote hubs participation "
         "kenya brazil india sweden russia china egypt tunisia azerbaijan indonesia "
         "bali baku dubai geneva tunis nairobi").split()
NAMES = ("cerf kroes bildt toure kramer abbasov hongbo kummer doria dutton gross "
         "akplogan beckstrom chehade kleinwachter mueller drake maclean hill "
         "nzeze ojedokun sepulveda rebecca rafael nnenna").split()
RU = "форум интернет управление безопасность свобода доступ данные журналисты блогеры сессия".split()
ES = "foro internet gobernanza seguridad libertad acceso datos periodistas sesión jóvenes".split()
ZH = ["互联网", "治理", "论坛", "安全", "自由", "接入", "数据", "记者", "会议", "青年"]
TAGS = ["#IGF2012", "#igf12", "#ws165", "#IG4D", "#SOP", "#access", "#WCIT", "#IPv6"]
HOSTS = ["mastodon.social", "chaos.social", "mstdn.io", "social.coop", "mastodon.africa"]
T0 = 1352160000  # 2012-11-06T00:00:00Z

stories = []


def new_story(t):
    words = rng.sample(TOPIC, 4) + rng.sample(NAMES, 2) + [str(rng.randint(2, 2000))]
    stories.append({"t": t, "words": words, "tag": rng.choice(TAGS[2:]),
                    "link": f"https://news{rng.randint(1, 40)}.example/2012/11/{rng.getrandbits(40):x}"
                    if rng.random() < 0.4 else None, "posts": [], "head": None})
    return stories[-1]


def text_for(s):
    lang = rng.random()
    n = rng.randint(8, 60)
    words = []
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            words.append(rng.choice(s["words"]))
        elif lang < 0.04:
            words.append(rng.choice(RU))
        elif lang < 0.07:
            words.append(rng.choice(ES))
        elif lang < 0.10:
            words.append(rng.choice(ZH))
        else:
            words.append(rng.choice(COMMON))
    words[0] = words[0].capitalize()
    text = " ".join(words) + ". " + s["tag"] + " #IGF2012"
    if s["link"] and rng.random() < 0.5:
        text += " " + s["link"] + ("?utm_source=tw" if rng.random() < 0.3 else "")
    return text


t = T0 + 5 * 3600
out = sys.stdout
live = []
for i in range(N):
    t += rng.randint(0, 6)           # ~100k posts over about four days
    if not live or rng.random() < 0.02:
        live.append(new_story(t))
        live = live[-60:]           # stories being talked about now
    s = rng.choice(live)
    user = f"user{rng.randint(1, 20000)}"
    host = rng.choice(HOSTS)
    pid = f"https://{host}/users/{user}/statuses/{10**17 + i}"
    r = rng.random()
    p = {"id": pid, "source": f"mastodon:{host}", "author": f"@{user}@{host}",
         "published": t}
    dup = None
    if s["posts"] and r < 0.30:
        orig = rng.choice(s["posts"])
        dup = orig["_dup"]
        p["id"] = pid + "/activity"
        p["repost_of"] = orig["id"]
        p["text"] = orig["text"]
    elif s["posts"] and r < 0.38:
        orig = rng.choice(s["posts"])
        p["id"] = f"at://did:plc:{user}/app.bsky.feed.post/{i:x}"
        p["source"] = "bluesky"
        p["text"] = orig["text"].split(" #")[0]
        dup = orig["_dup"]
    elif s["posts"] and r < 0.46:
        orig = rng.choice(s["posts"])
        w = orig["text"].split(" ")
        for _ in range(rng.randint(1, 3)):
            w[rng.randrange(len(w))] = rng.choice(COMMON)
        p["text"] = " ".join(w)
        dup = orig["_dup"]
    else:
        p["text"] = text_for(s)
    if s["link"] and rng.random() < 0.2:
        p["links"] = [s["link"]]
    if s["head"] is None:
        s["head"] = p["id"]
    if GOLD:
        GOLD.write(json.dumps({"id": p["id"], "dup": dup or p["id"], "cluster": s["head"]}) + "\n")
    s["posts"].append(dict(p, _dup=dup or p["id"]))
    if len(s["posts"]) > 50:
        s["posts"].pop(0)
    out.write(json.dumps(p, ensure_ascii=False) + "\n")
