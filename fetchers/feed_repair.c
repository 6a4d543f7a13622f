/* fetchers/feed_repair.c - mend the commonest breakages of feed markup
 * before libxml2 sees it, the way the oracle's lenient parser reads them.
 *
 * libxml2 in recovery mode drops a bare `&`, a stray `<`, C0 control
 * characters, and loses the rest of an entry after an unclosed `<br>`;
 * feedparser's fallback parser keeps them as text. Each function here
 * looks first (fast paths without copying) and returns NULL when the
 * document needs nothing; otherwise a new mended copy the caller owns
 * (rp_free), and the caller marks the feed bozo: a mended document was
 * never a clean one. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/scan.h"
#include "core/text.h"
#include "fetchers/feed_xml.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static bool name_start(unsigned char c) { return ascii_is_alpha(c) || c == '_' || c == ':' || c >= 0x80; }

/* name_start or a digit, '-', '.': a bitmap test, as ref_len runs it on
 * every byte of every reference */
static bool name_char(unsigned char c)
{
	const uint64_t lo = 0x07ff600000000000ull; /* '-' '.' '0'-'9' ':' */
	const uint64_t hi = 0x07fffffe87fffffeull; /* 'A'-'Z' '_' 'a'-'z' */
	return c >= 0x80 || (c < 64 ? lo >> c : hi >> (c - 64)) & 1;
}

/* The first '&' or '<' in [p, e), or e: the look-first pass of
 * feed_repair_markup goes through every '&' and every '<' in one pass
 * this way (and the memmem only when a named reference asks for it);
 * memchr for each, a memmem of the whole document and ctype calls cost
 * 32M more of 929M instructions on the 10 MB RSS bench. */
static const char *next_amp_lt(const char *p, const char *e)
{
	return p + scan_find(p, (size_t)(e - p), 0, false, '&', '<');
}

static bool is_xml_predefined(const char *name, size_t n)
{
	return (n == 2 && (!memcmp(name, "lt", 2) || !memcmp(name, "gt", 2))) ||
	       (n == 3 && !memcmp(name, "amp", 3)) ||
	       (n == 4 && (!memcmp(name, "quot", 4) || !memcmp(name, "apos", 4)));
}

/* Length of a well-formed reference at s (s[0] == '&'), 0 when bare. */
static size_t ref_len(const char *s, size_t n)
{
	size_t i = 1;
	if (i < n && s[i] == '#') {
		i++;
		bool hex = i < n && s[i] == 'x';
		if (hex)
			i++;
		size_t d = i;
		while (i < n && (hex ? ascii_is_xdigit((unsigned char)s[i]) : ascii_is_digit((unsigned char)s[i])))
			i++;
		return i > d && i < n && s[i] == ';' ? i + 1 : 0;
	}
	if (i >= n || !name_start((unsigned char)s[i]))
		return 0;
	while (i < n && name_char((unsigned char)s[i]))
		i++;
	return i < n && s[i] == ';' ? i + 1 : 0;
}

/* HTML void elements written unclosed (`<br>`, `<img src=..>`) in raw
 * markup: libxml2 then closes the wrong elements and loses the rest of
 * the entry, while the oracle's lenient parser reads them as HTML. */
static const char *const void_names[] = { "br", "hr", "img", "input", "wbr", "BR", "HR", "IMG" };

bool feed_repair_void_name(const char *name, size_t n)
{
	for (size_t k = 0; k < sizeof void_names / sizeof void_names[0]; k++)
		if (strlen(void_names[k]) == n && !memcmp(void_names[k], name, n))
			return true;
	return false;
}

/* The length of void_names[k] when q (left bytes) starts with it and a
 * byte follows it; 0 otherwise. A loop of a few bytes rather than strlen
 * and memcmp calls: it runs for every '<' of every document. */
static size_t void_name_at(const char *q, size_t left, size_t k)
{
	const char *v = void_names[k];
	size_t i = 0;
	for (; v[i]; i++)
		if (i >= left || q[i] != v[i])
			return 0;
	return i < left ? i : 0;
}

/* Which void names occur unclosed-able: a bit per name, set when
 * `<name` occurs and `</name` never does. */
static bool markup_start(unsigned char c)
{
	return ascii_is_alpha(c) || c == '_' || c == ':' || c == '/' || c == '!' || c == '?' || c >= 0x80;
}

/* Whether the tag whose name ends at t (left bytes to the end of the
 * input) is written self-closed, `<img .../>`: such a void element
 * needs no repair, so it does not make its name a candidate. */
static bool self_closed(const char *t, size_t left)
{
	char q = 0;
	for (size_t j = 0; j < left; j++) {
		if (q) {
			if (t[j] == q)
				q = 0;
		} else if (t[j] == '"' || t[j] == '\'') {
			q = t[j];
		} else if (t[j] == '<') {
			return false;
		} else if (t[j] == '>') {
			return j > 0 && t[j - 1] == '/';
		}
	}
	return false;
}

/* One '<' at p of the look-first pass: note whether it starts no markup
 * at all ("a < b"), and which void names it opens or closes. */
static void void_step(const char *p, const char *e, unsigned *open, unsigned *close,
                      bool *stray_lt)
{
	const size_t nv = sizeof void_names / sizeof void_names[0];
	p++;
	size_t left = (size_t)(e - p);
	if (!left || !markup_start((unsigned char)*p))
		*stray_lt = true;
	bool end = left && *p == '/';
	const char *q = end ? p + 1 : p;
	if (end)
		left--;
	if (!left)
		return;
	switch (*q) {
	case 'b': case 'h': case 'i': case 'w': case 'B': case 'H': case 'I':
		break;
	default:
		return;
	}
	for (size_t k = 0; k < nv; k++) {
		size_t l = void_name_at(q, left, k);
		if (!l)
			continue;
		char c = q[l];
		if (!(c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			continue;
		if (end)
			*close |= 1u << k;
		else if (!self_closed(q + l, left - l))
			*open |= 1u << k;
	}
}

/* If s[i] starts an unclosed void tag of a candidate name, the offset of
 * its closing `>` (so a `/` can go before it); 0 otherwise. */
static size_t void_tag_end(const char *s, size_t n, size_t i, unsigned bits)
{
	for (size_t k = 0; k < sizeof void_names / sizeof void_names[0]; k++) {
		if (!(bits & (1u << k)))
			continue;
		size_t l = strlen(void_names[k]);
		if (i + 1 + l >= n || memcmp(s + i + 1, void_names[k], l))
			continue;
		char c = s[i + 1 + l];
		if (!(c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			continue;
		char q = 0;
		for (size_t j = i + 1 + l; j < n; j++) {
			if (q) {
				if (s[j] == q)
					q = 0;
			} else if (s[j] == '"' || s[j] == '\'') {
				q = s[j];
			} else if (s[j] == '<') {
				return 0;
			} else if (s[j] == '>') {
				return s[j - 1] == '/' ? 0 : j;
			}
		}
		return 0;
	}
	return 0;
}

/* A bare `&` is a fatal error for libxml2, which then drops it; the
 * oracle's lenient parser keeps it as text, and reads `&copy 2025` as an
 * HTML entity. Rewrite the document the same way (outside CDATA sections,
 * comments, processing instructions and the DOCTYPE), close unclosed
 * HTML void elements, and say so: the document is bozo. Returns NULL when
 * nothing needed fixing. */
char *feed_repair_markup(const char *s, size_t n, size_t *ret_n)
{
	/* fast path: every & starts a reference, no void element is open,
	 * every '<' starts markup */
	bool bare = false, named = false, stray_lt = false;
	unsigned open = 0, close = 0; /* void names seen opened, closed */
	const char *e = s + n;
	for (const char *p = next_amp_lt(s, e); p < e; p = next_amp_lt(p + 1, e)) {
		if (*p == '<') {
			void_step(p, e, &open, &close, &stray_lt);
			continue;
		}
		if (bare)
			continue; /* the first bare '&' decides; named no longer matters */
		/* most references are these: a fixed-size compare each */
		if (e - p >= 5 && (!memcmp(p, "&lt;", 4) || !memcmp(p, "&gt;", 4) || !memcmp(p, "&amp;", 5)))
			continue;
		size_t rl = ref_len(p, (size_t)(e - p));
		if (!rl)
			bare = true;
		else if (p[1] != '#' && !is_xml_predefined(p + 1, rl - 2))
			named = true;
	}
	/* which void names occur unclosed: opened and never closed */
	unsigned voids = open & ~close;
	if (!bare && !voids && !stray_lt && !named)
		return NULL;
	/* a named entity in an attribute value: libxml2 would keep one byte
	 * of it; the oracle keeps it as written */
	bool attr_entities = !memmem(s, n, "<!ENTITY", 8);
	if (!bare && !voids && !stray_lt && !attr_entities)
		return NULL;
	struct buf out = { 0 };
	size_t run = 0;
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '<' && s[i] != '&') {
			/* jump to the next interesting byte (one scan for both:
			 * a memchr for each ran to the end of the document for
			 * the rarer one at every tag, 6 s for 100,000 items with
			 * one '&' at the end) */
			const char *nx = next_amp_lt(s + i, e);
			if (nx == e)
				break;
			i = (size_t)(nx - s);
		}
		if (s[i] == '<') {
			const char *end = NULL;
			size_t skip = 0;
			if (i + 9 <= n && !memcmp(s + i, "<![CDATA[", 9)) {
				end = memmem(s + i, n - i, "]]>", 3);
				skip = 3;
			} else if (i + 4 <= n && !memcmp(s + i, "<!--", 4)) {
				end = memmem(s + i + 4, n - i - 4, "-->", 3);
				skip = 3;
			} else if (i + 2 <= n && s[i + 1] == '?') {
				end = memmem(s + i, n - i, "?>", 2);
				skip = 2;
			} else if (i + 9 <= n && !memcmp(s + i, "<!DOCTYPE", 9)) {
				int br = 0;
				char q = 0;
				size_t j = i;
				for (; j < n; j++) {
					if (q) { if (s[j] == q) q = 0; continue; }
					if (s[j] == '"' || s[j] == '\'') q = s[j];
					else if (s[j] == '[') br++;
					else if (s[j] == ']') br--;
					else if (s[j] == '>' && br <= 0) break;
				}
				end = j < n ? s + j : NULL;
				skip = 1;
			}
			if (skip) {
				i = end ? (size_t)(end - s) + skip - 1 : n;
				continue;
			}
			size_t gt = voids ? void_tag_end(s, n, i, voids) : 0;
			if (gt) {
				buf_add(&out, s + run, gt - run);
				buf_addc(&out, '/');
				run = gt;
				i = gt;
				changed = true;
				continue;
			}
			if (i + 1 >= n || !markup_start((unsigned char)s[i + 1])) {
				/* "a < b": the lenient parser keeps the '<' as text */
				buf_add(&out, s + run, i - run);
				buf_adds(&out, "&lt;");
				run = i + 1;
				changed = true;
				continue;
			}
			/* a start tag: a bare & in an attribute value is escaped,
			 * and so is a named entity reference the document does not
			 * declare (kept as written, as the oracle does) */
			if (i + 1 < n && ascii_is_alpha((unsigned char)s[i + 1])) {
				char q = 0;
				size_t j = i + 1;
				for (; j < n; j++) {
					if (q) {
						if (s[j] == q) {
							q = 0;
						} else if (s[j] == '&') {
							size_t rl = ref_len(s + j, n - j);
							if (rl && (s[j + 1] == '#' || is_xml_predefined(s + j + 1, rl - 2) ||
							           !attr_entities))
								continue;
							buf_add(&out, s + run, j + 1 - run);
							buf_adds(&out, "amp;");
							run = j + 1;
							changed = true;
						}
					} else if (s[j] == '"' || s[j] == '\'') {
						q = s[j];
					} else if (s[j] == '>' || s[j] == '<') {
						break;
					}
				}
				i = j < n && s[j] == '>' ? j : j - 1;
			}
			continue;
		}
		if (ref_len(s + i, n - i))
			continue;
		buf_add(&out, s + run, i - run);
		size_t j = i + 1;
		if (j + 1 < n && s[j] == '#' && s[j + 1] == 'X') {
			/* &#X41; : the lenient parser reads it as &#x41; */
			size_t k = j + 2;
			while (k < n && ascii_is_xdigit((unsigned char)s[k]))
				k++;
			if (k > j + 2 && k < n && s[k] == ';') {
				buf_adds(&out, "&#x");
				run = j + 2;
				i = j + 1;
				changed = true;
				continue;
			}
		}
		if (j < n && ascii_is_alpha((unsigned char)s[j])) {
			while (j < n && ((ascii_is_alpha((unsigned char)s[j]) || ascii_is_digit((unsigned char)s[j])) || s[j] == '-' || s[j] == '.'))
				j++;
			if (j < n) {
				/* `&name` then any other character: an HTML entity is
				 * decoded, another name is kept as `&name;` (the
				 * lenient parser adds the semicolon, but not before a
				 * tag) */
				bool known = text_entity_lookup(s + i + 1, j - i - 1) >= 0;
				buf_adds(&out, known ? "&" : "&amp;");
				buf_add(&out, s + i + 1, j - i - 1);
				if (known || s[j] != '<')
					buf_addc(&out, ';');
				run = j;
				i = j - 1;
				changed = true;
				continue;
			}
		}
		buf_adds(&out, "&amp;");
		run = i + 1;
		changed = true;
	}
	if (!changed) {
		buf_done(&out);
		return NULL;
	}
	buf_add(&out, s + run, n - run);
	*ret_n = out.len;
	return buf_detach(&out);
}

/* C0 control characters are not XML (libxml2 drops them) but the
 * oracle's lenient parser keeps them. They cross libxml2 as private-use
 * stand-ins, U+F700 + the byte, and repair_text turns them back. NUL
 * stays as it is (an error). Returns NULL when there are none. */
static bool is_bad_control(unsigned char c)
{
	return c && c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

char *feed_repair_controls(const char *s, size_t n, size_t *ret_n)
{
	size_t i = 0;
#if defined(__SSE2__)
	/* sixteen bytes a step: any byte in 0x01..0x1f but tab, LF, CR?
	 * (the eight-byte test below stops at every line end: 22M of 963M
	 * instructions on the 10 MB RSS bench, 9M this way) */
	const __m128i c1f = _mm_set1_epi8(0x1f), nul = _mm_setzero_si128();
	const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v); /* v <= 0x1f */
		/* line ends are the only common low byte: test the rest only
		 * when something else is there */
		if (!_mm_movemask_epi8(_mm_andnot_si128(_mm_cmpeq_epi8(v, lf), low)))
			continue;
		__m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nul), _mm_cmpeq_epi8(v, tab)),
		                          _mm_cmpeq_epi8(v, cr));
		if (_mm_movemask_epi8(_mm_andnot_si128(ok, _mm_andnot_si128(_mm_cmpeq_epi8(v, lf), low))))
			break;
	}
#endif
	/* eight bytes at a time: is any byte below 0x20? */
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if (((x - 0x2020202020202020ULL) & ~x & 0x8080808080808080ULL) == 0)
			continue;
		size_t k = 0;
		while (k < 8 && !is_bad_control((unsigned char)s[i + k]))
			k++;
		if (k < 8)
			break;
	}
	while (i < n && !is_bad_control((unsigned char)s[i]))
		i++;
	if (i >= n)
		return NULL;
	struct buf out = { 0 };
	buf_reserve(&out, n + 64);
	buf_add(&out, s, i);
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_bad_control(c)) {
			char u[3] = { (char)0xef, (char)0x9c, (char)(0x80 + c) };
			buf_add(&out, u, 3);
		} else {
			buf_addc(&out, (char)c);
		}
	}
	*ret_n = out.len;
	return buf_detach(&out);
}
