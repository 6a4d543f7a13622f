/* tagger/casing.h - how to show a hashtag that is not in the ontology:
 * its most used spelling.
 *
 * Matching compares folded forms (#IGF2012, #igf2012 and the full-width
 * forms are one tag), but a tag is shown as people write it. For a tag the
 * curators have not labelled, that is the spelling most posts use; on a
 * tie, one with capitals (CamelCase, #NetNeutrality, lets a screen reader
 * say the words), a mixed-case one before an all-capitals one, then the
 * first seen. casing_prefer is that rule, shared by `rapporteur tag`, the
 * miner (tagger/mine.h) and Redis's discovery (store/curation.h).
 *
 * A casing table counts spellings per folded form in memory. The caller
 * owns it (casings_new/casings_free); it owns copies of every spelling.
 * Owned by the tagger engineers. */
#ifndef RP_TAGGER_CASING_H
#define RP_TAGGER_CASING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CASINGS_MAX_TAGS      200000 /* folded forms counted; later new ones are not */
#define CASINGS_MAX_SPELLINGS 8      /* spellings counted per folded form */

/* 2: mixed case (has an upper- and a lowercase letter: CamelCase), 1:
 * capitals only, 0: no capital. s is n bytes of UTF-8. */
int casing_class(const char *s, size_t n);

/* True when spelling a (used na times) should be shown rather than b
 * (used nb times): more uses; on a tie a higher casing_class. When
 * neither is preferred, the caller shows the first seen. */
bool casing_prefer(uint64_t na, const char *a, size_t la, uint64_t nb, const char *b, size_t lb);

struct casings;

struct casings *casings_new(void);
void casings_free(struct casings *c);   /* NULL is a no-op */
/* Count one use of spelling s (n bytes, without '#') and return the
 * spelling to show for its folded form now (as casings_best; s itself
 * when the table is full). */
const char *casings_add(struct casings *c, const char *s, size_t n, size_t *ret_len);
/* The spelling to show for s's folded form (casing_prefer over what was
 * counted, the first seen on a full tie), *ret_len its length; NULL when
 * the form was never counted. Lent until the table changes. */
const char *casings_best(struct casings *c, const char *s, size_t n, size_t *ret_len);

#endif
