/* tests/feeds/feed_api.c - the fetchers/feed.h API beyond `rapporteur
 * parse`: collected vs streamed parses give the same JSON, entries map
 * onto posts (media, alt text, lang), limits are reported, also when the
 * fast path declines a document late, after the entry limit. TAP output,
 * one line per row of the table. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/post.h"
#include "fetchers/feed.h"
#include "fetchers/feed_xml.h"

static int n_test, n_fail;

static void check(int ok, const char *what)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_test, what);
}

static const char mastodon[] =
	"<?xml version=\"1.0\"?>\n"
	"<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
	"<title>NordConf</title><link>https://social.example/@nordconf</link><language>sv</language>"
	"<item><guid>https://social.example/@nordconf/1</guid><link>https://social.example/@nordconf/1</link>"
	"<pubDate>Tue, 07 Oct 2025 07:12:44 +0000</pubDate>"
	"<description>&lt;p&gt;Doors open at 08:30 #NordConf2025&lt;/p&gt;</description>"
	"<category>nordconf2025</category><category>keynote</category>"
	"<media:content url=\"https://files.example/a.png\" type=\"image/png\" fileSize=\"2048\" medium=\"image\">"
	"<media:description type=\"plain\">A map of the venue</media:description></media:content>"
	"<media:thumbnail url=\"https://files.example/a-small.png\"/>"
	"<enclosure url=\"https://files.example/talk.mp3\" type=\"audio/mpeg\" length=\"99\"/>"
	"<enclosure url=\"file:///etc/passwd\" type=\"text/plain\"/>"
	"</item>"
	"<item xml:lang=\"en\"><title>No id, only a title</title></item>"
	"</channel></rss>\n";

/* doc[0..n) streamed as `rapporteur parse` writes it, the fast path
 * tried first or not; the number of entries handed out in *ret_n. */
static void stream_json(const char *doc, size_t n, bool fast, struct buf *out, int *ret_n)
{
	struct buf err = { 0 };
	struct buf json = { 0 };
	struct feed_json_out s = { &json, 0 };
	struct feed f;
	feed_xml_set_fast(fast);
	feed_json_begin(&json);
	if (feed_parse_stream(doc, n, &f, &(struct feed_stream){ .entry = feed_json_on_entry, .ctx = &s }, &err) == RP_OK) {
		feed_json_end(&json, &f);
		feed_done(&f);
	}
	buf_reset(out);
	buf_add(out, json.data, json.len);
	*ret_n = s.n;
	buf_done(&json);
	buf_done(&err);
}

/* One more item than RP_FEED_MAX_ENTRIES, then `tail` before the end: the
 * fast path hands out the entries up to the limit, stops, and finds the
 * tail outside its subset only after (a stop does not end its checks),
 * so the document is read again, the given entries skipped. It must come
 * out as with libxml2 alone: each entry once, in order, the limit's bozo
 * reason (or the repair's, which comes first). */
static void test_limit_then_late_decline(const char *tail, const char *what)
{
	struct buf doc = { 0 }, fast = { 0 }, slow = { 0 };
	buf_adds(&doc, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>");
	for (int i = 0; i <= RP_FEED_MAX_ENTRIES; i++)
		buf_printf(&doc, "<item><guid>%d</guid></item>\n", i);
	buf_adds(&doc, tail);
	buf_adds(&doc, "</channel></rss>\n");
	int nf = 0, ns = 0;
	stream_json(doc.data, doc.len, true, &fast, &nf);
	stream_json(doc.data, doc.len, false, &slow, &ns);
	char line[160];
	snprintf(line, sizeof line, "entry limit, then %s: %d entries streamed, as with libxml2 alone",
	         what, nf);
	check(nf == RP_FEED_MAX_ENTRIES && ns == nf && fast.len == slow.len &&
	      !memcmp(fast.data, slow.data, fast.len), line);
	feed_xml_set_fast(true);
	buf_done(&doc);
	buf_done(&fast);
	buf_done(&slow);
}

int main(void)
{
	struct buf err = { 0 };
	struct feed f;
	rp_err r = feed_parse(mastodon, sizeof mastodon - 1, &f, &err);
	check(r == RP_OK, "feed_parse returns RP_OK");
	check(f.format == FEED_FORMAT_RSS && !f.bozo, "format rss, not bozo");
	check(f.n_entries == 2, "two entries collected");
	check(f.lang && !strcmp(f.lang, "sv"), "feed language from <language>");

	/* the streamed JSON equals the collected JSON */
	struct buf whole = { 0 };
	feed_write_json(&whole, &f);
	struct buf json = { 0 };
	struct feed_json_out s = { &json, 0 };
	struct feed g;
	feed_json_begin(&json);
	r = feed_parse_stream(mastodon, sizeof mastodon - 1, &g, &(struct feed_stream){ .entry = feed_json_on_entry, .ctx = &s }, &err);
	feed_json_end(&json, &g);
	check(r == RP_OK && g.n_entries == 0 && g.n_streamed == 2 && s.n == 2,
	      "feed_parse_stream hands entries to the callback and keeps none");
	check(!strcmp(buf_str(&whole), buf_str(&json)), "streamed JSON equals collected JSON");
	feed_done(&g);

	/* entry -> post */
	struct post p;
	r = feed_entry_to_post(&f, &f.entries[0], "https://social.example/@nordconf.rss", &p, &err);
	check(r == RP_OK, "first entry maps to a post");
	if (r == RP_OK) {
		check(p.id && !strcmp(p.id, "https://social.example/@nordconf/1"), "post id from guid");
		check(p.text && !strcmp(p.text, "Doors open at 08:30 #NordConf2025"), "post text is summary_text");
		check(p.published == 1759821164, "post published in UTC seconds");
		check(p.tags.n == 2, "categories become tags");
		check(p.lang && !strcmp(p.lang, "sv"), "lang falls back to the feed language");
		check(p.n_media == 2, "media: Media RSS item and the http enclosure, not file:");
		if (p.n_media == 2) {
			check(!strcmp(p.media[0].url, "https://files.example/a.png") &&
			      p.media[0].alt && !strcmp(p.media[0].alt, "A map of the venue") &&
			      p.media[0].thumbnail && !strcmp(p.media[0].thumbnail, "https://files.example/a-small.png") &&
			      p.media[0].length == 2048,
			      "media:content with alt text, thumbnail and size");
			check(!strcmp(p.media[1].url, "https://files.example/talk.mp3") && p.media[1].length == 99,
			      "enclosure as media");
		}
		post_done(&p);
	}
	buf_reset(&err);
	r = feed_entry_to_post(&f, &f.entries[1], NULL, &p, &err);
	check(r == RP_ERR_INPUT && strstr(buf_str(&err), "neither id nor link"),
	      "an entry without id or link is refused with a reason");
	check(f.entries[1].lang && !strcmp(f.entries[1].lang, "en"), "entry lang from xml:lang");
	feed_done(&f);

	/* JSON Feed: 20-digit ids survive */
	static const char big[] = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":"
	                          "[{\"id\":123456789012345678901,\"url\":\"https://x.example/1\"}]}";
	r = feed_parse(big, sizeof big - 1, &f, &err);
	check(r == RP_OK && f.format == FEED_FORMAT_JSON && f.n_entries == 1 &&
	      f.entries[0].id && !strcmp(f.entries[0].id, "123456789012345678901"),
	      "JSON Feed id past 64 bits read as its decimal string");
	feed_done(&f);

	/* limits */
	buf_reset(&err);
	r = feed_parse(mastodon, (size_t)RP_FEED_MAX_BYTES + 1, &f, &err);
	check(r == RP_ERR_LIMIT && strstr(buf_str(&err), "limit"), "input past RP_FEED_MAX_BYTES refused");

	test_limit_then_late_decline("<x>&nbsp;</x>", "an undeclared entity (read again by libxml2)");
	test_limit_then_late_decline("<x>a & b</x>", "a bare & (repaired, read again by the fast path)");

	buf_done(&whole);
	buf_done(&json);
	buf_done(&err);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
