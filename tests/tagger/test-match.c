/* tests/tagger/test-match.c - posts matched against tests/data/tags/test.yaml.
 *
 * Each row is a posts.jsonl line and what `rapporteur tag` must say of it:
 * event membership, themes, sessions, tags ("|"-joined) and, where it
 * matters, a piece of the "why" array. The rows cover every matching rule
 * of issue 3 in several languages and scripts. */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/post.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

struct row {
	const char *name;
	const char *post;      /* one posts.jsonl line */
	bool event;
	const char *themes;
	const char *sessions;
	const char *tags;
	const char *why;       /* a substring of the output line; NULL: not checked */
};

static const struct row rows[] = {
	/* hashtags and the event */
	{ "event tag in text", "{\"id\":\"1\",\"text\":\"hello #conf2012\"}",
	  true, "", "", "Conf2012", "\"by\":\"hashtag\",\"field\":\"text\",\"token\":\"conf2012\"" },
	{ "case and width fold", "{\"id\":\"2\",\"text\":\"#CONF2012 #ｃｏｎｆ１２\"}",
	  true, "", "", "Conf2012|conf12", NULL },
	{ "structured tags first", "{\"id\":\"3\",\"text\":\"x #conf12\",\"tags\":[\"CONF12\"]}",
	  true, "", "", "conf12", "\"field\":\"tags\",\"token\":\"CONF12\"" },
	{ "structured tag with hash", "{\"id\":\"3b\",\"text\":\"x\",\"tags\":[\"#Conf2012\"]}",
	  true, "", "", "Conf2012", NULL },
	{ "title counts like text", "{\"id\":\"4\",\"title\":\"Day one #conf2012\",\"text\":\"notes\"}",
	  true, "", "", "Conf2012", "\"field\":\"title\"" },
	{ "no event tag", "{\"id\":\"5\",\"text\":\"nothing here #other\"}",
	  false, "", "", "other", NULL },
	{ "alias shown as the curator wrote it", "{\"id\":\"6\",\"text\":\"#CONFBAKU\"}",
	  true, "", "", "confbaku", "\"by\":\"alias\"" },
	{ "hidden label matched, concept's tag shown", "{\"id\":\"7\",\"text\":\"#cnof2012 typo\"}",
	  true, "", "", "Conf2012", "\"by\":\"hidden\"" },
	{ "trusted source", "{\"id\":\"8\",\"source\":\"https://blog.example.org/feed\",\"text\":\"a post\"}",
	  true, "", "", "", "\"by\":\"source\"" },
	{ "tag in URL ignored", "{\"id\":\"9\",\"text\":\"https://x.org/p#conf2012\"}",
	  false, "", "", "", NULL },
	{ "digits-only tag ignored", "{\"id\":\"10\",\"text\":\"#2012 #1\"}",
	  false, "", "", "", NULL },
	{ "unknown tag keeps its casing", "{\"id\":\"11\",\"text\":\"#NetNeutrality #netneutrality\"}",
	  false, "", "", "NetNeutrality", NULL },
	{ "blocked tag neither matched nor shown", "{\"id\":\"12\",\"text\":\"#conf2012 #SpamTag\"}",
	  true, "", "", "Conf2012", NULL },
	{ "blocked account matches nothing",
	  "{\"id\":\"13\",\"author\":\"Spammer@bad.example\",\"text\":\"#conf2012 privacy\"}",
	  false, "", "", "", "\"by\":\"blocked-account\"" },
	/* themes, sessions and implication */
	{ "theme tag implies event", "{\"id\":\"20\",\"text\":\"#AccessDiversity\"}",
	  true, "access", "", "AccessDiversity", "\"concept\":\"conf\",\"kind\":\"event\",\"by\":\"narrower\"" },
	{ "session implies theme", "{\"id\":\"21\",\"text\":\"in #ws165 now\"}",
	  true, "access", "ws165", "ws165", "\"concept\":\"access\",\"kind\":\"theme\",\"by\":\"narrower\",\"token\":\"ws165\"" },
	{ "two sessions two themes, ontology order", "{\"id\":\"22\",\"text\":\"#ws85 then #ws165\"}",
	  true, "access|privacy", "ws165|ws85", "ws85|ws165", NULL },
	{ "keyword alone: theme, not event", "{\"id\":\"23\",\"text\":\"The digital divide is real\"}",
	  false, "access", "", "", "\"by\":\"keyword\",\"field\":\"text\",\"token\":\"digital divide\"" },
	{ "keyword needs whole words", "{\"id\":\"24\",\"text\":\"digitaldivide and privacyrights\"}",
	  false, "", "", "", NULL },
	{ "keyword across case and punctuation", "{\"id\":\"25\",\"text\":\"DIGITAL—Divide!\"}",
	  false, "access", "", "", NULL },
	{ "session keyword implies theme", "{\"id\":\"26\",\"text\":\"on Blocking and Filtering\"}",
	  false, "access", "ws165", "", NULL },
	{ "keyword in title", "{\"id\":\"27\",\"title\":\"Privacy\",\"text\":\"x\"}",
	  false, "privacy", "", "", "\"field\":\"title\"" },
	{ "feed category as words", "{\"id\":\"28\",\"text\":\"x\",\"tags\":[\"Data Protection\"]}",
	  false, "privacy", "", "", "\"field\":\"tags\",\"token\":\"data protection\"" },
	{ "hidden phrase", "{\"id\":\"29\",\"text\":\"acess and diversity session\"}",
	  false, "access", "", "", "\"by\":\"hidden\"" },
	{ "longer phrase and its part", "{\"id\":\"30\",\"text\":\"the Internet Governance Forum\"}",
	  false, "stock", "", "", NULL },
	/* languages and scripts */
	{ "french", "{\"id\":\"40\",\"text\":\"La fracture numérique et la vie privée #conf2012\",\"lang\":\"fr\"}",
	  true, "access|privacy", "", "Conf2012", NULL },
	{ "french decomposed accents", "{\"id\":\"41\",\"text\":\"la fracture nume\u0301rique\"}",
	  false, "access", "", "", NULL },
	{ "russian", "{\"id\":\"42\",\"text\":\"ЦИФРОВОЙ РАЗРЫВ растёт #Conf2012\"}",
	  true, "access", "", "Conf2012", NULL },
	{ "arabic", "{\"id\":\"43\",\"text\":\"نقاش حول الفجوة الرقمية اليوم\"}",
	  false, "access", "", "", NULL },
	{ "chinese without spaces", "{\"id\":\"44\",\"text\":\"会议讨论了数字鸿沟问题\"}",
	  false, "access", "", "", NULL },
	{ "japanese", "{\"id\":\"45\",\"text\":\"デジタルデバイドについて\"}",
	  false, "access", "", "", NULL },
	{ "greek final sigma folds", "{\"id\":\"46\",\"text\":\"ΨΗΦΙΑΚΌ ΧΆΣΜΑ\"}",
	  false, "access", "", "", NULL },
	{ "azerbaijani", "{\"id\":\"47\",\"text\":\"Rəqəmsal bərabərsizlik haqqında\"}",
	  false, "access", "", "", NULL },
	{ "spanish no false match", "{\"id\":\"48\",\"text\":\"desconocimiento\"}",
	  false, "", "", "", NULL },
	{ "full-width keyword", "{\"id\":\"49\",\"text\":\"ｐｒｉｖａｃｙ\"}",
	  false, "privacy", "", "", NULL },
	{ "cyrillic hashtag unknown", "{\"id\":\"50\",\"text\":\"#Интернет\"}",
	  false, "", "", "Интернет", NULL },
	{ "zero-width in a word", "{\"id\":\"51\",\"text\":\"pri\u200bvacy\"}",
	  false, "privacy", "", "", NULL },
};

static struct ontology *onto;
static struct matcher *matcher;

static void join(struct buf *b, const struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			buf_addc(b, '|');
		buf_adds(b, sv->v[i]);
	}
}

static void test_row(void **state)
{
	const struct row *r = *state;
	struct post p;
	struct buf err = {0}, line = {0}, got = {0};
	rp_err e = post_parse_line(r->post, strlen(r->post), &p, &err);
	if (e)
		print_message("# %s: %s\n", r->name, buf_str(&err));
	assert_int_equal(e, RP_OK);
	struct match_why why;
	match_why_init(&why);
	matcher_match(matcher, &p, &why);
	match_write_json(onto, &p, &why, &line);

	bool ok = p.in_event == r->event;
	buf_reset(&got);
	join(&got, &p.themes);
	ok = ok && strcmp(buf_str(&got), r->themes) == 0;
	buf_reset(&got);
	join(&got, &p.sessions);
	ok = ok && strcmp(buf_str(&got), r->sessions) == 0;
	buf_reset(&got);
	for (size_t i = 0; i < why.n_tags; i++) {
		if (i)
			buf_addc(&got, '|');
		buf_add(&got, why.tags[i].display, why.tags[i].display_len);
	}
	ok = ok && strcmp(buf_str(&got), r->tags) == 0;
	ok = ok && (!r->why || strstr(buf_str(&line), r->why));
	if (!ok)
		print_message("# %s: got %s\n#   want event=%d themes=%s sessions=%s tags=%s why~%s\n",
		              r->name, buf_str(&line), r->event, r->themes, r->sessions, r->tags,
		              r->why ? r->why : "-");
	assert_true(ok);
	match_why_done(&why);
	post_done(&p);
	buf_done(&err);
	buf_done(&line);
	buf_done(&got);
}

/* The same post matched twice gives the same answer (scratch space is
 * reset), and without a why the result is the same. */
static void test_repeat(void **state)
{
	(void)state;
	const char *line = "{\"id\":\"r\",\"text\":\"#ws165 digital divide #conf2012\"}";
	struct post p;
	struct buf err = {0};
	assert_int_equal(post_parse_line(line, strlen(line), &p, &err), RP_OK);
	for (int i = 0; i < 3; i++) {
		matcher_match(matcher, &p, NULL);
		assert_true(p.in_event);
		assert_int_equal(p.themes.n, 1);
		assert_string_equal(p.themes.v[0], "access");
		assert_int_equal(p.sessions.n, 1);
	}
	post_done(&p);
	buf_done(&err);
}

/* A curation change applies to new posts once the matcher is rebuilt. */
static void test_after_curation(void **state)
{
	(void)state;
	struct buf err = {0};
	const char *line = "{\"id\":\"c\",\"text\":\"#NetNeutrality\"}";
	struct post p;
	assert_int_equal(post_parse_line(line, strlen(line), &p, &err), RP_OK);
	matcher_match(matcher, &p, NULL);
	assert_int_equal(p.themes.n, 0);
	assert_int_equal(ontology_add_alias(onto, "privacy", "netneutrality", &err), RP_OK);
	assert_true(matcher_version(matcher) != ontology_version(onto));
	matcher_free(matcher);
	matcher = matcher_new(onto);
	matcher_match(matcher, &p, NULL);
	assert_int_equal(p.themes.n, 1);
	assert_string_equal(p.themes.v[0], "privacy");
	assert_true(p.in_event);
	post_done(&p);
	buf_done(&err);
}

int main(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/tags/test.yaml", test_srcdir());
	struct buf err = {0};
	if (ontology_load(path, &onto, &err) != RP_OK) {
		fputs(buf_str(&err), stderr);
		return 1;
	}
	buf_done(&err);
	matcher = matcher_new(onto);
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	table_add(&tb, "same post twice", test_repeat);
	table_add(&tb, "after a curation change", test_after_curation);
	int failed = table_run(&tb, "match");
	matcher_free(matcher);
	ontology_free(onto);
	return failed;
}
