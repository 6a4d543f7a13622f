/* tests/tagger/test-mine.c - discovery of the hashtags used beside the
 * agreed ones, on tests/data/tags/test.yaml and the posts of
 * tests/data/tags/mine.jsonl. Each row: a tag and what the miner must say
 * of it (verdict, concept, counts), or that it is not suggested. */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/post.h"
#include "tagger/match.h"
#include "tagger/mine.h"
#include "tagger/ontology.h"

struct row {
	const char *name;
	const char *tag;          /* display form expected (the most used casing) */
	int verdict;              /* enum mine_verdict; -1: must not be suggested */
	const char *concept;      /* concept id expected */
	unsigned uses, authors;
};

static const struct row rows[] = {
	{ "alias of the event, most used casing", "ConfAZ", MINE_ALIAS_OF_EVENT, "conf", 4, 3 },
	{ "near a theme", "NetNeutrality", MINE_NEAR_CONCEPT, "privacy", 3, 3 },
	{ "near a session before its theme; a tie shows capitals", "Filtering", MINE_NEAR_CONCEPT,
	  "ws165", 2, 2 },
	{ "unplaced", "selfie", MINE_UNPLACED, "conf", 2, 1 },
	{ "known tags are not suggested", "Conf2012", -1, NULL, 0, 0 },
	{ "blocked tags are not suggested", "spamtag", -1, NULL, 0, 0 },
	{ "used once: below the threshold", "once", -1, NULL, 0, 0 },
};

static struct mine_suggestion *sugg;
static size_t n_sugg;

static void test_row(void **state)
{
	const struct row *r = *state;
	const struct mine_suggestion *s = NULL;
	for (size_t i = 0; i < n_sugg; i++)
		if (strcasecmp(sugg[i].tag, r->tag) == 0)
			s = &sugg[i];
	if (r->verdict < 0) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	if ((int)s->verdict != r->verdict || strcmp(s->concept->id, r->concept) != 0)
		print_message("# %s: %s\n", r->name, s->text);
	assert_string_equal(s->tag, r->tag);
	assert_int_equal(s->verdict, r->verdict);
	assert_string_equal(s->concept->id, r->concept);
	assert_int_equal(s->uses, r->uses);
	assert_int_equal(s->authors, r->authors);
	assert_non_null(strstr(s->text, r->tag));
}

static void test_ranking(void **state)
{
	(void)state;
	for (size_t i = 1; i < n_sugg; i++)
		assert_true(sugg[i - 1].score >= sugg[i].score);
	/* first and last seen come from the posts' times */
	for (size_t i = 0; i < n_sugg; i++)
		if (strcmp(sugg[i].tag, "ConfAZ") == 0) {
			assert_int_equal(sugg[i].first, 1352192400); /* 2012-11-06T09:00:00Z */
			assert_int_equal(sugg[i].last, 1352372400);  /* 2012-11-08T11:00:00Z */
		}
}

int main(void)
{
	char path[1024];
	struct buf err = {0};
	struct ontology *o = NULL;
	snprintf(path, sizeof path, "%s/tests/data/tags/test.yaml", test_srcdir());
	if (ontology_load(path, &o, &err) != RP_OK) {
		fputs(buf_str(&err), stderr);
		return 1;
	}
	snprintf(path, sizeof path, "%s/tests/data/tags/mine.jsonl", test_srcdir());
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	struct matcher *m = matcher_new(o);
	struct miner *mn = miner_new(o);
	struct match_why why;
	match_why_init(&why);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		struct post p;
		buf_reset(&err);
		if (strlen(line) < 3 || post_parse_line(line, strlen(line), &p, &err) != RP_OK)
			continue;
		matcher_match(m, &p, &why);
		miner_add(mn, &p, &why);
		post_done(&p);
	}
	fclose(f);
	n_sugg = miner_suggest(mn, 2, 100, &sugg);
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	table_add(&tb, "ranking and times", test_ranking);
	int failed = table_run(&tb, "mine");
	mine_suggestions_free(sugg, n_sugg);
	match_why_done(&why);
	miner_free(mn);
	matcher_free(m);
	ontology_free(o);
	buf_done(&err);
	return failed;
}
