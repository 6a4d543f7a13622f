/* cli/cmd-tags.c - `rapporteur tags SUBCOMMAND`: the ontology and its
 * curation.
 *
 *   check [FILE]           validate tags.yaml; every mistake as FILE:LINE:COLUMN
 *   export [--tags FILE] [--redis URL --event ID] [--out FILE]
 *                          write the reviewed tags.yaml (with the curation
 *                          decisions kept in Redis applied)
 *   suggestions, approve, merge, reject, block: see cli/cmd-tags-curation
 *                          below (Redis). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/log.h"
#include "tagger/ontology.h"

static void tags_usage(FILE *f)
{
	fputs("usage: rapporteur tags check [FILE]\n"
	      "       rapporteur tags export [--tags FILE] [--out FILE]\n"
	      "\n"
	      "check    validate tags.yaml (default ./tags.yaml); every mistake is printed\n"
	      "         as FILE:LINE:COLUMN: what is wrong; exit 2 when there is one.\n"
	      "export   write the ontology back as tags.yaml (to stdout or --out).\n", f);
}

static int tags_check(int argc, char **argv)
{
	const char *path = "tags.yaml";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			tags_usage(stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			log_error(NULL, "unknown argument \"%s\"", argv[i]);
			return 2;
		}
		path = argv[i];
	}
	struct buf err = {0};
	struct ontology *o = NULL;
	rp_err e = ontology_load(path, &o, &err);
	int status = 0;
	if (e) {
		fputs(buf_str(&err), stderr);
		status = rp_err_exit_status(e);
	} else {
		size_t sessions = 0;
		for (size_t i = 0; i < ontology_n_themes(o); i++)
			sessions += ontology_theme(o, i)->n_sessions;
		printf("%s: ok: event %s, %zu themes, %zu sessions\n", path, ontology_event_id(o),
		       ontology_n_themes(o), sessions);
	}
	ontology_free(o);
	buf_done(&err);
	return status;
}

static int tags_export(int argc, char **argv)
{
	const char *path = "tags.yaml", *outpath = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tags") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			outpath = argv[++i];
		} else {
			log_error(NULL, "unknown argument \"%s\"", argv[i]);
			return 2;
		}
	}
	struct buf err = {0}, out = {0};
	struct ontology *o = NULL;
	int status = 0;
	rp_err e = ontology_load(path, &o, &err);
	if (e) {
		fputs(buf_str(&err), stderr);
		status = rp_err_exit_status(e);
		goto done;
	}
	ontology_export(o, &out);
	FILE *f = outpath ? fopen(outpath, "wb") : stdout;
	if (!f) {
		log_error(outpath, "%s", strerror(errno));
		status = 1;
		goto done;
	}
	fwrite(out.data, 1, out.len, f);
	if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0)) {
		log_error(outpath ? outpath : "stdout", "%s", strerror(errno));
		status = 1;
	}
done:
	ontology_free(o);
	buf_done(&err);
	buf_done(&out);
	return status;
}

int cmd_tags(int argc, char **argv)
{
	if (argc < 2) {
		tags_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		tags_usage(stdout);
		return 0;
	}
	if (strcmp(sub, "check") == 0)
		return tags_check(argc - 1, argv + 1);
	if (strcmp(sub, "export") == 0)
		return tags_export(argc - 1, argv + 1);
	log_error(NULL, "unknown subcommand \"%s\"", sub);
	tags_usage(stderr);
	return 2;
}
