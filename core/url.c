/* core/url.c - URLs: resolve, canonicalise, classify.
 *
 * Two jobs with different owners of the truth:
 *  - url_resolve is RFC 3986 section 5.2 reference resolution, for any
 *    scheme (xml:base chains carry tag:, urn:, file: and relative bases).
 *    libcurl's URL API cannot do it: it refuses schemes without "//",
 *    turns "#s" against ".../d;p?q" into ".../#s", drops the base for an
 *    empty reference and adds a "/" to "//g" (curl 7.88). So resolution
 *    splits references into the five RFC 3986 components (the regular
 *    expression of its appendix B: no validation, just cutting at the
 *    delimiters) and follows section 5.2.2 and 5.2.4 to the letter.
 *  - url_canonical makes a deduplication key for http(s) URLs. There
 *    libcurl parses and validates (CURLU), removes dot segments and
 *    percent-encodes what must be; this file adds the normalisations of
 *    RFC 3986 section 6.2.2 curl leaves out and the tracking-parameter
 *    rules. The key is a fixpoint: url_canonical of a key is the key.
 * Every result is a new string owned by the caller.
 *
 * libcurl is loaded with dlopen at the first url_canonical/url_is_http,
 * not linked: linked, it drags about 40 shared libraries (TLS, Kerberos,
 * LDAP, IDN...) into every process, and loading them cost about 20 ms of
 * CPU per run of `rapporteur parse`, which never needs curl (measured
 * 2026-11-26 with hyperfine, 300 runs: an empty main linked against
 * libxml2 only takes 5.5 ms of CPU, with libcurl too 32.5 ms). */
#include "core/url.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/dl.h"
#include "core/limits.h"
#include "core/utf8.h"

/* The first n bytes of s equal the lowercase ASCII word w, any case (no
 * locale: strncasecmp follows LC_CTYPE). */
static bool ascii_ncase_eq(const char *s, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != w[i] || w[i] == '\0')
			return false;
	}
	return true;
}

/* The length of the scheme of s (without ':'), 0 when s has none. */
static size_t scheme_len(const char *s, size_t n)
{
	if (n == 0 || !ascii_is_alpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			return i;
		if (!ascii_is_alpha(c) && !ascii_is_digit(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

bool url_is_absolute(const char *s)
{
	return s && scheme_len(s, strlen(s)) > 0;
}

/* Feed whitespace (FEED_SCHEMA.md section 4): ASCII U+0009-000D, U+0020,
 * and U+00A0 (C2 A0). */
static void trim(const char **s, size_t *n)
{
	const char *a = *s, *b = *s + *n;
	for (;;) {
		if (a < b && ((*a >= 0x09 && *a <= 0x0D) || *a == ' '))
			a++;
		else if (b - a >= 2 && (unsigned char)a[0] == 0xC2 && (unsigned char)a[1] == 0xA0)
			a += 2;
		else
			break;
	}
	for (;;) {
		if (b > a && ((b[-1] >= 0x09 && b[-1] <= 0x0D) || b[-1] == ' '))
			b--;
		else if (b - a >= 2 && (unsigned char)b[-2] == 0xC2 && (unsigned char)b[-1] == 0xA0)
			b -= 2;
		else
			break;
	}
	*s = a;
	*n = (size_t)(b - a);
}

/* ---- RFC 3986 reference resolution ---- */

struct part {
	const char *p;
	size_t n;
	bool set;     /* the component is present (an empty query "?" is present) */
};

struct ref {
	struct part scheme, authority, path, query, fragment;
};

/* RFC 3986 appendix B: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
 * with the scheme held to its section 3.1 syntax. */
static void split_ref(const char *s, size_t n, struct ref *r)
{
	memset(r, 0, sizeof *r);
	size_t i = 0, k = scheme_len(s, n);
	if (k) {
		r->scheme = (struct part){s, k, true};
		i = k + 1;
	}
	if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		size_t a = i + 2, j = a;
		while (j < n && s[j] != '/' && s[j] != '?' && s[j] != '#')
			j++;
		r->authority = (struct part){s + a, j - a, true};
		i = j;
	}
	size_t j = i;
	while (j < n && s[j] != '?' && s[j] != '#')
		j++;
	r->path = (struct part){s + i, j - i, true};
	i = j;
	if (i < n && s[i] == '?') {
		j = ++i;
		while (j < n && s[j] != '#')
			j++;
		r->query = (struct part){s + i, j - i, true};
		i = j;
	}
	if (i < n && s[i] == '#')
		r->fragment = (struct part){s + i + 1, n - i - 1, true};
}

/* RFC 3986 section 5.2.4, appending the result to out. */
static void remove_dot_segments(struct buf *out, const char *in, size_t n)
{
	size_t base = out->len;
	size_t i = 0;
	buf_reserve(out, n);
	while (i < n) {
		const char *p = in + i;
		size_t left = n - i;
		/* A: "../" or "./" prefixes go */
		if (left >= 3 && memcmp(p, "../", 3) == 0) {
			i += 3;
		} else if (left >= 2 && memcmp(p, "./", 2) == 0) {
			i += 2;
		/* B: "/./" or "/." at the end become "/" */
		} else if (left >= 3 && memcmp(p, "/./", 3) == 0) {
			i += 2;
		} else if (left == 2 && memcmp(p, "/.", 2) == 0) {
			buf_addc(out, '/');
			i += 2;
		/* C: "/../" or "/.." at the end become "/" and drop the last output segment */
		} else if ((left >= 4 && memcmp(p, "/../", 4) == 0) || (left == 3 && memcmp(p, "/..", 3) == 0)) {
			while (out->len > base && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > base)
				out->len--;
			out->data[out->len] = '\0';
			if (left == 3)
				buf_addc(out, '/');
			i += 3; /* for "/../", leaves its last "/" as the start of the input */
		/* D: "." or ".." alone go */
		} else if ((left == 1 && p[0] == '.') || (left == 2 && memcmp(p, "..", 2) == 0)) {
			i = n;
		/* E: move the first segment, with its leading "/", to the output */
		} else {
			size_t j = (p[0] == '/') ? 1 : 0;
			while (j < left && p[j] != '/')
				j++;
			buf_add(out, p, j);
			i += j;
		}
	}
	if (!out->data)
		buf_add(out, "", 0);
}

static void add_part(struct buf *b, const char *pre, const struct part *p)
{
	if (!p->set)
		return;
	buf_adds(b, pre);
	buf_add(b, p->p, p->n);
}

rp_err url_resolve(const char *base, const char *ref, char **ret)
{
	if (!ref)
		return RP_ERR_USAGE;
	size_t rn = strlen(ref);
	size_t bn = base ? strlen(base) : 0;
	if (rn > RP_URL_MAX_BYTES || bn > RP_URL_MAX_BYTES)
		return RP_ERR_LIMIT;
	trim(&ref, &rn);
	if (base)
		trim(&base, &bn);

	struct ref r, b;
	split_ref(ref, rn, &r);
	if (r.scheme.set || !base || bn == 0) {
		/* Absolute already, or nothing to resolve against. */
		*ret = rp_strndup(ref, rn);
		return RP_OK;
	}
	split_ref(base, bn, &b);

	/* RFC 3986 section 5.2.2 (strict: a ref with a scheme is taken whole). */
	struct buf out = {0};
	struct buf path = {0};
	struct part query;
	const struct part *authority;
	if (r.authority.set) {
		authority = &r.authority;
		remove_dot_segments(&path, r.path.p, r.path.n);
		query = r.query;
	} else {
		authority = &b.authority;
		if (r.path.n == 0) {
			buf_add(&path, b.path.p, b.path.n);
			query = r.query.set ? r.query : b.query;
		} else {
			struct buf merged = {0};
			if (r.path.p[0] == '/') {
				buf_add(&merged, r.path.p, r.path.n);
			} else {
				/* 5.2.3 merge */
				if (b.authority.set && b.path.n == 0) {
					buf_addc(&merged, '/');
				} else {
					size_t k = b.path.n;
					while (k > 0 && b.path.p[k - 1] != '/')
						k--;
					buf_add(&merged, b.path.p, k);
				}
				buf_add(&merged, r.path.p, r.path.n);
			}
			remove_dot_segments(&path, merged.data, merged.len);
			buf_done(&merged);
			query = r.query;
		}
	}

	/* 5.3 recomposition; a relative base ("/a/", "a/b/") gives a relative
	 * result, merged the same way, as Python's urljoin (the oracle) does */
	if (b.scheme.set) {
		buf_add(&out, b.scheme.p, b.scheme.n);
		buf_addc(&out, ':');
	}
	if (authority->set) {
		buf_adds(&out, "//");
		buf_add(&out, authority->p, authority->n);
	} else if (path.len >= 2 && path.data[0] == '/' && path.data[1] == '/') {
		/* Dot removal left "//x" with no authority: keep it a path, not
		 * an authority (the RFC's errata 4547 fix). */
		buf_adds(&out, "/.");
	}
	buf_add(&out, path.data ? path.data : "", path.len);
	add_part(&out, "?", &query);
	add_part(&out, "#", &r.fragment);
	buf_done(&path);
	/* The base's path or query may end in whitespace that its fragment
	 * hid from the trim ("a:b #f"); results are trimmed like inputs. */
	const char *o = out.data;
	size_t on = out.len;
	trim(&o, &on);
	memmove(out.data, o, on);
	out.len = on;
	out.data[on] = '\0';
	if (out.len > RP_URL_MAX_BYTES) {
		buf_done(&out);
		return RP_ERR_LIMIT;
	}
	*ret = buf_detach(&out);
	return RP_OK;
}

/* ---- canonical form ---- */

static int hexval(unsigned char c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static bool unreserved(unsigned char c)
{
	return ascii_is_alpha(c) || ascii_is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 6.2.2.2: decode %XX of unreserved characters, uppercase the
 * hex digits of the rest, and encode a '%' that starts no escape. */
static void normalise_percent(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '%') {
			buf_addc(out, (char)c);
			continue;
		}
		int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
		int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			buf_adds(out, "%25");
			continue;
		}
		unsigned char d = (unsigned char)(hi * 16 + lo);
		if (unreserved(d)) {
			buf_addc(out, (char)d);
		} else {
			char e[3] = {'%', hex[hi], hex[lo]};
			buf_add(out, e, 3);
		}
		i += 2;
	}
}

/* Query keys that only track the reader (compared case-insensitively). */
static bool is_tracking(const char *key, size_t n)
{
	static const char *const names[] = {
		"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
		"ref_src", "_hsenc", "_hsmi", "yclid",
	};
	if (n >= 4 && ascii_ncase_eq(key, "utm_", 4))
		return true;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && ascii_ncase_eq(key, names[i], n))
			return true;
	return false;
}

struct param {
	const char *p;   /* "key=value" (or "key") */
	size_t n;
	size_t keylen;
	size_t order;    /* position in the query: ties keep it (stable sort) */
};

static int param_cmp(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	size_t k = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->p, y->p, k);
	if (c == 0 && x->keylen != y->keylen)
		c = x->keylen < y->keylen ? -1 : 1;
	if (c == 0)
		c = x->order < y->order ? -1 : (x->order > y->order ? 1 : 0);
	return c;
}

/* Append the canonical query ("?..." or nothing) for the normalised query q. */
static void canonical_query(struct buf *out, const char *q, size_t n)
{
	struct param *v = NULL;
	size_t nv = 0, cap = 0;
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && q[j] != '&')
			j++;
		if (j > i) {
			const char *eq = memchr(q + i, '=', j - i);
			size_t keylen = eq ? (size_t)(eq - (q + i)) : j - i;
			if (!is_tracking(q + i, keylen)) {
				v = rp_grow(v, sizeof *v, nv + 1, &cap);
				v[nv] = (struct param){q + i, j - i, keylen, nv};
				nv++;
			}
		}
		i = j + 1;
	}
	if (nv) {
		qsort(v, nv, sizeof *v, param_cmp);
		for (size_t k = 0; k < nv; k++) {
			buf_addc(out, k ? '&' : '?');
			buf_add(out, v[k].p, v[k].n);
		}
	}
	rp_free(v);
}

/* ---- libcurl, loaded on first use -------------------------------------- */

/* The soname of Debian's libcurl4 (the library libcurl4-*-dev builds
 * against); the unversioned name is a fallback for other systems. */
static const char *const curl_sonames[] = { "libcurl.so.4", "libcurl.so" };

static struct curl_fns {
	__typeof__(curl_url) *url;
	__typeof__(curl_url_cleanup) *url_cleanup;
	__typeof__(curl_url_set) *url_set;
	__typeof__(curl_url_get) *url_get;
	__typeof__(curl_free) *free;
} curl;
static bool curl_ok;   /* every pointer in curl is set */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

#define FN(field, name) { name, offsetof(struct curl_fns, field) }
static const struct dl_sym curl_syms[] = {
	FN(url, "curl_url"), FN(url_cleanup, "curl_url_cleanup"), FN(url_set, "curl_url_set"),
	FN(url_get, "curl_url_get"), FN(free, "curl_free"),
};
#undef FN
_Static_assert(sizeof curl_syms / sizeof curl_syms[0] * sizeof(void (*)(void)) ==
               sizeof(struct curl_fns), "every field of struct curl_fns is looked up");

static void curl_load(void)
{
	/* url_canonical says RP_ERR_IO; the reason is not kept */
	curl_ok = dl_load("libcurl", NULL, curl_sonames, sizeof curl_sonames / sizeof curl_sonames[0],
	                  curl_syms, sizeof curl_syms / sizeof curl_syms[0], &curl, NULL, 0);
}

/* True when libcurl's URL API is usable. */
static bool curl_ready(void)
{
	return pthread_once(&curl_once, curl_load) == 0 && curl_ok;
}

static bool is_http_scheme(const char *s)
{
	return s && (strcmp(s, "http") == 0 || strcmp(s, "https") == 0);
}

rp_err url_canonical(const char *url, char **ret)
{
	if (!url)
		return RP_ERR_USAGE;
	size_t n = strlen(url);
	if (n > RP_URL_MAX_BYTES)
		return RP_ERR_LIMIT;
	trim(&url, &n);
	size_t sl = scheme_len(url, n);
	if (!((sl == 4 && ascii_ncase_eq(url, "http", 4)) ||
	      (sl == 5 && ascii_ncase_eq(url, "https", 5))))
		return RP_ERR_INPUT;

	if (!curl_ready())
		return RP_ERR_IO; /* libcurl is not installed: no key can be made */
	rp_err err = RP_ERR_INPUT;
	struct buf pre = {0}, out = {0}, tmp = {0};
	char *scheme = NULL, *user = NULL, *password = NULL, *host = NULL, *port = NULL;
	char *path = NULL, *query = NULL;
	CURLU *h = curl.url();
	if (!h)
		goto done;

	/* Decode escaped unreserved characters first, so "%2E%2E" is a dot
	 * segment when curl removes them (RFC 3986 6.2.2: percent-encoding
	 * before path segment normalisation). The fragment is dropped here:
	 * it is never part of the key. */
	const char *hash = memchr(url, '#', n);
	normalise_percent(&pre, url, hash ? (size_t)(hash - url) : n);
	/* CURLU_URLENCODE percent-encodes spaces and non-ASCII bytes. */
	if (curl.url_set(h, CURLUPART_URL, pre.data, CURLU_URLENCODE) != CURLUE_OK)
		goto done;
	if (curl.url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http_scheme(scheme))
		goto done;
	if (curl.url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
		goto done;
	(void)curl.url_get(h, CURLUPART_USER, &user, 0);
	(void)curl.url_get(h, CURLUPART_PASSWORD, &password, 0);
	(void)curl.url_get(h, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
	if (curl.url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto done;
	(void)curl.url_get(h, CURLUPART_QUERY, &query, 0);

	buf_adds(&out, scheme);
	buf_adds(&out, "://");
	if (user) {
		normalise_percent(&out, user, strlen(user));
		if (password) {
			buf_addc(&out, ':');
			normalise_percent(&out, password, strlen(password));
		}
		buf_addc(&out, '@');
	}
	/* curl hands the host over percent-decoded. A '%' left in it, a
	 * control or space, or bytes that are not UTF-8 cannot name a host and
	 * would not read back the same, so such URLs have no key. Non-ASCII
	 * (IDN) hosts stay as UTF-8; ASCII letters are lowercased. */
	size_t hn = strlen(host);
	if (!utf8_is_valid(host, hn))
		goto done;
	for (char *c = host; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u <= 0x20 || u == 0x7F || u == '%')
			goto done;
		if (u == 0xC2 && ((unsigned char)c[1] == 0xA0 || (unsigned char)c[1] == 0x85))
			goto done; /* no-break space, next line */
		if (u >= 'A' && u <= 'Z')
			*c = (char)(u + 32);
	}
	buf_add(&out, host, hn);
	if (port) {
		buf_addc(&out, ':');
		buf_adds(&out, port);
	}
	if (!path[0])
		buf_addc(&out, '/');
	else
		normalise_percent(&out, path, strlen(path));
	if (query) {
		normalise_percent(&tmp, query, strlen(query));
		canonical_query(&out, tmp.data, tmp.len);
	}
	if (out.len > RP_URL_MAX_BYTES) {
		err = RP_ERR_LIMIT;
		goto done;
	}
	*ret = buf_detach(&out);
	err = RP_OK;
done:
	curl.free(scheme);
	curl.free(user);
	curl.free(password);
	curl.free(host);
	curl.free(port);
	curl.free(path);
	curl.free(query);
	curl.url_cleanup(h);
	buf_done(&pre);
	buf_done(&out);
	buf_done(&tmp);
	return err;
}

bool url_is_http(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	size_t sl = scheme_len(s, n);
	if (n > RP_URL_MAX_BYTES ||
	    !((sl == 4 && ascii_ncase_eq(s, "http", 4)) || (sl == 5 && ascii_ncase_eq(s, "https", 5))))
		return false;
	if (!curl_ready())
		return false;
	CURLU *h = curl.url();
	if (!h)
		return false;
	char *host = NULL;
	bool ok = curl.url_set(h, CURLUPART_URL, s, CURLU_URLENCODE) == CURLUE_OK &&
	          curl.url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && host[0];
	curl.free(host);
	curl.url_cleanup(h);
	return ok;
}
