/* tests/cluster/test-cluster.c - store/cluster.c: the dedupe rules in
 * their order, stories, restore, story summaries and scores.
 *
 * Each scenario is a table of posts fed to a fresh engine in order, with
 * the rule that must decide each one, the dup group and the story it
 * must land in (ids; NULL means "its own id"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/post.h"
#include "core/url.h"
#include "store/cluster.h"

#define T0 1352181600   /* 2012-11-06T06:00:00Z, 10:00 in Baku */

struct step {
	const char *id;
	const char *source;
	const char *url;
	const char *repost_of;
	const char *author;
	const char *text;
	int minutes;                 /* after T0 */
	enum cluster_match match;
	const char *dup;             /* NULL: the post's own id */
	const char *story;           /* NULL: the post's own id; "*": not checked */
};

struct scenario {
	const char *name;
	struct step steps[8];
};

#define CERF "Vint Cerf at the opening: the internet must stay open and no single government should control it. #IGF2012"
#define CERF2 "Vint Cerf warned the Baku forum that governments want control over the network; openness is why the internet grew, Cerf argued"

static const struct scenario scenarios[] = {
	{"boost of a Mastodon status is a sighting of it", {
		{"https://a.social/users/x/statuses/1", "mastodon:a.social", NULL, NULL, "x", CERF, 0,
		 CLUSTER_MATCH_NONE, NULL, NULL},
		{"https://b.social/users/y/statuses/9/activity", "mastodon:b.social", NULL,
		 "https://a.social/users/x/statuses/1", "y", CERF, 5,
		 CLUSTER_MATCH_IDENTITY, "https://a.social/users/x/statuses/1", "https://a.social/users/x/statuses/1"},
	}},
	{"a boost seen before its original", {
		{"at://did:plc:y/app.bsky.feed.repost/2", "bluesky", NULL, "at://did:plc:x/app.bsky.feed.post/1",
		 "y", CERF, 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"at://did:plc:x/app.bsky.feed.post/1", "bluesky", NULL, NULL, "x", CERF, 1,
		 CLUSTER_MATCH_IDENTITY, "at://did:plc:y/app.bsky.feed.repost/2", "at://did:plc:y/app.bsky.feed.repost/2"},
	}},
	{"the same post fetched again", {
		{"p1", "https://blog.example/feed", NULL, NULL, "x", CERF, 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"p1", "https://blog.example/feed", NULL, NULL, "x", CERF, 30, CLUSTER_MATCH_SAME, "p1", "p1"},
	}},
	{"the same canonical URL", {
		{"feed-a:1", "feed-a", "https://news.example/igf?id=7&utm_source=tw", NULL, "a",
		 "Forum opens", 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"feed-b:9", "feed-b", "HTTPS://NEWS.example:443/igf?id=7#top", NULL, "b",
		 "Something else entirely about lunch", 3, CLUSTER_MATCH_URL, "feed-a:1", "feed-a:1"},
	}},
	{"the same normalised text (case, punctuation, mentions, trailing tags)", {
		{"m1", "mastodon:a", NULL, NULL, "a", CERF, 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"b1", "bluesky", NULL, NULL, "a",
		 "@someone VINT CERF at the opening - the internet must stay open, and no single government should control it!",
		 2, CLUSTER_MATCH_TEXT, "m1", "m1"},
		{"r1", "bluesky", NULL, NULL, "c", "RT @a: " CERF, 9, CLUSTER_MATCH_TEXT, "m1", "m1"},
	}},
	{"a reworded copy is a near-duplicate", {
		{"w1", "wire", NULL, NULL, "a",
		 "UN official Wu Hongbo reads the Secretary-General's message at the opening: the internet must remain a force for development and an open space for all.",
		 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"w2", "paper", NULL, NULL, "b",
		 "UN official Wu Hongbo delivered the Secretary-General's message at the opening, saying the internet must remain a force for development and be open to all.",
		 20, CLUSTER_MATCH_NEAR, "w1", "w1"},
	}},
	{"template posts about different sessions stay apart", {
		{"t1", "bluesky", NULL, NULL, "a",
		 "I'm at the Managing Critical Internet Resources session at #IGF2012 in room 2. Follow along!",
		 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"t2", "bluesky", NULL, NULL, "b",
		 "I'm at the cloud computing and energy workshop at #IGF2012 in room 5. Follow along!",
		 5, CLUSTER_MATCH_NONE, NULL, "*"},   /* two posts: no IDF yet to split the story */
	}},
	{"two short reactions are two voices", {
		{"s1", "bluesky", NULL, NULL, "a", "Great talk!", 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"s2", "bluesky", NULL, NULL, "b", "great talk", 1, CLUSTER_MATCH_NONE, NULL, "s1"},
	}},
	{"other words about the same talk join its story, another talk does not", {
		{"c1", "mastodon:a", NULL, NULL, "a", CERF, 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"c2", "mastodon:b", NULL, NULL, "b", CERF2, 10, CLUSTER_MATCH_NONE, NULL, "c1"},
		{"d1", "mastodon:c", NULL, NULL, "c",
		 "Lunch is served in hall B; the Azerbaijani plov is excellent, queue moves fast",
		 20, CLUSTER_MATCH_NONE, NULL, NULL},
	}},
	{"a quiet story closes after its window", {
		{"e1", "mastodon:a", NULL, NULL, "a", CERF, 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"e2", "mastodon:b", NULL, NULL, "b", CERF2, 60 * 30, CLUSTER_MATCH_NONE, NULL, NULL},
	}},
	{"a shared link pulls different words into one story", {
		{"l1", "mastodon:a", NULL, NULL, "a",
		 "Reporters Without Borders counts eight journalists behind bars in the host country https://rsf.example/azerbaijan-igf",
		 0, CLUSTER_MATCH_NONE, NULL, NULL},
		{"l2", "bluesky", NULL, NULL, "b",
		 "Read this before you praise the venue: https://rsf.example/azerbaijan-igf?utm_source=bsky",
		 30, CLUSTER_MATCH_NONE, NULL, "l1"},
	}},
};

static void post_from_step(const struct step *s, struct post *p)
{
	post_init(p);
	p->id = rp_strdup(s->id);
	p->source = rp_strdup(s->source);
	p->url = rp_strdup(s->url);
	p->repost_of = rp_strdup(s->repost_of);
	p->author = rp_strdup(s->author);
	p->text = rp_strdup(s->text);
	p->published = T0 + 60 * (int64_t)s->minutes;
}

static void test_scenarios(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
		const struct scenario *sc = &scenarios[i];
		struct cluster_engine *e = cluster_engine_new(NULL);
		for (size_t k = 0; k < 8 && sc->steps[k].id; k++) {
			const struct step *s = &sc->steps[k];
			struct post p;
			post_from_step(s, &p);
			struct cluster_assign a;
			assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
			const char *dup = s->dup ? s->dup : s->id;
			const char *story = s->story ? s->story : s->id;
			bool any_story = strcmp(story, "*") == 0;
			if (a.match != s->match || strcmp(a.dup, dup) != 0 ||
			    (!any_story && strcmp(a.story, story) != 0)) {
				printf("# %s: post %s: match %s dup %s story %s (sim %.3f); want %s %s %s\n",
				       sc->name, s->id, cluster_match_str(a.match), a.dup, a.story,
				       a.similarity, cluster_match_str(s->match), dup, story);
				failed++;
			}
			if (!any_story && a.new_story != (strcmp(story, s->id) == 0 &&
			                                  a.match != CLUSTER_MATCH_SAME)) {
				printf("# %s: post %s: new_story %d\n", sc->name, s->id, a.new_story);
				failed++;
			}
			post_done(&p);
		}
		cluster_engine_free(e);
	}
	assert_int_equal(failed, 0);
}

/* Keys are typed hashes: a URI id and the same URI as url meet; a text
 * key needs enough words. */
static void test_keys(void **state)
{
	(void)state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct post p;
	struct step s = {"https://blog.example/2012/11/baku/", "https://blog.example/feed",
	                 "https://blog.example/2012/11/baku/?utm_medium=rss", NULL, "a",
	                 "Four days in Baku", 0, 0, NULL, NULL};
	post_from_step(&s, &p);
	struct cluster_keys k;
	assert_int_equal(cluster_engine_keys(e, &p, &k), RP_OK);
	assert_int_equal(strlen(k.identity), 32);
	assert_string_equal(k.identity, k.url);     /* same canonical URI */
	assert_string_equal(k.original, "");
	assert_int_equal(strlen(k.text), 32);       /* four words: enough */
	assert_true(k.simhash != 0);
	post_done(&p);
	s.text = "Baku!";
	s.url = NULL;
	post_from_step(&s, &p);
	assert_int_equal(cluster_engine_keys(e, &p, &k), RP_OK);
	assert_string_equal(k.text, "");
	assert_string_equal(k.url, "");
	post_done(&p);
	/* No id: bad input, nothing written. */
	post_init(&p);
	p.text = rp_strdup("text");
	struct cluster_assign a;
	memset(&a, 0x5a, sizeof a);
	assert_int_equal(cluster_engine_add(e, &p, &a), RP_ERR_INPUT);
	assert_int_equal(a.keys.simhash, 0x5a5a5a5a5a5a5a5aull);   /* untouched */
	post_done(&p);
	cluster_engine_free(e);
	cluster_engine_free(NULL);
}

/* The engine skips url_canonical for URLs that are plainly canonical
 * already; its keys must be the keys of url_canonical's form. */
static void test_url_keys(void **state)
{
	(void)state;
	static const char *urls[] = {
		"https://mastodon.social/users/x/statuses/1",
		"https://mastodon.social/@x/109",
		"http://blog.example/2012/11/baku/",
		"https://Blog.Example/2012/11/baku/",
		"https://blog.example:443/a",
		"http://blog.example:80/a",
		"https://blog.example/a/./b",
		"https://blog.example/a/../b",
		"https://blog.example/a/.",
		"https://blog.example/a/..",
		"https://blog.example//a",
		"https://blog.example/a%7Eb",
		"https://blog.example/a?utm_source=x&b=2&a=1",
		"https://blog.example/a#frag",
		"https://blog.example",
		"https://blog.example./a",
		"https://bsky.app/profile/x.bsky.social/post/3k0000403",
		"https://blog.example/a.b~c_d-e@f:g",
		"https://xn--80ak6aa92e.com/path",
	};
	struct cluster_engine *e = cluster_engine_new(NULL);
	int failed = 0;
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		struct post p;
		post_init(&p);
		p.id = rp_strdup("id");
		p.url = rp_strdup(urls[i]);
		p.text = rp_strdup("text");
		struct cluster_keys k;
		assert_int_equal(cluster_engine_keys(e, &p, &k), RP_OK);
		char *c = NULL;
		char want[33] = "";
		if (url_canonical(urls[i], &c) == RP_OK) {
			struct buf b;
			buf_init(&b);
			buf_printf(&b, "u:%s", c);
			hash128_hex(b.data, b.len, want);
			buf_done(&b);
			rp_free(c);
		}
		if (want[0] && strcmp(k.url, want) != 0) {
			printf("# %s: url key differs from url_canonical's\n", urls[i]);
			failed++;
		}
		post_done(&p);
	}
	cluster_engine_free(e);
	assert_int_equal(failed, 0);
}

/* What Redis decided wins, and later posts follow it. */
static void test_restore(void **state)
{
	(void)state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	struct post p;
	struct step s1 = {"https://a.social/users/x/statuses/1", "mastodon:a.social", NULL, NULL, "x",
	                  CERF, 0, 0, NULL, NULL};
	post_from_step(&s1, &p);
	struct cluster_assign a;
	/* Rebuild on start: the post was stored in dup group G and story S,
	 * neither of which the engine has seen. */
	assert_int_equal(cluster_engine_restore(e, &p, "G", "S", &a), RP_OK);
	assert_int_equal(a.match, CLUSTER_MATCH_RESTORED);
	assert_string_equal(a.dup, "G");
	assert_string_equal(a.story, "S");
	post_done(&p);
	/* A boost of it now joins G and S. */
	struct step s2 = {"https://b.social/users/y/statuses/2/activity", "mastodon:b.social", NULL,
	                  "https://a.social/users/x/statuses/1", "y", CERF, 5, 0, NULL, NULL};
	post_from_step(&s2, &p);
	assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
	assert_int_equal(a.match, CLUSTER_MATCH_IDENTITY);
	assert_string_equal(a.dup, "G");
	assert_string_equal(a.story, "S");
	post_done(&p);
	/* Redis says another process put a post elsewhere: the engine moves it. */
	struct step s3 = {"z1", "bluesky", NULL, NULL, "z",
	                  "Lunch is served in hall B; the Azerbaijani plov is excellent", 7, 0, NULL, NULL};
	post_from_step(&s3, &p);
	assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
	assert_string_equal(a.story, "z1");
	assert_int_equal(cluster_engine_restore(e, &p, "z1", "S", &a), RP_OK);
	assert_string_equal(a.story, "S");
	assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
	assert_int_equal(a.match, CLUSTER_MATCH_SAME);
	assert_string_equal(a.story, "S");
	post_done(&p);
	struct cluster_story st;
	assert_int_equal(cluster_engine_story(e, "S", &st), RP_OK);
	assert_int_equal(st.n_posts, 3);
	assert_int_equal(cluster_engine_story(e, "nope", &st), RP_ERR_NOTFOUND);
	cluster_engine_free(e);
}

/* Rebuild on start: an engine that restores every post of the labelled
 * set with the decisions of another agrees with it on every post, every
 * story summary, and on what a new sighting joins. */
static void test_restore_replay(void **state)
{
	(void)state;
	const char *src = getenv("SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/stories/posts.jsonl", src ? src : ".");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct post *posts = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	struct buf err;
	buf_init(&err);
	while ((len = getline(&line, &lcap, f)) > 0) {
		posts = rp_grow(posts, sizeof *posts, n + 1, &cap);
		assert_int_equal(post_parse_line(line, (size_t)len, &posts[n], &err), RP_OK);
		n++;
	}
	fclose(f);
	free(line);
	buf_done(&err);
	assert_true(n > 300);

	struct cluster_engine *a = cluster_engine_new(NULL), *b = cluster_engine_new(NULL);
	char **dup = rp_calloc(n, sizeof *dup), **story = rp_calloc(n, sizeof *story);
	for (size_t i = 0; i < n; i++) {
		struct cluster_assign as;
		assert_int_equal(cluster_engine_add(a, &posts[i], &as), RP_OK);
		dup[i] = rp_strdup(as.dup);
		story[i] = rp_strdup(as.story);
	}
	for (size_t i = 0; i < n; i++) {
		struct cluster_assign as;
		assert_int_equal(cluster_engine_restore(b, &posts[i], dup[i], story[i], &as), RP_OK);
	}
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct cluster_assign as;
		assert_int_equal(cluster_engine_add(b, &posts[i], &as), RP_OK);
		if (as.match != CLUSTER_MATCH_SAME || strcmp(as.dup, dup[i]) != 0 ||
		    strcmp(as.story, story[i]) != 0) {
			printf("# post %zu %s: %s %s %s\n", i, posts[i].id, cluster_match_str(as.match),
			       as.dup, as.story);
			failed++;
		}
		struct cluster_story sa, sb;
		assert_int_equal(cluster_engine_story(a, story[i], &sa), RP_OK);
		assert_int_equal(cluster_engine_story(b, story[i], &sb), RP_OK);
		if (sa.n_posts != sb.n_posts || sa.n_dups != sb.n_dups ||
		    sa.n_authors != sb.n_authors || sa.n_sources != sb.n_sources ||
		    sa.first != sb.first || sa.last != sb.last ||
		    strcmp(sa.representative, sb.representative) != 0) {
			printf("# story %s: %zu/%zu posts, %zu/%zu dups, rep %s/%s\n", story[i],
			       sa.n_posts, sb.n_posts, sa.n_dups, sb.n_dups, sa.representative,
			       sb.representative);
			failed++;
		}
	}
	/* A boost of the first post, new to both, lands alike. */
	struct post boost;
	post_init(&boost);
	boost.id = rp_strdup("https://late.example/users/z/statuses/1/activity");
	boost.source = rp_strdup("mastodon:late.example");
	boost.repost_of = rp_strdup(posts[0].id);
	boost.text = rp_strdup(posts[0].text);
	boost.published = posts[n - 1].published;
	struct cluster_assign x, y;
	assert_int_equal(cluster_engine_add(a, &boost, &x), RP_OK);
	assert_int_equal(cluster_engine_add(b, &boost, &y), RP_OK);
	assert_int_equal(x.match, CLUSTER_MATCH_IDENTITY);
	assert_string_equal(x.dup, y.dup);
	assert_string_equal(x.story, y.story);
	post_done(&boost);
	for (size_t i = 0; i < n; i++) {
		rp_free(dup[i]);
		rp_free(story[i]);
		post_done(&posts[i]);
	}
	rp_free(dup);
	rp_free(story);
	rp_free(posts);
	cluster_engine_free(a);
	cluster_engine_free(b);
	assert_int_equal(failed, 0);
}

static void test_story_summary(void **state)
{
	(void)state;
	struct cluster_engine *e = cluster_engine_new(NULL);
	static const struct step steps[] = {
		{"c1", "mastodon:a", NULL, NULL, "alice", CERF, 0, 0, NULL, NULL},
		{"c2", "bluesky", NULL, NULL, "bob", CERF2, 10, 0, NULL, NULL},
		{"c3", "mastodon:b", NULL, "c2", "carol", CERF2, 12, 0, NULL, NULL},
		{"c4", "mastodon:c", NULL, "c2", "Carol", CERF2, 15, 0, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct post p;
		struct cluster_assign a;
		post_from_step(&steps[i], &p);
		assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
		assert_string_equal(a.story, "c1");
		post_done(&p);
	}
	struct cluster_story st;
	assert_int_equal(cluster_engine_story(e, "c1", &st), RP_OK);
	assert_string_equal(st.id, "c1");
	assert_string_equal(st.representative, "c2");   /* most shared */
	assert_int_equal(st.n_posts, 4);
	assert_int_equal(st.n_dups, 2);
	assert_int_equal(st.n_authors, 3);              /* Carol and carol are one */
	assert_int_equal(st.n_sources, 4);
	assert_int_equal(st.first, T0);
	assert_int_equal(st.last, T0 + 15 * 60);
	double now = cluster_story_score(&st, st.last, 3600);
	double later = cluster_story_score(&st, st.last + 3600, 3600);
	assert_true(now > 0);
	assert_true(later > 0.49 * now && later < 0.51 * now);
	struct cluster_story one = st;
	one.n_authors = 1;
	one.n_sources = 1;
	assert_true(cluster_story_score(&one, st.last, 3600) < now);
	struct cluster_stats stats;
	cluster_engine_stats(e, &stats);
	assert_int_equal(stats.posts, 4);
	assert_int_equal(stats.dups, 2);
	assert_int_equal(stats.stories, 1);
	cluster_engine_free(e);
}

/* IDF among the posts of the post's language. Reports in a language few
 * posts use all repeat that language's words for the event ("the
 * Internet Governance Forum in Baku, day two"): counted over the whole
 * event, mostly English, those words are rare and weigh like a topic, and
 * with them all twelve Russian reports of three talks below made one
 * story. Counted among the Russian posts they weigh little. (The reports
 * of one talk are paraphrases that share few word forms, so they do not
 * all meet either: what is asserted is that the language alone no longer
 * makes a story.) */
static void test_language_idf(void **state)
{
	(void)state;
	static const char *const en_topics[] = {
		"spam filters", "mobile money", "cloud jurisdiction", "youth hubs", "open data portals",
		"domain names", "privacy law", "broadband prices", "cybercrime treaty", "local content",
	};
	static const char *const ru[3][4] = {
		{ "Переход на IPv6 в Азербайджане идёт медленно: операторы ждут окупаемости оборудования.",
		  "Операторы Азербайджана признают: без IPv6 мобильные сети упрутся в нехватку адресов.",
		  "Регулятор обещает льготы операторам, которые первыми включат IPv6 для абонентов.",
		  "Эксперты RIPE NCC показали, что доля IPv6 в регионе пока ниже пяти процентов." },
		{ "Защита детей в сети требует обучения родителей и учителей, а не только фильтров.",
		  "Школьные фильтры блокируют полезные сайты, жаловались учителя из Гянджи.",
		  "Родители просят простые инструкции: как настроить планшет ребёнка без блокировок.",
		  "ЮНИСЕФ представил программу цифровой грамотности для начальных классов." },
		{ "Журналисты обсуждали законы о клевете, которые используют против блогеров.",
		  "Блогеры из Туниса рассказали о судебных делах за посты в социальных сетях.",
		  "Адвокаты предлагают декриминализировать клевету и защищать источники журналистов.",
		  "Представитель ОБСЕ напомнил о свободе слова в интернете и праве на анонимность." },
	};
	struct cluster_engine *e = cluster_engine_new(NULL);
	char id[32], text[400];
	char *story[12];
	int k = 0;
	for (int i = 0; i < 132; i++) {
		struct post p;
		post_init(&p);
		if (i % 11 == 10 && k < 12) {   /* a Russian report among English ones */
			snprintf(id, sizeof id, "ru%d", k);
			snprintf(text, sizeof text, "Форум по управлению интернетом в Баку, день второй. %s",
			         ru[k % 3][k / 3]);
			p.lang = rp_strdup("ru");
		} else {
			snprintf(id, sizeof id, "en%d", i);
			snprintf(text, sizeof text, "Session %d on %s: speakers %d and %d disagreed about %s",
			         i, en_topics[i % 10], i * 7 % 13, i * 5 % 17, en_topics[(i * 3) % 10]);
			p.lang = rp_strdup("en");
		}
		p.id = rp_strdup(id);
		p.text = rp_strdup(text);
		p.source = rp_strdup("mastodon:a");
		p.author = rp_strdup(id);
		p.published = T0 + i * 300;
		struct cluster_assign a;
		assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
		if (p.id[0] == 'r')
			story[k++] = rp_strdup(a.story);
		post_done(&p);
	}
	assert_int_equal(k, 12);
	/* No story holds reports of all three talks, nor more than three of
	 * the twelve. */
	for (int i = 0; i < 12; i++) {
		int n = 0, talks = 0;
		for (int j = 0; j < 12; j++)
			if (strcmp(story[i], story[j]) == 0) {
				n++;
				talks |= 1 << (j % 3);
			}
		assert_true(n <= 3);
		assert_int_not_equal(talks, 7);
	}
	for (int i = 0; i < 12; i++)
		rp_free(story[i]);
	cluster_engine_free(e);
}

/* Shingle sets live in chunks that are reused once every record in them
 * has left the near-duplicate window: over a stream many windows long
 * (and one text too long for a shared chunk), every near copy is still
 * found against its original's shingles, not a later post's. Run under
 * ASan in CI. Also the first post having no terms at all (the UBSan report
 * of memcpy(NULL, .., 0) in the old radix sort). */
static void test_near_window_reuse(void **state)
{
	(void)state;
	struct cluster_params par;
	cluster_params_default(&par);
	par.dup_window_s = 3600;
	struct cluster_engine *e = cluster_engine_new(&par);
	struct buf text;
	buf_init(&text);
	int failed = 0;
	for (int i = 0; i < 20000; i++) {
		int pair = i / 2;
		buf_reset(&text);
		if (i == 0) {
			buf_adds(&text, "!!!");
		} else {
			int words = 6 + pair % 13;
			if (pair == 4000)
				words = 3000;   /* a chunk of its own */
			for (int k = 0; k < words; k++)
				buf_printf(&text, "k%dq%d ", pair, k);
			if (i % 2)
				buf_printf(&text, "changed%d", i);   /* the near copy: one word more */
		}
		struct post p;
		post_init(&p);
		char id[32];
		snprintf(id, sizeof id, "w%d", i);
		p.id = rp_strdup(id);
		p.source = rp_strdup("test");
		p.text = rp_strdup(text.data);
		p.published = T0 + 60 * (int64_t)i;
		struct cluster_assign a;
		assert_int_equal(cluster_engine_add(e, &p, &a), RP_OK);
		if (i > 1 && i % 2 == 1) {
			char want[32];
			snprintf(want, sizeof want, "w%d", i - 1);
			if (a.match != CLUSTER_MATCH_NEAR || strcmp(a.dup, want) != 0) {
				if (failed++ < 5)
					printf("# %s: match %s dup %s, want near %s\n", id,
					       cluster_match_str(a.match), a.dup, want);
			}
		} else if (i > 1 && a.match != CLUSTER_MATCH_NONE) {
			if (failed++ < 5)
				printf("# %s: match %s dup %s, want none\n", id, cluster_match_str(a.match),
				       a.dup);
		}
		post_done(&p);
	}
	buf_done(&text);
	cluster_engine_free(e);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_url_keys),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_restore_replay),
		cmocka_unit_test(test_story_summary),
		cmocka_unit_test(test_language_idf),
		cmocka_unit_test(test_near_window_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
