/* fetchers/feed_xml.h - private: the state of one XML feed parse.
 *
 * fetchers/feed_xml.c drives libxml2's SAX2 interface and keeps the
 * element stack, xml:base/xml:lang scopes and the text captures;
 * fetchers/rss.c and fetchers/atom.c hold the element rules of their
 * formats (both apply inside one document: Atom elements inside RSS
 * items count). The rules follow the oracle (FEED_SCHEMA.md): one element
 * name table, text going to the innermost open capture, first/last
 * rules per field.
 *
 * Everything here is owned by struct fx and lives for one parse; the
 * per-entry buffers are reused from entry to entry. Not for use outside
 * fetchers/. */
#ifndef RP_FEED_XML_H
#define RP_FEED_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "core/buf.h"
#include "fetchers/feed.h"

/* Element kinds: the canonical names of the oracle (known namespace
 * prefix + lowercased local name), several names sharing one kind. */
enum el {
	EL_UNKNOWN = 0,
	EL_RSS, EL_CHANNEL, EL_FEED, EL_ITEM, EL_TITLE, EL_LINK, EL_DESCRIPTION,
	EL_ABSTRACT, EL_SUMMARY, EL_CONTENT, EL_CONTENT_ENCODED, EL_BODY, EL_GUID,
	EL_PUBLISHED, EL_UPDATED, EL_CREATED, EL_AUTHOR, EL_NAME, EL_EMAIL, EL_URI,
	EL_CATEGORY, EL_ENCLOSURE, EL_SOURCE, EL_IMAGE, EL_TEXTINPUT, EL_LANGUAGE,
	EL_TEXTCONSTRUCT, /* subtitle, tagline, rights, copyright, info: content, not output */
	EL_CONTRIBUTOR, EL_DC_CONTRIBUTOR, EL_PUBLISHER, EL_DIV,
	EL_MEDIA_CONTENT, EL_MEDIA_THUMBNAIL, EL_MEDIA_TEXT, /* media:description, media:title */
	EL_PREFIXED, /* an element of a known extension namespace without a rule */
};

/* What a capture collects text for. */
enum cap {
	CAP_DISCARD = 0, CAP_TITLE, CAP_SUMMARY, CAP_CONTENT, CAP_LINK, CAP_ID,
	CAP_PUBLISHED, CAP_UPDATED, CAP_AUTHOR, CAP_NAME, CAP_EMAIL, CAP_CATEGORY,
	CAP_LANGUAGE, CAP_SOURCE, CAP_MEDIA_TEXT, CAP_CONTENT_DISCARD,
};

struct capture {
	enum cap what;
	int depth;           /* element depth that opened it */
	bool content;        /* opened by a text construct (push_content) */
	bool keep;           /* text is appended (false: counted only) */
	bool cut;            /* the text passed RP_FIELD_MAX_BYTES */
	struct buf text;     /* reused between captures */
};

/* Content parameters of the innermost text construct (one at a time, as
 * in the oracle). */
struct content_params {
	char type[64];       /* mapped, lowercased: "text/plain", "text/html", ... */
	bool base64;
};

struct author_rec {
	bool any;            /* some name/email/uri was given (even empty) */
	bool has_name, has_email;
	struct buf name, email;
};

/* A tag or link of the entry being read. Its strings sit one after
 * another in s, each ended by a NUL, named by offset plus one (0: not
 * given, the NULL of the field; rec_str). Records are reused from entry
 * to entry with their buffers: a malloc and a free per attribute value
 * were ~4% of the instructions on the 10 MB Atom bench. */
struct tag_rec {
	struct buf s;
	size_t term;         /* 0 when not given */
	size_t scheme;       /* may be 0 */
	size_t label;        /* may be 0 */
};

struct link_rec {
	struct buf s;
	size_t href;         /* resolved; may be 0 */
	size_t rel;          /* lowercased; never 0 (fx_add_link makes it alternate) */
	size_t type;         /* lowercased; 0 when not given */
	size_t length;       /* as written; may be 0 */
};

/* The string named name in s (see struct tag_rec; fx->arena names its
 * strings the same way); NULL for 0. Lent until s changes. */
static inline char *rec_str(const struct buf *s, size_t name)
{
	return name ? s->data + name - 1 : NULL;
}

/* The raw values of the entry being read (or of the feed level). */
struct raw {
	struct buf title;  char title_type[64]; bool has_title; int title_d;
	struct buf summary; char summary_type[64]; bool has_summary; int summary_d;
	bool summary_detail;      /* summary_type was set with the value */
	char content_type[64]; bool has_content_list; /* type of the first content */
	bool has_content;         /* feedparser's hasContent */
	struct buf link; bool has_link;
	struct buf id; bool has_id; int id_d;
	bool guidislink;
	struct buf published_raw; bool has_published; /* the raw text when has_ */
	struct buf updated_raw; bool has_updated;
	struct author_rec *authors; size_t n_authors, cap_authors;
	struct tag_rec *tags; size_t n_tags, cap_tags;
	struct link_rec *links; size_t n_links, cap_links;
	struct buf lang;
};

struct frame {
	enum el el;
	int base;            /* index into fx.bases of the base in scope */
	int lang;            /* index into fx.langs of the lang in scope */
};

struct libxml;

/* Progress reports to the caller of feed_parse_stream (feed.h,
 * feed_progress_fn) for a document that is the caller's bytes as they
 * are: offsets in the document plus base are offsets in those bytes. */
struct feed_progress {
	feed_progress_fn fn; /* never NULL */
	void *ctx;
	size_t base;         /* offset in the caller's bytes of the document's first byte (a BOM skipped) */
};

struct fx {
	xmlParserCtxtPtr ctxt;     /* libxml2's parser while it reads; NULL on the fast path */
	const struct libxml *xml;  /* libxml2's functions, set with ctxt */
	struct feed *feed;
	feed_entry_fn fn;
	void *fn_ctx;
	size_t given;        /* entries fn had from a reading that declined late: counted, not given again */
	const struct feed_progress *progress; /* NULL: no reports (none asked, or a copy is read) */
	const char *doc;     /* the document's first byte, for progress offsets */
	const char *fast_at; /* xml_fast.c's position, past the last end tag it handed on;
	                      * NULL but while it reads with progress reports */
	bool utf8_doc;       /* the document was read as UTF-8 (mojibake repair) */

	/* version tracking, as the oracle's */
	enum { V_NONE, V_RSS, V_RSS090, V_RSS10, V_ATOM10, V_ATOM03, V_ATOM } version;

	int depth;
	bool stopped;
	bool infeed, inentry, inimage, intextinput, inauthor, incontributor, inpublisher;
	int insource;        /* > 0 inside an Atom/RSS source */
	int incontent;
	int title_depth;
	struct content_params cp;

	struct frame *frames; size_t cap_frames;
	struct capture *caps; size_t n_caps, cap_caps;

	void *priv;          /* feed_xml.c: base/lang scopes */

	struct raw ent;      /* the entry being read */
	struct raw top;      /* feed level */
	struct feed_entry *entry; /* the entry being filled (&entry_mem); NULL outside */
	struct feed_entry entry_mem; /* reused from entry to entry */
	/* An entry's strings, each NUL-terminated, while fx_entry_end makes
	 * them: lent to fn as they are (no allocation per string), copied
	 * only into a collected entry. tag_off and tag_v are its tags. */
	struct buf arena;
	size_t *tag_off; size_t cap_tag_off;
	char **tag_v; size_t cap_tag_v;

	/* entity expansion budget */
	size_t entity_bytes, entity_budget;
	const xmlEntity *checked_ent; /* the declared entity last judged by sax_get_entity */
	bool checked_safe;            /* its verdict (entities do not change once declared) */
	xmlEntity fake;      /* returned for undeclared HTML entities */
	char fake_content[80];

	struct buf scratch, scratch2;
	struct buf av[5];    /* attribute values of the start tag being read (attr_buf) */
};

/* feed_xml.c */
void fx_bozo(struct fx *fx, const char *why);
const char *fx_base(const struct fx *fx);
/* Resolve ref against the base in scope; a new string, never NULL. */
char *fx_resolve(const struct fx *fx, const char *ref);
/* The same into out (reset first; ref must not point into out):
 * out->data, lent until out changes. */
const char *fx_resolve_buf(const struct fx *fx, const char *ref, struct buf *out);
struct capture *fx_push(struct fx *fx, enum cap what, bool keep);
void fx_push_content(struct fx *fx, enum cap what, const char *type_attr,
                     const char *default_type, bool mode_base64, bool keep);
/* Pop the capture opened at the current depth: processed text (stripped,
 * base64, mojibake and cp1252 repair) into out; false when none. */
bool fx_pop(struct fx *fx, struct buf *out, bool *was_content);
struct raw *fx_context(struct fx *fx); /* entry or feed level; NULL elsewhere */
/* Add a link, or a tag (unless empty, already there or past the limit),
 * to r, which copies the strings (any may be NULL; rel NULL is
 * "alternate") into records reused from entry to entry. */
void fx_add_link(struct raw *r, const char *href, const char *rel, const char *type,
                 const char *length);
void fx_add_tag(struct raw *r, const char *term, const char *scheme, const char *label);
/* Give the record's string named *name the value v (appended to s). */
void fx_rec_set(struct buf *s, size_t *name, const char *v);
struct author_rec *fx_new_author(struct raw *r);
void fx_set_type(char dst[64], const char *type);
void fx_map_type(char dst[64], const char *type);

/* Attributes of the current start tag, as the oracle keys them. */
struct attrs {
	int n;
	const xmlChar **a;   /* libxml2 SAX2 layout: 5 pointers per attribute */
	struct fx *fx;
};
/* The value of the attribute with lowercased local name `name` and no
 * namespace (or any when any_ns); NULL when absent. A new string (free
 * with rp_free): attr_buf's value, detached. */
char *attr_get(const struct attrs *at, const char *name, bool any_ns);
/* The same value in out (reset first), lent as out->data until out
 * changes: no allocation once out has grown. NULL when absent. */
const char *attr_buf(const struct attrs *at, const char *name, bool any_ns, struct buf *out);
bool attr_has(const struct attrs *at, const char *name);

/* rss.c / atom.c: element rules. start returns nothing; end is called
 * with the element kind. */
void rss_start(struct fx *fx, enum el el, const struct attrs *at);
void rss_end(struct fx *fx, enum el el);
void atom_start_link(struct fx *fx, const struct attrs *at);
/* The entry/feed link for Atom documents: the oracle's link rule. */
const char *atom_pick_link(const struct raw *r);
/* Normalise an Atom text construct value by its type into out; false
 * when the type is out of scope (value null). */
bool atom_text(struct buf *out, const char *s, size_t n, const char *type);
void rss_author_split(const char *text, struct buf *name, struct buf *email);

/* feed_xml.c */
void fx_entry_begin(struct fx *fx);
void fx_entry_end(struct fx *fx);
/* Copy of s[0..n) trimmed of FEED_SCHEMA whitespace; NULL when empty. */
char *fx_trim_dup(const char *s, size_t n);
/* Parse an XML document already in valid UTF-8 (as core/utf8.c means
 * it; NUL allowed: feed.c decodes or repairs every document so) into f
 * (format, title, link, entries, bozo). utf8_doc: the bytes were read as
 * UTF-8 (not transcoded). progress (NULL: none; lent for the call): the
 * document is the caller's bytes, and each pass over it reports its
 * start, the fast path its position after each entry, the repairs' scans
 * their end, libxml2 its position after each slice; the passes over a
 * copy mended by feed_repair.c report nothing. */
void feed_xml_parse(struct feed *f, const char *utf8, size_t n, bool utf8_doc,
                    feed_entry_fn fn, void *fn_ctx, const struct feed_progress *progress);
/* Whether feed_xml_parse tries the fast path (xml_fast.c) before
 * libxml2, in place of RAPPORTEUR_XML_FAST: for tests that compare the
 * two paths in one process (tests/fuzz/fuzz-xml-fast.c). */
void feed_xml_set_fast(bool on);
/* feed_repair.c: a mended copy of the UTF-8 document s[0..n) (owned by
 * the caller, length in *ret_n), or NULL when it needs no mending.
 * markup: bare `&`, `&name` without `;`, `&#X..;`, stray `<`, unclosed
 * HTML void elements, undeclared entities in attribute values.
 * controls: C0 controls become U+F700 + byte (turned back by fx_pop). */
char *feed_repair_markup(const char *s, size_t n, size_t *ret_n);
char *feed_repair_controls(const char *s, size_t n, size_t *ret_n);
/* Whether the element name s[0..n) is one of the HTML void elements
 * feed_repair_markup closes when the document leaves them open (`<br>`):
 * xml_fast.c declines those not written empty, as the repair would
 * change bytes it had already read. */
bool feed_repair_void_name(const char *s, size_t n);
/* jsonfeed.c: a JSON document (after BOM) into f. */
void jsonfeed_parse(struct feed *f, const char *s, size_t n, feed_entry_fn fn, void *fn_ctx);

#endif
