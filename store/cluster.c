/* store/cluster.c - the dedupe and story engine (see cluster.h).
 *
 * State, all owned by the engine:
 *   recs     one record per post id seen (or named by a restore): id,
 *            time, dup group, story, and while inside the near-duplicate
 *            window its simhash and sorted shingle set;
 *   dups     dup groups: head record, story, size;
 *   stories  head record, counters, author and source sets, the sum of
 *            its members' TF-IDF vectors and how many were summed (the
 *            average link to every member in one dot product) while live,
 *            and a ring of its newest distinct members for near-duplicate
 *            checks;
 *   keys     typed dedupe key hash (64 bits of its XXH3-128) -> first
 *            record that had it;
 *   ids      post id hash -> record; the id strings in append-only blocks;
 *   df       term -> number of distinct documents that had it (IDF), and
 *            in the same slot its posting list: stories whose sum has
 *            it, newest last (one probe per term for both);
 *   dfl      the same counts per language, for posts that name theirs;
 *   shc      the shingle sets of the near window, packed in reused chunks.
 * Everything is found through hashes and bounded walks, so a post costs
 * the same whether the engine holds a hundred posts or a million. */
#include "store/cluster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/bigmem.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/url.h"
#include "core/utf8.h"
#include "store/simhash.h"
#include "store/textnorm.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Tuning that is not a user parameter; chosen by measurement on
 * tests/data/stories and the 100k generator (tests/cluster/README.md). */
#define QUERY_TERMS      8   /* highest-weight terms of a post used to find candidate stories */
#define POSTING_WALK    24   /* live stories looked at per term, newest first */
#define STORY_RECENT    12   /* distinct members per story kept for near-duplicate checks */
#define EXACT_STORIES    3   /* best candidates by partial score that get the cosine */
#define EXACT_TERMS     16   /* highest-weight terms of the post in that cosine */
#define NEAR_STORIES     2   /* best candidate stories whose recent members are checked */
#define MAX_CANDIDATES 256   /* simhash candidates gathered per post */
#define NEAR_VERIFY      2   /* of them, the nearest this many get the Jaccard check */
#define SWEEP_EVERY   2048   /* posts between sweeps of dead stories and old fingerprints */
#define LINK_WEIGHT    2.0   /* tf of an outbound link term: a shared link is strong evidence */
#define IDF_MEMO        64   /* document frequencies below this keep their IDF for the post */

static void stop_init(void);

void cluster_params_default(struct cluster_params *p)
{
	p->story_window_s = 12 * 3600;
	p->dup_window_s = 7 * 24 * 3600;
	p->story_min_average = 0.08;
	p->story_time_scale_s = 0;
	p->near_min_jaccard = 0.33;
	p->near_max_hamming = 26;
	p->text_key_min_tokens = 4;
	p->score_half_life_s = 6 * 3600;
}

const char *cluster_match_str(enum cluster_match m)
{
	switch (m) {
	case CLUSTER_MATCH_NONE:     return "none";
	case CLUSTER_MATCH_SAME:     return "same";
	case CLUSTER_MATCH_IDENTITY: return "identity";
	case CLUSTER_MATCH_URL:      return "url";
	case CLUSTER_MATCH_TEXT:     return "text";
	case CLUSTER_MATCH_NEAR:     return "near";
	case CLUSTER_MATCH_RESTORED: return "restored";
	}
	return "unknown";
}

/* ---- a hash map of 64-bit hashes to 32-bit values ----------------------
 * Open addressing, linear probing, no deletion (the engine never forgets a
 * key; a dead story's vector sum is freed whole). Key 0 marks an empty slot,
 * so a hash that is 0 is stored as another constant. Key and values share
 * a 16-byte slot, so a probe touches one cache line, not two (the tables
 * are large and probed at random: these misses were most of the engine's
 * time once the instructions were cut). Each slot has a second value, aux,
 * for maps that need two (term -> document frequency, posting list). */
struct mslot {
	uint64_t k;
	uint32_t v;
	uint32_t aux;   /* 0 unless the map's user sets it */
};

struct u64map {
	struct mslot *s;
	uint32_t n;     /* keys held */
	uint32_t cap;   /* slots: 0 or a power of two */
};

static inline uint64_t fix_key(uint64_t k)
{
	return k ? k : 0x9e3779b97f4a7c15ull;
}

static struct mslot *map_find_slot(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	key = fix_key(key);
	uint32_t mask = m->cap - 1;
	for (uint32_t i = (uint32_t)(key ^ (key >> 32)) & mask;; i = (i + 1) & mask) {
		if (m->s[i].k == key)
			return &m->s[i];
		if (m->s[i].k == 0)
			return NULL;
	}
}

static uint32_t *map_find(const struct u64map *m, uint64_t key)
{
	struct mslot *sl = map_find_slot(m, key);
	return sl ? &sl->v : NULL;
}

/* Start loading the slot where key would be: the probes that follow
 * (several maps, each a likely cache miss) then overlap instead of
 * waiting one after the other. */
static inline void map_prefetch(const struct u64map *m, uint64_t key)
{
	if (m->cap) {
		key = fix_key(key);
		__builtin_prefetch(&m->s[(uint32_t)(key ^ (key >> 32)) & (m->cap - 1)]);
	}
}

/* Start loading the n bytes at p (a shingle set about to be merged). */
static inline void prefetch_span(const void *p, size_t n)
{
	for (size_t off = 0; off < n; off += 64)
		__builtin_prefetch((const char *)p + off);
}

static void map_grow(struct u64map *m);

/* The slot of key, inserted with values 0 when absent (*created). */
static struct mslot *map_put_slot(struct u64map *m, uint64_t key, bool *created)
{
	if (2 * (m->n + 1) > m->cap)
		map_grow(m);
	key = fix_key(key);
	uint32_t mask = m->cap - 1;
	for (uint32_t i = (uint32_t)(key ^ (key >> 32)) & mask;; i = (i + 1) & mask) {
		if (m->s[i].k == key) {
			if (created)
				*created = false;
			return &m->s[i];
		}
		if (m->s[i].k == 0) {
			m->s[i] = (struct mslot){ key, 0, 0 };
			m->n++;
			if (created)
				*created = true;
			return &m->s[i];
		}
	}
}

static uint32_t *map_put(struct u64map *m, uint64_t key, bool *created)
{
	return &map_put_slot(m, key, created)->v;
}

static void map_grow(struct u64map *m)
{
	struct u64map old = *m;
	m->cap = old.cap ? 2 * old.cap : 8;
	/* bigmem: the large maps (ids, keys, df) grow to megabytes and are
	 * probed at random; on huge pages they fault once per 2 MiB and
	 * stay in the TLB (core/bigmem.h). */
	m->s = bigmem_alloc((size_t)m->cap * sizeof *m->s);
	m->n = 0;
	for (uint32_t i = 0; i < old.cap; i++)
		if (old.s[i].k)
			*map_put_slot(m, old.s[i].k, NULL) = old.s[i];
	bigmem_free(old.s, (size_t)old.cap * sizeof *old.s);
}

static void map_done(struct u64map *m)
{
	bigmem_free(m->s, (size_t)m->cap * sizeof *m->s);
	memset(m, 0, sizeof *m);
}

static inline float bits_float(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static inline uint32_t float_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static struct u64map stop_set;   /* hash64 of each stopword; built once, read only after */

/* ---- the engine's records -------------------------------------------- */

#define NONE UINT32_MAX

struct rec {
	char *id;            /* in e->ids_mem */
	int64_t t;           /* UTC seconds: published, or the watermark when it had none */
	uint32_t dup;        /* dup group index */
	uint32_t story;      /* story index */
	uint64_t simhash;    /* 0 when no text */
	uint32_t *sh;        /* n_sh sorted distinct shingle hashes, in chunk sh_chunk of
	                        e->shc; NULL outside the near window */
	uint32_t n_sh;
	uint32_t sh_chunk;
	bool placeholder;    /* named by a restore, content never seen */
	bool indexed;        /* in the simhash index */
};

struct dupg {
	uint32_t head;       /* first record of the group: its id names the group */
	uint32_t story;
	uint32_t n;          /* sightings */
};

struct story {
	uint32_t head;       /* first record: its id names the story */
	uint32_t n_posts;
	uint32_t n_dups;
	uint32_t rep;        /* dup group shown for the story: most sightings, earliest on a tie */
	int64_t first, last; /* UTC seconds */
	struct u64map authors;  /* author hash -> 1 */
	struct u64map sources;  /* source hash -> 1 */
	struct u64map sum;      /* term -> float weight: the sum of the members' unit vectors;
	                           empty once dead */
	uint32_t n_vec;         /* member vectors in that sum */
	uint32_t recent[STORY_RECENT]; /* newest distinct members (records), a ring */
	uint64_t recent_fp[STORY_RECENT]; /* their simhash, to test without touching the record */
	uint32_t n_recent;
	bool dead;           /* out of the window: vector sum freed, never a candidate again */
};

/* What the candidate search reads of every story it meets, apart from
 * the rest so the walk over postings touches one small line per story. */
struct story_hot {
	int64_t last;        /* == story.last; INT64_MIN once the story is dead */
	uint32_t stamp;      /* query scratch: engine stamp when acc is valid */
	float acc;           /* query scratch: shared weight, then average link */
};

struct posting {
	uint32_t *s;         /* story indexes, in the order they first got the term */
	size_t n, cap;
};

/* IDF by document frequency, each valid while its stamp is that of the
 * population it was taken over (its size, and its language). */
struct idf_memo {
	double v[IDF_MEMO];
	uint64_t stamp[IDF_MEMO];
};

struct qterm {
	uint64_t term;
	float w;
	uint32_t post;       /* its posting list + 1, 0 when none: set by weigh_terms_counting */
};

/* Post ids, copied end to end into blocks that live as long as the
 * engine (records are never forgotten): one allocation per block, not per
 * post. Blocks double from ID_BLOCK to a huge page (core/bigmem.h), so a
 * small engine stays small and a large one faults once per 2 MiB. */
#define ID_BLOCK 65536
struct id_block {
	struct id_block *next;
	size_t used, cap;
	char data[];
};

/* Shingle sets of the records inside the near-duplicate window, packed
 * into chunks in arrival order. Records leave the window in about that
 * order, so a chunk empties as a whole and is reused: no allocation per
 * post, and neighbouring posts' sets share pages. A set longer than a
 * quarter chunk gets a chunk of its own. */
#define SH_CHUNK 16384   /* shingles (uint32_t) per chunk */
#define SH_SLAB_CHUNKS (BIGMEM_HUGE / (SH_CHUNK * sizeof(uint32_t))) /* chunks carved from a huge page */
struct sh_chunk {
	uint32_t *v;         /* cap slots; NULL once a chunk of its own was freed */
	uint32_t used, cap;
	uint32_t live;       /* shingles of indexed records still in it */
};

struct cluster_engine {
	struct cluster_params par;
	struct sh_chunk *shc;
	size_t n_shc, cap_shc;
	uint32_t shc_cur;          /* chunk being filled, or NONE */
	uint32_t *shc_free;        /* empty chunks to reuse */
	size_t n_shc_free, cap_shc_free;
	/* The memory of SH_CHUNK-sized chunks is carved from huge-page slabs
	 * (core/bigmem.h: one fault per 2 MiB, not one per 4 KiB of every
	 * shingle set copied in); it goes back to the slabs only with the
	 * engine, and a chunk slot that turns into a large set's own chunk
	 * leaves its memory in sh_spare for the next chunk. */
	char **sh_slabs;
	size_t n_sh_slabs, cap_sh_slabs;
	size_t sh_slab_left;       /* chunks not yet carved from the newest slab */
	uint32_t **sh_spare;
	size_t n_sh_spare, cap_sh_spare;
	struct id_block *ids_mem;  /* newest block first */
	size_t ids_next;           /* bytes of the next block (with its header) */
	struct rec *recs;
	size_t n_recs, cap_recs;
	struct dupg *dups;
	size_t n_dups, cap_dups;
	struct story *stories;
	size_t n_stories, cap_stories;
	struct story_hot *hot;     /* one per story */
	size_t cap_hot;
	struct u64map keys;
	struct u64map ids;
	struct u64map story_heads;  /* hash of a story's id (its first post's id) -> story */
	struct u64map dup_heads;    /* hash of a dup group's id -> dup group */
	struct u64map df;          /* term -> documents that had it; aux: its posting list + 1, 0 when none */
	struct u64map dfl;         /* term ^ language -> documents of that language that had it */
	struct u64map n_lang;      /* language -> documents in it */
	uint64_t lang;             /* the post being weighed: hash of its language, 0 when none */
	uint64_t n_docs;
	struct idf_memo idf_all;   /* IDFs over the whole event */
	struct idf_memo idf_lang;  /* IDFs over the posts of one language */
	struct posting *postings;
	size_t n_postings, cap_postings;
	struct simhash_index *sim;
	int64_t watermark;         /* newest post time seen */
	int64_t now;               /* time of the post being added */
	size_t evict_next;         /* next record to check against the near window */
	size_t sweep_countdown;
	uint32_t *live;            /* stories not yet known dead */
	size_t n_live, cap_live;
	uint32_t stamp;
	size_t near_checks;

	/* Scratch, reused across posts. */
	struct textnorm tn;
	struct buf kb;
	struct qterm *q;
	size_t n_q, cap_q;
	struct qterm *qtmp;
	size_t cap_qtmp;
	uint64_t *qkey;            /* sort keys of e->q */
	size_t cap_qkey;
	uint64_t *sh64;
	uint32_t *sh;
	size_t n_sh, n_sh64, cap_sh64, cap_sh;
	size_t n_content;          /* content words behind the shingles */
	uint8_t *skip;             /* per token of e->tn: 1 for a function word or lone ASCII character */
	size_t cap_skip;
	uint32_t *cand;
	size_t cap_cand;
	unsigned *cand_d;          /* simhash distance of each candidate */
	size_t cap_cand_d;
	uint32_t *sstories;        /* candidate stories of this query */
	size_t n_sstories, cap_sstories;
	char *canon;               /* last canonical URL made, owned */
};

struct cluster_engine *cluster_engine_new(const struct cluster_params *p)
{
	struct cluster_engine *e = rp_calloc(1, sizeof *e);
	if (p)
		e->par = *p;
	else
		cluster_params_default(&e->par);
	e->sim = simhash_index_new();
	textnorm_init(&e->tn);
	buf_init(&e->kb);
	e->sweep_countdown = SWEEP_EVERY;
	e->shc_cur = NONE;
	stop_init();
	return e;
}

static void story_free_sum(struct story *s)
{
	map_done(&s->sum);
	s->n_vec = 0;
}

void cluster_engine_free(struct cluster_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_shc; i++)
		if (e->shc[i].cap != SH_CHUNK)   /* the others are in the slabs */
			rp_free(e->shc[i].v);
	rp_free(e->shc);
	rp_free(e->shc_free);
	while (e->ids_mem) {
		struct id_block *b = e->ids_mem;
		e->ids_mem = b->next;
		bigmem_free(b, sizeof *b + b->cap);
	}
	for (size_t i = 0; i < e->n_sh_slabs; i++)
		bigmem_free(e->sh_slabs[i], BIGMEM_HUGE);
	rp_free(e->sh_slabs);
	rp_free(e->sh_spare);
	bigmem_free(e->recs, e->cap_recs * sizeof *e->recs);
	bigmem_free(e->dups, e->cap_dups * sizeof *e->dups);
	for (size_t i = 0; i < e->n_stories; i++) {
		map_done(&e->stories[i].authors);
		map_done(&e->stories[i].sources);
		map_done(&e->stories[i].sum);
	}
	bigmem_free(e->stories, e->cap_stories * sizeof *e->stories);
	bigmem_free(e->hot, e->cap_hot * sizeof *e->hot);
	map_done(&e->keys);
	map_done(&e->ids);
	map_done(&e->story_heads);
	map_done(&e->dup_heads);
	map_done(&e->df);
	map_done(&e->dfl);
	map_done(&e->n_lang);
	for (size_t i = 0; i < e->n_postings; i++)
		rp_free(e->postings[i].s);
	rp_free(e->postings);
	simhash_index_free(e->sim);
	rp_free(e->live);
	textnorm_done(&e->tn);
	buf_done(&e->kb);
	rp_free(e->q);
	rp_free(e->qtmp);
	rp_free(e->qkey);
	rp_free(e->skip);
	rp_free(e->sh64);
	rp_free(e->sh);
	rp_free(e->cand);
	rp_free(e->cand_d);
	rp_free(e->sstories);
	rp_free(e->canon);
	rp_free(e);
}

/* ---- keys ------------------------------------------------------------- */

static bool has_scheme(const char *s)
{
	return url_is_absolute(s);
}

static bool is_http(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 ||
	       strncmp(s, "HTTP://", 7) == 0 || strncmp(s, "HTTPS://", 8) == 0;
}

/* Bytes of a plain path: 1 for [a-zA-Z0-9-_.~@:], 2 for '/', 3 also
 * allowed in a plain host ([a-z0-9.-]); one lookup a byte instead of a
 * chain of comparisons (ids and URLs are most of the bytes hashed). */
static const unsigned char uri_plain[256] = {
	['-'] = 3, ['.'] = 3, ['/'] = 2, [':'] = 1, ['@'] = 1, ['_'] = 1, ['~'] = 1,
	['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3,
	['5'] = 3, ['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3, ['g'] = 3,
	['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3, ['m'] = 3, ['n'] = 3,
	['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3, ['s'] = 3, ['t'] = 3, ['u'] = 3,
	['v'] = 3, ['w'] = 3, ['x'] = 3, ['y'] = 3, ['z'] = 3,
};

/* True when url_canonical would return s unchanged: lowercase scheme and
 * host, no port, a path of plain characters without dot segments, no
 * query, no fragment, no percent sign. Most status URIs are like this, and
 * the check is far cheaper than a parse (tests/cluster/test-cluster.c
 * compares the two on a table). *ret_len gets strlen(s) when true: the
 * caller appends s without measuring it again. */
static bool plainly_canonical_len(const char *s, size_t *ret_len)
{
	const unsigned char *p;
	if (strncmp(s, "https://", 8) == 0)
		p = (const unsigned char *)s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		p = (const unsigned char *)s + 7;
	else
		return false;
	const unsigned char *host = p;
	while (uri_plain[*p] == 3)
		p++;
	if (p == host || *p != '/' || p[-1] == '.' || host[0] == '.')
		return false;
	for (;; p++) {
		unsigned cl = uri_plain[*p];
		if (cl == 2) {
			if (p[1] == '/')
				return false;
			if (p[1] == '.' && (p[2] == '/' || p[2] == '\0' ||
			                    (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
				return false;
		} else if (cl == 0) {
			if (*p != '\0')
				return false;
			break;
		}
	}
	*ret_len = (size_t)(p - (const unsigned char *)s);
	return true;
}

/* Append the URI form of an identifier: an http(s) URL canonicalised, any
 * other URI (at://, tag:, urn:) as written. */
static void add_uri(struct buf *b, const char *s)
{
	char *c = NULL;
	size_t n;
	if (plainly_canonical_len(s, &n)) {
		buf_add(b, s, n);
		return;
	}
	if (is_http(s) && url_canonical(s, &c) == RP_OK) {
		buf_adds(b, c);
		rp_free(c);
		return;
	}
	buf_adds(b, s);
}

/* The typed key string of an identifier named by a post of source src. */
static void identity_key(struct buf *b, const char *id, const char *src)
{
	buf_reset(b);
	if (has_scheme(id)) {
		buf_adds(b, "u:");
		add_uri(b, id);
	} else {
		buf_adds(b, "i:");
		buf_adds(b, src ? src : "");
		buf_addc(b, '\x1f');
		buf_adds(b, id);
	}
}

struct keyset {
	uint64_t identity, original, url, text;   /* in-memory hashes (64 bits of the key's XXH3-128); 0 when none */
	bool has_original, has_url, has_text;
};

/* 32 hex digits of the 128-bit XXH3 of the key string (the form
 * core/hash.h hash128_hex gives, without its snprintf); returns 64 bits of
 * that hash for the engine's own tables, so the key is hashed once. */
static uint64_t hexkey(const struct buf *b, char out[CLUSTER_KEY_HEX])
{
	static const char hex[] = "0123456789abcdef";
	XXH128_hash_t h = XXH3_128bits(b->data, b->len);
	/* A byte at a time, both digits at once: half the steps of a digit
	 * at a time (three keys a post). */
	for (int i = 0; i < 8; i++) {
		unsigned hi = (unsigned)(h.high64 >> (56 - 8 * i)) & 0xff;
		unsigned lo = (unsigned)(h.low64 >> (56 - 8 * i)) & 0xff;
		out[2 * i] = hex[hi >> 4];
		out[2 * i + 1] = hex[hi & 0xf];
		out[16 + 2 * i] = hex[lo >> 4];
		out[16 + 2 * i + 1] = hex[lo & 0xf];
	}
	out[32] = '\0';
	return h.low64;
}

/* Normalise p's text into e->tn; the title counts when the text does not
 * already start with it. */
static void normalise(struct cluster_engine *e, const struct post *p)
{
	textnorm_reset(&e->tn);
	bool title = p->title && *p->title;
	if (title && p->text) {
		size_t tl = strlen(p->title);
		/* Feeds that make the title from the first words cut it with "...". */
		while (tl > 0 && (p->title[tl - 1] == '.' || p->title[tl - 1] == ' ' ||
		                  (unsigned char)p->title[tl - 1] >= 0x80))
			tl--;
		if (tl > 0 && strncmp(p->text, p->title, tl) == 0)
			title = false;
	}
	if (title)
		textnorm_add(&e->tn, p->title, strlen(p->title));
	if (p->text)
		textnorm_add(&e->tn, p->text, strlen(p->text));
}

/* Compute every key of p; e->tn must hold p's normal form. */
/* The keys that need no text: identity, original, URL. */
static void make_id_keys(struct cluster_engine *e, const struct post *p, struct cluster_keys *k,
                         struct keyset *ks)
{
	memset(k, 0, sizeof *k);
	memset(ks, 0, sizeof *ks);
	identity_key(&e->kb, p->id, p->source);
	ks->identity = hexkey(&e->kb, k->identity);
	if (p->repost_of) {
		identity_key(&e->kb, p->repost_of, p->source);
		ks->original = hexkey(&e->kb, k->original);
		ks->has_original = true;
	}
	if (p->url && is_http(p->url)) {
		buf_reset(&e->kb);
		buf_adds(&e->kb, "u:");
		add_uri(&e->kb, p->url);
		ks->url = hexkey(&e->kb, k->url);
		ks->has_url = true;
	}
}

/* The text key, from e->tn (trailing hashtags already dropped). */
static void make_text_key(struct cluster_engine *e, struct cluster_keys *k, struct keyset *ks)
{
	size_t n_tok = e->tn.n_tok;
	if (n_tok >= e->par.text_key_min_tokens) {
		buf_reset(&e->kb);
		buf_adds(&e->kb, "t:");
		buf_add(&e->kb, e->tn.norm.data, e->tn.norm.len);
		ks->text = hexkey(&e->kb, k->text);
		ks->has_text = true;
	}
}

/* ---- shingles and similarity ----------------------------------------- */

/* Sorts for the few tens of keys of one post: a quicksort (median of
 * three, Hoare partition) down to runs of SORT_SMALL, then one insertion
 * pass. The radix sort used before cost four 256-bucket histograms per
 * call whatever n was: a third of the engine's instructions
 * (tests/cluster/README.md, "Speed"). */
#define SORT_SMALL 16
#define DEFINE_SORT(name, T, LESS)                                              \
	static void name##_part(T *v, size_t n)                                 \
	{                                                                       \
		while (n > SORT_SMALL) {                                        \
			size_t mid = n / 2;                                     \
			T t;                                                    \
			if (LESS(v[mid], v[0])) {                               \
				t = v[mid]; v[mid] = v[0]; v[0] = t;            \
			}                                                       \
			if (LESS(v[n - 1], v[mid])) {                           \
				t = v[mid]; v[mid] = v[n - 1]; v[n - 1] = t;    \
				if (LESS(v[mid], v[0])) {                       \
					t = v[mid]; v[mid] = v[0]; v[0] = t;    \
				}                                               \
			}                                                       \
			T pivot = v[mid];                                       \
			size_t i = 0, j = n - 1;                                \
			for (;;) {                                              \
				while (LESS(v[i], pivot))                       \
					i++;                                    \
				while (LESS(pivot, v[j]))                       \
					j--;                                    \
				if (i >= j)                                     \
					break;                                  \
				t = v[i]; v[i] = v[j]; v[j] = t;                \
				i++;                                            \
				j--;                                            \
			}                                                       \
			/* [0, j] <= pivot <= [j + 1, n), both non-empty */     \
			size_t nl = j + 1;                                      \
			if (nl < n - nl) {                                      \
				name##_part(v, nl);                             \
				v += nl;                                        \
				n -= nl;                                        \
			} else {                                                \
				name##_part(v + nl, n - nl);                    \
				n = nl;                                         \
			}                                                       \
		}                                                               \
	}                                                                       \
	static void name(T *v, size_t n)                                        \
	{                                                                       \
		name##_part(v, n);                                              \
		for (size_t i = 1; i < n; i++) {                                \
			T x = v[i];                                             \
			size_t k = i;                                           \
			while (k > 0 && LESS(x, v[k - 1])) {                    \
				v[k] = v[k - 1];                                \
				k--;                                            \
			}                                                       \
			v[k] = x;                                               \
		}                                                               \
	}

#define LESS_NUM(a, b) ((a) < (b))
#define LESS_TERM(a, b) ((a).term < (b).term)
DEFINE_SORT(sort_u32, uint32_t, LESS_NUM)
DEFINE_SORT(sort_u64, uint64_t, LESS_NUM)
DEFINE_SORT(sort_qterm, struct qterm, LESS_TERM)

/* The shingles of e->tn: its content words (function words and lone
 * ASCII characters left out) and the pairs of neighbouring content words,
 * into e->sh64 (for the simhash) and e->sh (32-bit, sorted, distinct, for
 * Jaccard). Words alone catch rewordings that move or swap words; pairs
 * keep copies of the same phrasing closest. Measured on
 * tests/data/stories against bigrams alone and words alone (see the
 * report in tests/cluster/README.md). */
/* Mark the tokens of e->tn that carry no topic: function words and lone
 * ASCII letters or digits. */
static void mark_skip(struct cluster_engine *e)
{
	const struct textnorm *t = &e->tn;
	e->skip = rp_grow(e->skip, 1, t->n_tok + 1, &e->cap_skip);
	for (size_t i = 0; i < t->n_tok; i++)
		e->skip[i] = (t->tok[i].len == 1 && (unsigned char)t->norm.data[t->tok[i].off] < 0x80) ||
		             map_find(&stop_set, t->tok[i].hash) != NULL;
}

static void make_shingles(struct cluster_engine *e)
{
	const struct textnorm *t = &e->tn;
	size_t n = t->n_tok;
	size_t m = 0;
	e->sh64 = rp_grow(e->sh64, sizeof *e->sh64, 2 * n + 1, &e->cap_sh64);
	e->sh = rp_grow(e->sh, sizeof *e->sh, 2 * n + 1, &e->cap_sh);
	uint64_t prev = 0;
	bool have_prev = false;
	for (size_t i = 0; i < n; i++) {
		if (e->skip[i])
			continue;
		e->sh64[m++] = t->tok[i].hash;
		if (have_prev) {
			/* Order matters ("a b" is not "b a"); the tokens are already
			 * hashes, so a multiply-xorshift mix is enough. */
			uint64_t h = (prev * 0x9e3779b97f4a7c15ull) ^ t->tok[i].hash;
			h ^= h >> 29;
			h *= 0xbf58476d1ce4e5b9ull;
			h ^= h >> 32;
			e->sh64[m++] = h;
		}
		prev = t->tok[i].hash;
		have_prev = true;
	}
	if (m == 0 && n > 0)
		e->sh64[m++] = t->tok[0].hash;
	for (size_t i = 0; i < m; i++)
		e->sh[i] = (uint32_t)(e->sh64[i] >> 32);
	e->n_sh64 = m;
	e->n_content = (m + 1) / 2;
	sort_u32(e->sh, m);
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		if (k == 0 || e->sh[k - 1] != e->sh[i])
			e->sh[k++] = e->sh[i];
	e->n_sh = k;
}

static double jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na == 0 || nb == 0)
		return 0;
	/* Branch-free merge: the comparisons are coin flips to a predictor. */
	size_t i = 0, j = 0, both = 0;
	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];
		both += x == y;
		i += x <= y;
		j += y <= x;
	}
	return (double)both / (double)(na + nb - both);
}

/* ---- TF-IDF ----------------------------------------------------------- */

/* Function words of the languages the event's reports come in. IDF learns
 * that such words are common only after many posts, and never for a
 * language few posts use, so they would decide topics between the few
 * posts in French or Russian. Lists of the most frequent function words,
 * in folded form (utf8_fold), nothing topical. */
static const char *const stopwords[] = {
	/* en */
	"a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but",
	"by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her",
	"his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "may", "me", "more", "most",
	"my", "no", "not", "now", "of", "on", "one", "only", "or", "our", "out", "over", "s", "said",
	"says", "she", "should", "so", "some", "still", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was",
	"we", "were", "what", "when", "where", "which", "while", "who", "why", "will", "with",
	"would", "you", "your", "today", "here", "new", "get", "got", "many", "much", "every",
	/* fr */
	"au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en", "est",
	"et", "il", "ils", "je", "la", "le", "les", "leur", "lui", "mais", "ne", "nous", "on", "ou",
	"où", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur",
	"un", "une", "vous", "d", "l", "c", "n", "y", "été", "être", "plus", "tout", "très",
	/* es */
	"al", "como", "con", "del", "el", "ella", "es", "esta", "este", "han", "hay", "las", "lo",
	"los", "más", "muy", "para", "pero", "por", "se", "sin", "su", "sus", "una", "uno", "ya",
	"y", "e", "o", "u", "fue", "ser", "son", "entre", "todo", "también", "según",
	/* pt, de */
	"da", "do", "dos", "das", "em", "um", "uma", "não", "der", "die", "das", "und", "ist", "im",
	"den", "mit", "von", "zu", "für", "auf", "ein", "eine", "nicht", "sich", "auch", "es",
	/* ru */
	"и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она",
	"так", "его", "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее",
	"её", "мне", "было", "вот", "от", "меня", "еще", "ещё", "нет", "о", "из", "ему", "теперь",
	"когда", "даже", "ну", "ли", "если", "уже", "или", "ни", "быть", "был", "до", "вас",
	"для", "это", "этот", "эта", "эти", "при", "об", "их", "чем", "без", "также", "там",
	/* ar */
	"في", "من", "على", "إلى", "الى", "عن", "مع", "أن", "ان", "إن", "هذا", "هذه", "التي", "الذي",
	"ما", "لا", "و", "أو", "او", "كان", "كانت", "قد", "ثم", "بين", "كل", "هو", "هي", "عام",
	"حسب", "لكن", "غير", "بعد", "قبل", "حتى", "ذلك", "تلك",
	/* zh: the bigrams a few particles make are too varied to list; the
	 * single characters below only matter for one-character runs. */
	"的", "了", "在", "是", "和",
};


static void stop_init(void)
{
	if (stop_set.cap)
		return;
	for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
		*map_put(&stop_set, hash64_str(stopwords[i]), NULL) = 1;
}


/* make_terms reserves room for every term first. */
static inline void q_push(struct cluster_engine *e, uint64_t term, float tf)
{
	e->q[e->n_q++] = (struct qterm){ term, tf, 0 };
}

/* Link terms: canonical outbound links, from post->links and the URLs
 * written in the text. */
static void q_add_link(struct cluster_engine *e, const char *u, float tf)
{
	if (!is_http(u))
		return;
	buf_reset(&e->kb);
	buf_adds(&e->kb, "l:");
	add_uri(&e->kb, u);
	q_push(e, hash64(e->kb.data, e->kb.len), tf);
}

/* Gather the distinct terms of p with their term frequency into e->q,
 * sorted by term, and p's language into e->lang: the hash of its primary
 * subtag folded to lower case ("pt-BR" -> "pt"), 0 when it names none. */
static void make_terms(struct cluster_engine *e, const struct post *p)
{
	e->lang = 0;
	if (p->lang && *p->lang) {
		char sub[16];
		size_t k = 0;
		for (const char *c = p->lang; *c && *c != '-' && *c != '_' && k + 1 < sizeof sub; c++)
			sub[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		e->lang = hash64(sub, k) | 1;
	}
	e->n_q = 0;
	const struct textnorm *t = &e->tn;
	e->q = rp_grow(e->q, sizeof *e->q, t->n_tok + p->links.n + t->urls.n + 1, &e->cap_q);
	for (size_t i = 0; i < t->n_tok; i++) {
		if (e->skip[i])
			continue;
		q_push(e, t->tok[i].hash, 1);
	}
	for (size_t i = 0; i < p->links.n; i++)
		q_add_link(e, p->links.v[i], LINK_WEIGHT);
	for (size_t i = 0; i < t->urls.n; i++)
		q_add_link(e, t->urls.v[i], LINK_WEIGHT);
	if (e->n_q == 0)
		return;
	/* By the whole term; the radix sort before this one ordered by the
	 * top 32 bits, which differs only for two terms sharing them. */
	sort_qterm(e->q, e->n_q);
	size_t k = 0;
	for (size_t i = 0; i < e->n_q; i++) {
		if (k > 0 && e->q[k - 1].term == e->q[i].term) {
			/* Link terms may repeat (links + text): keep one. */
			if (e->q[i].w < LINK_WEIGHT)
				e->q[k - 1].w += e->q[i].w;
		} else {
			e->q[k++] = e->q[i];
		}
	}
	e->n_q = k;
}

/* Turn e->q's term frequencies into a unit TF-IDF vector, highest weight
 * first. With count, first count the post in the document frequencies
 * (one hash probe per term for both). */
static void weigh_terms_counting(struct cluster_engine *e, bool count)
{
	/* A post that names its language is weighed among the posts in that
	 * language: the words every post in a language few use shares are
	 * rare in the event but common in that language, and weighed by the
	 * whole event they gathered such posts into one story whatever they
	 * were about (tests/cluster/README.md). */
	uint64_t lang = e->lang;
	if (count)
		e->n_docs++;
	uint64_t n = e->n_docs;
	struct idf_memo *memo = &e->idf_all;
	if (lang) {
		struct mslot *ls = map_put_slot(&e->n_lang, lang, NULL);
		if (count)
			ls->v++;
		n = ls->v;
		memo = &e->idf_lang;
	}
	uint64_t stamp = (lang ^ (n * 0x9E3779B97F4A7C15ULL)) | 1;
	double norm = 0;
	for (size_t i = 0; i < e->n_q; i++) {
		/* One probe for the frequency and the posting list. */
		struct mslot *sl;
		if (count) {
			sl = map_put_slot(&e->df, e->q[i].term, NULL);
			sl->v++;
		} else {
			sl = map_find_slot(&e->df, e->q[i].term);
		}
		uint32_t df = sl ? sl->v : 0;
		e->q[i].post = sl ? sl->aux : 0;
		if (lang) {   /* the term's frequency in the language */
			uint64_t key = e->q[i].term ^ lang;
			sl = count ? map_put_slot(&e->dfl, key, NULL) : map_find_slot(&e->dfl, key);
			if (sl && count)
				sl->v++;
			df = sl ? sl->v : 0;
		}
		/* BM25's IDF: near 0 for a term in every post, never negative.
		 * Most terms of a post are rare, so few distinct frequencies
		 * occur: each log is taken once per post. */
		double idf;
		if (df < IDF_MEMO && memo->stamp[df] == stamp) {
			idf = memo->v[df];
		} else {
			idf = log(1.0 + ((double)n - df + 0.5) / (df + 0.5));
			if (df < IDF_MEMO) {
				memo->v[df] = idf;
				memo->stamp[df] = stamp;
			}
		}
		double tf = e->q[i].w;   /* log(1) is exactly 0 */
		double w = (tf == 1 ? 1.0 : 1.0 + log(tf)) * idf;
		e->q[i].w = (float)w;
		norm += w * w;
	}
	norm = sqrt(norm);
	for (size_t i = 0; i < e->n_q; i++)
		e->q[i].w = norm > 0 ? (float)(e->q[i].w / norm) : 0;
	/* Highest weight first, ties in term order. Weights are >= 0, so
	 * their float bits order like integers; the index in the low half
	 * keeps the sort stable. */
	if (e->n_q < 2)
		return;
	e->qkey = rp_grow(e->qkey, sizeof *e->qkey, e->n_q, &e->cap_qkey);
	e->qtmp = rp_grow(e->qtmp, sizeof *e->qtmp, e->n_q, &e->cap_qtmp);
	for (size_t i = 0; i < e->n_q; i++)
		e->qkey[i] = (uint64_t)~float_bits(e->q[i].w) << 32 | i;
	sort_u64(e->qkey, e->n_q);
	for (size_t i = 0; i < e->n_q; i++)
		e->qtmp[i] = e->q[(uint32_t)e->qkey[i]];
	memcpy(e->q, e->qtmp, e->n_q * sizeof *e->q);
}


/* ---- stories ------------------------------------------------------------ */

static bool story_live(const struct cluster_engine *e, uint32_t si)
{
	return e->hot[si].last >= e->watermark - e->par.story_window_s;
}

/* The posting list of term, made when it has none. */
static struct posting *posting_of(struct cluster_engine *e, uint64_t term)
{
	struct mslot *sl = map_put_slot(&e->df, term, NULL);
	if (sl->aux == 0) {
		e->postings = rp_grow(e->postings, sizeof *e->postings, e->n_postings + 1,
		                      &e->cap_postings);
		memset(&e->postings[e->n_postings], 0, sizeof *e->postings);
		sl->aux = (uint32_t)++e->n_postings;
	}
	return &e->postings[sl->aux - 1];
}

/* Add sign * the unit vector e->q to story si's vector sum. */
static void sum_add(struct cluster_engine *e, uint32_t si, float sign)
{
	struct story *s = &e->stories[si];
	if (s->dead)
		return;
	for (size_t i = 0; i < e->n_q; i++) {
		float w = sign * e->q[i].w;
		if (w == 0)
			continue;
		bool created;
		uint32_t *v = map_put(&s->sum, e->q[i].term, &created);
		float old = created ? 0 : bits_float(*v);
		*v = float_bits(old + w);
		if (created) {
			struct posting *pl = posting_of(e, e->q[i].term);
			pl->s = rp_grow(pl->s, sizeof *pl->s, pl->n + 1, &pl->cap);
			pl->s[pl->n++] = si;
		}
	}
	if (sign > 0)
		s->n_vec++;
	else if (s->n_vec > 0)
		s->n_vec--;
}

/* Move the best k of e->sstories by hot.acc to the front, best first,
 * and keep only them. */
static void keep_best_stories(struct cluster_engine *e, size_t k)
{
	size_t n = e->n_sstories;
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++) {
		size_t best = i;
		for (size_t j = i + 1; j < n; j++)
			if (e->hot[e->sstories[j]].acc > e->hot[e->sstories[best]].acc)
				best = j;
		uint32_t x = e->sstories[i];
		e->sstories[i] = e->sstories[best];
		e->sstories[best] = x;
	}
	e->n_sstories = k;
}

/* Find the live stories that share a top term with e->q; leave the best
 * EXACT_STORIES in e->sstories, best first, with their average link in
 * hot.acc. */
static void find_stories(struct cluster_engine *e)
{
	e->n_sstories = 0;
	if (++e->stamp == 0)
		e->stamp = 1;
	size_t used = 0;
	for (size_t i = 0; i < e->n_q && used < QUERY_TERMS; i++) {
		if (e->q[i].w <= 0)
			break;
		/* A term no story has (most often one only this post used) cannot
		 * find anything: it does not take a query slot. */
		if (e->q[i].post == 0)
			continue;
		struct posting *pl = &e->postings[e->q[i].post - 1];
		if (pl->n == 0)
			continue;
		used++;
		/* Walk newest first; drop dead stories from the list as we go. */
		size_t seen = 0;
		size_t j = pl->n;
		while (j > 0 && seen < POSTING_WALK) {
			j--;
			uint32_t si = pl->s[j];
			if (!story_live(e, si)) {
				/* order is only a hint of recency; swapping keeps it cheap */
				pl->s[j] = pl->s[--pl->n];
				continue;
			}
			seen++;
			struct story_hot *h = &e->hot[si];
			if (h->stamp != e->stamp) {
				h->stamp = e->stamp;
				h->acc = 0;
				e->sstories = rp_grow(e->sstories, sizeof *e->sstories,
				                      e->n_sstories + 1, &e->cap_sstories);
				e->sstories[e->n_sstories++] = si;
			}
			/* Rank by the post's weight on shared terms: no sum
			 * lookup per posting (the exact cosine comes next). */
			h->acc += e->q[i].w;
		}
	}
	/* The shared weight ranks the candidates; the best few get the
	 * average link over the post's top terms. */
	keep_best_stories(e, EXACT_STORIES);
	size_t nk = e->n_q < EXACT_TERMS ? e->n_q : EXACT_TERMS;
	for (size_t i = 0; i < e->n_sstories; i++)
		for (size_t k = 0; k < nk; k++)
			map_prefetch(&e->stories[e->sstories[i]].sum, e->q[k].term);
	for (size_t i = 0; i < e->n_sstories; i++) {
		const struct story *s = &e->stories[e->sstories[i]];
		struct story_hot *h = &e->hot[e->sstories[i]];
		/* The highest-weight terms carry nearly all of the dot product;
		 * each lookup is a cache miss in a large story's sum. */
		double dot = 0;
		for (size_t k = 0; k < nk; k++) {
			const uint32_t *v = map_find(&s->sum, e->q[k].term);
			if (v)
				dot += e->q[k].w * bits_float(*v);
		}
		/* The sum of n unit vectors dotted with the post, over n, is the
		 * post's mean cosine to the members: group-average link, in one
		 * dot product. The cosine to the centroid (dot / |sum|), used
		 * before, does not fall as a story mixes subjects: a centroid
		 * that has absorbed everything near enough is near everything,
		 * and one story took 28% of the 100k bench posts over four days.
		 * The mean cosine falls as the members disagree, so a mixed
		 * story stops taking posts (tests/cluster/README.md). */
		h->acc = s->n_vec > 0 ? (float)(dot / s->n_vec) : 0;
		/* Reports of one thing come close together: the farther the
		 * post is from the story's newest member, the more it takes. */
		double gap = fabs((double)(e->now - s->last));
		if (e->par.story_time_scale_s > 0)
			h->acc = (float)(h->acc / (1.0 + gap / (double)e->par.story_time_scale_s));
	}
	keep_best_stories(e, EXACT_STORIES);
}

/* A story headed by record head, whose id's hash64_str is head_hash. */
static uint32_t story_new(struct cluster_engine *e, uint32_t head, uint64_t head_hash, int64_t t)
{
	e->stories = bigmem_grow(e->stories, sizeof *e->stories, e->n_stories + 1, &e->cap_stories);
	struct story *s = &e->stories[e->n_stories];
	memset(s, 0, sizeof *s);
	s->head = head;
	s->rep = NONE;
	s->first = s->last = t;
	e->hot = bigmem_grow(e->hot, sizeof *e->hot, e->n_stories + 1, &e->cap_hot);
	e->hot[e->n_stories] = (struct story_hot){ t, 0, 0 };
	e->live = rp_grow(e->live, sizeof *e->live, e->n_live + 1, &e->cap_live);
	e->live[e->n_live++] = (uint32_t)e->n_stories;
	*map_put(&e->story_heads, head_hash, NULL) = (uint32_t)e->n_stories;
	return (uint32_t)e->n_stories++;
}

/* A dup group headed by record head, whose id's hash64_str is head_hash. */
static uint32_t dup_new(struct cluster_engine *e, uint32_t head, uint64_t head_hash, uint32_t story)
{
	e->dups = bigmem_grow(e->dups, sizeof *e->dups, e->n_dups + 1, &e->cap_dups);
	e->dups[e->n_dups] = (struct dupg){ head, story, 0 };
	*map_put(&e->dup_heads, head_hash, NULL) = (uint32_t)e->n_dups;
	return (uint32_t)e->n_dups++;
}

static uint64_t fold_hash(struct cluster_engine *e, const char *s)
{
	buf_reset(&e->kb);
	utf8_fold(&e->kb, s, strlen(s));
	return hash64(e->kb.data, e->kb.len);
}

/* Count record ri (of dup group di) as a member of story si. */
static void story_count(struct cluster_engine *e, uint32_t si, uint32_t ri, uint32_t di,
                        const struct post *p, bool new_dup)
{
	struct story *s = &e->stories[si];
	const struct rec *r = &e->recs[ri];
	s->n_posts++;
	if (new_dup) {
		s->n_dups++;
		s->recent_fp[s->n_recent % STORY_RECENT] = r->simhash;
		s->recent[s->n_recent++ % STORY_RECENT] = ri;
	}
	if (r->t < s->first)
		s->first = r->t;
	if (r->t > s->last)
		s->last = r->t;
	if (!s->dead)
		e->hot[si].last = s->last;
	if (p && p->author && *p->author)
		*map_put(&s->authors, fold_hash(e, p->author), NULL) = 1;
	if (p && p->source && *p->source)
		*map_put(&s->sources, hash64_str(p->source), NULL) = 1;
	/* Strictly more sightings: on a tie the earlier group stays. */
	if (s->rep == NONE || e->dups[di].n > e->dups[s->rep].n)
		s->rep = di;
}

/* ---- records ------------------------------------------------------------ */

static char *id_copy(struct cluster_engine *e, const char *id)
{
	size_t n = strlen(id) + 1;
	struct id_block *b = e->ids_mem;
	if (!b || b->cap - b->used < n) {
		if (e->ids_next == 0)
			e->ids_next = ID_BLOCK;
		size_t cap = n > ID_BLOCK / 4 ? n : e->ids_next - sizeof *b;
		if (n <= ID_BLOCK / 4 && e->ids_next < BIGMEM_HUGE)
			e->ids_next *= 2;
		b = bigmem_alloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		if (n > ID_BLOCK / 4 && e->ids_mem) {
			/* a long id gets a block of its own behind the current one */
			b->next = e->ids_mem->next;
			e->ids_mem->next = b;
		} else {
			b->next = e->ids_mem;
			e->ids_mem = b;
		}
	}
	char *c = b->data + b->used;
	memcpy(c, id, n);
	b->used += n;
	return c;
}

/* A new record for id, whose hash64_str is h. */
static uint32_t rec_new(struct cluster_engine *e, const char *id, uint64_t h, int64_t t)
{
	e->recs = bigmem_grow(e->recs, sizeof *e->recs, e->n_recs + 1, &e->cap_recs);
	struct rec *r = &e->recs[e->n_recs];
	memset(r, 0, sizeof *r);
	r->id = id_copy(e, id);
	r->t = t;
	r->dup = r->story = NONE;
	*map_put(&e->ids, h, NULL) = (uint32_t)e->n_recs;
	return (uint32_t)e->n_recs++;
}

/* The record of id, whose hash64_str is h. */
static uint32_t rec_by_hash(const struct cluster_engine *e, const char *id, uint64_t h)
{
	const uint32_t *v = map_find(&e->ids, h);
	if (v && strcmp(e->recs[*v].id, id) == 0)
		return *v;
	return NONE;
}

/* Give chunk c memory for cap shingles, unless it has it. */
static void sh_chunk_mem(struct cluster_engine *e, struct sh_chunk *c, uint32_t cap)
{
	if (c->v && c->cap == cap)
		return;
	if (c->v && c->cap == SH_CHUNK) {
		e->sh_spare = rp_grow(e->sh_spare, sizeof *e->sh_spare, e->n_sh_spare + 1,
		                      &e->cap_sh_spare);
		e->sh_spare[e->n_sh_spare++] = c->v;
	} else {
		rp_free(c->v);
	}
	if (cap != SH_CHUNK) {
		c->v = rp_malloc((size_t)cap * sizeof *c->v);
	} else if (e->n_sh_spare > 0) {
		c->v = e->sh_spare[--e->n_sh_spare];
	} else {
		if (e->sh_slab_left == 0) {
			e->sh_slabs = rp_grow(e->sh_slabs, sizeof *e->sh_slabs, e->n_sh_slabs + 1,
			                      &e->cap_sh_slabs);
			e->sh_slabs[e->n_sh_slabs++] = bigmem_alloc(BIGMEM_HUGE);
			e->sh_slab_left = SH_SLAB_CHUNKS;
		}
		char *slab = e->sh_slabs[e->n_sh_slabs - 1];
		c->v = (uint32_t *)(void *)(slab + (SH_SLAB_CHUNKS - e->sh_slab_left--) *
		                                   SH_CHUNK * sizeof *c->v);
	}
	c->cap = cap;
}

/* A chunk slot for n shingles (see struct sh_chunk); *ret_chunk gets
 * its chunk. */
static uint32_t *sh_alloc(struct cluster_engine *e, uint32_t n, uint32_t *ret_chunk)
{
	bool own = n > SH_CHUNK / 4;
	uint32_t ci = e->shc_cur;
	if (own || ci == NONE || e->shc[ci].cap - e->shc[ci].used < n) {
		if (!own && ci != NONE && e->shc[ci].live == 0) {
			e->shc_free = rp_grow(e->shc_free, sizeof *e->shc_free, e->n_shc_free + 1,
			                      &e->cap_shc_free);
			e->shc_free[e->n_shc_free++] = ci;
		}
		if (e->n_shc_free > 0) {
			ci = e->shc_free[--e->n_shc_free];
		} else {
			e->shc = rp_grow(e->shc, sizeof *e->shc, e->n_shc + 1, &e->cap_shc);
			ci = (uint32_t)e->n_shc++;
			e->shc[ci] = (struct sh_chunk){ NULL, 0, 0, 0 };
		}
		struct sh_chunk *c = &e->shc[ci];
		sh_chunk_mem(e, c, own ? n : SH_CHUNK);
		c->used = 0;
		c->live = 0;
		if (!own)
			e->shc_cur = ci;
	}
	struct sh_chunk *c = &e->shc[ci];
	uint32_t *v = c->v + c->used;
	c->used += n;
	c->live += n;
	*ret_chunk = ci;
	return v;
}

static void sh_release(struct cluster_engine *e, uint32_t ci, uint32_t n)
{
	struct sh_chunk *c = &e->shc[ci];
	c->live -= n;
	if (c->live > 0 || ci == e->shc_cur)
		return;
	if (c->cap != SH_CHUNK) {   /* a chunk of its own: give the memory back */
		rp_free(c->v);
		c->v = NULL;
		c->cap = 0;
	}
	e->shc_free = rp_grow(e->shc_free, sizeof *e->shc_free, e->n_shc_free + 1, &e->cap_shc_free);
	e->shc_free[e->n_shc_free++] = ci;
}

/* Keep the shingles and fingerprint of record ri for near-duplicate
 * lookups. */
static void rec_index(struct cluster_engine *e, uint32_t ri, uint64_t fp)
{
	struct rec *r = &e->recs[ri];
	if (r->indexed || e->n_sh == 0)
		return;
	r->simhash = fp;
	r->n_sh = (uint32_t)e->n_sh;
	r->sh = sh_alloc(e, r->n_sh, &r->sh_chunk);
	memcpy(r->sh, e->sh, e->n_sh * sizeof *r->sh);
	simhash_index_add(e->sim, fp, ri);
	r->indexed = true;
}

static void rec_unindex(struct cluster_engine *e, uint32_t ri)
{
	struct rec *r = &e->recs[ri];
	if (!r->indexed)
		return;
	simhash_index_remove(e->sim, r->simhash, ri);
	sh_release(e, r->sh_chunk, r->n_sh);
	r->sh = NULL;
	r->n_sh = 0;
	r->indexed = false;
}

static void register_key(struct cluster_engine *e, uint64_t key, bool has, uint32_t ri)
{
	if (!has)
		return;
	bool created;
	uint32_t *v = map_put(&e->keys, key, &created);
	if (created)
		*v = ri;
}

static uint32_t lookup_key(const struct cluster_engine *e, uint64_t key, bool has)
{
	if (!has)
		return NONE;
	const uint32_t *v = map_find(&e->keys, key);
	return v ? *v : NONE;
}

void cluster_engine_expire(struct cluster_engine *e, int64_t now)
{
	/* Fingerprints: records are added in arrival order, which is close to
	 * time order; a late old post is evicted when the scan passes it. */
	int64_t near_cut = now - e->par.dup_window_s;
	while (e->evict_next < e->n_recs && e->recs[e->evict_next].t < near_cut)
		rec_unindex(e, (uint32_t)e->evict_next++);
	int64_t story_cut = now - e->par.story_window_s;
	size_t k = 0;
	for (size_t i = 0; i < e->n_live; i++) {
		struct story *s = &e->stories[e->live[i]];
		if (s->last < story_cut) {
			s->dead = true;
			e->hot[e->live[i]].last = INT64_MIN;
			story_free_sum(s);
		} else {
			e->live[k++] = e->live[i];
		}
	}
	e->n_live = k;
}

static void fill_assign(const struct cluster_engine *e, uint32_t ri, struct cluster_assign *a)
{
	const struct rec *r = &e->recs[ri];
	a->dup = e->recs[e->dups[r->dup].head].id;
	a->story = e->recs[e->stories[r->story].head].id;
}

/* ---- the public calls --------------------------------------------------- */

rp_err cluster_engine_keys(struct cluster_engine *e, const struct post *p,
                           struct cluster_keys *ret)
{
	if (!p->id || !*p->id)
		return RP_ERR_INPUT;
	normalise(e, p);
	mark_skip(e);
	textnorm_drop_tail_tags(&e->tn);
	struct keyset ks;
	make_id_keys(e, p, ret, &ks);
	make_text_key(e, ret, &ks);
	make_shingles(e);
	ret->simhash = simhash_features(e->sh64, e->n_sh64);
	return RP_OK;
}

rp_err cluster_engine_add(struct cluster_engine *e, const struct post *p,
                          struct cluster_assign *ret)
{
	if (!p->id || !*p->id)
		return RP_ERR_INPUT;
	struct cluster_assign a;
	memset(&a, 0, sizeof a);

	int64_t t = p->published ? p->published : e->watermark;
	if (t > e->watermark)
		e->watermark = t;
	e->now = t;

	/* This very post again? */
	uint64_t id_hash = hash64_str(p->id);
	map_prefetch(&e->ids, id_hash);
	struct keyset ks;
	make_id_keys(e, p, &a.keys, &ks);
	map_prefetch(&e->keys, ks.identity);
	if (ks.has_original)
		map_prefetch(&e->keys, ks.original);
	if (ks.has_url)
		map_prefetch(&e->keys, ks.url);
	uint32_t ri = rec_by_hash(e, p->id, id_hash);
	if (ri != NONE && !e->recs[ri].placeholder) {
		a.match = CLUSTER_MATCH_SAME;
		a.similarity = 1;
		fill_assign(e, ri, &a);
		*ret = a;
		return RP_OK;
	}

	/* 1: identity. A sighting of a known post needs no text work: its
	 * original holds the text key and fingerprint. */
	uint32_t hit = NONE;
	uint64_t fp = 0;
	if ((hit = lookup_key(e, ks.identity, true)) != NONE ||
	    (hit = lookup_key(e, ks.original, ks.has_original)) != NONE)
		a.match = CLUSTER_MATCH_IDENTITY;
	if (hit != NONE && hit == ri)
		hit = NONE;   /* a placeholder's own key cannot make it its own dup */
	size_t full_tok = 0, full_len = 0;
	if (hit == NONE) {
		normalise(e, p);
		mark_skip(e);
		/* Keys and shingles ignore trailing hashtags; topic terms keep them. */
		full_tok = e->tn.n_tok;
		full_len = e->tn.norm.len;
		textnorm_drop_tail_tags(&e->tn);
		make_text_key(e, &a.keys, &ks);
		if (ks.has_text)
			map_prefetch(&e->keys, ks.text);
		make_shingles(e);
		fp = simhash_features(e->sh64, e->n_sh64);
		a.keys.simhash = fp;
		e->tn.n_tok = full_tok;
		e->tn.norm.len = full_len;
		/* 2-3: URL, then text. */
		if ((hit = lookup_key(e, ks.url, ks.has_url)) != NONE)
			a.match = CLUSTER_MATCH_URL;
		else if ((hit = lookup_key(e, ks.text, ks.has_text)) != NONE)
			a.match = CLUSTER_MATCH_TEXT;
		if (hit != NONE && hit == ri)
			hit = NONE;
	}
	if (hit == NONE)
		a.match = CLUSTER_MATCH_NONE;
	a.similarity = hit != NONE ? 1 : 0;

	bool exact = hit != NONE;
	if (!exact) {
		make_terms(e, p);
		weigh_terms_counting(e, true);
		find_stories(e);

		/* 4: near-duplicates among simhash neighbours and the newest
		 * distinct members of the best stories; the nearest fingerprints
		 * are verified first, at most NEAR_VERIFY of them. */
		double best = 0;
		uint32_t best_r = NONE;
		e->cand = rp_grow(e->cand, sizeof *e->cand, MAX_CANDIDATES + NEAR_STORIES * STORY_RECENT,
		                  &e->cap_cand);
		e->cand_d = rp_grow(e->cand_d, sizeof *e->cand_d,
		                    MAX_CANDIDATES + NEAR_STORIES * STORY_RECENT, &e->cap_cand_d);
		size_t nc = 0;
		if (e->n_sh)
			nc = simhash_index_query(e->sim, fp, e->par.near_max_hamming, e->cand,
			                         e->cand_d, MAX_CANDIDATES);
		for (size_t i = 0; e->n_sh && i < e->n_sstories && i < NEAR_STORIES; i++) {
			const struct story *s = &e->stories[e->sstories[i]];
			size_t m = s->n_recent < STORY_RECENT ? s->n_recent : STORY_RECENT;
			for (size_t j = 0; j < m; j++) {
				unsigned d = simhash_distance(fp, s->recent_fp[j]);
				if (d > e->par.near_max_hamming)
					continue;
				size_t k = 0;
				while (k < nc && e->cand[k] != s->recent[j])
					k++;
				if (k == nc) {
					e->cand_d[nc] = d;
					e->cand[nc++] = s->recent[j];
				}
			}
		}
		/* Order by distance (few: selection), then verify the nearest
		 * NEAR_VERIFY. Their records and shingle sets lie anywhere in the
		 * engine's memory: all are fetched before any is read, so that the
		 * cache misses overlap rather than queue (waiting on them was a
		 * tenth of the engine's time, perf). */
		size_t nv = nc < NEAR_VERIFY ? nc : NEAR_VERIFY;
		for (size_t i = 0; i < nv; i++) {
			size_t m = i;
			for (size_t j = i + 1; j < nc; j++)
				if (e->cand_d[j] < e->cand_d[m])
					m = j;
			uint32_t x = e->cand[i];
			unsigned dm = e->cand_d[m];
			e->cand[i] = e->cand[m];
			e->cand[m] = x;
			e->cand_d[m] = e->cand_d[i];
			e->cand_d[i] = dm;
			__builtin_prefetch(&e->recs[e->cand[i]]);
		}
		for (size_t i = 0; i < nv; i++) {
			const struct rec *r = &e->recs[e->cand[i]];
			if (r->indexed)
				prefetch_span(r->sh, r->n_sh * sizeof *r->sh);
		}
		for (size_t i = 0; i < nv; i++) {
			const struct rec *r = &e->recs[e->cand[i]];
			if (!r->indexed || e->cand_d[i] > e->par.near_max_hamming)
				continue;
			e->near_checks++;
			double jac = jaccard(e->sh, e->n_sh, r->sh, r->n_sh);
			if (jac > best) {
				best = jac;
				best_r = e->cand[i];
			}
		}
		/* Two short reactions ("great talk!") are two voices, not a copy:
		 * a near-duplicate needs as many content words as a text key. */
		if (best_r != NONE && best >= e->par.near_min_jaccard &&
		    e->n_content >= e->par.text_key_min_tokens) {
			hit = best_r;
			a.match = CLUSTER_MATCH_NEAR;
			a.similarity = best;
		}
	}

	/* The record, its dup group and its story. */
	if (ri == NONE)
		ri = rec_new(e, p->id, id_hash, t);
	struct rec *r = &e->recs[ri];
	bool was_placeholder = r->placeholder;
	r->placeholder = false;
	r->t = t;
	r->simhash = fp;
	bool new_dup = false;
	if (was_placeholder && r->dup != NONE) {
		/* Restored before its content arrived: keep what Redis said. */
		a.match = CLUSTER_MATCH_RESTORED;
		exact = true;
	} else if (hit != NONE) {
		r->dup = e->recs[hit].dup;
		r->story = e->dups[r->dup].story;
	} else {
		new_dup = true;
		if (e->n_sstories > 0 &&
		    e->hot[e->sstories[0]].acc >= e->par.story_min_average) {
			r->story = e->sstories[0];
			a.similarity = e->hot[r->story].acc;
		} else {
			r->story = story_new(e, ri, id_hash, t);
			a.new_story = true;
			a.similarity = e->n_sstories > 0 ? e->hot[e->sstories[0]].acc : 0;
		}
		r->dup = dup_new(e, ri, id_hash, r->story);
	}
	e->dups[r->dup].n++;
	if (!exact)
		sum_add(e, r->story, 1);
	story_count(e, r->story, ri, r->dup, p, new_dup);

	register_key(e, ks.identity, true, ri);
	register_key(e, ks.original, ks.has_original, ri);
	register_key(e, ks.url, ks.has_url, ri);
	register_key(e, ks.text, ks.has_text, ri);
	if (!exact || a.match == CLUSTER_MATCH_NEAR)
		rec_index(e, ri, fp);   /* e->sh holds this post's shingles */

	if (--e->sweep_countdown == 0) {
		e->sweep_countdown = SWEEP_EVERY;
		cluster_engine_expire(e, e->watermark);
	}
	fill_assign(e, ri, &a);
	*ret = a;
	return RP_OK;
}

/* The record of id, whose hash64_str is h, a placeholder when never seen. */
static uint32_t rec_named(struct cluster_engine *e, const char *id, uint64_t h, int64_t t)
{
	uint32_t ri = rec_by_hash(e, id, h);
	if (ri == NONE) {
		ri = rec_new(e, id, h, t);
		e->recs[ri].placeholder = true;
	}
	return ri;
}

/* The story whose first post is id, made (headed by a placeholder when
 * the engine never saw id) when there is none. */
static uint32_t story_named(struct cluster_engine *e, const char *id, int64_t t)
{
	uint64_t idh = hash64_str(id);
	const uint32_t *v = map_find(&e->story_heads, idh);
	if (v && strcmp(e->recs[e->stories[*v].head].id, id) == 0)
		return *v;
	uint32_t h = rec_named(e, id, idh, t);
	uint32_t si = story_new(e, h, idh, t);
	if (e->recs[h].story == NONE)
		e->recs[h].story = si;
	return si;
}

/* The dup group whose first post is id, made when there is none. */
static uint32_t dup_named(struct cluster_engine *e, const char *id, uint32_t si, int64_t t)
{
	uint64_t idh = hash64_str(id);
	const uint32_t *v = map_find(&e->dup_heads, idh);
	if (v && strcmp(e->recs[e->dups[*v].head].id, id) == 0)
		return *v;
	uint32_t h = rec_named(e, id, idh, t);
	uint32_t di = dup_new(e, h, idh, si);
	if (e->recs[h].dup == NONE)
		e->recs[h].dup = di;
	if (e->recs[h].story == NONE)
		e->recs[h].story = si;
	return di;
}

rp_err cluster_engine_restore(struct cluster_engine *e, const struct post *p,
                              const char *dup, const char *story,
                              struct cluster_assign *ret)
{
	if (!p->id || !*p->id || !dup || !*dup || !story || !*story)
		return RP_ERR_INPUT;
	struct cluster_assign a;
	memset(&a, 0, sizeof a);
	a.match = CLUSTER_MATCH_RESTORED;
	a.similarity = 1;
	int64_t t = p->published ? p->published : e->watermark;
	if (t > e->watermark)
		e->watermark = t;

	normalise(e, p);
	mark_skip(e);
	size_t full_tok = e->tn.n_tok;
	size_t full_len = e->tn.norm.len;
	textnorm_drop_tail_tags(&e->tn);
	struct keyset ks;
	make_id_keys(e, p, &a.keys, &ks);
	make_text_key(e, &a.keys, &ks);
	make_shingles(e);
	uint64_t fp = simhash_features(e->sh64, e->n_sh64);
	a.keys.simhash = fp;
	e->tn.n_tok = full_tok;
	e->tn.norm.len = full_len;
	make_terms(e, p);

	uint32_t ri = rec_named(e, p->id, hash64_str(p->id), t);
	bool had_content = !e->recs[ri].placeholder;

	/* The story and the dup group, by the ids of their first posts. */
	uint32_t si = story_named(e, story, t);
	uint32_t di = dup_named(e, dup, si, t);
	e->dups[di].story = si;

	/* Move the post: counts and vector sum leave the old group and story
	 * (a placeholder was never counted) and join the new ones. */
	struct rec *r = &e->recs[ri];
	if (!had_content || r->dup != di) {
		if (had_content && r->dup != NONE && e->dups[r->dup].n > 0)
			e->dups[r->dup].n--;
		e->dups[di].n++;
	}
	bool join = !had_content || r->story != si;
	if (join)   /* the post's vector, counted in the IDF when new */
		weigh_terms_counting(e, !had_content);
	if (join && had_content && r->story != NONE) {
		struct story *os = &e->stories[r->story];
		if (os->n_posts > 0)
			os->n_posts--;
		sum_add(e, r->story, -1);
	}
	r->placeholder = false;
	r->t = t;
	r->simhash = fp;
	r->dup = di;
	r->story = si;
	if (join) {
		sum_add(e, si, 1);
		story_count(e, si, ri, di, p, e->dups[di].head == ri);
	}
	register_key(e, ks.identity, true, ri);
	register_key(e, ks.original, ks.has_original, ri);
	register_key(e, ks.url, ks.has_url, ri);
	register_key(e, ks.text, ks.has_text, ri);
	if (t >= e->watermark - e->par.dup_window_s)
		rec_index(e, ri, fp);
	fill_assign(e, ri, &a);
	if (ret)
		*ret = a;
	return RP_OK;
}

rp_err cluster_engine_story(const struct cluster_engine *e, const char *story_id,
                            struct cluster_story *ret)
{
	const uint32_t *v = map_find(&e->story_heads, hash64_str(story_id));
	if (!v || strcmp(e->recs[e->stories[*v].head].id, story_id) != 0)
		return RP_ERR_NOTFOUND;
	const struct story *s = &e->stories[*v];
	struct cluster_story cs;
	cs.id = e->recs[s->head].id;
	cs.representative = s->rep != NONE ? e->recs[e->dups[s->rep].head].id : cs.id;
	cs.n_posts = s->n_posts;
	cs.n_dups = s->n_dups;
	cs.n_authors = s->authors.n;
	cs.n_sources = s->sources.n;
	cs.first = s->first;
	cs.last = s->last;
	*ret = cs;
	return RP_OK;
}

double cluster_story_score(const struct cluster_story *s, int64_t now, double half_life_s)
{
	/* Independent voices count most; repeats of one voice count little. */
	double voices = 1.0 * log1p((double)s->n_authors) + 1.5 * log1p((double)s->n_sources) +
	                0.5 * log1p((double)s->n_dups) + 0.25 * log1p((double)s->n_posts);
	double age = (double)(now - s->last);
	if (age < 0)
		age = 0;
	double decay = half_life_s > 0 ? exp2(-age / half_life_s) : 1;
	return voices * decay;
}

void cluster_engine_stats(const struct cluster_engine *e, struct cluster_stats *ret)
{
	struct cluster_stats st;
	st.posts = 0;
	for (size_t i = 0; i < e->n_recs; i++)
		if (!e->recs[i].placeholder)
			st.posts++;
	st.dups = e->n_dups;
	st.stories = e->n_stories;
	st.live_stories = e->n_live;
	st.near_checks = e->near_checks;
	*ret = st;
}
