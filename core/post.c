/* core/post.c - the post model and its posts.jsonl form. */
#include "core/post.h"

#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/limits.h"

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

rp_err post_parse_line(const char *line, size_t len, struct post *ret, struct buf *err)
{
	if (len > RP_POST_MAX_LINE) {
		buf_printf(err, "line is longer than %u bytes", RP_POST_MAX_LINE);
		return RP_ERR_LIMIT;
	}
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

static json_t *strv_to_json(const struct strv *sv)
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
