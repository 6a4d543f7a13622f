/* tests/core/test-url.c - core/url.c: RFC 3986 resolution, xml:base
 * chains, canonical keys, classification, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/url.h"

#define RFC_BASE "http://a/b/c/d;p?q"

/* RFC 3986 section 5.4.1 (normal) and 5.4.2 (abnormal), in order; the
 * strict reading for "http:g". */
static const struct {
	const char *ref;
	const char *want;
} rfc_rows[] = {
	{"g:h", "g:h"},
	{"g", "http://a/b/c/g"},
	{"./g", "http://a/b/c/g"},
	{"g/", "http://a/b/c/g/"},
	{"/g", "http://a/g"},
	{"//g", "http://g"},
	{"?y", "http://a/b/c/d;p?y"},
	{"g?y", "http://a/b/c/g?y"},
	{"#s", "http://a/b/c/d;p?q#s"},
	{"g#s", "http://a/b/c/g#s"},
	{"g?y#s", "http://a/b/c/g?y#s"},
	{";x", "http://a/b/c/;x"},
	{"g;x", "http://a/b/c/g;x"},
	{"g;x?y#s", "http://a/b/c/g;x?y#s"},
	{"", "http://a/b/c/d;p?q"},
	{".", "http://a/b/c/"},
	{"./", "http://a/b/c/"},
	{"..", "http://a/b/"},
	{"../", "http://a/b/"},
	{"../g", "http://a/b/g"},
	{"../..", "http://a/"},
	{"../../", "http://a/"},
	{"../../g", "http://a/g"},
	/* 5.4.2 abnormal */
	{"../../../g", "http://a/g"},
	{"../../../../g", "http://a/g"},
	{"/./g", "http://a/g"},
	{"/../g", "http://a/g"},
	{"g.", "http://a/b/c/g."},
	{".g", "http://a/b/c/.g"},
	{"g..", "http://a/b/c/g.."},
	{"..g", "http://a/b/c/..g"},
	{"./../g", "http://a/b/g"},
	{"./g/.", "http://a/b/c/g/"},
	{"g/./h", "http://a/b/c/g/h"},
	{"g/../h", "http://a/b/c/h"},
	{"g;x=1/./y", "http://a/b/c/g;x=1/y"},
	{"g;x=1/../y", "http://a/b/c/y"},
	{"g?y/./x", "http://a/b/c/g?y/./x"},
	{"g?y/../x", "http://a/b/c/g?y/../x"},
	{"g#s/./x", "http://a/b/c/g#s/./x"},
	{"g#s/../x", "http://a/b/c/g#s/../x"},
	{"http:g", "http:g"},
};

static void test_rfc3986(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof rfc_rows / sizeof rfc_rows[0]; i++) {
		char *got = NULL;
		rp_err e = url_resolve(RFC_BASE, rfc_rows[i].ref, &got);
		if (e != RP_OK || strcmp(got, rfc_rows[i].want) != 0) {
			print_error("row %zu: url_resolve(\"%s\", \"%s\") = %s, want %s\n", i, RFC_BASE,
			            rfc_rows[i].ref, e == RP_OK ? got : "error", rfc_rows[i].want);
			failures++;
		}
		rp_free(got);
	}
	assert_int_equal(failures, 0);
}

/* Other bases: absolute refs of any scheme stay as written, relative ones
 * resolve for any scheme and against relative bases, a missing base
 * leaves them alone. */
static void test_resolve_more(void **state)
{
	(void)state;
	static const struct {
		const char *base, *ref, *want;
	} rows[] = {
		{"http://example.com/blog/", "tag:example.com,2005:entry-1", "tag:example.com,2005:entry-1"},
		{"http://example.com/blog/", "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6",
		 "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6"},
		{"http://example.com/blog/", "mailto:jane@example.com", "mailto:jane@example.com"},
		{"http://example.com/blog/", "HTTPS://Other.example/x/../y", "HTTPS://Other.example/x/../y"},
		{"http://example.com/blog/", "  /x  ", "http://example.com/x"},     /* trimmed */
		{"http://example.com/blog/", "\xC2\xA0post\t", "http://example.com/blog/post"},
		{"http://example.com", "x", "http://example.com/x"},               /* empty base path */
		{"http://example.com", "?q", "http://example.com?q"},
		{"http://example.com/a/b", "//cdn.example.net/img.png", "http://cdn.example.net/img.png"},
		{"https://example.com/a/b", "//cdn.example.net", "https://cdn.example.net"},
		{"http://example.com/a/", "b c/d\xC3\xA9", "http://example.com/a/b c/d\xC3\xA9"},  /* bytes kept */
		{"http://u:p@example.com:8080/a/b?x#y", "c", "http://u:p@example.com:8080/a/c"},
		{"file:///home/u/feed.xml", "img/a.png", "file:///home/u/img/a.png"},
		{"file:///a/b", "../c", "file:///c"},
		{"tag:example.com,2005:blog/", "entry", "tag:example.com,2005:blog/entry"},
		{"urn:isbn:0451450523", "x", "urn:x"},                             /* RFC merge: no '/' in the path */
		{"http://example.com/a/", "", "http://example.com/a/"},
		{NULL, "relative/x", "relative/x"},
		{NULL, "http://example.com/", "http://example.com/"},
		{"relative/base/", "x", "relative/base/x"},                      /* as urljoin */
		{"/rooted/", "c/d.html", "/rooted/c/d.html"},
		{"/a/b", "?y", "/a/b?y"},
		{"//host/a", "b", "//host/b"},
		{"", "x", "x"},
		{"", "  x ", "x"},
		/* fuzz: whitespace before a base's fragment ended the result */
		{"Q:\x0C#", "", "Q:"},
		{"http://a/b? #f", "", "http://a/b?"},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *got = NULL;
		rp_err e = url_resolve(rows[i].base, rows[i].ref, &got);
		if (e != RP_OK || strcmp(got, rows[i].want) != 0) {
			print_error("row %zu: url_resolve(\"%s\", \"%s\") = %s, want %s\n", i,
			            rows[i].base ? rows[i].base : "NULL", rows[i].ref,
			            e == RP_OK ? got : "error", rows[i].want);
			failures++;
		}
		rp_free(got);
	}
	assert_int_equal(failures, 0);
}

/* xml:base chains: the parser resolves each xml:base against the one in
 * scope, then the element's URL against the result. */
static void test_xml_base_chains(void **state)
{
	(void)state;
	static const struct {
		const char *chain[5]; /* bases outermost first, then the URL; NULL ends */
		const char *want;
	} rows[] = {
		{{"http://example.org/", "blog/", "2024/", "post.html", NULL}, "http://example.org/blog/2024/post.html"},
		{{"http://example.org/a/b/", "../c/", "./d", NULL}, "http://example.org/a/c/d"},
		{{"http://example.org/a/", "http://other.example/x/", "y", NULL}, "http://other.example/x/y"},
		{{"http://example.org/a/", "/root/", "../up", NULL}, "http://example.org/up"},
		{{"http://example.org/feed", "entries/", "#frag", NULL}, "http://example.org/entries/#frag"},
		{{"http://example.org/a/", "//cdn.example.net/b/", "c", NULL}, "http://cdn.example.net/b/c"},
		{{"http://example.org/a/", "tag:example.org,2024:", "x", NULL}, "tag:x"},
		{{"https://example.org/a/b", "?page=2", "", NULL}, "https://example.org/a/b?page=2"},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *base = rp_strdup(rows[i].chain[0]);
		for (size_t k = 1; k < 5 && rows[i].chain[k]; k++) {
			char *next = NULL;
			if (url_resolve(base, rows[i].chain[k], &next) != RP_OK) {
				rp_free(base);
				base = rp_strdup("error");
				break;
			}
			rp_free(base);
			base = next;
		}
		if (strcmp(base, rows[i].want) != 0) {
			print_error("row %zu: chain from %s gave %s, want %s\n", i, rows[i].chain[0], base,
			            rows[i].want);
			failures++;
		}
		rp_free(base);
	}
	assert_int_equal(failures, 0);
}

static void test_canonical(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want; /* NULL: RP_ERR_INPUT */
	} rows[] = {
		{"HTTP://Example.COM:80", "http://example.com/"},
		{"https://Example.com:443/a/./b/../c?b=2&a=1#frag", "https://example.com/a/c?a=1&b=2"},
		{"http://example.com:8080/", "http://example.com:8080/"},
		{"https://example.com:80/", "https://example.com:80/"},
		{"http://example.com/?utm_source=x&id=5&fbclid=abc&UTM_Medium=y", "http://example.com/?id=5"},
		{"http://example.com/x?gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&igshid=6&ref_src=7&_hsenc=8&_hsmi=9&yclid=10",
		 "http://example.com/x"},
		{"http://example.com/x?utm=keep&utmx=keep", "http://example.com/x?utm=keep&utmx=keep"},
		{"http://example.com/x?b=1&a=2&b=0&a=1", "http://example.com/x?a=2&a=1&b=1&b=0"}, /* stable */
		{"http://example.com/x?&&a=&b", "http://example.com/x?a=&b"},
		{"http://example.com/x?", "http://example.com/x"},
		{"http://example.com/x#", "http://example.com/x"},
		{"http://example.com/%7euser/%2e%2e/x%2fy", "http://example.com/x%2Fy"},
		{"http://example.com/%41%62%63/%e2%82%ac", "http://example.com/Abc/%E2%82%AC"},
		{"http://example.com/a b?q=a b", "http://example.com/a%20b?q=a+b"},
		{"http://example.com/caf\xC3\xA9", "http://example.com/caf%C3%A9"},
		{"http://example.com/100%", "http://example.com/100%25"},
		{"http://example.com/%zz", "http://example.com/%25zz"},
		{"http://example.com?a=%3d&b=%3D", "http://example.com/?a=%3D&b=%3D"},
		{"http://example.com?q=%7E", "http://example.com/?q=~"},
		{"  http://example.com/x  ", "http://example.com/x"},
		{"http://user:Secret@Example.com/", "http://user:Secret@example.com/"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"http://example.com/a//b", "http://example.com/a//b"},
		{"http:/example.com/x", "http://example.com/x"},
		{"http://Ex%41mple.com/", "http://example.com/"},           /* escaped letters in a host */
		{"http://\xE4\xBE\x8B\xE3\x81\x88.JP/", "http://\xE4\xBE\x8B\xE3\x81\x88.jp/"}, /* IDN host kept as UTF-8 */
		{"http://e6%f%33.c/", NULL},   /* fuzz: a host that decodes to a '%' has no stable key */
		{"http://a%C2%A0b.com/", NULL},                                /* no-break space in a host */
		{"ftp://example.com/", NULL},
		{"tag:example.com,2005:x", NULL},
		{"mailto:a@example.com", NULL},
		{"/relative/path", NULL},
		{"example.com/x", NULL},
		{"http://", NULL},
		{"http://exa mple.com/", NULL},
		{"http://example.com:99999/", NULL},
		{"", NULL},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *got = NULL;
		rp_err e = url_canonical(rows[i].in, &got);
		bool ok = rows[i].want ? (e == RP_OK && strcmp(got, rows[i].want) == 0)
		                       : (e == RP_ERR_INPUT && got == NULL);
		if (ok && got) {
			/* the key is a fixpoint */
			char *again = NULL;
			if (url_canonical(got, &again) != RP_OK || strcmp(again, got) != 0) {
				print_error("row %zu: canonical(\"%s\") = %s is not a fixpoint (%s)\n", i,
				            rows[i].in, got, again ? again : "error");
				failures++;
			}
			rp_free(again);
		}
		if (!ok) {
			print_error("row %zu: url_canonical(\"%s\") = %s (%d), want %s\n", i, rows[i].in,
			            got ? got : "-", (int)e, rows[i].want ? rows[i].want : "RP_ERR_INPUT");
			failures++;
		}
		rp_free(got);
	}
	assert_int_equal(failures, 0);
}

static void test_classify(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool absolute, http;
	} rows[] = {
		{"http://example.com/", 1, 1},
		{"HTTPS://example.com", 1, 1},
		{"https://example.com:8443/x?y#z", 1, 1},
		{"http://", 1, 0},
		{"http:foo", 1, 0},
		{"ftp://example.com/", 1, 0},
		{"tag:example.com,2005:x", 1, 0},
		{"urn:isbn:0451450523", 1, 0},
		{"mailto:jane@example.com", 1, 0},
		{"svn+ssh://host/repo", 1, 0},
		{"a.b-c+d:x", 1, 0},
		{"1http://x", 0, 0},
		{"/path", 0, 0},
		{"//example.com/x", 0, 0},
		{"path/with:colon", 0, 0},
		{"?q", 0, 0},
		{"", 0, 0},
		{":x", 0, 0},
		{"ex ample:x", 0, 0},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bool a = url_is_absolute(rows[i].in), h = url_is_http(rows[i].in);
		if (a != rows[i].absolute || h != rows[i].http) {
			print_error("row %zu: \"%s\": absolute %d http %d, want %d %d\n", i, rows[i].in, a, h,
			            rows[i].absolute, rows[i].http);
			failures++;
		}
	}
	assert_false(url_is_absolute(NULL));
	assert_false(url_is_http(NULL));
	assert_int_equal(failures, 0);
}

/* Inputs past RP_URL_MAX_BYTES are refused and ret is left alone. */
static void test_limits(void **state)
{
	(void)state;
	size_t n = RP_URL_MAX_BYTES + 1;
	char *longurl = rp_malloc(n + 1);
	memcpy(longurl, "http://example.com/", 19);
	memset(longurl + 19, 'a', n - 19);
	longurl[n] = '\0';
	char *ret = (char *)"untouched";
	assert_int_equal(url_canonical(longurl, &ret), RP_ERR_LIMIT);
	assert_int_equal(url_resolve(longurl, "x", &ret), RP_ERR_LIMIT);
	assert_int_equal(url_resolve("http://example.com/", longurl, &ret), RP_ERR_LIMIT);
	assert_string_equal(ret, "untouched");
	/* Exactly at the limit is fine... */
	longurl[RP_URL_MAX_BYTES] = '\0';
	char *got = NULL;
	assert_int_equal(url_canonical(longurl, &got), RP_OK);
	rp_free(got);
	/* ...but a resolution that grows past it is refused. */
	assert_int_equal(url_resolve(longurl, "?query", &ret), RP_ERR_LIMIT);
	assert_string_equal(ret, "untouched");
	rp_free(longurl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3986),
		cmocka_unit_test(test_resolve_more),
		cmocka_unit_test(test_xml_base_chains),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
