#!/usr/bin/env python3
"""bench/ingest/gen-posts.py - N realistic posts.jsonl lines, deterministic.

Usage: gen-posts.py [-n N] [--seed S] [--tags tags.yaml] [--gold FILE] [--mixed]
                    > posts.jsonl

What the IGF 2012 stream looked like, at scale: Mastodon statuses from
many servers, Bluesky posts, blog and news feed items; several languages;
event, theme and session hashtags; and the shapes the store must fold:
boosts and reposts (repost_of), the same link shared with other words,
copies of the same text, reworded near-copies, and many different talks
in the same session. Every line has a distinct id, so an import of N lines
stores exactly N posts. Same arguments, same bytes (seeded random only).

Reports are about talks: four days of six 90-minute slots, two talks per
theme in each, each talk with its session, its subject, three speakers
(named, with their organisation), four points (a claim, with a figure and
a country) and an initiative it keeps coming back to. A report is on a
talk that is on or ended less than three hours ago (at night, on one of
the day's last talks), in the reporter's own words around what was said;
one original in twenty is chatter about no talk. Subjects come back in talks
on other days and in other rooms, and talks of one slot share the event's
words, as at a forum. Boosts, copies and the same link keep the story and
tags of what they copy.

--gold FILE writes the truth, one line per post in the same order, as
tests/cluster/score.py reads it: {"id","dup","cluster"}, cluster the first
post about the same talk (a chatter post is a story of its own), dup the
original a boost, cross-post or reworded copy was made from. Only the
cluster truth is meant to be scored: reports of one point by two people
are often near-copies, which the store rightly folds.

--mixed makes the originals as before 2026-11-26: every report a random
mix of a subject, two claims and two speakers, with a random theme and
session. No story truth; a story then spreads over every index, the worst
case for the store's per-story work.

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
ORGS = ["ISOC", "ICANN", "ITU", "APC", "EFF", "Google", "UNESCO", "the EU Commission",
        "Article 19", "KICTANet", "CGI.br", "the OECD", "Access Now", "RIPE NCC", "AfriNIC"]
COUNTRIES = ["Kenya", "Brazil", "India", "Azerbaijan", "Indonesia", "Egypt", "Sweden",
             "Bangladesh", "Nigeria", "Mexico", "Pakistan", "Tunisia", "Chile", "Ghana",
             "Vietnam", "Colombia", "Nepal", "Senegal", "Peru", "Uganda"]
FACTS = ["of schools are online", "of users reach the internet by mobile",
         "of traffic stays local", "of sites were blocked last year",
         "of households can afford broadband", "of networks announce IPv6",
         "of complaints concern spam", "of officials use open data"]
SYLLABLES = ["ka", "vo", "nu", "ri", "ta", "mel", "so", "dan", "ae", "lin", "bo", "zu", "pe",
             "ra", "ki", "ton", "sha", "mi", "go", "le"]
OPENERS = ["At the {s} session", "In the {s} workshop", "Listening to the {s} panel:",
           "Now at {s}:", "From the {s} session,", "Packed room for {s}:"]
REMARKS = ["The {k} initiative came up again.", "Everyone is asking about the {k} project.",
           "Slides on the {k} programme are online.", "Good questions on {k} from the floor.",
           "The {k} pilot sounds promising.", "Not convinced by the {k} plan yet."]
# A reporter's own words around what was said.
OWN = ("honestly strong point key takeaway worth noting big debate here sharp question "
       "from audience clearly needed more data less talk real progress finally someone "
       "said it crowd agrees mixed reactions room divided important nuance missing voices "
       "practical steps next year follow up long overdue bold claim fair concern good "
       "example local context global picture striking numbers small steps big picture "
       "loud applause quiet room tough questions policy makers listening civil society "
       "pushback industry view academic angle youth voice remote voices").split()
CHATTER = [  # start, middle, end: chatter about no talk, seldom twice the same
    ["Long queue for coffee", "Lunch with colleagues from {c}", "Met {n} again",
     "The wifi is holding up", "Heading to day {d}", "Lost in the venue corridors",
     "Our remote hub in {c} is full", "Finally some sleep", "Badge pickup took an hour",
     "Dinner with {n}", "Photos from the {c} booth"],
    ["at #igf2012", "here in Baku", "at the forum", "between sessions", "this morning",
     "after the main session", "tonight", "in the exhibition hall", "with {n}"],
    ["", "worth it.", "see you there!", "so many parallel tracks.", "thanks {n}!",
     "what a week.", "photos later.", "who else is here?", "more tomorrow."],
]
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
    ap.add_argument("--gold")
    ap.add_argument("--mixed", action="store_true")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    onto = load_tags(a.tags) if a.tags else BUILTIN
    start = 1352178000  # 2012-11-06T05:00:00Z, Baku morning
    days = 4
    users = [(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", f"u{i}", rnd.choice(SERVERS))
             for i in range(max(50, a.n // 8))]
    out = sys.stdout
    gold = open(a.gold, "w", encoding="utf-8") if a.gold else None
    talks = []
    slot_s = 5400
    trnd = random.Random(a.seed + 1)   # its own stream: --mixed makes the same bytes as before
    for d in range(days):
        for k in range(6):
            t0 = start + d * 86400 + k * slot_s
            for theme, sessions in onto:
                for _ in range(2):
                    talks.append({
                        "start": t0, "end": t0 + slot_s, "theme": theme,
                        "session": trnd.choice(sessions), "subject": trnd.choice(SUBJECTS),
                        "key": "".join(trnd.choice(SYLLABLES) for _ in range(3)).capitalize(),
                        "speakers": [f"{trnd.choice(FIRST)} {trnd.choice(LAST)} of {trnd.choice(ORGS)}"
                                     for _ in range(3)],
                        "points": [f"{trnd.choice(CLAIMS)} ({trnd.randint(4, 96)}% "
                                   f"{trnd.choice(FACTS)} in {trnd.choice(COUNTRIES)})"
                                   for _ in range(4)],
                        "head": None})
    # (id, url, text, lang, tags, t, story, dup) of earlier originals, for copies;
    # story: the talk (a dict) or, for chatter and --mixed, the post's own id
    made = []
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
        story = dup = None
        if kind < 0.15 and made:              # boost / repost of a recent original
            o = made[-rnd.randint(1, min(len(made), 200))]
            story, dup = o[6], o[7]
            post["repost_of"] = o[0]
            post["text"] = o[2]
            post["lang"] = o[3]
            post["tags"] = o[4]
        elif kind < 0.20 and made:            # the same link, other words
            o = made[-rnd.randint(1, min(len(made), 200))]
            story = o[6]
            post["url"] = o[1] + "?utm_source=mastodon&utm_medium=social"
            if isinstance(story, dict):
                post["text"] = (f"Worth reading: {story['subject']} at #igf2012, "
                                f"{rnd.choice(story['speakers'])} {rnd.choice(VERBS)} "
                                f"{rnd.choice(story['points'])}.")
            else:
                post["text"] = (f"Worth reading: {rnd.choice(SUBJECTS)} at #igf2012, "
                                f"{rnd.choice(SPEAKERS)} {rnd.choice(VERBS)} {rnd.choice(CLAIMS)}.")
            post["lang"] = "en"
            post["tags"] = o[4]
        elif kind < 0.25 and made:            # a copy of the same text, elsewhere
            o = made[-rnd.randint(1, min(len(made), 200))]
            story, dup = o[6], o[7]
            post["source"] = "bluesky"
            post["id"] = f"at://did:plc:{handle}{i}/app.bsky.feed.post/{i:012d}"
            post["url"] = f"https://bsky.app/profile/{handle}.bsky.social/post/{i:012d}"
            post["text"] = o[2]
            post["lang"] = o[3]
            post["tags"] = o[4]
        elif kind < 0.30 and made:            # a reworded near-copy
            o = made[-rnd.randint(1, min(len(made), 200))]
            story, dup = o[6], o[7]
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
            now = [k for k in talks if k["start"] <= t <= k["end"] + 3 * 3600]
            if not now:                       # at night: the day's last talks
                now = [k for k in talks if k["start"] <= t][-12:]
            if a.mixed:
                if rnd.random() < 0.12:
                    lang, tpl = rnd.choice(OTHER_LANG)
                    text = tpl.format(s=subj, p=rnd.choice(SPEAKERS), c=rnd.choice(CLAIMS))
                else:
                    lang = "en"
                    text = (f"At the {subj} session {rnd.choice(SPEAKERS)} {rnd.choice(VERBS)} "
                            f"{rnd.choice(CLAIMS)}. {rnd.choice(SPEAKERS).capitalize()} "
                            f"{rnd.choice(VERBS)} {rnd.choice(CLAIMS)}.")
                text += " " + " ".join("#" + x for x in tags)
            elif not now or rnd.random() < 0.05:
                lang = "en"
                who = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
                text = " ".join(x for x in (rnd.choice(part) for part in CHATTER) if x)
                text = text.format(c=rnd.choice(COUNTRIES), n=who, d=1 + (t - start) // 86400)
                text += " " + " ".join(rnd.sample(OWN, rnd.randint(3, 6))).capitalize() + "."
                text += " #igf2012"
                tags = ["igf2012"]
            else:
                story = rnd.choice(now)
                subj = story["subject"]
                tags = list(dict.fromkeys(["igf2012", story["theme"], story["session"]]))
                who = rnd.choice(story["speakers"])
                point = rnd.choice(story["points"])
                if rnd.random() < 0.12:
                    lang, tpl = rnd.choice(OTHER_LANG)
                    text = tpl.format(s=subj, p=who, c=point)
                    if "{c}" not in tpl:
                        text += f" {who}, {story['key']}."
                else:
                    lang = "en"
                    text = (f"{rnd.choice(OPENERS).format(s=subj)} {who} {rnd.choice(VERBS)} "
                            f"{point}.")
                    if rnd.random() < 0.5:
                        text += " " + rnd.choice(REMARKS).format(k=story["key"])
                    text += " " + " ".join(rnd.sample(OWN, rnd.randint(3, 8))).capitalize() + "."
                text += " " + " ".join("#" + x for x in tags)
            if not (story is None and not a.mixed and tags == ["igf2012"]) and rnd.random() < 0.25:
                host = rnd.choice(NEWS_HOSTS)     # a blog or news item instead
                post["source"] = rnd.choice(BLOGS)
                post["id"] = f"https://{host}/2012/11/igf-{subj.replace(' ', '-')}-{i}"
                post["url"] = post["id"]
                post["title"] = f"IGF 2012: {subj}"
                text = text + " " + f"Notes from day {1 + (t - start) // 86400} in Baku."
            post["text"] = text
            post["lang"] = lang
            post["tags"] = tags
            dup = post["id"]
            if story is None:
                story = post["id"]
            made.append((post["id"], post["url"], text, lang, tags, t, story, dup))
            if len(made) > 5000:
                del made[:1000]
        if gold:
            if isinstance(story, dict):
                if story["head"] is None:
                    story["head"] = post["id"]
                story = story["head"]
            gold.write(json.dumps({"id": post["id"], "dup": dup or post["id"],
                                   "cluster": story or post["id"]}) + "\n")
        out.write(json.dumps(post, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
