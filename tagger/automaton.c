/* tagger/automaton.c - word-level Aho-Corasick (see automaton.h). */
#include "tagger/automaton.h"

#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "tagger/hashtag.h"
#include "tagger/strmap.h"

#define NONE UINT32_MAX

struct ac_out {
	uint32_t value;
	uint32_t next;    /* next output of the same state, or NONE */
};

struct automaton {
	struct strmap words;     /* vocabulary: word -> id (1..n_words) */
	uint32_t n_words;
	uint32_t *root_next;     /* root's goto by word id (n_words + 1); 0 = none */
	size_t cap_root;
	/* goto for states other than the root: (state << 32 | word) -> state */
	uint64_t *gkeys;         /* UINT64_MAX marks an empty slot */
	uint32_t *gvals;
	size_t gmask, gn;
	/* per state; state 0 is the root */
	uint32_t *fail, *dict, *out, *parent, *word;
	uint8_t *depth;
	size_t n_states, cap_states;
	struct ac_out *outs;
	size_t n_outs, cap_outs;
	/* A Bloom filter of the vocabulary, 16 bits a word (two probes): most
	 * words of a post are in no pattern, and this rejects them in a small
	 * table that stays in cache instead of probing the big one. */
	uint64_t *bloom;
	size_t bloom_mask;       /* bits - 1 */
	bool built;
};

/* ---- tokens -------------------------------------------------------- */

/* 1 an ASCII word character, 0 an ASCII separator, 2 a byte of a
 * non-ASCII character (char_class decides): one lookup a byte. */
#define TWOS16 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
static const unsigned char ascii_word[256] = {
	[0x80] = TWOS16, TWOS16, TWOS16, TWOS16, TWOS16, TWOS16, TWOS16, TWOS16,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
#undef TWOS16

/* Scripts written without spaces between words: each character is a
 * token, so a phrase in them matches as a run of characters. */
static bool unspaced(int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||   /* Katakana extensions */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
	       (cp >= 0x20000 && cp <= 0x3FFFF);   /* CJK extensions B.. */
}

/* 0 separator, 1 word character, 2 a character that is a token alone. */
static int char_class(const char *p, const char *end, const char **next)
{
	unsigned char b = (unsigned char)*p;
	if (b < 0x80) {
		*next = p + 1;
		return ascii_word[b];
	}
	const char *q = p;
	int32_t cp = utf8_decode(&q, end);
	*next = q;
	if (cp < 0 || !hashtag_is_word_cp(cp))
		return 0;
	return unspaced(cp) ? 2 : 1;
}

/* The next token at or after *pos: returns false at the end. Inlined
 * into the scan: it runs once per word of every post. */
__attribute__((always_inline))
static inline bool next_token(const char *text, size_t n, size_t *pos, size_t *ts, size_t *te)
{
	const char *p = text + *pos, *end = text + n, *q;
	int c = 0;
	/* skip separators */
	while (p < end) {
		unsigned char k = ascii_word[(unsigned char)*p];
		if (k == 1) {
			c = 1;
			q = p + 1;
			break;
		}
		if (k == 0) {
			p++;
			continue;
		}
		c = char_class(p, end, &q);
		if (c)
			break;
		p = q;
	}
	if (p >= end) {
		*pos = n;
		return false;
	}
	*ts = (size_t)(p - text);
	p = q;
	if (c == 1) {
		while (p < end) {
			unsigned char k = ascii_word[(unsigned char)*p];
			if (k == 1) {
				p++;
				continue;
			}
			if (k == 0)
				break;
			if (char_class(p, end, &q) != 1)
				break;
			p = q;
		}
	}
	*te = (size_t)(p - text);
	*pos = *te;
	return true;
}

void automaton_tokens(const char *text, size_t n, automaton_token_fn *fn, void *ctx)
{
	size_t pos = 0, s, e;
	while (next_token(text, n, &pos, &s, &e))
		fn(ctx, s, e);
}

/* ---- goto table ---------------------------------------------------- */

static inline bool bloom_has(const struct automaton *a, uint64_t h)
{
	size_t b1 = (size_t)(h >> 20) & a->bloom_mask, b2 = (size_t)(h >> 42) & a->bloom_mask;
	return (a->bloom[b1 >> 6] >> (b1 & 63) & 1) && (a->bloom[b2 >> 6] >> (b2 & 63) & 1);
}

static void bloom_build(struct automaton *a)
{
	size_t bits = 64;
	while (bits < (size_t)a->n_words * 16)
		bits *= 2;
	a->bloom = rp_calloc(bits / 64, sizeof *a->bloom);
	a->bloom_mask = bits - 1;
	for (size_t i = 0; i <= a->words.mask && a->words.slots; i++) {
		size_t len;
		const char *w = strmap_slot_key(&a->words, i, &len, NULL);
		if (!w)
			continue;
		uint64_t h = hash64(w, len);
		size_t b1 = (size_t)(h >> 20) & a->bloom_mask, b2 = (size_t)(h >> 42) & a->bloom_mask;
		a->bloom[b1 >> 6] |= 1ull << (b1 & 63);
		a->bloom[b2 >> 6] |= 1ull << (b2 & 63);
	}
}

static inline size_t gslot(uint64_t key, size_t mask)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

static inline uint32_t goto_get(const struct automaton *a, uint32_t state, uint32_t word)
{
	uint64_t key = ((uint64_t)state << 32) | word;
	size_t i = gslot(key, a->gmask);
	for (;;) {
		uint64_t k = a->gkeys[i];
		if (k == key)
			return a->gvals[i];
		if (k == UINT64_MAX)
			return 0;
		i = (i + 1) & a->gmask;
	}
}

static void goto_put(struct automaton *a, uint32_t state, uint32_t word, uint32_t child);

static void goto_grow(struct automaton *a)
{
	size_t oldcap = a->gkeys ? a->gmask + 1 : 0;
	uint64_t *ok = a->gkeys;
	uint32_t *ov = a->gvals;
	size_t ncap = oldcap ? oldcap * 2 : 1024;
	a->gkeys = rp_malloc(ncap * sizeof *a->gkeys);
	memset(a->gkeys, 0xFF, ncap * sizeof *a->gkeys);
	a->gvals = rp_malloc(ncap * sizeof *a->gvals);
	a->gmask = ncap - 1;
	a->gn = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (ok[i] != UINT64_MAX)
			goto_put(a, (uint32_t)(ok[i] >> 32), (uint32_t)ok[i], ov[i]);
	rp_free(ok);
	rp_free(ov);
}

static void goto_put(struct automaton *a, uint32_t state, uint32_t word, uint32_t child)
{
	if (!a->gkeys || (a->gn + 1) * 2 > a->gmask + 1)
		goto_grow(a);
	uint64_t key = ((uint64_t)state << 32) | word;
	size_t i = gslot(key, a->gmask);
	while (a->gkeys[i] != UINT64_MAX && a->gkeys[i] != key)
		i = (i + 1) & a->gmask;
	if (a->gkeys[i] == UINT64_MAX)
		a->gn++;
	a->gkeys[i] = key;
	a->gvals[i] = child;
}

/* ---- building ------------------------------------------------------ */

static uint32_t state_new(struct automaton *a, uint32_t parent, uint32_t word, uint8_t depth)
{
	size_t need = a->n_states + 1, cap = a->cap_states;
	a->fail = rp_grow(a->fail, sizeof *a->fail, need, &cap);
	cap = a->cap_states;
	a->dict = rp_grow(a->dict, sizeof *a->dict, need, &cap);
	cap = a->cap_states;
	a->out = rp_grow(a->out, sizeof *a->out, need, &cap);
	cap = a->cap_states;
	a->parent = rp_grow(a->parent, sizeof *a->parent, need, &cap);
	cap = a->cap_states;
	a->word = rp_grow(a->word, sizeof *a->word, need, &cap);
	cap = a->cap_states;
	a->depth = rp_grow(a->depth, sizeof *a->depth, need, &cap);
	a->cap_states = cap;
	uint32_t s = (uint32_t)a->n_states++;
	a->fail[s] = 0;
	a->dict[s] = 0;
	a->out[s] = NONE;
	a->parent[s] = parent;
	a->word[s] = word;
	a->depth[s] = depth;
	return s;
}

struct automaton *automaton_new(void)
{
	struct automaton *a = rp_calloc(1, sizeof *a);
	strmap_init(&a->words);
	state_new(a, 0, 0, 0);
	a->root_next = rp_grow(NULL, sizeof *a->root_next, 1, &a->cap_root);
	a->root_next[0] = 0;
	goto_grow(a);
	return a;
}

void automaton_free(struct automaton *a)
{
	if (!a)
		return;
	strmap_done(&a->words);
	rp_free(a->root_next);
	rp_free(a->gkeys);
	rp_free(a->gvals);
	rp_free(a->fail);
	rp_free(a->dict);
	rp_free(a->out);
	rp_free(a->parent);
	rp_free(a->word);
	rp_free(a->depth);
	rp_free(a->outs);
	rp_free(a->bloom);
	rp_free(a);
}

bool automaton_add(struct automaton *a, const char *pattern, size_t len, uint32_t value)
{
	if (a->built)
		return false;
	/* First count the tokens, so a refused pattern leaves no states. */
	size_t pos = 0, s, e, count = 0;
	while (next_token(pattern, len, &pos, &s, &e))
		count++;
	if (count == 0 || count > AUTOMATON_MAX_WORDS)
		return false;
	uint32_t state = 0;
	uint8_t depth = 0;
	pos = 0;
	while (next_token(pattern, len, &pos, &s, &e)) {
		uint32_t w = strmap_intern(&a->words, pattern + s, e - s, a->n_words + 1);
		if (w == a->n_words + 1) {
			a->n_words++;
			a->root_next = rp_grow(a->root_next, sizeof *a->root_next, a->n_words + 1,
			                       &a->cap_root);
			a->root_next[w] = 0;
		}
		depth++;
		uint32_t next = state == 0 ? a->root_next[w] : goto_get(a, state, w);
		if (!next) {
			next = state_new(a, state, w, depth);
			if (state == 0)
				a->root_next[w] = next;
			else
				goto_put(a, state, w, next);
		}
		state = next;
	}
	a->outs = rp_grow(a->outs, sizeof *a->outs, a->n_outs + 1, &a->cap_outs);
	/* Keep values in the order they were added: append to the list. */
	struct ac_out o = { value, NONE };
	uint32_t idx = (uint32_t)a->n_outs++;
	a->outs[idx] = o;
	if (a->out[state] == NONE) {
		a->out[state] = idx;
	} else {
		uint32_t t = a->out[state];
		while (a->outs[t].next != NONE)
			t = a->outs[t].next;
		a->outs[t].next = idx;
	}
	return true;
}

void automaton_build(struct automaton *a)
{
	/* Breadth-first by depth: bucket the states by depth (counting sort). */
	size_t counts[AUTOMATON_MAX_WORDS + 2] = {0};
	for (size_t s = 1; s < a->n_states; s++)
		counts[a->depth[s]]++;
	size_t starts[AUTOMATON_MAX_WORDS + 2] = {0};
	for (size_t d = 1; d <= AUTOMATON_MAX_WORDS + 1; d++)
		starts[d] = starts[d - 1] + counts[d - 1];
	uint32_t *order = rp_malloc((a->n_states + 1) * sizeof *order);
	for (size_t s = 1; s < a->n_states; s++)
		order[starts[a->depth[s]]++] = (uint32_t)s;
	for (size_t i = 0; i + 1 < a->n_states; i++) {
		uint32_t c = order[i];
		uint32_t p = a->parent[c], w = a->word[c];
		uint32_t f = 0;
		if (p != 0) {
			uint32_t g = a->fail[p];
			for (;;) {
				if (g == 0) {
					f = a->root_next[w];
					break;
				}
				uint32_t h = goto_get(a, g, w);
				if (h) {
					f = h;
					break;
				}
				g = a->fail[g];
			}
		}
		a->fail[c] = f;
		a->dict[c] = a->out[f] != NONE ? f : a->dict[f];
	}
	rp_free(order);
	bloom_build(a);
	a->built = true;
}

void automaton_scan(const struct automaton *a, const char *text, size_t n,
                    automaton_hit_fn *fn, void *ctx)
{
	if (!a->built || a->n_outs == 0)
		return;
	size_t ring[AUTOMATON_MAX_WORDS];
	size_t count = 0, pos = 0, s, e;
	uint32_t state = 0;
	while (next_token(text, n, &pos, &s, &e)) {
		ring[count % AUTOMATON_MAX_WORDS] = s;
		count++;
		uint64_t h = hash64(text + s, e - s);
		uint32_t w = bloom_has(a, h) ? strmap_get_hashed(&a->words, text + s, e - s, h) :
		             STRMAP_NONE;
		if (w == STRMAP_NONE) {
			state = 0;
			continue;
		}
		for (;;) {
			if (state == 0) {
				state = a->root_next[w];
				break;
			}
			uint32_t next = goto_get(a, state, w);
			if (next) {
				state = next;
				break;
			}
			state = a->fail[state];
		}
		for (uint32_t t = a->out[state] != NONE ? state : a->dict[state]; t; t = a->dict[t]) {
			size_t start = ring[(count - a->depth[t]) % AUTOMATON_MAX_WORDS];
			for (uint32_t o = a->out[t]; o != NONE; o = a->outs[o].next)
				fn(ctx, a->outs[o].value, start, e);
		}
	}
}

void automaton_stats(const struct automaton *a, size_t *states, size_t *words, size_t *patterns)
{
	*states = a->n_states;
	*words = a->n_words;
	*patterns = a->n_outs;
}
