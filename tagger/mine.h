/* tagger/mine.h - discovering the hashtags people use beside the agreed
 * ones.
 *
 * A miner is fed matched posts (after matcher_match with a why) and
 * counts, for every hashtag not in the ontology: uses, distinct authors,
 * first and last seen, its casings (the most used one is shown: CamelCase
 * helps screen readers), and how often it appears together with the event
 * and with each theme or session. miner_suggest ranks them and says what
 * each looks like - "#igfbaku looks like an alias of the event",
 * "#netneutrality belongs near Security, Openness and Privacy" - with the
 * evidence. Memory grows with the number of distinct unknown tags (each
 * capped: MINE_MAX_AUTHORS distinct authors counted exactly, beyond that
 * estimated from hashes). The caller owns the miner; it lends from the
 * ontology, which must outlive it. Owned by the tagger engineers. */
#ifndef RP_TAGGER_MINE_H
#define RP_TAGGER_MINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "tagger/match.h"
#include "tagger/ontology.h"

#define MINE_MAX_TAGS     100000  /* distinct unknown tags tracked; later new ones are dropped */
#define MINE_MAX_AUTHORS  4096    /* distinct authors remembered per tag */
#define MINE_MAX_CASINGS  8       /* spellings counted per tag */
#define MINE_MAX_CONCEPTS 16      /* co-occurring concepts counted per tag */

enum mine_verdict {
	MINE_ALIAS_OF_EVENT,   /* used like the event's own tag */
	MINE_NEAR_CONCEPT,     /* mostly with one theme or session */
	MINE_UNPLACED,         /* used with the event, but with no concept in particular */
};

struct mine_suggestion {
	char *tag;                      /* display form: the most used casing; owned */
	char *key;                      /* utf8_fold form; owned */
	enum mine_verdict verdict;
	const struct concept *concept;  /* MINE_NEAR_CONCEPT: the concept; else the event */
	uint32_t uses;                  /* posts that carry it */
	uint32_t authors;               /* distinct authors */
	uint32_t with_event;            /* posts that are in the event */
	uint32_t with_concept;          /* posts also matched to concept */
	int64_t first, last;            /* published times, UTC; 0 when no post had one */
	double score;                   /* the ranking: higher first */
	char *text;                     /* the sentence and its evidence, in English; owned */
};

/* The counts of one tag, however they were gathered (a miner in memory,
 * or Redis counters: store/curation.h curation_discovered). */
struct mine_co {
	const struct concept *concept;  /* a theme or session */
	uint32_t n;                     /* posts with the tag and this concept */
};

struct mine_counts {
	const char *tag;                /* the most used casing */
	const char *key;                /* utf8_fold form */
	uint32_t uses, authors, with_event;
	int64_t first, last;
	const struct mine_co *co;       /* n_co co-occurring concepts */
	size_t n_co;
};

/* Judge one tag from its counts: verdict, concept, score and the sentence
 * with its evidence. *out is filled (strings owned by it; free with
 * mine_suggestions_free on the array). */
void mine_judge(const struct ontology *o, const struct mine_counts *in,
                struct mine_suggestion *out);
/* Sort suggestions best first (by score, then key). */
void mine_sort(struct mine_suggestion *v, size_t n);

struct miner;

struct miner *miner_new(const struct ontology *o);
void miner_free(struct miner *m);
/* Count the post's tags that are not in the ontology (why->tags with no
 * concept), with p's author, time, event membership, themes and sessions. */
void miner_add(struct miner *m, const struct post *p, const struct match_why *why);
/* The suggestions for tags used in at least min_uses posts, best first,
 * at most max. *ret is an array owned by the caller (mine_suggestions_free). */
size_t miner_suggest(const struct miner *m, uint32_t min_uses, size_t max,
                     struct mine_suggestion **ret);
void mine_suggestions_free(struct mine_suggestion *v, size_t n);
const char *mine_verdict_name(enum mine_verdict v);   /* "alias-of-event", ... */

#endif
