/* cli/open-store.h - the Redis a verb works on, for every verb that needs one.
 *
 * With a --redis URL the verb talks to that server; without one it starts
 * (or reuses) the managed redis-server of the data directory (store/server.h)
 * and talks to it. The caller owns both results and closes them with
 * redis_close and server_stop (either may be NULL). */
#ifndef RP_CLI_OPEN_STORE_H
#define RP_CLI_OPEN_STORE_H

#include "store/redis.h"
#include "store/server.h"

/* Open the store. Errors are reported once on stderr; the return value is
 * the exit status (0 ok, 1 runtime failure, 2 bad URL). *ret_srv is NULL
 * when url was given. */
int cli_open_store(const char *url, const char *data, struct server **ret_srv,
                   struct redis **ret_r);

#endif
