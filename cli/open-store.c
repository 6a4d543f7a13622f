/* cli/open-store.c - --redis URL, or the managed redis-server. */
#include "cli/open-store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

bool cli_store_option(const char *a, const char *v, const char **redis, const char **data,
                      const char **tags, const char **event)
{
	if (!v)
		return false;
	const char **dst = strcmp(a, "--redis") == 0 ? redis :
	                   strcmp(a, "--data") == 0  ? data :
	                   strcmp(a, "--tags") == 0  ? tags :
	                   strcmp(a, "--event") == 0 ? event : NULL;
	if (!dst)
		return false;
	*dst = v;
	return true;
}

const char *cli_tags_path(const char *tags)
{
	if (!tags)
		tags = getenv("RAPPORTEUR_TAGS");
	if ((!tags || !*tags) && access("tags.yaml", R_OK) == 0)
		tags = "tags.yaml";
	return tags && *tags ? tags : NULL;
}
