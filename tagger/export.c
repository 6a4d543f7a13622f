/* tagger/export.c - writing an ontology back as tags.yaml.
 *
 * The layout is canonical (every string double-quoted, labels always per
 * language, lists in flow style), so an exported file reads back to the
 * same ontology, and exporting that again gives the same bytes: the
 * round-trip that `rapporteur tags export` promises. Curation changes
 * (aliases, new concepts, blocks) are part of the ontology by then, so
 * they land in the file a person reviews and commits. */
#include <string.h>

#include "tagger/ontology-impl.h"

static void yq(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_addc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)*p);
		} else if (*p == '\n') {
			buf_adds(out, "\\n");
		} else if (*p < 0x20 || *p == 0x7F) {
			buf_adds(out, "\\x");
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 15]);
		} else {
			buf_addc(out, (char)*p);
		}
	}
	buf_addc(out, '"');
}

static void list(struct buf *out, const char *indent, const char *key, const struct strv *sv)
{
	if (sv->n == 0)
		return;
	buf_printf(out, "%s%s: [", indent, key);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			buf_adds(out, ", ");
		yq(out, sv->v[i]);
	}
	buf_adds(out, "]\n");
}

static void field(struct buf *out, const char *indent, const char *key, const char *v)
{
	if (!v)
		return;
	buf_printf(out, "%s%s: ", indent, key);
	yq(out, v);
	buf_addc(out, '\n');
}

/* first: the indent of the first line ("  - " for list items). */
static void concept(struct buf *out, const struct concept *c, const char *first,
                    const char *indent)
{
	buf_printf(out, "%sid: %s\n", first, c->id);
	if (c->n_labels) {
		buf_printf(out, "%sname:\n", indent);
		for (size_t i = 0; i < c->n_labels; i++) {
			buf_printf(out, "%s  %s: ", indent, c->labels[i].lang);
			yq(out, c->labels[i].text);
			buf_addc(out, '\n');
		}
	}
	field(out, indent, "start", c->start_text);
	field(out, indent, "end", c->end_text);
	field(out, indent, "room", c->room);
	field(out, indent, "url", c->url);
	list(out, indent, "hashtags", &c->hashtags);
	list(out, indent, "aliases", &c->aliases);
	list(out, indent, "hidden", &c->hidden);
	list(out, indent, "keywords", &c->keywords);
	list(out, indent, "related", &c->related);
	field(out, indent, "note", c->note);
}

void ontology_export(const struct ontology *o, struct buf *out)
{
	buf_adds(out, "# tags.yaml - the tag ontology of one event, written by "
	              "`rapporteur tags export`.\n# Review the diff and commit it.\n");
	buf_adds(out, "event:\n");
	if (o->event.id) {
		buf_printf(out, "  lang: %s\n", ontology_lang(o));
		field(out, "  ", "timezone", o->timezone);
		concept(out, &o->event, "  ", "  ");
		list(out, "  ", "trusted_sources", &o->trusted_sources);
	}
	if (o->n_themes)
		buf_adds(out, "themes:\n");
	for (size_t i = 0; i < o->n_themes; i++) {
		const struct concept *t = o->themes[i];
		concept(out, t, "  - ", "    ");
		if (t->n_sessions)
			buf_adds(out, "    sessions:\n");
		for (size_t j = 0; j < t->n_sessions; j++)
			concept(out, t->sessions[j], "      - ", "        ");
	}
	if (o->blocked_tags.n || o->blocked_accounts.n) {
		buf_adds(out, "blocked:\n");
		list(out, "  ", "tags", &o->blocked_tags);
		list(out, "  ", "accounts", &o->blocked_accounts);
	}
}
