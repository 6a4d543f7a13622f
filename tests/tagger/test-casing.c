/* tests/tagger/test-casing.c - the spelling shown for a tag not in the
 * ontology (tagger/casing.h). Each row: the spellings of one tag in the
 * order posts used them (space-separated), and the spelling expected
 * after each use (what `rapporteur tag` prints for that post) and at the
 * end. */
#include "tests/tagger/table.h"

#include <stdio.h>
#include <string.h>

#include "tagger/casing.h"

struct row {
	const char *name;
	const char *uses;      /* spellings, in order, space-separated */
	const char *shown;     /* the best after each use, space-separated */
};

static const struct row rows[] = {
	{ "one spelling", "netneutrality", "netneutrality" },
	{ "the most used wins", "igfbaku IGFBaku igfbaku", "igfbaku IGFBaku igfbaku" },
	{ "a tie shows CamelCase", "netneutrality NetNeutrality", "netneutrality NetNeutrality" },
	{ "CamelCase before capitals only", "NETNEUTRALITY NetNeutrality",
	  "NETNEUTRALITY NetNeutrality" },
	{ "capitals before none", "filtering FILTERING", "filtering FILTERING" },
	{ "a full tie: the first seen", "NetNeutrality NetNEUTRALITY NetNEUTRALITY NetNeutrality",
	  "NetNeutrality NetNeutrality NetNEUTRALITY NetNeutrality" },
	{ "full-width forms are the same tag", "ＩＧＦ igf igf", "ＩＧＦ ＩＧＦ igf" },
	{ "other scripts: Cyrillic capitals", "интернет Интернет", "интернет Интернет" },
	{ "Greek final sigma folds", "ΣΟΦΙΑ σοφια σοφια", "ΣΟΦΙΑ ΣΟΦΙΑ σοφια" },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct casings *c = casings_new();
	char uses[256], shown[256];
	snprintf(uses, sizeof uses, "%s", r->uses);
	snprintf(shown, sizeof shown, "%s", r->shown);
	char *su = NULL, *ss = NULL, *last = NULL;
	char *u = strtok_r(uses, " ", &su), *want = strtok_r(shown, " ", &ss);
	for (; u; u = strtok_r(NULL, " ", &su), want = strtok_r(NULL, " ", &ss)) {
		assert_non_null(want);
		const char *w = want ? want : "";
		size_t len = 0;
		const char *got = casings_add(c, u, strlen(u), &len);
		if (len != strlen(w) || memcmp(got, w, len) != 0)
			print_message("# %s: after %s: got %.*s, want %s\n", r->name, u, (int)len, got,
			              w);
		assert_int_equal(len, strlen(w));
		assert_memory_equal(got, w, len);
		last = want;
	}
	assert_null(want);
	size_t len = 0;
	const char *best = casings_best(c, "NOT-COUNTED", 11, &len);
	assert_null(best);
	best = casings_best(c, r->uses, strcspn(r->uses, " "), &len);
	assert_non_null(best);
	assert_memory_equal(best, last, len);
	casings_free(c);
}

struct class_row {
	const char *name;
	const char *s;
	int cls;
};

static const struct class_row class_rows[] = {
	{ "class: lowercase", "igf2012", 0 },
	{ "class: digits only", "2012", 0 },
	{ "class: capitals", "IGF2012", 1 },
	{ "class: CamelCase", "IgfBaku", 2 },
	{ "class: full-width capitals", "ＩＧＦ", 1 },
	{ "class: Azerbaijani dotted I", "İnternet", 2 },
};

static void test_class(void **state)
{
	const struct class_row *r = *state;
	assert_int_equal(casing_class(r->s, strlen(r->s)), r->cls);
}

int main(void)
{
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	TABLE_ROWS(&tb, class_rows, test_class);
	return table_run(&tb, "casing");
}
