/* tagger/suggest.h - cleaning what the public suggests.
 *
 * Anyone may suggest a tag for a post or an alias for a concept, so the
 * text arrives from strangers: it is stripped of control, bidi-override,
 * isolate and zero-width characters (utf8_is_forbidden_in_tag), trimmed,
 * a leading '#' dropped, compared in its folded (NFKC + case) form,
 * length-capped, and must then be a valid hashtag. Pure functions; the
 * caller owns every buf. The Redis side (rate limits, votes, the queue)
 * is store/curation.h. Owned by the tagger engineers. */
#ifndef RP_TAGGER_SUGGEST_H
#define RP_TAGGER_SUGGEST_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define SUGGEST_MAX_INPUT_BYTES 1024 /* longer input is refused before any work */
#define SUGGEST_MAX_NOTE_BYTES  500  /* a free-text note or reason, after cleaning */

/* Clean a suggested hashtag (n bytes, any bytes). On success appends the
 * display form (as typed, cleaned, without '#') to display and its
 * matching form (utf8_fold) to key. RP_ERR_INPUT (reason appended to err)
 * when nothing usable is left or it is not a hashtag; RP_ERR_LIMIT when
 * longer than RP_TAG_MAX_BYTES once cleaned or SUGGEST_MAX_INPUT_BYTES
 * raw. */
RP_MUST_CHECK rp_err suggest_clean_tag(const char *s, size_t n, struct buf *display,
                                       struct buf *key, struct buf *err);

/* Clean free text (a note, a reason, an account name): invalid UTF-8
 * repaired, forbidden characters dropped (newlines and tabs become
 * spaces), runs of spaces collapsed, trimmed, cut at max bytes on a
 * character boundary. Appends to out. */
void suggest_clean_text(const char *s, size_t n, size_t max, struct buf *out);

#endif
