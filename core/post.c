/* core/post.c - the post model and its posts.jsonl form. */
#include "core/post.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/limits.h"
#include "core/utf8.h"

void post_init(struct post *p)
{
	memset(p, 0, sizeof *p);
	strv_init(&p->tags);
	strv_init(&p->links);
	strv_init(&p->themes);
	strv_init(&p->sessions);
}

void post_done(struct post *p)
{
	rp_free(p->id);
	rp_free(p->source);
	rp_free(p->url);
	rp_free(p->author);
	rp_free(p->title);
	rp_free(p->text);
	rp_free(p->lang);
	rp_free(p->repost_of);
	strv_done(&p->tags);
	strv_done(&p->links);
	strv_done(&p->themes);
	strv_done(&p->sessions);
	for (size_t i = 0; i < p->n_media; i++) {
		rp_free(p->media[i].url);
		rp_free(p->media[i].type);
		rp_free(p->media[i].thumbnail);
		rp_free(p->media[i].alt);
	}
	rp_free(p->media);
	post_init(p);
}

void post_add_media(struct post *p, const char *url, const char *type,
                    const char *thumbnail, const char *alt, int64_t length)
{
	p->media = rp_grow(p->media, sizeof *p->media, p->n_media + 1, &p->cap_media);
	struct post_media *m = &p->media[p->n_media++];
	m->url = rp_strdup(url);
	m->type = rp_strdup(type);
	m->thumbnail = rp_strdup(thumbnail);
	m->alt = rp_strdup(alt);
	m->length = length;
}

/* Copy an optional string member; a present non-string is an error. */
static rp_err take_str(const json_t *obj, const char *key, char **dst, struct buf *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return RP_OK;
	if (json_is_integer(v) && strcmp(key, "id") == 0) {
		/* Numeric ids are common in API dumps; keep their decimal form. */
		char tmp[32];
		snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*dst = rp_strdup(tmp);
		return RP_OK;
	}
	if (!json_is_string(v)) {
		buf_printf(err, "\"%s\" must be a string", key);
		return RP_ERR_INPUT;
	}
	if (json_string_length(v) == 0)
		return RP_OK;
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		buf_printf(err, "\"%s\" contains a NUL character", key);
		return RP_ERR_INPUT;
	}
	*dst = rp_strdup(json_string_value(v));
	return RP_OK;
}

static rp_err take_date(const json_t *obj, const char *key, int64_t *dst, struct buf *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return RP_OK;
	if (json_is_integer(v)) {
		*dst = json_integer_value(v);
		return RP_OK;
	}
	if (!json_is_string(v)) {
		buf_printf(err, "\"%s\" must be a date string", key);
		return RP_ERR_INPUT;
	}
	if (date_parse(json_string_value(v), dst) != RP_OK) {
		buf_printf(err, "\"%s\": cannot read date \"%s\"", key, json_string_value(v));
		return RP_ERR_INPUT;
	}
	return RP_OK;
}

static rp_err take_strv(const json_t *obj, const char *key, struct strv *dst, size_t max,
                        struct buf *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return RP_OK;
	if (!json_is_array(v)) {
		buf_printf(err, "\"%s\" must be an array of strings", key);
		return RP_ERR_INPUT;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			buf_printf(err, "\"%s\"[%zu] must be a string", key, i);
			return RP_ERR_INPUT;
		}
		/* Empty strings and repeats are dropped, so they do not count
		 * against the limit. */
		if (json_string_length(e) == 0 || strv_contains(dst, json_string_value(e)))
			continue;
		if (dst->n >= max) {
			buf_printf(err, "\"%s\" has more than %zu items", key, max);
			return RP_ERR_LIMIT;
		}
		strv_push(dst, json_string_value(e));
	}
	return RP_OK;
}

static rp_err take_media(const json_t *obj, struct post *p, struct buf *err)
{
	json_t *v = json_object_get(obj, "media");
	if (!v || json_is_null(v))
		return RP_OK;
	if (!json_is_array(v)) {
		buf_adds(err, "\"media\" must be an array of objects");
		return RP_ERR_INPUT;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		json_t *u = json_object_get(e, "url");
		if (!json_is_object(e) || !json_is_string(u)) {
			buf_printf(err, "\"media\"[%zu] must be an object with a \"url\" string", i);
			return RP_ERR_INPUT;
		}
		if (p->n_media >= RP_POST_MAX_MEDIA) {
			buf_printf(err, "\"media\" has more than %d items", RP_POST_MAX_MEDIA);
			return RP_ERR_LIMIT;
		}
		json_t *len = json_object_get(e, "length");
		post_add_media(p, json_string_value(u),
		               json_string_value(json_object_get(e, "type")),
		               json_string_value(json_object_get(e, "thumbnail")),
		               json_string_value(json_object_get(e, "alt")),
		               json_is_integer(len) ? json_integer_value(len) : -1);
	}
	return RP_OK;
}

rp_err post_from_json(const json_t *obj, struct post *ret, struct buf *err)
{
	if (!json_is_object(obj)) {
		buf_adds(err, "a post must be a JSON object");
		return RP_ERR_INPUT;
	}
	struct post p;
	post_init(&p);
	rp_err e;
	if ((e = take_str(obj, "id", &p.id, err)) ||
	    (e = take_str(obj, "source", &p.source, err)) ||
	    (e = take_str(obj, "url", &p.url, err)) ||
	    (e = take_str(obj, "author", &p.author, err)) ||
	    (e = take_str(obj, "title", &p.title, err)) ||
	    (e = take_str(obj, "text", &p.text, err)) ||
	    (e = take_str(obj, "lang", &p.lang, err)) ||
	    (e = take_str(obj, "repost_of", &p.repost_of, err)) ||
	    (e = take_date(obj, "published", &p.published, err)) ||
	    (e = take_date(obj, "updated", &p.updated, err)) ||
	    (e = take_strv(obj, "tags", &p.tags, RP_POST_MAX_TAGS, err)) ||
	    (e = take_strv(obj, "links", &p.links, RP_POST_MAX_TAGS, err)) ||
	    (e = take_media(obj, &p, err)))
		goto fail;
	if (!p.id) {
		buf_adds(err, "missing \"id\"");
		e = RP_ERR_INPUT;
		goto fail;
	}
	if (!p.text && !p.title && !p.url) {
		buf_adds(err, "a post needs one of \"text\", \"title\" or \"url\"");
		e = RP_ERR_INPUT;
		goto fail;
	}
	*ret = p;
	return RP_OK;
fail:
	post_done(&p);
	return e;
}

/* ---- the fast path of post_parse_line --------------------------------
 *
 * jansson's lexer reads a character at a time through a stream and builds
 * a json_t per value: on a 300-byte post that is about 48,000
 * instructions, more than the whole tagger. Most lines are plain: one
 * object of strings, integers, literals and arrays of those. fast_parse
 * reads exactly that, validating as jansson does (RFC 8259 grammar,
 * strict UTF-8, escapes and surrogate pairs, no duplicate keys, no NUL),
 * and builds the post directly. It never reports an error: on anything
 * it is unsure of (an error, a nested object, an exponent, a long
 * integer, an escaped key, a wrong type, a line post_from_json would
 * refuse) it gives up and post_parse_line runs jansson and post_from_json
 * on the line, so every error message and column, and every unusual
 * line, still come from them. tests/tagger/test-postline.c holds the two
 * paths to the same result. */

#define FAST_MAX_KEYS 32

struct fast {
	const unsigned char *p, *end;
};

/* 1 for bytes a string may hold as they are: not '"', '\\', a control
 * character or a non-ASCII byte (those are looked at one by one). */
static const unsigned char fast_plain[256] = {
#define R8(x) x, x, x, x, x, x, x, x
	R8(0), R8(0), R8(0), R8(0),               /* 0x00-0x1F */
	1, 1, 0, 1, 1, 1, 1, 1,                   /* ' ' '!' '"' ... */
	R8(1), R8(1), R8(1), R8(1), R8(1), R8(1), /* 0x28-0x57 */
	1, 1, 1, 1, 0, 1, 1, 1,                   /* 0x58-0x5F: '\\' */
	R8(1), R8(1), R8(1), R8(1),               /* 0x60-0x7F */
#undef R8
};

static void fast_ws(struct fast *f)
{
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
		f->p++;
}

static int fast_hex4(const unsigned char *p, const unsigned char *end, uint32_t *ret)
{
	if (end - p < 4)
		return 0;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v << 4 | ((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	*ret = v;
	return 1;
}

/* Scan a string at f->p ('"'): on success *s, *n are the raw bytes between
 * the quotes and *esc says whether any escape is in them. */
static int fast_string(struct fast *f, const unsigned char **s, size_t *n, int *esc)
{
	const unsigned char *p = f->p + 1, *end = f->end;
	*esc = 0;
	*s = p;
	for (;;) {
		/* Eight bytes at a time while none needs a look: no '"', no
		 * '\\', no control character, no non-ASCII byte. */
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
			uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
			if ((w & high) || ((w - ones * 0x20) & ~w & high) ||
			    ((q - ones) & ~q & high) || ((b - ones) & ~b & high))
				break;
			p += 8;
		}
		while (p < end && fast_plain[*p])
			p++;
		if (p >= end)
			return 0;
		unsigned c = *p;
		if (c == '"')
			break;
		if (c == '\\') {
			*esc = 1;
			if (end - p < 2)
				return 0;
			unsigned e = p[1];
			if (e == 'u') {
				uint32_t u, lo;
				if (!fast_hex4(p + 2, end, &u) || u == 0)
					return 0;     /* \u0000: jansson refuses it without JSON_ALLOW_NUL */
				p += 6;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return 0;
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
					    !fast_hex4(p + 2, end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
						return 0;
					p += 6;
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", (int)e) || e == 0)
				return 0;
			p += 2;
			continue;
		}
		if (c < 0x80)
			return 0;             /* a control character */
		const char *q = (const char *)p;
		if (utf8_decode(&q, (const char *)end) < 0)
			return 0;
		p = (const unsigned char *)q;
	}
	*n = (size_t)(p - *s);
	f->p = p + 1;
	return 1;
}

/* The decoded form of a string scanned by fast_string, owned by the caller. */
static char *fast_decode(const unsigned char *s, size_t n, int esc)
{
	char *d = rp_malloc(n + 1);
	if (!esc) {
		memcpy(d, s, n);
		d[n] = '\0';
		return d;
	}
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			d[o++] = (char)s[i++];
			continue;
		}
		unsigned e = s[i + 1];
		i += 2;
		switch (e) {
		case 'b': d[o++] = '\b'; break;
		case 'f': d[o++] = '\f'; break;
		case 'n': d[o++] = '\n'; break;
		case 'r': d[o++] = '\r'; break;
		case 't': d[o++] = '\t'; break;
		case 'u': {
			uint32_t u, lo;
			fast_hex4(s + i, s + n, &u);
			i += 4;
			if (u >= 0xD800 && u <= 0xDBFF) {
				fast_hex4(s + i + 2, s + n, &lo);
				i += 6;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			}
			o += utf8_encode((int32_t)u, d + o);
			break;
		}
		default: d[o++] = (char)e; break;   /* '"', '\\', '/' */
		}
	}
	d[o] = '\0';
	return d;
}

enum fast_type { FAST_STR, FAST_INT, FAST_NULL, FAST_OTHER };

struct fast_value {
	enum fast_type type;
	const unsigned char *s;   /* FAST_STR: raw bytes */
	size_t n;
	int esc;
	int64_t i;                /* FAST_INT */
};

/* A number as jansson reads it; integers of up to 18 digits (no
 * overflow) and reals without an exponent (no overflow either). */
static int fast_number(struct fast *f, struct fast_value *v)
{
	const unsigned char *p = f->p, *end = f->end;
	int neg = 0;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return 0;
	const unsigned char *digits = p;
	int64_t x = 0;
	if (*p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			return 0;
	} else {
		/* Count first: only up to 18 digits is accumulated, so x never
		 * overflows; longer numbers go to jansson's path. */
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p - digits > 18)
			return 0;
		for (const unsigned char *d = digits; d < p; d++)
			x = x * 10 + (*d - '0');
	}
	if (p - digits > 18)
		return 0;
	v->type = FAST_INT;
	if (p < end && *p == '.') {
		p++;
		const unsigned char *frac = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == frac || p - digits > 18)
			return 0;
		v->type = FAST_OTHER;
	}
	if (p < end && (*p == 'e' || *p == 'E'))
		return 0;
	v->i = neg ? -x : x;
	f->p = p;
	return 1;
}

static int fast_literal(struct fast *f, const char *word, size_t n)
{
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
		return 0;
	f->p += n;
	return 1;
}

/* One scalar value: string, number, true, false or null. */
static int fast_scalar(struct fast *f, struct fast_value *v)
{
	if (f->p >= f->end)
		return 0;
	switch (*f->p) {
	case '"':
		v->type = FAST_STR;
		return fast_string(f, &v->s, &v->n, &v->esc);
	case 't':
		v->type = FAST_OTHER;
		return fast_literal(f, "true", 4);
	case 'f':
		v->type = FAST_OTHER;
		return fast_literal(f, "false", 5);
	case 'n':
		v->type = FAST_NULL;
		return fast_literal(f, "null", 4);
	default:
		return fast_number(f, v);
	}
}

/* An array of scalars at f->p ('['). With dst, every element must be a
 * string and goes to dst as take_strv would put it. */
static int fast_array(struct fast *f, struct strv *dst)
{
	f->p++;
	fast_ws(f);
	if (f->p < f->end && *f->p == ']') {
		f->p++;
		return 1;
	}
	for (;;) {
		struct fast_value v;
		if (!fast_scalar(f, &v))
			return 0;
		if (dst) {
			if (v.type != FAST_STR)
				return 0;
			if (v.n > 0) {
				/* decoded once, then owned by dst (no second copy) */
				char *s = fast_decode(v.s, v.n, v.esc);
				if (strv_contains(dst, s)) {
					rp_free(s);
				} else if (dst->n >= RP_POST_MAX_TAGS) {
					rp_free(s);
					return 0;
				} else {
					strv_take(dst, s);
				}
			}
		}
		fast_ws(f);
		if (f->p >= f->end)
			return 0;
		if (*f->p == ']') {
			f->p++;
			return 1;
		}
		if (*f->p != ',')
			return 0;
		f->p++;
		fast_ws(f);
	}
}

enum fast_key {
	K_OTHER, K_ID, K_SOURCE, K_URL, K_AUTHOR, K_TITLE, K_TEXT, K_LANG, K_REPOST_OF,
	K_PUBLISHED, K_UPDATED, K_TAGS, K_LINKS, K_MEDIA,
};

static enum fast_key fast_key(const unsigned char *s, size_t n)
{
	/* Lengths kept beside the names: a strlen per entry was three
	 * dozen calls a line (callgrind, 100k bench posts). */
#define KEY(name, k) { name, sizeof name - 1, k }
	static const struct { const char *name; size_t len; enum fast_key k; } keys[] = {
		KEY("id", K_ID), KEY("source", K_SOURCE), KEY("url", K_URL), KEY("author", K_AUTHOR),
		KEY("title", K_TITLE), KEY("text", K_TEXT), KEY("lang", K_LANG),
		KEY("repost_of", K_REPOST_OF), KEY("published", K_PUBLISHED),
		KEY("updated", K_UPDATED), KEY("tags", K_TAGS), KEY("links", K_LINKS),
		KEY("media", K_MEDIA),
	};
#undef KEY
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].len == n && memcmp(keys[i].name, s, n) == 0)
			return keys[i].k;
	return K_OTHER;
}

/* Parse a line into p (initialised by the caller); 0: give up (p then
 * holds whatever was read, for the caller to post_done). */
static int fast_parse(const char *line, size_t len, struct post *p)
{
	struct fast f = { (const unsigned char *)line, (const unsigned char *)line + len };
	const unsigned char *ks[FAST_MAX_KEYS];
	size_t kn[FAST_MAX_KEYS], nkeys = 0;
	fast_ws(&f);
	if (f.p >= f.end || *f.p != '{')
		return 0;
	f.p++;
	fast_ws(&f);
	if (f.p < f.end && *f.p == '}') {
		f.p++;
		goto end;
	}
	for (;;) {
		const unsigned char *k;
		size_t n;
		int esc;
		if (f.p >= f.end || *f.p != '"' || !fast_string(&f, &k, &n, &esc) || esc ||
		    nkeys == FAST_MAX_KEYS)
			return 0;
		for (size_t i = 0; i < nkeys; i++)
			if (kn[i] == n && memcmp(ks[i], k, n) == 0)
				return 0;     /* a duplicate: jansson says so */
		ks[nkeys] = k;
		kn[nkeys++] = n;
		fast_ws(&f);
		if (f.p >= f.end || *f.p != ':')
			return 0;
		f.p++;
		fast_ws(&f);
		if (f.p >= f.end)
			return 0;
		enum fast_key key = fast_key(k, n);
		if (*f.p == '[') {
			if (key == K_TAGS) {
				if (!fast_array(&f, &p->tags))
					return 0;
			} else if (key == K_LINKS) {
				if (!fast_array(&f, &p->links))
					return 0;
			} else if (key != K_OTHER || !fast_array(&f, NULL)) {
				return 0;
			}
		} else {
			struct fast_value v;
			if (!fast_scalar(&f, &v))
				return 0;
			char **dst = NULL;
			int64_t *date = NULL;
			switch (key) {
			case K_OTHER: break;
			case K_ID: dst = &p->id; break;
			case K_SOURCE: dst = &p->source; break;
			case K_URL: dst = &p->url; break;
			case K_AUTHOR: dst = &p->author; break;
			case K_TITLE: dst = &p->title; break;
			case K_TEXT: dst = &p->text; break;
			case K_LANG: dst = &p->lang; break;
			case K_REPOST_OF: dst = &p->repost_of; break;
			case K_PUBLISHED: date = &p->published; break;
			case K_UPDATED: date = &p->updated; break;
			case K_TAGS: case K_LINKS: case K_MEDIA:
				if (v.type != FAST_NULL)
					return 0;
				break;
			}
			if (dst && v.type == FAST_STR) {
				if (v.n > 0)
					*dst = fast_decode(v.s, v.n, v.esc);
			} else if (dst && v.type == FAST_INT && key == K_ID) {
				char tmp[32];
				snprintf(tmp, sizeof tmp, "%" PRId64, v.i);
				*dst = rp_strdup(tmp);
			} else if (date && v.type == FAST_INT) {
				*date = v.i;
			} else if (date && v.type == FAST_STR) {
				char *s = fast_decode(v.s, v.n, v.esc);
				rp_err e = date_parse(s, date);
				rp_free(s);
				if (e != RP_OK)
					return 0;
			} else if ((dst || date) && v.type != FAST_NULL) {
				return 0;
			}
		}
		fast_ws(&f);
		if (f.p >= f.end)
			return 0;
		if (*f.p == '}') {
			f.p++;
			break;
		}
		if (*f.p != ',')
			return 0;
		f.p++;
		fast_ws(&f);
	}
end:
	fast_ws(&f);
	if (f.p != f.end)
		return 0;
	return p->id && (p->text || p->title || p->url);
}

rp_err post_parse_line(const char *line, size_t len, struct post *ret, struct buf *err)
{
	if (len > RP_POST_MAX_LINE) {
		buf_printf(err, "line is longer than %u bytes", RP_POST_MAX_LINE);
		return RP_ERR_LIMIT;
	}
	struct post p;
	post_init(&p);
	if (fast_parse(line, len, &p)) {
		*ret = p;
		return RP_OK;
	}
	post_done(&p);
	json_error_t jerr;
	json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		buf_printf(err, "column %d: %s", jerr.column, jerr.text);
		return RP_ERR_INPUT;
	}
	rp_err e = post_from_json(obj, ret, err);
	json_decref(obj);
	return e;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

json_t *strv_to_json(const struct strv *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

json_t *post_to_json(const struct post *p, bool with_tagging)
{
	json_t *o = json_object();
	set_str(o, "id", p->id);
	set_str(o, "source", p->source);
	set_str(o, "url", p->url);
	set_str(o, "author", p->author);
	set_str(o, "title", p->title);
	set_str(o, "text", p->text);
	char d[DATE_ISO_LEN];
	if (p->published) {
		date_format(p->published, d);
		json_object_set_new(o, "published", json_string(d));
	}
	if (p->updated) {
		date_format(p->updated, d);
		json_object_set_new(o, "updated", json_string(d));
	}
	json_object_set_new(o, "tags", strv_to_json(&p->tags));
	set_str(o, "lang", p->lang);
	set_str(o, "repost_of", p->repost_of);
	if (p->links.n)
		json_object_set_new(o, "links", strv_to_json(&p->links));
	if (p->n_media) {
		json_t *a = json_array();
		for (size_t i = 0; i < p->n_media; i++) {
			const struct post_media *m = &p->media[i];
			json_t *mo = json_object();
			set_str(mo, "url", m->url);
			set_str(mo, "type", m->type);
			set_str(mo, "thumbnail", m->thumbnail);
			set_str(mo, "alt", m->alt);
			if (m->length >= 0)
				json_object_set_new(mo, "length", json_integer(m->length));
			json_array_append_new(a, mo);
		}
		json_object_set_new(o, "media", a);
	}
	if (with_tagging) {
		json_object_set_new(o, "in_event", json_boolean(p->in_event));
		json_object_set_new(o, "themes", strv_to_json(&p->themes));
		json_object_set_new(o, "sessions", strv_to_json(&p->sessions));
	}
	return o;
}
