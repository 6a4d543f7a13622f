/* tests/fuzz/fuzz-xml-fast.c - libFuzzer target for the XML fast path
 * (fetchers/xml_fast.c) against libxml2.
 *
 * Each input is one document, parsed twice with the fast path tried
 * first and twice with libxml2 only: collected (feed_parse,
 * feed_write_json) and streamed as `rapporteur parse` writes it
 * (feed_parse_stream, each entry written as it is handed out, the
 * feed-level keys last). Fast and slow must be byte-identical, each way.
 * The fast path reads in one pass and may decline late, after entries
 * were handed out; the document is then read again and the entries
 * already given are skipped (fetchers/feed_xml.c, restart): the streamed
 * comparison holds that to giving each entry once, and the same ones.
 * A difference aborts, with both printed, so libFuzzer keeps the input.
 * A document the fast path declines at once goes to libxml2 both times,
 * so every difference is one the fast path made. The harness frees
 * everything it allocates before returning, so LeakSanitizer sees the
 * parser's leaks only. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fetchers/feed.h"
#include "fetchers/feed_xml.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* The JSON of the input into b, streamed then collected (an error as
 * "error: MESSAGE"). */
static void parse(const unsigned char *data, size_t size, bool fast, struct buf *b)
{
	struct buf err = { 0 };
	struct feed f;
	struct feed_json_out w = { b, 0 };
	feed_xml_set_fast(fast);
	feed_json_begin(b);
	if (feed_parse_stream((const char *)data, size, &f, &(struct feed_stream){ .entry = feed_json_on_entry, .ctx = &w }, &err) == RP_OK) {
		feed_json_end(b, &f);
		feed_done(&f);
	} else {
		buf_printf(b, "error: %s", buf_str(&err));
	}
	buf_adds(b, "\n--- collected:\n");
	buf_reset(&err);
	if (feed_parse((const char *)data, size, &f, &err) == RP_OK) {
		feed_write_json(b, &f);
		feed_done(&f);
	} else {
		buf_printf(b, "error: %s", buf_str(&err));
	}
	buf_done(&err);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct buf fast = { 0 }, slow = { 0 };
	parse(data, size, true, &fast);
	parse(data, size, false, &slow);
	if (fast.len != slow.len || memcmp(buf_str(&fast), buf_str(&slow), fast.len)) {
		fprintf(stderr, "fuzz-xml-fast: the paths differ\n--- fast path, streamed:\n%s\n"
		        "--- libxml2, streamed:\n%s\n", buf_str(&fast), buf_str(&slow));
		abort();
	}
	buf_done(&fast);
	buf_done(&slow);
	return 0;
}
