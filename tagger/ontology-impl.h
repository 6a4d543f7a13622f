/* tagger/ontology-impl.h - the inside of struct ontology, for the tagger's
 * own files (ontology.c, match.c, export.c, mine.c) only. Everyone else
 * uses the functions of ontology.h. Owned by the tagger engineers. */
#ifndef RP_TAGGER_ONTOLOGY_IMPL_H
#define RP_TAGGER_ONTOLOGY_IMPL_H

#include "tagger/ontology.h"
#include "tagger/strmap.h"

struct ontology {
	char *path;                /* the file it was loaded from */
	char *lang;                /* default label language; "en" unless event.lang */
	char *timezone;            /* IANA name; NULL when not given */
	struct concept event;
	struct concept **themes;   /* n_themes, file order; lent from all */
	size_t n_themes, cap_themes;
	struct concept **all;      /* themes and sessions, owned; all[i]->index == i */
	size_t n_all, cap_all;
	struct strmap ids;         /* id -> index in all */
	/* folded tag -> owner code: (0 for the event, else index + 1) << 2 | how,
	 * how 0 hashtag, 1 alias, 2 hidden */
	struct strmap tags;
	struct strv blocked_tags;      /* as written, without '#' */
	struct strv blocked_accounts;  /* as written */
	struct strv trusted_sources;   /* source names/URLs, compared exactly */
	struct strmap blocked_tag_index;   /* folded blocked tags */
	struct strmap blocked_acct_index;  /* folded blocked accounts */
	uint64_t version;          /* bumped by every change after loading */
};

/* The concept an owner code of o->tags names. */
const struct concept *ontology_owner_of(const struct ontology *o, uint32_t code);
/* Append the folded form of tag (a leading '#' or U+FF03 dropped). */
void ontology_fold_tag(struct buf *out, const char *tag, size_t len);

#endif
