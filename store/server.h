/* store/server.h - the managed redis-server.
 *
 * Without --redis, rapporteur runs its own redis-server: a child process
 * listening only on a unix socket under the data directory (default
 * ./.data, or $RAPPORTEUR_DATA), with AOF on (appendonly yes,
 * appendfsync everysec: a crash of either process loses no acknowledged
 * write, a power loss at most a second). The child gets SIGTERM if
 * rapporteur dies (PR_SET_PDEATHSIG), which Redis treats as a clean
 * shutdown, so no server is left behind even after a SIGKILL.
 *
 * A server already answering on the data directory's socket (another
 * rapporteur on the same data) is used as it is, not started twice and not
 * stopped by us: two servers on one AOF would corrupt it.
 *
 * The caller owns the struct server (server_start / server_stop). */
#ifndef RP_STORE_SERVER_H
#define RP_STORE_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/err.h"

#define SERVER_DEFAULT_DATA     ".data"        /* data directory when $RAPPORTEUR_DATA is unset */
#define SERVER_SOCKET_NAME      "redis.sock"   /* under the data directory */
#define SERVER_START_TIMEOUT_MS 10000          /* socket up and AOF loaded */
#define SERVER_STOP_TIMEOUT_MS  10000          /* SHUTDOWN to exit; then SIGKILL */
#define SERVER_BIN              "redis-server" /* looked up in PATH; $RAPPORTEUR_REDIS_SERVER overrides */

struct server;

/* The data directory to use: dir when non-NULL, else $RAPPORTEUR_DATA,
 * else SERVER_DEFAULT_DATA. Lent (dir itself, the environment, or a
 * constant). */
const char *server_data_dir(const char *dir);

/* Make sure a redis-server serves the data directory `dir` (created when
 * missing, mode 0700) and return a handle. RP_ERR_IO when the directory
 * cannot be made or the socket path is too long, RP_ERR_REDIS when the
 * server does not come up within SERVER_START_TIMEOUT_MS (its log file,
 * DIR/redis.log, says why; the tail is appended to *err). */
RP_MUST_CHECK rp_err server_start(const char *dir, struct server **ret, struct buf *err);

/* The URL to hand to redis_open: "unix:/abs/path/redis.sock". Lent. */
const char *server_url(const struct server *s);
/* The pid of the server we started; 0 when we use one we did not start. */
pid_t server_pid(const struct server *s);
/* True when the server we started is still running. */
bool server_alive(struct server *s);

/* Supervision: when the server we started has died, start it again on the
 * same data (the AOF brings back every acknowledged write). RP_OK when it
 * is running (or is not ours); errors as server_start. */
RP_MUST_CHECK rp_err server_check(struct server *s, struct buf *err);

/* Stop the server we started with SHUTDOWN (AOF fsynced), wait for it,
 * SIGKILL after SERVER_STOP_TIMEOUT_MS; then free s. A server we did not
 * start is left running. NULL is a no-op returning RP_OK. */
RP_MUST_CHECK rp_err server_stop(struct server *s, struct buf *err);

#endif
