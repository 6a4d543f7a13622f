/* fetchers/feed.h - one parsed feed document (RSS, RDF, Atom, JSON Feed).
 *
 * feed_parse reads the raw bytes of a document (no HTTP headers, no
 * network) and fills a struct feed: the feed-level fields and, one by
 * one, the entries. The parse is streaming: XML goes through libxml2's
 * SAX2 interface and only the entry being read is held; with an entry
 * callback nothing else is kept, so memory stays a small multiple of the
 * largest entry; with a progress callback the caller hears how far the
 * parse has got in its bytes, and may let go of those behind it. Every
 * string is valid UTF-8, normalised as FEED_SCHEMA.md says, never empty
 * (NULL instead).
 *
 * The caller owns a struct feed (feed_parse fills it, feed_done frees
 * it); the feed owns every string and entry it points to. An entry handed
 * to a callback is lent for the duration of the call only. */
#ifndef RP_FEED_H
#define RP_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/post.h"
#include "core/strv.h"

enum feed_format {
	FEED_FORMAT_NONE = 0, /* not a feed (HTML page, OPML, empty, unknown root) */
	FEED_FORMAT_RSS,      /* RSS 0.91-0.94, 2.0 */
	FEED_FORMAT_RDF,      /* RSS 0.90 / 1.0 */
	FEED_FORMAT_ATOM,     /* Atom 0.3 / 1.0 */
	FEED_FORMAT_JSON,     /* JSON Feed 1.0 / 1.1 */
};

struct feed_enclosure {
	char *url;        /* never NULL; resolved against xml:base */
	char *type;       /* MIME type as written (trimmed); NULL when absent */
	int64_t length;   /* bytes; -1 when absent or not all digits */
};

/* Media RSS (media:content, media:thumbnail): kept for the product, not
 * part of the schema JSON. */
struct feed_media {
	char *url;        /* never NULL */
	char *type;       /* MIME type, else the medium ("image"); may be NULL */
	char *thumbnail;  /* preview image URL; may be NULL */
	char *alt;        /* media:description / media:title, plain text; may be NULL */
	int64_t length;   /* bytes (fileSize); -1 when unknown */
};

struct feed_entry {
	char *id;           /* guid / id / rdf:about; may be NULL */
	char *link;         /* may be NULL */
	char *title;        /* plain text; may be NULL */
	char *author;       /* plain text; may be NULL */
	char *summary_text; /* plain text; may be NULL */
	char *lang;         /* xml:lang / dc:language / JSON language in scope; may be NULL */
	int64_t published;  /* UTC seconds; meaningful only when has_published */
	int64_t updated;    /* UTC seconds; meaningful only when has_updated */
	bool has_published;
	bool has_updated;
	struct strv tags;   /* plain text, non-empty, no duplicates, at most RP_FEED_MAX_TAGS */
	struct feed_enclosure *enclosures; /* n_enclosures, owned, unique urls */
	size_t n_enclosures, cap_enclosures;
	struct feed_media *media;          /* n_media, owned */
	size_t n_media, cap_media;
};

struct feed {
	enum feed_format format;
	char *title;        /* plain text; NULL when none or format NONE */
	char *link;         /* NULL when none or format NONE */
	char *lang;         /* feed language; may be NULL */
	bool bozo;          /* the input was not a clean document */
	char *bozo_reason;  /* first problem seen, for diagnostics; may be NULL */
	struct feed_entry *entries; /* n_entries, owned (empty when a callback took them) */
	size_t n_entries, cap_entries;
	size_t n_streamed;  /* entries handed to a feed_entry_fn instead */
};

/* Called once per finished entry, in document order. The entry is lent:
 * copy what you keep. The feed is the one being filled: its title, link
 * and bozo are final only when the parse returns (the title and link may
 * come after the entries, and a document may be found broken, and read
 * again, after its first entries were handed out). */
typedef void (*feed_entry_fn)(void *ctx, const struct feed *feed,
                              const struct feed_entry *entry);

void feed_init(struct feed *f);
void feed_done(struct feed *f);             /* frees everything; f is empty after */
void feed_entry_init(struct feed_entry *e);
void feed_entry_done(struct feed_entry *e); /* frees everything; e is empty after */

/* Told how far the parse has got in the caller's bytes, for a caller
 * that holds them in memory it can let go of as the parse moves on
 * (cli/cmd-parse.c drops the pages of its file mapping behind it).
 * offset indexes the bytes given to feed_parse_stream, 0 <= offset <= n:
 * the pass over them under way has read bytes[0..offset) and keeps
 * nothing it needs of them (what it keeps, it copied).
 *
 * A parse may pass over the bytes more than once: the UTF-8 check of an
 * XML document reads all of it before the XML reading starts again from
 * its beginning, and when the fast path declines (feed_xml.c), late
 * perhaps (restart), the repairs' scans and libxml2 read the document
 * again from its start. Within a pass the
 * offsets never decrease; each pass begins with a report of the offset
 * it starts at, so a report lower than the one before it means a new
 * pass, which reads the bytes from there again. So the bytes before an
 * offset may still be read: a caller may only let go of memory that
 * comes back, the same, when touched (the pages of a read-only file
 * mapping), never free or reuse it before the parse returns.
 *
 * Reports come now and then, not per byte: after each chunk of about
 * 1 MiB of the UTF-8 check, after each entry of the fast path
 * (xml_fast.c), after each 256 KiB slice fed to libxml2; the repairs'
 * scans (feed_repair.c) report only their start and end. A pass over a
 * copy of the bytes (a document in another encoding, or mended by
 * feed_repair.c) reports nothing, nor does a JSON document. */
typedef void (*feed_progress_fn)(void *ctx, size_t offset);

/* RP_ERR_LIMIT, with the reason appended to *err, when a document of n
 * bytes is over RP_FEED_MAX_BYTES (what feed_parse refuses); else
 * RP_OK. For a caller that knows the size before it reads. */
RP_MUST_CHECK rp_err feed_check_size(uint64_t n, struct buf *err);

/* Parse the document bytes[0..n). Broken input is not an error: the
 * parse recovers what it can and sets bozo. Returns RP_ERR_LIMIT (reason
 * appended to *err, *ret untouched) only when n > RP_FEED_MAX_BYTES.
 * On RP_OK *ret is filled (caller calls feed_done); entries are collected
 * into ret->entries. bytes is only read, never kept. */
RP_MUST_CHECK rp_err feed_parse(const char *bytes, size_t n, struct feed *ret,
                                struct buf *err);

/* What feed_parse_stream does with what it reads, and what the caller
 * knows of the bytes already. */
struct feed_stream {
	feed_entry_fn entry;        /* each entry, instead of collecting it; NULL: collected */
	feed_progress_fn progress;  /* told how far the parse has got; NULL: not told */
	void *ctx;                  /* for both */
	/* Whether the bytes, all n of them, are valid UTF-8 (utf8_is_valid):
	 * 1 yes, -1 no, 0 not known (the parse checks). For a caller that
	 * found out more cheaply than the parse would: cli/cmd-parse.c reads
	 * a mapped file through read(2) into a small buffer to check it, so
	 * that the XML reading is the first to touch the mapping, and the
	 * pages let go of behind it are not mapped twice. */
	int utf8;
};

/* As feed_parse, but each entry goes to how->entry (when non-NULL)
 * instead of being collected: ret->entries stays empty; and
 * how->progress (when non-NULL) is told how far the parse has got in
 * bytes (see feed_progress_fn). how may be NULL: as feed_parse. */
RP_MUST_CHECK rp_err feed_parse_stream(const char *bytes, size_t n, struct feed *ret,
                                       const struct feed_stream *how, struct buf *err);

/* Short name of a format: "rss", "rdf", "atom", "json"; NULL for NONE. */
const char *feed_format_name(enum feed_format fmt);

/* The FEED_SCHEMA.md JSON (schema v1) of f and its collected entries,
 * appended to out as one line. */
void feed_write_json(struct buf *out, const struct feed *f);

/* The same JSON written piecewise, for streaming: begin opens the object
 * and the entries array, entry appends one entry, end closes the array
 * and writes the feed-level keys (which may have been read after the
 * entries; key order is free in the schema). */
void feed_json_begin(struct buf *out);
void feed_json_entry(struct buf *out, const struct feed_entry *e, bool first);
void feed_json_end(struct buf *out, const struct feed *f);

/* A feed_entry_fn (ctx: a struct feed_json_out) that writes each entry
 * it is handed with feed_json_entry: the entries of the streamed JSON,
 * between feed_json_begin and feed_json_end of out. */
struct feed_json_out {
	struct buf *out;   /* lent */
	size_t n;          /* entries written so far */
};
void feed_json_on_entry(void *ctx, const struct feed *f, const struct feed_entry *e);

/* Map one entry onto a post (core/post.h) for import: id (else the link),
 * url, author, title, text = summary_text, dates, tags = categories,
 * media from enclosures and Media RSS, lang. source is copied when non-NULL.
 * RP_ERR_INPUT (reason appended to *err) when the entry has neither id
 * nor link, or none of title, text, link. On RP_OK *ret is filled; the
 * caller owns it (post_done). */
RP_MUST_CHECK rp_err feed_entry_to_post(const struct feed *f, const struct feed_entry *e,
                                        const char *source, struct post *ret, struct buf *err);

#endif
