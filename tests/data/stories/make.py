#!/usr/bin/env python3
"""tests/data/stories/make.py - the labelled dedupe/story set for IGF 2012 Baku.

Writes posts.jsonl (what `rapporteur cluster --in` reads) and gold.jsonl
(one line per post, same order: {"id","dup","cluster"} with the gold dup
group and gold story). Deterministic: run it again and the files do not
change.

How the set is built. Every STORY below is one thing that happened at the
event (a talk, an announcement, a venue incident). It holds REPORTS: texts
written by people in their own words, by hand, in English, French,
Spanish, Russian, Arabic and Chinese. Each report is its own gold dup
group; all reports of a story are one gold story. A report then gets the
sightings the networks make of it, by the rules the networks follow:
  - boosts on other Mastodon servers (repost_of = the status uri),
  - Bluesky reposts (repost_of = the at-uri),
  - the author's cross-post of the same text to Bluesky (hashtags dropped,
    cut to 300 characters) and to a blog (a title, the text, a longer
    paragraph of the author's own words after it),
  - old-style "RT @author: text" copies,
  - hand-written light edits ("variants": a fixed typo, a word changed,
    a clause added), which are near-duplicates and so the same dup group.
Posts that share a link but say different things in their own words are
separate reports of the same story (same cluster, different dup). Talks of
one session are separate stories even though they share the session
hashtag. The rules above are the gold; the engine never sees this file.
"""
import json
import os
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(2012)

HOSTS = ["mastodon.social", "chaos.social", "mstdn.io", "social.coop", "eupolicy.social",
         "mastodon.africa", "mastodon.online", "fosstodon.org"]
NAMES = ["aygun", "leyla", "rashad", "emin", "nigar", "tural", "olga", "dmitri", "fatima",
         "karim", "amina", "youssef", "lucia", "mateo", "camille", "julien", "wei", "lin",
         "jiahui", "priya", "arjun", "grace", "kwame", "ngozi", "sam", "maria", "tomas",
         "ines", "pablo", "sofia", "hassan", "mariam", "ivan", "anya", "chen", "mei",
         "daniel", "sarah", "peter", "anna", "jonas", "elif", "murat", "zeynep", "farid"]

T0 = datetime(2012, 11, 6, 0, 0, tzinfo=timezone.utc)


def at(day, hhmm):
    h, m = hhmm.split(":")
    # Baku is UTC+4; the programme times below are local.
    return T0 + timedelta(days=day - 6, hours=int(h) - 4, minutes=int(m))


class R:
    """One report: a text in its author's own words."""

    def __init__(self, text, net="mastodon", boosts=0, bsky=False, blog=None, rt=0,
                 variants=(), link=None, lang="en", title=None, delay=None):
        self.text, self.net, self.boosts, self.bsky = text, net, boosts, bsky
        self.blog, self.rt, self.variants, self.link = blog, rt, list(variants), link
        self.lang, self.title, self.delay = lang, title, delay


class S:
    def __init__(self, key, day, hhmm, reports, spread=90):
        self.key, self.t, self.reports, self.spread = key, at(day, hhmm), reports, spread


STORIES = [
# ---- Tuesday 6 November: opening, IG4D ----
S("opening-theme", 6, "10:00", [
    R("The 7th Internet Governance Forum opens in Baku under the theme \"Internet Governance for Sustainable Human, Economic and Social Development\". 1,600 participants from 128 countries. #IGF2012",
      boosts=3, bsky=True, variants=["The 7th Internet Governance Forum has opened in Baku under the theme \"Internet Governance for Sustainable Human, Economic and Social Development\". About 1,600 participants from 128 countries. #IGF2012"]),
    R("Seventh IGF kicks off in Baku today: sustainable human, economic and social development is the theme, 128 countries registered #igf12", net="bluesky", boosts=1),
    R("Le 7e Forum sur la gouvernance de l'Internet s'ouvre à Bakou : 1 600 participants de 128 pays, thème du développement humain, économique et social durable. #IGF2012", lang="fr", boosts=1),
    R("Открылся седьмой Форум по управлению интернетом в Баку: 1600 участников из 128 стран. #IGF2012", lang="ru", boosts=1),
    R("انطلاق منتدى حوكمة الإنترنت السابع في باكو بمشاركة 1600 مشارك من 128 دولة #IGF2012", lang="ar"),
], spread=60),
S("opening-un-message", 6, "10:20", [
    R("UN Under-Secretary-General Wu Hongbo reads the Secretary-General's message at the #IGF2012 opening: the internet must remain a force for development and an open space for all.",
      boosts=2, rt=1, bsky=True,
      variants=["UN official Wu Hongbo delivers Ban Ki-moon's message at the IGF opening in Baku: the internet must remain a force for development, open to all. #IGF2012", "UN official Wu Hongbo delivered Ban Ki-moon's message at the opening of the IGF in Baku, saying the internet must remain a force for development and be open to all."]),
    R("Wu Hongbo (UN DESA) at the opening ceremony: Ban Ki-moon's message says multistakeholder dialogue at the IGF has made the internet more inclusive #igf2012", boosts=1),
    R("联合国副秘书长吴红波在巴库互联网治理论坛开幕式上宣读秘书长致辞：互联网应继续成为促进发展的开放空间。#IGF2012", lang="zh", boosts=1),
]),
S("opening-azerbaijan-minister", 6, "10:45", [
    R("Azerbaijan's ICT minister Ali Abbasov at the #IGF2012 opening: 65% of Azerbaijanis are online and broadband reaches every district by 2013.",
      boosts=2, variants=["Azerbaijan's ICT minister Ali Abbasov at the #IGF2012 opening: 65 percent of Azerbaijanis are online, and broadband will reach every district by 2013."]),
    R("Minister Abbasov says internet penetration in Azerbaijan is 65 per cent, promises broadband in all regions next year. Bold numbers. #IGF2012", net="bluesky", boosts=1),
    R("Министр связи Азербайджана Али Аббасов: интернетом пользуются 65% населения, к 2013 году широкополосный доступ будет во всех районах. #IGF2012", lang="ru", boosts=2),
]),
S("ig4d-mobile-money", 6, "14:30", [
    R("IG4D main session: Kenyan panelist explains how M-Pesa mobile money reached 15 million users before most Kenyans had a bank account. Regulation followed, it did not lead. #IGF2012 #IG4D",
      boosts=2, bsky=True, rt=1),
    R("Great point in the development session: mobile payments in East Africa grew because the regulator waited and watched. Lesson for others? #IG4D", boosts=1),
    R("Session IG4D : l'exemple kényan de M-Pesa montre que le paiement mobile peut précéder la banque. La régulation a suivi. #IGF2012", lang="fr"),
], spread=60),
S("ig4d-undersea-cables", 6, "15:10", [
    R("IG4D: landlocked countries pay up to ten times more for international bandwidth than coastal ones. Cross-border fibre and IXPs are the fix, says the ITU speaker. #IGF2012 #IG4D",
      boosts=2, variants=["IG4D: landlocked countries pay up to 10x more for international bandwidth than coastal ones. Cross-border fibre and local IXPs are the fix, says the ITU speaker. #IGF2012 #IG4D"]),
    R("Bandwidth for landlocked developing countries costs many times what coastal neighbours pay; the panel wants regional fibre backbones and exchange points #IG4D", net="bluesky"),
    R("En el panel de desarrollo: los países sin litoral pagan hasta diez veces más por el ancho de banda internacional. Piden fibra transfronteriza e IXP. #IGF2012", lang="es", boosts=1),
], spread=60),
S("remote-hubs", 6, "12:30", [
    R("47 remote hubs are following #IGF2012 today, from Dhaka to Bogotá. Remote participants can ask questions in every main session through the moderators.",
      boosts=3, bsky=True),
    R("Remote participation at the IGF: 47 hubs registered worldwide, questions go through the remote moderator. Nice to see Bogotá and Dhaka online. #IGF2012", boosts=1),
    R("Hub remoto en Bogotá conectado al IGF de Bakú. Somos 30 personas siguiendo la sesión de apertura. #IGF2012", lang="es", boosts=2),
], spread=180),
S("wifi-outage", 6, "11:30", [
    R("The Wi-Fi at Baku Expo Center just went down for the whole conference hall. An internet governance forum without internet. #IGF2012",
      boosts=4, rt=2, variants=["The Wi-Fi at Baku Expo Center just went down in the whole conference hall. An Internet Governance Forum without internet... #IGF2012"]),
    R("Network outage in the main hall, everyone on 3G now. The irony writes itself #igf2012", net="bluesky", boosts=2),
    R("Wi-Fi back at the venue after about 40 minutes. Organisers say an access controller failed under load. #IGF2012", boosts=1),
    R("Le Wi-Fi est tombé en panne dans la grande salle du forum à Bakou. Ironique pour un forum sur l'Internet. #IGF2012", lang="fr"),
], spread=50),
S("hr-groups-jailed-journalists", 6, "13:00", [
    R("Human rights groups at #IGF2012 call on Azerbaijan to free jailed journalists and bloggers. Reporters Without Borders counts eight media workers behind bars.",
      boosts=4, bsky=True, link="https://rsf.org/en/news/azerbaijan-igf-2012-host-country-jails-journalists",
      variants=["Human rights groups at #IGF2012 call on Azerbaijan to release jailed journalists and bloggers. Reporters Without Borders counts eight media workers in prison."]),
    R("RSF report out during the forum: the host country holds eight journalists and bloggers in prison. Read it: https://rsf.org/en/news/azerbaijan-igf-2012-host-country-jails-journalists #IGF2012",
      link="https://rsf.org/en/news/azerbaijan-igf-2012-host-country-jails-journalists", boosts=2),
    R("Strong statement by Article 19 and Human Rights House at the IGF: internet freedom in Baku means freeing the bloggers arrested for their posts. #IGF2012", boosts=1),
    R("Правозащитники на IGF в Баку призвали власти Азербайджана освободить заключённых журналистов и блогеров. #IGF2012", lang="ru", boosts=1),
    R("منظمات حقوق الإنسان في منتدى حوكمة الإنترنت تطالب أذربيجان بالإفراج عن الصحفيين والمدونين المعتقلين #IGF2012", lang="ar"),
], spread=240),
S("ws-blocking-filtering-turkey", 6, "16:30", [
    R("Workshop 165 on blocking and filtering: a Turkish lawyer shows that 20,000 websites are blocked by court orders and administrative decisions, YouTube for two years. #IGF2012 #ws165",
      boosts=2, bsky=True),
    R("In the filtering workshop, numbers from Turkey: over 20k sites blocked, most without a judge. Scary precedent #ws165", boosts=1),
], spread=40),
S("ws-blocking-filtering-dns", 6, "16:50", [
    R("Also at #ws165: an engineer explains why DNS blocking breaks DNSSEC and pushes users to foreign resolvers. Filtering at the resolver level does not work technically. #IGF2012",
      boosts=2, rt=1),
    R("DNS-based blocking undermines DNSSEC validation and is trivially bypassed by changing resolvers, says the technical speaker in the filtering workshop #ws165", net="bluesky"),
], spread=40),
# ---- Wednesday 7 November: emerging issues, CIR, WCIT ----
S("wcit-itrs-debate", 7, "10:00", [
    R("Emerging issues main session is all about WCIT-12 in Dubai next month: will the ITU revise the ITRs to cover the internet? Deep split in the room. #IGF2012 #WCIT",
      boosts=3, bsky=True, variants=["Emerging issues main session is all about WCIT-12 in Dubai next month: will the ITU revise the ITRs to cover the internet? A deep split in the room. #IGF2012 #WCIT"]),
    R("ITU's Hamadoun Touré tells #IGF2012 that WCIT will not be about taking over the internet and that proposals need consensus. Civil society is not convinced.", boosts=2, rt=1),
    R("US ambassador Terry Kramer at IGF: we will oppose any ITR proposal that brings internet content or governance under the ITU. #WCIT #IGF2012", boosts=2),
    R("Débat tendu sur la CMTI-12 de Dubaï : faut-il étendre le Règlement des télécommunications internationales à l'Internet ? #IGF2012", lang="fr", boosts=1),
    R("Дискуссия о конференции ВКМЭ-12 в Дубае: Россия предлагает закрепить за государствами право регулировать интернет. #IGF2012", lang="ru"),
], spread=120),
S("google-take-action", 7, "11:30", [
    R("Google launches its 'Take Action' campaign against closed-door ITU negotiations, asking people to sign a pledge for a free and open internet ahead of Dubai. https://www.google.com/takeaction #WCIT",
      link="https://www.google.com/takeaction/", boosts=3, bsky=True),
    R("Signed the pledge. A free and open world depends on a free and open web. https://www.google.com/takeaction/?utm_source=twitter&utm_medium=social", link="https://www.google.com/takeaction/?utm_source=twitter&utm_medium=social", boosts=1),
    R("Not everyone at #IGF2012 likes Google's campaign: developing-country delegates say a company lobbying the public on a treaty is its own governance problem. https://www.google.com/takeaction/", link="https://www.google.com/takeaction/"),
], spread=300),
S("cir-ipv6-transition", 7, "14:30", [
    R("Managing Critical Internet Resources: RIPE NCC says the last /8 of IPv4 was handed out in September; IPv6 traffic is still under 1% at most exchange points. #IGF2012 #IPv6",
      boosts=2, bsky=True, rt=1),
    R("I'm at the Managing Critical Internet Resources session at #IGF2012 in room 2. Follow along!", boosts=1),
    R("IPv4 is gone in Europe, IPv6 adoption still below one percent of traffic. Operators need business reasons, not more workshops. #IPv6 #IGF2012", net="bluesky", boosts=1),
    R("Sesión de recursos críticos: LACNIC advierte que el agotamiento de IPv4 en América Latina llegará en 2014 y pide acelerar IPv6. #IGF2012", lang="es", boosts=1),
    R("互联网关键资源会议：欧洲IPv4地址已分配完毕，但IPv6流量仍不到百分之一。#IGF2012 #IPv6", lang="zh"),
], spread=90),
S("cir-new-gtlds", 7, "15:15", [
    R("ICANN at #IGF2012: 1,930 applications for new gTLDs, evaluation results next year. Governments worry about .amazon and other geographic names.",
      boosts=2, variants=["ICANN at #IGF2012: 1,930 applications for new gTLDs; evaluation results are due next year. Governments worry about .amazon and other geographic names."]),
    R("New top-level domains debate: the GAC wants early warnings on names like .patagonia and .amazon, applicants cry foul #IGF2012", net="bluesky", boosts=1),
    R("Les nouveaux domaines de premier niveau divisent : 1 930 candidatures à l'ICANN, les gouvernements s'inquiètent des noms géographiques. #IGF2012", lang="fr"),
], spread=90),
S("cir-idn-arabic", 7, "16:00", [
    R("Internationalized domain names panel: Egypt's .مصر and Saudi .السعودية show Arabic IDN ccTLDs work, but email addresses in Arabic script still fail in most clients. #IGF2012",
      boosts=2, bsky=True),
    R("أسماء النطاقات الدولية باللغة العربية تعمل، لكن عناوين البريد الإلكتروني بالعربية لا تزال غير مدعومة في معظم البرامج #IGF2012", lang="ar", boosts=2,
      variants=["أسماء النطاقات الدولية باللغة العربية تعمل، لكن عناوين البريد الإلكتروني بالعربية ما زالت غير مدعومة في معظم البرامج #IGF2012"]),
    R("Universal acceptance of IDNs is the real problem: the domains resolve, the apps reject the addresses #IGF2012", boosts=1),
], spread=60),
S("child-online-protection", 7, "11:00", [
    R("Workshop on child online protection: the speaker from ECPAT says filtering alone fails; education of parents and children does more than blocking lists. #IGF2012",
      boosts=2, rt=1),
    R("Child safety online session: age verification is coming back on the agenda, privacy advocates push back hard #IGF2012", net="bluesky", boosts=1),
    R("Защита детей в интернете: эксперты ECPAT считают, что фильтрация без обучения родителей и детей не работает. #IGF2012", lang="ru"),
], spread=90),
S("youth-coalition", 7, "13:00", [
    R("The Youth Coalition on Internet Governance asks for travel funding for young people from the global South: only 40 participants under 25 made it to Baku. #IGF2012 #youthIGF",
      boosts=3, bsky=True, variants=['Youth Coalition on Internet Governance calls for travel grants for young people from the global South; just 40 participants under 25 came to Baku.', 'The Youth Coalition on Internet Governance is calling for travel grants for youth from the global South, since only 40 participants under 25 came to Baku. #youthIGF', "Youth Coalition on Internet Governance asks for travel funding for young people from the global South: only 40 participants under 25 made it to Baku. #IGF2012 #youthIGF"]),
    R("Young people are the majority of internet users and a tiny minority in this room. The youth coalition meeting was full and angry. #youthIGF", boosts=1),
    R("Coalición de jóvenes en el IGF: piden becas de viaje para participantes del Sur global, solo 40 menores de 25 años en Bakú. #IGF2012", lang="es", boosts=1),
], spread=120),
S("ws-cloud-data-protection", 7, "16:30", [
    R("Workshop on cloud computing and data protection: who has jurisdiction when your data sits in three countries? The EU speaker wants binding corporate rules for cloud providers. #IGF2012",
      boosts=1, bsky=True),
    R("Cloud panel: the Patriot Act question keeps coming back, European companies fear US access to data stored by American providers #IGF2012", boosts=1, rt=1),
], spread=60),
S("ws-cloud-energy", 7, "17:10", [
    R("Different topic in the cloud track: data centres use about 1.3% of the world's electricity; a Greenpeace speaker ranks providers by renewable energy use. #IGF2012",
      boosts=1),
    R("I'm at the cloud computing and energy workshop at #IGF2012 in room 5. Follow along!"),
    R("Green IT in the cloud session: only a few providers publish their energy mix, most refuse. #IGF2012", net="bluesky"),
], spread=40),
S("dinner-gala", 7, "20:00", [
    R("Gala dinner at the Flame Towers tonight: the light show on the towers shows the IGF logo over Baku. #IGF2012",
      boosts=3, bsky=True, variants=["Gala dinner at the Flame Towers tonight, the light show on the towers displays the IGF logo over Baku #IGF2012"]),
    R("Вечерний приём у Flame Towers: на башнях светится логотип форума. #IGF2012", lang="ru", boosts=1),
], spread=90),
# ---- Thursday 8 November: security, openness and privacy; access and diversity ----
S("sop-data-retention", 8, "10:00", [
    R("Security, Openness and Privacy main session: a Dutch MP argues the EU data retention directive failed its own test, no study shows it solved crimes. #IGF2012 #SOP",
      boosts=2, bsky=True, rt=1,
      variants=["Dutch MP: the EU data retention directive failed its own test, and no study shows it solved crimes. Security, Openness and Privacy session. #IGF2012",
                "Dutch MP says the EU data retention directive has failed its own test: no study shows that it helped solve crimes. #IGF2012 #SOP"]),
    R("Data retention under fire at the SOP session: two years of telecom metadata kept on everyone, and the evidence it helps police is missing. #IGF2012", boosts=2),
    R("Conservation des données : un député néerlandais affirme que la directive européenne n'a jamais prouvé son utilité. #IGF2012", lang="fr", boosts=1),
], spread=60),
S("sop-encryption-tor", 8, "10:40", [
    R("Same session, other talk: the Tor Project speaker says 500,000 daily users rely on Tor, many in countries that block news sites. Encryption is a human rights tool. #IGF2012 #SOP",
      boosts=3, bsky=True, variants=["Same session, different talk: the Tor Project speaker says 500,000 daily users rely on Tor, many in countries that block news websites. Encryption is a human rights tool. #IGF2012 #SOP"]),
    R("I'm at the Security, Openness and Privacy session at #IGF2012 in the main hall. Follow along!", boosts=1),
    R("Tor at IGF: half a million people a day use it, and activists in the room confirm it is how they reach blocked media. #IGF2012", net="bluesky", boosts=1),
    R("Tor en el IGF: medio millón de usuarios diarios, muchos en países que bloquean medios independientes. #IGF2012", lang="es"),
], spread=60),
S("sop-cybercrime-convention", 8, "11:20", [
    R("Council of Europe pitches the Budapest Convention on cybercrime at #IGF2012: 37 ratifications, and it is open to non-European states. Russia still refuses to sign.",
      boosts=2),
    R("Россия на IGF снова отказалась присоединиться к Будапештской конвенции о киберпреступности, ссылаясь на статью о трансграничном доступе. #IGF2012", lang="ru", boosts=2),
    R("Budapest Convention debate: article 32b on cross-border access to data is why Moscow won't sign, explains the CoE speaker #IGF2012", net="bluesky"),
], spread=60),
S("access-disabilities", 8, "14:30", [
    R("Access and Diversity session: the Dynamic Coalition on Accessibility and Disability says the IGF's own website fails basic WCAG checks. Captioning in the main hall is a start. #IGF2012 #access",
      boosts=2, bsky=True, rt=1),
    R("Accessibility advocates at IGF: a billion people with disabilities, and most government websites still fail WCAG 2.0 #IGF2012", boosts=2),
    R("La coalición sobre accesibilidad denuncia que la web del propio IGF no cumple las pautas WCAG. #IGF2012", lang="es"),
], spread=90),
S("access-multilingual-content", 8, "15:20", [
    R("Multilingualism panel: 55% of web content is in English while 5% of people speak it natively. UNESCO presents its report on local content. #IGF2012",
      boosts=2, link="http://www.unesco.org/new/en/communication-and-information/resources/publications-and-communication-materials/publications/full-list/the-relationship-between-local-content-internet-development-and-access-prices/"),
    R("UNESCO/OECD/ISOC study on local content released at IGF: more local content goes with lower access prices. http://www.unesco.org/new/en/communication-and-information/resources/publications-and-communication-materials/publications/full-list/the-relationship-between-local-content-internet-development-and-access-prices/ #IGF2012",
      boosts=1, bsky=True, link="http://www.unesco.org/new/en/communication-and-information/resources/publications-and-communication-materials/publications/full-list/the-relationship-between-local-content-internet-development-and-access-prices/"),
    R("多语言内容讨论：网络上55%的内容是英语，中文内容增长最快。联合国教科文组织发布本地内容报告。#IGF2012", lang="zh", boosts=1),
    R("المحتوى العربي على الإنترنت لا يتجاوز 3 في المئة، حسب المتحدثين في جلسة التنوع اللغوي #IGF2012", lang="ar", boosts=1),
], spread=120),
S("access-gender", 8, "16:00", [
    R("Gender and access workshop: women in low-income countries are 23% less likely than men to own a mobile phone, says the GSMA study presented here. #IGF2012",
      boosts=2, bsky=True, variants=["Gender & access workshop: women in low-income countries are 23% less likely than men to own a mobile phone, says the GSMA study presented here #IGF2012"]),
    R("Taller de género: las mujeres en países de bajos ingresos tienen un 23% menos de probabilidades de tener un móvil. #IGF2012", lang="es", boosts=1),
    R("A 300 million women gap in mobile ownership. The GSMA numbers should be on every development agenda. #IGF2012", net="bluesky", boosts=1),
], spread=60),
S("freedom-online-coalition", 8, "13:00", [
    R("The Freedom Online Coalition meets on the margins of #IGF2012: Tunisia will host its next conference in 2013. 19 governments now members.",
      boosts=2, rt=1),
    R("Tunisie : la Coalition pour la liberté en ligne tiendra sa prochaine conférence à Tunis en 2013. #IGF2012", lang="fr", boosts=1),
    R("تونس تستضيف مؤتمر ائتلاف الحرية على الإنترنت عام 2013 #IGF2012", lang="ar", boosts=1),
], spread=120),
S("ws-net-neutrality", 8, "16:30", [
    R("Network neutrality workshop: the Dynamic Coalition presents a model framework; Slovenia and the Netherlands already wrote neutrality into law. #IGF2012 #netneutrality",
      boosts=2, bsky=True),
    R("Telecom operators in the neutrality workshop: zero-rating Facebook for prepaid users is how the poor get online, they say. Critics: it is a walled garden. #netneutrality #IGF2012", boosts=1),
    R("Neutralidad de la red: Chile fue el primer país con ley, recuerda el panel. Países Bajos y Eslovenia lo siguieron. #IGF2012", lang="es"),
], spread=60),
S("open-data-baku", 8, "12:00", [
    R("Open government data workshop: Kenya's open data portal published 390 datasets in one year; the hard part is keeping them updated. #IGF2012 #opendata",
      boosts=1, bsky=True),
    R("Открытые данные: опыт Кении — 390 наборов данных за год, главная проблема — обновление. #IGF2012", lang="ru"),
], spread=60),
S("azerbaijan-bloggers-arrest", 8, "18:00", [
    R("While #IGF2012 discusses freedom online, a youth activist is detained in Baku for a Facebook post, reports Index on Censorship. https://www.indexoncensorship.org/2012/11/azerbaijan-igf-activist-detained/",
      link="https://www.indexoncensorship.org/2012/11/azerbaijan-igf-activist-detained/", boosts=4, bsky=True, rt=2),
    R("Index on Censorship: activist detained over Facebook post during the forum https://www.indexoncensorship.org/2012/11/azerbaijan-igf-activist-detained/?utm_campaign=feed", link="https://www.indexoncensorship.org/2012/11/azerbaijan-igf-activist-detained/?utm_campaign=feed", boosts=1),
    R("Во время форума в Баку задержан молодой активист за пост в Facebook, сообщает Index on Censorship. #IGF2012", lang="ru", boosts=1),
], spread=180),
# ---- Friday 9 November: taking stock, closing ----
S("taking-stock-enhanced-cooperation", 9, "10:00", [
    R("Taking stock session: enhanced cooperation is back. Brazil and India want a new UN body for internet public policy; the US and EU say the IGF is the place. #IGF2012",
      boosts=2, bsky=True, rt=1),
    R("Enhanced cooperation again. Seven years after Tunis the same positions, word for word. #IGF2012", net="bluesky", boosts=1),
    R("Coopération renforcée : le Brésil et l'Inde plaident pour un organe onusien, les États-Unis et l'UE défendent le FGI. #IGF2012", lang="fr"),
], spread=90),
S("igf-mandate-renewal", 9, "11:00", [
    R("Calls in the closing sessions to make the IGF's mandate permanent after 2015 and to fund the secretariat properly; the trust fund has less than one year of money. #IGF2012",
      boosts=2),
    R("IGF secretariat is running on fumes: less than a year of funding left in the trust fund. Donors, please. #IGF2012", net="bluesky", boosts=1),
    R("Mandato del IGF: piden hacerlo permanente después de 2015 y financiar la secretaría. #IGF2012", lang="es"),
], spread=90),
S("next-igf-indonesia", 9, "12:30", [
    R("Announced at the closing: #IGF2013 will be held in Bali, Indonesia. See you there!",
      boosts=5, bsky=True, rt=2, variants=["Announced at the closing ceremony: #IGF2013 will be held in Bali, Indonesia. See you there!"]),
    R("It's official: the 2013 Internet Governance Forum will take place in Bali, Indonesia. #IGF2012",
      variants=["It is official: the 2013 Internet Governance Forum will take place in Bali, Indonesia! See you in Bali. #IGF2012 #IGF2013"], boosts=1),
    R("Next year's Internet Governance Forum goes to Bali. Indonesian ministry confirms dates in October 2013. #IGF2012", boosts=2),
    R("Le prochain FGI aura lieu à Bali, en Indonésie, en 2013. #IGF2013", lang="fr", boosts=1),
    R("下一届互联网治理论坛将于2013年在印度尼西亚巴厘岛举行。#IGF2013", lang="zh", boosts=1),
    R("Следующий Форум по управлению интернетом пройдёт в 2013 году на Бали. #IGF2013", lang="ru"),
], spread=60),
S("closing-chair-summary", 9, "13:00", [
    R("Chair's summary of #IGF2012 published: record participation, 128 countries, 1,600 people on site and 3,800 online. http://www.intgovforum.org/cms/2012-igfbaku/chairs-summary",
      link="http://www.intgovforum.org/cms/2012-igfbaku/chairs-summary", boosts=2, bsky=True),
    R("The chair's summary is online, worth a read for anyone who missed Baku: http://www.intgovforum.org/cms/2012-igfbaku/chairs-summary#main", link="http://www.intgovforum.org/cms/2012-igfbaku/chairs-summary#main", boosts=1),
    R("3,800 remote participants according to the chair's summary. Remote participation is the quiet success of this forum. #IGF2012", net="bluesky"),
], spread=300),
S("blog-reflections-multistakeholder", 9, "18:00", [
    R("Four days in Baku taught me that the multistakeholder model works best when nobody expects a decision. Reflections on #IGF2012 on my blog.",
      blog=("What Baku taught me about the multistakeholder model",
            "Over four days of panels and corridor talks, the best conversations happened where no outcome document was at stake. Governments listened to engineers, engineers listened to activists. The weak point is follow-up: nothing obliges anyone to act on what was said."),
      boosts=2),
    R("My notes from #IGF2012 are up: the model is a talking shop, and that is exactly its value. Governments, companies and activists in one room with no text to negotiate.",
      blog=("Notes from the Internet Governance Forum in Baku",
            "A talking shop, critics say. I think that is the point. When nobody is negotiating a treaty, people say what they think."),
      boosts=1),
], spread=600),
# ---- stories that share words with others but are different events ----
S("ws-mobile-africa", 7, "10:30", [
    R("Workshop on mobile internet in Africa: smartphones under $50 are arriving and will double mobile broadband users by 2015, says the Safaricom speaker. #IGF2012",
      boosts=2, bsky=True,
      variants=['Safaricom at the mobile Africa workshop: phones under 50 dollars will double mobile broadband users in Africa by 2015. #IGF2012', "Safaricom in the mobile internet in Africa workshop: handsets under $50 will double Africa's mobile broadband users by 2015 #IGF2012"]),
    R("Cheap Android phones changing African internet access, argues the mobile workshop. Data prices are still the barrier #IGF2012", boosts=1),
    R("Atelier internet mobile en Afrique : des smartphones à moins de 50 dollars vont doubler le nombre d'utilisateurs d'ici 2015. #IGF2012", lang="fr", boosts=1),
], spread=60),
S("ws-spam-mobile", 7, "12:00", [
    R("Anti-spam workshop: the London Action Plan says SMS spam grew fivefold in Asia this year; mobile operators must share blocklists. #IGF2012",
      boosts=1, rt=1),
    R("SMS spam is the new email spam, five times more in Asia in a year. Operators asked to cooperate across borders. #IGF2012", net="bluesky"),
], spread=60),
S("ws-ixp-africa", 8, "11:00", [
    R("Internet exchange points in Africa: 60% of the continent's local traffic still goes through Europe. AfIX speaker wants an IXP in every country by 2015. #IGF2012",
      boosts=2, bsky=True, variants=["Internet exchange points in Africa: 60% of the continent's local traffic still goes through Europe. The AfIX speaker wants an IXP in every country by 2015. #IGF2012"]),
    R("Points d'échange internet en Afrique : 60 % du trafic local passe encore par l'Europe. #IGF2012", lang="fr"),
], spread=60),
S("human-rights-council-resolution", 6, "15:00", [
    R("Sweden's Carl Bildt recalls the UN Human Rights Council resolution of July: the same rights people have offline must be protected online. #IGF2012 #humanrights",
      boosts=3, bsky=True, rt=1),
    R("Bildt in Baku: 'the rights we have offline we have online', quoting the HRC resolution adopted by consensus. Pointed words in this country. #IGF2012", boosts=2),
    R("Carl Bildt en el IGF: los derechos que tenemos fuera de línea deben protegerse en línea, según la resolución del Consejo de Derechos Humanos. #IGF2012", lang="es", boosts=1),
    R("كارل بيلت في باكو: الحقوق التي يتمتع بها الناس خارج الإنترنت يجب حمايتها على الإنترنت #IGF2012", lang="ar"),
], spread=120),
S("ws-privacy-social-networks", 8, "17:00", [
    R("Privacy workshop: Facebook's policy head defends real-name rules; activists from Syria say real names get people killed. #IGF2012",
      boosts=2, bsky=True),
    R("Real-name policies debate: for activists under repressive regimes, pseudonyms are a matter of life and death, panel hears #IGF2012 #privacy", boosts=1),
], spread=60),
S("press-conference-wsis", 9, "14:00", [
    R("WSIS+10 review: UNESCO announces a first WSIS review event in Paris in February 2013, ten years after Geneva. #IGF2012",
      boosts=1, bsky=True),
    R("L'UNESCO organisera en février 2013 à Paris la première réunion d'examen SMSI+10. #IGF2012", lang="fr", boosts=1),
], spread=60),
S("isoc-fellows", 6, "17:30", [
    R("Meeting the ISOC ambassadors at #IGF2012: 24 fellows from 19 countries, the first time for most of them at an IGF.",
      boosts=2, variants=["Met the ISOC ambassadors at #IGF2012: 24 fellows from 19 countries, for most the first time at an IGF."]),
    R("Проект послов ISOC: 24 стипендиата из 19 стран впервые на IGF. #IGF2012", lang="ru"),
], spread=60),
]

# Every report: author, network, id.
posts = []   # (time, post dict, dup key, story key)
counter = [1000]


def nid():
    counter[0] += 1
    return counter[0]


def person():
    return rng.choice(NAMES)


def mastodon_status(user, host, when, text, lang, link=None):
    n = nid()
    uri = f"https://{host}/users/{user}/statuses/{89000000000000000 + n}"
    p = {"id": uri, "source": f"mastodon:{host}", "url": f"https://{host}/@{user}/{89000000000000000 + n}",
         "author": f"@{user}@{host}", "text": text, "lang": lang}
    if link:
        p["links"] = [link]
    return p


def bluesky_post(user, when, text, lang, link=None):
    n = nid()
    did = f"did:plc:{user}{n % 97:02d}"
    p = {"id": f"at://{did}/app.bsky.feed.post/3k{n:07x}", "source": "bluesky",
         "url": f"https://bsky.app/profile/{user}.bsky.social/post/3k{n:07x}",
         "author": f"{user}.bsky.social", "text": text, "lang": lang}
    if link:
        p["links"] = [link]
    return p


def strip_tags(text):
    words = text.split(" ")
    while words and words[-1].startswith("#"):
        words.pop()
    return " ".join(words)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


for s in STORIES:
    for ri, r in enumerate(s.reports):
        dup = f"{s.key}/{ri}"
        user = person()
        host = rng.choice(HOSTS)
        t = s.t + timedelta(minutes=rng.randint(0, s.spread))
        if r.net == "mastodon":
            orig = mastodon_status(user, host, t, r.text, r.lang, r.link)
        else:
            orig = bluesky_post(user, t, r.text, r.lang, r.link)
        posts.append((t, orig, dup, s.key))
        for b in range(r.boosts):
            bt = t + timedelta(minutes=rng.randint(-15, 240))  # a boost may be fetched before its original
            booster = person()
            if orig["source"] == "bluesky":
                n = nid()
                p = {"id": f"at://did:plc:{booster}{n % 97:02d}/app.bsky.feed.repost/3r{n:07x}",
                     "source": "bluesky", "author": f"{booster}.bsky.social",
                     "repost_of": orig["id"], "text": orig["text"], "lang": r.lang}
            else:
                bh = rng.choice(HOSTS)
                n = nid()
                p = {"id": f"https://{bh}/users/{booster}/statuses/{89100000000000000 + n}/activity",
                     "source": f"mastodon:{bh}", "author": f"@{booster}@{bh}",
                     "repost_of": orig["id"], "text": orig["text"], "lang": r.lang}
            posts.append((bt, p, dup, s.key))
        if r.bsky and orig["source"] != "bluesky":
            bt = t + timedelta(minutes=rng.randint(0, 3))
            text = strip_tags(r.text)[:300]
            posts.append((bt, bluesky_post(user, bt, text, r.lang, r.link), dup, s.key))
        for k in range(r.rt):
            rt_user = person()
            bt = t + timedelta(minutes=rng.randint(2, 120))
            handle = orig["author"].split("@")[1] if orig["author"].startswith("@") else orig["author"]
            text = f"RT @{handle}: {r.text}"
            posts.append((bt, bluesky_post(rt_user, bt, text, r.lang, r.link), dup, s.key))
        for v in r.variants:
            vt = t + timedelta(minutes=rng.randint(3, 200))
            vu = person()
            vh = rng.choice(HOSTS)
            posts.append((vt, mastodon_status(vu, vh, vt, v, r.lang, r.link), dup, s.key))
        if r.blog:
            title, more = r.blog
            bt = t + timedelta(minutes=rng.randint(30, 180))
            slug = title.lower().replace(" ", "-")[:40]
            url = f"https://blog.{user}.net/2012/11/{slug}/"
            # The blog post is the same text with a title: a cross-post.
            p = {"id": url, "source": f"https://blog.{user}.net/feed/", "url": url,
                 "author": user, "title": title, "text": r.text + " " + more, "lang": r.lang}
            posts.append((bt, p, dup, s.key))

posts.sort(key=lambda x: (x[0], x[1]["id"]))
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "posts.jsonl"), "w", encoding="utf-8") as fp, \
     open(os.path.join(here, "gold.jsonl"), "w", encoding="utf-8") as fg:
    for t, p, dup, story in posts:
        p = dict(p)
        p["published"] = stamp(t)
        p["tags"] = sorted({w[1:].rstrip(".,:!?") for w in p.get("text", "").split() if w.startswith("#")})
        fp.write(json.dumps(p, ensure_ascii=False, sort_keys=False) + "\n")
        fg.write(json.dumps({"id": p["id"], "dup": dup, "cluster": story}, ensure_ascii=False) + "\n")
print(f"{len(posts)} posts, {len(STORIES)} stories, "
      f"{sum(len(s.reports) for s in STORIES)} reports")
