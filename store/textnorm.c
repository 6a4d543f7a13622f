/* store/textnorm.c - the dedupe normal form of text (see textnorm.h). */
#include "store/textnorm.h"

#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/utf8.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

void textnorm_init(struct textnorm *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->norm);
	buf_init(&t->fold);
	strv_init(&t->urls);
}

void textnorm_done(struct textnorm *t)
{
	buf_done(&t->norm);
	buf_done(&t->fold);
	strv_done(&t->urls);
	rp_free(t->tok);
	textnorm_init(t);
}

void textnorm_reset(struct textnorm *t)
{
	buf_reset(&t->norm);
	t->n_tok = 0;
	strv_done(&t->urls);
	strv_init(&t->urls);
}

/* Scripts written without spaces between words: one token per pair of
 * neighbouring characters. */
static bool is_unspaced(int32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) ||   /* hiragana, katakana */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified ideographs */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility ideographs */
	       (cp >= 0x20000 && cp <= 0x2FA1F) || /* CJK extensions B.. */
	       (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF);     /* Khmer */
}

/* ASCII letters and digits, by table: most text is mostly ASCII. */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

static bool is_word(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
		       (cp >= 'A' && cp <= 'Z');
	return utf8_is_letter(cp) || utf8_is_digit(cp);
}

/* Room for every token the folded text can give (one per byte at most,
 * CJK bigrams overlapping: twice its bytes in t->norm), reserved once per
 * textnorm_add so that push_tok checks nothing; a call per token into
 * the buffer and hash wrappers was a fifth of the normal form's cost. */
static void reserve_toks(struct textnorm *t, size_t bytes)
{
	size_t most = t->n_tok + bytes + 1;
	if (most > TEXTNORM_MAX_TOKENS)
		most = TEXTNORM_MAX_TOKENS;
	if (most > t->cap_tok)
		t->tok = rp_grow(t->tok, sizeof *t->tok, most, &t->cap_tok);
	buf_reserve(&t->norm, 2 * bytes + 2);
}

static inline void push_tok(struct textnorm *t, const char *s, size_t n, uint32_t flags)
{
	if (t->n_tok >= TEXTNORM_MAX_TOKENS || n == 0)
		return;
	char *d = t->norm.data + t->norm.len;
	if (t->norm.len)
		*d++ = ' ';
	struct textnorm_tok *k = &t->tok[t->n_tok++];
	k->hash = XXH3_64bits(s, n);   /* == core/hash.h hash64 */
	k->off = (uint32_t)(d - t->norm.data);
	k->len = (uint32_t)n;
	k->flags = flags;
	memcpy(d, s, n);
	d[n] = '\0';
	t->norm.len = (size_t)(d - t->norm.data) + n;
}

static bool starts_url(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	return (n > 7 && memcmp(p, "http://", 7) == 0) ||
	       (n > 8 && memcmp(p, "https://", 8) == 0) ||
	       (n > 4 && memcmp(p, "www.", 4) == 0);
}

/* Bytes of a URL run starting at p: up to white space or a character
 * never part of a URL written in prose; trailing punctuation is left out. */
static size_t url_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (unsigned char)*q > ' ' && *q != '"' && *q != '<' && *q != '>')
		q++;
	while (q > p && strchr(".,;:!?)]}'", q[-1]))
		q--;
	return (size_t)(q - p);
}

/* The next place at or after p where a URL may start: "http://",
 * "https://" or "www." (starts_url), found with memchr for ':' and 'w'
 * (vectorised; glibc's memmem is not) rather than testing every byte;
 * NULL when none. */
static const char *next_url_start(const char *p, const char *end)
{
	const char *best = NULL;
	for (const char *c = p; (c = memchr(c, ':', (size_t)(end - c))) != NULL; c++) {
		if (end - c < 3 || c[1] != '/' || c[2] != '/')
			continue;
		if (c - 5 >= p && memcmp(c - 5, "https", 5) == 0) {
			best = c - 5;
			break;
		}
		if (c - 4 >= p && memcmp(c - 4, "http", 4) == 0) {
			best = c - 4;
			break;
		}
	}
	const char *lim = best ? best : end;
	for (const char *c = p; c < lim && (c = memchr(c, 'w', (size_t)(lim - c))) != NULL; c++)
		if (lim - c >= 4 && memcmp(c, "www.", 4) == 0)
			return c;
	return best;
}

/* Keep the URLs of s (n bytes) in t->urls, as written, in order. A URL
 * starts after white space, '(' or '<' or at the start; the text after
 * one is searched from its end. */
static void find_urls(struct textnorm *t, const char *s, size_t n)
{
	const char *end = s + n;
	for (const char *p = s; p < end;) {
		const char *c = next_url_start(p, end);
		if (!c)
			break;
		if ((c == s || (unsigned char)c[-1] <= ' ' || c[-1] == '(' || c[-1] == '<') &&
		    starts_url(c, end)) {
			size_t ul = url_len(c, end);
			strv_take(&t->urls, rp_strndup(c, ul));
			p = c + (ul ? ul : 1);
		} else {
			p = c + 1;
		}
	}
}

void textnorm_add(struct textnorm *t, const char *s, size_t n)
{
	if (!s || n == 0)
		return;
	/* Find URLs in the text as written: folding would lowercase their paths. */
	find_urls(t, s, n);

	buf_reset(&t->fold);
	utf8_fold(&t->fold, s, n);
	reserve_toks(t, t->fold.len);
	const char *p = t->fold.data, *end = t->fold.data + t->fold.len;
	size_t first_tok = t->n_tok;
	bool tag = false;        /* the word being read follows a '#' */
	while (p < end) {
		const char *at = p;
		unsigned char c0 = (unsigned char)*p;
		if (c0 < 0x80 && c0 != '@' && c0 != '#' && c0 != 'h' && c0 != 'w') {
			/* The common case, without decoding: an ASCII separator, or an
			 * ASCII word that may go on in other scripts. */
			if (!ascii_word[c0]) {
				p++;
				tag = false;
				continue;
			}
			const char *q = p + 1;
			while (q < end && (unsigned char)*q < 0x80 && ascii_word[(unsigned char)*q])
				q++;
			while (q < end && (unsigned char)*q >= 0x80) {
				const char *r = q;
				int32_t c = utf8_decode(&r, end);
				if (!is_word(c) || is_unspaced(c))
					break;
				q = r;
				while (q < end && (unsigned char)*q < 0x80 && ascii_word[(unsigned char)*q])
					q++;
			}
			push_tok(t, at, (size_t)(q - at), tag ? TEXTNORM_TAG : 0);
			p = q;
			tag = false;
			continue;
		}
		if (starts_url(p, end) && (p == t->fold.data || !is_word((unsigned char)p[-1]))) {
			p += url_len(p, end);
			if (p == at)
				p++;
			continue;
		}
		int32_t cp = utf8_decode(&p, end);
		if (cp == '@') {
			/* A mention (@user, @user@host, @handle.bsky.social): drop it,
			 * and a lone "rt" before the first one. */
			while (p < end) {
				const char *q = p;
				int32_t c = utf8_decode(&q, end);
				if (!(is_word(c) || c == '_' || c == '.' || c == '@' || c == '-'))
					break;
				p = q;
			}
			if (t->n_tok == first_tok + 1 && t->tok[first_tok].len == 2 &&
			    memcmp(t->norm.data + t->tok[first_tok].off, "rt", 2) == 0) {
				t->n_tok = first_tok;
				t->norm.len = first_tok ? t->tok[first_tok].off - 1 : 0;
				t->norm.data[t->norm.len] = '\0';
			}
			tag = false;
			continue;
		}
		if (cp == '#' || cp == 0xFF03) {
			tag = true;
			continue;
		}
		if (is_unspaced(cp)) {
			/* Overlapping bigrams over the run of unspaced characters. */
			const char *prev = at;
			const char *q = p;
			bool any = false;
			while (q < end) {
				const char *r = q;
				int32_t c = utf8_decode(&r, end);
				if (!is_unspaced(c))
					break;
				push_tok(t, prev, (size_t)(r - prev), tag ? TEXTNORM_TAG : 0);
				any = true;
				prev = q;
				q = r;
			}
			if (!any)
				push_tok(t, at, (size_t)(q - at), tag ? TEXTNORM_TAG : 0);
			p = q;
			tag = false;
			continue;
		}
		if (is_word(cp)) {
			const char *q = p;
			while (q < end) {
				if ((unsigned char)*q < 0x80) {
					if (!ascii_word[(unsigned char)*q])
						break;
					q++;
					continue;
				}
				const char *r = q;
				int32_t c = utf8_decode(&r, end);
				if (!is_word(c) || is_unspaced(c))
					break;
				q = r;
			}
			push_tok(t, at, (size_t)(q - at), tag ? TEXTNORM_TAG : 0);
			p = q;
			tag = false;
			continue;
		}
		tag = false;
	}
}

void textnorm_drop_tail_tags(struct textnorm *t)
{
	size_t k = t->n_tok;
	while (k > 0 && (t->tok[k - 1].flags & TEXTNORM_TAG))
		k--;
	if (k == 0 || k == t->n_tok)
		return;
	t->norm.len = t->tok[k - 1].off + t->tok[k - 1].len;
	t->norm.data[t->norm.len] = '\0';
	t->n_tok = k;
}
