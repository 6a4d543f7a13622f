/* tests/feeds/test-xml-fast.c - fetchers/xml_fast.c: what it accepts,
 * what it declines, and the arguments its callbacks receive.
 *
 * Each row is a document, the trace of the callbacks it must give and,
 * for a document it must decline, part of the reason (`why`). A decline
 * with a NULL trace must come before any callback (XML_FAST_DECLINED);
 * one with a trace must come late (XML_FAST_DECLINED_LATE), after the
 * callbacks of the trace: the first ones libxml2 would make, as the
 * walker calls nothing for a construct before it has checked all of it.
 * How many entries such a prefix held is for the caller to count, from
 * its own callbacks (feed_xml.c). The trace:
 *   start   <prefix:local{uri} ns(prefix=uri)... prefix:name{uri}="value"...>
 *   end     </local>
 *   text    as delivered, consecutive characters() calls joined
 *   CDATA   [text]
 * Failing rows are printed with their input; the test fails once at the
 * end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "fetchers/xml_fast.h"

struct rec {
	struct buf b;
	bool stop;                /* set by the first start when stop_early */
	bool stop_early;
	const xmlChar *first_a;   /* local name pointer of the first <a> */
	bool a_same;              /* every <a> had that pointer */
};

static void add_name(struct buf *b, const xmlChar *prefix, const xmlChar *local, const xmlChar *uri)
{
	if (prefix)
		buf_printf(b, "%s:", (const char *)prefix);
	buf_adds(b, (const char *)local);
	if (uri)
		buf_printf(b, "{%s}", (const char *)uri);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attr, int nb_def, const xmlChar **attrs)
{
	struct rec *r = ctx;
	buf_addc(&r->b, '<');
	add_name(&r->b, prefix, local, uri);
	for (int i = 0; i < nb_ns; i++)
		buf_printf(&r->b, " ns(%s=%s)", ns[2 * i] ? (const char *)ns[2 * i] : "",
		           (const char *)ns[2 * i + 1]);
	for (int i = 0; i < nb_attr; i++) {
		const xmlChar **a = attrs + 5 * i;
		buf_addc(&r->b, ' ');
		add_name(&r->b, a[1], a[0], a[2]);
		buf_adds(&r->b, "=\"");
		buf_add(&r->b, a[3], (size_t)(a[4] - a[3]));
		buf_addc(&r->b, '"');
	}
	buf_printf(&r->b, "%s>", nb_def ? " DEFAULTED" : "");
	if (!strcmp((const char *)local, "a")) {
		if (!r->first_a)
			r->first_a = local;
		r->a_same &= r->first_a == local;
	}
	if (r->stop_early)
		r->stop = true;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct rec *r = ctx;
	(void)prefix;
	(void)uri;
	buf_printf(&r->b, "</%s>", (const char *)local);
}

static void on_chars(void *ctx, const xmlChar *s, int n)
{
	struct rec *r = ctx;
	buf_add(&r->b, s, (size_t)n);
}

static void on_cdata(void *ctx, const xmlChar *s, int n)
{
	struct rec *r = ctx;
	buf_addc(&r->b, '[');
	buf_add(&r->b, s, (size_t)n);
	buf_addc(&r->b, ']');
}

/* Parse doc[0..n) (valid UTF-8), recording the callbacks into r; the
 * verdict. */
static enum xml_fast_result run(const char *doc, size_t n, struct rec *r, const char **why)
{
	xmlSAXHandler sax = {
		.startElementNs = on_start, .endElementNs = on_end,
		.characters = on_chars, .cdataBlock = on_cdata,
	};
	r->a_same = true;
	return xml_fast_parse(doc, n, &sax, r, &r->stop, NULL, why);
}

/* s[0..n) on stdout, bytes outside printable ASCII as \xHH */
static void put_bytes(const char *s, size_t n)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + n; p++)
		printf(*p >= 0x20 && *p < 0x7f && *p != '\\' ? "%c" : "\\x%02X", *p);
}

#define XML_NS "{http://www.w3.org/XML/1998/namespace}"

static const struct row {
	const char *doc;
	size_t n;           /* 0: strlen(doc) */
	const char *trace;  /* what is called; NULL: nothing (declined early) */
	const char *why;    /* part of the decline reason; NULL: read */
} rows[] = {
	/* accepted: structure */
	{ "<r/>", 0, "<r></r>", NULL },
	{ "<r></r >", 0, "<r></r>", NULL },
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone='yes' ?>\n<!-- c -->\n"
	  "<?xml-stylesheet href=\"s.xsl\"?>\n<r>t</r>\n<!-- e --><?pi?>\n", 0, "<r>t</r>", NULL },
	{ "<r>\n <a/>\n</r>", 0, "<r>\n <a></a>\n</r>", NULL },
	{ "<r>a<!-- x -->b<?p y?>c<!---->d</r>", 0, "<r>abcd</r>", NULL },
	{ "<r>x &gt; y ]] z</r>", 0, "<r>x > y ]] z</r>", NULL },
	/* namespaces */
	{ "<r xmlns=\"urn:d\" xmlns:p=\"urn:p\"><p:x p:a=\"1\" b=\"2\"/><y xmlns=\"\"/><z/></r>", 0,
	  "<r{urn:d} ns(=urn:d) ns(p=urn:p)><p:x{urn:p} p:a{urn:p}=\"1\" b=\"2\"></x>"
	  "<y ns(=)></y><z{urn:d}></z></r>", NULL },
	{ "<p:r xmlns:p=\"urn:1\"><p:a xmlns:p=\"urn:2\"/><p:b/></p:r>", 0,
	  "<p:r{urn:1} ns(p=urn:1)><p:a{urn:2} ns(p=urn:2)></a><p:b{urn:1}></b></r>", NULL },
	{ "<r xml:lang=\"en\" xml:base='http://a/'/>", 0,
	  "<r xml:lang" XML_NS "=\"en\" xml:base" XML_NS "=\"http://a/\"></r>", NULL },
	{ "<r xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" p:a=\"1\" q:a=\"2\" a=\"3\"/>", 0,
	  "<r ns(p=urn:p) ns(q=urn:q) p:a{urn:p}=\"1\" q:a{urn:q}=\"2\" a=\"3\"></r>", NULL },
	/* attribute values: TAB, LF, CR, CR LF each one space; references
	 * decoded, but not normalised, and `&` as libxml2 gives it */
	{ "<r a=\"x&#9;y\tz\r\nw\rv\nu\" b=\"&amp;&lt;&#38;&#x41;&quot;&apos;&gt;\" c=''/>", 0,
	  "<r a=\"x\ty z w v u\" b=\"&#38;<&#38;A\"'>\" c=\"\"></r>", NULL },
	{ "<r a='\"' b=\"'\"/>", 0, "<r a=\"\"\" b=\"'\"></r>", NULL },
	/* text: line ends, references */
	{ "<r>a\r\nb\rc&#13;d\r</r>", 0, "<r>a\nb\nc\rd\n</r>", NULL },
	{ "<r>a\r&amp;\r\n&#10;</r>", 0, "<r>a\n&\n\n</r>", NULL },
	{ "<r>&lt;&gt;&amp;&quot;&apos;&#233;&#x1F600;&#x10FFFF;</r>", 0,
	  "<r><>&\"'\xC3\xA9\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF</r>", NULL },
	{ "<r>\xEF\xBF\xBD \xEF\xBC\x81</r>", 0, "<r>\xEF\xBF\xBD \xEF\xBC\x81</r>", NULL },
	/* CDATA as written, line ends too */
	{ "<r>a<![CDATA[<b>&c;\r\n]]]></r>", 0, "<r>a[<b>&c;\r\n]]</r>", NULL },
	{ "<r><![CDATA[]]></r>", 0, "<r></r>", NULL },

	/* declined */
	{ "", 0, NULL, "no root" },
	{ "  \n", 0, NULL, "no root" },
	{ "<!DOCTYPE r><r/>", 0, NULL, "DOCTYPE" },
	{ "<r><!DOCTYPE r></r>", 0, "<r>", "declaration" },
	{ "<?xml version=\"1.1\"?><r/>", 0, NULL, "version" },
	{ "<?xml version=\"1.0\" encoding=\"8bit\"?><r/>", 0, NULL, "encoding" },
	{ "<?xml version=\"1.0\"encoding=\"UTF-8\"?><r/>", 0, NULL, "XML declaration" },
	{ "<?xml version=\"1.0\" standalone=\"maybe\"?><r/>", 0, NULL, "standalone" },
	{ " <?xml version=\"1.0\"?><r/>", 0, NULL, "xml..." },
	{ "<?XmL x?><r/>", 0, NULL, "xml..." },
	{ "<?xml-other x?><r/>", 0, NULL, "xml..." },
	{ "<?a:b x?><r/>", 0, NULL, "target" },
	{ "<?a?x?><r/>", 0, NULL, "target" },
	{ "<r><?pi x</r>", 0, "<r>", "unclosed comment, PI" },
	{ "<r><!-- a -- b --></r>", 0, "<r>", "'--' in a comment" },
	{ "<r><!-- a ---></r>", 0, "<r>", "'--' in a comment" },
	{ "<r><!-- a </r>", 0, "<r>", "unclosed comment" },
	{ "text<r/>", 0, NULL, "text outside" },
	{ "<r/>text", 0, "<r></r>", "after the root" },
	{ "<r/><r/>", 0, "<r></r>", "after the root" },
	{ "<![CDATA[x]]><r/>", 0, NULL, "DOCTYPE or other" },
	{ "<r>", 0, "<r>", "unclosed" },
	{ "<r><a></r>", 0, "<r><a>", "does not match" },
	{ "<r><a></b></r>", 0, "<r><a>", "does not match" },
	{ "<r></ra>", 0, "<r>", "does not match" },
	{ "<r/></r>", 0, "<r></r>", "after the root" },
	{ "<r a=\"1\"b=\"2\"/>", 0, NULL, "no space" },
	{ "<r a=1/>", 0, NULL, "unquoted" },
	{ "<r a/>", 0, NULL, "without '='" },
	{ "<r a=\"<\"/>", 0, NULL, "'<'" },
	{ "<r a=\"x/>", 0, NULL, "unclosed" },
	{ "<r a=\"1\" a=\"2\"/>", 0, NULL, "twice" },
	{ "<r xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:a=\"1\" q:a=\"2\"/>", 0, NULL, "twice" },
	{ "<r xmlns:p=\"urn:x\" xmlns:p=\"urn:y\"/>", 0, NULL, "twice" },
	{ "<p:r/>", 0, NULL, "unbound" },
	{ "<r p:a=\"1\"/>", 0, NULL, "unbound" },
	{ "<xmlns:r/>", 0, NULL, "unbound" },
	{ "<xml:r/>", 0, NULL, "xml namespace" },
	{ "<r xmlns:p=\"\"/>", 0, NULL, "empty namespace" },
	{ "<r xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>", 0, NULL, "xml or xmlns prefix" },
	{ "<r xmlns=\"http://www.w3.org/2000/xmlns/\"/>", 0, NULL, "xmlns namespace" },
	{ "<r xmlns:p=\"a b\"/>", 0, NULL, "not a URI" },
	/* namespace names: only a subset of URIs libxml2 surely parses */
	{ "<r xmlns:a=\"http://a.example:8080/p/q;x?y=1&amp;#f\"/>", 0, NULL, "references" },
	{ "<r xmlns:a=\"https://a.example:8080/p/%7Eq?y=1/?#f/?\" xmlns:b=\"tag:x.example,2005:a/b\" "
	  "xmlns:c=\"urn:x-a:b\"/>", 0, "<r ns(a=https://a.example:8080/p/%7Eq?y=1/?#f/?) "
	  "ns(b=tag:x.example,2005:a/b) ns(c=urn:x-a:b)></r>", NULL },
	{ "<r xmlns:a=\"http://[::1]/\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"http://u:p@a.example/\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"http://a.example:/\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"http://a.example/#a#b\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"http://a.example/%4\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"http://a.example/{x}\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"urn:/x\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"mailto:x@a.example\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:a=\"relative/path\"/>", 0, NULL, "not a URI" },
	{ "<r xmlns:p=\"urn:&amp;\"/>", 0, NULL, "references" },
	{ "<a:b:c/>", 0, NULL, "namespace-well-formed" },
	{ "<a:/>", 0, NULL, "namespace-well-formed" },
	{ "<1a/>", 0, NULL, "not a name" },
	{ "<\xC3\xA9/>", 0, NULL, "non-ASCII" },
	{ "<r\xC3\xA9/>", 0, NULL, "non-ASCII" },
	{ "<r>&nbsp;</r>", 0, "<r>", "entity" },
	{ "<r>&amp</r>", 0, "<r>", "entity" },
	{ "<r>a & b</r>", 0, "<r>", "entity" },
	{ "<r>&#0;</r>", 0, "<r>", "non-XML" },
	{ "<r>&#xFFFE;</r>", 0, "<r>", "non-XML" },
	{ "<r>&#xD800;</r>", 0, "<r>", "non-XML" },
	{ "<r>&#x110000;</r>", 0, "<r>", "range" },
	{ "<r>&#X41;</r>", 0, "<r>", "malformed" },
	{ "<r>&#;</r>", 0, "<r>", "malformed" },
	{ "<r>&#12a;</r>", 0, "<r>", "malformed" },
	{ "<r a=\"&#1;\"/>", 0, NULL, "non-XML" },
	{ "<r>]]></r>", 0, "<r>", "']]>'" },
	{ "<r>\x01</r>", 0, "<r>", "control" },
	{ "<r>\0</r>", 8, "<r>", "control" },
	{ "<r a=\"\x1f\"/>", 0, NULL, "control" },
	{ "<r><!-- \x02 --></r>", 0, "<r>", "control" },
	{ "<r><![CDATA[\x0b]]></r>", 0, "<r>", "control" },
	{ "<r>\xEF\xBF\xBE</r>", 0, "<r>", "U+FFFE" },
	{ "<r a=\"\xEF\xBF\xBF\"/>", 0, NULL, "U+FFFE" },
	{ "<r><![CDATA[", 0, "<r>", "unclosed comment, PI or CDATA" },
	{ "<r/ >", 0, NULL, "no space" },
	/* HTML void elements only written empty: feed_repair.c would close
	 * `<br>`, changing bytes before the late decline */
	{ "<r><br/><BR /><hr\n/><x:br xmlns:x=\"urn:x\"></x:br><bR></bR><brx></brx></r>", 0,
	  "<r><br></br><BR></BR><hr></hr><x:br{urn:x} ns(x=urn:x)></br><bR></bR><brx></brx></r>", NULL },
	{ "<r><a>x</a><br></br></r>", 0, "<r><a>x</a>", "HTML void" },
	{ "<r><img src=\"a\"></img></r>", 0, "<r>", "HTML void" },
	/* late: nothing of the construct that declines is called, not even
	 * the text before the reference in the same run */
	{ "<r><a>x</a>ab&nbsp;cd</r>", 0, "<r><a>x</a>", "entity" },
	{ "<r><a>x</a><b c=\"1\" c=\"2\"/></r>", 0, "<r><a>x</a>", "twice" },
	{ "<r><a>x</a><b c=\"&foo;\"/></r>", 0, "<r><a>x</a>", "entity" },
	{ "<r><a>x</a><p:b/></r>", 0, "<r><a>x</a>", "unbound" },
	{ "<r><a>x</a><b xmlns:p=\"a b\"/></r>", 0, "<r><a>x</a>", "not a URI" },
};

static const char *result_name(enum xml_fast_result r)
{
	return r == XML_FAST_READ ? "read" : r == XML_FAST_DECLINED ? "declined" : "declined late";
}

static void test_rows(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *w = &rows[i];
		size_t n = w->n ? w->n : strlen(w->doc);
		struct rec r = { 0 };
		const char *why = NULL;
		enum xml_fast_result got = run(w->doc, n, &r, &why);
		enum xml_fast_result want = !w->why ? XML_FAST_READ
		                          : w->trace ? XML_FAST_DECLINED_LATE : XML_FAST_DECLINED;
		bool good = got == want && !strcmp(buf_str(&r.b), w->trace ? w->trace : "") &&
		            (!w->why || (why && strstr(why, w->why)));
		if (!good) {
			printf("# row %zu: ", i);
			put_bytes(w->doc, n);
			printf("\n#   want %s: %s ", result_name(want), w->why ? w->why : "");
			put_bytes(w->trace ? w->trace : "", w->trace ? strlen(w->trace) : 0);
			printf("\n#   got  %s: %s ", result_name(got), why ? why : "");
			put_bytes(buf_str(&r.b), r.b.len);
			printf("\n");
			bad++;
		}
		buf_done(&r.b);
	}
	assert_int_equal(bad, 0);
}

/* Nesting: 200 levels are read, 201 go to libxml2. */
static void test_depth(void **state)
{
	(void)state;
	for (int depth = 200; depth <= 201; depth++) {
		struct buf d = { 0 };
		for (int i = 0; i < depth; i++)
			buf_adds(&d, "<e>");
		for (int i = 0; i < depth; i++)
			buf_adds(&d, "</e>");
		struct rec r = { 0 };
		const char *why = NULL;
		enum xml_fast_result got = run(d.data, d.len, &r, &why);
		assert_int_equal(got, depth == 200 ? XML_FAST_READ : XML_FAST_DECLINED_LATE);
		if (got != XML_FAST_READ)
			assert_non_null(strstr(why, "deep"));
		buf_done(&d);
		buf_done(&r.b);
	}
}

/* A name is one pointer for the whole parse, as in libxml2's dictionary. */
static void test_interned(void **state)
{
	(void)state;
	const char *doc = "<r><a/><x><a>t</a></x><a/></r>";
	struct rec r = { 0 };
	assert_int_equal(run(doc, strlen(doc), &r, NULL), XML_FAST_READ);
	assert_non_null(r.first_a);
	assert_true(r.a_same);
	buf_done(&r.b);
}

/* After *stop turns true, nothing more is called, but the rest is still
 * checked: the verdict is the same with or without a stop (feed_xml.c
 * stops at the entry limit, and a document found outside the subset
 * after that must still go to libxml2, with the repairs' bozo reasons). */
static void test_stop(void **state)
{
	(void)state;
	static const struct { const char *doc; enum xml_fast_result want; } cases[] = {
		{ "<r><a>text</a><b/></r>", XML_FAST_READ },
		{ "<r><a>text</a><b/>&nbsp;</r>", XML_FAST_DECLINED_LATE },
		{ "<r><a>text</a><b/></r>\x01", XML_FAST_DECLINED_LATE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rec r = { 0 };
		r.stop_early = true;
		assert_int_equal(run(cases[i].doc, strlen(cases[i].doc), &r, NULL), cases[i].want);
		assert_string_equal(buf_str(&r.b), "<r>");
		buf_done(&r.b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_interned),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
