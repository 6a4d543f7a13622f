/* tests/tagger/test-ontology.c - tags.yaml loading and validation.
 *
 * Golden cases: tests/data/tags/bad/NAME.yaml must give exactly the
 * messages in NAME.err (RP_REGEN=1 rewrites the .err files; review that
 * diff like code). Then the accessors on tests/data/tags/test.yaml and
 * the default tags.yaml. */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "tagger/ontology.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, got);
	fclose(f);
	if (!b.data)
		buf_add(&b, "", 0);
	return buf_detach(&b);
}

struct bad_row {
	const char *name;
};

static const struct bad_row bad_rows[] = {
	{ "unknown-key" },        /* unknown keys, with the nearest valid one */
	{ "duplicates" },         /* duplicate keys, ids, hashtags (any case or width) */
	{ "sessions-outside" },   /* sessions at the top, in the event, in a session */
	{ "times" },              /* bad times, end before start, bad time zone */
	{ "tabs" },               /* a tab in the indentation */
	{ "alias" },              /* YAML aliases are refused, not expanded */
	{ "values" },             /* bad ids, tags, languages, keywords, related, blocked */
	{ "syntax" },             /* a YAML syntax error */
};

static void test_bad(void **state)
{
	const struct bad_row *row = *state;
	char yaml[256], errpath[256];
	snprintf(yaml, sizeof yaml, "bad/%s.yaml", row->name);
	snprintf(errpath, sizeof errpath, "bad/%s.err", row->name);
	struct buf err = {0};
	struct ontology *o = NULL;
	rp_err e = ontology_load(yaml, &o, &err);
	assert_int_not_equal(e, RP_OK);
	assert_null(o);
	const char *regen = getenv("RP_REGEN");
	if (regen && *regen == '1') {
		FILE *f = fopen(errpath, "wb");
		assert_non_null(f);
		fputs(buf_str(&err), f);
		fclose(f);
	}
	char *want = slurp(errpath);
	assert_non_null(want);
	if (strcmp(want, buf_str(&err)) != 0)
		print_message("# %s: got\n%s# want\n%s", row->name, buf_str(&err), want);
	assert_string_equal(buf_str(&err), want);
	free(want);
	buf_done(&err);
}

static struct ontology *load_ok(const char *path)
{
	struct buf err = {0};
	struct ontology *o = NULL;
	rp_err e = ontology_load(path, &o, &err);
	if (e)
		print_message("# %s", buf_str(&err));
	assert_int_equal(e, RP_OK);
	buf_done(&err);
	return o;
}

static void test_model(void **state)
{
	(void)state;
	struct ontology *o = load_ok("test.yaml");
	assert_string_equal(ontology_event_id(o), "conf");
	assert_string_equal(ontology_timezone(o), "Asia/Baku");
	assert_int_equal(ontology_n_themes(o), 3);
	assert_int_equal(ontology_n_concepts(o), 5);

	const struct concept *ws = ontology_find(o, "ws165");
	assert_non_null(ws);
	assert_int_equal(ws->kind, CONCEPT_SESSION);
	assert_string_equal(ws->parent->id, "access");
	assert_string_equal(ws->room, "Room 3");
	/* Baku was UTC+4 in November 2012: 11:00 local is 07:00Z */
	assert_int_equal(ws->start, date_from_civil(2012, 11, 7, 7, 0, 0));
	assert_int_equal(ws->end, date_from_civil(2012, 11, 7, 8, 30, 0));
	assert_int_equal(ontology_event(o)->end, date_from_civil(2012, 11, 9, 14, 0, 0));

	const struct concept *access = ontology_find(o, "access");
	assert_string_equal(concept_label(access, "fr"), "Accès et diversité");
	assert_string_equal(concept_label(access, "pt-BR"), "Acesso e diversidade");
	assert_string_equal(concept_label(access, "ru"), "Access and Diversity");
	assert_string_equal(concept_label(access, NULL), "Access and Diversity");
	assert_string_equal(concept_display_tag(access), "AccessDiversity");
	assert_int_equal(access->n_sessions, 1);
	assert_null(ontology_find(o, "conf"));     /* the event is not a theme/session */
	assert_null(ontology_find(o, "nothing"));

	const char *how = NULL;
	assert_ptr_equal(ontology_tag_owner(o, "#ＣＯＮＦ２０１２", &how), ontology_event(o));
	assert_string_equal(how, "hashtag");
	assert_ptr_equal(ontology_tag_owner(o, "A2K", &how), access);
	assert_string_equal(how, "alias");
	assert_ptr_equal(ontology_tag_owner(o, "cnof2012", &how), ontology_event(o));
	assert_string_equal(how, "hidden");
	assert_null(ontology_tag_owner(o, "unknown", NULL));
	assert_true(ontology_tag_blocked(o, "#SpamTag"));
	assert_true(ontology_account_blocked(o, "Spammer@bad.example"));
	assert_false(ontology_account_blocked(o, "someone"));
	ontology_free(o);
}

static void test_curation_changes(void **state)
{
	(void)state;
	struct ontology *o = load_ok("test.yaml");
	struct buf err = {0};
	uint64_t v = ontology_version(o);
	assert_int_equal(ontology_add_alias(o, "access", "#DigitalDivide", &err), RP_OK);
	assert_ptr_equal(ontology_tag_owner(o, "digitaldivide", NULL), ontology_find(o, "access"));
	assert_true(ontology_version(o) > v);
	/* claimed already, by another concept */
	assert_int_equal(ontology_add_alias(o, "privacy", "digitaldivide", &err), RP_ERR_INPUT);
	assert_int_equal(ontology_add_alias(o, "nope", "x1", &err), RP_ERR_NOTFOUND);
	assert_int_equal(ontology_add_alias(o, "access", "not a tag", &err), RP_ERR_INPUT);
	assert_int_equal(ontology_add_concept(o, "netneutrality", "Net neutrality", "privacy",
	                                      "NetNeutrality", &err), RP_OK);
	const struct concept *nn = ontology_find(o, "netneutrality");
	assert_non_null(nn);
	assert_int_equal(nn->kind, CONCEPT_SESSION);
	assert_string_equal(nn->parent->id, "privacy");
	assert_int_equal(ontology_add_concept(o, "netneutrality", "Again", NULL, NULL, &err),
	                 RP_ERR_INPUT);
	assert_int_equal(ontology_block_tag(o, "a2k", &err), RP_OK);
	assert_null(ontology_tag_owner(o, "a2k", NULL));
	assert_true(ontology_tag_blocked(o, "A2K"));
	assert_int_equal(ontology_find(o, "access")->aliases.n, 1); /* DigitalDivide left */
	ontology_block_account(o, "troll@x.example");
	assert_true(ontology_account_blocked(o, "TROLL@x.example"));
	buf_done(&err);
	ontology_free(o);
}

static void test_default(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof path, "%s/tags.yaml", test_srcdir());
	struct ontology *o = load_ok(path);
	assert_string_equal(ontology_event_id(o), "igf2012");
	assert_non_null(ontology_tag_owner(o, "IGF12", NULL));
	static const char *const main_themes[] = { "access-diversity", "ig4d", "emerging-issues",
		"cir", "sop", "taking-stock", "human-rights", "development" };
	for (size_t i = 0; i < sizeof main_themes / sizeof main_themes[0]; i++) {
		const struct concept *c = ontology_find(o, main_themes[i]);
		assert_non_null(c);
		assert_int_equal(c->kind, CONCEPT_THEME);
	}
	static const char *const ws[][2] = { { "ws145", "taking-stock" }, { "ws85", "taking-stock" },
		{ "ws165", "access-diversity" }, { "ws191", "access-diversity" } };
	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
		const struct concept *c = ontology_find(o, ws[i][0]);
		assert_non_null(c);
		assert_string_equal(c->parent->id, ws[i][1]);
	}
	ontology_free(o);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct buf err = {0};
	struct ontology *o = NULL;
	assert_int_equal(ontology_load("no-such-file.yaml", &o, &err), RP_ERR_IO);
	assert_non_null(strstr(buf_str(&err), "no-such-file.yaml: "));
	buf_done(&err);
}

int main(void)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/data/tags", test_srcdir());
	if (chdir(dir) != 0) {
		perror(dir);
		return 1;
	}
	struct table tb = {0};
	TABLE_ROWS(&tb, bad_rows, test_bad);
	table_add(&tb, "model", test_model);
	table_add(&tb, "curation changes", test_curation_changes);
	table_add(&tb, "default tags.yaml", test_default);
	table_add(&tb, "missing file", test_missing_file);
	return table_run(&tb, "ontology");
}
