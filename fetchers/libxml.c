/* fetchers/libxml.c - libxml2, opened with dlopen the first time a
 * document needs it (see libxml.h for why).
 *
 * Measured 2026-11-26 (hyperfine): a program linking only libxml2 takes
 * 5.9 ms of CPU to start and an empty one 1.7 ms; with the fast path most
 * parses never call libxml2, so that cost now falls only on processes
 * that read a document the fast path declines. */
#include "fetchers/libxml.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/dl.h"

/* The soname of Debian's libxml2 (the library libxml2-dev builds
 * against); the unversioned name is a fallback for other systems. */
static const char *const libxml_sonames[] = { "libxml2.so.2", "libxml2.so" };

static struct libxml fns;
static bool fns_ok;              /* every pointer in fns is set */
static char load_why[256];       /* why loading failed, when it did */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* The functions by name, where each goes in struct libxml. */
#define FN(field, name) { name, offsetof(struct libxml, field) }
static const struct dl_sym symbols[] = {
	FN(init_parser, "xmlInitParser"),
	FN(set_external_entity_loader, "xmlSetExternalEntityLoader"),
	FN(create_push_parser_ctxt, "xmlCreatePushParserCtxt"),
	FN(ctxt_use_options, "xmlCtxtUseOptions"),
	FN(switch_encoding, "xmlSwitchEncoding"),
	FN(parse_chunk, "xmlParseChunk"),
	FN(stop_parser, "xmlStopParser"),
	FN(free_doc, "xmlFreeDoc"),
	FN(free_parser_ctxt, "xmlFreeParserCtxt"),
	FN(get_doc_entity, "xmlGetDocEntity"),
	FN(get_predefined_entity, "xmlGetPredefinedEntity"),
	FN(sax2_start_document, "xmlSAX2StartDocument"),
	FN(sax2_internal_subset, "xmlSAX2InternalSubset"),
	FN(sax2_entity_decl, "xmlSAX2EntityDecl"),
};
#undef FN
_Static_assert(sizeof symbols / sizeof symbols[0] * sizeof(void (*)(void)) == sizeof(struct libxml),
               "every field of struct libxml is looked up");

/* Documents never load anything from outside (see feed_xml.c). */
static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void load(void)
{
	fns_ok = dl_load("libxml2", getenv("RAPPORTEUR_LIBXML2"), libxml_sonames,
	                 sizeof libxml_sonames / sizeof libxml_sonames[0], symbols,
	                 sizeof symbols / sizeof symbols[0], &fns, load_why, sizeof load_why);
	if (!fns_ok)
		return;
	fns.init_parser();
	fns.set_external_entity_loader(deny_loader);
}

const struct libxml *libxml_load(const char **ret_why)
{
	if (pthread_once(&load_once, load) == 0 && fns_ok)
		return &fns;
	if (ret_why)
		*ret_why = load_why[0] ? load_why : "cannot load libxml2";
	return NULL;
}
