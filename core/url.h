/* core/url.h - URLs: resolve, canonicalise, classify. url_canonical and
 * url_is_http are built on libcurl's URL API (CURLU), loaded at their
 * first call (url.c says why); url_resolve is RFC 3986 code of its own.
 *
 * Every function returns a new string owned by the caller through ret_,
 * written only on success. Inputs longer than RP_URL_MAX_BYTES are
 * RP_ERR_LIMIT. */
#ifndef RP_URL_H
#define RP_URL_H

#include <stdbool.h>

#include "core/err.h"

/* True when s starts with a URI scheme (RFC 3986 `ALPHA *( ALPHA / DIGIT /
 * "+" / "-" / "." ) ":"`), e.g. http:, tag:, urn:, mailto:. */
bool url_is_absolute(const char *s);
/* True for an absolute http: or https: URL with a host (false when
 * libcurl cannot be loaded). */
bool url_is_http(const char *s);

/* RFC 3986 reference resolution of ref against base, for any scheme. An
 * absolute ref is returned unchanged (trimmed); a NULL or empty base
 * returns ref (trimmed). A relative base ("/a/", "a/b/": an xml:base with
 * no document URL) is merged with the same algorithm and gives a relative
 * result ("/a/" + "c" = "/a/c"), as the oracle's urljoin does.
 * RP_ERR_LIMIT when an input or the result passes RP_URL_MAX_BYTES. */
RP_MUST_CHECK rp_err url_resolve(const char *base, const char *ref, char **ret);

/* The deduplication key of an http(s) URL: scheme and host lowercased,
 * default port removed, dot segments removed, empty path made "/",
 * fragment removed, tracking parameters (utm_*, fbclid, gclid, dclid,
 * msclkid, mc_cid, mc_eid, igshid, ref_src, _hsenc, _hsmi, yclid) removed,
 * the remaining query parameters sorted, percent-encoding normalised.
 * RP_ERR_INPUT for non-http(s) or unparsable URLs; RP_ERR_IO when libcurl
 * cannot be loaded. */
RP_MUST_CHECK rp_err url_canonical(const char *url, char **ret);

#endif
