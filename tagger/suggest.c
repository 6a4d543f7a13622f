/* tagger/suggest.c - cleaning public suggestions (see suggest.h). */
#include "tagger/suggest.h"

#include <string.h>

#include "core/limits.h"
#include "core/utf8.h"
#include "tagger/hashtag.h"

void suggest_clean_text(const char *s, size_t n, size_t max, struct buf *out)
{
	struct buf fixed = {0};
	utf8_repair(&fixed, s, n);
	size_t start = out->len;
	bool space = true; /* drop leading spaces */
	const char *p = buf_str(&fixed), *end = p + fixed.len;
	while (p < end) {
		const char *at = p;
		int32_t cp = utf8_decode(&p, end);
		if (cp == '\n' || cp == '\t' || cp == '\r' || (cp >= 0 && utf8_is_space(cp))) {
			if (!space)
				buf_addc(out, ' ');
			space = true;
			continue;
		}
		if (utf8_is_forbidden_in_tag(cp))
			continue;
		buf_add(out, at, (size_t)(p - at));
		space = false;
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	size_t keep = utf8_truncate(out->data ? out->data + start : "", out->len - start, max);
	out->len = start + keep;
	if (out->data)
		out->data[out->len] = '\0';
	buf_done(&fixed);
}

rp_err suggest_clean_tag(const char *s, size_t n, struct buf *display, struct buf *key,
                         struct buf *err)
{
	if (n > SUGGEST_MAX_INPUT_BYTES) {
		buf_printf(err, "a suggestion is at most %d bytes", SUGGEST_MAX_INPUT_BYTES);
		return RP_ERR_LIMIT;
	}
	struct buf clean = {0};
	rp_err e = RP_OK;
	suggest_clean_text(s, n, SUGGEST_MAX_INPUT_BYTES, &clean);
	const char *t = buf_str(&clean);
	size_t len = clean.len;
	/* one leading '#' or full-width '＃' */
	if (len >= 1 && t[0] == '#') {
		t++;
		len--;
	} else if (len >= 3 && memcmp(t, "\xEF\xBC\x83", 3) == 0) {
		t += 3;
		len -= 3;
	}
	if (len == 0) {
		buf_adds(err, "the suggestion is empty");
		e = RP_ERR_INPUT;
		goto out;
	}
	if (len > RP_TAG_MAX_BYTES) {
		buf_printf(err, "a hashtag is at most %d bytes", RP_TAG_MAX_BYTES);
		e = RP_ERR_LIMIT;
		goto out;
	}
	if (!hashtag_is_valid(t, len)) {
		buf_adds(err, "not a hashtag: use letters, digits and '_', not only digits");
		e = RP_ERR_INPUT;
		goto out;
	}
	size_t k0 = key->len;
	utf8_fold(key, t, len);
	if (key->len - k0 > RP_TAG_MAX_BYTES || key->len == k0) {
		key->len = k0;
		if (key->data)
			key->data[k0] = '\0';
		buf_printf(err, "a hashtag is at most %d bytes", RP_TAG_MAX_BYTES);
		e = RP_ERR_LIMIT;
		goto out;
	}
	buf_add(display, t, len);
out:
	buf_done(&clean);
	return e;
}
