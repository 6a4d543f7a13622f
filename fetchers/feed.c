/* fetchers/feed.c - the feed document model and the parse driver.
 *
 * feed_parse looks at the bytes once: JSON (first byte `{` or `[` after a
 * BOM and whitespace) goes to jsonfeed.c; everything else is XML, first
 * decoded to UTF-8 here (the oracle's order: BOM, XML declaration, UTF-8,
 * Windows-1252, ISO-8859-2; a fallback sets bozo) and then read by the
 * SAX driver of feed_xml.c with libxml2's own encoding detection off.
 * Decoding ourselves with iconv means UTF-32 and every encoding iconv
 * knows work the same way, and libxml2 only ever sees UTF-8. A document
 * valid as UTF-8 is read as it is, not copied; then the UTF-8 check and
 * the XML reading report their progress through it to the caller. */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "fetchers/feed.h"
#include "fetchers/feed_xml.h"

void feed_init(struct feed *f)
{
	memset(f, 0, sizeof *f);
}

void feed_entry_init(struct feed_entry *e)
{
	memset(e, 0, sizeof *e);
	strv_init(&e->tags);
}

void feed_entry_done(struct feed_entry *e)
{
	rp_free(e->id);
	rp_free(e->link);
	rp_free(e->title);
	rp_free(e->author);
	rp_free(e->summary_text);
	rp_free(e->lang);
	strv_done(&e->tags);
	for (size_t i = 0; i < e->n_enclosures; i++) {
		rp_free(e->enclosures[i].url);
		rp_free(e->enclosures[i].type);
	}
	rp_free(e->enclosures);
	for (size_t i = 0; i < e->n_media; i++) {
		rp_free(e->media[i].url);
		rp_free(e->media[i].type);
		rp_free(e->media[i].thumbnail);
		rp_free(e->media[i].alt);
	}
	rp_free(e->media);
	feed_entry_init(e);
}

void feed_done(struct feed *f)
{
	rp_free(f->title);
	rp_free(f->link);
	rp_free(f->lang);
	rp_free(f->bozo_reason);
	for (size_t i = 0; i < f->n_entries; i++)
		feed_entry_done(&f->entries[i]);
	rp_free(f->entries);
	feed_init(f);
}

const char *feed_format_name(enum feed_format fmt)
{
	switch (fmt) {
	case FEED_FORMAT_RSS: return "rss";
	case FEED_FORMAT_RDF: return "rdf";
	case FEED_FORMAT_ATOM: return "atom";
	case FEED_FORMAT_JSON: return "json";
	default: return NULL;
	}
}

/* ---- encodings --------------------------------------------------------- */

/* Decode n bytes from enc to UTF-8 into out; false when enc is unknown or
 * the bytes are invalid in it. */
static bool decode_to(struct buf *out, const char *enc, const char *s, size_t n)
{
	buf_reset(out);
	if (!strcasecmp(enc, "utf-8")) {
		if (!utf8_is_valid(s, n))
			return false;
		buf_add(out, s, n);
		return true;
	}
	char name[64];
	snprintf(name, sizeof name, "%s", enc);
	if (!strcasecmp(name, "latin-1") || !strcasecmp(name, "latin_1") || !strcasecmp(name, "l1"))
		snprintf(name, sizeof name, "ISO-8859-1");
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1) {
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = '-';
		cd = iconv_open("UTF-8", name);
		if (cd == (iconv_t)-1)
			return false;
	}
	buf_reserve(out, n * 2 + 16);
	char *in = (char *)s;
	size_t inleft = n;
	bool ok = true;
	while (inleft) {
		if (out->cap - out->len < 64)
			buf_reserve(out, out->cap);
		char *o = out->data + out->len;
		size_t oleft = out->cap - out->len - 1;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->data);
		if (r == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			ok = false;
			break;
		}
	}
	iconv_close(cd);
	if (out->data)
		out->data[out->len] = 0;
	return ok;
}

/* The UTF-8 check reports progress after each chunk of about this many
 * bytes. */
#define CHECK_STEP ((size_t)1 << 20)

/* utf8_is_valid(s, n) for s at offset base of the caller's bytes, with a
 * progress report (pg, when not NULL) at its start and after each chunk
 * of about CHECK_STEP bytes (utf8_stream keeps the few bytes of a
 * character a chunk cuts). */
static bool utf8_check(const char *s, size_t n, const struct feed_progress *pg, size_t base)
{
	if (!pg)
		return utf8_is_valid(s, n);
	pg->fn(pg->ctx, base);
	struct utf8_stream st;
	utf8_stream_init(&st);
	for (size_t i = 0; i < n;) {
		size_t end = n - i > CHECK_STEP ? i + CHECK_STEP : n;
		utf8_stream_add(&st, s + i, end - i);
		if (st.bad)
			break;   /* not UTF-8: the pass ends here */
		i = end;
		pg->fn(pg->ctx, base + i);
	}
	return utf8_stream_end(&st);
}

/* The encoding= of an XML declaration the oracle's way: on the first
 * line, `^<\?.*encoding=['"](.*?)['"].*\?>`, lowercased. */
static bool xml_decl_encoding(const char *s, size_t n, char out[64])
{
	if (n < 2 || s[0] != '<' || s[1] != '?')
		return false;
	size_t line = 0;
	while (line < n && s[line] != '\n')
		line++;
	/* greedy .* : try the last "encoding=" first */
	for (size_t i = line; i-- > 2;) {
		if (i + 10 > line || memcmp(s + i, "encoding=", 9) != 0)
			continue;
		char q = s[i + 9];
		if (q != '"' && q != '\'')
			continue;
		size_t v = i + 10, e = v;
		while (e < line && s[e] != '"' && s[e] != '\'')
			e++;
		if (e >= line)
			continue;
		bool close = false;
		for (size_t k = e + 1; k + 1 < line + 1 && k + 1 <= line; k++)
			if (s[k] == '?' && k + 1 < line && s[k + 1] == '>')
				close = true;
		if (!close)
			continue;
		size_t len = e - v < 63 ? e - v : 63;
		for (size_t k = 0; k < len; k++) {
			char c = s[v + k];
			out[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		out[len] = 0;
		return true;
	}
	return false;
}

static bool is_unicode_alias(const char *e)
{
	static const char *const names[] = {
		"u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
		"iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(e, names[i]))
			return true;
	return false;
}

/* Decode the document s[0..n) to UTF-8 in *out, or take it as it is;
 * the text in *dp, *dn; *used is the encoding that worked ("" when none
 * did: then the bytes are repaired as UTF-8). *used is "utf-8" exactly
 * when *dp points into s (the bytes as they are, a BOM skipped); else
 * it is a copy. utf8_known: feed_stream.utf8, what the caller knows of s
 * as UTF-8. pg (NULL: none): progress of the UTF-8 check, offsets from s. */
static void decode_document(struct feed *f, const char *s, size_t n, int utf8_known,
                            struct buf *out, char used[64], const char **dp, size_t *dn,
                            const struct feed_progress *pg)
{
	const char *s0 = s;
	const unsigned char *u = (const unsigned char *)s;
	const char *bom = "";
	if (n >= 4 && !memcmp(u, "\x00\x00\xfe\xff", 4)) { bom = "utf-32be"; s += 4; n -= 4; }
	else if (n >= 4 && !memcmp(u, "\xff\xfe\x00\x00", 4)) { bom = "utf-32le"; s += 4; n -= 4; }
	else if (n >= 2 && u[0] == 0xfe && u[1] == 0xff && !(n >= 4 && !u[2] && !u[3])) { bom = "utf-16be"; s += 2; n -= 2; }
	else if (n >= 2 && u[0] == 0xff && u[1] == 0xfe && !(n >= 4 && !u[2] && !u[3])) { bom = "utf-16le"; s += 2; n -= 2; }
	else if (n >= 3 && !memcmp(u, "\xef\xbb\xbf", 3)) { bom = "utf-8"; s += 3; n -= 3; }
	else if (n >= 4 && !memcmp(u, "\x00\x3c\x00\x3f", 4)) bom = "utf-16be";
	else if (n >= 4 && !memcmp(u, "\x3c\x00\x3f\x00", 4)) bom = "utf-16le";
	else if (n >= 4 && !memcmp(u, "\x00\x00\x00\x3c", 4)) bom = "utf-32be";
	else if (n >= 4 && !memcmp(u, "\x3c\x00\x00\x00", 4)) bom = "utf-32le";

	char xml_enc[64] = "";
	bool have_decl;
	if (*bom && strcmp(bom, "utf-8")) {
		/* read the declaration from the first bytes decoded */
		size_t head = n < 4096 ? n : 4096;
		head -= head % (strstr(bom, "32") ? 4 : 2);
		have_decl = decode_to(out, bom, s, head) && xml_decl_encoding(out->data, out->len, xml_enc);
	} else {
		have_decl = xml_decl_encoding(s, n, xml_enc);
	}
	if (have_decl && *bom && is_unicode_alias(xml_enc))
		snprintf(xml_enc, sizeof xml_enc, "%s", bom);
	if (!strcmp(xml_enc, "gb2312"))
		snprintf(xml_enc, sizeof xml_enc, "gb18030");
	const char *rfc3023 = xml_enc[0] ? xml_enc : "utf-8";
	const char *cands[] = { rfc3023, xml_enc, bom, "utf-8", "windows-1252", "iso-8859-2" };
	const char *tried[6];
	size_t nt = 0;
	used[0] = 0;
	for (size_t i = 0; i < 6; i++) {
		const char *c = cands[i];
		if (!*c)
			continue;
		bool seen = false;
		for (size_t k = 0; k < nt; k++)
			seen |= !strcmp(tried[k], c);
		if (seen)
			continue;
		tried[nt++] = c;
		if (!strcmp(c, "utf-8")) {
			/* no copy: the bytes are used as they are */
			/* what the caller knows is of all the bytes: it holds for
			 * them without a BOM only when that is UTF-8's, itself one
			 * valid character */
			bool whole = s == s0 || !strcmp(bom, "utf-8");
			if (utf8_known && whole ? utf8_known > 0 : utf8_check(s, n, pg, (size_t)(s - s0))) {
				snprintf(used, 64, "%s", c);
				*dp = s;
				*dn = n;
				break;
			}
			continue;
		}
		if (decode_to(out, c, s, n)) {
			snprintf(used, 64, "%s", c);
			*dp = out->data ? out->data : "";
			*dn = out->len;
			break;
		}
	}
	if (!used[0]) {
		buf_reset(out);
		utf8_repair(out, s, n);
		*dp = out->data ? out->data : "";
		*dn = out->len;
		f->bozo = true;
		if (!f->bozo_reason)
			f->bozo_reason = rp_strdup("unknown character encoding");
	} else if (strcmp(used, rfc3023)) {
		f->bozo = true;
		if (!f->bozo_reason) {
			struct buf r = { 0 };
			buf_printf(&r, "document declared as %s, but parsed as %s", rfc3023, used);
			/* the declared name is raw document bytes: repair them, every
			 * string handed out is valid UTF-8 */
			struct buf v = { 0 };
			utf8_repair(&v, r.data, r.len);
			buf_done(&r);
			f->bozo_reason = v.len ? buf_detach(&v) : rp_strdup("bozo");
			buf_done(&v);
		}
	}
}

/* ---- the driver -------------------------------------------------------- */

rp_err feed_check_size(uint64_t n, struct buf *err)
{
	if (n <= RP_FEED_MAX_BYTES)
		return RP_OK;
	buf_printf(err, "document is %llu bytes, more than the limit of %u bytes",
	           (unsigned long long)n, (unsigned)RP_FEED_MAX_BYTES);
	return RP_ERR_LIMIT;
}

rp_err feed_parse_stream(const char *bytes, size_t n, struct feed *ret,
                         const struct feed_stream *how, struct buf *err)
{
	static const struct feed_stream collect = { 0 };
	if (!how)
		how = &collect;
	rp_err e = feed_check_size(n, err);
	if (e)
		return e;
	feed_entry_fn fn = how->entry;
	feed_progress_fn progress = how->progress;
	void *ctx = how->ctx;
	struct feed f;
	feed_init(&f);
	/* the oracle looks at the first 4096 bytes without BOM bytes and
	 * ASCII whitespace */
	size_t i = 0, head = n < 4096 ? n : 4096;
	while (i < head && ((unsigned char)bytes[i] == 0xef || (unsigned char)bytes[i] == 0xbb ||
	                    (unsigned char)bytes[i] == 0xbf))
		i++;
	while (i < head && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n'))
		i++;
	if (i >= head) {
		f.bozo = true;
		f.bozo_reason = rp_strdup("empty document");
	} else if (bytes[i] == '{' || bytes[i] == '[') {
		size_t skip = n >= 3 && !memcmp(bytes, "\xef\xbb\xbf", 3) ? 3 : 0;
		jsonfeed_parse(&f, bytes + skip, n - skip, fn, ctx);
	} else {
		struct buf doc = { 0 };
		char used[64];
		const char *d = "";
		size_t dn = 0;
		struct feed_progress pg = { progress, ctx, 0 };
		decode_document(&f, bytes, n, how->utf8, &doc, used, &d, &dn, progress ? &pg : NULL);
		/* the oracle hands its XML parser UTF-8 and tells it so, so its
		 * Latin-1-mojibake repair applies to every document */
		bool as_is = !strcmp(used, "utf-8");
		if (as_is)
			pg.base = (size_t)(d - bytes);
		feed_xml_parse(&f, d, dn, true, fn, ctx, progress && as_is ? &pg : NULL);
		buf_done(&doc);
	}
	*ret = f;
	return RP_OK;
}

rp_err feed_parse(const char *bytes, size_t n, struct feed *ret, struct buf *err)
{
	return feed_parse_stream(bytes, n, ret, NULL, err);
}
