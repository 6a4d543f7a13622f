/* cli/open-store.h - the Redis a verb works on, for every verb that needs one.
 *
 * With a --redis URL the verb talks to that server; without one it starts
 * (or reuses) the managed redis-server of the data directory (store/server.h)
 * and talks to it. The caller owns both results and closes them with
 * redis_close and server_stop (either may be NULL). The event the verb
 * works on, and its ontology, are chosen here too, the same way for every
 * store verb. */
#ifndef RP_CLI_OPEN_STORE_H
#define RP_CLI_OPEN_STORE_H

#include <stdbool.h>

#include "store/redis.h"
#include "store/server.h"
#include "tagger/ontology.h"

/* The options every verb that reads or writes the store takes:
 * --redis URL, --data DIR, --tags FILE, --event ID. When a is one of them
 * and v (its value) is there, store v through the matching pointer and
 * return true: the caller skips v. */
bool cli_store_option(const char *a, const char *v, const char **redis, const char **data,
                      const char **tags, const char **event);

/* The ontology a store verb uses: tags (from --tags) when given, else
 * $RAPPORTEUR_TAGS, else ./tags.yaml when it exists; NULL when none. */
const char *cli_tags_path(const char *tags);

/* The ontology and event a store verb works on: the ontology named by tags
 * (cli_tags_path; none is fine), and its event, else event (--event), else
 * "default". Errors are reported once on stderr; the return value is the
 * exit status (2 for an event id the store cannot use). *ret_onto (NULL
 * without an ontology; the caller frees it) and *ret_event (lent from the
 * ontology or event) are written only on success. */
int cli_store_event(const char *tags, const char *event, struct ontology **ret_onto,
                    const char **ret_event);

/* Open the store. Errors are reported once on stderr; the return value is
 * the exit status (0 ok, 1 runtime failure, 2 bad URL). *ret_srv is NULL
 * when url was given. */
int cli_open_store(const char *url, const char *data, struct server **ret_srv,
                   struct redis **ret_r);

#endif
