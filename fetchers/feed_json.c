/* fetchers/feed_json.c - the FEED_SCHEMA.md JSON (schema v1) of a feed.
 *
 * Written by hand into a struct buf (no json_t tree per entry), so that
 * `rapporteur parse` can stream entries as they are parsed. Every key is
 * always present; strings are valid UTF-8 (any invalid byte is written as
 * U+FFFD) with controls escaped. The caller owns the buf. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/scan.h"
#include "core/utf8.h"
#include "fetchers/feed.h"

/* Bytes put_str must look at: controls, '"', '\\', DEL is fine, and every
 * non-ASCII lead (validated, U+2028/2029 escaped). Clean spans are copied
 * at once. */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char str_special[256] = {
	R16(1), R16(1),                                  /* 0x00-0x1f */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x20: '"' */
	R16(0), R16(0),                                  /* 0x30-0x4f */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,  /* 0x50: '\\' */
	R16(0), R16(0),                                  /* 0x60-0x7f */
	R16(2), R16(2), R16(2), R16(2), R16(2), R16(2), R16(2), R16(2),
};
#undef R16

static void put_str(struct buf *out, const char *s)
{
	if (!s) {
		buf_adds(out, "null");
		return;
	}
	size_t n = strlen(s);
	buf_reserve(out, n + 2);
	buf_addc(out, '"');
	const char *p = s, *e = s + n, *run = p;
	while (p < e) {
		/* the clean ASCII span: no control, '"', '\\' or high bit */
		p += scan_find(p, (size_t)(e - p), 0x20, true, '"', '\\');
		if (p >= e)
			break;
		unsigned char c = (unsigned char)*p;
		unsigned char k = str_special[c];
		if (!k) {
			p++;
			continue;
		}
		if (k == 2) {
			/* valid UTF-8 other than U+2028/2029 stays in the clean span */
			const char *q = p;
			int32_t cp = utf8_decode(&p, e);
			if (cp >= 0 && cp != 0x2028 && cp != 0x2029)
				continue;
			buf_add(out, run, (size_t)(q - run));
			if (cp < 0)
				buf_adds(out, "\xef\xbf\xbd");
			else
				buf_printf(out, "\\u%04x", (unsigned)cp);
			run = p;
			continue;
		}
		buf_add(out, run, (size_t)(p - run));
		if (c == '"') buf_adds(out, "\\\"");
		else if (c == '\\') buf_adds(out, "\\\\");
		else if (c == '\n') buf_adds(out, "\\n");
		else if (c == '\t') buf_adds(out, "\\t");
		else if (c == '\r') buf_adds(out, "\\r");
		else {
			static const char hex[] = "0123456789abcdef";
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_add(out, u, 6);
		}
		p++;
		run = p;
	}
	buf_add(out, run, (size_t)(p - run));
	buf_addc(out, '"');
}

static void put_date(struct buf *out, bool has, int64_t t)
{
	if (!has) {
		buf_adds(out, "null");
		return;
	}
	char iso[DATE_ISO_LEN];
	date_format(t, iso);
	put_str(out, iso);
}

void feed_json_begin(struct buf *out)
{
	buf_adds(out, "{\"entries\":[");
}

void feed_json_entry(struct buf *out, const struct feed_entry *e, bool first)
{
	if (!first)
		buf_addc(out, ',');
	buf_adds(out, "\n{\"id\":");
	put_str(out, e->id);
	buf_adds(out, ",\"link\":");
	put_str(out, e->link);
	buf_adds(out, ",\"title\":");
	put_str(out, e->title);
	buf_adds(out, ",\"published\":");
	put_date(out, e->has_published, e->published);
	buf_adds(out, ",\"updated\":");
	put_date(out, e->has_updated, e->updated);
	buf_adds(out, ",\"author\":");
	put_str(out, e->author);
	buf_adds(out, ",\"summary_text\":");
	put_str(out, e->summary_text);
	buf_adds(out, ",\"tags\":[");
	for (size_t i = 0; i < e->tags.n; i++) {
		if (i)
			buf_addc(out, ',');
		put_str(out, e->tags.v[i]);
	}
	buf_adds(out, "],\"enclosures\":[");
	for (size_t i = 0; i < e->n_enclosures; i++) {
		const struct feed_enclosure *x = &e->enclosures[i];
		if (i)
			buf_addc(out, ',');
		buf_adds(out, "{\"url\":");
		put_str(out, x->url);
		buf_adds(out, ",\"type\":");
		put_str(out, x->type);
		buf_adds(out, ",\"length\":");
		if (x->length >= 0)
			buf_printf(out, "%" PRId64, x->length);
		else
			buf_adds(out, "null");
		buf_addc(out, '}');
	}
	buf_adds(out, "]}");
}

void feed_json_end(struct buf *out, const struct feed *f)
{
	buf_adds(out, "],\n\"format\":");
	put_str(out, feed_format_name(f->format));
	buf_adds(out, ",\"title\":");
	put_str(out, f->title);
	buf_adds(out, ",\"link\":");
	put_str(out, f->link);
	buf_adds(out, f->bozo ? ",\"bozo\":true}\n" : ",\"bozo\":false}\n");
}

void feed_write_json(struct buf *out, const struct feed *f)
{
	feed_json_begin(out);
	for (size_t i = 0; i < f->n_entries; i++)
		feed_json_entry(out, &f->entries[i], i == 0);
	feed_json_end(out, f);
}
