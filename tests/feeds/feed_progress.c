/* tests/feeds/feed_progress.c - the progress reports of feed_parse_stream
 * (fetchers/feed.h, feed_progress_fn), which cli/cmd-parse.c follows to
 * let go of the mapped file behind the parse.
 *
 * Every report is an offset in [0, n]; they never decrease within a pass
 * over the bytes, and a new pass begins with a report lower than the
 * last. A multi-MiB document read as it is makes two passes (the UTF-8
 * check, then the fast path), the first reaching n, the second the end
 * of the last entry; one the fast path declines late in its last entry
 * two more, the repairs' scans and libxml2, from the start to n. The
 * UTF-8 check is cut into chunks of 1 MiB, and its verdict is the whole
 * document's, wherever a character falls against a cut. A caller that
 * says whether the bytes are UTF-8 (feed_stream.utf8) spares the check:
 * one pass fewer, the same result. A document read through a copy, or
 * JSON, reports only what was read of the caller's bytes. Whatever is
 * reported, the parse gives what it gives without reports. Failing rows
 * are printed; each test fails once at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "fetchers/feed.h"
#include "fetchers/feed_xml.h"

#define MIB ((size_t)1 << 20)

/* The reports of one parse, and its streamed JSON. */
struct rec {
	size_t *off;
	size_t n, cap;
	struct buf json;
	bool first;
};

static void on_entry(void *ctx, const struct feed *f, const struct feed_entry *e)
{
	struct rec *r = ctx;
	(void)f;
	feed_json_entry(&r->json, e, r->first);
	r->first = false;
}

static void on_progress(void *ctx, size_t offset)
{
	struct rec *r = ctx;
	r->off = rp_grow(r->off, sizeof *r->off, r->n + 1, &r->cap);
	r->off[r->n++] = offset;
}

/* doc[0..n) streamed as `rapporteur parse` writes it, with progress
 * reports into r when progress, without when not; the JSON in r->json
 * with the bozo reason appended (it is not in the schema JSON). */
static void parse_known(const char *doc, size_t n, bool progress, int utf8, struct rec *r)
{
	struct buf err = { 0 };
	struct feed f;
	memset(r, 0, sizeof *r);
	r->first = true;
	feed_json_begin(&r->json);
	struct feed_stream how = { on_entry, progress ? on_progress : NULL, r, utf8 };
	if (feed_parse_stream(doc, n, &f, &how, &err) == RP_OK) {
		feed_json_end(&r->json, &f);
		buf_printf(&r->json, "\nreason: %s", f.bozo_reason ? f.bozo_reason : "-");
		feed_done(&f);
	}
	buf_done(&err);
}

static void parse(const char *doc, size_t n, bool progress, struct rec *r)
{
	parse_known(doc, n, progress, 0, r);
}

static void rec_done(struct rec *r)
{
	rp_free(r->off);
	buf_done(&r->json);
}

#define MAX_PASSES 4

/* The passes of r: where each begins in r->off, then r->n, in
 * starts[0..k]; their number k. False when an offset is past n or there
 * are more than MAX_PASSES. */
static bool passes(const struct rec *r, size_t n, size_t starts[MAX_PASSES + 1], size_t *ret_n)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->off[i] > n)
			return false;
		if (i == 0 || r->off[i] < r->off[i - 1]) {
			if (k == MAX_PASSES)
				return false;
			starts[k++] = i;
		}
	}
	starts[k] = r->n;
	*ret_n = k;
	return true;
}

/* The last report of pass p (p < k; starts as from passes). */
static size_t pass_end(const struct rec *r, const size_t starts[MAX_PASSES + 1], size_t p)
{
	return r->off[starts[p + 1] - 1];
}

/* Whether there is a pass p of k, from `from` to `to`. */
static bool pass_is(const struct rec *r, const size_t starts[MAX_PASSES + 1], size_t k, size_t p,
                    size_t from, size_t to)
{
	return p < k && r->off[starts[p]] == from && pass_end(r, starts, p) == to;
}

static bool same_json(const struct rec *a, const struct rec *b)
{
	return a->json.len == b->json.len && !memcmp(a->json.data, b->json.data, a->json.len);
}

/* Build an RSS document of at least min bytes: items with non-ASCII
 * text (2-, 3- and 4-byte characters) and references, then one with
 * `last` in it. */
static void rss_doc(struct buf *b, size_t min, const char *bom, const char *last)
{
	buf_reset(b);
	buf_adds(b, bom);
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
	            "<title>Progress</title><link>https://x.example/</link>\n");
	for (int i = 0; b->len < min; i++)
		buf_printf(b, "<item><guid>https://x.example/%d</guid><title>Caf\xc3\xa9 %d \xe2\x82\xac "
		              "\xf0\x9f\x8e\x89</title><description>&lt;p&gt;Z\xc3\xbcrich, "
		              "\xc3\x8ele-de-France &amp; more: %0200d&lt;/p&gt;</description></item>\n",
		           i, i, i);
	buf_printf(b, "<item><guid>https://x.example/last</guid><title>Last</title>%s</item>\n", last);
	buf_adds(b, "</channel></rss>\n");
}

static void atom_doc(struct buf *b, size_t min)
{
	buf_reset(b);
	buf_adds(b, "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	            "<title>Progress</title>\n");
	for (int i = 0; b->len < min; i++)
		buf_printf(b, "<entry><id>tag:x.example,2026:%d</id><title>\xe2\x80\x94 %d</title>"
		              "<content type=\"html\">&lt;b&gt;%0300d&lt;/b&gt; \xf0\x9f\x98\x80</content>"
		              "</entry>\n", i, i, i);
	buf_adds(b, "</feed>\n");
}

/* The offset just past the last occurrence of tag in b; their number in
 * *ret_n. */
static size_t after_last(const struct buf *b, const char *tag, size_t *ret_n)
{
	size_t t = strlen(tag), at = 0, k = 0;
	for (size_t i = 0; i + t <= b->len; i++)
		if (!memcmp(b->data + i, tag, t)) {
			at = i + t;
			k++;
		}
	*ret_n = k;
	return at;
}

/* ---- passes and offsets ------------------------------------------------ */

static const struct pass_row {
	const char *what;
	int kind;            /* 0 RSS, 1 Atom */
	const char *bom;
	const char *last;    /* in the last RSS item */
	bool late;           /* declined late: the fast path stops short, two passes follow */
} pass_rows[] = {
	{ "RSS, 3 MiB: the UTF-8 check to n, the fast path to the last </item>", 0, "", "", false },
	{ "RSS after a BOM: offsets count the BOM", 0, "\xef\xbb\xbf", "", false },
	{ "Atom, 3 MiB: the fast path to the last </entry>", 1, "", "", false },
	{ "RSS declined late in its last item: the repairs' scans, then libxml2, to n", 0, "",
	  "<x>&nbsp;</x>", true },
};

static void test_passes(void **state)
{
	(void)state;
	int fails = 0;
	feed_xml_set_fast(true);
	for (size_t i = 0; i < sizeof pass_rows / sizeof pass_rows[0]; i++) {
		const struct pass_row *row = &pass_rows[i];
		struct buf doc = { 0 };
		if (row->kind == 0)
			rss_doc(&doc, 3 * MIB, row->bom, row->last);
		else
			atom_doc(&doc, 3 * MIB);
		size_t n = doc.len, skip = strlen(row->bom);
		size_t entries;
		size_t entry_end = after_last(&doc, row->kind == 0 ? "</item>" : "</entry>", &entries);
		struct rec with, without;
		parse(doc.data, n, true, &with);
		parse(doc.data, n, false, &without);
		size_t starts[MAX_PASSES + 1], k = 0;
		bool in_range = passes(&with, n, starts, &k);
		/* the check: from the start of the text to n, every MiB or so */
		bool check = pass_is(&with, starts, k, 0, skip, n) && k > 1 && starts[1] > n / MIB;
		/* the fast path: from the start, one report an entry, to the last
		 * entry's end, or short of it when it declines late; then the
		 * repairs' scans and libxml2, each from the start to n */
		bool fast = row->late ? k == 4 && with.off[starts[1]] == skip &&
		                        pass_end(&with, starts, 1) < entry_end &&
		                        pass_is(&with, starts, k, 2, skip, n) &&
		                        pass_is(&with, starts, k, 3, skip, n)
		                      : pass_is(&with, starts, k, 1, skip, entry_end) &&
		                        starts[2] - starts[1] == entries + 1;
		bool ok = in_range && k == (row->late ? 4u : 2u) && check && fast &&
		          same_json(&with, &without);
		if (!ok) {
			print_message("# row %zu (%s): %zu reports, %zu passes (in range: %d), n %zu, "
			              "last entry ends at %zu, same JSON: %d\n", i, row->what, with.n, k,
			              in_range, n, entry_end, same_json(&with, &without));
			for (size_t p = 0; in_range && p < k; p++)
				print_message("#   pass %zu: %zu .. %zu\n", p, with.off[starts[p]],
				              pass_end(&with, starts, p));
			fails++;
		}
		rec_done(&with);
		rec_done(&without);
		buf_done(&doc);
	}
	assert_int_equal(fails, 0);
}

/* ---- the UTF-8 check in chunks ----------------------------------------- */

/* A feed whose comment holds 2.5 MiB of one character of 2 to 4 bytes,
 * the first shifted by pad bytes, so the cuts of the check fall on every
 * byte of a character; then `tail` written at the offset MIB - back. */
static void comment_doc(struct buf *b, const char *ch, size_t pad, const char *tail, size_t back)
{
	buf_reset(b);
	buf_adds(b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>c</title><!-- ");
	for (size_t i = 0; i < pad; i++)
		buf_addc(b, 'a');
	while (b->len < 5 * MIB / 2)
		buf_adds(b, ch);
	if (tail)
		memcpy(b->data + MIB - back, tail, strlen(tail));
	buf_adds(b, " --><item><title>one</title></item></channel></rss>\n");
}

static const struct check_row {
	const char *what;
	const char *ch;      /* the character repeated */
	const char *tail;    /* bytes written before the first cut; NULL: none */
	size_t back;         /* how far before MIB they start */
	bool valid;          /* the document is UTF-8 */
} check_rows[] = {
	{ "two-byte characters across the cut", "\xc3\xa9", NULL, 0, true },
	{ "three-byte characters across the cut", "\xe2\x82\xac", NULL, 0, true },
	{ "four-byte characters across the cut", "\xf0\x9f\x8e\x89", NULL, 0, true },
	{ "a character cut short just before the cut", "\xf0\x9f\x8e\x89", "ab\xf0\x9f", 4, false },
	{ "a stray continuation byte at the cut", "a", "\x80", 0, false },
	{ "a lead byte just before the cut, then ASCII", "a", "\xe2", 1, false },
	{ "eight continuation bytes across the cut", "a", "\x80\x80\x80\x80\x80\x80\x80\x80", 4,
	  false },
	{ "an overlong form across the cut", "a", "\xc0\xaf", 1, false },
};

static void test_check_chunks(void **state)
{
	(void)state;
	int fails = 0;
	feed_xml_set_fast(true);
	for (size_t i = 0; i < sizeof check_rows / sizeof check_rows[0]; i++) {
		const struct check_row *row = &check_rows[i];
		for (size_t pad = 0; pad < 4; pad++) {
			struct buf doc = { 0 };
			comment_doc(&doc, row->ch, pad, row->tail, row->back);
			struct rec with, without;
			parse(doc.data, doc.len, true, &with);
			parse(doc.data, doc.len, false, &without);
			/* as UTF-8, or declared so but read as windows-1252 */
			bool as_utf8 = !strstr(buf_str(&without.json), "parsed as");
			/* the first cut is at MIB, wherever that falls in a
			 * character (utf8_stream keeps the bytes it cut) */
			bool cut_there = !row->valid || (with.n >= 2 && with.off[1] == MIB);
			bool ok = as_utf8 == row->valid && cut_there && with.n >= 1 &&
			          same_json(&with, &without);
			if (!ok) {
				print_message("# row %zu (%s), pad %zu: read as UTF-8 %d (want %d), "
				              "first cut at MIB %d, %zu reports, same result %d\n", i,
				              row->what, pad, as_utf8, row->valid, cut_there, with.n,
				              same_json(&with, &without));
				fails++;
			}
			rec_done(&with);
			rec_done(&without);
			buf_done(&doc);
		}
	}
	assert_int_equal(fails, 0);
}

/* ---- documents not read as they are ------------------------------------ */

static const struct quiet_row {
	const char *what;
	const char *doc;
	size_t max_reports;
} quiet_rows[] = {
	{ "JSON Feed: no reports",
	  "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\"}]}", 0 },
	{ "declared ISO-8859-1, decoded into a copy: no reports",
	  "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel>"
	  "<item><title>caf\xe9</title></item></channel></rss>", 0 },
	{ "not UTF-8 though declared so: the check's reports only",
	  "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
	  "<item><title>caf\xe9</title></item></channel></rss>", 1 },
	{ "mended by feed_repair.c (a bare &): the check, the fast path's start, the repairs' "
	  "start and end, nothing of the copy",
	  "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	  "<item><title>a & b</title></item></channel></rss>", 5 },
};

static void test_quiet(void **state)
{
	(void)state;
	int fails = 0;
	feed_xml_set_fast(true);
	for (size_t i = 0; i < sizeof quiet_rows / sizeof quiet_rows[0]; i++) {
		const struct quiet_row *row = &quiet_rows[i];
		size_t n = strlen(row->doc);
		struct rec with, without;
		parse(row->doc, n, true, &with);
		parse(row->doc, n, false, &without);
		size_t starts[MAX_PASSES + 1], k;
		bool ok = with.n <= row->max_reports && passes(&with, n, starts, &k) &&
		          same_json(&with, &without);
		if (!ok) {
			print_message("# row %zu (%s): %zu reports (at most %zu)\n", i, row->what, with.n,
			              row->max_reports);
			fails++;
		}
		rec_done(&with);
		rec_done(&without);
	}
	assert_int_equal(fails, 0);
}

/* ---- the caller knows (feed_stream.utf8) -------------------------------- */

static void test_known(void **state)
{
	(void)state;
	int fails = 0;
	feed_xml_set_fast(true);
	static const char *const boms[] = { "", "\xef\xbb\xbf" };
	for (size_t i = 0; i < 2; i++) {
		struct buf doc = { 0 };
		rss_doc(&doc, 2 * MIB, boms[i], "");
		struct rec known, checked;
		parse_known(doc.data, doc.len, true, 1, &known);
		parse(doc.data, doc.len, true, &checked);
		size_t starts[MAX_PASSES + 1], k = 0, kc = 0;
		bool ok = passes(&known, doc.len, starts, &k) && k == 1 &&
		          known.off[0] == strlen(boms[i]) && passes(&checked, doc.len, starts, &kc) &&
		          kc == 2 && same_json(&known, &checked);
		if (!ok) {
			print_message("# UTF-8 known, BOM %zu: %zu passes (want 1), checked %zu (want 2), "
			              "same JSON %d\n", i, k, kc, same_json(&known, &checked));
			fails++;
		}
		rec_done(&known);
		rec_done(&checked);
		buf_done(&doc);
	}
	/* not UTF-8, and said so: read as windows-1252, as when checked */
	static const char latin1[] = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	                             "<item><title>caf\xe9</title></item></channel></rss>";
	struct rec known, checked;
	parse_known(latin1, sizeof latin1 - 1, false, -1, &known);
	parse(latin1, sizeof latin1 - 1, false, &checked);
	if (!same_json(&known, &checked) || !strstr(buf_str(&known.json), "caf\xc3\xa9")) {
		print_message("# not UTF-8, known: %s\n", buf_str(&known.json));
		fails++;
	}
	rec_done(&known);
	rec_done(&checked);
	assert_int_equal(fails, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_check_chunks),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
