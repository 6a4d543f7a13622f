/* fetchers/atom.c - the rules of Atom 1.0 and 0.3 that RSS does not share.
 *
 * Atom elements are read by the shared table in rss.c (an atom:link or
 * atom:author inside an RSS item counts like its Atom self); here are the
 * two Atom-only decisions: which link is the entry's link (FEED_SCHEMA.md
 * "Link rule"), and how a text construct becomes text by its type
 * (section 4). Atom 0.3 mode="base64" is decoded in feed_xml.c before
 * the type applies. */
#include <string.h>

#include "core/text.h"
#include "fetchers/feed_xml.h"

static bool html_type(const char *t)
{
	return !strcmp(t, "text/html") || !strcmp(t, "application/xhtml+xml");
}

const char *atom_pick_link(const struct raw *r)
{
	const char *first_alt = NULL;
	for (size_t i = 0; i < r->n_links; i++) {
		const struct link_rec *l = &r->links[i];
		const char *href = rec_str(&l->s, l->href);
		if (!href)
			continue;
		/* an href of only whitespace does not count */
		const char *h = href;
		while (*h == ' ' || (*h >= 9 && *h <= 13))
			h++;
		if (!*h)
			continue;
		const char *rel = rec_str(&l->s, l->rel), *type = rec_str(&l->s, l->type);
		if (rel && strcmp(rel, "alternate"))
			continue;
		if (!first_alt)
			first_alt = href;
		if (html_type(type ? type : "text/html"))
			return href;
	}
	return first_alt;
}

bool atom_text(struct buf *out, const char *s, size_t n, const char *type)
{
	char t[64];
	fx_map_type(t, type);
	if (html_type(t) || !strcmp(t, "html") || !strcmp(t, "xhtml")) {
		text_from_html(out, s, n);
		return true;
	}
	if (!strncmp(t, "text/", 5)) {
		text_plain(out, s, n);
		return true;
	}
	return false;
}
