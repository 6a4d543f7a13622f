/* fetchers/xml_fast.c - a strict tokenizer for ordinary well-formed XML
 * (see xml_fast.h for the subset and what the callbacks receive).
 *
 * One walker reads the document once, checking each construct whole
 * before it calls anything for it, so that what was called is always a
 * true beginning of the document's reading; the first construct outside
 * the subset ends the walk (late when something was called already).
 * Names and namespace URIs are interned in one table, so the same name
 * is one pointer for the whole parse, as in libxml2's dictionary
 * (feed_xml.c caches element kinds by those pointers).
 *
 * Every place where libxml2 would report an error, or would read the
 * bytes differently from the plain reading, declines instead. */
#include "fetchers/xml_fast.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/scan.h"
#include "core/utf8.h"
#include "fetchers/feed_xml.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Limits, below libxml2's own without XML_PARSE_HUGE (depth 256, names
 * of 50,000 bytes, 10 MB text), so that nothing accepted here would be
 * cut or refused there. Past any of them the document goes to libxml2. */
#define XF_MAX_DEPTH  200               /* element nesting */
#define XF_MAX_NAME   1000              /* bytes of one qualified name */
#define XF_MAX_RUN    (1u * 1024 * 1024) /* bytes of one text run, start tag, comment, PI or CDATA section */
#define XF_MAX_ATTRS  256               /* attributes and namespace declarations of one element */
#define XF_MAX_NS     1024              /* namespace declarations in scope */
#define XF_MAX_NAMES  4096              /* distinct names, prefixes and namespace URIs */
#define XF_NAME_PAD   16                /* bytes of xf_name.q at least, zero after the name */

static const char XML_NS[] = "http://www.w3.org/XML/1998/namespace";
static const char XMLNS_NS[] = "http://www.w3.org/2000/xmlns/";

/* An interned name (or namespace URI): one per distinct byte string. */
struct xf_name {
	uint32_t hash, len;
	const xmlChar *local;  /* part after the ':' (in q); NULL until used as a name */
	const xmlChar *prefix; /* interned part before the ':'; NULL when none */
	bool html_void;        /* an element name feed_repair.c may close (set with local) */
	char q[];              /* the bytes, zero-padded to XF_NAME_PAD at least */
};

struct xf_attr {
	const struct xf_name *name;
	const char *v, *ve;    /* the value as written, between the quotes */
	bool plain;            /* no reference, TAB, LF or CR: given as written */
	const xmlChar *uri;    /* its namespace (NULL when unprefixed) */
	size_t off, len;       /* emit: the decoded value in xf.vals */
};

struct xf_frame {
	const struct xf_name *name;
	const xmlChar *uri;
	size_t ns_base;        /* xf.n_ns before the element's declarations */
};

struct xf {
	const char *p, *e;     /* the reading position; the end of the input */
	bool emit;             /* call the handler (false once *stop: then only check) */
	bool called;           /* the handler was called: a decline now is late */
	const char *why;       /* why it declined */
	const xmlSAXHandler *sax;
	void *ctx;
	const char **reached;  /* set before each endElementNs (xml_fast.h); &reached_none when not asked */
	const char *reached_none;

	struct xf_name **tab; size_t cap_tab, n_names; /* open addressing */
	const xmlChar *xml_prefix, *xmlns_prefix, *xml_ns, *empty;

	const xmlChar **ns; size_t n_ns, cap_ns; /* in scope: prefix, URI pairs */
	struct xf_frame open[XF_MAX_DEPTH + 1];
	int depth;

	struct xf_attr at[XF_MAX_ATTRS];     /* the start tag being read */
	const xmlChar *attrs[5 * XF_MAX_ATTRS]; /* libxml2's layout */
	struct buf text, vals;                /* decoded text and values */
};

static bool no(struct xf *x, const char *why)
{
	if (!x->why)
		x->why = why;
	return false;
}

/* ---- bytes ------------------------------------------------------------- */

static bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && is_ws(*p))
		p++;
	return p;
}

/* 1: a name character (ASCII only: the subset), 3: a name start too */
static const unsigned char name_class[256] = {
	/* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, /* - . */
	/* 0x30 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0-9 */
	/* 0x40 */ 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* A-O */
	/* 0x50 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3, /* P-Z _ */
	/* 0x60 */ 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* a-o */
	/* 0x70 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, /* p-z */
};

static bool name_start(unsigned char c) { return name_class[c] == 3; }
static bool name_char(unsigned char c) { return name_class[c] & 1; }

/* U+FFFE or U+FFFF at p (p[0] == 0xEF): not XML characters */
static bool non_char(const char *p, const char *e)
{
	return e - p >= 3 && (unsigned char)p[1] == 0xbf &&
	       ((unsigned char)p[2] == 0xbe || (unsigned char)p[2] == 0xbf);
}

/* The bytes a scan stops at: controls (but TAB and LF when ws, and CR
 * too when cr), 0xEF (U+FFFE and U+FFFF start with it), and a, b, c
 * (SCAN_NO_BYTE: none). Text stops at CR (its line ends are
 * normalised), attribute values at TAB, LF and CR (they become spaces),
 * comments, PIs and CDATA at neither. The arguments are constants where
 * called, so each inlined scan keeps only its own tests. */
static inline bool stop_at(unsigned char c, bool ws, bool cr, int a, int b, int cc)
{
	if (c < 0x20)
		return !(ws && (c == '\t' || c == '\n')) && !(cr && c == '\r');
	return c == 0xef || c == a || c == b || c == cc;
}

#if defined(__SSE2__)
/* stop_at for each of the sixteen bytes of v, a bit per byte. */
static inline unsigned stop_mask_v(__m128i v, bool ws, bool cr, int a, int b, int c)
{
	__m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v); /* controls */
	if (ws)
		hit = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
		                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))), hit);
	if (cr)
		hit = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')), hit);
	hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xef)));
	if (a >= 0)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)a)));
	if (b >= 0)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)b)));
	if (c >= 0)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
	return (unsigned)_mm_movemask_epi8(hit);
}

static inline unsigned stop_mask16(const char *p, bool ws, bool cr, int a, int b, int c)
{
	return stop_mask_v(_mm_loadu_si128((const __m128i *)(const void *)p), ws, cr, a, b, c);
}
#endif

/* The index of the first byte of s[0..n) stop_at takes; n when none. */
static inline size_t stop_scan(const char *s, size_t n, bool ws, bool cr, int a, int b, int c)
{
	size_t i = 0;
#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = stop_mask16(s + i, ws, cr, a, b, c);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && !stop_at((unsigned char)s[i], ws, cr, a, b, c))
		i++;
	return i;
}

/* ---- names ------------------------------------------------------------- */

/* Names are hashed eight bytes a step, the last word zero-padded, so
 * that name_at can hash a short name straight from the register it
 * scanned it in; the names of a feed are few and short. */
static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 32);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = hash_step(h, w);
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i); /* little-endian: as name_at's register */
		h = hash_step(h, w);
	}
	return (uint32_t)h;
}

static void rehash(struct xf *x)
{
	size_t cap = x->cap_tab ? 2 * x->cap_tab : 64;
	struct xf_name **t = rp_calloc(cap, sizeof *t);
	for (size_t i = 0; i < x->cap_tab; i++) {
		struct xf_name *nm = x->tab[i];
		if (!nm)
			continue;
		size_t k = nm->hash & (cap - 1);
		while (t[k])
			k = (k + 1) & (cap - 1);
		t[k] = nm;
	}
	rp_free(x->tab);
	x->tab = t;
	x->cap_tab = cap;
}

/* The one entry for the bytes s[0..n) (hash h); NULL (declined) past
 * XF_MAX_NAMES. */
static struct xf_name *intern(struct xf *x, const char *s, size_t n, uint32_t h)
{
	if (2 * (x->n_names + 1) > x->cap_tab)
		rehash(x);
	size_t mask = x->cap_tab - 1, i = h & mask;
	for (struct xf_name *nm; (nm = x->tab[i]); i = (i + 1) & mask)
		if (nm->hash == h && nm->len == n && !memcmp(nm->q, s, n))
			return nm;
	if (x->n_names == XF_MAX_NAMES) {
		no(x, "too many distinct names");
		return NULL;
	}
	/* q is zero-padded to XF_NAME_PAD bytes at least, so that a short
	 * name can be compared as one sixteen-byte block */
	size_t room = n + 1 < XF_NAME_PAD ? XF_NAME_PAD : n + 1;
	struct xf_name *nm = rp_malloc(sizeof *nm + room);
	nm->hash = h;
	nm->len = (uint32_t)n;
	nm->local = nm->prefix = NULL;
	nm->html_void = false;
	memcpy(nm->q, s, n);
	memset(nm->q + n, 0, room - n);
	x->tab[i] = nm;
	x->n_names++;
	return nm;
}

static const xmlChar *intern_str(struct xf *x, const char *s, size_t n)
{
	struct xf_name *nm = intern(x, s, n, hash_bytes(s, n));
	return nm ? (const xmlChar *)nm->q : NULL;
}

#if defined(__SSE2__)
/* A bit per byte of v that is not a name character (name_char). */
static inline unsigned not_name_mask(__m128i v)
{
	__m128i l = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	__m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(25)), l),
	                          _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
	ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
	                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
	ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
	return ~(unsigned)_mm_movemask_epi8(ok) & 0xffffu;
}

/* v with its bytes from n on zeroed (n < 16). */
static inline __m128i first_bytes(__m128i v, size_t n)
{
	static const unsigned char ones[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	return _mm_and_si128(v, _mm_loadu_si128((const __m128i *)(const void *)(ones + 16 - n)));
}

/* The entry of the short name held in v (n < 16 bytes, zero after them)
 * and hashed to h, when it is interned already; NULL otherwise. */
static struct xf_name *interned_v(const struct xf *x, __m128i v, size_t n, uint32_t h)
{
	size_t mask = x->cap_tab - 1, i = h & mask;
	for (struct xf_name *nm; (nm = x->tab[i]); i = (i + 1) & mask) {
		__m128i q = _mm_loadu_si128((const __m128i *)(const void *)nm->q);
		if (nm->hash == h && nm->len == n && _mm_movemask_epi8(_mm_cmpeq_epi8(q, v)) == 0xffff)
			return nm;
	}
	return NULL;
}
#endif

/* The qualified name at x->p, interned with its parts; NULL when there
 * is none in the subset (an ASCII NCName, optionally prefixed). */
static const struct xf_name *name_at(struct xf *x)
{
	const char *s = x->p, *p = s, *e = x->e;
	size_t colon = 0, n;
	struct xf_name *nm;
	if (p == e || !name_start((unsigned char)*p)) {
		no(x, p < e && (unsigned char)*p >= 0x80 ? "non-ASCII name" : "not a name");
		return NULL;
	}
#if defined(__SSE2__)
	/* The usual name, unprefixed and shorter than sixteen bytes, is
	 * found, hashed and looked up from one load, without a loop: the
	 * byte loop that hashed as it went cost 240K branch mispredictions
	 * (one per name), 4% of all, on the 10 MB Atom bench (cachegrind),
	 * and the memcmp call per lookup 205K calls more. */
	if (e - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		unsigned stop = not_name_mask(v);
		n = stop ? (size_t)__builtin_ctz(stop) : 16;
		if (n < 16 && s[n] != ':' && (unsigned char)s[n] < 0x80) {
			v = first_bytes(v, n);
			uint64_t h = hash_step(n, (uint64_t)_mm_cvtsi128_si64(v));
			if (n > 8)
				h = hash_step(h, (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(v, 8)));
			nm = interned_v(x, v, n, (uint32_t)h);
			if (!nm && !(nm = intern(x, s, n, (uint32_t)h)))
				return NULL;
			p = s + n;
			goto found;
		}
	}
#endif
	for (;;) {
		while (p < e && name_char((unsigned char)*p))
			p++;
		if (p == e || *p != ':')
			break;
		if (colon || p + 1 == e || !name_start((unsigned char)p[1])) {
			no(x, "not a namespace-well-formed name");
			return NULL;
		}
		colon = (size_t)(p - s);
		p++;
	}
	n = (size_t)(p - s);
	if (p < e && (unsigned char)*p >= 0x80) {
		no(x, "non-ASCII name");
		return NULL;
	}
	if (n > XF_MAX_NAME) {
		no(x, "name too long");
		return NULL;
	}
	if (!(nm = intern(x, s, n, hash_bytes(s, n))))
		return NULL;
found: __attribute__((unused)); /* reached by goto only with SSE2 */
	if (!nm->local) {
		const struct xf_name *pf = colon ? intern(x, s, colon, hash_bytes(s, colon)) : NULL;
		if (colon && !pf)
			return NULL;
		nm->prefix = pf ? (const xmlChar *)pf->q : NULL;
		nm->local = (const xmlChar *)nm->q + (colon ? colon + 1 : 0);
		nm->html_void = feed_repair_void_name(nm->q, n);
	}
	x->p = p;
	return nm;
}

/* ---- references -------------------------------------------------------- */

static bool xml_char(int32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* The reference at *pp (a '&'): its character in *cp and *pp moved past
 * the ';'. Declines anything but the five predefined entities and
 * character references to XML characters. */
static bool ref_other(struct xf *x, const char **pp, int32_t *cp);

static inline bool ref(struct xf *x, const char **pp, int32_t *cp)
{
	const char *p = *pp + 1, *e = x->e;
	/* `&lt;` and `&gt;` come by the thousand in escaped HTML (a third
	 * of the references of the Atom bench's content; the loop below
	 * cost 2% of its parse): inline, without the call */
	if (e - p >= 3 && p[1] == 't' && p[2] == ';' && (*p == 'l' || *p == 'g')) {
		*cp = *p == 'l' ? '<' : '>';
		*pp = p + 3;
		return true;
	}
	return ref_other(x, pp, cp);
}

/* ref() past its `&lt;` and `&gt;` */
static bool ref_other(struct xf *x, const char **pp, int32_t *cp)
{
	static const struct { char name[6]; unsigned char n; char c; } predefined[] = {
		{ "lt;", 3, '<' }, { "gt;", 3, '>' }, { "amp;", 4, '&' },
		{ "quot;", 5, '"' }, { "apos;", 5, '\'' },
	};
	const char *p = *pp + 1, *e = x->e;
	if (p < e && *p == '#') {
		bool hex = ++p < e && *p == 'x';
		p += hex;
		const char *digits = p;
		int32_t v = 0;
		for (; p < e && *p != ';'; p++) {
			unsigned char c = (unsigned char)*p;
			int d = ascii_is_digit(c) ? c - '0' : hex && ascii_is_xdigit(c) ? (c | 0x20) - 'a' + 10 : -1;
			if (d < 0)
				return no(x, "malformed character reference");
			v = v * (hex ? 16 : 10) + d;
			if (v > 0x10ffff)
				return no(x, "character reference out of range");
		}
		if (p == digits || p == e)
			return no(x, "malformed character reference");
		if (!xml_char(v))
			return no(x, "reference to a non-XML character");
		*cp = v;
		*pp = p + 1;
		return true;
	}
	/* by the first letter */
	size_t i = p == e ? 5 : *p == 'l' ? 0 : *p == 'g' ? 1 : *p == 'q' ? 3 : *p == 'a' ? 2 : 5;
	if (i == 2 && e - p >= 2 && p[1] == 'p')
		i = 4;
	size_t n = i < 5 ? predefined[i].n : 0;
	for (size_t k = 0; k < n; k++)
		if (p + k == e || p[k] != predefined[i].name[k])
			n = 0;
	if (!n)
		return no(x, "entity reference other than the predefined five");
	*cp = predefined[i].c;
	*pp = p + n;
	return true;
}

/* ---- markup other than elements ---------------------------------------- */

/* The end of a comment, PI or CDATA section whose content starts at s:
 * the first `t` (2 or 3 bytes, the first rare in such content), the
 * content checked to be XML characters within XF_MAX_RUN; NULL
 * (declined) otherwise. One scan finds the end and the first byte that
 * is not an XML character; the reasons keep their order (unclosed, too
 * long, then that byte). */
static const char *section_end(struct xf *x, const char *s, const char *t)
{
	const char *p = s, *e = x->e, *bad = NULL;
	size_t k = strlen(t);
	for (;; p++) {
		p += stop_scan(p, (size_t)(e - p), true, true, t[0], SCAN_NO_BYTE, SCAN_NO_BYTE);
		if ((size_t)(e - p) < k) {
			no(x, "unclosed comment, PI or CDATA section");
			return NULL;
		}
		if (*p == t[0]) {
			if (!memcmp(p, t, k))
				break;
		} else if (!bad && ((unsigned char)*p != 0xef || non_char(p, e))) {
			bad = p; /* a control, or U+FFFE or U+FFFF */
		}
	}
	if (p - s > XF_MAX_RUN) {
		no(x, "comment, PI or CDATA section too long");
		return NULL;
	}
	if (bad) {
		no(x, (unsigned char)*bad == 0xef ? "U+FFFE or U+FFFF" : "control character");
		return NULL;
	}
	return p;
}

/* <!-- ... --> at x->p (known to start so) */
static bool comment(struct xf *x)
{
	const char *dd = section_end(x, x->p + 4, "--");
	if (!dd)
		return false;
	if (x->e - dd < 3 || dd[2] != '>')
		return no(x, "'--' in a comment");
	x->p = dd + 3;
	return true;
}

/* <?target ...?> at x->p */
static bool pi(struct xf *x)
{
	const char *s = x->p + 2, *p = s, *e = x->e;
	while (p < e && name_char((unsigned char)*p))
		p++;
	if (p == s || !name_start((unsigned char)*s))
		return no(x, "processing instruction without a target");
	/* libxml2: the target `xml` is an error, other xml... names but
	 * these two a warning; declined all the same */
	if (p - s >= 3 && (s[0] | 0x20) == 'x' && (s[1] | 0x20) == 'm' && (s[2] | 0x20) == 'l' &&
	    !(p - s == 14 && !memcmp(s, "xml-stylesheet", 14)) && !(p - s == 9 && !memcmp(s, "xml-model", 9)))
		return no(x, "processing instruction named xml...");
	if (p == e || !(is_ws(*p) || (*p == '?' && e - p >= 2 && p[1] == '>')))
		return no(x, "processing instruction target not a plain name");
	const char *end = section_end(x, p, "?>");
	if (!end)
		return false;
	x->p = end + 2;
	return true;
}

/* <![CDATA[ ... ]]> at x->p: given as written (libxml2's push parser
 * does not normalise line ends in CDATA either). */
static bool cdata(struct xf *x)
{
	const char *s = x->p + 9, *end = section_end(x, s, "]]>");
	if (!end)
		return false;
	if (x->emit && end > s)
		x->sax->cdataBlock(x->ctx, (const xmlChar *)s, (int)(end - s));
	x->p = end + 3;
	return true;
}

/* White space, comments and PIs (before and after the root element). */
static bool misc(struct xf *x)
{
	for (;;) {
		x->p = skip_ws(x->p, x->e);
		size_t left = (size_t)(x->e - x->p);
		if (left >= 4 && !memcmp(x->p, "<!--", 4)) {
			if (!comment(x))
				return false;
		} else if (left >= 2 && !memcmp(x->p, "<?", 2)) {
			if (!pi(x))
				return false;
		} else if (left >= 2 && !memcmp(x->p, "<!", 2)) {
			return no(x, "DOCTYPE or other declaration");
		} else {
			return true;
		}
	}
}

/* In the XML declaration at *pp: S name Eq 'value'; false (and *pp as
 * it was) when that is not there. */
static bool decl_attr(const char **pp, const char *e, const char *name, const char **v, size_t *vn)
{
	const char *p = skip_ws(*pp, e);
	size_t k = strlen(name);
	if (p == *pp || (size_t)(e - p) < k || memcmp(p, name, k))
		return false;
	p = skip_ws(p + k, e);
	if (p == e || *p != '=')
		return false;
	p = skip_ws(p + 1, e);
	if (p == e || (*p != '"' && *p != '\''))
		return false;
	const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));
	if (!q)
		return false;
	*v = p + 1;
	*vn = (size_t)(q - p - 1);
	*pp = q + 1;
	return true;
}

static bool enc_name(const char *s, size_t n)
{
	if (!n || !ascii_is_alpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!name_char((unsigned char)s[i]))
			return false;
	return true;
}

/* <?xml version="1.0" encoding="..." standalone="..."?> at the start,
 * when there. */
static bool xml_decl(struct xf *x)
{
	const char *p = x->p, *e = x->e, *v;
	size_t vn;
	if (e - p < 6 || memcmp(p, "<?xml", 5) || !is_ws(p[5]))
		return true;
	p += 5;
	if (!decl_attr(&p, e, "version", &v, &vn) || vn != 3 || memcmp(v, "1.0", 3))
		return no(x, "XML declaration without version 1.0");
	if (decl_attr(&p, e, "encoding", &v, &vn) && !enc_name(v, vn))
		return no(x, "malformed encoding name");
	if (decl_attr(&p, e, "standalone", &v, &vn) &&
	    !((vn == 3 && !memcmp(v, "yes", 3)) || (vn == 2 && !memcmp(v, "no", 2))))
		return no(x, "malformed standalone declaration");
	p = skip_ws(p, e);
	if (e - p < 2 || memcmp(p, "?>", 2))
		return no(x, "malformed XML declaration");
	x->p = p + 2;
	return true;
}

/* ---- text -------------------------------------------------------------- */

static void emit_chars(struct xf *x, const char *s, size_t n)
{
	if (n)
		x->sax->characters(x->ctx, (const xmlChar *)s, (int)n);
}

/* The bytes a text run stops at: '<' ends it, '&' and CR are decoded,
 * ']' may begin a ']]>' (not allowed); TAB and LF are plain text. */
#define TEXT_STOPS true, false, '<', '&', ']'

/* A byte text() stopped at that is neither '<', '&' nor CR, at p: true
 * when it is text all the same (a ']' or 0xEF that begins nothing
 * forbidden). */
static bool text_other(struct xf *x, const char *p)
{
	const char *e = x->e;
	unsigned char c = (unsigned char)*p;
	if (c == ']' && e - p >= 3 && p[1] == ']' && p[2] == '>')
		return no(x, "']]>' in text");
	if (c == 0xef && non_char(p, e))
		return no(x, "U+FFFE or U+FFFF");
	if (c < 0x20)
		return no(x, "control character");
	return true;
}

/* text_decoded keeps this much room at its write position: a decoded
 * character (at most 4 bytes) and then a block store or a tail of up
 * to 15 bytes. */
#define TEXT_ROOM 32

/* The rest of text(): the run from x->p holds a reference or a CR, the
 * first at p. The run is decoded into x->text, line ends as libxml2
 * reads them (CR LF and a lone CR become LF), then given to characters().
 *
 * Scanning and copying are one loop: each block of sixteen bytes is
 * stored whole at the write position, which then moves on only as far
 * as the first byte to look at. Escaped HTML (the usual feed content)
 * has a reference every few words, and a buf_add per piece between
 * references was a memcpy call each: 233K calls on the 10 MB Atom
 * bench, and doing without them took 640K of its 6.25M simulated
 * branch mispredictions (cachegrind --branch-sim=yes). The store may
 * write up to fifteen bytes past the piece, into the room buf_room
 * keeps; they are overwritten or past the end. */
static bool text_decoded(struct xf *x, const char *p)
{
	const char *e = x->e;
	struct buf *b = &x->text;
	buf_reset(b);
	buf_add(b, x->p, (size_t)(p - x->p));
	const char *lim;
	char *d = buf_room(b, b->data + b->len, 4096, &lim);
	for (;;) {
		/* room for a decoded character, then a block or the tail */
		if (lim - d < TEXT_ROOM)
			d = buf_room(b, d, TEXT_ROOM, &lim);
		unsigned char c = (unsigned char)*p;
		if (c == '&') {
			int32_t cp;
			if (!ref(x, &p, &cp))
				return false;
			/* a reference is never shorter than its UTF-8 */
			if (cp < 0x80)
				*d++ = (char)cp;
			else
				d += utf8_encode(cp, d);
		} else if (c == '\r') {
			*d++ = '\n';
			p += 1 + (p + 1 < e && p[1] == '\n');
		} else if (c == '<') {
			break;
		} else {
			if (!text_other(x, p))
				return false;
			*d++ = *p++;
		}
		/* the plain bytes up to the next stop */
		unsigned m = 0;
#if defined(__SSE2__)
		while (e - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			m = stop_mask_v(v, TEXT_STOPS);
			_mm_storeu_si128((__m128i *)(void *)d, v);
			if (m)
				break;
			p += 16;
			d += 16;
			if (lim - d < TEXT_ROOM)
				d = buf_room(b, d, TEXT_ROOM, &lim);
		}
		if (m) {
			p += __builtin_ctz(m);
			d += __builtin_ctz(m);
			continue;
		}
#endif
		/* fewer than sixteen bytes left: the room kept above holds them */
		while (p < e && !stop_at((unsigned char)*p, TEXT_STOPS))
			*d++ = *p++;
		if (p == e)
			return no(x, "unclosed element");
	}
	if (p - x->p > XF_MAX_RUN)
		return no(x, "text run too long");
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
	if (x->emit)
		emit_chars(x, b->data, b->len);
	x->p = p;
	return true;
}

/* Text from x->p to the next '<' (inside the root element), given to
 * characters() once the whole run is checked: as written when it holds
 * no reference and no CR (the common case), else by text_decoded. */
static bool text(struct xf *x)
{
	const char *p = x->p, *e = x->e;
	for (;;) {
		p += stop_scan(p, (size_t)(e - p), TEXT_STOPS);
		if (p == e)
			return no(x, "unclosed element");
		unsigned char c = (unsigned char)*p;
		if (c == '<')
			break;
		if (c == '&' || c == '\r')
			return text_decoded(x, p);
		if (!text_other(x, p))
			return false;
		p++;
	}
	if (p - x->p > XF_MAX_RUN)
		return no(x, "text run too long");
	if (x->emit)
		emit_chars(x, x->p, (size_t)(p - x->p));
	x->p = p;
	return true;
}

/* ---- elements ---------------------------------------------------------- */

/* S? '=' S? quoted value, after an attribute name. */
static bool attr_value(struct xf *x, struct xf_attr *a)
{
	const char *p = skip_ws(x->p, x->e), *e = x->e;
	if (p == e || *p != '=')
		return no(x, "attribute without '='");
	p = skip_ws(p + 1, e);
	if (p == e || (*p != '"' && *p != '\''))
		return no(x, "unquoted attribute value");
	char quote = *p++;
	int32_t cp;
	a->v = p;
	a->plain = true;
	for (;;) {
		p += quote == '"' ? stop_scan(p, (size_t)(e - p), false, false, '"', '&', '<')
		                  : stop_scan(p, (size_t)(e - p), false, false, '\'', '&', '<');
		if (p == e)
			return no(x, "unclosed attribute value");
		unsigned char c = (unsigned char)*p;
		if (c == (unsigned char)quote)
			break;
		if (c == '&') {
			a->plain = false;
			if (!ref(x, &p, &cp))
				return false;
			continue;
		}
		if (c == '<')
			return no(x, "'<' in an attribute value");
		if (c == 0xef && non_char(p, e))
			return no(x, "U+FFFE or U+FFFF");
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return no(x, "control character");
		a->plain &= c >= 0x20;
		p++;
	}
	a->ve = p;
	if (a->ve - a->v > XF_MAX_RUN)
		return no(x, "attribute value too long");
	x->p = p + 1;
	return true;
}

/* The value as libxml2 gives it without entity substitution: TAB, LF,
 * CR and CR LF become one space each; references are decoded, but `&`
 * stays `&#38;` (feed_xml.c's attr_get turns that back). */
static void value_decode(struct xf *x, struct buf *b, const struct xf_attr *a)
{
	for (const char *p = a->v; p < a->ve;) {
		char c = *p;
		if (c == '&') {
			int32_t cp;
			ref(x, &p, &cp);
			char u[4];
			if (cp == '&')
				buf_add(b, "&#38;", 5);
			else
				buf_add(b, u, utf8_encode(cp, u));
			continue;
		}
		p += c == '\r' && p + 1 < a->ve && p[1] == '\n' ? 2 : 1;
		buf_addc(b, c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
	}
}

static bool is_xmlns(const struct xf *x, const struct xf_name *nm)
{
	return (const xmlChar *)nm->q == x->xmlns_prefix || nm->prefix == x->xmlns_prefix;
}

/* RFC 3986 pchar but pct-encoded: unreserved, sub-delims, ':' and '@'
 * ('&' cannot occur here: a namespace name with a reference declines). */
static bool uri_pchar(unsigned char c)
{
	return ascii_is_alpha(c) || ascii_is_digit(c) || (c && strchr("-._~!$&'()*+,;=:@", c));
}

/* s[0..n), the rest of a URI after "scheme:", in the subset uri_ok
 * takes: `//host[:port]` when authority, then path, `?query` and
 * `#fragment` of pchars, '/', '?' and %XX. */
static bool uri_rest_ok(const char *s, size_t n, bool authority)
{
	size_t i = 0;
	if (authority) {
		/* host: a plain reg-name (no userinfo: its ':' and '@' would
		 * need libxml2's backtracking), then digits for a port */
		if (n < 3 || memcmp(s, "//", 2))
			return false;
		for (i = 2; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (!ascii_is_alpha(c) && !ascii_is_digit(c) && c != '-' && c != '.')
				break;
		}
		if (i == 2)
			return false;
		if (i < n && s[i] == ':') {
			size_t d = ++i;
			while (i < n && ascii_is_digit((unsigned char)s[i]) && i - d < 5)
				i++;
			if (i == d)
				return false;
		}
		if (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
			return false;
	} else if (!n || !uri_pchar((unsigned char)s[0])) {
		return false; /* a rootless path: "scheme:/..." and "scheme:?..." are not in the subset */
	}
	bool fragment = false;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3 || !ascii_is_xdigit((unsigned char)s[i + 1]) ||
			    !ascii_is_xdigit((unsigned char)s[i + 2]))
				return false;
			i += 2;
		} else if (c == '#') {
			if (fragment)
				return false;
			fragment = true;
		} else if (!uri_pchar(c) && c != '/' && c != '?') {
			return false;
		}
	}
	return true;
}

/* A namespace name libxml2 surely parses as a URI without an error (its
 * check, xmlParseURI, is the RFC 3986 grammar): an http or https URL
 * with a plain host, or a urn: or tag: URI, of pchars, '/', '?', one
 * '#' and %XX. Narrower than the grammar on purpose: every other name
 * declines, and libxml2 judges it. */
static bool uri_ok(const char *s, size_t n)
{
	static const struct { char name[8]; unsigned char n; bool authority; } schemes[] = {
		{ "http:", 5, true }, { "https:", 6, true }, { "urn:", 4, false }, { "tag:", 4, false },
	};
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (n > schemes[i].n && !memcmp(s, schemes[i].name, schemes[i].n))
			return uri_rest_ok(s + schemes[i].n, n - schemes[i].n, schemes[i].authority);
	return false;
}

/* A namespace URI libxml2 takes without an error. */
static bool ns_uri_ok(struct xf *x, const xmlChar *uri, size_t n, bool prefixed)
{
	if (uri == x->xml_ns || !strcmp((const char *)uri, XMLNS_NS))
		return no(x, "xml or xmlns namespace declared");
	if (!*uri)
		return !prefixed || no(x, "prefix bound to the empty namespace");
	return uri_ok((const char *)uri, n) || no(x, "namespace name not a URI in the subset");
}

/* Push the namespace declarations among the first na attributes. */
static bool bind(struct xf *x, size_t base, size_t na)
{
	for (size_t i = 0; i < na; i++) {
		const struct xf_attr *a = &x->at[i];
		if (!is_xmlns(x, a->name))
			continue;
		const xmlChar *pfx = NULL;
		if (a->name->prefix) {
			const char *l = (const char *)a->name->local;
			pfx = intern_str(x, l, strlen(l));
			if (!pfx)
				return false;
			if (pfx == x->xml_prefix || pfx == x->xmlns_prefix)
				return no(x, "xml or xmlns prefix declared");
		}
		if (!a->plain)
			return no(x, "namespace name with references or white space");
		if (a->ve - a->v > XF_MAX_NAME)
			return no(x, "namespace name too long");
		const xmlChar *uri = intern_str(x, a->v, (size_t)(a->ve - a->v));
		if (!uri)
			return false;
		if (!ns_uri_ok(x, uri, (size_t)(a->ve - a->v), pfx != NULL))
			return false;
		for (size_t j = base; j < x->n_ns; j++)
			if (x->ns[2 * j] == pfx)
				return no(x, "namespace declared twice on one element");
		if (x->n_ns == XF_MAX_NS)
			return no(x, "too many namespace declarations");
		x->ns = rp_grow(x->ns, 2 * sizeof *x->ns, x->n_ns + 1, &x->cap_ns);
		x->ns[2 * x->n_ns] = pfx;
		x->ns[2 * x->n_ns + 1] = uri;
		x->n_ns++;
	}
	return true;
}

/* The namespace of a name: by its prefix, or the default one for an
 * element; unprefixed attributes have none. */
static bool resolve(struct xf *x, const struct xf_name *nm, bool attr, const xmlChar **uri)
{
	const xmlChar *pfx = nm->prefix;
	*uri = NULL;
	if (pfx == x->xml_prefix) {
		*uri = x->xml_ns;
		return attr || no(x, "element in the xml namespace");
	}
	if (!pfx && attr)
		return true;
	for (size_t i = x->n_ns; i-- > 0;) {
		if (x->ns[2 * i] == pfx) {
			*uri = x->ns[2 * i + 1] == x->empty ? NULL : x->ns[2 * i + 1];
			return true;
		}
	}
	return !pfx || no(x, "unbound namespace prefix");
}

/* The attributes (not the declarations) of the start tag, resolved,
 * checked to be distinct and, when emitting, laid out in x->attrs; their
 * number in *ret_n. */
static bool attributes(struct xf *x, size_t na, size_t *ret_n)
{
	size_t k = 0;
	buf_reset(&x->vals);
	for (size_t i = 0; i < na; i++) {
		struct xf_attr *a = &x->at[i];
		if (is_xmlns(x, a->name))
			continue;
		if (!resolve(x, a->name, true, &a->uri))
			return false;
		for (size_t j = 0; j < k; j++) {
			const struct xf_attr *o = &x->at[j];
			if (o->name == a->name || (a->uri && o->uri == a->uri &&
			    !strcmp((const char *)o->name->local, (const char *)a->name->local)))
				return no(x, "attribute given twice");
		}
		if (x->emit && !a->plain) {
			a->off = x->vals.len;
			value_decode(x, &x->vals, a);
			a->len = x->vals.len - a->off;
		}
		if (k != i) /* only declarations before it move it: skip the copy onto itself */
			x->at[k] = *a;
		k++;
	}
	if (x->emit) {
		/* after all values are decoded: x->vals may have moved */
		for (size_t i = 0; i < k; i++) {
			const struct xf_attr *a = &x->at[i];
			const xmlChar **o = x->attrs + 5 * i;
			o[0] = a->name->local;
			o[1] = a->name->prefix;
			o[2] = a->uri;
			o[3] = (const xmlChar *)(a->plain ? a->v : x->vals.data + a->off);
			o[4] = o[3] + (a->plain ? (size_t)(a->ve - a->v) : a->len);
		}
	}
	*ret_n = k;
	return true;
}

static void pop(struct xf *x)
{
	x->n_ns = x->open[x->depth].ns_base;
	x->depth--;
}

/* <name attributes...> or <name .../> at x->p */
static bool start_tag(struct xf *x)
{
	const char *tag = x->p++;
	const struct xf_name *el = name_at(x);
	if (!el)
		return false;
	size_t na = 0;
	bool empty = false;
	for (;;) {
		const char *q = x->p;
		x->p = skip_ws(q, x->e);
		if (x->p == x->e)
			return no(x, "unclosed start tag");
		if (*x->p == '>' || (*x->p == '/' && x->e - x->p >= 2 && x->p[1] == '>')) {
			empty = *x->p == '/';
			x->p += 1 + empty;
			break;
		}
		if (x->p == q)
			return no(x, "no space before an attribute");
		if (na == XF_MAX_ATTRS)
			return no(x, "too many attributes");
		struct xf_attr *a = &x->at[na++];
		if (!(a->name = name_at(x)) || !attr_value(x, a))
			return false;
	}
	if (x->p - tag > XF_MAX_RUN)
		return no(x, "start tag too long");
	if (x->depth == XF_MAX_DEPTH)
		return no(x, "nested too deep");
	if (!empty && el->html_void)
		return no(x, "HTML void element not written empty");
	struct xf_frame *f = &x->open[++x->depth];
	f->name = el;
	f->ns_base = x->n_ns;
	size_t n;
	if (!bind(x, f->ns_base, na) || !resolve(x, el, false, &f->uri) || !attributes(x, na, &n))
		return false;
	if (x->emit) {
		x->called = true;
		int nb_ns = (int)(x->n_ns - f->ns_base);
		x->sax->startElementNs(x->ctx, el->local, el->prefix, f->uri, nb_ns,
		                       nb_ns ? x->ns + 2 * f->ns_base : NULL, (int)n, 0, x->attrs);
		if (empty) {
			*x->reached = x->p;
			x->sax->endElementNs(x->ctx, el->local, el->prefix, f->uri);
		}
	}
	if (empty)
		pop(x);
	return true;
}

/* </name> at x->p: the name of the open element. */
static bool end_tag(struct xf *x)
{
	if (!x->depth)
		return no(x, "end tag outside the root element");
	const struct xf_frame *f = &x->open[x->depth];
	const char *p = x->p + 2, *e = x->e;
	size_t n = f->name->len;
#if defined(__SSE2__)
	/* a short name in one block compare (q is zero-padded): a memcmp
	 * call was 90K calls on the 10 MB Atom bench */
	if (n < 16 && e - p >= 16) {
		__m128i d = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i q = _mm_loadu_si128((const __m128i *)(const void *)f->name->q);
		unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(d, q));
		if ((eq | ~((1u << n) - 1)) != ~0u)
			return no(x, "end tag does not match");
	} else
#endif
	if ((size_t)(e - p) < n || memcmp(p, f->name->q, n))
		return no(x, "end tag does not match");
	p = skip_ws(p + n, e);
	if (p == e || *p != '>')
		return no(x, "end tag does not match");
	x->p = p + 1;
	if (x->emit) {
		*x->reached = x->p;
		x->sax->endElementNs(x->ctx, f->name->local, f->name->prefix, f->uri);
	}
	pop(x);
	return true;
}

/* ---- the document ------------------------------------------------------ */

static bool markup(struct xf *x)
{
	const char *p = x->p;
	size_t left = (size_t)(x->e - p);
	if (left >= 2 && p[1] == '/')
		return end_tag(x);
	if (left >= 2 && p[1] == '?')
		return pi(x);
	if (left >= 4 && !memcmp(p, "<!--", 4))
		return comment(x);
	if (left >= 9 && !memcmp(p, "<![CDATA[", 9))
		return cdata(x);
	if (left >= 2 && p[1] == '!')
		return no(x, "declaration inside an element");
	return start_tag(x);
}

static bool walk(struct xf *x, const char *s, size_t n, const bool *stop)
{
	x->p = s;
	x->e = s + n;
	x->emit = true;
	if (!xml_decl(x) || !misc(x))
		return false;
	if (x->p == x->e || *x->p != '<')
		return no(x, x->p == x->e ? "no root element" : "text outside the root element");
	do {
		if (x->p == x->e)
			return no(x, "unclosed element");
		if (!(*x->p == '<' ? markup(x) : text(x)))
			return false;
		x->emit &= !*stop;
	} while (x->depth > 0);
	if (!misc(x))
		return false;
	return x->p == x->e || no(x, "more after the root element");
}

enum xml_fast_result xml_fast_parse(const char *s, size_t n, const xmlSAXHandler *sax, void *ctx,
                                    const bool *stop, const char **reached, const char **ret_why)
{
	struct xf *x = rp_calloc(1, sizeof *x);
	x->sax = sax;
	x->ctx = ctx;
	x->reached = reached ? reached : &x->reached_none; /* a store without a test */
	x->xml_prefix = intern_str(x, "xml", 3);
	x->xmlns_prefix = intern_str(x, "xmlns", 5);
	x->xml_ns = intern_str(x, XML_NS, sizeof XML_NS - 1);
	x->empty = intern_str(x, "", 0);
	enum xml_fast_result r = walk(x, s, n, stop) ? XML_FAST_READ
	                       : x->called ? XML_FAST_DECLINED_LATE : XML_FAST_DECLINED;
	if (ret_why)
		*ret_why = r == XML_FAST_READ ? NULL : x->why;
	for (size_t i = 0; i < x->cap_tab; i++)
		rp_free(x->tab[i]);
	rp_free(x->tab);
	rp_free(x->ns);
	buf_done(&x->text);
	buf_done(&x->vals);
	rp_free(x);
	return r;
}
