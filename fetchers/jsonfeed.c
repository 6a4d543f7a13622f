/* fetchers/jsonfeed.c - JSON Feed 1.0 and 1.1 (https://jsonfeed.org/).
 *
 * jansson reads the whole document (JSON feeds are small; the size was
 * capped before). Integers past 64 bits make jansson fail the whole
 * document ("too big integer"), and JSON_DECODE_INT_AS_REAL would round
 * an id above 2^53. So a tokenizer pass runs first: outside strings, an
 * integer literal of more than 18 digits (or a real whose exponent would
 * overflow a double) is wrapped in quotes, and the id is read as the
 * string of its digits, which is what the schema asks for anyway ("a
 * number becomes its decimal string"). The pass copies the text only
 * when it finds such a literal. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/utf8.h"
#include "fetchers/feed_xml.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of a \uXXXX escape at s[i] (s[i] == '\\'), -1 when
 * there is none. Reads only within [0, n). */
static long u_escape(const char *s, size_t n, size_t i)
{
	if (n - i < 6 || s[i + 1] != 'u')
		return -1;
	long v = 0;
	for (size_t k = 2; k < 6; k++) {
		int h = hexval(s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Quote number literals jansson cannot hold, and replace lone surrogate
 * escapes (\ud800 without its pair, which jansson rejects with the whole
 * document) by \ufffd; *surrogates tells whether any was replaced. NULL
 * when nothing needed changing. */
static char *quote_big_numbers(const char *s, size_t n, size_t *ret_n, bool *surrogates)
{
	struct buf out = { 0 };
	bool changed = false, in_str = false;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\') {
				long u = u_escape(s, n, i);
				if (u >= 0xd800 && u <= 0xdbff) {
					long lo = i + 6 < n && s[i + 6] == '\\' ? u_escape(s, n, i + 6) : -1;
					if (lo >= 0xdc00 && lo <= 0xdfff) {
						i += 11; /* a valid pair */
						continue;
					}
				}
				if (u >= 0xd800 && u <= 0xdfff) {
					buf_add(&out, s + run, i - run);
					buf_add(&out, "\\ufffd", 6);
					run = i + 6;
					changed = true;
					*surrogates = true;
					i += 5;
					continue;
				}
				i++;
			} else if (c == '"') {
				in_str = false;
			}
			continue;
		}
		if (c == '"') {
			in_str = true;
			continue;
		}
		if (!(c == '-' || isdigit((unsigned char)c)))
			continue;
		if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.'))
			continue;
		size_t j = i, digits = 0;
		if (s[j] == '-')
			j++;
		while (j < n && isdigit((unsigned char)s[j])) {
			j++;
			digits++;
		}
		bool real = false;
		long exp = 0;
		if (j < n && s[j] == '.') {
			real = true;
			j++;
			while (j < n && isdigit((unsigned char)s[j]))
				j++;
		}
		if (j < n && (s[j] == 'e' || s[j] == 'E')) {
			real = true;
			j++;
			if (j < n && (s[j] == '+' || s[j] == '-'))
				j++;
			/* Parse the exponent within [0, n): the input is not
			 * NUL-terminated, so strtol could run past the end. */
			size_t e0 = j;
			while (j < n && isdigit((unsigned char)s[j])) {
				if (exp < 100000)
					exp = exp * 10 + (s[j] - '0');
				j++;
			}
			if (j - e0 > 6)
				exp = 100000;
		}
		bool big = real ? (labs(exp) + (long)digits > 300) : digits > 18;
		if (big) {
			buf_add(&out, s + run, i - run);
			buf_addc(&out, '"');
			buf_add(&out, s + i, j - i);
			buf_addc(&out, '"');
			run = j;
			changed = true;
		}
		i = j - 1;
	}
	if (!changed)
		return NULL;
	buf_add(&out, s + run, n - run);
	*ret_n = out.len;
	return buf_detach(&out);
}

/* str() of a Python float: the shortest repr. */
static void py_float(char *out, size_t cap, double v)
{
	if (isnan(v)) { snprintf(out, cap, "nan"); return; }
	if (isinf(v)) { snprintf(out, cap, v < 0 ? "-inf" : "inf"); return; }
	char e[64];
	int p;
	for (p = 0; p < 17; p++) {
		snprintf(e, sizeof e, "%.*e", p, v);
		if (strtod(e, NULL) == v)
			break;
	}
	char digits[32];
	size_t nd = 0;
	const char *q = e;
	bool neg = *q == '-';
	if (neg)
		q++;
	for (; *q && *q != 'e'; q++)
		if (isdigit((unsigned char)*q))
			digits[nd++] = *q;
	digits[nd] = 0;
	int x = atoi(q + 1);
	char *o = out;
	size_t left = cap;
#define PUT(...) do { int k_ = snprintf(o, left, __VA_ARGS__); if (k_ > 0 && (size_t)k_ < left) { o += k_; left -= (size_t)k_; } } while (0)
	if (neg)
		PUT("-");
	if (x >= -4 && x < 16) {
		if (x >= (int)nd - 1) {
			PUT("%s", digits);
			for (int i = 0; i < x - ((int)nd - 1); i++)
				PUT("0");
			PUT(".0");
		} else if (x >= 0) {
			PUT("%.*s.%s", x + 1, digits, digits + x + 1);
		} else {
			PUT("0.");
			for (int i = 0; i < -x - 1; i++)
				PUT("0");
			PUT("%s", digits);
		}
	} else {
		PUT("%c", digits[0]);
		if (nd > 1)
			PUT(".%s", digits + 1);
		PUT("e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	}
#undef PUT
}

/* json_str of the oracle: strings as they are, numbers as their decimal
 * string, anything else NULL. Returns a new string or NULL. */
static char *jstr(const json_t *v)
{
	char tmp[64];
	if (json_is_string(v)) {
		struct buf b = { 0 };
		utf8_repair(&b, json_string_value(v), json_string_length(v));
		if (!b.len) {
			buf_done(&b);
			return rp_strdup("");
		}
		return buf_detach(&b);
	}
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		return rp_strdup(tmp);
	}
	if (json_is_real(v)) {
		py_float(tmp, sizeof tmp, json_real_value(v));
		return rp_strdup(tmp);
	}
	return NULL;
}

static char *cut(struct feed *f, char *s)
{
	if (s && strlen(s) > RP_FIELD_MAX_BYTES) {
		s[utf8_truncate(s, strlen(s), RP_FIELD_MAX_BYTES)] = 0;
		f->bozo = true;
	}
	return s;
}

static char *plain(struct feed *f, const json_t *v)
{
	char *s = cut(f, jstr(v));
	if (!s)
		return NULL;
	struct buf b = { 0 };
	text_plain(&b, s, strlen(s));
	rp_free(s);
	if (!b.len) {
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static char *trimmed(struct feed *f, const json_t *v)
{
	char *s = cut(f, jstr(v));
	if (!s)
		return NULL;
	char *t = fx_trim_dup(s, strlen(s));
	rp_free(s);
	return t;
}

static int64_t length_of(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	if (json_is_real(v)) {
		double d = json_real_value(v);
		return d >= 0 && d == floor(d) && d < 9.2e18 ? (int64_t)d : -1;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s);
		while (n && isspace((unsigned char)*s)) { s++; n--; }
		while (n && isspace((unsigned char)s[n - 1])) n--;
		if (!n || n > 18)
			return -1;
		int64_t r = 0;
		for (size_t i = 0; i < n; i++) {
			if (!isdigit((unsigned char)s[i]))
				return -1;
			r = r * 10 + (s[i] - '0');
		}
		return r;
	}
	return -1;
}

static void jdate(const json_t *v, int64_t *t, bool *has)
{
	if (!json_is_string(v))
		return;
	int64_t x;
	if (date_parse(json_string_value(v), &x) == RP_OK) {
		*t = x;
		*has = true;
	}
}

static char *author_of(struct feed *f, const json_t *it)
{
	const json_t *authors = json_object_get(it, "authors");
	const json_t *a = json_is_array(authors) && json_array_size(authors)
	                ? json_array_get(authors, 0) : json_object_get(it, "author");
	if (!json_is_object(a))
		return NULL;
	char *name = plain(f, json_object_get(a, "name"));
	if (name)
		return name;
	char *url = jstr(json_object_get(a, "url"));
	char *r = NULL;
	if (url && !strncasecmp(url, "mailto:", 7)) {
		struct buf b = { 0 };
		text_plain(&b, url + 7, strlen(url + 7));
		r = b.len ? buf_detach(&b) : NULL;
		buf_done(&b);
	}
	rp_free(url);
	return r;
}

static void item_to_entry(struct feed *f, const json_t *it, struct feed_entry *e, const char *lang)
{
	e->id = trimmed(f, json_object_get(it, "id"));
	e->link = trimmed(f, json_object_get(it, "url"));
	e->title = plain(f, json_object_get(it, "title"));
	jdate(json_object_get(it, "date_published"), &e->published, &e->has_published);
	jdate(json_object_get(it, "date_modified"), &e->updated, &e->has_updated);
	e->author = author_of(f, it);
	const json_t *v = json_object_get(it, "summary");
	if (json_is_string(v))
		e->summary_text = plain(f, v);
	v = json_object_get(it, "content_text");
	if (!e->summary_text && json_is_string(v))
		e->summary_text = plain(f, v);
	v = json_object_get(it, "content_html");
	if (!e->summary_text && json_is_string(v)) {
		char *s = cut(f, jstr(v));
		struct buf b = { 0 };
		text_from_html(&b, s, strlen(s));
		rp_free(s);
		e->summary_text = b.len ? buf_detach(&b) : NULL;
		buf_done(&b);
	}
	const json_t *tags = json_object_get(it, "tags");
	size_t i;
	json_t *t;
	if (json_is_array(tags)) {
		json_array_foreach(tags, i, t) {
			if (!json_is_string(t) || e->tags.n >= RP_FEED_MAX_TAGS)
				continue;
			char *p = plain(f, t);
			if (p)
				strv_push_unique(&e->tags, p);
			rp_free(p);
		}
	}
	const json_t *att = json_object_get(it, "attachments");
	if (json_is_array(att)) {
		json_array_foreach(att, i, t) {
			if (!json_is_object(t))
				continue;
			char *url = trimmed(f, json_object_get(t, "url"));
			if (!url)
				continue;
			bool dup = false;
			for (size_t k = 0; k < e->n_enclosures; k++)
				dup |= !strcmp(e->enclosures[k].url, url);
			if (dup || e->n_enclosures >= RP_FEED_MAX_ENCLOSURES) {
				rp_free(url);
				continue;
			}
			e->enclosures = rp_grow(e->enclosures, sizeof *e->enclosures,
			                        e->n_enclosures + 1, &e->cap_enclosures);
			struct feed_enclosure *x = &e->enclosures[e->n_enclosures++];
			x->url = url;
			x->type = trimmed(f, json_object_get(t, "mime_type"));
			x->length = length_of(json_object_get(t, "size_in_bytes"));
		}
	}
	const json_t *l = json_object_get(it, "language");
	if (json_is_string(l) && json_string_length(l))
		e->lang = rp_strdup(json_string_value(l));
	else if (lang)
		e->lang = rp_strdup(lang);
	/* media for the product: the item image and banner */
	const char *img[] = { "image", "banner_image" };
	for (size_t k = 0; k < 2; k++) {
		const json_t *u = json_object_get(it, img[k]);
		if (!json_is_string(u) || !json_string_length(u))
			continue;
		e->media = rp_grow(e->media, sizeof *e->media, e->n_media + 1, &e->cap_media);
		struct feed_media *m = &e->media[e->n_media++];
		memset(m, 0, sizeof *m);
		m->url = rp_strdup(json_string_value(u));
		m->type = rp_strdup("image");
		m->length = -1;
	}
}

void jsonfeed_parse(struct feed *f, const char *s, size_t n, feed_entry_fn fn, void *fn_ctx)
{
	/* Invalid UTF-8 anywhere makes jansson reject the whole document:
	 * repair the bytes to U+FFFD first (bozo), and keep the entries. */
	struct buf fixed = { 0 };
	const char *repair = NULL;
	if (!utf8_is_valid(s, n)) {
		utf8_repair(&fixed, s, n);
		s = fixed.data ? fixed.data : "";
		n = fixed.len;
		repair = "document is not valid UTF-8: invalid bytes replaced";
	}
	size_t qn = 0;
	bool surrogates = false;
	char *q = quote_big_numbers(s, n, &qn, &surrogates);
	if (surrogates && !repair)
		repair = "lone surrogate escape replaced";
	json_error_t jerr;
	json_t *root = json_loadb(q ? q : s, q ? qn : n, JSON_ALLOW_NUL, &jerr);
	rp_free(q);
	buf_done(&fixed);
	f->format = FEED_FORMAT_NONE;
	if (!json_is_object(root)) {
		f->bozo = true;
		if (root) {
			f->bozo_reason = rp_strdup("JSON document is not an object");
		} else {
			/* jansson quotes the offending token: raw bytes, repair them */
			struct buf r = { 0 };
			utf8_repair(&r, jerr.text, strlen(jerr.text));
			f->bozo_reason = r.len ? buf_detach(&r) : rp_strdup("bozo");
			buf_done(&r);
		}
		json_decref(root);
		return;
	}
	if (repair) {
		f->bozo = true;
		f->bozo_reason = rp_strdup(repair);
	}
	const json_t *version = json_object_get(root, "version");
	bool ok_version = json_is_string(version) &&
		!strncmp(json_string_value(version), "https://jsonfeed.org/version/", 29);
	const json_t *items = json_object_get(root, "items");
	if (!ok_version && !json_is_array(items)) {
		f->bozo = true;
		rp_free(f->bozo_reason);
		f->bozo_reason = rp_strdup("JSON document is not a JSON Feed");
		json_decref(root);
		return;
	}
	f->format = FEED_FORMAT_JSON;
	f->title = plain(f, json_object_get(root, "title"));
	f->link = trimmed(f, json_object_get(root, "home_page_url"));
	if (!(ok_version && json_is_array(items))) {
		f->bozo = true;
		if (!f->bozo_reason)
			f->bozo_reason = rp_strdup(ok_version ? "no items array" : "no JSON Feed version");
	}
	const json_t *lang = json_object_get(root, "language");
	if (json_is_string(lang) && json_string_length(lang))
		f->lang = rp_strdup(json_string_value(lang));
	size_t i;
	json_t *it;
	if (json_is_array(items)) {
		json_array_foreach(items, i, it) {
			if (!json_is_object(it))
				continue;
			if (f->n_entries + f->n_streamed >= RP_FEED_MAX_ENTRIES) {
				f->bozo = true;
				if (!f->bozo_reason)
					f->bozo_reason = rp_strdup("too many entries");
				break;
			}
			struct feed_entry e;
			feed_entry_init(&e);
			item_to_entry(f, it, &e, f->lang);
			if (fn) {
				f->n_streamed++;
				fn(fn_ctx, f, &e);
				feed_entry_done(&e);
			} else {
				f->entries = rp_grow(f->entries, sizeof *f->entries, f->n_entries + 1,
				                     &f->cap_entries);
				f->entries[f->n_entries++] = e;
			}
		}
	}
	json_decref(root);
}
