/* cli/cmd-hide.c - `rapporteur hide`, `unhide` and `delete`: the
 * tombstones of issue 4 (store/tombstone.h).
 *
 * The three verbs share one file because they are one operation with
 * three kinds: hide (a curator hides a post, with who and why), unhide
 * (the hide undone) and delete (the source deleted the post: its text
 * and title are dropped, for good). A later import never undoes either.
 * The post is named by its id as imported (with --source when the id is
 * not a URI) or by its PID. Without --redis the managed redis-server of
 * the data directory is used. Time is clock_now(), pinned in tests by
 * RAPPORTEUR_NOW. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cmd.h"
#include "cli/open-store.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/keys.h"
#include "store/redis.h"
#include "store/server.h"
#include "store/tombstone.h"
#include "tagger/ontology.h"

static const char usage_text[] =
	"usage: rapporteur hide ID --by WHO --why TEXT [OPTIONS]\n"
	"       rapporteur unhide ID --by WHO [--why TEXT] [OPTIONS]\n"
	"       rapporteur delete ID [--by WHO] [--why TEXT] [OPTIONS]\n"
	"\n"
	"hide    a curator hides a post: it leaves its story, digests no longer\n"
	"        show or count it; who, when and why are kept with it.\n"
	"unhide  the hide undone: the post is back in its story and digests.\n"
	"delete  the source deleted the post: as hide, and its text and title\n"
	"        are dropped. A delete cannot be undone.\n"
	"A later import of the post leaves it as it is (counted as tombstoned).\n"
	"Doing it twice changes nothing the second time.\n"
	"\n"
	"ID is the post's id as imported (a URI id such as a Mastodon status\n"
	"uri is enough; any other id needs --source), or its PID (16 hex digits).\n"
	"\n"
	"options:\n"
	"  --by WHO       who decided (required for hide and unhide)\n"
	"  --why TEXT     why (required for hide)\n"
	"  --source SRC   the post's source, for an id that is not a URI\n"
	"  --redis URL    redis://host:port, unix:/path or unix:///path; without it\n"
	"                 the managed redis-server of the data directory\n"
	"  --data DIR     data directory (default $RAPPORTEUR_DATA, else ./.data)\n"
	"  --tags FILE    the ontology (default $RAPPORTEUR_TAGS, else ./tags.yaml\n"
	"                 when present): names the event\n"
	"  --event ID     event id without an ontology (default \"default\")\n"
	"  -h, --help     this text\n"
	"\n"
	"Exit status: 0 ok (also when nothing had to change), 1 failure or no such\n"
	"post, 2 bad usage (a missing --by or --why, unhiding a deleted post).\n";

static const char *past(enum tombstone_op op)
{
	switch (op) {
	case TOMBSTONE_HIDE:   return "hidden";
	case TOMBSTONE_DELETE: return "deleted";
	case TOMBSTONE_UNHIDE: return "unhidden";
	}
	return "?";
}

static int run(enum tombstone_op op, int argc, char **argv)
{
	const char *id = NULL, *by = NULL, *why = NULL, *source = NULL;
	const char *redis_url_arg = NULL, *data = NULL, *tags = NULL, *event = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "--by") == 0 && v) {
			by = v;
			i++;
		} else if (strcmp(a, "--why") == 0 && v) {
			why = v;
			i++;
		} else if (strcmp(a, "--source") == 0 && v) {
			source = v;
			i++;
		} else if (cli_store_option(a, v, &redis_url_arg, &data, &tags, &event)) {
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			return args_bad(a, v, usage_text);
		} else if (!id) {
			id = a;
		} else {
			log_error(NULL, "one post ID only (got \"%s\" and \"%s\")", id, a);
			return 2;
		}
	}
	if (!id || !*id) {
		log_error(NULL, "which post? (its ID or PID)");
		fputs(usage_text, stderr);
		return 2;
	}
	/* Checked here too, before a server is started for nothing. */
	if (op != TOMBSTONE_DELETE && (!by || !*by)) {
		log_error(NULL, "who %s it? --by WHO is required", op == TOMBSTONE_HIDE ? "hides" : "unhides");
		return 2;
	}
	if (op == TOMBSTONE_HIDE && (!why || !*why)) {
		log_error(NULL, "why hide it? --why TEXT is required");
		return 2;
	}

	int status = 0;
	struct buf err;
	buf_init(&err);
	struct ontology *onto = NULL;
	struct server *srv = NULL;
	struct redis *r = NULL;
	if ((status = cli_store_event(tags, event, &onto, &event)) != 0 ||
	    (status = cli_open_store(redis_url_arg, data, &srv, &r)) != 0)
		goto done;
	char pid[STORE_PID_HEX_BUF];
	rp_err e = tombstone_find(r, event, id, source, pid, &err);
	if (!e) {
		struct tombstone_result res;
		e = tombstone_apply(r, event, pid, op, by, why, clock_now(), &res, &err);
		if (!e && res.changed)
			printf("%s %s (story %s: %lld %s left)\n", past(op), pid,
			       res.sid[0] ? res.sid : "-", (long long)res.story_posts,
			       res.story_posts == 1 ? "post" : "posts");
		else if (!e)
			printf("%s: %s%s; nothing changed\n", pid, res.was[0] ? "already " : "not hidden",
			       res.was);
	}
	if (e) {
		log_error(e == RP_ERR_REDIS ? redis_url(r) : NULL, "%s", buf_str(&err));
		status = rp_err_exit_status(e);
		goto done;
	}
	if (fflush(stdout) != 0) {
		log_error(NULL, "stdout: %s", strerror(errno));
		status = 1;
	}
done:
	redis_close(r);
	buf_reset(&err);
	if (server_stop(srv, &err) != RP_OK)
		log_warn(NULL, "%s", buf_str(&err));
	ontology_free(onto);
	buf_done(&err);
	return status;
}

int cmd_hide(int argc, char **argv)
{
	return run(TOMBSTONE_HIDE, argc, argv);
}

int cmd_unhide(int argc, char **argv)
{
	return run(TOMBSTONE_UNHIDE, argc, argv);
}

int cmd_delete(int argc, char **argv)
{
	return run(TOMBSTONE_DELETE, argc, argv);
}
