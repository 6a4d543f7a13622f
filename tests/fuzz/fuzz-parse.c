/* tests/fuzz/fuzz-parse.c - libFuzzer target for the feed parser and its
 * JSON writer (RELIABILITY.md F1, "feed XML parse+map, JSON map").
 *
 * Each input is one document. It goes through feed_parse and
 * feed_write_json, and through feed_parse_stream with the piecewise
 * writer; then the promises of fetchers/feed.h and FEED_SCHEMA.md are
 * checked, and any broken one aborts so libFuzzer keeps the input:
 *   - the JSON is valid UTF-8 and one strict JSON document (jansson, no
 *     NUL escapes) with every schema key;
 *   - both writers give the same document;
 *   - every string is valid UTF-8, non-empty, at most RP_FIELD_MAX_BYTES;
 *   - entries, tags and enclosures stay within core/limits.h;
 *   - progress offsets lie in [0, size].
 * Environment: FUZZ_PARSE_STRICT_REASON=1 also checks bozo_reason;
 * FUZZ_PARSE_LAX_UTF8=1 skips the struct-level UTF-8 check.
 * The harness owns everything it allocates and frees it before returning,
 * so LeakSanitizer sees the parser's leaks only. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "fetchers/feed.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Abort with a message: libFuzzer records the input as a crash. */
#define CHECK(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-parse: broken promise: %s (%s:%d)\n", \
		        (what), __FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

static bool strict_reason; /* FUZZ_PARSE_STRICT_REASON */
static bool lax_utf8;      /* FUZZ_PARSE_LAX_UTF8 */

static void check_str_(const char *s, bool may_be_long, const char *name)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (n == 0 || (!lax_utf8 && !utf8_is_valid(s, n))) {
		fprintf(stderr, "fuzz-parse: field %s (%zu bytes):", name, n);
		for (size_t i = 0; i < n && i < 160; i++)
			fprintf(stderr, " %02x", (unsigned char)s[i]);
		fputc('\n', stderr);
	}
	CHECK(n > 0, "empty string instead of NULL");
	CHECK(lax_utf8 || utf8_is_valid(s, n), "string is not valid UTF-8");
	/* A cut field may end with a few bytes of normalisation slack. */
	CHECK(may_be_long || n <= RP_FIELD_MAX_BYTES + 4, "field longer than RP_FIELD_MAX_BYTES");
}

#define check_str(s, may_be_long) check_str_((s), (may_be_long), #s)

static void check_entry(const struct feed_entry *e)
{
	check_str(e->id, false);
	check_str(e->link, false);
	check_str(e->title, false);
	check_str(e->author, false);
	check_str(e->summary_text, false);
	check_str(e->lang, false);
	CHECK(e->tags.n <= RP_FEED_MAX_TAGS, "more tags than RP_FEED_MAX_TAGS");
	for (size_t i = 0; i < e->tags.n; i++) {
		CHECK(e->tags.v[i] != NULL, "NULL tag");
		check_str(e->tags.v[i], false);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(e->tags.v[i], e->tags.v[j]) != 0, "duplicate tag");
	}
	CHECK(e->n_enclosures <= RP_FEED_MAX_ENCLOSURES, "more enclosures than RP_FEED_MAX_ENCLOSURES");
	for (size_t i = 0; i < e->n_enclosures; i++) {
		CHECK(e->enclosures[i].url != NULL, "enclosure without url");
		check_str(e->enclosures[i].url, false);
		check_str(e->enclosures[i].type, false);
		CHECK(e->enclosures[i].length >= -1, "negative enclosure length");
	}
	for (size_t i = 0; i < e->n_media; i++) {
		CHECK(e->media[i].url != NULL, "media without url");
		check_str(e->media[i].url, false);
		check_str(e->media[i].type, false);
		check_str(e->media[i].thumbnail, false);
		check_str(e->media[i].alt, false);
	}
}

static void check_feed_fields(const struct feed *f)
{
	CHECK(f->format >= FEED_FORMAT_NONE && f->format <= FEED_FORMAT_JSON, "format out of range");
	check_str(f->title, false);
	check_str(f->link, false);
	check_str(f->lang, false);
	/* bozo_reason is diagnostics only; its UTF-8 is checked only when
	 * FUZZ_PARSE_STRICT_REASON is set (it echoes raw bytes of bogus
	 * encoding names: regressions/fuzz-parse/bozo-reason-invalid-utf8.xml). */
	if (strict_reason)
		check_str(f->bozo_reason, true);
	if (f->format == FEED_FORMAT_NONE) {
		CHECK(!f->title && !f->link, "format null but title/link set");
		CHECK(f->n_entries == 0, "format null but entries");
	}
	CHECK(f->n_entries <= RP_FEED_MAX_ENTRIES, "more entries than RP_FEED_MAX_ENTRIES");
}

/* Parse out (the writer's bytes) strictly; return the document (owned). */
static json_t *check_json(const struct buf *out)
{
	json_error_t jerr;

	CHECK(out->len > 0, "empty JSON output");
	CHECK(utf8_is_valid(out->data, out->len), "JSON output is not valid UTF-8");
	json_t *doc = json_loadb(out->data, out->len, 0, &jerr);
	if (!doc)
		fprintf(stderr, "fuzz-parse: jansson: %s at %d\n", jerr.text, jerr.position);
	CHECK(doc != NULL, "JSON output does not parse");
	CHECK(json_is_object(doc), "JSON output is not an object");
	static const char *const keys[] = { "format", "title", "link", "bozo", "entries" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		CHECK(json_object_get(doc, keys[i]) != NULL, "JSON output lacks a schema key");
	CHECK(json_is_boolean(json_object_get(doc, "bozo")), "bozo is not a boolean");
	CHECK(json_is_array(json_object_get(doc, "entries")), "entries is not an array");
	return doc;
}

struct stream_ctx {
	struct buf out;
	size_t n;
	size_t size;   /* of the document, for on_progress */
};

static void on_entry(void *ctx, const struct feed *f, const struct feed_entry *e)
{
	struct stream_ctx *sc = ctx;

	(void)f;
	check_entry(e);
	feed_json_entry(&sc->out, e, sc->n == 0);
	sc->n++;
}

static void on_progress(void *ctx, size_t offset)
{
	const struct stream_ctx *sc = ctx;
	CHECK(offset <= sc->size, "progress offset past the end of the document");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strict_reason = getenv("FUZZ_PARSE_STRICT_REASON") != NULL;
	/* FUZZ_PARSE_LAX_UTF8: skip the UTF-8 check on struct strings (the
	 * JSON output is still checked), to fuzz past a known, reported bug. */
	lax_utf8 = getenv("FUZZ_PARSE_LAX_UTF8") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct feed f, fs;
	struct buf err, out;
	struct stream_ctx sc;
	json_t *doc = NULL, *sdoc = NULL;
	const char *bytes = (const char *)data;

	buf_init(&err);
	buf_init(&out);
	buf_init(&sc.out);
	sc.n = 0;
	sc.size = size;
	feed_init(&f);
	feed_init(&fs);

	rp_err rc = feed_parse(bytes, size, &f, &err);
	if (size > RP_FEED_MAX_BYTES) {
		CHECK(rc == RP_ERR_LIMIT, "oversized input not refused");
		goto out;
	}
	CHECK(rc == RP_OK, "feed_parse failed on input within the size cap");
	check_feed_fields(&f);
	for (size_t i = 0; i < f.n_entries; i++)
		check_entry(&f.entries[i]);
	feed_write_json(&out, &f);
	doc = check_json(&out);
	CHECK(json_array_size(json_object_get(doc, "entries")) == f.n_entries,
	      "JSON entry count differs from n_entries");

	/* The streaming path must see the same document. */
	buf_reset(&err);
	feed_json_begin(&sc.out);
	rc = feed_parse_stream(bytes, size, &fs, &(struct feed_stream){ .entry = on_entry, .progress = on_progress, .ctx = &sc }, &err);
	CHECK(rc == RP_OK, "feed_parse_stream failed where feed_parse did not");
	feed_json_end(&sc.out, &fs);
	CHECK(fs.n_entries == 0, "streaming parse collected entries");
	CHECK(sc.n == f.n_entries, "streaming parse saw a different entry count");
	CHECK(fs.bozo == f.bozo && fs.format == f.format, "streaming parse differs in bozo/format");
	sdoc = check_json(&sc.out);
	CHECK(json_equal(doc, sdoc), "streaming JSON differs from feed_write_json");

out:
	json_decref(doc);
	json_decref(sdoc);
	feed_done(&f);
	feed_done(&fs);
	buf_done(&err);
	buf_done(&out);
	buf_done(&sc.out);
	return 0;
}
