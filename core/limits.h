/* core/limits.h - every limit that input can push against, by name.
 *
 * Each is enforced where the input is read; passing one gives RP_ERR_LIMIT
 * or a cut that is reported (feeds: bozo). Folders add their own limits
 * in their own headers only when the limit is theirs alone. */
#ifndef RP_LIMITS_H
#define RP_LIMITS_H

/* Feeds (fetchers/feed*.c) */
#define RP_FEED_MAX_BYTES        (64u * 1024 * 1024) /* one feed document, bytes, before parsing */
#define RP_FEED_MAX_DEPTH        256                 /* element nesting depth */
#define RP_FEED_MAX_ENTRIES      100000              /* entries kept per feed; the rest cut, bozo */
#define RP_FIELD_MAX_BYTES       (1u * 1024 * 1024)  /* one text field; longer is cut at a character */
#define RP_FEED_MAX_TAGS         256                 /* tags per entry */
#define RP_FEED_MAX_ENCLOSURES   64                  /* enclosures / media per entry */

/* Posts (core/post.c, posts.jsonl) */
#define RP_POST_MAX_LINE         (4u * 1024 * 1024)  /* one posts.jsonl line, bytes */
#define RP_POST_MAX_TAGS         64                  /* tags per post */
#define RP_POST_MAX_MEDIA        32                  /* media items per post */
#define RP_TAG_MAX_BYTES         140                 /* one hashtag, bytes, after normalisation */

/* URLs (core/url.c) */
#define RP_URL_MAX_BYTES         8192                /* longer URLs are refused */

/* JSON (jansson caps depth at 2048 itself) */
#define RP_JSON_MAX_DEPTH        2048

#endif
