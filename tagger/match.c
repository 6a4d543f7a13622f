/* tagger/match.c - matching posts to the ontology (see match.h). */
#include "tagger/match.h"

#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "tagger/automaton.h"
#include "tagger/hashtag.h"
#include "tagger/ontology-impl.h"
#include "tagger/strmap.h"

#define HOW_BLOCKED 3

struct tag_entry {
	uint32_t who;           /* 0 the event, else concept index + 1 */
	uint8_t how;            /* 0 hashtag, 1 alias, 2 hidden, HOW_BLOCKED */
	const char *display;    /* lent from the ontology; NULL: never shown */
	size_t display_len;
};

struct kw_entry {
	uint32_t who;           /* as in tag_entry */
	uint8_t hidden;         /* a hidden label matched as words */
	const char *keyword;    /* lent from the ontology */
	size_t keyword_len;
};

struct matcher {
	const struct ontology *o;
	uint64_t version;
	struct strmap tags;          /* folded tag -> index in tag_entries */
	struct tag_entry *tag_entries;
	size_t n_tag_entries, cap_tag_entries;
	struct automaton *ac;
	struct kw_entry *kws;
	size_t n_kws, cap_kws;
	struct strmap trusted;       /* trusted sources, exact */
	bool has_blocked_accounts;

	/* per-post scratch, reused */
	struct buf text;             /* folded title "\n" text */
	struct buf one;              /* one folded tag or author */
	uint32_t *stamp;             /* per concept (index + 1; 0 the event): == gen when marked */
	uint32_t *kw_stamp;          /* per keyword entry: == gen when reported */
	uint32_t gen;
	uint32_t *marked;            /* marked concept slots this post */
	size_t n_marked;
	uint64_t seen[RP_POST_MAX_TAGS * 3]; /* folded-tag hashes seen this post */
	size_t n_seen;
	uint32_t concept_tag;        /* the first theme/session whose tag matched (who), or 0 */
	/* the post being matched */
	struct match_why *why;
	size_t title_len;            /* bytes of the folded title in text, before "\n" */
	enum match_field scan_field; /* FIELD_NONE: decide by offset */
};

void match_why_init(struct match_why *w)
{
	memset(w, 0, sizeof *w);
}

void match_why_done(struct match_why *w)
{
	rp_free(w->reasons);
	rp_free(w->tags);
	match_why_init(w);
}

const char *match_by_name(enum match_by by)
{
	switch (by) {
	case MATCH_HASHTAG: return "hashtag";
	case MATCH_ALIAS: return "alias";
	case MATCH_HIDDEN: return "hidden";
	case MATCH_KEYWORD: return "keyword";
	case MATCH_NARROWER: return "narrower";
	case MATCH_SOURCE: return "source";
	case MATCH_BLOCKED: return "blocked-account";
	}
	return "?";
}

const char *match_field_name(enum match_field f)
{
	switch (f) {
	case FIELD_TAGS: return "tags";
	case FIELD_TITLE: return "title";
	case FIELD_TEXT: return "text";
	case FIELD_NONE: return "";
	}
	return "";
}

static const struct concept *who_concept(const struct matcher *m, uint32_t who)
{
	return who == 0 ? &m->o->event : m->o->all[who - 1];
}

static void add_tag_entry(struct matcher *m, const char *tag, uint8_t how, uint32_t who,
                          const char *display)
{
	buf_reset(&m->one);
	ontology_fold_tag(&m->one, tag, strlen(tag));
	m->tag_entries = rp_grow(m->tag_entries, sizeof *m->tag_entries, m->n_tag_entries + 1,
	                         &m->cap_tag_entries);
	uint32_t idx = (uint32_t)m->n_tag_entries;
	if (strmap_intern(&m->tags, buf_str(&m->one), m->one.len, idx) != idx)
		return; /* claimed already (the loader reported it) */
	m->tag_entries[m->n_tag_entries++] =
		(struct tag_entry){ who, how, display, display ? strlen(display) : 0 };
}

static void add_keyword(struct matcher *m, const char *kw, uint32_t who, bool hidden)
{
	buf_reset(&m->one);
	utf8_fold(&m->one, kw, strlen(kw));
	m->kws = rp_grow(m->kws, sizeof *m->kws, m->n_kws + 1, &m->cap_kws);
	if (automaton_add(m->ac, buf_str(&m->one), m->one.len, (uint32_t)m->n_kws))
		m->kws[m->n_kws++] = (struct kw_entry){ who, hidden, kw, strlen(kw) };
}

static void add_concept(struct matcher *m, const struct concept *c, uint32_t who)
{
	for (size_t i = 0; i < c->hashtags.n; i++)
		add_tag_entry(m, c->hashtags.v[i], 0, who, c->hashtags.v[i]);
	for (size_t i = 0; i < c->aliases.n; i++)
		add_tag_entry(m, c->aliases.v[i], 1, who, c->aliases.v[i]);
	for (size_t i = 0; i < c->hidden.n; i++) {
		const char *h = c->hidden.v[i];
		if (hashtag_is_valid(h, strlen(h)))
			add_tag_entry(m, h, 2, who, concept_display_tag(c));
		add_keyword(m, h, who, true);
	}
	for (size_t i = 0; i < c->keywords.n; i++)
		add_keyword(m, c->keywords.v[i], who, false);
}

struct matcher *matcher_new(const struct ontology *o)
{
	struct matcher *m = rp_calloc(1, sizeof *m);
	m->o = o;
	m->version = o->version;
	strmap_init(&m->tags);
	strmap_init(&m->trusted);
	m->ac = automaton_new();
	add_concept(m, &o->event, 0);
	for (size_t i = 0; i < o->n_all; i++)
		add_concept(m, o->all[i], (uint32_t)i + 1);
	for (size_t i = 0; i < o->blocked_tags.n; i++)
		add_tag_entry(m, o->blocked_tags.v[i], HOW_BLOCKED, 0, NULL);
	for (size_t i = 0; i < o->trusted_sources.n; i++)
		strmap_put(&m->trusted, o->trusted_sources.v[i], strlen(o->trusted_sources.v[i]), 1);
	m->has_blocked_accounts = o->blocked_accounts.n > 0;
	automaton_build(m->ac);
	m->stamp = rp_calloc(o->n_all + 1, sizeof *m->stamp);
	m->kw_stamp = rp_calloc(m->n_kws + 1, sizeof *m->kw_stamp);
	m->marked = rp_calloc(o->n_all + 1, sizeof *m->marked);
	return m;
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	strmap_done(&m->tags);
	strmap_done(&m->trusted);
	rp_free(m->tag_entries);
	automaton_free(m->ac);
	rp_free(m->kws);
	buf_done(&m->text);
	buf_done(&m->one);
	rp_free(m->stamp);
	rp_free(m->kw_stamp);
	rp_free(m->marked);
	rp_free(m);
}

uint64_t matcher_version(const struct matcher *m)
{
	return m->version;
}

static void reason(struct matcher *m, const struct concept *c, enum match_by by,
                   enum match_field field, const char *token, size_t len)
{
	struct match_why *w = m->why;
	if (!w)
		return;
	if (w->n_reasons == w->cap_reasons)
		w->reasons = rp_grow(w->reasons, sizeof *w->reasons, w->n_reasons + 1,
		                     &w->cap_reasons);
	w->reasons[w->n_reasons++] = (struct match_reason){ c, by, field, token, len };
}

/* Mark a concept; true the first time this post. */
static bool mark(struct matcher *m, uint32_t who)
{
	if (m->stamp[who] == m->gen)
		return false;
	m->stamp[who] = m->gen;
	m->marked[m->n_marked++] = who;
	return true;
}

static void add_shown_tag(struct matcher *m, const char *display, size_t len,
                          const struct concept *c, enum match_by how, enum match_field field)
{
	struct match_why *w = m->why;
	if (!w || !display)
		return;
	if (w->n_tags == w->cap_tags)
		w->tags = rp_grow(w->tags, sizeof *w->tags, w->n_tags + 1, &w->cap_tags);
	w->tags[w->n_tags++] = (struct match_tag){ display, len, c, how, field };
}

static void handle_tag(struct matcher *m, const char *raw, size_t len, enum match_field field)
{
	if (len >= 1 && raw[0] == '#') {
		raw++;
		len--;
	}
	if (len == 0)
		return;
	buf_reset(&m->one);
	utf8_fold(&m->one, raw, len);
	uint64_t h = hash64(m->one.data, m->one.len);
	for (size_t i = 0; i < m->n_seen; i++)
		if (m->seen[i] == h)
			return;
	if (m->n_seen == sizeof m->seen / sizeof m->seen[0])
		return;
	m->seen[m->n_seen++] = h;
	uint32_t e = strmap_get(&m->tags, m->one.data, m->one.len);
	if (e == STRMAP_NONE) {
		add_shown_tag(m, raw, len, NULL, MATCH_HASHTAG, field);
		return;
	}
	const struct tag_entry *te = &m->tag_entries[e];
	if (te->how == HOW_BLOCKED)
		return;
	const struct concept *c = who_concept(m, te->who);
	enum match_by by = te->how == 0 ? MATCH_HASHTAG : te->how == 1 ? MATCH_ALIAS : MATCH_HIDDEN;
	if (te->display)
		add_shown_tag(m, te->display, te->display_len, c, by, field);
	mark(m, te->who);
	if (te->who != 0 && !m->concept_tag)
		m->concept_tag = te->who;
	reason(m, c, by, field, raw, len);
}

static void on_keyword(void *ctx, uint32_t value, size_t start, size_t end)
{
	struct matcher *m = ctx;
	(void)end;
	if (m->kw_stamp[value] == m->gen)
		return;
	m->kw_stamp[value] = m->gen;
	const struct kw_entry *k = &m->kws[value];
	mark(m, k->who);
	enum match_field f = m->scan_field != FIELD_NONE ? m->scan_field :
	                     start < m->title_len ? FIELD_TITLE : FIELD_TEXT;
	reason(m, who_concept(m, k->who), k->hidden ? MATCH_HIDDEN : MATCH_KEYWORD, f, k->keyword,
	       k->keyword_len);
}

static void extract_tags(struct matcher *m, const char *s, size_t len, enum match_field field)
{
	if (!s)
		return;
	struct hashtag_span spans[RP_POST_MAX_TAGS];
	size_t n = hashtag_extract(s, len, spans, RP_POST_MAX_TAGS);
	for (size_t i = 0; i < n; i++)
		handle_tag(m, s + spans[i].off, spans[i].len, field);
}

static void sort_marked(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Start matching one post: a new stamp generation, nothing marked or
 * seen, why (may be NULL) emptied. */
static inline void match_begin(struct matcher *m, struct match_why *why)
{
	if (++m->gen == 0) {
		/* wrapped: forget every old stamp */
		memset(m->stamp, 0, (m->o->n_all + 1) * sizeof *m->stamp);
		memset(m->kw_stamp, 0, (m->n_kws + 1) * sizeof *m->kw_stamp);
		m->gen = 1;
	}
	m->n_marked = 0;
	m->n_seen = 0;
	m->concept_tag = 0;
	m->why = why;
	if (why) {
		why->n_reasons = 0;
		why->n_tags = 0;
	}
}

/* True when the post's author (may be NULL) is a blocked account. */
static inline bool author_blocked(struct matcher *m, const char *author)
{
	if (!m->has_blocked_accounts || !author)
		return false;
	buf_reset(&m->one);
	utf8_fold(&m->one, author, strlen(author));
	return strmap_get(&m->o->blocked_acct_index, buf_str(&m->one), m->one.len) != STRMAP_NONE;
}

void matcher_match(struct matcher *m, struct post *p, struct match_why *why)
{
	const struct ontology *o = m->o;
	match_begin(m, why);
	/* Empty the lists but keep their arrays: most posts need them again. */
	for (size_t i = 0; i < p->themes.n; i++)
		rp_free(p->themes.v[i]);
	for (size_t i = 0; i < p->sessions.n; i++)
		rp_free(p->sessions.v[i]);
	p->themes.n = p->sessions.n = 0;
	if (p->themes.v)
		p->themes.v[0] = NULL;
	if (p->sessions.v)
		p->sessions.v[0] = NULL;
	p->in_event = false;

	if (author_blocked(m, p->author)) {
		reason(m, NULL, MATCH_BLOCKED, FIELD_NONE, p->author, strlen(p->author));
		return;
	}

	/* Hashtags: the structured ones first, then title and text. A feed
	 * category that is not a hashtag ("Human Rights") is matched as words. */
	for (size_t i = 0; i < p->tags.n; i++) {
		const char *t = p->tags.v[i];
		size_t len = strlen(t);
		const char *body = t[0] == '#' ? t + 1 : t;
		if (hashtag_is_valid(body, strlen(body))) {
			handle_tag(m, t, len, FIELD_TAGS);
		} else {
			buf_reset(&m->text);
			utf8_fold(&m->text, t, len);
			m->scan_field = FIELD_TAGS;
			automaton_scan(m->ac, m->text.data, m->text.len, on_keyword, m);
		}
	}
	size_t title_len = p->title ? strlen(p->title) : 0;
	size_t text_len = p->text ? strlen(p->text) : 0;
	extract_tags(m, p->title, title_len, FIELD_TITLE);
	extract_tags(m, p->text, text_len, FIELD_TEXT);

	/* Keywords: one pass over the folded title and text. */
	buf_reset(&m->text);
	if (p->title)
		utf8_fold(&m->text, p->title, title_len);
	m->title_len = m->text.len;
	buf_addc(&m->text, '\n');
	if (p->text)
		utf8_fold(&m->text, p->text, text_len);
	m->scan_field = FIELD_NONE;
	automaton_scan(m->ac, m->text.data, m->text.len, on_keyword, m);

	/* A session implies its theme. */
	size_t n = m->n_marked;
	for (size_t i = 0; i < n; i++) {
		uint32_t who = m->marked[i];
		if (who == 0)
			continue;
		const struct concept *c = o->all[who - 1];
		if (c->parent && mark(m, (uint32_t)c->parent->index + 1))
			reason(m, c->parent, MATCH_NARROWER, FIELD_NONE, c->id, strlen(c->id));
	}

	/* The event: its own tag, a trusted source, or a concept's tag. */
	bool event = m->stamp[0] == m->gen;
	if (!event && p->source && m->trusted.n &&
	    strmap_get(&m->trusted, p->source, strlen(p->source)) != STRMAP_NONE) {
		event = true;
		reason(m, &o->event, MATCH_SOURCE, FIELD_NONE, p->source, strlen(p->source));
	}
	if (!event && m->concept_tag) {
		event = true;
		const struct concept *c = o->all[m->concept_tag - 1];
		reason(m, &o->event, MATCH_NARROWER, FIELD_NONE, c->id, strlen(c->id));
	}
	p->in_event = event;

	sort_marked(m->marked, m->n_marked);
	for (size_t i = 0; i < m->n_marked; i++) {
		uint32_t who = m->marked[i];
		if (who == 0)
			continue;
		const struct concept *c = o->all[who - 1];
		strv_push(c->kind == CONCEPT_THEME ? &p->themes : &p->sessions, c->id);
	}
	m->why = NULL;
}

void match_why_unknown(const struct match_why *why, struct strv *out)
{
	for (size_t t = 0; t < why->n_tags; t++)
		if (!why->tags[t].concept)
			strv_take(out, rp_strndup(why->tags[t].display, why->tags[t].display_len));
}

/* Append n bytes to out: the common case (room enough) inline, without
 * a call per comma. */
static inline void out_add(struct buf *out, const char *s, size_t n)
{
	if (out->len + n + 1 > out->cap)
		buf_reserve(out, n);
	memcpy(out->data + out->len, s, n);
	out->len += n;
	out->data[out->len] = '\0';
}

#define OUT_LIT(out, lit) out_add((out), (lit), sizeof(lit) - 1)

/* What json_str does with a byte: 0 copy it, 1 a control character
 * (\u00XX), else the letter of its short escape; 0xE2 is 2: it may
 * start U+2028 or U+2029. */
static const unsigned char json_esc[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 't', 'n', 1, 1, 'r', 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = '"', ['\\'] = '\\', [0xE2] = 2,
};

/* JSON string: escapes what RFC 8259 requires, and U+2028/2029 so the
 * line can be pasted into JavaScript. Input is valid UTF-8. Writes into
 * out directly: room for the worst case (6 bytes a byte) is made first. */
static void json_str(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_reserve(out, n * 6 + 2);
	char *d = out->data + out->len;
	*d++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char e = json_esc[c];
		if (e == 0) {
			*d++ = (char)c;
		} else if (e == 2) {
			if (i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
				memcpy(d, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
				d += 6;
				i += 2;
			} else {
				*d++ = (char)c;
			}
		} else if (e == 1) {
			d[0] = '\\'; d[1] = 'u'; d[2] = '0'; d[3] = '0';
			d[4] = hex[c >> 4]; d[5] = hex[c & 15];
			d += 6;
		} else {
			d[0] = '\\';
			d[1] = (char)e;
			d += 2;
		}
	}
	*d++ = '"';
	out->len = (size_t)(d - out->data);
	*d = '\0';
}

static void json_strv(struct buf *out, const struct strv *sv)
{
	OUT_LIT(out, "[");
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			OUT_LIT(out, ",");
		json_str(out, sv->v[i], strlen(sv->v[i]));
	}
	OUT_LIT(out, "]");
}

void match_write_json(const struct ontology *o, const struct post *p,
                      const struct match_why *why, struct buf *out)
{
	OUT_LIT(out, "{\"id\":");
	json_str(out, p->id ? p->id : "", p->id ? strlen(p->id) : 0);
	OUT_LIT(out, ",\"event\":");
	if (p->in_event)
		json_str(out, o->event.id, strlen(o->event.id));
	else
		OUT_LIT(out, "null");
	OUT_LIT(out, ",\"themes\":");
	json_strv(out, &p->themes);
	OUT_LIT(out, ",\"sessions\":");
	json_strv(out, &p->sessions);
	OUT_LIT(out, ",\"tags\":[");
	for (size_t i = 0; why && i < why->n_tags; i++) {
		if (i)
			OUT_LIT(out, ",");
		json_str(out, why->tags[i].display, why->tags[i].display_len);
	}
	OUT_LIT(out, "],\"why\":[");
	for (size_t i = 0; why && i < why->n_reasons; i++) {
		const struct match_reason *r = &why->reasons[i];
		if (i)
			OUT_LIT(out, ",");
		OUT_LIT(out, "{\"concept\":");
		if (r->concept) {
			json_str(out, r->concept->id, strlen(r->concept->id));
			OUT_LIT(out, ",\"kind\":\"");
			{
				const char *k = concept_kind_name(r->concept->kind);
				out_add(out, k, strlen(k));
			}
			OUT_LIT(out, "\"");
		} else {
			OUT_LIT(out, "null");
		}
		OUT_LIT(out, ",\"by\":\"");
		{
			const char *b = match_by_name(r->by);
			out_add(out, b, strlen(b));
		}
		OUT_LIT(out, "\"");
		if (r->field != FIELD_NONE) {
			OUT_LIT(out, ",\"field\":\"");
			{
				const char *fl = match_field_name(r->field);
				out_add(out, fl, strlen(fl));
			}
			OUT_LIT(out, "\"");
		}
		OUT_LIT(out, ",\"token\":");
		json_str(out, r->token, r->token_len);
		OUT_LIT(out, "}");
	}
	OUT_LIT(out, "]}");
}
