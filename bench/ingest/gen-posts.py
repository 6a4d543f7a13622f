#!/usr/bin/env python3
"""bench/ingest/gen-posts.py - N realistic posts.jsonl lines, deterministic.

Usage: gen-posts.py [-n N] [--seed S] [--tags tags.yaml] > posts.jsonl

What the IGF 2012 stream looked like, at scale: Mastodon statuses from
many servers, Bluesky posts, blog and news feed items; several languages;
event, theme and session hashtags; and the shapes the store must fold:
boosts and reposts (repost_of), the same link shared with other words,
copies of the same text, reworded near-copies, and many different talks
in the same session. Every line has a distinct id, so an import of N lines
stores exactly N posts. Same arguments, same bytes (seeded random only).

With --tags, theme and session hashtags come from the ontology (read with
a regex: `- id:` lines and `hashtags: [..]` lists); otherwise a built-in
list in the shape of tags.yaml is used.
"""
import argparse
import json
import random
import re
import sys

BUILTIN = [  # (theme tag, [session tags])
    ("igfad", ["ws165", "ws80", "ws124"]),
    ("igfsec", ["ws73", "ws119", "ws145"]),
    ("igfopen", ["ws82", "ws86", "ws110"]),
    ("igfcir", ["ws64", "ws100", "ws155"]),
    ("igfeg", ["ws96", "ws133", "ws157"]),
    ("igfdev", ["ws59", "ws104", "ws169"]),
]

SUBJECTS = [
    "blocking and filtering", "child online protection", "cybersecurity norms",
    "multistakeholder governance", "IPv6 deployment", "internet exchange points",
    "freedom of expression online", "privacy and data protection", "spam and malware",
    "access in rural areas", "mobile broadband pricing", "local content",
    "domain names in local scripts", "enhanced cooperation", "net neutrality",
    "cloud computing", "critical internet resources", "youth participation",
    "disability and accessibility", "open data in government", "human rights online",
    "the WCIT treaty talks", "capacity building", "remote participation",
]
SPEAKERS = [
    "the Minister", "a civil society panelist", "the ISOC speaker", "a Kenyan delegate",
    "the Google representative", "the ITU speaker", "a Brazilian researcher",
    "the moderator", "a youth delegate", "an Indian journalist", "the EU commissioner",
    "a remote hub in Nairobi", "a remote participant from Bangladesh",
]
VERBS = [
    "argued that", "warned that", "asked whether", "pointed out that", "insisted that",
    "suggested that", "reminded the room that", "showed data that",
]
CLAIMS = [
    "filtering at the DNS level breaks more than it fixes",
    "governments cannot do this alone",
    "the next billion users will come online on mobile phones",
    "transparency reports should be the norm for every operator",
    "local hosting keeps prices down and content close",
    "capacity building must reach small island states",
    "open standards are what made the internet work",
    "human rights apply online as they do offline",
    "IPv6 adoption is still far too slow in the region",
    "remote participation made this session truly global",
    "children need digital literacy more than blocking",
    "the multistakeholder model needs more developing-country voices",
    "cybercrime laws are often used against journalists",
    "internet exchange points cut latency and cost",
]
OTHER_LANG = [
    ("fr", "La session sur {s} a montré que {c}."),
    ("es", "En la sesión sobre {s}, {p} dijo que {c}."),
    ("ru", "На сессии о {s} говорили, что {c}."),
    ("az", "{s} sessiyasında maraqlı müzakirə oldu."),
    ("ar", "في جلسة {s} قال المتحدث إن {c}."),
    ("pt", "Na sessão sobre {s}, {p} disse que {c}."),
    ("zh", "关于{s}的会议非常精彩。"),
]
SERVERS = ["mastodon.social", "chaos.social", "fosstodon.org", "mas.to", "hachyderm.io",
           "mastodon.online", "social.coop", "infosec.exchange", "mstdn.jp", "eupolicy.social"]
BLOGS = ["https://blog.diplomacy.edu/feed", "https://www.apc.org/rss", "https://isoc.org/feed",
         "https://news.example.az/rss", "https://cdt.org/feed", "https://eff.org/rss",
         "https://igfwatch.org/atom", "https://remote-hubs.net/feed.json"]
NEWS_HOSTS = ["www.apc.org", "isoc.org", "cdt.org", "www.eff.org", "news.example.az",
              "igfwatch.org", "www.diplomacy.edu", "www.article19.org"]
FIRST = ["Ana", "Bilal", "Chen", "Dmitri", "Esra", "Fatima", "Gabriel", "Hiro", "Ines",
         "Jamal", "Kofi", "Leila", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rana",
         "Sven", "Tariq", "Uzma", "Vera", "Wei", "Ximena", "Yusuf", "Zeynep"]
LAST = ["Aliyev", "Brown", "Costa", "Diallo", "Eriksen", "Fernandes", "Gupta", "Haddad",
        "Ivanova", "Johnson", "Kimura", "Lopez", "Mensah", "Nguyen", "Okafor", "Petrov"]


def load_tags(path):
    themes, cur = [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^  - id:\s*(\S+)", line)
        if m:
            cur = (m.group(1), [])
            themes.append(cur)
            continue
        m = re.match(r"^\s+hashtags:\s*\[([^\]]*)\]", line)
        if m and cur is not None:
            tags = [t.strip().strip("'\"") for t in m.group(1).split(",") if t.strip()]
            indent = len(line) - len(line.lstrip())
            if indent <= 4 and tags:
                cur[1].insert(0, tags[0])       # theme hashtag first
            elif tags:
                cur[1].append(tags[0])
    out = []
    for _, tags in themes:
        if tags:
            out.append((tags[0], tags[1:] or [tags[0]]))
    return out or BUILTIN


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--tags")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    onto = load_tags(a.tags) if a.tags else BUILTIN
    start = 1352178000  # 2012-11-06T05:00:00Z, Baku morning
    days = 4
    users = [(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", f"u{i}", rnd.choice(SERVERS))
             for i in range(max(50, a.n // 8))]
    out = sys.stdout
    made = []  # (id, url, text, lang, tags, t) of earlier originals, for copies
    iso = lambda t: __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(t))
    for i in range(a.n):
        t = start + int(i * days * 86400 / a.n) + rnd.randint(0, 600)
        theme, sessions = rnd.choice(onto)
        session = rnd.choice(sessions)
        kind = rnd.random()
        name, handle, server = rnd.choice(users)
        src = f"mastodon:{server}"
        pid = f"https://{server}/users/{handle}/statuses/{10**17 + i}"
        url = f"https://{server}/@{handle}/{10**17 + i}"
        post = {"id": pid, "source": src, "url": url, "author": name,
                "published": iso(t)}
        if kind < 0.15 and made:              # boost / repost of a recent original
            o = made[-rnd.randint(1, min(len(made), 200))]
            post["repost_of"] = o[0]
            post["text"] = o[2]
            post["lang"] = o[3]
            post["tags"] = o[4]
        elif kind < 0.20 and made:            # the same link, other words
            o = made[-rnd.randint(1, min(len(made), 200))]
            post["url"] = o[1] + "?utm_source=mastodon&utm_medium=social"
            post["text"] = (f"Worth reading: {rnd.choice(SUBJECTS)} at #igf2012, "
                            f"{rnd.choice(SPEAKERS)} {rnd.choice(VERBS)} {rnd.choice(CLAIMS)}.")
            post["lang"] = "en"
            post["tags"] = o[4]
        elif kind < 0.25 and made:            # a copy of the same text, elsewhere
            o = made[-rnd.randint(1, min(len(made), 200))]
            post["source"] = "bluesky"
            post["id"] = f"at://did:plc:{handle}{i}/app.bsky.feed.post/{i:012d}"
            post["url"] = f"https://bsky.app/profile/{handle}.bsky.social/post/{i:012d}"
            post["text"] = o[2]
            post["lang"] = o[3]
            post["tags"] = o[4]
        elif kind < 0.30 and made:            # a reworded near-copy
            o = made[-rnd.randint(1, min(len(made), 200))]
            words = o[2].split(" ")
            if len(words) > 6:
                j = rnd.randint(1, len(words) - 2)
                words[j] = rnd.choice(["really", "clearly", "also", "again", "today"])
            post["text"] = "RT " + " ".join(words)
            post["lang"] = o[3]
            post["tags"] = o[4]
        else:                                 # an original report
            subj = rnd.choice(SUBJECTS)
            tags = ["igf2012", theme, session]
            if rnd.random() < 0.12:
                lang, tpl = rnd.choice(OTHER_LANG)
                text = tpl.format(s=subj, p=rnd.choice(SPEAKERS), c=rnd.choice(CLAIMS))
            else:
                lang = "en"
                text = (f"At the {subj} session {rnd.choice(SPEAKERS)} {rnd.choice(VERBS)} "
                        f"{rnd.choice(CLAIMS)}. {rnd.choice(SPEAKERS).capitalize()} "
                        f"{rnd.choice(VERBS)} {rnd.choice(CLAIMS)}.")
            text += " " + " ".join("#" + x for x in tags)
            if rnd.random() < 0.25:           # a blog or news item instead
                host = rnd.choice(NEWS_HOSTS)
                post["source"] = rnd.choice(BLOGS)
                post["id"] = f"https://{host}/2012/11/igf-{subj.replace(' ', '-')}-{i}"
                post["url"] = post["id"]
                post["title"] = f"IGF 2012: {subj}"
                text = text + " " + f"Notes from day {1 + (t - start) // 86400} in Baku."
            post["text"] = text
            post["lang"] = lang
            post["tags"] = tags
            made.append((post["id"], post["url"], text, lang, tags, t))
            if len(made) > 5000:
                del made[:1000]
        out.write(json.dumps(post, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
