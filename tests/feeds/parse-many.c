/* tests/feeds/parse-many.c - `rapporteur parse` over many files in one
 * process, for fastpath-diff.py.
 *
 * Reads file paths from stdin, one a line; for each writes a line
 * "\x1e PATH" to stdout and to stderr, then what `rapporteur parse PATH`
 * writes on stdout (feed_parse and feed_write_json: the CLI streams the
 * same document entry by entry, and tests/fuzz/fuzz-parse.c holds the
 * two writers equal), or "error: CODE: MESSAGE". One process instead of
 * one per file: the fuzz corpus alone is 8,000 files, and process
 * start-up (libxml2, ICU) dominates for small documents.
 * RAPPORTEUR_XML_FAST applies as in the CLI; with `trace` the verdict
 * of each document follows its marker line on stderr. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "fetchers/feed.h"

static void parse_one(const char *path)
{
	struct buf in = { 0 }, out = { 0 }, err = { 0 };
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
	struct feed f;
	rp_err r = feed_parse(in.data ? in.data : "", in.len, &f, &err);
	if (r == RP_OK) {
		feed_write_json(&out, &f);
		fwrite(out.data, 1, out.len, stdout);
		feed_done(&f);
	} else {
		printf("error: %d: %s\n", rp_err_exit_status(r), buf_str(&err));
	}
	buf_done(&in);
	buf_done(&out);
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
