/* cli/open-store.h - the Redis a verb works on, for every verb that needs one.
 *
 * With a --redis URL the verb talks to that server; without one it starts
 * (or reuses) the managed redis-server of the data directory (store/server.h)
 * and talks to it. The caller owns both results and closes them with
 * redis_close and server_stop (either may be NULL). */
#ifndef RP_CLI_OPEN_STORE_H
#define RP_CLI_OPEN_STORE_H

#include <stdbool.h>

#include "store/redis.h"
#include "store/server.h"

/* The options every verb that reads or writes the store takes:
 * --redis URL, --data DIR, --tags FILE, --event ID. When a is one of them
 * and v (its value) is there, store v through the matching pointer and
 * return true: the caller skips v. */
bool cli_store_option(const char *a, const char *v, const char **redis, const char **data,
                      const char **tags, const char **event);

/* The ontology a store verb uses: tags (from --tags) when given, else
 * $RAPPORTEUR_TAGS, else ./tags.yaml when it exists; NULL when none. */
const char *cli_tags_path(const char *tags);

/* Open the store. Errors are reported once on stderr; the return value is
 * the exit status (0 ok, 1 runtime failure, 2 bad URL). *ret_srv is NULL
 * when url was given. */
int cli_open_store(const char *url, const char *data, struct server **ret_srv,
                   struct redis **ret_r);

#endif
