/* tagger/ontology.c - loading and validating tags.yaml, and the model's
 * accessors and curation changes (see ontology.h).
 *
 * Validation goes on after a mistake so that one run of `rapporteur tags
 * check` lists everything a person has to fix. */
#include "tagger/ontology.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "tagger/hashtag.h"
#include "tagger/ontology-impl.h"
#include "tagger/ydoc.h"

/* ---- accessors ---------------------------------------------------- */

const struct concept *ontology_event(const struct ontology *o) { return &o->event; }
const char *ontology_event_id(const struct ontology *o) { return o->event.id; }
const char *ontology_timezone(const struct ontology *o) { return o->timezone; }
const char *ontology_lang(const struct ontology *o) { return o->lang ? o->lang : "en"; }
size_t ontology_n_themes(const struct ontology *o) { return o->n_themes; }
const struct concept *ontology_theme(const struct ontology *o, size_t i)
{
	return i < o->n_themes ? o->themes[i] : NULL;
}
size_t ontology_n_concepts(const struct ontology *o) { return o->n_all; }
const struct concept *ontology_concept(const struct ontology *o, size_t i)
{
	return i < o->n_all ? o->all[i] : NULL;
}
const struct strv *ontology_blocked_tags(const struct ontology *o) { return &o->blocked_tags; }
const struct strv *ontology_blocked_accounts(const struct ontology *o) { return &o->blocked_accounts; }
const struct strv *ontology_trusted_sources(const struct ontology *o) { return &o->trusted_sources; }
uint64_t ontology_version(const struct ontology *o) { return o->version; }

const char *concept_kind_name(enum concept_kind kind)
{
	switch (kind) {
	case CONCEPT_EVENT: return "event";
	case CONCEPT_THEME: return "theme";
	case CONCEPT_SESSION: return "session";
	}
	return "concept";
}

const struct concept *ontology_find(const struct ontology *o, const char *id)
{
	uint32_t i = strmap_get(&o->ids, id, strlen(id));
	return i == STRMAP_NONE ? NULL : o->all[i];
}

const struct concept *ontology_owner_of(const struct ontology *o, uint32_t code)
{
	uint32_t who = code >> 2;
	return who == 0 ? &o->event : o->all[who - 1];
}

/* The folded form of a tag written with or without '#'. */
void ontology_fold_tag(struct buf *out, const char *tag, size_t len)
{
	if (len >= 1 && tag[0] == '#') {
		tag++;
		len--;
	} else if (len >= 3 && memcmp(tag, "\xEF\xBC\x83", 3) == 0) {
		tag += 3;
		len -= 3;
	}
	utf8_fold(out, tag, len);
}

static const char *how_names[] = { "hashtag", "alias", "hidden" };

const struct concept *ontology_tag_owner(const struct ontology *o, const char *tag,
                                         const char **how)
{
	struct buf f = {0};
	ontology_fold_tag(&f, tag, strlen(tag));
	uint32_t code = strmap_get(&o->tags, buf_str(&f), f.len);
	buf_done(&f);
	if (code == STRMAP_NONE)
		return NULL;
	if (how)
		*how = how_names[code & 3];
	return ontology_owner_of(o, code);
}

static bool folded_in(const struct strmap *m, const char *s)
{
	struct buf f = {0};
	ontology_fold_tag(&f, s, strlen(s));
	bool in = strmap_get(m, buf_str(&f), f.len) != STRMAP_NONE;
	buf_done(&f);
	return in;
}

bool ontology_tag_blocked(const struct ontology *o, const char *tag)
{
	return folded_in(&o->blocked_tag_index, tag);
}

bool ontology_account_blocked(const struct ontology *o, const char *account)
{
	return folded_in(&o->blocked_acct_index, account);
}

const char *concept_label(const struct concept *c, const char *lang)
{
	if (c->n_labels == 0)
		return c->id;
	if (lang && *lang) {
		size_t primary = strcspn(lang, "-_");
		for (size_t i = 0; i < c->n_labels; i++)
			if (strcasecmp(c->labels[i].lang, lang) == 0)
				return c->labels[i].text;
		for (size_t i = 0; i < c->n_labels; i++)
			if (strlen(c->labels[i].lang) == primary &&
			    strncasecmp(c->labels[i].lang, lang, primary) == 0)
				return c->labels[i].text;
	}
	if (c->default_lang)
		for (size_t i = 0; i < c->n_labels; i++)
			if (strcasecmp(c->labels[i].lang, c->default_lang) == 0)
				return c->labels[i].text;
	return c->labels[0].text;
}

const char *concept_display_tag(const struct concept *c)
{
	if (c->hashtags.n)
		return c->hashtags.v[0];
	if (c->aliases.n)
		return c->aliases.v[0];
	return NULL;
}

/* ---- freeing ------------------------------------------------------- */

static void concept_done(struct concept *c)
{
	rp_free(c->id);
	for (size_t i = 0; i < c->n_labels; i++) {
		rp_free(c->labels[i].lang);
		rp_free(c->labels[i].text);
	}
	rp_free(c->labels);
	strv_done(&c->hashtags);
	strv_done(&c->aliases);
	strv_done(&c->hidden);
	strv_done(&c->keywords);
	strv_done(&c->related);
	rp_free(c->note);
	rp_free(c->url);
	rp_free(c->room);
	rp_free(c->start_text);
	rp_free(c->end_text);
	rp_free(c->sessions);
}

static struct concept *concept_new(enum concept_kind kind)
{
	struct concept *c = rp_calloc(1, sizeof *c);
	c->kind = kind;
	strv_init(&c->hashtags);
	strv_init(&c->aliases);
	strv_init(&c->hidden);
	strv_init(&c->keywords);
	strv_init(&c->related);
	c->index = SIZE_MAX;
	return c;
}

void ontology_free(struct ontology *o)
{
	if (!o)
		return;
	concept_done(&o->event);
	for (size_t i = 0; i < o->n_all; i++) {
		concept_done(o->all[i]);
		rp_free(o->all[i]);
	}
	rp_free(o->all);
	rp_free(o->themes);
	rp_free(o->path);
	rp_free(o->lang);
	rp_free(o->timezone);
	strv_done(&o->blocked_tags);
	strv_done(&o->blocked_accounts);
	strv_done(&o->trusted_sources);
	strmap_done(&o->ids);
	strmap_done(&o->tags);
	strmap_done(&o->blocked_tag_index);
	strmap_done(&o->blocked_acct_index);
	rp_free(o);
}

static struct ontology *ontology_new(void)
{
	struct ontology *o = rp_calloc(1, sizeof *o);
	o->event.kind = CONCEPT_EVENT;
	strv_init(&o->event.hashtags);
	strv_init(&o->event.aliases);
	strv_init(&o->event.hidden);
	strv_init(&o->event.keywords);
	strv_init(&o->event.related);
	o->event.index = SIZE_MAX;
	strv_init(&o->blocked_tags);
	strv_init(&o->blocked_accounts);
	strv_init(&o->trusted_sources);
	strmap_init(&o->ids);
	strmap_init(&o->tags);
	strmap_init(&o->blocked_tag_index);
	strmap_init(&o->blocked_acct_index);
	return o;
}

static void add_concept(struct ontology *o, struct concept *c)
{
	c->index = o->n_all;
	o->all = rp_grow(o->all, sizeof *o->all, o->n_all + 1, &o->cap_all);
	o->all[o->n_all++] = c;
	strmap_put(&o->ids, c->id, strlen(c->id), (uint32_t)c->index);
	if (c->kind == CONCEPT_THEME) {
		o->themes = rp_grow(o->themes, sizeof *o->themes, o->n_themes + 1, &o->cap_themes);
		o->themes[o->n_themes++] = c;
	} else if (c->parent) {
		struct concept *t = c->parent;
		t->sessions = rp_grow(t->sessions, sizeof *t->sessions, t->n_sessions + 1,
		                      &t->cap_sessions);
		t->sessions[t->n_sessions++] = c;
	}
}

static uint32_t owner_code(const struct concept *c, unsigned how)
{
	uint32_t who = c->kind == CONCEPT_EVENT ? 0 : (uint32_t)c->index + 1;
	return (who << 2) | how;
}

/* ---- the loader ---------------------------------------------------- */

struct related_ref {
	struct concept *c;
	size_t i;                 /* index in c->related */
	unsigned line, column;
};

struct ld {
	struct ontology *o;
	const char *path;
	struct buf *err;
	size_t n_errors;
	struct related_ref *refs;
	size_t n_refs, cap_refs;
	struct buf fold;          /* scratch */
	bool limit;
};

static void report(struct ld *ld, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct ld *ld, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	buf_printf(ld->err, "%s:%u:%u: ", ld->path, at ? at->line : 1, at ? at->column : 1);
	va_start(ap, fmt);
	buf_vprintf(ld->err, fmt, ap);
	va_end(ap);
	buf_addc(ld->err, '\n');
	ld->n_errors++;
}

/* Edit distance with transpositions (optimal string alignment), for "did
 * you mean": "nmae" is one step from "name". Keys are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return SIZE_MAX;
	size_t d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static const char *nearest(const char *key, const char *const *valid)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	for (size_t i = 0; valid[i]; i++) {
		size_t d = distance(key, valid[i]);
		if (d < bestd) {
			bestd = d;
			best = valid[i];
		}
	}
	size_t len = strlen(key);
	size_t allowed = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	return bestd <= allowed ? best : NULL;
}

static void unknown_key(struct ld *ld, const struct ynode *k, const char *where,
                        const char *const *valid)
{
	const char *near = nearest(k->str, valid);
	if (near)
		report(ld, k, "unknown key \"%s\" in %s (did you mean \"%s\"?)", k->str, where, near);
	else
		report(ld, k, "unknown key \"%s\" in %s", k->str, where);
}

static bool want_kind(struct ld *ld, const struct ynode *n, enum ynode_kind kind,
                      const char *what)
{
	if (n->kind == kind)
		return true;
	static const char *names[] = { "a string", "a list", "a mapping" };
	report(ld, n, "%s must be %s", what, names[kind]);
	return false;
}

/* A non-empty scalar string, copied; NULL (reported) otherwise. */
static char *want_string(struct ld *ld, const struct ynode *n, const char *what)
{
	if (!want_kind(ld, n, YNODE_SCALAR, what))
		return NULL;
	if (n->alias)
		return NULL; /* reported where the alias is */
	if (ydoc_is_null(n) || n->len == 0) {
		report(ld, n, "%s is empty", what);
		return NULL;
	}
	for (const char *p = n->str, *end = n->str + n->len; p < end;) {
		int32_t cp = utf8_decode(&p, end);
		if (cp < 0 || (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
			report(ld, n, "%s contains a control or bidi-override character", what);
			return NULL;
		}
	}
	return rp_strdup(n->str);
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > ONTOLOGY_MAX_ID_BYTES)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

bool ontology_lang_valid(const char *s)
{
	size_t i = 0;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
		i++;
	if (i < 2 || i > 3)
		return false;
	while (s[i] == '-') {
		size_t j = ++i;
		while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		       (s[i] >= '0' && s[i] <= '9'))
			i++;
		if (i - j < 1 || i - j > 8)
			return false;
	}
	return s[i] == '\0';
}

/* The value *np as a list: a list's items, or *np standing alone (then
 * *items points at the caller's np). */
static size_t list_items(const struct ynode **np, const struct ynode *const **items)
{
	const struct ynode *n = *np;
	if (n->kind == YNODE_SEQ) {
		*items = (const struct ynode *const *)n->kids;
		return n->n;
	}
	*items = np;
	return ydoc_is_null(n) ? 0 : 1;
}

/* Check and fold a hashtag as written in tags.yaml (a leading '#' is
 * dropped). Returns the form to keep (as written, without '#'), or NULL
 * after reporting. The folded form is left in ld->fold. */
static char *check_tag(struct ld *ld, const struct ynode *n, const char *what)
{
	char *s = want_string(ld, n, what);
	if (!s)
		return NULL;
	char *body = s;
	if (body[0] == '#')
		body++;
	else if (strncmp(body, "\xEF\xBC\x83", 3) == 0)
		body += 3;
	if (!hashtag_is_valid(body, strlen(body))) {
		report(ld, n, "\"%s\" is not a hashtag (%s: letters, digits and '_', "
		       "not only digits, at most %d bytes)", s, what, RP_TAG_MAX_BYTES);
		rp_free(s);
		return NULL;
	}
	buf_reset(&ld->fold);
	utf8_fold(&ld->fold, body, strlen(body));
	if (ld->fold.len > RP_TAG_MAX_BYTES || ld->fold.len == 0) {
		report(ld, n, "%s \"%s\" is longer than %d bytes once normalised", what, s,
		       RP_TAG_MAX_BYTES);
		rp_free(s);
		return NULL;
	}
	char *kept = rp_strdup(body);
	rp_free(s);
	return kept;
}

/* Claim the folded tag in ld->fold for c; report a clash. */
static bool claim_tag(struct ld *ld, const struct ynode *n, struct concept *c, unsigned how,
                      const char *tag)
{
	struct ontology *o = ld->o;
	uint32_t prev = strmap_get(&o->tags, ld->fold.data, ld->fold.len);
	if (prev != STRMAP_NONE) {
		/* c may not be in o->all yet: compare codes before looking it up */
		if ((prev >> 2) == (owner_code(c, 0) >> 2)) {
			report(ld, n, "#%s is listed twice for \"%s\"", tag, c->id ? c->id : "?");
			return false;
		}
		const struct concept *owner = ontology_owner_of(o, prev);
		if (owner == c)
			report(ld, n, "#%s is listed twice for \"%s\"", tag, c->id ? c->id : "?");
		else
			report(ld, n, "#%s is already claimed by %s \"%s\" (line %u): a hashtag "
			       "belongs to one concept", tag, concept_kind_name(owner->kind),
			       owner->id ? owner->id : "?", owner->line);
		return false;
	}
	strmap_put(&o->tags, ld->fold.data, ld->fold.len, owner_code(c, how));
	return true;
}

static void load_tags(struct ld *ld, const struct ynode *v, struct concept *c, unsigned how,
                      const char *what)
{
	const struct ynode *const *items;
	if (v->kind == YNODE_MAP) {
		report(ld, v, "%s must be a list of hashtags", what);
		return;
	}
	size_t n = list_items(&v, &items);
	struct strv *dst = how == 0 ? &c->hashtags : how == 1 ? &c->aliases : &c->hidden;
	for (size_t i = 0; i < n; i++) {
		const struct ynode *it = items[i];
		if (how == 2 && it->kind == YNODE_SCALAR && memchr(it->str, ' ', it->len)) {
			/* A hidden label with a space is a misspelt phrase, matched as
			 * words only. */
			char *s = want_string(ld, it, what);
			if (s)
				strv_take(dst, s);
			continue;
		}
		char *tag = check_tag(ld, it, what);
		if (!tag)
			continue;
		if (claim_tag(ld, it, c, how, tag))
			strv_take(dst, tag);
		else
			rp_free(tag);
	}
}

static void load_keywords(struct ld *ld, const struct ynode *v, struct concept *c)
{
	const struct ynode *const *items;
	if (v->kind == YNODE_MAP) {
		report(ld, v, "keywords must be a list of words and phrases");
		return;
	}
	size_t n = list_items(&v, &items);
	for (size_t i = 0; i < n; i++) {
		char *k = want_string(ld, items[i], "a keyword");
		if (!k)
			continue;
		buf_reset(&ld->fold);
		utf8_fold(&ld->fold, k, strlen(k));
		bool word = false;
		for (const char *p = buf_str(&ld->fold), *end = p + ld->fold.len; p < end;)
			if (hashtag_is_word_cp(utf8_decode(&p, end)))
				word = true;
		if (!word) {
			report(ld, items[i], "keyword \"%s\" has no letter or digit", k);
			rp_free(k);
		} else if (ld->fold.len > ONTOLOGY_MAX_KEYWORD_BYTES) {
			report(ld, items[i], "keyword is longer than %d bytes", ONTOLOGY_MAX_KEYWORD_BYTES);
			rp_free(k);
		} else if (strv_contains(&c->keywords, k)) {
			report(ld, items[i], "keyword \"%s\" is listed twice", k);
			rp_free(k);
		} else {
			strv_take(&c->keywords, k);
		}
	}
}

static void load_labels(struct ld *ld, const struct ynode *v, struct concept *c)
{
	const char *deflang = ld->o->lang ? ld->o->lang : "en";
	if (v->kind == YNODE_SCALAR) {
		char *text = want_string(ld, v, "name");
		if (!text)
			return;
		c->labels = rp_calloc(1, sizeof *c->labels);
		c->labels[0].lang = rp_strdup(deflang);
		c->labels[0].text = text;
		c->n_labels = 1;
		return;
	}
	if (!want_kind(ld, v, YNODE_MAP, "name"))
		return;
	c->labels = rp_calloc(v->n / 2 + 1, sizeof *c->labels);
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->kids[i], *t = v->kids[i + 1];
		if (k->kind != YNODE_SCALAR)
			continue;
		if (!ontology_lang_valid(k->str)) {
			report(ld, k, "\"%s\" is not a language tag (like en, ru, az, pt-BR)", k->str);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < c->n_labels; j++)
			if (strcasecmp(c->labels[j].lang, k->str) == 0)
				dup = true;
		if (dup)
			continue; /* the duplicate key is already reported */
		char *text = want_string(ld, t, "a label");
		if (!text)
			continue;
		c->labels[c->n_labels].lang = rp_strdup(k->str);
		c->labels[c->n_labels].text = text;
		c->n_labels++;
	}
	if (c->n_labels == 0)
		report(ld, v, "name has no label");
}

static bool tz_exists(const char *tz)
{
	if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0)
		return true;
	if (tz[0] == '/' || strstr(tz, "..") || strlen(tz) > 64)
		return false;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '_' || *p == '-' || *p == '+'))
			return false;
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char magic[4] = {0};
	size_t got = fread(magic, 1, 4, f);
	fclose(f);
	return got == 4 && memcmp(magic, "TZif", 4) == 0;
}

/* Local civil time in time zone tz to UTC (core/clock.h: not thread-safe). */
static int64_t local_to_utc(const char *tz, int y, int mo, int d, int h, int mi, int s)
{
	char *old = clock_tz_switch(tz);
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	                 .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	clock_tz_restore(old);
	return (int64_t)t;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD[ T]HH:MM[:SS][Z|+HH:MM|-HH:MM]". No offset: event time zone. */
static bool parse_time(struct ld *ld, const struct ynode *n, const char *s, int64_t *ret)
{
	size_t len = strlen(s);
	if (len < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		goto bad;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = 0;
	const char *rest = s + 16;
	if (*rest == ':') {
		sec = digits(rest + 1, 2);
		rest += 3;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		goto bad;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		goto bad;
	int64_t t = date_from_civil(y, mo, d, h, mi, sec);
	if (*rest == '\0') {
		if (!ld->o->timezone) {
			report(ld, n, "time \"%s\" has no offset and the event has no timezone", s);
			return false;
		}
		*ret = local_to_utc(ld->o->timezone, y, mo, d, h, mi, sec);
		return true;
	}
	if (strcmp(rest, "Z") == 0) {
		*ret = t;
		return true;
	}
	if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 && rest[3] == ':') {
		int oh = digits(rest + 1, 2), om = digits(rest + 4, 2);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			goto bad;
		int64_t off = (int64_t)oh * 3600 + om * 60;
		*ret = rest[0] == '+' ? t - off : t + off;
		return true;
	}
bad:
	report(ld, n, "bad time \"%s\": write YYYY-MM-DD HH:MM, optionally with :SS and an "
	       "offset (Z, +04:00)", s);
	return false;
}

static void load_time(struct ld *ld, const struct ynode *v, char **text, int64_t *t)
{
	char *s = want_string(ld, v, "a time");
	if (!s)
		return;
	if (parse_time(ld, v, s, t))
		*text = s;
	else
		rp_free(s);
}

static void load_related(struct ld *ld, const struct ynode *v, struct concept *c)
{
	const struct ynode *const *items;
	size_t n = list_items(&v, &items);
	for (size_t i = 0; i < n; i++) {
		char *id = want_string(ld, items[i], "a related id");
		if (!id)
			continue;
		strv_take(&c->related, id);
		ld->refs = rp_grow(ld->refs, sizeof *ld->refs, ld->n_refs + 1, &ld->cap_refs);
		ld->refs[ld->n_refs++] = (struct related_ref){ c, c->related.n - 1,
		                                               items[i]->line, items[i]->column };
	}
}

static const char *const event_keys[] = { "id", "name", "lang", "timezone", "start", "end",
	"hashtags", "aliases", "hidden", "keywords", "trusted_sources", "url", "note", NULL };
static const char *const theme_keys[] = { "id", "name", "hashtags", "aliases", "hidden",
	"keywords", "related", "sessions", "url", "note", NULL };
static const char *const session_keys[] = { "id", "name", "hashtags", "aliases", "hidden",
	"keywords", "related", "start", "end", "room", "url", "note", NULL };
static const char *const root_keys[] = { "event", "themes", "blocked", NULL };
static const char *const blocked_keys[] = { "tags", "accounts", NULL };

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static void load_concept(struct ld *ld, const struct ynode *m, struct concept *c);

static void load_sessions(struct ld *ld, const struct ynode *v, struct concept *theme)
{
	if (!want_kind(ld, v, YNODE_SEQ, "sessions"))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *m = v->kids[i];
		if (!want_kind(ld, m, YNODE_MAP, "a session"))
			continue;
		struct concept *s = concept_new(CONCEPT_SESSION);
		s->parent = theme;
		s->line = m->line;
		s->column = m->column;
		load_concept(ld, m, s);
		if (!s->id) {
			concept_done(s);
			rp_free(s);
			continue;
		}
		add_concept(ld->o, s);
	}
}

/* id first, so that the concept has its index before its tags are
 * claimed; then the rest in file order. */
static bool load_id_checked(struct ld *ld, const struct ynode *m, struct concept *c);

/* A concept whose id is missing or wrong is still checked (and added, so
 * its tags can be claimed): under a placeholder id no real id can take,
 * and the load fails anyway. */
static bool load_id(struct ld *ld, const struct ynode *m, struct concept *c)
{
	if (load_id_checked(ld, m, c))
		return true;
	if (ld->limit)
		return false;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "?%u:%u", m->line, m->column);
	c->id = rp_strdup(tmp);
	return true;
}

static bool load_id_checked(struct ld *ld, const struct ynode *m, struct concept *c)
{
	const struct ynode *v = ydoc_get(m, "id");
	const char *what = concept_kind_name(c->kind);
	if (!v) {
		report(ld, m, "this %s has no id", what);
		return false;
	}
	char *id = want_string(ld, v, "id");
	if (!id)
		return false;
	if (!id_ok(id)) {
		report(ld, v, "id \"%s\": use lowercase letters, digits, '-', '_' and '.' "
		       "(at most %d bytes)", id, ONTOLOGY_MAX_ID_BYTES);
		rp_free(id);
		return false;
	}
	struct ontology *o = ld->o;
	const struct concept *prev = c->kind == CONCEPT_EVENT ? NULL : ontology_find(o, id);
	if (!prev && c->kind != CONCEPT_EVENT && o->event.id && strcmp(o->event.id, id) == 0)
		prev = &o->event;
	if (prev) {
		report(ld, v, "duplicate id \"%s\" (already the %s at line %u)", id,
		       concept_kind_name(prev->kind), prev->line);
		rp_free(id);
		return false;
	}
	if (o->n_all >= ONTOLOGY_MAX_CONCEPTS) {
		report(ld, v, "more than %d themes and sessions", ONTOLOGY_MAX_CONCEPTS);
		ld->limit = true;
		rp_free(id);
		return false;
	}
	c->id = id;
	return true;
}

static void load_concept(struct ld *ld, const struct ynode *m, struct concept *c)
{
	const char *const *keys = c->kind == CONCEPT_EVENT ? event_keys :
	                          c->kind == CONCEPT_THEME ? theme_keys : session_keys;
	const char *what = concept_kind_name(c->kind);
	if (!load_id(ld, m, c))
		return;
	if (c->kind != CONCEPT_EVENT) {
		/* Reserve the index now so that tag claims can name this concept. */
		c->index = ld->o->n_all;
		c->default_lang = ld->o->lang;
	}
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1];
		if (k->kind != YNODE_SCALAR)
			continue;
		const char *key = k->str;
		if (!in_list(key, keys)) {
			if (strcmp(key, "sessions") == 0 && c->kind == CONCEPT_EVENT)
				report(ld, k, "sessions outside a theme: put each session under its "
				       "theme's \"sessions:\"");
			else if (strcmp(key, "sessions") == 0)
				report(ld, k, "a session cannot hold sessions: sessions belong to a theme");
			else if (strcmp(key, "themes") == 0 && c->kind == CONCEPT_EVENT)
				report(ld, k, "themes go at the top level, beside \"event:\", not inside it");
			else {
				unknown_key(ld, k, c->kind == CONCEPT_EVENT ? "the event" :
				            c->kind == CONCEPT_THEME ? "a theme" : "a session", keys);
			}
			continue;
		}
		if (strcmp(key, "id") == 0)
			continue;
		if (strcmp(key, "name") == 0) {
			if (!c->labels)
				load_labels(ld, v, c);
		} else if (strcmp(key, "hashtags") == 0) {
			load_tags(ld, v, c, 0, "a hashtag");
		} else if (strcmp(key, "aliases") == 0) {
			load_tags(ld, v, c, 1, "an alias");
		} else if (strcmp(key, "hidden") == 0) {
			load_tags(ld, v, c, 2, "a hidden label");
		} else if (strcmp(key, "keywords") == 0) {
			load_keywords(ld, v, c);
		} else if (strcmp(key, "related") == 0) {
			load_related(ld, v, c);
		} else if (strcmp(key, "note") == 0) {
			if (!c->note)
				c->note = want_string(ld, v, "note");
		} else if (strcmp(key, "url") == 0) {
			if (!c->url)
				c->url = want_string(ld, v, "url");
		} else if (strcmp(key, "room") == 0) {
			if (!c->room)
				c->room = want_string(ld, v, "room");
		} else if (strcmp(key, "start") == 0) {
			if (!c->start_text)
				load_time(ld, v, &c->start_text, &c->start);
		} else if (strcmp(key, "end") == 0) {
			if (!c->end_text)
				load_time(ld, v, &c->end_text, &c->end);
		} else if (strcmp(key, "sessions") == 0) {
			/* after this theme is added: see load_theme */
		} else if (strcmp(key, "lang") == 0 || strcmp(key, "timezone") == 0) {
			/* read before everything else: see load_event */
		} else if (strcmp(key, "trusted_sources") == 0) {
			const struct ynode *const *items;
			size_t n = list_items(&v, &items);
			for (size_t j = 0; j < n; j++) {
				char *s = want_string(ld, items[j], "a trusted source");
				if (s)
					strv_take(&ld->o->trusted_sources, s);
			}
		}
	}
	if (!c->labels && !ydoc_get(m, "name"))
		report(ld, m, "%s \"%s\" has no name", what, c->id);
	if (c->start_text && c->end_text && c->end <= c->start) {
		const struct ynode *e = ydoc_get(m, "end");
		report(ld, e, "end %s is not after start %s", c->end_text, c->start_text);
	}
}

static void load_event(struct ld *ld, const struct ynode *m)
{
	struct ontology *o = ld->o;
	if (!want_kind(ld, m, YNODE_MAP, "event"))
		return;
	o->event.line = m->line;
	o->event.column = m->column;
	const struct ynode *v;
	if ((v = ydoc_get(m, "lang"))) {
		char *lang = want_string(ld, v, "lang");
		if (lang && !ontology_lang_valid(lang)) {
			report(ld, v, "\"%s\" is not a language tag (like en, ru, az)", lang);
			rp_free(lang);
			lang = NULL;
		}
		o->lang = lang;
	}
	if (!o->lang)
		o->lang = rp_strdup("en");
	o->event.default_lang = o->lang;
	if ((v = ydoc_get(m, "timezone"))) {
		char *tz = want_string(ld, v, "timezone");
		if (tz && !tz_exists(tz)) {
			report(ld, v, "unknown time zone \"%s\" (an IANA name such as Asia/Baku)", tz);
			rp_free(tz);
			tz = NULL;
		}
		o->timezone = tz;
	}
	load_concept(ld, m, &o->event);
}

static void load_themes(struct ld *ld, const struct ynode *v)
{
	if (!want_kind(ld, v, YNODE_SEQ, "themes"))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *m = v->kids[i];
		if (!want_kind(ld, m, YNODE_MAP, "a theme"))
			continue;
		struct concept *t = concept_new(CONCEPT_THEME);
		t->line = m->line;
		t->column = m->column;
		load_concept(ld, m, t);
		if (!t->id) {
			concept_done(t);
			rp_free(t);
			continue;
		}
		add_concept(ld->o, t);
		const struct ynode *s = ydoc_get(m, "sessions");
		if (s && !ydoc_is_null(s))
			load_sessions(ld, s, t);
	}
}

static void load_blocked_list(struct ld *ld, const struct ynode *v, bool accounts)
{
	const struct ynode *const *items;
	if (v->kind == YNODE_MAP) {
		report(ld, v, "expected a list");
		return;
	}
	size_t n = list_items(&v, &items);
	for (size_t i = 0; i < n; i++) {
		if (accounts) {
			char *a = want_string(ld, items[i], "a blocked account");
			if (!a)
				continue;
			ontology_block_account(ld->o, a);
			rp_free(a);
			continue;
		}
		char *tag = check_tag(ld, items[i], "a blocked tag");
		if (!tag)
			continue;
		uint32_t prev = strmap_get(&ld->o->tags, ld->fold.data, ld->fold.len);
		if (prev != STRMAP_NONE) {
			const struct concept *owner = ontology_owner_of(ld->o, prev);
			report(ld, items[i], "blocked tag #%s is a hashtag of %s \"%s\"", tag,
			       concept_kind_name(owner->kind), owner->id);
		} else if (strmap_get(&ld->o->blocked_tag_index, ld->fold.data, ld->fold.len) !=
		           STRMAP_NONE) {
			report(ld, items[i], "#%s is blocked twice", tag);
		} else {
			strmap_put(&ld->o->blocked_tag_index, ld->fold.data, ld->fold.len, 1);
			strv_take(&ld->o->blocked_tags, tag);
			tag = NULL;
		}
		rp_free(tag);
	}
}

static void load_blocked(struct ld *ld, const struct ynode *v)
{
	if (v->kind != YNODE_MAP) {
		load_blocked_list(ld, v, false);
		return;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->kids[i];
		if (k->kind != YNODE_SCALAR)
			continue;
		if (strcmp(k->str, "tags") == 0)
			load_blocked_list(ld, v->kids[i + 1], false);
		else if (strcmp(k->str, "accounts") == 0)
			load_blocked_list(ld, v->kids[i + 1], true);
		else
			unknown_key(ld, k, "blocked", blocked_keys);
	}
}

static void check_related(struct ld *ld)
{
	const char *ids[64];
	for (size_t i = 0; i < ld->n_refs; i++) {
		struct related_ref *r = &ld->refs[i];
		const char *id = r->c->related.v[r->i];
		struct ynode at = { .line = r->line, .column = r->column };
		const struct concept *target = ontology_find(ld->o, id);
		if (target == r->c) {
			report(ld, &at, "\"%s\" is related to itself", id);
		} else if (!target) {
			/* nearest among up to 63 ids is enough for a hint */
			size_t n = 0;
			for (size_t j = 0; j < ld->o->n_all && n < 63; j++)
				ids[n++] = ld->o->all[j]->id;
			ids[n] = NULL;
			const char *near = nearest(id, ids);
			if (near)
				report(ld, &at, "related \"%s\" is not a theme or session id "
				       "(did you mean \"%s\"?)", id, near);
			else
				report(ld, &at, "related \"%s\" is not a theme or session id", id);
		}
	}
}

struct err_line {
	unsigned line, column;
	size_t seq;            /* keeps the order of messages at one place */
	const char *text;
	size_t len;
};

static int err_line_cmp(const void *a, const void *b)
{
	const struct err_line *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Append the messages in msgs to err sorted by line and column, the way
 * a person fixes a file from the top. */
static void append_sorted(struct buf *err, const struct buf *msgs, const char *path)
{
	size_t n = 0, cap = 0, plen = strlen(path);
	struct err_line *v = NULL;
	const char *p = buf_str(msgs), *end = p + msgs->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl + 1 : end;
		struct err_line el = { 0, 0, n, p, (size_t)(stop - p) };
		if ((size_t)(stop - p) > plen + 1 && strncmp(p, path, plen) == 0 && p[plen] == ':')
			sscanf(p + plen + 1, "%u:%u", &el.line, &el.column);
		v = rp_grow(v, sizeof *v, n + 1, &cap);
		v[n++] = el;
		p = stop;
	}
	if (n)
		qsort(v, n, sizeof *v, err_line_cmp);
	for (size_t i = 0; i < n; i++)
		buf_add(err, v[i].text, v[i].len);
	rp_free(v);
}

static rp_err load(const char *path, struct ontology **ret, struct buf *err);

rp_err ontology_load(const char *path, struct ontology **ret, struct buf *err)
{
	struct buf msgs = {0};
	rp_err e = load(path, ret, &msgs);
	append_sorted(err, &msgs, path);
	buf_done(&msgs);
	return e;
}

static rp_err load(const char *path, struct ontology **ret, struct buf *err)
{
	struct ynode *root = NULL;
	size_t yaml_errors = 0;
	rp_err e = ydoc_load(path, &root, err, &yaml_errors);
	if (e)
		return e;
	struct ld ld = { .o = ontology_new(), .path = path, .err = err, .n_errors = yaml_errors };
	ld.o->path = rp_strdup(path);

	if (root->kind != YNODE_MAP) {
		report(&ld, root, "tags.yaml must be a mapping with event: and themes:");
		goto done;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct ynode *k = root->kids[i];
		if (k->kind != YNODE_SCALAR || in_list(k->str, root_keys))
			continue;
		if (strcmp(k->str, "sessions") == 0)
			report(&ld, k, "sessions outside a theme: put each session under its "
			       "theme's \"sessions:\"");
		else
			unknown_key(&ld, k, "the top level", root_keys);
	}
	const struct ynode *v = ydoc_get(root, "event");
	if (!v)
		report(&ld, root, "no \"event:\" (id, name, hashtags)");
	else
		load_event(&ld, v);
	if ((v = ydoc_get(root, "themes")) && !ydoc_is_null(v))
		load_themes(&ld, v);
	if ((v = ydoc_get(root, "blocked")) && !ydoc_is_null(v))
		load_blocked(&ld, v);
	check_related(&ld);
done:
	ydoc_free(root);
	rp_free(ld.refs);
	buf_done(&ld.fold);
	if (ld.n_errors) {
		ontology_free(ld.o);
		return ld.limit ? RP_ERR_LIMIT : RP_ERR_INPUT;
	}
	*ret = ld.o;
	return RP_OK;
}

/* ---- curation changes ---------------------------------------------- */

static rp_err fold_checked_tag(const char *tag, struct buf *fold, struct buf *err)
{
	const char *body = tag;
	if (body[0] == '#')
		body++;
	else if (strncmp(body, "\xEF\xBC\x83", 3) == 0)
		body += 3;
	if (!hashtag_is_valid(body, strlen(body))) {
		buf_printf(err, "\"%s\" is not a hashtag", tag);
		return RP_ERR_INPUT;
	}
	utf8_fold(fold, body, strlen(body));
	if (fold->len > RP_TAG_MAX_BYTES) {
		buf_printf(err, "\"%s\" is too long", tag);
		return RP_ERR_INPUT;
	}
	return RP_OK;
}

static const char *strip_hash(const char *tag)
{
	if (tag[0] == '#')
		return tag + 1;
	if (strncmp(tag, "\xEF\xBC\x83", 3) == 0)
		return tag + 3;
	return tag;
}

static struct concept *find_any(struct ontology *o, const char *id)
{
	if (o->event.id && strcmp(id, o->event.id) == 0)
		return &o->event;
	uint32_t i = strmap_get(&o->ids, id, strlen(id));
	return i == STRMAP_NONE ? NULL : o->all[i];
}

static rp_err claim_new_tag(struct ontology *o, struct concept *c, const char *tag,
                            unsigned how, struct buf *err)
{
	struct buf f = {0};
	rp_err e = fold_checked_tag(tag, &f, err);
	if (e)
		goto out;
	uint32_t prev = strmap_get(&o->tags, f.data, f.len);
	if (prev != STRMAP_NONE) {
		const struct concept *owner = ontology_owner_of(o, prev);
		buf_printf(err, "#%s already belongs to %s \"%s\"", strip_hash(tag),
		           concept_kind_name(owner->kind), owner->id);
		e = RP_ERR_INPUT;
		goto out;
	}
	if (strmap_get(&o->blocked_tag_index, f.data, f.len) != STRMAP_NONE) {
		buf_printf(err, "#%s is blocked", strip_hash(tag));
		e = RP_ERR_INPUT;
		goto out;
	}
	strmap_put(&o->tags, f.data, f.len, owner_code(c, how));
	strv_push(how == 0 ? &c->hashtags : &c->aliases, strip_hash(tag));
	o->version++;
out:
	buf_done(&f);
	return e;
}

rp_err ontology_add_alias(struct ontology *o, const char *concept_id, const char *tag,
                          struct buf *err)
{
	struct concept *c = find_any(o, concept_id);
	if (!c) {
		buf_printf(err, "no concept \"%s\"", concept_id);
		return RP_ERR_NOTFOUND;
	}
	return claim_new_tag(o, c, tag, 1, err);
}

rp_err ontology_add_keyword(struct ontology *o, const char *concept_id, const char *keyword,
                            struct buf *err)
{
	struct concept *c = find_any(o, concept_id);
	if (!c) {
		buf_printf(err, "no concept \"%s\"", concept_id);
		return RP_ERR_NOTFOUND;
	}
	struct buf f = {0};
	utf8_fold(&f, keyword, strlen(keyword));
	bool word = false;
	for (const char *p = buf_str(&f), *end = p + f.len; p < end;)
		if (hashtag_is_word_cp(utf8_decode(&p, end)))
			word = true;
	size_t flen = f.len;
	buf_done(&f);
	if (!word || flen > ONTOLOGY_MAX_KEYWORD_BYTES) {
		buf_printf(err, "\"%s\" is not a usable keyword", keyword);
		return RP_ERR_INPUT;
	}
	if (strv_push_unique(&c->keywords, keyword))
		o->version++;
	return RP_OK;
}

rp_err ontology_add_concept(struct ontology *o, const char *id, const char *label,
                            const char *parent_id, const char *tag, struct buf *err)
{
	if (!id_ok(id)) {
		buf_printf(err, "id \"%s\": use lowercase letters, digits, '-', '_' and '.'", id);
		return RP_ERR_INPUT;
	}
	if (find_any(o, id)) {
		buf_printf(err, "id \"%s\" exists already", id);
		return RP_ERR_INPUT;
	}
	if (!label || !*label) {
		buf_adds(err, "a new concept needs a label");
		return RP_ERR_INPUT;
	}
	struct concept *parent = NULL;
	if (parent_id) {
		parent = find_any(o, parent_id);
		if (!parent || parent->kind != CONCEPT_THEME) {
			buf_printf(err, "\"%s\" is not a theme", parent_id);
			return RP_ERR_NOTFOUND;
		}
	}
	struct buf f = {0};
	if (tag) {
		rp_err e = fold_checked_tag(tag, &f, err);
		if (e == RP_OK && strmap_get(&o->tags, f.data, f.len) != STRMAP_NONE) {
			buf_printf(err, "#%s already belongs to a concept", strip_hash(tag));
			e = RP_ERR_INPUT;
		}
		buf_done(&f);
		if (e)
			return e;
	}
	struct concept *c = concept_new(parent ? CONCEPT_SESSION : CONCEPT_THEME);
	c->id = rp_strdup(id);
	c->parent = parent;
	c->default_lang = o->lang;
	c->labels = rp_calloc(1, sizeof *c->labels);
	c->labels[0].lang = rp_strdup(ontology_lang(o));
	c->labels[0].text = rp_strdup(label);
	c->n_labels = 1;
	add_concept(o, c);
	o->version++;
	if (tag) {
		rp_err e = claim_new_tag(o, c, tag, 0, err);
		(void)e; /* checked above */
	}
	return RP_OK;
}

rp_err ontology_block_tag(struct ontology *o, const char *tag, struct buf *err)
{
	struct buf f = {0};
	rp_err e = fold_checked_tag(tag, &f, err);
	if (e)
		goto out;
	if (strmap_get(&o->blocked_tag_index, f.data, f.len) != STRMAP_NONE)
		goto out;
	uint32_t prev = strmap_get(&o->tags, f.data, f.len);
	if (prev != STRMAP_NONE) {
		/* Drop the concept's claim: a blocked tag is never matched. */
		struct concept *c = (struct concept *)ontology_owner_of(o, prev);
		struct strv *lists[] = { &c->hashtags, &c->aliases, &c->hidden };
		struct buf g = {0};
		for (size_t l = 0; l < 3; l++) {
			struct strv *sv = lists[l];
			for (size_t i = 0; i < sv->n; i++) {
				buf_reset(&g);
				utf8_fold(&g, sv->v[i], strlen(sv->v[i]));
				if (g.len == f.len && memcmp(g.data, f.data, f.len) == 0) {
					rp_free(sv->v[i]);
					memmove(&sv->v[i], &sv->v[i + 1], (sv->n - i) * sizeof *sv->v);
					sv->n--;
					i--;
				}
			}
		}
		buf_done(&g);
		/* strmap has no delete: rebuild the tag index without it. */
		struct strmap fresh;
		strmap_init(&fresh);
		for (size_t i = 0; i <= o->tags.mask; i++) {
			size_t len;
			uint32_t val;
			const char *k = strmap_slot_key(&o->tags, i, &len, &val);
			if (k && !(len == f.len && memcmp(k, f.data, len) == 0))
				strmap_put(&fresh, k, len, val);
		}
		strmap_done(&o->tags);
		o->tags = fresh;
	}
	strmap_put(&o->blocked_tag_index, f.data, f.len, 1);
	strv_push(&o->blocked_tags, strip_hash(tag));
	o->version++;
out:
	buf_done(&f);
	return e;
}

void ontology_block_account(struct ontology *o, const char *account)
{
	struct buf f = {0};
	utf8_fold(&f, account, strlen(account));
	if (strmap_get(&o->blocked_acct_index, buf_str(&f), f.len) == STRMAP_NONE) {
		strmap_put(&o->blocked_acct_index, buf_str(&f), f.len, 1);
		strv_push(&o->blocked_accounts, account);
		o->version++;
	}
	buf_done(&f);
}
