/* tagger/mine.c - counting unknown hashtags and ranking them (see mine.h). */
#include "tagger/mine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "tagger/casing.h"
#include "tagger/ontology-impl.h"
#include "tagger/strmap.h"

struct casing {
	char *form;
	uint32_t n;
};

struct co {
	uint32_t who;   /* concept index + 1 */
	uint32_t n;
};

struct tag_stat {
	uint32_t uses, with_event;
	int64_t first, last;
	struct casing casings[MINE_MAX_CASINGS];
	size_t n_casings;
	uint64_t *authors;      /* open-addressing set of author hashes; 0 empty */
	size_t author_mask, n_authors;
	struct co co[MINE_MAX_CONCEPTS];
	size_t n_co;
};

struct miner {
	const struct ontology *o;
	struct strmap keys;       /* folded tag -> index in stats */
	struct tag_stat *stats;
	size_t n_stats, cap_stats;
	struct buf fold;
};

const char *mine_verdict_name(enum mine_verdict v)
{
	switch (v) {
	case MINE_ALIAS_OF_EVENT: return "alias-of-event";
	case MINE_NEAR_CONCEPT: return "near-concept";
	case MINE_UNPLACED: return "unplaced";
	}
	return "?";
}

struct miner *miner_new(const struct ontology *o)
{
	struct miner *m = rp_calloc(1, sizeof *m);
	m->o = o;
	strmap_init(&m->keys);
	return m;
}

void miner_free(struct miner *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_stats; i++) {
		for (size_t j = 0; j < m->stats[i].n_casings; j++)
			rp_free(m->stats[i].casings[j].form);
		rp_free(m->stats[i].authors);
	}
	rp_free(m->stats);
	strmap_done(&m->keys);
	buf_done(&m->fold);
	rp_free(m);
}

static void add_author(struct tag_stat *st, const char *author)
{
	if (st->n_authors >= MINE_MAX_AUTHORS)
		return;
	uint64_t h = hash64(author, strlen(author));
	if (!h)
		h = 1;
	if (!st->authors || (st->n_authors + 1) * 2 > st->author_mask + 1) {
		size_t ncap = st->authors ? (st->author_mask + 1) * 2 : 8;
		uint64_t *old = st->authors;
		size_t oldn = st->authors ? st->author_mask + 1 : 0;
		st->authors = rp_calloc(ncap, sizeof *st->authors);
		st->author_mask = ncap - 1;
		for (size_t i = 0; i < oldn; i++) {
			if (!old[i])
				continue;
			size_t j = (size_t)old[i] & st->author_mask;
			while (st->authors[j])
				j = (j + 1) & st->author_mask;
			st->authors[j] = old[i];
		}
		rp_free(old);
	}
	size_t j = (size_t)h & st->author_mask;
	while (st->authors[j]) {
		if (st->authors[j] == h)
			return;
		j = (j + 1) & st->author_mask;
	}
	st->authors[j] = h;
	st->n_authors++;
}

static void add_co(struct miner *m, struct tag_stat *st, const char *id)
{
	const struct concept *c = ontology_find(m->o, id);
	if (!c)
		return;
	uint32_t who = (uint32_t)c->index + 1;
	for (size_t i = 0; i < st->n_co; i++)
		if (st->co[i].who == who) {
			st->co[i].n++;
			return;
		}
	if (st->n_co < MINE_MAX_CONCEPTS)
		st->co[st->n_co++] = (struct co){ who, 1 };
}

static void add_casing(struct tag_stat *st, const char *form, size_t len)
{
	for (size_t i = 0; i < st->n_casings; i++)
		if (strlen(st->casings[i].form) == len && memcmp(st->casings[i].form, form, len) == 0) {
			st->casings[i].n++;
			return;
		}
	if (st->n_casings < MINE_MAX_CASINGS)
		st->casings[st->n_casings++] = (struct casing){ rp_strndup(form, len), 1 };
}

void miner_add(struct miner *m, const struct post *p, const struct match_why *why)
{
	for (size_t t = 0; t < why->n_tags; t++) {
		const struct match_tag *mt = &why->tags[t];
		if (mt->concept)
			continue;
		buf_reset(&m->fold);
		utf8_fold(&m->fold, mt->display, mt->display_len);
		uint32_t idx = strmap_get(&m->keys, buf_str(&m->fold), m->fold.len);
		if (idx == STRMAP_NONE) {
			if (m->n_stats >= MINE_MAX_TAGS)
				continue;
			m->stats = rp_grow(m->stats, sizeof *m->stats, m->n_stats + 1, &m->cap_stats);
			idx = (uint32_t)m->n_stats++;
			memset(&m->stats[idx], 0, sizeof m->stats[idx]);
			strmap_put(&m->keys, buf_str(&m->fold), m->fold.len, idx);
		}
		struct tag_stat *st = &m->stats[idx];
		st->uses++;
		if (p->in_event)
			st->with_event++;
		if (p->published) {
			if (!st->first || p->published < st->first)
				st->first = p->published;
			if (p->published > st->last)
				st->last = p->published;
		}
		add_casing(st, mt->display, mt->display_len);
		if (p->author)
			add_author(st, p->author);
		for (size_t i = 0; i < p->themes.n; i++)
			add_co(m, st, p->themes.v[i]);
		for (size_t i = 0; i < p->sessions.n; i++)
			add_co(m, st, p->sessions.v[i]);
	}
}

/* Named like the event: shares a first syllable with an event tag
 * (#igfbaku beside #igf2012) or holds a word of the event's name (#baku,
 * #bakuforum for "Internet Governance Forum 2012, Baku"). */
static bool like_event_tag(const struct ontology *o, const char *key)
{
	bool like = false;
	struct buf f = {0};
	const struct strv *lists[] = { &o->event.hashtags, &o->event.aliases };
	for (size_t l = 0; l < 2 && !like; l++)
		for (size_t i = 0; i < lists[l]->n && !like; i++) {
			buf_reset(&f);
			utf8_fold(&f, lists[l]->v[i], strlen(lists[l]->v[i]));
			size_t k = 0;
			while (key[k] && key[k] == f.data[k])
				k++;
			like = k >= 3;
		}
	for (size_t i = 0; i < o->event.n_labels && !like; i++) {
		buf_reset(&f);
		utf8_fold(&f, o->event.labels[i].text, strlen(o->event.labels[i].text));
		char *save = NULL;
		for (char *t = strtok_r(f.data, " ,.;:()-", &save); t && !like;
		     t = strtok_r(NULL, " ,.;:()-", &save))
			like = strlen(t) >= 4 && strspn(t, "0123456789") != strlen(t) && strstr(key, t);
	}
	buf_done(&f);
	return like;
}

static void suggestion_done(struct mine_suggestion *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rp_free(v[i].tag);
		rp_free(v[i].key);
		rp_free(v[i].text);
	}
}

static int by_score(const void *a, const void *b)
{
	const struct mine_suggestion *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void day(int64_t t, char out[11])
{
	char d[DATE_ISO_LEN];
	date_format(t, d);
	memcpy(out, d, 10);
	out[10] = '\0';
}

void mine_judge(const struct ontology *o, const struct mine_counts *in,
                struct mine_suggestion *out)
{
	/* the co-occurring concept: most posts; a session before its theme */
	const struct mine_co *best = NULL;
	for (size_t j = 0; j < in->n_co; j++) {
		const struct mine_co *c = &in->co[j];
		if (!best || c->n > best->n ||
		    (c->n == best->n && c->concept->kind == CONCEPT_SESSION))
			best = c;
	}
	uint32_t uses = in->uses ? in->uses : 1;
	double event_share = (double)in->with_event / uses;
	double share = best ? (double)best->n / uses : 0;
	bool similar = like_event_tag(o, in->key);

	struct mine_suggestion s = {0};
	s.tag = rp_strdup(in->tag);
	s.key = rp_strdup(in->key);
	s.uses = in->uses;
	s.authors = in->authors;
	s.with_event = in->with_event;
	s.first = in->first;
	s.last = in->last;
	if (similar && event_share >= 0.5) {
		s.verdict = MINE_ALIAS_OF_EVENT;
		s.concept = &o->event;
		s.with_concept = in->with_event;
	} else if (best && share >= 0.4) {
		s.verdict = MINE_NEAR_CONCEPT;
		s.concept = best->concept;
		s.with_concept = best->n;
	} else {
		s.verdict = MINE_UNPLACED;
		s.concept = &o->event;
		s.with_concept = in->with_event;
	}
	double fit = s.verdict == MINE_NEAR_CONCEPT ? share : event_share;
	s.score = log2(1.0 + s.authors) * log2(1.0 + s.uses) * (0.25 + fit) +
	          (similar && s.verdict == MINE_ALIAS_OF_EVENT ? 1.0 : 0.0);

	struct buf t = {0};
	if (s.verdict == MINE_ALIAS_OF_EVENT)
		buf_printf(&t, "#%s looks like an alias of the event (%s)", s.tag,
		           concept_label(s.concept, NULL));
	else if (s.verdict == MINE_NEAR_CONCEPT)
		buf_printf(&t, "#%s belongs near %s (%s %s)", s.tag, concept_label(s.concept, NULL),
		           concept_kind_name(s.concept->kind), s.concept->id);
	else
		buf_printf(&t, "#%s is used about the event, with no theme in particular", s.tag);
	buf_printf(&t, ": %u post%s by %u author%s, %.0f%% in the event", s.uses,
	           s.uses == 1 ? "" : "s", s.authors, s.authors == 1 ? "" : "s",
	           100.0 * event_share);
	if (s.verdict == MINE_NEAR_CONCEPT)
		buf_printf(&t, ", %.0f%% with %s", 100.0 * share, s.concept->id);
	if (s.first) {
		char a[11], b[11];
		day(s.first, a);
		day(s.last, b);
		buf_printf(&t, ", seen %s to %s", a, b);
	}
	s.text = buf_detach(&t);
	*out = s;
}

void mine_sort(struct mine_suggestion *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof *v, by_score);
}

size_t miner_suggest(const struct miner *m, uint32_t min_uses, size_t max,
                     struct mine_suggestion **ret)
{
	struct mine_suggestion *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i <= m->keys.mask && m->keys.slots; i++) {
		size_t klen;
		uint32_t idx;
		const char *key = strmap_slot_key(&m->keys, i, &klen, &idx);
		if (!key)
			continue;
		const struct tag_stat *st = &m->stats[idx];
		if (st->uses < min_uses || st->uses == 0)
			continue;
		/* the most used casing (tagger/casing.h: capitals, then the
		 * first seen, on a tie; casings are in the order first seen) */
		const struct casing *best_case = &st->casings[0];
		for (size_t j = 1; j < st->n_casings; j++)
			if (casing_prefer(st->casings[j].n, st->casings[j].form,
			                  strlen(st->casings[j].form), best_case->n, best_case->form,
			                  strlen(best_case->form)))
				best_case = &st->casings[j];
		struct mine_co co[MINE_MAX_CONCEPTS];
		for (size_t j = 0; j < st->n_co; j++)
			co[j] = (struct mine_co){ m->o->all[st->co[j].who - 1], st->co[j].n };
		struct mine_counts in = { best_case->form, key, st->uses, (uint32_t)st->n_authors,
		                          st->with_event, st->first, st->last, co, st->n_co };
		v = rp_grow(v, sizeof *v, n + 1, &cap);
		mine_judge(m->o, &in, &v[n++]);
	}
	mine_sort(v, n);
	if (n > max) {
		suggestion_done(v + max, n - max);
		n = max;
	}
	*ret = v;
	return n;
}

void mine_suggestions_free(struct mine_suggestion *v, size_t n)
{
	suggestion_done(v, n);
	rp_free(v);
}
