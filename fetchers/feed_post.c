/* fetchers/feed_post.c - one feed entry as a post (core/post.h) for import.
 *
 * The entry is only read; the post gets copies. Mapping: id (else the
 * link), url = link, author, title, text = summary_text, published and
 * updated, tags = categories, media from enclosures and Media RSS
 * (thumbnail, alt text), lang. */
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/post.h"
#include "core/url.h"
#include "fetchers/feed.h"

static bool has_media(const struct post *p, const char *url)
{
	for (size_t i = 0; i < p->n_media; i++)
		if (!strcmp(p->media[i].url, url))
			return true;
	return false;
}

rp_err feed_entry_to_post(const struct feed *f, const struct feed_entry *e, const char *source,
                          struct post *ret, struct buf *err)
{
	if (!e->id && !e->link) {
		buf_adds(err, "entry has neither id nor link");
		return RP_ERR_INPUT;
	}
	if (!e->title && !e->summary_text && !e->link) {
		buf_adds(err, "entry has no title, text or link");
		return RP_ERR_INPUT;
	}
	struct post p;
	post_init(&p);
	p.id = rp_strdup(e->id ? e->id : e->link);
	p.source = source ? rp_strdup(source) : NULL;
	p.url = e->link ? rp_strdup(e->link) : NULL;
	p.author = e->author ? rp_strdup(e->author) : NULL;
	p.title = e->title ? rp_strdup(e->title) : NULL;
	p.text = e->summary_text ? rp_strdup(e->summary_text) : NULL;
	const char *lang = e->lang ? e->lang : f ? f->lang : NULL;
	p.lang = lang ? rp_strdup(lang) : NULL;
	p.published = e->has_published ? e->published : 0;
	p.updated = e->has_updated ? e->updated : 0;
	for (size_t i = 0; i < e->tags.n && p.tags.n < RP_POST_MAX_TAGS; i++)
		strv_push_unique(&p.tags, e->tags.v[i]);
	/* Media RSS first: it carries thumbnails and alt text */
	for (size_t i = 0; i < e->n_media && p.n_media < RP_POST_MAX_MEDIA; i++) {
		const struct feed_media *m = &e->media[i];
		if (!url_is_http(m->url) || has_media(&p, m->url))
			continue;
		post_add_media(&p, m->url, m->type,
		               m->thumbnail && url_is_http(m->thumbnail) ? m->thumbnail : NULL,
		               m->alt, m->length);
	}
	for (size_t i = 0; i < e->n_enclosures && p.n_media < RP_POST_MAX_MEDIA; i++) {
		const struct feed_enclosure *x = &e->enclosures[i];
		if (!url_is_http(x->url) || has_media(&p, x->url))
			continue;
		post_add_media(&p, x->url, x->type, NULL, NULL, x->length);
	}
	*ret = p;
	return RP_OK;
}
