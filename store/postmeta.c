/* store/postmeta.c - a post's packed record (see postmeta.h). */
#include "store/postmeta.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void post_meta_pack(struct buf *out, const char *const v[POST_META_N])
{
	for (size_t i = 0; i < POST_META_N; i++) {
		size_t len = v[i] ? strlen(v[i]) : 0;
		/* the length in decimal, by hand: once per value of every
		 * imported post, where printf cost more than the copy */
		char num[24], *d = num + sizeof num;
		*--d = ':';
		size_t x = len;
		do
			*--d = (char)('0' + x % 10);
		while ((x /= 10));
		buf_add(out, d, (size_t)(num + sizeof num - d));
		buf_add(out, v[i], len);
	}
}

bool post_meta_unpack(const char *s, size_t n, struct post_meta *ret)
{
	memset(ret, 0, sizeof *ret);
	size_t pos = 0;
	for (size_t i = 0; i < POST_META_N; i++) {
		size_t len = 0, digits = 0;
		/* at most 10 digits: a value is far below 4 GB, and no overflow */
		while (pos < n && s[pos] >= '0' && s[pos] <= '9' && digits < 10) {
			len = len * 10 + (size_t)(s[pos++] - '0');
			digits++;
		}
		if (!digits || pos == n || s[pos] != ':' || n - pos - 1 < len) {
			memset(ret, 0, sizeof *ret);
			return false;
		}
		pos++;
		ret->v[i] = s + pos;
		ret->n[i] = len;
		pos += len;
	}
	if (pos != n) {
		memset(ret, 0, sizeof *ret);
		return false;
	}
	return true;
}

bool post_meta_from_reply(const redisReply *r, struct post_meta *ret)
{
	if (r && r->type == REDIS_REPLY_STRING)
		return post_meta_unpack(r->str, r->len, ret);
	memset(ret, 0, sizeof *ret);
	return false;
}

char *post_meta_dup(const struct post_meta *m, enum post_meta_field f)
{
	return m->n[f] ? rp_strndup(m->v[f], m->n[f]) : NULL;
}

int64_t post_meta_int(const struct post_meta *m, enum post_meta_field f)
{
	char num[24];   /* the value is not NUL-terminated; an int64 fits */
	size_t n = m->n[f] < sizeof num - 1 ? m->n[f] : sizeof num - 1;
	memcpy(num, m->n[f] ? m->v[f] : "", n);
	num[n] = '\0';
	return strtoll(num, NULL, 10);
}
