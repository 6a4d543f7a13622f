/* cli/open-store.c - --redis URL, or the managed redis-server; and the
 * ontology and event a store verb works on. */
#include "cli/open-store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/keys.h"

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

/* Load the ontology at path; its mistakes, every line of them, reported
 * on stderr. The exit status; *ret_onto is written only on success. */
static int ontology_load_reported(const char *path, struct ontology **ret_onto)
{
	struct buf err;
	buf_init(&err);
	rp_err e = ontology_load(path, ret_onto, &err);
	if (e) {
		fputs(buf_str(&err), stderr);
		if (err.len && err.data[err.len - 1] != '\n')
			fputc('\n', stderr);
		log_error(path, "cannot load the ontology");
	}
	buf_done(&err);
	return e ? rp_err_exit_status(e) : 0;
}

int cli_store_event(const char *tags, const char *event, struct ontology **ret_onto,
                    const char **ret_event)
{
	struct ontology *onto = NULL;
	tags = cli_tags_path(tags);
	if (tags) {
		int status = ontology_load_reported(tags, &onto);
		if (status)
			return status;
		event = ontology_event_id(onto);
	}
	if (!event)
		event = "default";
	if (!store_event_valid(event)) {
		log_error(NULL, "\"%s\": not a usable event id", event);
		ontology_free(onto);
		return 2;
	}
	*ret_onto = onto;
	*ret_event = event;
	return 0;
}
