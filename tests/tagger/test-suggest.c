/* tests/tagger/test-suggest.c - cleaning what the public suggests. Each
 * row: raw input, the display form and key expected, or the error. */
#include "tests/tagger/table.h"

#include <string.h>

#include "core/buf.h"
#include "tagger/suggest.h"

struct row {
	const char *name;
	const char *in;
	const char *display;   /* NULL: refused */
	const char *key;
	rp_err err;
};

static const struct row rows[] = {
	{ "plain", "NetNeutrality", "NetNeutrality", "netneutrality", RP_OK },
	{ "hash dropped", "#igfbaku", "igfbaku", "igfbaku", RP_OK },
	{ "full-width hash and letters", "＃ＩＧＦ", "ＩＧＦ", "igf", RP_OK },
	{ "spaces trimmed", "  #tag  ", "tag", "tag", RP_OK },
	{ "bidi override stripped", "ab\xE2\x80\xAE" "cd", "abcd", "abcd", RP_OK },
	{ "bidi isolate stripped", "\xE2\x81\xA6" "tag\xE2\x81\xA9", "tag", "tag", RP_OK },
	{ "zero-width stripped", "t\xE2\x80\x8Bo\xE2\x80\x8Dk\xEF\xBB\xBF", "tok", "tok", RP_OK },
	{ "control stripped", "t\x01" "a\x7Fg", "tag", "tag", RP_OK },
	{ "invalid bytes", "ta\xFFg", NULL, NULL, RP_ERR_INPUT },
	{ "space inside", "net neutrality", NULL, NULL, RP_ERR_INPUT },
	{ "digits only", "#2012", NULL, NULL, RP_ERR_INPUT },
	{ "empty", "   ", NULL, NULL, RP_ERR_INPUT },
	{ "only a hash", "#", NULL, NULL, RP_ERR_INPUT },
	{ "punctuation", "<script>", NULL, NULL, RP_ERR_INPUT },
	{ "too long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, NULL,
	  RP_ERR_LIMIT },
	{ "cyrillic kept", "#Интернет", "Интернет", "интернет", RP_OK },
	{ "ligature folds", "#ﬁnance", "ﬁnance", "finance", RP_OK },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct buf d = {0}, k = {0}, err = {0};
	rp_err e = suggest_clean_tag(r->in, strlen(r->in), &d, &k, &err);
	if (e != r->err)
		print_message("# %s: got %d (%s), want %d\n", r->name, e, buf_str(&err), r->err);
	assert_int_equal(e, r->err);
	if (r->display) {
		assert_string_equal(buf_str(&d), r->display);
		assert_string_equal(buf_str(&k), r->key);
	} else {
		assert_int_equal(d.len, 0);
		assert_true(err.len > 0);
	}
	buf_done(&d);
	buf_done(&k);
	buf_done(&err);
}

struct text_row {
	const char *name;
	const char *in;
	size_t max;
	const char *want;
};

static const struct text_row text_rows[] = {
	{ "text: spaces collapse", "  a \t b\n\nc  ", 100, "a b c" },
	{ "text: controls go", "a\x01\x02" "b", 100, "ab" },
	{ "text: cut at a character", "ééé", 5, "éé" },
	{ "text: bidi goes", "x\xE2\x80\xAEy", 100, "xy" },
	{ "text: invalid repaired", "a\xFF" "b", 100, "a\xEF\xBF\xBD" "b" },
};

static void test_text(void **state)
{
	const struct text_row *r = *state;
	struct buf out = {0};
	suggest_clean_text(r->in, strlen(r->in), r->max, &out);
	assert_string_equal(buf_str(&out), r->want);
	buf_done(&out);
}

int main(void)
{
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	TABLE_ROWS(&tb, text_rows, test_text);
	return table_run(&tb, "suggest");
}
