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

/* put_str keeps this much room at its write position (buf_room). */
#define PUT_SLACK 32 /* a block's store, or the longest escape, and more */

/* s as a JSON string. Scanning and copying are one loop, as in
 * xml_fast.c's text_decoded: each block of sixteen bytes is stored
 * whole and the write position moves on only to the first byte to look
 * at (a scan and then a buf_add per clean span was a memcpy call per
 * string, 97K on the 10 MB Atom bench, and a second reading of it). */
static void put_str(struct buf *out, const char *s)
{
	if (!s) {
		buf_adds(out, "null");
		return;
	}
	size_t n = strlen(s);
	buf_reserve(out, n + 2 + PUT_SLACK); /* escapes ask for more on the way */
	char *d = out->data + out->len;
	const char *lim = out->data + out->cap - 1;
	const char *p = s, *e = s + n;
	*d++ = '"';
	for (;;) {
		if (lim - d < PUT_SLACK)
			d = buf_room(out, d, PUT_SLACK, &lim);
		/* the clean ASCII span: no control, '"', '\\' or high bit */
		unsigned m = 0;
#if defined(__SSE2__)
		while (e - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			m = scan_mask_v(v, 0x20, true, '"', '\\');
			_mm_storeu_si128((__m128i *)(void *)d, v);
			if (m)
				break;
			p += 16;
			d += 16;
			if (lim - d < PUT_SLACK)
				d = buf_room(out, d, PUT_SLACK, &lim);
		}
		if (m) {
			p += __builtin_ctz(m);
			d += __builtin_ctz(m);
		}
#endif
		if (!m)
			while (p < e && !str_special[(unsigned char)*p])
				*d++ = *p++;
		if (p == e)
			break;
		unsigned char c = (unsigned char)*p;
		if (str_special[c] == 2) {
			/* valid UTF-8 other than U+2028/2029 is written as it is */
			const char *q = p;
			int32_t cp = utf8_decode(&p, e);
			if (cp >= 0 && cp != 0x2028 && cp != 0x2029) {
				while (q < p)
					*d++ = *q++;
			} else if (cp < 0) {
				memcpy(d, "\xef\xbf\xbd", 3);
				d += 3;
			} else {
				d += snprintf(d, 7, "\\u%04x", (unsigned)cp);
			}
			continue;
		}
		p++;
		*d++ = '\\';
		if (c == '"') *d++ = '"';
		else if (c == '\\') *d++ = '\\';
		else if (c == '\n') *d++ = 'n';
		else if (c == '\t') *d++ = 't';
		else if (c == '\r') *d++ = 'r';
		else {
			static const char hex[] = "0123456789abcdef";
			const char u[5] = { 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			memcpy(d, u, 5);
			d += 5;
		}
	}
	*d++ = '"';
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
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

void feed_json_on_entry(void *ctx, const struct feed *f, const struct feed_entry *e)
{
	struct feed_json_out *w = ctx;
	(void)f;
	feed_json_entry(w->out, e, w->n == 0);
	w->n++;
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
