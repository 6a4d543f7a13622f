/* cli/main.c - the rapporteur binary: a table of verbs.
 *
 * Each verb lives in cli/cmd-VERB.c; data goes to stdout, diagnostics to
 * stderr as `rapporteur VERB: WHERE: WHAT`. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/log.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct verb verbs[] = {
	{ "parse",   cmd_parse,   "parse FILE|-                      print the parsed feed as JSON" },
	{ "tag",     cmd_tag,     "tag --in posts.jsonl [--tags FILE] match posts to themes, sessions, tags" },
	{ "tags",    cmd_tags,    "tags check|suggestions|approve|merge|reject|block|export" },
	{ "import",  cmd_import,  "import [--redis URL] posts.jsonl|FEED...  ingest posts offline" },
	{ "cluster", cmd_cluster, "cluster --in posts.jsonl --out pred.jsonl  dedupe and cluster a file" },
	{ "digest",  cmd_digest,  "digest THEME|SESSION --format md|json  the highlight stories" },
	{ "hide",    cmd_hide,    "hide ID --by WHO --why TEXT          a curator hides a post" },
	{ "unhide",  cmd_unhide,  "unhide ID --by WHO                   undo a hide" },
	{ "delete",  cmd_delete,  "delete ID                            the source deleted a post" },
};

static void usage(FILE *f)
{
	fputs("usage: rapporteur VERB [OPTIONS]\n\nverbs:\n", f);
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(f, "  rapporteur %s\n", verbs[i].usage);
	fputs("\n`rapporteur VERB --help` tells more. Exit status: 0 ok, 1 failure, 2 bad usage or input.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("rapporteur " RP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(argv[1], verbs[i].name) == 0) {
			log_set_verb(verbs[i].name);
			return verbs[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "rapporteur: unknown verb \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
