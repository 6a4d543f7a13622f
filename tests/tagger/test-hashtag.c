/* tests/tagger/test-hashtag.c - hashtags found in text as Mastodon and
 * Bluesky find them. Each row: text, and the tags expected ("|"-joined,
 * without '#'). */
#include "tests/tagger/table.h"

#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "tagger/hashtag.h"

struct row {
	const char *name;
	const char *text;
	const char *want;
};

static const struct row rows[] = {
	{ "plain", "at #igf2012 today", "igf2012" },
	{ "start and end", "#a1 middle #b2", "a1|b2" },
	{ "case kept", "#IGF2012 and #igf2012", "IGF2012|igf2012" },
	{ "digits only is no tag", "room #1 and #2012", "" },
	{ "digits then letters", "#2012igf", "2012igf" },
	{ "underscore", "#ws_165 and #_x", "ws_165|_x" },
	{ "punctuation ends", "(#igf12), #igf12. #igf12!", "igf12|igf12|igf12" },
	{ "not inside a word", "foo#bar x#y", "" },
	{ "not after slash or paren", "a/#b c)#d", "" },
	{ "not in a URL", "see https://igf.org/page#section and http://x.org/#igf", "" },
	{ "www URL", "www.example.org/#tag then #real", "real" },
	{ "after URL", "https://x.org #after", "after" },
	{ "full-width sign", "\xEF\xBC\x83igf2012 x", "igf2012" },
	{ "full-width letters", "#\xEF\xBC\xA9\xEF\xBC\xA7\xEF\xBC\xA6", "\xEF\xBC\xA9\xEF\xBC\xA7\xEF\xBC\xA6" },
	{ "cyrillic", "Форум #интернет2012 идёт", "интернет2012" },
	{ "arabic", "منتدى #حوكمة_الإنترنت اليوم", "حوكمة_الإنترنت" },
	{ "chinese", "互联网 #互联网治理 论坛", "互联网治理" },
	{ "japanese", "今日は#インターネット 統治", "" },
	{ "japanese after space", "今日は #インターネット", "インターネット" },
	{ "combining marks", "#cafe\xCC\x81 ok", "cafe\xCC\x81" },
	{ "devanagari marks", "#\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80", "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80" },
	{ "emoji ends a tag", "#igf\xF0\x9F\x98\x80 x", "igf" },
	{ "keycap is no tag", "#\xEF\xB8\x8F\xE2\x83\xA3 x", "" },
	{ "double hash", "##igf", "igf" },
	{ "bare hash", "# igf #", "" },
	{ "zero-width space ends", "#igf\xE2\x80\x8Bx", "igf" },
	{ "invalid bytes end", "#ab\xFF\x63", "ab" },
	{ "html entity lookalike", "&#39;s #ok", "ok" },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct hashtag_span spans[RP_POST_MAX_TAGS];
	size_t n = hashtag_extract(r->text, strlen(r->text), spans, RP_POST_MAX_TAGS);
	struct buf got = {0};
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&got, '|');
		buf_add(&got, r->text + spans[i].off, spans[i].len);
	}
	if (strcmp(buf_str(&got), r->want) != 0)
		print_message("# %s: \"%s\" gave \"%s\", want \"%s\"\n", r->name, r->text,
		              buf_str(&got), r->want);
	assert_string_equal(buf_str(&got), r->want);
	buf_done(&got);
}

struct valid_row {
	const char *name;
	const char *tag;
	bool valid;
};

static const struct valid_row valid_rows[] = {
	{ "valid: letters", "igf2012", true },
	{ "valid: digits only", "2012", false },
	{ "valid: empty", "", false },
	{ "valid: space", "a b", false },
	{ "valid: hash inside", "a#b", false },
	{ "valid: cyrillic", "интернет", true },
	{ "valid: too long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	{ "valid: bidi override", "ab\xE2\x80\xAE" "cd", false },
};

static void test_valid(void **state)
{
	const struct valid_row *r = *state;
	assert_int_equal(hashtag_is_valid(r->tag, strlen(r->tag)), r->valid);
}

static void test_cap(void **state)
{
	(void)state;
	struct hashtag_span spans[3];
	assert_int_equal(hashtag_extract("#a #b #c #d #e", 14, spans, 3), 3);
}

int main(void)
{
	struct table tb = {0};
	TABLE_ROWS(&tb, rows, test_row);
	TABLE_ROWS(&tb, valid_rows, test_valid);
	table_add(&tb, "at most max spans", test_cap);
	return table_run(&tb, "hashtag");
}
