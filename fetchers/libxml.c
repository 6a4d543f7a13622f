/* fetchers/libxml.c - libxml2, opened with dlopen the first time a
 * document needs it (see libxml.h for why).
 *
 * Measured 2026-11-26 (hyperfine): a program linking only libxml2 takes
 * 5.9 ms of CPU to start and an empty one 1.7 ms; with the fast path most
 * parses never call libxml2, so that cost now falls only on processes
 * that read a document the fast path declines. */
#include "fetchers/libxml.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The soname of Debian's libxml2 (the library libxml2-dev builds
 * against); the unversioned name is a fallback for other systems. */
static const char *const libxml_sonames[] = { "libxml2.so.2", "libxml2.so" };

static struct libxml fns;
static bool fns_ok;              /* every pointer in fns is set */
static char load_why[256];       /* why loading failed, when it did */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* The functions by name, where each goes in struct libxml. */
#define FN(field, name) { name, offsetof(struct libxml, field) }
static const struct { const char *name; size_t off; } symbols[] = {
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
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym results fit the fields");

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
	const char *env = getenv("RAPPORTEUR_LIBXML2");
	void *lib = NULL;
	if (env && *env) {
		lib = dlopen(env, RTLD_NOW | RTLD_LOCAL);
	} else {
		for (size_t i = 0; !lib && i < sizeof libxml_sonames / sizeof libxml_sonames[0]; i++)
			lib = dlopen(libxml_sonames[i], RTLD_NOW | RTLD_LOCAL);
	}
	if (!lib) {
		const char *err = dlerror();
		snprintf(load_why, sizeof load_why, "cannot load libxml2: %s",
		         err ? err : "not found");
		return;
	}
	/* The library stays loaded for the life of the process. Each
	 * pointer is copied with memcpy: ISO C has no cast from an object
	 * pointer to a function pointer; POSIX makes them the same size. */
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		void *p = dlsym(lib, symbols[i].name);
		if (!p) {
			snprintf(load_why, sizeof load_why, "libxml2 has no %s", symbols[i].name);
			return;
		}
		memcpy((char *)&fns + symbols[i].off, &p, sizeof p);
	}
	fns_ok = true;
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
