/* cli/open-store.c - --redis URL, or the managed redis-server. */
#include "cli/open-store.h"

#include "core/buf.h"
#include "core/log.h"

int cli_open_store(const char *url, const char *data, struct server **ret_srv,
                   struct redis **ret_r)
{
	struct buf err;
	buf_init(&err);
	struct server *srv = NULL;
	struct redis *r = NULL;
	int status = 0;
	if (!url) {
		const char *dir = server_data_dir(data);
		if (server_start(dir, &srv, &err) != RP_OK) {
			log_error(dir, "cannot start redis-server: %s", buf_str(&err));
			status = 1;
			goto done;
		}
		url = server_url(srv);
	}
	rp_err e = redis_open(url, &r, &err);
	if (e) {
		log_error(NULL, "%s", buf_str(&err));
		status = rp_err_exit_status(e);
		goto done;
	}
	*ret_srv = srv;
	*ret_r = r;
	srv = NULL;
done:
	if (srv) {
		buf_reset(&err);
		if (server_stop(srv, &err) != RP_OK)
			log_warn(NULL, "stopping redis-server: %s", buf_str(&err));
	}
	buf_done(&err);
	return status;
}
