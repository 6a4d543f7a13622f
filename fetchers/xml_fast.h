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
 * It reads the document once, checking each construct before handing it
 * on: a start tag is called once the whole tag (names, attributes,
 * namespaces) is known to be in the subset, a text run once the whole
 * run is. So a construct outside the subset may be found after
 * callbacks were made (an undeclared entity in the tenth entry): the
 * parse then declines LATE, and the caller, which has had the first
 * elements already, reads the document again its other way (feed_xml.c
 * says why that reading begins with the same callbacks, and how entries
 * already handed out are not handed out twice). A first pass that only
 * checked, so that nothing was ever taken back, cost a fifth of the
 * parse of every document; a late decline costs a reading of a prefix,
 * and only documents that libxml2 reads anyway pay it.
 *
 * The subset, a strict part of XML 1.0 with Namespaces (anything else
 * declines):
 *   - an optional declaration <?xml version="1.0" [encoding] [standalone]?>
 *     at the very start (the encoding is ignored: the text is UTF-8
 *     already, as libxml2 is told with XML_PARSE_IGNORE_ENC);
 *   - no DOCTYPE; comments and processing instructions (target not
 *     `xml...`, no ':') where XML allows them, skipped;
 *   - one root element, only white space, comments and PIs around it;
 *   - ASCII names, at most one ':' (prefix and local part);
 *   - no HTML void element (br, hr, img, input, wbr, BR, HR, IMG) but
 *     written empty (`<br/>`): feed_repair.c turns `<br>` into `<br/>`
 *     when the document never closes it, which would change bytes the
 *     callbacks were already given before the late decline at the end
 *     tag that does not match;
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

enum xml_fast_result {
	XML_FAST_READ,          /* read: to its end, or until *stop (then checked to its end) */
	XML_FAST_DECLINED,      /* outside the subset, found before any callback */
	XML_FAST_DECLINED_LATE, /* outside the subset, found after callbacks were made */
};

/* Parse s[0..n), valid UTF-8 as core/utf8.c means it (the caller checks
 * first: bytes that are not must be read in another encoding, and that
 * has to be known before any callback), calling sax->startElementNs
 * (nb_defaulted always 0), endElementNs, characters and cdataBlock with
 * ctx. When *stop is true after a callback, nothing more is called but
 * the rest is still checked, so the verdict depends on the bytes only.
 * On a decline *ret_why (when not NULL) names the reason, a static
 * string. After XML_FAST_DECLINED_LATE the callbacks made are the first
 * ones libxml2 makes for the same bytes, and the rest of the document is
 * still to be read some other way: the caller knows from its own
 * callbacks how far it got (feed_xml.c counts the entries it handed
 * out).
 *
 * reached (when not NULL): just before each endElementNs call, *reached
 * is set to the byte after the end tag (or the `/>`) that closes the
 * element, a pointer into s: how far the reading has got, for a caller
 * that reports progress (feed_xml.c, after each entry). One store per
 * end tag, where an accessor would need a handle the callbacks do not
 * have. */
enum xml_fast_result xml_fast_parse(const char *s, size_t n, const xmlSAXHandler *sax, void *ctx,
                                    const bool *stop, const char **reached, const char **ret_why);

#endif
