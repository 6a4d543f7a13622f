/* tests/feeds/parse-many.c - `rapporteur parse` over many files in one
 * process, for fastpath-diff.py.
 *
 * Reads file paths from stdin, one a line; for each writes a line
 * "\x1e PATH" to stdout and to stderr, then the document parsed twice:
 * streamed, exactly as `rapporteur parse PATH` writes it (cli/cmd-parse.c:
 * feed_parse_stream, each entry written as it comes, the feed-level keys
 * last), and collected (feed_parse, feed_write_json), each after a line
 * naming it; or "error: CODE: MESSAGE". Both, because they differ in how
 * a document found broken late in the fast path is read again: the
 * streamed entries already written stay written (fetchers/feed_xml.c,
 * restart), the collected ones are dropped and collected again. One
 * process instead of one per file: the fuzz corpus alone is 8,000 files,
 * and process start-up (libxml2, ICU) dominates for small documents.
 * RAPPORTEUR_XML_FAST applies as in the CLI; with `trace` the verdicts
 * of each document follow its marker line on stderr. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "fetchers/feed.h"

static void parse_one(const char *path)
{
	struct buf in = { 0 }, err = { 0 };
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		printf("error: cannot open\n");
		return;
	}
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&in, chunk, got);
	fclose(fp);
	const char *bytes = in.data ? in.data : "";
	struct feed f;
	struct buf b = { 0 };
	struct feed_json_out s = { &b, 0 };
	feed_json_begin(&b);
	rp_err r = feed_parse_stream(bytes, in.len, &f, &(struct feed_stream){ .entry = feed_json_on_entry, .ctx = &s }, &err);
	if (r == RP_OK) {
		feed_json_end(&b, &f);
		feed_done(&f);
		printf("streamed:\n");
		fwrite(b.data, 1, b.len, stdout);
		buf_reset(&b);
		r = feed_parse(bytes, in.len, &f, &err);
	}
	if (r == RP_OK) {
		feed_write_json(&b, &f);
		feed_done(&f);
		printf("collected:\n");
		fwrite(b.data, 1, b.len, stdout);
	} else {
		printf("error: %d: %s\n", rp_err_exit_status(r), buf_str(&err));
	}
	buf_done(&in);
	buf_done(&b);
	buf_done(&err);
}

int main(void)
{
	char path[4096];
	while (fgets(path, sizeof path, stdin)) {
		path[strcspn(path, "\n")] = 0;
		printf("\x1e %s\n", path);
		fflush(stdout);
		fprintf(stderr, "\x1e %s\n", path);
		parse_one(path);
		fflush(stdout);
	}
	return 0;
}
