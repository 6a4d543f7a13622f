/* tagger/hashtag.h - finding hashtags in plain text, as Mastodon and
 * Bluesky do.
 *
 * A hashtag is '#' (or the full-width U+FF03) followed by letters, digits
 * and underscores (Unicode: letters include combining marks), with at
 * least one character that is not a digit (so "#1" is not a tag). The '#'
 * must start the text or follow a character that is not part of a word
 * and not '/' or ')' (Mastodon's rule), and text inside a URL is never
 * searched ("https://x.org/a#b"). Nothing here allocates. Owned by the
 * tagger engineers. */
#ifndef RP_TAGGER_HASHTAG_H
#define RP_TAGGER_HASHTAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashtag_span {
	size_t off;   /* byte offset of the tag's first character, after the '#' */
	size_t len;   /* bytes of the tag, without the '#'; <= RP_TAG_MAX_BYTES */
};

/* Find up to max hashtags in s (n bytes of UTF-8; invalid bytes end
 * words). Writes their spans in text order to out and returns how many
 * were written. Longer tags than RP_TAG_MAX_BYTES are skipped. */
size_t hashtag_extract(const char *s, size_t n, struct hashtag_span *out, size_t max);

/* True when s (n bytes) is a whole valid hashtag body (no '#'): non-empty,
 * only word characters, not all digits, at most RP_TAG_MAX_BYTES. */
bool hashtag_is_valid(const char *s, size_t n);

/* A word character of hashtags and keyword tokens: a letter or mark, a
 * decimal digit, or '_'. */
bool hashtag_is_word_cp(int32_t cp);

#endif
