/* tests/tagger/test-export.c - `tags export` round-trip: an exported
 * ontology loads back to the same ontology (same concepts, labels, tags,
 * keywords, times, blocklist), and exporting it again gives the same
 * bytes. Rows are ontologies; the last is changed by curation first. */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "tagger/ontology.h"

struct row {
	const char *name;
	const char *path;        /* relative to SRCDIR */
	bool curate;             /* apply curation changes before exporting */
};

static const struct row rows[] = {
	{ "default tags.yaml", "tags.yaml", false },
	{ "test ontology", "tests/data/tags/test.yaml", false },
	{ "after curation", "tests/data/tags/test.yaml", true },
};

static void same_strv(const struct strv *a, const struct strv *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

static void same_concept(const struct concept *a, const struct concept *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->n_labels, b->n_labels);
	for (size_t i = 0; i < a->n_labels; i++) {
		assert_string_equal(a->labels[i].lang, b->labels[i].lang);
		assert_string_equal(a->labels[i].text, b->labels[i].text);
	}
	same_strv(&a->hashtags, &b->hashtags);
	same_strv(&a->aliases, &b->aliases);
	same_strv(&a->hidden, &b->hidden);
	same_strv(&a->keywords, &b->keywords);
	same_strv(&a->related, &b->related);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->end, b->end);
	assert_true((a->parent == NULL) == (b->parent == NULL));
	if (a->parent)
		assert_string_equal(a->parent->id, b->parent->id);
	assert_int_equal(a->n_sessions, b->n_sessions);
}

static void test_row(void **state)
{
	const struct row *r = *state;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_srcdir(), r->path);
	struct buf err = {0}, out1 = {0}, out2 = {0};
	struct ontology *a = NULL, *b = NULL;
	assert_int_equal(ontology_load(path, &a, &err), RP_OK);
	if (r->curate) {
		assert_int_equal(ontology_add_alias(a, "access", "DigitalDivide", &err), RP_OK);
		assert_int_equal(ontology_add_concept(a, "netneutrality", "Net \"neutrality\"",
		                                      "privacy", "NetNeutrality", &err), RP_OK);
		assert_int_equal(ontology_add_concept(a, "newtheme", "A new theme", NULL, NULL, &err),
		                 RP_OK);
		assert_int_equal(ontology_block_tag(a, "followback", &err), RP_OK);
		ontology_block_account(a, "troll@x.example");
	}
	ontology_export(a, &out1);
	char tmp[] = "/tmp/rp-export-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out1.data, out1.len), (ssize_t)out1.len);
	close(fd);
	rp_err e = ontology_load(tmp, &b, &err);
	if (e)
		print_message("# %s", buf_str(&err));
	assert_int_equal(e, RP_OK);
	unlink(tmp);

	same_concept(ontology_event(a), ontology_event(b));
	assert_int_equal(ontology_n_concepts(a), ontology_n_concepts(b));
	for (size_t i = 0; i < ontology_n_concepts(a); i++) {
		/* export writes sessions under their theme: compare by id */
		const struct concept *ca = ontology_concept(a, i);
		const struct concept *cb = ontology_find(b, ca->id);
		assert_non_null(cb);
		same_concept(ca, cb);
	}
	same_strv(ontology_blocked_tags(a), ontology_blocked_tags(b));
	same_strv(ontology_blocked_accounts(a), ontology_blocked_accounts(b));
	same_strv(ontology_trusted_sources(a), ontology_trusted_sources(b));
	assert_string_equal(ontology_timezone(a), ontology_timezone(b));

	ontology_export(b, &out2);
	assert_string_equal(out1.data, out2.data);
	ontology_free(a);
	ontology_free(b);
	buf_done(&err);
	buf_done(&out1);
	buf_done(&out2);
}

int main(void)
{
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	return table_run(&tb, "export");
}
