/* store/textnorm.h - the dedupe normal form of a post's text, as tokens.
 *
 * Folds (core/utf8.h utf8_fold: NFKC + case folding), then cuts the text
 * into word tokens: runs of letters and digits. URLs are taken out (and
 * kept aside, so outbound links written only in the text still count),
 * @mentions and a leading "RT @x:" are dropped, the '#' of a hashtag is
 * dropped and its word kept, punctuation separates words. Scripts written
 * without spaces (Han, kana, Thai) give overlapping character bigrams, so
 * the same measures work on them. The caller owns the struct
 * (textnorm_init/textnorm_done); it is reused across posts to keep its
 * allocations. */
#ifndef RP_STORE_TEXTNORM_H
#define RP_STORE_TEXTNORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/strv.h"

/* A post's text is cut at this many tokens: enough for any dedupe or
 * topic decision, and a bound on the work per post. */
#define TEXTNORM_MAX_TOKENS 4096

enum textnorm_flag {
	TEXTNORM_TAG = 1,        /* the token was a hashtag */
};

struct textnorm_tok {
	uint64_t hash;           /* hash64 of the token's folded bytes */
	uint32_t off;            /* byte offset of the token in textnorm.norm */
	uint32_t len;            /* bytes */
	uint32_t flags;          /* enum textnorm_flag bits */
};

struct textnorm {
	struct buf norm;          /* the tokens joined by one space: the normal form */
	struct textnorm_tok *tok; /* n_tok tokens in text order */
	size_t n_tok;
	size_t cap_tok;
	struct strv urls;         /* URLs found in the text, as written */
	struct buf fold;          /* scratch: the folded text */
};

void textnorm_init(struct textnorm *t);
void textnorm_done(struct textnorm *t);
/* Empty t (keeps the allocations). */
void textnorm_reset(struct textnorm *t);
/* Append the tokens of s (n bytes, UTF-8; invalid bytes are repaired) to
 * t. Calling it twice (title, then text) separates the two by a word
 * boundary. */
void textnorm_add(struct textnorm *t, const char *s, size_t n);
/* Drop the hashtags that end the text after its last plain word (the
 * decoration that cross-posts add or drop); nothing when every token is
 * a hashtag. */
void textnorm_drop_tail_tags(struct textnorm *t);

#endif
