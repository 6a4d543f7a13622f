/* tests/fuzz/fuzz-xml-fast.c - libFuzzer target for the XML fast path
 * (fetchers/xml_fast.c) against libxml2.
 *
 * Each input is one document, parsed and written as JSON (feed_parse,
 * feed_write_json: fuzz-parse.c holds the streaming writer of
 * `rapporteur parse` equal to it) twice: with the fast path tried
 * first, and with libxml2 only. The two must be byte-identical; a
 * difference aborts, with both printed, so libFuzzer keeps the input. A document the fast path declines goes to
 * libxml2 both times, so every difference is one the fast path made.
 * The harness frees everything it allocates before returning, so
 * LeakSanitizer sees the parser's leaks only. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fetchers/feed.h"
#include "fetchers/feed_xml.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* The JSON of the input into b (an error as "error: MESSAGE"). */
static void parse(const unsigned char *data, size_t size, bool fast, struct buf *b)
{
	struct buf err = { 0 };
	struct feed f;
	feed_xml_set_fast(fast);
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
		fprintf(stderr, "fuzz-xml-fast: the paths differ\n--- fast path:\n%s\n--- libxml2:\n%s\n",
		        buf_str(&fast), buf_str(&slow));
		abort();
	}
	buf_done(&fast);
	buf_done(&slow);
	return 0;
}
