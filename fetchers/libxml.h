/* fetchers/libxml.h - libxml2, opened with dlopen the first time a
 * document needs it.
 *
 * Most feeds are read by xml_fast.c without libxml2, and loading it
 * (it brings ICU and libstdc++) was most of the start-up of a
 * `rapporteur parse` process. So the binary does not link it: the few
 * functions feed_xml.c calls are looked up here, once per process, on
 * the first document the fast path declines. Types and struct fields
 * still come from libxml2's headers, whose layout is fixed at compile
 * time for the soname loaded (ABI 2).
 *
 * The table is loaded once and never freed: the library stays mapped
 * for the life of the process. Not for use outside fetchers/. */
#ifndef RP_LIBXML_H
#define RP_LIBXML_H

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

/* libxml2's functions; each field has the header's own prototype
 * (__typeof__), so a mismatch does not compile. */
struct libxml {
	__typeof__(xmlInitParser) *init_parser;
	__typeof__(xmlSetExternalEntityLoader) *set_external_entity_loader;
	__typeof__(xmlCreatePushParserCtxt) *create_push_parser_ctxt;
	__typeof__(xmlCtxtUseOptions) *ctxt_use_options;
	__typeof__(xmlSwitchEncoding) *switch_encoding;
	__typeof__(xmlParseChunk) *parse_chunk;
	__typeof__(xmlStopParser) *stop_parser;
	__typeof__(xmlFreeDoc) *free_doc;
	__typeof__(xmlFreeParserCtxt) *free_parser_ctxt;
	__typeof__(xmlGetDocEntity) *get_doc_entity;
	__typeof__(xmlGetPredefinedEntity) *get_predefined_entity;
	__typeof__(xmlSAX2StartDocument) *sax2_start_document;
	__typeof__(xmlSAX2InternalSubset) *sax2_internal_subset;
	__typeof__(xmlSAX2EntityDecl) *sax2_entity_decl;
};

/* libxml2, loaded and initialised (xmlInitParser; an external entity
 * loader that refuses everything) at the first call, thread-safe; the
 * same table on every later call. NULL when it cannot be loaded: then
 * *ret_why (when not NULL) says why, naming the library, in static
 * storage. The environment variable RAPPORTEUR_LIBXML2, read at the
 * first call, names the file to open in place of the system's (tests
 * point it at a missing file). */
const struct libxml *libxml_load(const char **ret_why);

#endif
