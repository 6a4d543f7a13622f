/* tagger/ontology.h - the agreed tag ontology of one event (tags.yaml).
 *
 * SKOS-shaped: the event is the top concept; themes are its narrower
 * concepts and sessions the narrower concepts of a theme. Each concept
 * has display labels per language, hashtags (preferred labels as tags),
 * aliases (alternative hashtags), hidden labels (misspellings matched but
 * never shown), keywords and phrases, and related concepts. A global
 * blocklist of tags and accounts, and a list of trusted sources, go with
 * the event. Ids are unique across themes and sessions; a hashtag belongs
 * to at most one concept (compared in their utf8_fold form).
 *
 * The ontology owns every concept and string in it; pointers returned
 * here are lent until the ontology changes (ontology_add_*, block) or is
 * freed. Loading is the tagger's (tagger/ontology.c); the matcher
 * (tagger/match.h), the store, the digest and the web read it; curation
 * (store/curation.h) changes it through the ontology_add_* functions.
 * Owned by the tagger engineers. */
#ifndef RP_TAGGER_ONTOLOGY_H
#define RP_TAGGER_ONTOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/strv.h"

#define ONTOLOGY_MAX_ID_BYTES      64     /* a concept id */
#define ONTOLOGY_MAX_KEYWORD_BYTES 256    /* one keyword or phrase, folded */
#define ONTOLOGY_MAX_CONCEPTS      100000 /* themes + sessions */

enum concept_kind {
	CONCEPT_EVENT,
	CONCEPT_THEME,
	CONCEPT_SESSION,
};

struct concept_label {
	char *lang;   /* BCP 47 language ("en", "ru", "az") */
	char *text;   /* the display label in that language */
};

struct concept {
	enum concept_kind kind;
	char *id;                     /* [a-z0-9][a-z0-9._-]*, unique in the ontology */
	struct concept_label *labels; /* n_labels >= 1 once loaded; labels[0] is the fallback */
	size_t n_labels;
	struct strv hashtags;  /* preferred hashtags as the curator wrote them, without '#' */
	struct strv aliases;   /* alternative hashtags, shown as written */
	struct strv hidden;    /* hidden labels: misspellings matched (as tag and word), never shown */
	struct strv keywords;  /* words and phrases matched on whole words in the text */
	struct strv related;   /* ids of related themes/sessions (SKOS related) */
	char *note;            /* scope note for curators; may be NULL */
	char *url;             /* programme page; may be NULL */
	char *room;            /* sessions: where; may be NULL */
	char *start_text;      /* start as written in tags.yaml (kept for export); may be NULL */
	char *end_text;        /* end as written; may be NULL */
	int64_t start, end;    /* UTC seconds since the epoch; 0 when not given */
	struct concept *parent;     /* a session's theme; NULL for themes and the event */
	struct concept **sessions;  /* a theme's sessions, in file order; lent */
	size_t n_sessions, cap_sessions;
	size_t index;          /* position in ontology_concept() order; event: SIZE_MAX */
	const char *default_lang; /* the ontology's default label language; lent */
	unsigned line, column; /* where tags.yaml defines it; 0 when curation added it */
};

struct ontology;

/* Load and validate tags.yaml at path. Every mistake is appended to err
 * as a line `PATH:LINE:COLUMN: what is wrong` (all of them, not only the
 * first; an unknown key names the nearest valid one). On success *ret is
 * the ontology, owned by the caller (ontology_free). RP_ERR_INPUT when
 * the file has mistakes, RP_ERR_IO when it cannot be read, RP_ERR_LIMIT
 * past a named limit. Session times without an offset are read in the
 * event's time zone (this briefly sets TZ: load before starting threads). */
RP_MUST_CHECK rp_err ontology_load(const char *path, struct ontology **ret, struct buf *err);

void ontology_free(struct ontology *o);

/* The event: id, labels, hashtags (the event tags), keywords. */
const struct concept *ontology_event(const struct ontology *o);
const char *ontology_event_id(const struct ontology *o);
const char *ontology_timezone(const struct ontology *o);   /* IANA name; may be NULL */
const char *ontology_lang(const struct ontology *o);       /* default label language */
/* s is a language tag as labels are keyed: 2-3 letters, then '-' and
 * 1-8 letters or digits per subtag ("en", "pt-BR", "zh-Hant-TW"). */
bool ontology_lang_valid(const char *s);

/* Themes in file order; each theme's sessions are in theme->sessions. */
size_t ontology_n_themes(const struct ontology *o);
const struct concept *ontology_theme(const struct ontology *o, size_t i);
/* All themes and sessions in file order (a theme, then its sessions). */
size_t ontology_n_concepts(const struct ontology *o);
const struct concept *ontology_concept(const struct ontology *o, size_t i);

/* The theme or session with this id, or NULL. */
const struct concept *ontology_find(const struct ontology *o, const char *id);
/* The concept (event, theme or session) that claims hashtag tag (with or
 * without '#', any case or width), or NULL. *how (may be NULL) is set to
 * "hashtag", "alias" or "hidden". */
const struct concept *ontology_tag_owner(const struct ontology *o, const char *tag,
                                         const char **how);

/* The display label of c in lang ("pt-BR" falls back to "pt"), then in
 * the ontology's default language, then the first label. Never NULL. */
const char *concept_label(const struct concept *c, const char *lang);
/* The hashtag shown for c: its first hashtag, else first alias; may be NULL. */
const char *concept_display_tag(const struct concept *c);
/* "event", "theme" or "session". */
const char *concept_kind_name(enum concept_kind kind);

/* The global blocklist and the trusted sources (posts from them belong to
 * the event without an event hashtag). Folded forms are what matches. */
const struct strv *ontology_blocked_tags(const struct ontology *o);
const struct strv *ontology_blocked_accounts(const struct ontology *o);
const struct strv *ontology_trusted_sources(const struct ontology *o);
bool ontology_tag_blocked(const struct ontology *o, const char *tag);
bool ontology_account_blocked(const struct ontology *o, const char *account);

/* Changes made by curation decisions. Each checks the same rules as
 * loading (valid tag, not claimed by another concept, unique id) and
 * returns RP_ERR_INPUT with the reason appended to err when one fails,
 * leaving the ontology unchanged; RP_ERR_NOTFOUND for an unknown id. */
RP_MUST_CHECK rp_err ontology_add_alias(struct ontology *o, const char *concept_id,
                                        const char *tag, struct buf *err);
RP_MUST_CHECK rp_err ontology_add_keyword(struct ontology *o, const char *concept_id,
                                          const char *keyword, struct buf *err);
/* A new theme (parent_id NULL) or session (parent_id a theme) with one
 * label in the default language and tag as its hashtag (may be NULL). */
RP_MUST_CHECK rp_err ontology_add_concept(struct ontology *o, const char *id,
                                          const char *label, const char *parent_id,
                                          const char *tag, struct buf *err);
/* Block a tag (it is then never matched nor shown; a concept's claim on it
 * is dropped) or an account (its posts match nothing). Idempotent. */
RP_MUST_CHECK rp_err ontology_block_tag(struct ontology *o, const char *tag, struct buf *err);
void ontology_block_account(struct ontology *o, const char *account);

/* Write o as tags.yaml text to out: the canonical layout, which
 * ontology_load reads back to the same ontology (tagger/export.c). */
void ontology_export(const struct ontology *o, struct buf *out);

/* A change counter: bumped by every ontology_add_* and block, so a
 * matcher can tell it was built from an older state. */
uint64_t ontology_version(const struct ontology *o);

#endif
