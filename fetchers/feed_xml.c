/* fetchers/feed_xml.c - the SAX2 driver for XML feeds (RSS, RDF, Atom).
 *
 * libxml2 reads the (already UTF-8) document and calls us per element;
 * we keep a stack of frames (element kind, xml:base and xml:lang in
 * scope) and a stack of text captures, and hand element starts and ends
 * to the rules in rss.c and atom.c. No tree is built: only the entry
 * being read is held, in buffers reused from entry to entry.
 *
 * Plain well-formed documents (most feeds) are read by xml_fast.c
 * instead, through the same callbacks and with the same result; it
 * declines everything else (DTDs, errors to recover from, odd corners),
 * and libxml2 reads those (opened by libxml.c at the first such
 * document, not linked). It is tried before the repairs of
 * feed_repair.c, which a document it reads never needs, and expands no
 * entity but the five predefined ones. It reads in one pass, so it may
 * decline late, after some entries were made: the document is then read
 * again from the start as if the fast path had declined at once, the
 * entries already handed to the caller's function counted but not handed
 * out again (restart says why they are the same). When the caller asks
 * for progress (feed.h, feed_progress_fn) and the document is its bytes
 * as they are, each pass reports its start, the fast path its position
 * after each entry (xml_fast.c stores it at each end tag), the repairs'
 * scans their end and libxml2 the end of each slice it was fed. For
 * testing and diagnosis, the environment variable RAPPORTEUR_XML_FAST
 * (read once) set to 0 sends every document to libxml2; set to `trace`
 * it keeps the fast path and writes one line per reading by it to
 * stderr, `xml_fast: accepted`, `xml_fast: declined: WHY` or `xml_fast:
 * declined late: WHY` (the one place this library prints, and only when
 * asked).
 *
 * Safety: the options never include NOENT, DTDLOAD, DTDATTR, DTDVALID,
 * XINCLUDE or HUGE; NONET is always on; the external entity loader
 * refuses everything; getEntity hands out internal entities only, and
 * counts their expanded bytes against a budget (billion laughs and
 * quadratic blowup stop with bozo). Depth, entries and field sizes are
 * capped by the named limits of core/limits.h. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/date.h"
#include "core/limits.h"
#include "core/scan.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "fetchers/feed_xml.h"
#include "fetchers/libxml.h"
#include "fetchers/xml_fast.h"

enum { FR_NORMAL, FR_SERIAL, FR_SKIPDIV };

/* Frames hold a mode too; kept beside struct frame to keep it small. */
struct frame_ext {
	int mode;
	char *own_base;  /* xml:base set on this element (owned), or NULL */
	const char *base_at_push; /* the oracle's basestack entry */
	char *own_lang;
	const char *lang;
};

struct fx_priv {
	struct frame_ext *fr; size_t cap_fr;
	char **leaked; size_t n_leaked, cap_leaked;
	const char *cur_base;      /* the oracle's self.baseuri; never NULL */
};

static struct fx_priv *priv_of(const struct fx *fx) { return fx->priv; }

void fx_bozo(struct fx *fx, const char *why)
{
	if (!fx->feed->bozo_reason) {
		/* libxml2 messages may quote bytes of the input */
		struct buf b = { 0 };
		utf8_repair(&b, why, strlen(why));
		fx->feed->bozo_reason = b.len ? buf_detach(&b) : rp_strdup("bozo");
		buf_done(&b);
	}
	fx->feed->bozo = true;
}

/* Stop the parse: libxml2 when it is reading; the fast path watches
 * fx->stopped. */
static void stop(struct fx *fx)
{
	fx->stopped = true;
	if (fx->ctxt)
		fx->xml->stop_parser(fx->ctxt);
}

/* Tell the caller the pass under way is at pos, a byte of the document
 * being read (fx->progress set). */
static void report(const struct fx *fx, const char *pos)
{
	fx->progress->fn(fx->progress->ctx, fx->progress->base + (size_t)(pos - fx->doc));
}

const char *fx_base(const struct fx *fx)
{
	return priv_of(fx)->cur_base;
}

const char *fx_resolve_buf(const struct fx *fx, const char *ref, struct buf *out)
{
	const char *base = fx_base(fx);
	char *r = NULL;
	buf_reset(out);
	if (!base[0] || !ref[0] || url_resolve(base, ref, &r) != RP_OK || !r) {
		buf_adds(out, ref);
		return out->data;
	}
	buf_adds(out, r);
	rp_free(r);
	return out->data;
}

char *fx_resolve(const struct fx *fx, const char *ref)
{
	struct buf b = { 0 };
	fx_resolve_buf(fx, ref, &b);
	return buf_detach(&b);
}

/* ---- captures ---------------------------------------------------------- */

struct capture *fx_push(struct fx *fx, enum cap what, bool keep)
{
	if (fx->n_caps == fx->cap_caps) {
		size_t old = fx->cap_caps;
		fx->caps = rp_grow(fx->caps, sizeof *fx->caps, fx->n_caps + 1, &fx->cap_caps);
		memset(fx->caps + old, 0, (fx->cap_caps - old) * sizeof *fx->caps);
	}
	struct capture *c = &fx->caps[fx->n_caps++];
	c->what = what;
	c->depth = fx->depth;
	c->content = false;
	c->keep = keep;
	c->cut = false;
	buf_reset(&c->text);
	return c;
}

void fx_map_type(char dst[64], const char *type)
{
	/* Every text construct asks, and atom_text again: the names by
	 * length, without library calls (four strcmp calls each were 192K
	 * calls on the 10 MB Atom bench). */
	size_t i = 0;
	for (; type && type[i] && i < 63; i++)
		dst[i] = (char)ascii_to_lower((unsigned char)type[i]);
	dst[i] = 0;
	if ((i == 4 && !memcmp(dst, "text", 4)) || (i == 5 && !memcmp(dst, "plain", 5)))
		strcpy(dst, "text/plain");
	else if (i == 4 && !memcmp(dst, "html", 4))
		strcpy(dst, "text/html");
	else if (i == 5 && !memcmp(dst, "xhtml", 5))
		strcpy(dst, "application/xhtml+xml");
}

void fx_set_type(char dst[64], const char *type)
{
	size_t n = type ? strnlen(type, 63) : 0;
	memcpy(dst, type ? type : "", n);
	dst[n] = 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !memcmp(s + a - b, suf, b);
}

void fx_push_content(struct fx *fx, enum cap what, const char *type_attr,
                     const char *default_type, bool mode_base64, bool keep)
{
	fx->incontent++;
	fx_map_type(fx->cp.type, type_attr ? type_attr : default_type);
	const char *t = fx->cp.type;
	fx->cp.base64 = mode_base64 ||
		!(strncmp(t, "text/", 5) == 0 || ends_with(t, "+xml") || ends_with(t, "/xml"));
	struct capture *c = fx_push(fx, what, keep);
	c->content = true;
}

/* Python's str.isspace() for the code points a strip() removes. */
static bool py_space(int32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

static void py_strip(const char **ps, size_t *pn)
{
	const char *s = *ps, *e = s + *pn;
	/* ASCII ends are decided without decoding (utf8_decode was called
	 * four times per captured field: 3.7M of 770M on the RSS bench) */
	while (s < e && (unsigned char)*s < 0x80) {
		if (!py_space((unsigned char)*s))
			goto tail;
		s++;
	}
	while (s < e) {
		const char *p = s;
		int32_t c = utf8_decode(&p, e);
		if (!py_space(c))
			break;
		s = p;
	}
tail:
	while (e > s) {
		if ((unsigned char)e[-1] < 0x80) {
			if (!py_space((unsigned char)e[-1]))
				break;
			e--;
			continue;
		}
		const char *q = e - 1;
		while (q > s && ((unsigned char)*q & 0xc0) == 0x80)
			q--;
		const char *p = q;
		int32_t c = utf8_decode(&p, e);
		if (!py_space(c) || p != e)
			break;
		e = q;
	}
	*ps = s;
	*pn = (size_t)(e - s);
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* base64.decodebytes + .decode('utf8'): lenient about stray characters,
 * strict about padding; false when it fails (the text is kept). */
static bool b64_decode(struct buf *out, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t nd = 0, pad = 0;
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		int v = b64val((unsigned char)s[i]);
		if (v < 0)
			continue;
		if (pad)
			break;
		nd++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	if (nd % 4 == 1)
		return false;
	if (nd % 4 && pad < 4 - nd % 4)
		return false;
	return utf8_is_valid(out->data ? out->data : "", out->len) &&
	       memchr(out->data ? out->data : "", 0, out->len) == NULL;
}

/* The oracle repairs UTF-8 that was read as Latin-1 once more (only for
 * documents read as UTF-8), then maps C1 controls to Windows-1252. */
/* Returns true when b is plain ASCII (then nothing was to be done). */
static bool repair_text(struct fx *fx, struct buf *b)
{
	if (!b->len)
		return true;
	if (scan_find(b->data, b->len, 0, true, SCAN_NO_BYTE, SCAN_NO_BYTE) == b->len)
		return true; /* ASCII: nothing to repair */
	const char *s = b->data, *e = s + b->len;
	bool high = false, latin = true;
	for (const char *p = s; p < e;) {
		int32_t c = utf8_decode(&p, e);
		if (c > 0xff || c < 0) { latin = false; break; }
		if (c >= 0x80) high = true;
	}
	if (fx->utf8_doc && latin && high) {
		struct buf *t = &fx->scratch2;
		buf_reset(t);
		for (const char *p = s; p < e;)
			buf_addc(t, (char)utf8_decode(&p, e));
		if (utf8_is_valid(t->data, t->len) && !memchr(t->data, 0, t->len)) {
			buf_reset(b);
			buf_add(b, t->data, t->len);
		}
		s = b->data;
		e = s + b->len;
	}
	static const uint16_t cp1252[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};
	if (!memchr(s, 0xc2, b->len) && !memchr(s, 0xef, b->len))
		return false;
	struct buf *t = &fx->scratch2;
	buf_reset(t);
	bool changed = false;
	for (const char *p = s; p < e;) {
		const char *q = p;
		int32_t c = utf8_decode(&p, e);
		if (c >= 0xf701 && c <= 0xf71f) {
			buf_addc(t, (char)(c - 0xf700)); /* a control character, see fix_controls */
			changed = true;
		} else if (c >= 0x80 && c <= 0x9f && cp1252[c - 0x80]) {
			char u[4];
			buf_add(t, u, utf8_encode(cp1252[c - 0x80], u));
			changed = true;
		} else {
			buf_add(t, q, (size_t)(p - q));
		}
	}
	if (changed) {
		buf_reset(b);
		buf_add(b, t->data, t->len);
	}
	return false;
}

bool fx_pop(struct fx *fx, struct buf *out, bool *was_content)
{
	if (was_content)
		*was_content = false;
	if (!fx->n_caps || fx->caps[fx->n_caps - 1].depth != fx->depth)
		return false;
	struct capture *c = &fx->caps[--fx->n_caps];
	if (was_content)
		*was_content = c->content;
	buf_reset(out);
	const char *s = c->text.data ? c->text.data : "";
	size_t n = c->text.len;
	if (c->cut)
		n = utf8_truncate(s, n, RP_FIELD_MAX_BYTES);
	py_strip(&s, &n);
	bool b64 = c->content && fx->cp.base64;
	if (b64 && n && b64_decode(&fx->scratch2, s, n)) {
		buf_add(out, fx->scratch2.data, fx->scratch2.len);
	} else if (c->text.data) {
		/* The text changes hands instead of being copied: out takes
		 * the capture's buffer and the capture out's (emptied, and
		 * reset when it is pushed again): a copy of every field was
		 * 80K memcpy calls on the 10 MB Atom bench. */
		struct buf t = *out;
		*out = c->text;
		c->text = t;
		if (s != out->data)
			memmove(out->data, s, n);
		out->len = n;
		out->data[n] = '\0';
	} else {
		buf_add(out, s, n);
	}
	if (out->len && (c->what == CAP_LINK || (c->what == CAP_ID && fx->ent.guidislink))) {
		/* through scratch2 (free until the repair below), not a
		 * new string (21K on the 10 MB Atom bench) */
		fx_resolve_buf(fx, out->data, &fx->scratch2);
		buf_reset(out);
		buf_adds(out, fx->scratch2.data);
	}
	if (c->keep) {
		if (!repair_text(fx, out) && !utf8_is_valid(out->data ? out->data : "", out->len)) {
			struct buf *t = &fx->scratch2;
			buf_reset(t);
			utf8_repair(t, out->data, out->len);
			buf_reset(out);
			buf_add(out, t->data ? t->data : "", t->len);
		}
	}
	if (c->content && fx->incontent > 0) {
		fx->incontent--;
		fx->cp.type[0] = 0;
		fx->cp.base64 = false;
	}
	return true;
}

struct raw *fx_context(struct fx *fx)
{
	if (fx->insource)
		return NULL;
	if (fx->inimage && !fx->inentry)
		return NULL;
	if (fx->intextinput)
		return NULL;
	if (fx->inentry)
		return &fx->ent;
	return &fx->top;
}

void fx_rec_set(struct buf *s, size_t *name, const char *v)
{
	if (!v) {
		*name = 0;
		return;
	}
	size_t start = s->len;
	buf_adds(s, v);
	buf_addc(s, '\0');
	*name = start + 1;
}

void fx_add_link(struct raw *r, const char *href, const char *rel, const char *type,
                 const char *length)
{
	if (r->n_links == r->cap_links) {
		size_t old = r->cap_links;
		r->links = rp_grow(r->links, sizeof *r->links, r->n_links + 1, &r->cap_links);
		memset(r->links + old, 0, (r->cap_links - old) * sizeof *r->links);
	}
	struct link_rec *l = &r->links[r->n_links++];
	buf_reset(&l->s);
	fx_rec_set(&l->s, &l->href, href);
	fx_rec_set(&l->s, &l->rel, rel ? rel : "alternate");
	fx_rec_set(&l->s, &l->type, type);
	fx_rec_set(&l->s, &l->length, length);
}

static bool streq0(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void fx_add_tag(struct raw *r, const char *term, const char *scheme, const char *label)
{
	bool keep = (term && *term) || (scheme && *scheme) || (label && *label);
	for (size_t i = 0; keep && i < r->n_tags; i++) {
		const struct tag_rec *t = &r->tags[i];
		if (streq0(rec_str(&t->s, t->term), term) && streq0(rec_str(&t->s, t->scheme), scheme) &&
		    streq0(rec_str(&t->s, t->label), label))
			keep = false;
	}
	if (!keep || r->n_tags >= RP_FEED_MAX_TAGS * 4)
		return;
	if (r->n_tags == r->cap_tags) {
		size_t old = r->cap_tags;
		r->tags = rp_grow(r->tags, sizeof *r->tags, r->n_tags + 1, &r->cap_tags);
		memset(r->tags + old, 0, (r->cap_tags - old) * sizeof *r->tags);
	}
	struct tag_rec *t = &r->tags[r->n_tags++];
	buf_reset(&t->s);
	fx_rec_set(&t->s, &t->term, term);
	fx_rec_set(&t->s, &t->scheme, scheme);
	fx_rec_set(&t->s, &t->label, label);
}

struct author_rec *fx_new_author(struct raw *r)
{
	if (r->n_authors == r->cap_authors) {
		size_t old = r->cap_authors;
		r->authors = rp_grow(r->authors, sizeof *r->authors, r->n_authors + 1, &r->cap_authors);
		memset(r->authors + old, 0, (r->cap_authors - old) * sizeof *r->authors);
	}
	struct author_rec *a = &r->authors[r->n_authors++];
	a->any = a->has_name = a->has_email = false;
	buf_reset(&a->name);
	buf_reset(&a->email);
	return a;
}

static void raw_reset(struct raw *r)
{
	buf_reset(&r->title);
	r->title_type[0] = 0;
	r->has_title = false;
	r->title_d = -1;
	buf_reset(&r->summary);
	r->summary_type[0] = 0;
	r->has_summary = false;
	r->summary_d = -1;
	r->summary_detail = false;
	r->content_type[0] = 0;
	r->has_content_list = false;
	r->has_content = false;
	buf_reset(&r->link);
	r->has_link = false;
	buf_reset(&r->id);
	r->has_id = false;
	r->id_d = -1;
	r->guidislink = false;
	r->has_published = false;
	r->has_updated = false;
	r->n_authors = 0;
	r->n_tags = 0;   /* the records keep their buffers */
	r->n_links = 0;
	buf_reset(&r->lang);
}

static void raw_done(struct raw *r)
{
	raw_reset(r);
	buf_done(&r->title);
	buf_done(&r->summary);
	buf_done(&r->link);
	buf_done(&r->id);
	buf_done(&r->lang);
	buf_done(&r->published_raw);
	buf_done(&r->updated_raw);
	for (size_t i = 0; i < r->cap_authors; i++) {
		buf_done(&r->authors[i].name);
		buf_done(&r->authors[i].email);
	}
	rp_free(r->authors);
	for (size_t i = 0; i < r->cap_tags; i++)
		buf_done(&r->tags[i].s);
	for (size_t i = 0; i < r->cap_links; i++)
		buf_done(&r->links[i].s);
	rp_free(r->tags);
	rp_free(r->links);
}

/* ---- attributes -------------------------------------------------------- */

/* strcasecmp(a, b) == 0 for ASCII (no setlocale anywhere), b already
 * lowercase (the names attr_get is asked for are), without the call:
 * attr_get tries every attribute of every element against each name it
 * looks for (attr_get was 51M of 977M instructions on the 10 MB Atom
 * bench, most of it in strcasecmp). */
static bool name_ieq(const xmlChar *a, const char *b)
{
	if (!a)
		return false;
	for (;; a++, b++) {
		unsigned char x = *a;
		if ((unsigned)(x - 'A') < 26u)
			x |= 0x20;
		if (x != (unsigned char)*b)
			return false;
		if (!x)
			return true;
	}
}

/* Without entity substitution libxml2 leaves `&#38;` for an escaped `&`
 * and `&name;` for a declared entity in attribute values: undo both. */
static void attr_decode(struct fx *fx, struct buf *out, const char *s, size_t n, int level)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			const char *amp = memchr(s + i, '&', n - i);
			size_t k = amp ? (size_t)(amp - (s + i)) : n - i;
			buf_add(out, s + i, k);
			i += k - 1;
			continue;
		}
		if (i + 5 <= n && !memcmp(s + i, "&#38;", 5)) {
			buf_addc(out, '&');
			i += 4;
			continue;
		}
		const char *semi = memchr(s + i, ';', n - i);
		if (semi && level < 4 && fx->ctxt && fx->ctxt->myDoc && semi - (s + i) < 64) {
			char name[64];
			size_t len = (size_t)(semi - (s + i)) - 1;
			memcpy(name, s + i + 1, len);
			name[len] = 0;
			xmlEntityPtr ent = fx->xml->get_doc_entity(fx->ctxt->myDoc, (const xmlChar *)name);
			if (ent && ent->etype == XML_INTERNAL_GENERAL_ENTITY && ent->content) {
				fx->entity_bytes += (size_t)ent->length + 32;
				if (fx->entity_bytes <= fx->entity_budget)
					attr_decode(fx, out, (const char *)ent->content,
					            (size_t)ent->length, level + 1);
				i = (size_t)(semi - s);
				continue;
			}
		}
		buf_addc(out, '&');
	}
}

/* The value of attribute a into out, for attr_buf: out of line, so
 * that the search, mostly for attributes that are absent (~210K of
 * ~290K calls on the 10 MB Atom bench), pays no frame for it. */
static __attribute__((noinline)) const char *attr_copy(struct fx *fx, const xmlChar **a,
                                                       struct buf *out)
{
	const char *v = (const char *)a[3];
	size_t n = (size_t)(a[4] - a[3]);
	buf_reset(out);
	/* the value as a C string (up to a NUL); the scan stops at a NUL
	 * too, so a plain value needs no strnlen. One scan for the usual
	 * plain ASCII value (a memchr and then utf8_is_valid were two, on
	 * 140K values of the Atom bench) */
	size_t k = scan_find(v, n, 1, true, '&', SCAN_NO_BYTE);
	if (k == n) {
		buf_add(out, v, n);
		return out->data;
	}
	if (!memchr(v + k, '&', n - k) && utf8_is_valid(v + k, n - k)) {
		buf_add(out, v, strnlen(v, n));
		return out->data;
	}
	struct buf b = { 0 };
	attr_decode(fx, &b, v, n, 0);
	/* libxml2 copies one byte of a stand-in entity in attributes:
	 * keep the value valid UTF-8 whatever happened */
	utf8_repair(out, b.data ? b.data : "", b.len);
	buf_done(&b);
	buf_add(out, "", 0); /* allocated even when empty */
	return out->data;
}

const char *attr_buf(const struct attrs *at, const char *name, bool any_ns, struct buf *out)
{
	for (int i = 0; i < at->n; i++) {
		const xmlChar **a = at->a + 5 * i;
		if (name_ieq(a[0], name) && (!a[2] || any_ns))
			return attr_copy(at->fx, a, out);
	}
	return NULL;
}

char *attr_get(const struct attrs *at, const char *name, bool any_ns)
{
	struct buf b = { 0 };
	if (!attr_buf(at, name, any_ns, &b))
		return NULL;
	return buf_detach(&b);
}

bool attr_has(const struct attrs *at, const char *name)
{
	for (int i = 0; i < at->n; i++)
		if (name_ieq(at->a[5 * i], name) && !at->a[5 * i + 2])
			return true;
	return false;
}

static const char XML_NS[] = "http://www.w3.org/XML/1998/namespace";

/* xml:NAME, else an unprefixed NAME (the oracle reads both): the first
 * of each found in one pass, as sax_start asks this of every element. */
static char *attr_xml(const struct attrs *at, const char *name)
{
	const xmlChar **found = NULL;
	for (int i = 0; i < at->n; i++) {
		const xmlChar **a = at->a + 5 * i;
		if (!name_ieq(a[0], name))
			continue;
		if (a[2] && !strcmp((const char *)a[2], XML_NS)) {
			found = a;
			break;
		}
		if (!a[2] && !found)
			found = a;
	}
	if (!found)
		return NULL;
	struct attrs one = { 1, found, at->fx };
	return attr_get(&one, name, true);
}

/* ---- element names ----------------------------------------------------- */

enum ns {
	NS_DEFAULT, NS_DC, NS_DCTERMS, NS_CONTENT, NS_XHTML, NS_MEDIA, NS_OTHER_KNOWN, NS_UNKNOWN,
};

static const char *const default_ns[] = {
	"http://backend.userland.com/rss", "http://blogs.law.harvard.edu/tech/rss",
	"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
	"http://example.com/newformat#", "http://example.com/necho", "http://purl.org/echo/",
	"uri/of/echo/namespace#", "http://purl.org/pie/", "http://purl.org/atom/ns#",
	"http://www.w3.org/2005/atom", "http://purl.org/rss/1.0/modules/rss091#",
};

/* An unknown (or undeclared) namespace goes by the document's prefix,
 * as in the oracle: dc: bound to a misspelt URI still means dc. */
static enum ns ns_of_prefix(const char *prefix)
{
	if (!prefix) return NS_DEFAULT;
	if (!strcasecmp(prefix, "dc")) return NS_DC;
	if (!strcasecmp(prefix, "dcterms")) return NS_DCTERMS;
	if (!strcasecmp(prefix, "content")) return NS_CONTENT;
	if (!strcasecmp(prefix, "xhtml")) return NS_XHTML;
	if (!strcasecmp(prefix, "media")) return NS_MEDIA;
	return NS_OTHER_KNOWN;
}

static enum ns ns_of_uri(const char *uri, const char *prefix)
{
	if (!uri)
		return ns_of_prefix(prefix);
	if (strcasestr(uri, "backend.userland.com/rss"))
		return NS_DEFAULT;
	for (size_t i = 0; i < sizeof default_ns / sizeof default_ns[0]; i++)
		if (!strcasecmp(uri, default_ns[i]))
			return NS_DEFAULT;
	if (!strcasecmp(uri, "http://purl.org/dc/elements/1.1/")) return NS_DC;
	if (!strcasecmp(uri, "http://purl.org/dc/terms/")) return NS_DCTERMS;
	if (!strcasecmp(uri, "http://purl.org/rss/1.0/modules/content/")) return NS_CONTENT;
	if (!strcasecmp(uri, "http://www.w3.org/1999/xhtml")) return NS_XHTML;
	if (!strcasecmp(uri, "http://search.yahoo.com/mrss") ||
	    !strcasecmp(uri, "http://search.yahoo.com/mrss/")) return NS_MEDIA;
	/* an unknown namespace as the default one: matched by local name */
	return ns_of_prefix(prefix);
}

struct name_el { const char *name; enum el el; };

static const struct name_el default_names[] = {
	{ "rss", EL_RSS }, { "channel", EL_CHANNEL }, { "feed", EL_FEED },
	{ "item", EL_ITEM }, { "entry", EL_ITEM }, { "title", EL_TITLE }, { "link", EL_LINK },
	{ "description", EL_DESCRIPTION }, { "abstract", EL_ABSTRACT }, { "summary", EL_SUMMARY },
	{ "content", EL_CONTENT }, { "body", EL_BODY }, { "guid", EL_GUID }, { "id", EL_GUID },
	{ "published", EL_PUBLISHED }, { "issued", EL_PUBLISHED }, { "pubdate", EL_PUBLISHED },
	{ "updated", EL_UPDATED }, { "modified", EL_UPDATED }, { "lastbuilddate", EL_UPDATED },
	{ "created", EL_CREATED }, { "author", EL_AUTHOR }, { "managingeditor", EL_AUTHOR },
	{ "name", EL_NAME }, { "email", EL_EMAIL }, { "url", EL_URI }, { "uri", EL_URI },
	{ "homepage", EL_URI }, { "category", EL_CATEGORY }, { "keywords", EL_CATEGORY },
	{ "enclosure", EL_ENCLOSURE }, { "source", EL_SOURCE }, { "image", EL_IMAGE },
	{ "textinput", EL_TEXTINPUT }, { "language", EL_LANGUAGE },
	{ "subtitle", EL_TEXTCONSTRUCT }, { "tagline", EL_TEXTCONSTRUCT },
	{ "rights", EL_TEXTCONSTRUCT }, { "copyright", EL_TEXTCONSTRUCT },
	{ "info", EL_TEXTCONSTRUCT }, { "contributor", EL_CONTRIBUTOR },
	{ "webmaster", EL_PUBLISHER }, { "div", EL_DIV },
	{ NULL, EL_UNKNOWN },
};
static const struct name_el dc_names[] = {
	{ "title", EL_TITLE }, { "description", EL_DESCRIPTION }, { "creator", EL_AUTHOR },
	{ "author", EL_AUTHOR }, { "date", EL_UPDATED }, { "subject", EL_CATEGORY },
	{ "language", EL_LANGUAGE }, { "rights", EL_TEXTCONSTRUCT },
	{ "publisher", EL_PUBLISHER }, { "contributor", EL_DC_CONTRIBUTOR },
	{ NULL, EL_PREFIXED },
};
static const struct name_el dcterms_names[] = {
	{ "issued", EL_PUBLISHED }, { "modified", EL_UPDATED }, { "created", EL_CREATED },
	{ NULL, EL_PREFIXED },
};
static const struct name_el content_names[] = { { "encoded", EL_CONTENT_ENCODED }, { NULL, EL_PREFIXED } };
static const struct name_el xhtml_names[] = { { "body", EL_BODY }, { "div", EL_DIV }, { NULL, EL_PREFIXED } };
static const struct name_el media_names[] = {
	{ "content", EL_MEDIA_CONTENT }, { "thumbnail", EL_MEDIA_THUMBNAIL },
	{ "description", EL_MEDIA_TEXT }, { "title", EL_MEDIA_TEXT }, { NULL, EL_PREFIXED },
};

static enum el lookup(const struct name_el *t, const char *local)
{
	for (; t->name; t++)
		if (!strcasecmp(t->name, local))
			return t->el;
	return t->el;
}

/* A small cache from (interned localname, interned URI) to the kind:
 * libxml2 and xml_fast.c intern names for the parse, so pointers repeat.
 * Emptied at the start of every reading (fx_init): a pointer of the last
 * one may name something else in this one. Two ways per set: with one,
 * two of the twenty-odd names of a feed shared a slot in a third of the
 * layouts malloc happened to give (one allocation less in rss.c moved
 * a hot name onto another: 147k misses of ~25 strcasecmp each, 10M of
 * 419M instructions on the 10 MB RSS bench). */
#define NAME_CACHE_BITS 9
#define NAME_CACHE (1u << NAME_CACHE_BITS) /* entries; sets of two */
struct name_cache_ent {
	const xmlChar *local, *uri, *prefix;
	enum el el;
	bool prefixed;
	uint8_t keeps; /* KEEP_* : names that do not end an image/textinput */
};
enum { KEEP_IMAGE = 1, KEEP_TEXTINPUT = 2 };
static _Thread_local struct name_cache_ent name_cache[NAME_CACHE];

static enum el classify(const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                        bool *prefixed, uint8_t *keeps)
{
	uint8_t dummy;
	if (!keeps)
		keeps = &dummy;
	/* Fibonacci hashing of the three pointers: dictionary names sit a
	 * few bytes apart, and the shift-and-xor hash this replaces put
	 * "item" and "guid" (and "author" and "category") in one slot, so
	 * every RSS item missed twice and ran ~25 strcasecmp per miss (30k
	 * misses, 44M of 1,084M instructions on the 10 MB RSS bench). */
	uint64_t key = (uint64_t)(uintptr_t)local ^ ((uint64_t)(uintptr_t)uri << 1) ^
	               ((uint64_t)(uintptr_t)prefix << 2);
	size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - NAME_CACHE_BITS + 1));
	struct name_cache_ent *set = &name_cache[2 * h];
	for (int k = 0; k < 2; k++) {
		const struct name_cache_ent *ce = &set[k];
		if (ce->local == local && ce->uri == uri && ce->prefix == prefix && local) {
			*prefixed = ce->prefixed;
			*keeps = ce->keeps;
			return ce->el;
		}
	}
	enum ns ns = ns_of_uri((const char *)uri, (const char *)prefix);
	const char *l = (const char *)local;
	enum el el;
	*prefixed = ns != NS_DEFAULT;
	switch (ns) {
	case NS_DEFAULT: el = lookup(default_names, l); break;
	case NS_DC: el = lookup(dc_names, l); break;
	case NS_DCTERMS: el = lookup(dcterms_names, l); break;
	case NS_CONTENT: el = lookup(content_names, l); break;
	case NS_XHTML: el = lookup(xhtml_names, l); break;
	case NS_MEDIA: el = lookup(media_names, l); break;
	case NS_OTHER_KNOWN: el = EL_PREFIXED; break;
	default: el = EL_UNKNOWN; break;
	}
	static const char *const keep_image[] = { "title", "link", "description", "url", "href", "width", "height" };
	static const char *const keep_ti[] = { "title", "link", "description", "name" };
	*keeps = 0;
	for (size_t i = 0; i < sizeof keep_image / sizeof keep_image[0]; i++)
		if (!strcasecmp(l, keep_image[i]))
			*keeps |= KEEP_IMAGE;
	for (size_t i = 0; i < sizeof keep_ti / sizeof keep_ti[0]; i++)
		if (!strcasecmp(l, keep_ti[i]))
			*keeps |= KEEP_TEXTINPUT;
	/* the newer of the two stays first */
	set[1] = set[0];
	set[0] = (struct name_cache_ent){ local, uri, prefix, el, *prefixed, *keeps };
	return el;
}

static enum el classify_end(const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	bool prefixed;
	return classify(local, prefix, uri, &prefixed, NULL);
}

/* ---- entries ----------------------------------------------------------- */

static void free_leaked(struct fx_priv *p)
{
	for (size_t i = 0; i < p->n_leaked; i++)
		rp_free(p->leaked[i]);
	p->n_leaked = 0;
}

void fx_entry_begin(struct fx *fx)
{
	if (fx->entry)
		fx_entry_end(fx);
	raw_reset(&fx->ent);
	fx->entry = &fx->entry_mem;
	feed_entry_init(fx->entry);
	const char *lang = priv_of(fx)->fr[fx->depth].lang;
	if (lang)
		buf_adds(&fx->ent.lang, lang);
}

static bool ws_char(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

/* s[0..*pn) trimmed of FEED_SCHEMA whitespace: the start, length in *pn */
static const char *trim_span(const char *s, size_t *pn)
{
	size_t n = *pn;
	while (n && (ws_char((unsigned char)*s) || ((unsigned char)s[0] == 0xc2 && n > 1 && (unsigned char)s[1] == 0xa0))) {
		if (ws_char((unsigned char)*s)) { s++; n--; } else { s += 2; n -= 2; }
	}
	while (n && (ws_char((unsigned char)s[n - 1]) || (n > 1 && (unsigned char)s[n - 2] == 0xc2 && (unsigned char)s[n - 1] == 0xa0))) {
		if (ws_char((unsigned char)s[n - 1])) n--; else n -= 2;
	}
	*pn = n;
	return s;
}

/* trimmed (FEED_SCHEMA whitespace) copy; NULL when empty */
char *fx_trim_dup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	s = trim_span(s, &n);
	return n ? rp_strndup(s, n) : NULL;
}

/* ---- the entry arena ----------------------------------------------------
 *
 * fx_entry_end writes an entry's strings one after another into
 * fx->arena, each ended by a NUL, and names each by its offset plus one
 * (0: no string, the NULL of the field; rec_str). The strings are lent
 * to fn from there, so a streamed entry allocates nothing per string (a
 * malloc and a free for each of ~10 strings per entry were ~5% of the
 * instructions on the 10 MB Atom bench); a collected entry gets its own
 * copies. */

/* Close the string begun at start: its name, 0 when it is empty. */
static size_t arena_end(struct buf *a, size_t start)
{
	if (a->len == start)
		return 0;
	buf_addc(a, '\0');
	return start + 1;
}

static size_t arena_trim(struct buf *a, const char *s, size_t n)
{
	if (!s)
		return 0;
	s = trim_span(s, &n);
	size_t start = a->len;
	buf_add(a, s, n);
	return arena_end(a, start);
}

static size_t arena_plain(struct buf *a, const char *s, size_t n)
{
	size_t start = a->len;
	text_plain(a, s, n);
	return arena_end(a, start);
}

/* s[0..n) as it is (n > 0) */
static size_t arena_trim_none(struct buf *a, const char *s, size_t n)
{
	size_t start = a->len;
	buf_add(a, s, n);
	return arena_end(a, start);
}

static bool family_atom(const struct fx *fx)
{
	return fx->version == V_ATOM10 || fx->version == V_ATOM03 || fx->version == V_ATOM;
}

/* A text value by the rules of the document's format, appended to a:
 * its name there (see arena_end). */
static size_t arena_text(const struct fx *fx, struct buf *a, const struct buf *b, const char *type)
{
	const char *s = b->data ? b->data : "";
	size_t start = a->len;
	if (!family_atom(fx))
		text_from_html(a, s, b->len);
	else if (!atom_text(a, s, b->len, type && *type ? type : "text/plain"))
		a->len = start;
	return arena_end(a, start);
}

/* The same as a new string; NULL when none. */
static char *norm_text(const struct fx *fx, const struct buf *b, const char *type)
{
	struct buf out = { 0 };
	if (!arena_text(fx, &out, b, type)) {
		buf_done(&out);
		return NULL;
	}
	return buf_detach(&out);
}

static void set_date(const char *raw, int64_t *t, bool *has)
{
	int64_t v;
	/* the oracle keeps years 1..9999 only */
	if (raw && date_parse(raw, &v) == RP_OK && v >= -62135596800LL && v <= 253402300799LL) {
		*t = v;
		*has = true;
	}
}

/* The entry's author, appended to out: its name there. */
static size_t author_of(const struct raw *r, struct buf *out)
{
	for (size_t i = 0; i < r->n_authors; i++) {
		const struct author_rec *a = &r->authors[i];
		if (!a->any)
			continue;
		size_t s = 0;
		if (a->has_name)
			s = arena_plain(out, a->name.data ? a->name.data : "", a->name.len);
		if (!s && a->has_email)
			s = arena_plain(out, a->email.data ? a->email.data : "", a->email.len);
		return s;
	}
	return 0;
}

static void add_enclosure(struct feed_entry *e, const char *url, const char *type, const char *length)
{
	char *u = fx_trim_dup(url, strlen(url));
	if (!u)
		return;
	for (size_t i = 0; i < e->n_enclosures; i++)
		if (!strcmp(e->enclosures[i].url, u)) {
			rp_free(u);
			return;
		}
	if (e->n_enclosures >= RP_FEED_MAX_ENCLOSURES) {
		rp_free(u);
		return;
	}
	e->enclosures = rp_grow(e->enclosures, sizeof *e->enclosures, e->n_enclosures + 1,
	                        &e->cap_enclosures);
	struct feed_enclosure *x = &e->enclosures[e->n_enclosures++];
	x->url = u;
	x->type = type ? fx_trim_dup(type, strlen(type)) : NULL;
	x->length = -1;
	if (length) {
		const char *s = length;
		size_t n = strlen(s);
		while (n && ws_char((unsigned char)*s)) { s++; n--; }
		while (n && ws_char((unsigned char)s[n - 1])) n--;
		bool digits = n > 0 && n <= 18;
		for (size_t i = 0; i < n && digits; i++)
			digits = s[i] >= '0' && s[i] <= '9';
		if (digits) {
			int64_t v = 0;
			for (size_t i = 0; i < n; i++)
				v = v * 10 + (s[i] - '0');
			x->length = v;
		}
	}
}

/* Point e's strings and tags at fx->arena (names from fx_entry_end):
 * lent, as fn may have them. */
static void entry_lend(struct fx *fx, struct feed_entry *e, const size_t name[6], size_t n_tags)
{
	const struct buf *a = &fx->arena;
	e->id = rec_str(a, name[0]);
	e->link = rec_str(a, name[1]);
	e->title = rec_str(a, name[2]);
	e->summary_text = rec_str(a, name[3]);
	e->author = rec_str(a, name[4]);
	e->lang = rec_str(a, name[5]);
	if (n_tags) {
		if (n_tags + 1 > fx->cap_tag_v)
			fx->tag_v = rp_grow(fx->tag_v, sizeof *fx->tag_v, n_tags + 1, &fx->cap_tag_v);
		for (size_t i = 0; i < n_tags; i++)
			fx->tag_v[i] = rec_str(a, fx->tag_off[i]);
		fx->tag_v[n_tags] = NULL;
		e->tags = (struct strv){ fx->tag_v, n_tags, 0 };
	}
}

/* Take back what entry_lend lent (e keeps what it owns). */
static void entry_unlend(struct feed_entry *e)
{
	e->id = e->link = e->title = e->summary_text = e->author = e->lang = NULL;
	strv_init(&e->tags);
}

/* Make e's lent strings its own copies, for a collected entry. */
static void entry_own(struct feed_entry *e)
{
	char **f[] = { &e->id, &e->link, &e->title, &e->summary_text, &e->author, &e->lang };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (*f[i])
			*f[i] = rp_strdup(*f[i]);
	struct strv lent = e->tags;
	strv_init(&e->tags);
	for (size_t i = 0; i < lent.n; i++)
		strv_push(&e->tags, lent.v[i]);
}

void fx_entry_end(struct fx *fx)
{
	struct feed_entry *e = fx->entry;
	struct raw *r = &fx->ent;
	if (!e)
		return;
	fx->entry = NULL;
	fx->inentry = false;
	fx->ent.has_content = false;

	/* id, link, title, summary_text, author, lang: names in fx->arena */
	struct buf *a = &fx->arena;
	size_t name[6] = { 0 };
	buf_reset(a);
	if (r->has_id)
		name[0] = arena_trim(a, r->id.data, r->id.len);
	if (family_atom(fx)) {
		const char *l = atom_pick_link(r);
		name[1] = l ? arena_trim(a, l, strlen(l)) : 0;
	} else if (r->has_link) {
		name[1] = arena_trim(a, r->link.data, r->link.len);
	}
	if (r->has_title)
		name[2] = arena_text(fx, a, &r->title, r->title_type);
	if (r->has_summary) {
		const char *type = r->summary_detail ? r->summary_type
		                 : r->has_content_list ? r->content_type : "text/plain";
		name[3] = arena_text(fx, a, &r->summary, type);
	}
	set_date(r->has_published ? r->published_raw.data : NULL, &e->published, &e->has_published);
	set_date(r->has_updated ? r->updated_raw.data : NULL, &e->updated, &e->has_updated);
	name[4] = author_of(r, a);
	size_t n_tags = 0;
	for (size_t i = 0; i < r->n_tags; i++) {
		const char *t = rec_str(&r->tags[i].s, r->tags[i].term);
		if (!t)
			continue;
		size_t start = a->len;
		size_t p = arena_plain(a, t, strlen(t));
		bool keep = p && n_tags < RP_FEED_MAX_TAGS;
		for (size_t k = 0; keep && k < n_tags; k++)
			keep = strcmp(rec_str(a, fx->tag_off[k]), rec_str(a, p)) != 0;
		if (!keep) {
			a->len = start;
			continue;
		}
		if (n_tags == fx->cap_tag_off)
			fx->tag_off = rp_grow(fx->tag_off, sizeof *fx->tag_off, n_tags + 1, &fx->cap_tag_off);
		fx->tag_off[n_tags++] = p;
	}
	for (size_t i = 0; i < r->n_links; i++) {
		const struct link_rec *l = &r->links[i];
		const char *rel = rec_str(&l->s, l->rel), *href = rec_str(&l->s, l->href);
		if (rel && !strcmp(rel, "enclosure") && href)
			add_enclosure(e, href, rec_str(&l->s, l->type), rec_str(&l->s, l->length));
	}
	if (r->lang.len)
		name[5] = arena_trim_none(a, r->lang.data, r->lang.len);
	else if (fx->top.lang.len)
		name[5] = arena_trim_none(a, fx->top.lang.data, fx->top.lang.len);
	entry_lend(fx, e, name, n_tags);

	struct feed *f = fx->feed;
	if (fx->version == V_NONE) {
		entry_unlend(e);
		feed_entry_done(e);
	} else if (f->n_entries + f->n_streamed >= RP_FEED_MAX_ENTRIES) {
		fx_bozo(fx, "too many entries");
		entry_unlend(e);
		feed_entry_done(e);
		stop(fx);
	} else if (fx->fn) {
		/* the first fx->given went to fn before a late decline (see
		 * parse): they count, for the limit too, but fn has them */
		if (++f->n_streamed > fx->given)
			fx->fn(fx->fn_ctx, f, e);
		entry_unlend(e);
		feed_entry_done(e);
	} else {
		entry_own(e);
		f->entries = rp_grow(f->entries, sizeof *f->entries, f->n_entries + 1, &f->cap_entries);
		f->entries[f->n_entries++] = *e;
		feed_entry_init(e);
	}
	/* the fast path is past the entry's end tag (or a later one) */
	if (fx->fast_at)
		report(fx, fx->fast_at);
}

/* ---- SAX callbacks ----------------------------------------------------- */

static void ensure_frames(struct fx *fx)
{
	struct fx_priv *p = priv_of(fx);
	size_t need = (size_t)fx->depth + 1;
	if (need > fx->cap_frames) {
		size_t c1 = fx->cap_frames, c2 = p->cap_fr;
		fx->frames = rp_grow(fx->frames, sizeof *fx->frames, need, &fx->cap_frames);
		p->fr = rp_grow(p->fr, sizeof *p->fr, need, &p->cap_fr);
		(void)c1;
		memset(p->fr + c2, 0, (p->cap_fr - c2) * sizeof *p->fr);
	}
}

static void serialise_start(struct fx *fx, const xmlChar *local, int nb_ns, const xmlChar **ns,
                            int nb_attr, const xmlChar **attrs)
{
	if (!fx->n_caps)
		return;
	struct capture *c = &fx->caps[fx->n_caps - 1];
	if (!c->keep)
		return;
	struct buf *b = &c->text;
	buf_addc(b, '<');
	buf_adds(b, (const char *)local);
	for (int i = 0; i < nb_ns; i++) {
		buf_adds(b, ns[2 * i] ? " xmlns:" : " xmlns");
		if (ns[2 * i])
			buf_adds(b, (const char *)ns[2 * i]);
		buf_adds(b, "=\"");
		for (const char *s = (const char *)ns[2 * i + 1]; s && *s; s++) {
			if (*s == '"') buf_adds(b, "&quot;");
			else if (*s == '&') buf_adds(b, "&amp;");
			else if (*s == '<') buf_adds(b, "&lt;");
			else if (*s == '>') buf_adds(b, "&gt;");
			else buf_addc(b, *s);
		}
		buf_addc(b, '"');
	}
	for (int i = 0; i < nb_attr; i++) {
		const xmlChar **a = attrs + 5 * i;
		buf_addc(b, ' ');
		if (a[1]) {
			buf_adds(b, (const char *)a[1]);
			buf_addc(b, ':');
		}
		for (const char *s = (const char *)a[0]; *s; s++)
			buf_addc(b, (char)tolower((unsigned char)*s));
		buf_adds(b, "=\"");
		for (const xmlChar *s = a[3]; s < a[4]; s++) {
			if (*s == '"') buf_adds(b, "&quot;");
			else if (*s == '&') buf_adds(b, "&amp;");
			else if (*s == '<') buf_adds(b, "&lt;");
			else if (*s == '>') buf_adds(b, "&gt;");
			else buf_addc(b, (char)*s);
		}
		buf_addc(b, '"');
	}
	buf_addc(b, '>');
}

static void serialise_end(struct fx *fx, const xmlChar *local)
{
	if (!fx->n_caps)
		return;
	struct capture *c = &fx->caps[fx->n_caps - 1];
	if (!c->keep)
		return;
	buf_adds(&c->text, "</");
	buf_adds(&c->text, (const char *)local);
	buf_addc(&c->text, '>');
}

static bool cp_is_xhtml(const struct fx *fx)
{
	return fx->cp.type[0] == 'a' && !strcmp(fx->cp.type, "application/xhtml+xml");
}

static void track_namespaces(struct fx *fx, int nb_ns, const xmlChar **ns)
{
	if (fx->version != V_NONE)
		return;
	for (int i = 0; i < nb_ns && fx->version == V_NONE; i++) {
		const char *pfx = (const char *)ns[2 * i];
		const char *uri = (const char *)ns[2 * i + 1];
		if (!uri)
			continue;
		if (!pfx && !strcasecmp(uri, "http://my.netscape.com/rdf/simple/0.9/"))
			fx->version = V_RSS090;
		else if (!strcasecmp(uri, "http://purl.org/rss/1.0/"))
			fx->version = V_RSS10;
		else if (!strcasecmp(uri, "http://www.w3.org/2005/Atom"))
			fx->version = V_ATOM10;
	}
}

/* After its first error libxml2 drops every entity reference (even
 * &amp;) in recovery mode; the oracle's lenient parser keeps them. So the
 * error is noted as bozo (sax_error) and the flag is cleared at the next
 * callback, before the next reference is read. */
static void keep_recovering(struct fx *fx)
{
	if (fx->ctxt && !fx->ctxt->wellFormed) {
		fx_bozo(fx, "not well-formed");
		fx->ctxt->wellFormed = 1;
	}
}

static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int nb_ns, const xmlChar **ns, int nb_attr, int nb_def,
                      const xmlChar **attrs)
{
	struct fx *fx = ctx;
	(void)nb_def;
	keep_recovering(fx);
	if (fx->stopped)
		return;
	fx->depth++;
	if (fx->depth > RP_FEED_MAX_DEPTH) {
		fx_bozo(fx, "nesting too deep");
		stop(fx);
		return;
	}
	ensure_frames(fx);
	struct fx_priv *p = priv_of(fx);
	struct frame_ext *fe = &p->fr[fx->depth];
	struct frame_ext *parent = &p->fr[fx->depth - 1];
	fx->frames[fx->depth].el = EL_UNKNOWN;
	fe->mode = FR_NORMAL;
	fe->own_base = NULL;
	fe->own_lang = NULL;

	struct attrs at = { nb_attr, attrs, fx };

	/* xml:base: each resolved against the outer base */
	/* most elements have no attribute: no call then (112K calls,
	 * 4M of their frames, on the 10 MB Atom bench) */
	char *b = nb_attr ? attr_xml(&at, "base") : NULL;
	if (b) {
		char *nb;
		if (p->cur_base[0]) {
			if (url_resolve(p->cur_base, b, &nb) != RP_OK || !nb)
				nb = rp_strdup(p->cur_base);
			rp_free(b);
		} else {
			nb = b;
		}
		fe->own_base = nb;
		p->cur_base = nb;
	}
	fe->base_at_push = p->cur_base;
	/* xml:lang */
	char *l = nb_attr ? attr_xml(&at, "lang") : NULL;
	if (l) {
		if (!*l) {
			rp_free(l);
			fe->lang = NULL;
		} else {
			fe->own_lang = l;
			fe->lang = l;
		}
	} else {
		fe->lang = fx->depth > 1 ? parent->lang : NULL;
	}

	track_namespaces(fx, nb_ns, ns);

	bool prefixed;
	uint8_t keeps;
	enum el el = classify(local, prefix, uri, &prefixed, &keeps);

	/* inline markup inside a text construct */
	if (fx->incontent && !ends_with(fx->cp.type, "xml")) {
		if (el == EL_DIV) {
			fe->mode = FR_SKIPDIV;
			return;
		}
		fx_set_type(fx->cp.type, "application/xhtml+xml");
	}
	if (fx->incontent && cp_is_xhtml(fx)) {
		fe->mode = FR_SERIAL;
		serialise_start(fx, local, nb_ns, ns, nb_attr, attrs);
		return;
	}

	if (!prefixed && !(keeps & KEEP_TEXTINPUT))
		fx->intextinput = false;
	if (!prefixed && !(keeps & KEEP_IMAGE))
		fx->inimage = false;

	fx->frames[fx->depth].el = el;
	if (el == EL_UNKNOWN || el == EL_PREFIXED || el == EL_DIV) {
		/* the oracle collects the text of an unknown element without
		 * attributes on its own; with attributes it goes to the parent */
		if (nb_attr == 0 && nb_ns == 0)
			fx_push(fx, CAP_DISCARD, false);
		return;
	}
	rss_start(fx, el, &at);
}

static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct fx *fx = ctx;
	keep_recovering(fx);
	if (fx->stopped || fx->depth <= 0)
		return;
	struct fx_priv *p = priv_of(fx);
	struct frame_ext *fe = &p->fr[fx->depth];
	enum el el = fx->frames[fx->depth].el;

	if (fe->mode == FR_SERIAL) {
		/* the oracle still runs the end rule of a known element inside
		 * markup: a text construct's end closes the content mode */
		enum el k = classify_end(local, prefix, uri);
		if ((k == EL_TITLE || k == EL_DESCRIPTION || k == EL_SUMMARY || k == EL_ABSTRACT ||
		     k == EL_CONTENT || k == EL_CONTENT_ENCODED || k == EL_BODY ||
		     k == EL_TEXTCONSTRUCT) && fx->incontent > 0) {
			fx->incontent--;
			fx->cp.type[0] = 0;
			fx->cp.base64 = false;
		}
	}
	if (fe->mode == FR_NORMAL) {
		if (el == EL_UNKNOWN || el == EL_PREFIXED || el == EL_DIV) {
			struct buf *t = &fx->scratch;
			fx_pop(fx, t, NULL);
		} else {
			rss_end(fx, el);
		}
	}
	if (fx->incontent) {
		bool div = el == EL_DIV || !strcasecmp((const char *)local, "div");
		if (!ends_with(fx->cp.type, "xml")) {
			if (div)
				goto scope;
			fx_set_type(fx->cp.type, "application/xhtml+xml");
		}
		if (cp_is_xhtml(fx) && fe->mode != FR_NORMAL)
			serialise_end(fx, local);
	}
scope:
	/* xml:base going out of scope, as the oracle does it: the parent's
	 * base comes back only when it is not empty */
	{
		const char *parent_base = fx->depth > 1 ? p->fr[fx->depth - 1].base_at_push : "";
		if (fe->own_base) {
			if (parent_base[0] || fx->depth == 1) {
				if (p->cur_base == fe->own_base)
					p->cur_base = parent_base[0] ? parent_base : p->cur_base;
			}
			if (p->cur_base == fe->own_base) {
				p->leaked = rp_grow(p->leaked, sizeof *p->leaked, p->n_leaked + 1, &p->cap_leaked);
				p->leaked[p->n_leaked++] = fe->own_base;
			} else {
				rp_free(fe->own_base);
			}
			fe->own_base = NULL;
		} else if (parent_base[0]) {
			p->cur_base = parent_base;
		}
		rp_free(fe->own_lang);
		fe->own_lang = NULL;
	}
	/* captures opened deeper than this (unbalanced rules) are dropped */
	while (fx->n_caps && fx->caps[fx->n_caps - 1].depth >= fx->depth) {
		if (fx->caps[fx->n_caps - 1].content && fx->incontent > 0) {
			fx->incontent--;
			fx->cp.type[0] = 0;
		}
		fx->n_caps--;
	}
	fx->depth--;
}

static void sax_characters(void *ctx, const xmlChar *ch, int len)
{
	struct fx *fx = ctx;
	keep_recovering(fx);
	if (fx->stopped || !fx->n_caps || len <= 0)
		return;
	struct capture *c = &fx->caps[fx->n_caps - 1];
	if (!c->keep)
		return;
	if (c->cut)
		return;
	size_t n = (size_t)len;
	bool esc = fx->incontent && cp_is_xhtml(fx);
	if (c->text.len + n > RP_FIELD_MAX_BYTES + 8) {
		c->cut = true;
		fx_bozo(fx, "text field too long");
		n = RP_FIELD_MAX_BYTES + 8 - c->text.len;
		if (c->text.len > RP_FIELD_MAX_BYTES + 8)
			n = 0;
	}
	if (!esc) {
		buf_add(&c->text, ch, n);
		return;
	}
	const char *s = (const char *)ch, *e = s + n, *run = s;
	for (; s < e; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
		if (!rep)
			continue;
		buf_add(&c->text, run, (size_t)(s - run));
		buf_adds(&c->text, rep);
		run = s + 1;
	}
	buf_add(&c->text, run, (size_t)(e - run));
}

/* A stand-in entity whose text is the reference itself, `&name;`: what
 * the oracle shows for entities it does not expand. Lent until the next
 * call. */
static xmlEntityPtr literal_entity(struct fx *fx, const xmlChar *name)
{
	size_t nl = strlen((const char *)name);
	if (nl + 3 > sizeof fx->fake_content)
		return NULL;
	memset(&fx->fake, 0, sizeof fx->fake);
	fx->fake_content[0] = '&';
	memcpy(fx->fake_content + 1, name, nl);
	fx->fake_content[nl + 1] = ';';
	fx->fake_content[nl + 2] = 0;
	fx->fake.type = XML_ENTITY_DECL;
	fx->fake.name = name;
	fx->fake.etype = XML_INTERNAL_PREDEFINED_ENTITY;
	fx->fake.content = (xmlChar *)fx->fake_content;
	fx->fake.orig = (xmlChar *)fx->fake_content;
	fx->fake.length = (int)nl + 2;
	return &fx->fake;
}

static xmlEntityPtr sax_get_entity(void *ctx, const xmlChar *name)
{
	struct fx *fx = ctx;
	xmlParserCtxtPtr ctxt = fx->ctxt;
	xmlEntityPtr ent = fx->xml->get_predefined_entity(name);
	if (ent)
		return ent;
	keep_recovering(fx);
	if (fx->stopped)
		return NULL;
	if (ctxt->myDoc)
		ent = fx->xml->get_doc_entity(ctxt->myDoc, name);
	if (ent && ctxt->inSubset)
		return ent;
	if (ent) {
		/* Only "safe" internal entities are expanded, as in the oracle:
		 * literal text without `&` or `"`, or one character reference.
		 * External entities, entities built of other entities (billion
		 * laughs) and anything past the expansion budget (quadratic
		 * blowup) stay as the literal `&name;` text, with bozo. */
		/* The verdict is kept for the last entity: `&a;` ten thousand
		 * times with a 100 KB value rescanned the value each time (3
		 * strchr: fast in libc, but a strlen each under ASan, 3 s for
		 * the quadratic-blowup attack). */
		if (ent != fx->checked_ent) {
			const char *v = (const char *)(ent->orig ? ent->orig : ent->content);
			fx->checked_safe = ent->etype == XML_INTERNAL_GENERAL_ENTITY && v &&
			    ((!strchr(v, '&') && !strchr(v, '"')) ||
			     (v[0] == '&' && v[1] == '#' && strchr(v, ';') == v + strlen(v) - 1));
			fx->checked_ent = ent;
		}
		bool safe = fx->checked_safe;
		if (!safe) {
			fx_bozo(fx, ent->etype == XML_INTERNAL_GENERAL_ENTITY ? "unsafe entity not expanded"
			                                                       : "external entity refused");
			return literal_entity(fx, name);
		}
		fx->entity_bytes += (size_t)ent->length + 32;
		if (fx->entity_bytes > fx->entity_budget) {
			fx_bozo(fx, "entity expansion limit");
			return literal_entity(fx, name);
		}
		return ent;
	}
	if (ctxt->inSubset)
		return NULL;
	fx_bozo(fx, "undefined entity");
	/* HTML entities: the oracle's lenient parser decodes them */
	size_t nl = strlen((const char *)name);
	int32_t cp = text_entity_lookup((const char *)name, nl);
	if (cp < 0)
		return literal_entity(fx, name); /* unknown names stay as written */
	memset(&fx->fake, 0, sizeof fx->fake);
	size_t k = utf8_encode(cp, fx->fake_content);
	fx->fake_content[k] = 0;
	fx->fake.type = XML_ENTITY_DECL;
	fx->fake.name = name;
	fx->fake.etype = XML_INTERNAL_PREDEFINED_ENTITY;
	fx->fake.content = (xmlChar *)fx->fake_content;
	fx->fake.orig = (xmlChar *)fx->fake_content;
	fx->fake.length = (int)k;
	return &fx->fake;
}

static xmlEntityPtr sax_get_pentity(void *ctx, const xmlChar *name)
{
	struct fx *fx = ctx;
	(void)name;
	fx_bozo(fx, "parameter entity refused");
	return NULL;
}

static xmlParserInputPtr sax_resolve(void *ctx, const xmlChar *pub, const xmlChar *sys)
{
	(void)pub;
	(void)sys;
	fx_bozo(ctx, "external resource refused");
	return NULL;
}

static void sax_start_doc(void *ctx)
{
	struct fx *fx = ctx;
	fx->xml->sax2_start_document(fx->ctxt);
}

static void sax_internal_subset(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	struct fx *fx = ctx;
	fx->xml->sax2_internal_subset(fx->ctxt, name, eid, sid);
}

static void sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pid,
                            const xmlChar *sid, xmlChar *content)
{
	struct fx *fx = ctx;
	if (fx->ctxt->myDoc && fx->ctxt->myDoc->intSubset)
		fx->xml->sax2_entity_decl(fx->ctxt, name, type, pid, sid, content);
}

static void sax_error(void *ctx, xmlErrorPtr err)
{
	struct fx *fx = ctx;
	if (!err)
		return;
	if (err->level >= XML_ERR_ERROR) {
		char why[160];
		snprintf(why, sizeof why, "line %d: %s", err->line, err->message ? err->message : "XML error");
		size_t n = strlen(why);
		while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
			why[--n] = 0;
		fx_bozo(fx, why);
	} else if (err->code == XML_WAR_UNDECLARED_ENTITY) {
		fx_bozo(fx, "undefined entity");
	}
}

/* ---- the parse --------------------------------------------------------- */

enum fast_mode { FAST_UNSET, FAST_ON, FAST_OFF, FAST_TRACE };
static enum fast_mode fast_mode_now = FAST_UNSET;

/* RAPPORTEUR_XML_FAST, read once (see the top of this file). */
static enum fast_mode fast_mode(void)
{
	if (fast_mode_now == FAST_UNSET) {
		const char *v = getenv("RAPPORTEUR_XML_FAST");
		fast_mode_now = v && !strcmp(v, "0") ? FAST_OFF : v && !strcmp(v, "trace") ? FAST_TRACE : FAST_ON;
	}
	return fast_mode_now;
}

void feed_xml_set_fast(bool on)
{
	fast_mode_now = on ? FAST_ON : FAST_OFF;
}

/* Read the document with libxml2's push parser; false when it could
 * not start. */
static bool parse_libxml2(struct fx *fx, const xmlSAXHandler *sax, const char *utf8, size_t n)
{
	const char *why = NULL;
	const struct libxml *xml = libxml_load(&why);
	if (!xml) {
		/* Whatever the document did wrong before matters less than
		 * that it could not be read at all: this reason wins. */
		rp_free(fx->feed->bozo_reason);
		fx->feed->bozo_reason = NULL;
		fx_bozo(fx, why);
		return false;
	}
	/* The push parser, fed in slices: libxml2 keeps only a window of the
	 * input, so memory stays proportional to the largest entry, not to
	 * the document. */
	xmlParserCtxtPtr ctxt = xml->create_push_parser_ctxt((xmlSAXHandler *)sax, fx, NULL, 0, NULL);
	if (!ctxt) {
		fx_bozo(fx, "cannot create XML parser");
		return false;
	}
	fx->xml = xml;
	fx->ctxt = ctxt;
	/* never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE */
	xml->ctxt_use_options(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOWARNING |
	                            XML_PARSE_NOERROR | XML_PARSE_IGNORE_ENC);
	xml->switch_encoding(ctxt, XML_CHAR_ENCODING_UTF8);
	enum { SLICE = 256 * 1024 };
	if (fx->progress)
		report(fx, utf8);
	for (size_t off = 0; off < n && !fx->stopped;) {
		size_t k = n - off < SLICE ? n - off : SLICE;
		xml->parse_chunk(ctxt, utf8 + off, (int)k, 0);
		off += k;
		/* libxml2 has copied what it still needs of the slice */
		if (fx->progress)
			report(fx, utf8 + off);
	}
	if (!fx->stopped)
		xml->parse_chunk(ctxt, NULL, 0, 1);
	if (!ctxt->wellFormed && !fx->stopped)
		fx_bozo(fx, "not well-formed");
	if (ctxt->myDoc) {
		xml->free_doc(ctxt->myDoc);
		ctxt->myDoc = NULL;
	}
	xml->free_parser_ctxt(ctxt);
	fx->ctxt = NULL;
	return true;
}

/* The state of one reading: fx and p set up for f (p is fx's private
 * part), the name cache emptied (a pointer of the last reading may name
 * something else in this one). */
static void fx_init(struct fx *fx, struct fx_priv *p, struct feed *f, feed_entry_fn fn,
                    void *fn_ctx, bool utf8_doc, size_t entity_budget)
{
	memset(fx, 0, sizeof *fx);
	memset(p, 0, sizeof *p);
	p->cur_base = "";
	fx->priv = p;
	fx->feed = f;
	fx->fn = fn;
	fx->fn_ctx = fn_ctx;
	fx->utf8_doc = utf8_doc;
	fx->title_depth = -1;
	fx->entity_budget = entity_budget;
	raw_reset(&fx->ent);
	raw_reset(&fx->top);
	ensure_frames(fx);
	memset(name_cache, 0, sizeof name_cache);
}

static void fx_done(struct fx *fx)
{
	struct fx_priv *p = priv_of(fx);
	if (fx->entry)
		feed_entry_done(fx->entry); /* its strings are not lent yet */
	buf_done(&fx->arena);
	rp_free(fx->tag_off);
	rp_free(fx->tag_v);
	raw_done(&fx->ent);
	raw_done(&fx->top);
	for (size_t i = 0; i < fx->cap_caps; i++)
		buf_done(&fx->caps[i].text);
	rp_free(fx->caps);
	for (size_t i = 0; i < p->cap_fr; i++) {
		rp_free(p->fr[i].own_base);
		rp_free(p->fr[i].own_lang);
	}
	rp_free(p->fr);
	free_leaked(p);
	rp_free(p->leaked);
	rp_free(fx->frames);
	buf_done(&fx->scratch);
	buf_done(&fx->scratch2);
	for (size_t i = 0; i < sizeof fx->av / sizeof fx->av[0]; i++)
		buf_done(&fx->av[i]);
}

/* What the feed held when a reading began (no entries: feed.c hands
 * feed_xml_parse a new feed), for restart. */
struct feed_mark {
	bool bozo;
	bool had_reason;     /* bozo_reason was set (fx_bozo never replaces one) */
};

static struct feed_mark feed_mark(const struct feed *f)
{
	return (struct feed_mark){ f->bozo, f->bozo_reason != NULL };
}

/* After a late decline of the fast path: everything the reading did to
 * fx and to the feed is undone, back to m, for the next reading of the
 * same document, except that the entries fn already had stay given
 * (fx->given). Entries collected in the feed are freed: the next reading
 * collects them again.
 *
 * Why the next reading's first entries are the ones fn had: xml_fast.c
 * calls nothing for a construct before it has checked all of it, so the
 * callbacks made before a late decline are those of a prefix of the
 * document that lies in its subset, and on that subset it makes
 * libxml2's calls (tests/feeds/fastpath-diff.py and
 * tests/fuzz/fuzz-xml-fast.c hold it to that). Both read the bytes in
 * order, so the calls for a prefix do not depend on what follows it.
 * The next reading is of the same bytes, or of what feed_repair.c made
 * of them, and the repairs change only bytes the fast path declines at
 * (a control character, a bare `&`, `&name` without `;`, a stray `<`,
 * an undeclared entity in an attribute value) or after them, and `<br>`
 * and the other void elements not written empty, which the fast path
 * declines at too: so none in that prefix. The entries are
 * made from those calls alone (the bozo flag, the only feed state the
 * repairs set first, is read by no rule), and the entry limit counts
 * skipped entries as it counted given ones. */
static void restart(struct fx *fx, const struct feed_mark *m)
{
	struct feed *f = fx->feed;
	size_t given = f->n_streamed > fx->given ? f->n_streamed : fx->given;
	for (size_t i = 0; i < f->n_entries; i++)
		feed_entry_done(&f->entries[i]);
	f->n_entries = 0;
	f->n_streamed = 0;
	f->bozo = m->bozo;
	if (!m->had_reason) {
		rp_free(f->bozo_reason);
		f->bozo_reason = NULL;
	}
	struct fx old = *fx;
	fx_done(fx);
	fx_init(fx, old.priv, f, old.fn, old.fn_ctx, old.utf8_doc, old.entity_budget);
	fx->given = given;
	fx->progress = old.progress;
	fx->doc = old.doc;
}

/* One reading by the fast path, undone (restart) when it declines late;
 * with RAPPORTEUR_XML_FAST=trace its verdict on stderr. With progress
 * reports, the pass reports its start, then fx_entry_end the tokenizer's
 * position after each entry. */
static enum xml_fast_result parse_fast(struct fx *fx, const xmlSAXHandler *sax, const char *s,
                                       size_t n, const struct feed_mark *m)
{
	const char *why = NULL;
	if (fx->progress)
		report(fx, s);
	enum xml_fast_result r = xml_fast_parse(s, n, sax, fx, &fx->stopped,
	                                        fx->progress ? &fx->fast_at : NULL, &why);
	fx->fast_at = NULL;
	if (fast_mode() == FAST_TRACE)
		fprintf(stderr, "xml_fast: %s%s\n",
		        r == XML_FAST_READ ? "accepted" : r == XML_FAST_DECLINED ? "declined: " : "declined late: ",
		        r == XML_FAST_READ || !why ? "" : why);
	if (r == XML_FAST_DECLINED_LATE)
		restart(fx, m);
	return r;
}

void feed_xml_parse(struct feed *f, const char *utf8, size_t n, bool utf8_doc,
                    feed_entry_fn fn, void *fn_ctx, const struct feed_progress *progress)
{
	struct fx fx;
	struct fx_priv p;
	fx_init(&fx, &p, f, fn, fn_ctx, utf8_doc, (size_t)4 * 1024 * 1024 + 2 * n);
	fx.progress = progress;
	fx.doc = utf8;

	xmlSAXHandler sax;
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startDocument = sax_start_doc;
	sax.internalSubset = sax_internal_subset;
	sax.entityDecl = sax_entity_decl;
	sax.getEntity = sax_get_entity;
	sax.getParameterEntity = sax_get_pentity;
	sax.resolveEntity = sax_resolve;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_characters;
	sax.cdataBlock = sax_characters;
	sax.serror = sax_error;

	/* The fast path first: a document it reads has nothing the repairs
	 * would mend (no control character, every '&' a reference, every
	 * '<' markup, every element closed), so they run only when it
	 * declines, and it tries again when they mended something. */
	bool try_fast = fast_mode() != FAST_OFF;
	struct feed_mark m = feed_mark(f);
	enum xml_fast_result r = try_fast ? parse_fast(&fx, &sax, utf8, n, &m) : XML_FAST_DECLINED;
	size_t ctl_n = 0, fixed_n = 0;
	char *ctl = NULL, *fixed = NULL;
	if (r != XML_FAST_READ) {
		/* the repairs' scans are a pass too, reported at its start and
		 * its end, not within (their loops are theirs); what they mend
		 * is a copy, read from then on instead of the caller's bytes */
		size_t doc_n = n;
		if (fx.progress)
			report(&fx, utf8);
		ctl = feed_repair_controls(utf8, n, &ctl_n);
		if (ctl) {
			fx_bozo(&fx, "control character in the document");
			utf8 = ctl;
			n = ctl_n;
		}
		fixed = feed_repair_markup(utf8, n, &fixed_n);
		if (fixed) {
			fx_bozo(&fx, "bare & or unclosed HTML element in the markup");
			utf8 = fixed;
			n = fixed_n;
		}
		if (fx.progress)
			report(&fx, fx.doc + doc_n);
		if (ctl || fixed)
			fx.progress = NULL; /* a copy: its offsets are not the caller's */
		if (try_fast && (ctl || fixed)) {
			m = feed_mark(f);
			r = parse_fast(&fx, &sax, utf8, n, &m);
		}
	}
	if (r != XML_FAST_READ && !parse_libxml2(&fx, &sax, utf8, n)) {
		/* without libxml2, what a late decline handed to fn stays given
		 * (and collected entries are dropped, as at a decline at once) */
		f->n_streamed = fx.given;
		goto out;
	}
	if (fx.entry)
		fx_entry_end(&fx);

	/* feed level */
	f->format = fx.version == V_RSS ? FEED_FORMAT_RSS
	          : (fx.version == V_RSS090 || fx.version == V_RSS10) ? FEED_FORMAT_RDF
	          : family_atom(&fx) ? FEED_FORMAT_ATOM : FEED_FORMAT_NONE;
	if (f->format != FEED_FORMAT_NONE) {
		if (fx.top.has_title)
			f->title = norm_text(&fx, &fx.top.title, fx.top.title_type);
		if (family_atom(&fx)) {
			const char *l = atom_pick_link(&fx.top);
			f->link = l ? fx_trim_dup(l, strlen(l)) : NULL;
		} else if (fx.top.has_link) {
			f->link = fx_trim_dup(fx.top.link.data, fx.top.link.len);
		}
		if (fx.top.lang.len)
			f->lang = rp_strdup(fx.top.lang.data);
	} else {
		for (size_t i = 0; i < f->n_entries; i++)
			feed_entry_done(&f->entries[i]);
		f->n_entries = 0;
	}
out:
	rp_free(fixed);
	rp_free(ctl);
	fx_done(&fx);
}
