#!/usr/bin/python3
"""bench/parse/genfeed.py - deterministic feed generator for bench/parse/run.

Writes realistic RSS 2.0 or Atom 1.0 feeds: titles from a word list,
descriptions with some HTML and character/entity references, categories,
dates, guids, the occasional enclosure. The same seed always gives the
same bytes, so figures from different runs compare the same input.

    genfeed.py rss|atom ITEMS SEED OUT          one feed
    genfeed.py small COUNT ITEMS SEED OUTDIR    COUNT small feeds (rss and atom mixed)

Prints nothing; the caller measures the files it gets.
"""
import random
import sys
import os

WORDS = (
    "festival stage concert crowd rain delay ticket lineup headliner river "
    "bridge march protest council vote election results count polling "
    "station queue volunteers medics shuttle bus tram closure detour police "
    "statement update live report photo video interview mayor minister "
    "storm warning flood evacuation shelter school hospital power outage "
    "restored market harbour ferry airport runway strike union talks "
    "agreement marathon finish record athletes weather heat water "
    "sponsor parade fireworks midnight square north south east west gate "
    "opening ceremony closing night day morning evening weekend city "
    "district village county region"
).split()
NAMES = ("Ana Costa", "Ben Okafor", "Chloé Martin", "Dmitri Volkov",
         "Eun-ji Park", "Farah Haddad", "Gustav Berg", "Hana Sato",
         "Ines Duarte", "Jonas Weiß")
TAGS = ("news", "live", "weather", "transport", "music", "politics",
        "sport", "culture", "safety", "traffic", "photo", "video",
        "#event2026", "Île-de-France", "Zürich")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec")
ENTS = ("&amp;", "&lt;", "&gt;", "&quot;", "&#8217;", "&#x2014;", "&#233;")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sentence(r, lo, hi):
    w = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
    w[0] = w[0].capitalize()
    return " ".join(w)


def title(r):
    t = sentence(r, 4, 11)
    if r.random() < 0.2:
        t += " " + r.choice(ENTS) + " " + r.choice(WORDS)
    if r.random() < 0.1:
        t += " – " + r.choice(NAMES)
    return t


def html_body(r, target):
    """An HTML fragment (markup as text) of about target bytes."""
    parts = []
    size = 0
    while size < target:
        s = sentence(r, 8, 22)
        x = r.random()
        if x < 0.15:
            s += ' <a href="https://example.org/%s/%d?ref=feed&amp;x=1">%s</a>' % (
                r.choice(WORDS), r.randint(1, 99999), r.choice(WORDS))
        elif x < 0.3:
            s += " <b>%s</b> <em>%s</em>" % (r.choice(WORDS), r.choice(WORDS))
        elif x < 0.4:
            s += " " + r.choice(ENTS) + " " + r.choice(WORDS)
        elif x < 0.45:
            s += ' <img src="https://img.example.org/%d.jpg" alt="%s"/>' % (
                r.randint(1, 99999), r.choice(WORDS))
        p = "<p>" + s + ".</p>"
        parts.append(p)
        size += len(p)
    return "\n".join(parts)


def rfc822(r):
    return "%s, %02d %s %d %02d:%02d:%02d %s" % (
        r.choice(DAYS), r.randint(1, 28), r.choice(MONTHS), r.randint(2019, 2026),
        r.randint(0, 23), r.randint(0, 59), r.randint(0, 59),
        r.choice(("+0000", "GMT", "-0500", "+0200", "EST")))


def iso(r):
    return "%d-%02d-%02dT%02d:%02d:%02d%s" % (
        r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28),
        r.randint(0, 23), r.randint(0, 59), r.randint(0, 59),
        r.choice(("Z", "+02:00", "-05:00")))


def rss(r, n, body):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
           '<title>Rapporteur bench &amp; feed</title>\n'
           '<link>https://example.org/</link>\n'
           '<description>Generated for bench/parse</description>\n'
           '<atom:link href="https://example.org/feed.xml" rel="self" type="application/rss+xml"/>\n']
    for i in range(n):
        it = ["<item>\n<title>%s</title>\n" % esc(title(r)),
              "<link>https://example.org/%d/%s</link>\n" % (i, r.choice(WORDS)),
              '<guid isPermaLink="false">urn:uuid:%08x-%04x-%04x</guid>\n' % (
                  r.getrandbits(32), r.getrandbits(16), i & 0xffff),
              "<pubDate>%s</pubDate>\n" % rfc822(r)]
        if r.random() < 0.5:
            it.append("<dc:creator>%s</dc:creator>\n" % esc(r.choice(NAMES)))
        else:
            it.append("<author>%s@example.org (%s)</author>\n" % (
                r.choice(WORDS), esc(r.choice(NAMES))))
        for t in r.sample(TAGS, r.randint(1, 4)):
            it.append("<category>%s</category>\n" % esc(t))
        h = html_body(r, r.randint(body // 2, body * 3 // 2))
        if r.random() < 0.3:
            it.append("<description><![CDATA[%s]]></description>\n" % h)
        else:
            it.append("<description>%s</description>\n" % esc(h))
        if r.random() < 0.1:
            it.append('<enclosure url="https://media.example.org/%d.mp3" '
                      'length="%d" type="audio/mpeg"/>\n' % (i, r.randint(1000, 99999999)))
        it.append("</item>\n")
        out.append("".join(it))
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom(r, n, body):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n'
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
           '<title type="text">Rapporteur bench &amp; feed</title>\n'
           '<link rel="alternate" type="text/html" href="https://example.org/"/>\n'
           '<link rel="self" href="https://example.org/atom.xml"/>\n'
           '<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>\n'
           '<updated>2026-11-25T12:00:00Z</updated>\n']
    for i in range(n):
        it = ["<entry>\n<title type=\"html\">%s</title>\n" % esc(esc(title(r))),
              '<link rel="alternate" type="text/html" href="https://example.org/%d/%s"/>\n' % (
                  i, r.choice(WORDS)),
              "<id>tag:example.org,2026:%d-%08x</id>\n" % (i, r.getrandbits(32)),
              "<published>%s</published>\n<updated>%s</updated>\n" % (iso(r), iso(r)),
              "<author><name>%s</name><email>%s@example.org</email></author>\n" % (
                  esc(r.choice(NAMES)), r.choice(WORDS))]
        for t in r.sample(TAGS, r.randint(1, 4)):
            it.append('<category term="%s"/>\n' % esc(t).replace('"', "&quot;"))
        h = html_body(r, r.randint(body // 2, body * 3 // 2))
        if r.random() < 0.7:
            it.append('<summary type="html">%s</summary>\n' % esc(h))
        else:
            it.append('<content type="html">%s</content>\n' % esc(h))
        if r.random() < 0.1:
            it.append('<link rel="enclosure" href="https://media.example.org/%d.mp3" '
                      'length="%d" type="audio/mpeg"/>\n' % (i, r.randint(1000, 99999999)))
        it.append("</entry>\n")
        out.append("".join(it))
    out.append("</feed>\n")
    return "".join(out)


def main(argv):
    if len(argv) == 5 and argv[1] in ("rss", "atom"):
        kind, n, seed, path = argv[1], int(argv[2]), int(argv[3]), argv[4]
        r = random.Random(seed)
        doc = (rss if kind == "rss" else atom)(r, n, 520 if kind == "rss" else 450)
        with open(path, "wb") as f:
            f.write(doc.encode("utf-8"))
        return 0
    if len(argv) == 6 and argv[1] == "small":
        count, n, seed, d = int(argv[2]), int(argv[3]), int(argv[4]), argv[5]
        os.makedirs(d, exist_ok=True)
        for k in range(count):
            r = random.Random(seed * 100003 + k)
            kind = "atom" if k % 4 == 3 else "rss"
            doc = (rss if kind == "rss" else atom)(r, n, 500)
            with open(os.path.join(d, "f%03d.xml" % k), "wb") as f:
                f.write(doc.encode("utf-8"))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
