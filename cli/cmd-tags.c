/* cli/cmd-tags.c - `rapporteur tags SUBCOMMAND`: the ontology and its
 * curation.
 *
 *   check [FILE]            validate tags.yaml; every mistake as FILE:LINE:COLUMN
 *   list                    the themes and their sessions: ids, labels, hashtags,
 *                           times and rooms, as text, JSON or theme ids
 *   export                  write tags.yaml back (with Redis decisions applied)
 *   suggestions             mined suggestions (--in posts.jsonl) and/or the
 *                           public queue (--redis)
 *   suggest, vote           the public side (what the web's form calls)
 *   approve, merge, reject, block
 *                           staff decisions, each with --by and --reason,
 *                           kept in Redis as an audit log
 *   log                     the audit log
 *   mine                    count a file's hashtags into Redis's discovery
 *                           (summed in memory, written about once a second)
 *   retag                   re-apply the decisions to the posts stored in Redis
 *
 * The ontology comes from --tags (default ./tags.yaml); Redis from --redis
 * URL (redis://host:port or unix:/path). Owned by the tagger engineers. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cli/cmd.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/log.h"
#include "core/post.h"
#include "store/curation.h"
#include "store/discovery.h"
#include "store/retag.h"
#include "tagger/match.h"
#include "tagger/mine.h"
#include "tagger/ontology.h"

static void tags_usage(FILE *f)
{
	fputs("usage: rapporteur tags check [FILE]\n"
	      "       rapporteur tags list [--tags FILE] [--format text|json] [--lang LANG] [--ids]\n"
	      "       rapporteur tags export [--tags FILE] [--redis URL] [--out FILE]\n"
	      "       rapporteur tags suggestions [--tags FILE] [--in posts.jsonl] [--min N]\n"
	      "                                   [--redis URL] [--max N]\n"
	      "       rapporteur tags suggest TAG --client ID [--for CONCEPT] [--post ID]\n"
	      "                               [--note TEXT] --redis URL [--tags FILE]\n"
	      "       rapporteur tags vote SUGGESTION-ID --client ID --redis URL [--tags FILE]\n"
	      "       rapporteur tags approve TAG --alias-of CONCEPT | --concept ID --label TEXT\n"
	      "                               [--parent THEME]  --by WHO --reason WHY --redis URL\n"
	      "       rapporteur tags merge TAG --into CONCEPT|TAG --by WHO --reason WHY --redis URL\n"
	      "       rapporteur tags reject TAG --by WHO --reason WHY --redis URL\n"
	      "       rapporteur tags block TAG | --account ACCOUNT --by WHO --reason WHY --redis URL\n"
	      "       rapporteur tags log --redis URL [--max N]\n"
	      "       rapporteur tags mine --in posts.jsonl --redis URL   (count into Redis)\n"
	      "       rapporteur tags retag --redis URL [--tags FILE]\n"
	      "\n"
	      "check        validate tags.yaml (default ./tags.yaml); every mistake is printed\n"
	      "             as FILE:LINE:COLUMN: what is wrong; exit 2 when there is one.\n"
	      "list         the themes and, under each, its sessions: id, label (in --lang\n"
	      "             when the ontology has it, else its default language), hashtags\n"
	      "             and aliases, a session's time (in the event's time zone) and\n"
	      "             room. text: one line each, columns aligned; json: one document\n"
	      "             {\"event\",\"timezone\",\"themes\":[{...,\"sessions\":[...]}]},\n"
	      "             times in UTC; --ids: the theme ids alone, one a line (scripts).\n"
	      "export       write the ontology back as tags.yaml (to stdout or --out), with the\n"
	      "             decisions kept in Redis applied when --redis is given.\n"
	      "suggestions  --in: hashtags used beside the agreed ones, ranked, with evidence;\n"
	      "             --redis: what import discovered (and `tags mine` counted) and the\n"
	      "             public suggestion queue, most votes first.\n"
	      "mine         count the hashtags of --in beside the agreed ones into Redis, for\n"
	      "             suggestions --redis: summed in memory and written about once a\n"
	      "             second, as import does; a file counted twice counts twice.\n"
	      "decisions    applied at once to new posts, appended to the audit log with who,\n"
	      "             when, why.\n"
	      "retag        apply the decisions to past posts: match every post stored in\n"
	      "             Redis again and move it to its themes and sessions (counts,\n"
	      "             stories, digests). Safe while an import runs; running it again\n"
	      "             changes nothing. Prints how many posts changed.\n", f);
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

static redisContext *connect_redis(const char *url);
static int apply_decisions(redisContext *c, struct ontology *o);

static int tags_export(int argc, char **argv)
{
	const char *path = "tags.yaml", *outpath = NULL, *redis = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tags") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			outpath = argv[++i];
		} else if (strcmp(argv[i], "--redis") == 0 && i + 1 < argc) {
			redis = argv[++i];
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
	if (redis) {
		redisContext *c = connect_redis(redis);
		if (!c) {
			status = 1;
			goto done;
		}
		status = apply_decisions(c, o);
		redisFree(c);
		if (status)
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

/* ---- curation ------------------------------------------------------- */

struct opts {
	const char *tags, *redis, *in, *out, *client, *for_concept, *post, *note;
	const char *alias_of, *concept, *label, *parent, *into, *account, *by, *reason;
	long min, max;
	const char *arg;     /* the one positional argument */
};

/* Parse --name VALUE options; one positional argument at most. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; size_t off; } names[] = {
		{ "--tags", offsetof(struct opts, tags) }, { "--redis", offsetof(struct opts, redis) },
		{ "--in", offsetof(struct opts, in) }, { "--out", offsetof(struct opts, out) },
		{ "--client", offsetof(struct opts, client) },
		{ "--for", offsetof(struct opts, for_concept) },
		{ "--post", offsetof(struct opts, post) }, { "--note", offsetof(struct opts, note) },
		{ "--alias-of", offsetof(struct opts, alias_of) },
		{ "--concept", offsetof(struct opts, concept) },
		{ "--label", offsetof(struct opts, label) }, { "--parent", offsetof(struct opts, parent) },
		{ "--into", offsetof(struct opts, into) }, { "--account", offsetof(struct opts, account) },
		{ "--by", offsetof(struct opts, by) }, { "--reason", offsetof(struct opts, reason) },
	};
	memset(o, 0, sizeof *o);
	o->tags = "tags.yaml";
	o->min = 2;
	o->max = 50;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool done = false;
		if ((strcmp(a, "--min") == 0 || strcmp(a, "--max") == 0) && i + 1 < argc) {
			char *end;
			long v = strtol(argv[i + 1], &end, 10);
			if (*end || v < 0) {
				log_error(NULL, "%s wants a number, not \"%s\"", a, argv[i + 1]);
				return 2;
			}
			*(a[3] == 'i' ? &o->min : &o->max) = v;
			i++;
			continue;
		}
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			if (strcmp(a, names[k].name) == 0) {
				if (i + 1 >= argc) {
					log_error(NULL, "%s needs a value", a);
					return 2;
				}
				*(const char **)((char *)o + names[k].off) = argv[++i];
				done = true;
				break;
			}
		}
		if (done)
			continue;
		if (a[0] == '-' && a[1]) {
			log_error(NULL, "unknown option \"%s\"", a);
			return 2;
		}
		if (o->arg) {
			log_error(NULL, "one argument only: \"%s\" is extra", a);
			return 2;
		}
		o->arg = a;
	}
	return 0;
}

/* Connect to --redis URL. NULL after reporting. */
static redisContext *connect_redis(const char *url)
{
	struct buf err = {0};
	redisContext *c = NULL;
	if (curation_connect(url, &c, &err) != RP_OK)
		log_error(NULL, "%s", buf_str(&err));
	buf_done(&err);
	return c;
}

static struct ontology *load_tags(const char *path, int *status)
{
	struct buf err = {0};
	struct ontology *o = NULL;
	rp_err e = ontology_load(path, &o, &err);
	if (e) {
		fputs(buf_str(&err), stderr);
		log_error(path, "cannot load the ontology (%s)", rp_err_str(e));
		*status = rp_err_exit_status(e);
	}
	buf_done(&err);
	return o;
}

/* Apply the decisions kept in Redis to o; report the ones that no longer
 * apply as warnings. */
static int apply_decisions(redisContext *c, struct ontology *o)
{
	struct buf err = {0};
	uint64_t version;
	rp_err e = curation_apply(c, o, &version, &err);
	if (e) {
		log_error(NULL, "%s", buf_str(&err));
		buf_done(&err);
		return rp_err_exit_status(e);
	}
	const char *p = buf_str(&err);
	while (*p) {
		size_t n = strcspn(p, "\n");
		log_warn(NULL, "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	buf_done(&err);
	return 0;
}

/* Read --in posts.jsonl: count in memory and print the ranking, or, with
 * a discovery (`tags mine`), add the counts to Redis's discovery: summed
 * in memory and written in one MULTI/EXEC about once a second, as import
 * does (store/discovery.h), not a round trip per post. */
static int mined(const struct opts *op, struct ontology *o, struct discovery *dc)
{
	FILE *f = strcmp(op->in, "-") == 0 ? stdin : fopen(op->in, "rb");
	if (!f) {
		log_error(op->in, "%s", strerror(errno));
		return 1;
	}
	struct matcher *m = matcher_new(o);
	struct miner *mn = miner_new(o);
	struct match_why why;
	match_why_init(&why);
	struct buf err = {0};
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t got;
	int status = 0;
	while ((got = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)got;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		struct post p;
		buf_reset(&err);
		if (post_parse_line(line, len, &p, &err) != RP_OK) {
			char where[4096];
			snprintf(where, sizeof where, "%s:%zu", op->in, lineno);
			log_error(where, "%s", buf_str(&err));
			status = 2;
			continue;
		}
		matcher_match(m, &p, &why);
		if (dc) {
			struct strv unknown = { 0 };
			match_why_unknown(&why, &unknown);
			buf_reset(&err);
			rp_err e = discovery_count(dc, &p, &unknown, &err);
			strv_done(&unknown);
			if (e != RP_OK) {
				log_error(op->redis, "%s", buf_str(&err));
				post_done(&p);
				status = 1;
				break;
			}
		} else {
			miner_add(mn, &p, &why);
		}
		post_done(&p);
	}
	if (dc && status != 1) {
		buf_reset(&err);
		if (discovery_flush(dc, NULL, &err) != RP_OK) {
			log_error(op->redis, "%s", buf_str(&err));
			status = 1;
		}
	}
	if (!dc) {
		struct mine_suggestion *v = NULL;
		size_t n = miner_suggest(mn, (uint32_t)op->min, (size_t)op->max, &v);
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].text);
		if (n == 0)
			printf("no hashtag beside the agreed ones is used in %ld posts or more\n",
			       op->min);
		mine_suggestions_free(v, n);
	} else if (status == 0) {
		printf("counted the hashtags of %zu lines\n", lineno);
	}
	if (f != stdin)
		fclose(f);
	free(line);
	buf_done(&err);
	match_why_done(&why);
	miner_free(mn);
	matcher_free(m);
	return status;
}

static int queue(const struct opts *op, redisContext *c, const struct ontology *o)
{
	const char *event = ontology_event_id(o);
	struct buf err = {0};
	struct mine_suggestion *ms = NULL;
	size_t nm = 0;
	rp_err me = curation_discovered(c, o, (uint32_t)op->min, (size_t)op->max, &ms, &nm, &err);
	if (me) {
		log_error(op->redis, "%s", buf_str(&err));
		buf_done(&err);
		return rp_err_exit_status(me);
	}
	puts("# discovered (hashtags used beside the agreed ones)");
	for (size_t i = 0; i < nm; i++)
		printf("%s\n", ms[i].text);
	if (nm == 0)
		puts("none used in enough posts yet");
	mine_suggestions_free(ms, nm);
	puts("# suggested by the public (most votes first)");
	struct curation_item *v = NULL;
	size_t n = 0;
	rp_err e = curation_list(c, event, (size_t)op->max, &v, &n, &err);
	if (e) {
		log_error(op->redis, "%s", buf_str(&err));
		buf_done(&err);
		return rp_err_exit_status(e);
	}
	for (size_t i = 0; i < n; i++) {
		char d[DATE_ISO_LEN];
		date_format(v[i].last, d);
		printf("%s  %3lld vote%s  #%s", v[i].id, (long long)v[i].votes,
		       v[i].votes == 1 ? " " : "s", v[i].tag);
		if (v[i].concept)
			printf("  for %s", v[i].concept);
		if (v[i].post)
			printf("  on post %s", v[i].post);
		printf("  (last %s)", d);
		if (v[i].note)
			printf("  \"%s\"", v[i].note);
		putchar('\n');
	}
	if (n == 0)
		puts("no open suggestion");
	curation_items_free(v, n);
	buf_done(&err);
	return 0;
}

static int tags_curation(const char *sub, int argc, char **argv)
{
	struct opts op;
	int status = parse_opts(argc, argv, &op);
	if (status)
		return status;
	bool suggestions = strcmp(sub, "suggestions") == 0;
	if (!op.redis && !(suggestions && op.in)) {
		log_error(NULL, "%s needs --redis URL%s", sub, suggestions ? " or --in posts.jsonl" : "");
		return 2;
	}
	struct ontology *o = load_tags(op.tags, &status);
	if (!o)
		return status;
	redisContext *c = NULL;
	struct buf err = {0};
	if (op.redis) {
		c = connect_redis(op.redis);
		if (!c) {
			status = 1;
			goto out;
		}
		if ((status = apply_decisions(c, o)))
			goto out;
	}
	const char *event = ontology_event_id(o);
	rp_err e = RP_OK;

	if (suggestions) {
		if (op.in && (status = mined(&op, o, NULL)) == 1)
			goto out;
		if (c) {
			int s2 = queue(&op, c, o);
			if (s2)
				status = s2;
		}
		goto out;
	}
	if (strcmp(sub, "mine") == 0) {
		if (!op.in) {
			log_error(NULL, "mine needs --in posts.jsonl");
			status = 2;
			goto out;
		}
		struct discovery *dc = NULL;
		e = discovery_open(op.redis, o, &dc, &err);
		if (e)
			goto report;
		status = mined(&op, o, dc);
		discovery_close(dc);
		goto out;
	}
	if (strcmp(sub, "retag") == 0) {
		if (op.arg) {
			log_error(NULL, "retag takes no argument (\"%s\")", op.arg);
			status = 2;
			goto out;
		}
		struct retag_stats rs;
		e = retag_run(c, o, &rs, &err);
		printf("retag: %zu posts read, %zu changed, %zu stories re-indexed", rs.scanned,
		       rs.changed, rs.stories);
		if (rs.tombstoned)
			printf(", %zu hidden or deleted left as they are", rs.tombstoned);
		if (rs.skipped)
			printf(", %zu changed meanwhile (run again to take them)", rs.skipped);
		putchar('\n');
		goto report;
	}
	if (strcmp(sub, "log") == 0) {
		struct strv lines;
		strv_init(&lines);
		e = curation_log(c, event, (size_t)op.max, &lines, &err);
		for (size_t i = 0; i < lines.n; i++)
			puts(lines.v[i]);
		strv_done(&lines);
		goto report;
	}
	if (strcmp(sub, "suggest") == 0 || strcmp(sub, "vote") == 0) {
		if (!op.arg || !op.client) {
			log_error(NULL, "%s needs %s and --client ID", sub,
			          sub[0] == 's' ? "a TAG" : "a suggestion id");
			status = 2;
			goto out;
		}
		if (sub[0] == 's') {
			char id[CURATION_ID_HEX + 1];
			e = curation_suggest(c, event, op.client, op.arg, op.for_concept, op.post, op.note,
			                     id, &err);
			if (!e)
				puts(id);
		} else {
			e = curation_vote(c, event, op.client, op.arg, &err);
		}
		goto report;
	}

	struct curation_decision d = { .tag = op.arg, .by = op.by, .why = op.reason };
	if (strcmp(sub, "approve") == 0) {
		if (op.alias_of) {
			d.action = CURATION_APPROVE_ALIAS;
			d.concept = op.alias_of;
		} else if (op.concept) {
			d.action = CURATION_APPROVE_CONCEPT;
			d.id = op.concept;
			d.label = op.label;
			d.concept = op.parent;
		} else {
			log_error(NULL, "approve as what? --alias-of CONCEPT or --concept ID --label TEXT");
			status = 2;
			goto out;
		}
	} else if (strcmp(sub, "merge") == 0) {
		if (!op.into) {
			log_error(NULL, "merge needs --into CONCEPT|TAG");
			status = 2;
			goto out;
		}
		d.action = CURATION_MERGE;
		d.concept = op.into;
	} else if (strcmp(sub, "reject") == 0) {
		d.action = CURATION_REJECT;
	} else {
		d.action = op.account ? CURATION_BLOCK_ACCOUNT : CURATION_BLOCK_TAG;
		d.account = op.account;
	}
	if (!d.account && !d.tag) {
		log_error(NULL, "%s which tag?", sub);
		status = 2;
		goto out;
	}
	e = curation_decide(c, o, &d, &err);
	if (!e)
		printf("%s %s%s: done\n", curation_action_name(d.action), d.account ? "" : "#",
		       d.account ? d.account : d.tag);
report:
	if (e) {
		log_error(NULL, "%s", buf_str(&err));
		status = rp_err_exit_status(e);
	}
out:
	buf_done(&err);
	if (c)
		redisFree(c);
	ontology_free(o);
	return status;
}

/* ---- list ----------------------------------------------------------- */

/* The language of the label concept_label(c, lang) picked. */
static const char *label_lang(const struct concept *c, const char *label)
{
	for (size_t i = 0; i < c->n_labels; i++)
		if (c->labels[i].text == label)
			return c->labels[i].lang;
	return NULL;
}

/* t (UTC seconds) as "YYYY-MM-DD HH:MM" in the zone TZ is set to. */
static void local_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

static void list_text_tags(const struct concept *c)
{
	const struct strv *lists[] = { &c->hashtags, &c->aliases };
	static const char *const names[][2] = { { "tag", "tags" }, { "alias", "aliases" } };
	for (size_t l = 0; l < 2; l++) {
		if (lists[l]->n == 0)
			continue;
		printf("  %s", names[l][lists[l]->n > 1]);
		for (size_t i = 0; i < lists[l]->n; i++)
			printf(" #%s", lists[l]->v[i]);
	}
}

/* One concept on one line: kind and id in aligned columns, then the
 * label, tags and aliases, and a session's time and room, each field
 * led by a word (so a screen reader says what it is). */
static void list_text_line(const struct concept *c, const char *lang, int idw)
{
	const char *kind = c->kind == CONCEPT_SESSION ? "  session" : concept_kind_name(c->kind);
	printf("%-9s %-*s  %s", kind, idw, c->id, concept_label(c, lang));
	list_text_tags(c);
	if (c->kind == CONCEPT_SESSION) {
		char a[32], b[32];
		if (c->start)
			local_time(c->start, a);
		if (c->end)
			local_time(c->end, b);
		if (c->start && c->end)
			printf("  %s to %s", a, strncmp(a, b, 11) == 0 ? b + 11 : b);
		else if (c->start)
			printf("  from %s", a);
		else if (c->end)
			printf("  until %s", b);
		if (c->room)
			printf("  room %s", c->room);
	}
	putchar('\n');
}

static json_t *list_json_concept(const struct concept *c, const char *lang)
{
	json_t *j = json_object();
	const char *label = concept_label(c, lang), *ll = label_lang(c, label);
	json_object_set_new(j, "id", json_string(c->id));
	json_object_set_new(j, "label", json_string(label));
	json_object_set_new(j, "lang", ll ? json_string(ll) : json_null());
	json_object_set_new(j, "hashtags", strv_to_json(&c->hashtags));
	json_object_set_new(j, "aliases", strv_to_json(&c->aliases));
	if (c->kind == CONCEPT_SESSION) {
		char d[DATE_ISO_LEN];
		if (c->start) {
			date_format(c->start, d);
			json_object_set_new(j, "start", json_string(d));
		}
		if (c->end) {
			date_format(c->end, d);
			json_object_set_new(j, "end", json_string(d));
		}
		if (c->room)
			json_object_set_new(j, "room", json_string(c->room));
	}
	return j;
}

static int list_json(const struct ontology *o, const char *lang)
{
	json_t *doc = json_object();
	const char *tz = ontology_timezone(o);
	json_object_set_new(doc, "event", list_json_concept(ontology_event(o), lang));
	json_object_set_new(doc, "timezone", tz ? json_string(tz) : json_null());
	json_t *themes = json_array();
	for (size_t i = 0; i < ontology_n_themes(o); i++) {
		const struct concept *t = ontology_theme(o, i);
		json_t *jt = list_json_concept(t, lang);
		json_t *sessions = json_array();
		for (size_t k = 0; k < t->n_sessions; k++)
			json_array_append_new(sessions, list_json_concept(t->sessions[k], lang));
		json_object_set_new(jt, "sessions", sessions);
		json_array_append_new(themes, jt);
	}
	json_object_set_new(doc, "themes", themes);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text) {
		log_error(NULL, "out of memory");
		return 1;
	}
	puts(text);
	free(text);
	return 0;
}

static void list_text(const struct ontology *o, const char *lang)
{
	int idw = (int)strlen(ontology_event_id(o));
	size_t sessions = 0;
	for (size_t i = 0; i < ontology_n_concepts(o); i++) {
		const struct concept *c = ontology_concept(o, i);
		int w = (int)strlen(c->id);
		if (w > idw)
			idw = w;
		sessions += c->kind == CONCEPT_SESSION;
	}
	/* Session times in the event's zone; TZ is put back afterwards. */
	const char *tz = ontology_timezone(o);
	char *old = clock_tz_switch(tz);
	list_text_line(ontology_event(o), lang, idw);
	for (size_t i = 0; i < ontology_n_themes(o); i++) {
		const struct concept *t = ontology_theme(o, i);
		list_text_line(t, lang, idw);
		for (size_t k = 0; k < t->n_sessions; k++)
			list_text_line(t->sessions[k], lang, idw);
	}
	printf("%zu theme%s, %zu session%s; times in %s\n", ontology_n_themes(o),
	       ontology_n_themes(o) == 1 ? "" : "s", sessions, sessions == 1 ? "" : "s",
	       tz ? tz : "UTC");
	clock_tz_restore(old);
}

static int tags_list(int argc, char **argv)
{
	const char *path = "tags.yaml", *format = "text", *lang = NULL;
	bool ids = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0) {
			tags_usage(stdout);
			return 0;
		}
		if (strcmp(a, "--ids") == 0) {
			ids = true;
			continue;
		}
		if (strcmp(a, "--tags") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--lang") == 0) {
			if (i + 1 >= argc) {
				log_error(NULL, "%s needs a value", a);
				return 2;
			}
			const char *v = argv[++i];
			*(a[2] == 't' ? &path : a[2] == 'f' ? &format : &lang) = v;
			continue;
		}
		log_error(NULL, "unknown argument \"%s\"", a);
		return 2;
	}
	bool json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "text") != 0) {
		log_error(NULL, "--format is text or json, not \"%s\"", format);
		return 2;
	}
	if (ids && json) {
		log_error(NULL, "--ids prints plain lines: leave out --format json");
		return 2;
	}
	if (lang && !ontology_lang_valid(lang)) {
		log_error(NULL, "--lang wants a language tag such as en or pt-BR, not \"%s\"", lang);
		return 2;
	}
	int status = 0;
	struct ontology *o = load_tags(path, &status);
	if (!o)
		return status;
	if (ids) {
		for (size_t i = 0; i < ontology_n_themes(o); i++)
			puts(ontology_theme(o, i)->id);
	} else if (json) {
		status = list_json(o, lang);
	} else {
		list_text(o, lang);
	}
	if (status == 0 && fflush(stdout) != 0) {
		log_error("stdout", "%s", strerror(errno));
		status = 1;
	}
	ontology_free(o);
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
	if (strcmp(sub, "list") == 0)
		return tags_list(argc - 1, argv + 1);
	static const char *const curation_subs[] = { "suggestions", "suggest", "vote", "approve",
		"merge", "reject", "block", "log", "mine", "retag", NULL };
	for (size_t i = 0; curation_subs[i]; i++)
		if (strcmp(sub, curation_subs[i]) == 0)
			return tags_curation(sub, argc - 1, argv + 1);
	log_error(NULL, "unknown subcommand \"%s\"", sub);
	tags_usage(stderr);
	return 2;
}
