/* tests/feeds/libxml-missing.c - parsing without libxml2: the fast path
 * still reads plain documents, and a document that needs libxml2 (the
 * library fetchers/libxml.c opens at first use) is bozo with a reason
 * naming it, with nothing crashing; entries streamed before a late
 * decline stay streamed. RAPPORTEUR_LIBXML2 points the loader
 * at a file that does not exist; it is set before the first parse, as
 * the loader reads it once per process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "fetchers/feed.h"

static const char plain[] =
	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>"
	"<item><title>one</title><link>https://x.example/1</link></item></channel></rss>\n";

/* a DOCTYPE: the fast path declines it */
static const char doctype[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY e \"x\">]>\n<rss version=\"2.0\"><channel>"
	"<title>&e;</title><item><title>one</title></item></channel></rss>\n";

static void test_plain_needs_no_libxml2(void **state)
{
	(void)state;
	struct buf err = { 0 };
	struct feed f;
	assert_int_equal(feed_parse(plain, sizeof plain - 1, &f, &err), RP_OK);
	assert_int_equal(f.format, FEED_FORMAT_RSS);
	assert_false(f.bozo);
	assert_int_equal(f.n_entries, 1);
	feed_done(&f);
	buf_done(&err);
}

/* Twice: the second parse meets the failure the loader remembered. */
static void test_doctype_is_bozo_naming_libxml2(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct buf err = { 0 };
		struct feed f;
		assert_int_equal(feed_parse(doctype, sizeof doctype - 1, &f, &err), RP_OK);
		assert_true(f.bozo);
		assert_non_null(f.bozo_reason);
		assert_non_null(strstr(f.bozo_reason, "cannot load libxml2"));
		assert_int_equal(f.n_entries, 0);
		feed_done(&f);
		buf_done(&err);
	}
}

/* declined late, after two entries (an undeclared entity in the third) */
static const char late[] =
	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>"
	"<item><title>one</title></item><item><title>two</title></item>"
	"<item><title>&nbsp;three</title></item></channel></rss>\n";

static void count_entry(void *ctx, const struct feed *f, const struct feed_entry *e)
{
	(void)f;
	(void)e;
	++*(int *)ctx;
}

/* A document the fast path declines late: the entries it streamed stay
 * streamed (they cannot be taken back; they are the first ones libxml2
 * would have given), collected ones are dropped, and either way the
 * feed is bozo naming libxml2. */
static void test_late_decline_keeps_streamed_entries(void **state)
{
	(void)state;
	struct buf err = { 0 };
	struct feed f;
	int n = 0;
	assert_int_equal(feed_parse_stream(late, sizeof late - 1, &f, &(struct feed_stream){ .entry = count_entry, .ctx = &n }, &err),
	                 RP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f.n_streamed, 2);
	assert_true(f.bozo);
	assert_non_null(strstr(f.bozo_reason, "cannot load libxml2"));
	feed_done(&f);
	assert_int_equal(feed_parse(late, sizeof late - 1, &f, &err), RP_OK);
	assert_int_equal(f.n_entries, 0);
	assert_non_null(strstr(f.bozo_reason, "cannot load libxml2"));
	feed_done(&f);
	buf_done(&err);
}

int main(void)
{
	if (setenv("RAPPORTEUR_LIBXML2", "/nonexistent/libxml2.so.2", 1) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_needs_no_libxml2),
		cmocka_unit_test(test_doctype_is_bozo_naming_libxml2),
		cmocka_unit_test(test_late_decline_keeps_streamed_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
