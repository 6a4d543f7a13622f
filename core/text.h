/* core/text.h - feed text normalisation (FEED_SCHEMA.md section 4).
 *
 * text_plain collapses whitespace; text_from_html reduces an HTML fragment
 * to plain text (comments, script/style/applet content and tags removed,
 * block tags become spaces, character references decoded). Both append to
 * a caller-owned buf. Input should be valid UTF-8; output is valid UTF-8
 * when the input is. */
#ifndef RP_TEXT_H
#define RP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* plain(): every run of U+0009-000D, U+0020, U+00A0 becomes one U+0020;
 * both ends trimmed. */
void text_plain(struct buf *out, const char *s, size_t n);

/* html_to_text() of FEED_SCHEMA.md section 4, steps 1-6. */
void text_from_html(struct buf *out, const char *s, size_t n);

/* Decode the character reference starting at s[0] == '&' (n bytes
 * available). On success append the UTF-8 text to out and return the bytes
 * consumed (including ';'); 0 when it is not a complete reference (then
 * nothing is appended). Semicolon required; &#128..&#159 read as
 * Windows-1252; invalid code points give U+FFFD. */
size_t text_decode_entity(struct buf *out, const char *s, size_t n);

/* The code point of an HTML 4.01 named entity (plus apos), name without
 * '&' and ';'; -1 when unknown. */
int32_t text_entity_lookup(const char *name, size_t len);

#endif
