/* fetchers/xml_fast.h - a strict tokenizer for ordinary well-formed XML.
 *
 * Most feeds are plain, well-formed UTF-8 XML, and for them libxml2's
 * generality (encodings, DTDs, recovery, its push buffers) was more than
 * half the cost of a parse. xml_fast_parse reads exactly such documents
 * and drives the same SAX2 callbacks feed_xml.c gives libxml2, with
 * libxml2's argument layout and libxml2's values, byte for byte: names
 * interned (one pointer per name for the whole parse), namespaces
 * resolved, attribute values normalised and with `&` given as `&#38;`
 * (what libxml2 hands out without entity substitution), text with its
 * line ends normalised and references decoded, CDATA as written.
 *
 * It reads the whole document once without calling anything, and goes
 * on only when every byte is inside the subset below; otherwise it
 * declines, having called nothing, and the caller runs libxml2. Entries
 * are streamed out as they end, so a parse cannot be taken back
 * half-way: the check comes first. The subset, a strict part of XML 1.0
 * with Namespaces (anything else declines):
 *   - an optional declaration <?xml version="1.0" [encoding] [standalone]?>
 *     at the very start (the encoding is ignored: the text is UTF-8
 *     already, as libxml2 is told with XML_PARSE_IGNORE_ENC);
 *   - no DOCTYPE; comments and processing instructions (target not
 *     `xml...`, no ':') where XML allows them, skipped;
 *   - one root element, only white space, comments and PIs around it;
 *   - ASCII names, at most one ':' (prefix and local part);
 *   - attributes quoted, no '<' in a value, each expanded name once;
 *     xmlns and xmlns:p declare namespaces (values that libxml2 takes
 *     without complaint: no `&` or white space controls, not empty for a
 *     prefix, a URI it parses, not the xml or xmlns namespaces), every
 *     prefix bound (xml: implicitly);
 *   - references: the five predefined entities and character references
 *     to XML characters; no `]]>` in text;
 *   - no control character but TAB, LF and CR, no U+FFFE or U+FFFF;
 *   - within the limits at the top of xml_fast.c, below libxml2's own.
 *
 * Memory: the tokenizer owns its name table and buffers for one call.
 * Names and namespace URIs handed to callbacks stay valid until
 * xml_fast_parse returns; attribute values and text only until the
 * callback returns. The input is only read. */
#ifndef RP_XML_FAST_H
#define RP_XML_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>

/* Parse s[0..n), valid UTF-8 (as core/utf8.c means it) or, when
 * check_utf8, bytes not yet validated (then it declines those that are
 * not: what it reads is valid UTF-8, as utf8_is_valid judges), calling
 * sax->startElementNs (nb_defaulted always 0), endElementNs, characters
 * and cdataBlock with ctx. Returns false, having called nothing, when
 * the document is outside the subset; *ret_why (when not NULL) then
 * names the first reason, a static string. Returns true when the
 * document was read: to its end, or until *stop was true after a
 * callback. */
bool xml_fast_parse(const char *s, size_t n, bool check_utf8, const xmlSAXHandler *sax,
                    void *ctx, const bool *stop, const char **ret_why);

#endif
