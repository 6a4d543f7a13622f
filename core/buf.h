/* core/buf.h - a growable byte buffer, always NUL-terminated.
 *
 * The caller owns the struct (buf_init/buf_done); the buffer owns its
 * bytes until buf_detach hands them to the caller. A zeroed struct buf is
 * a valid empty buffer. */
#ifndef RP_BUF_H
#define RP_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;   /* NULL or NUL-terminated; len bytes are valid */
	size_t len;   /* bytes used, without the terminating NUL */
	size_t cap;   /* bytes allocated */
};

void buf_init(struct buf *b);
void buf_done(struct buf *b);                 /* frees the bytes; b is empty after */
void buf_reset(struct buf *b);                /* len = 0, keeps the allocation */
/* buf_reserve, buf_add, buf_adds and buf_addc are inline with the
 * growing step out of line: the feed parser calls them a few million
 * times per 10 MB feed; as functions (a call, then rp_grow's capacity
 * check) they cost 54M more of its 1,017M instructions (callgrind,
 * 10 MB RSS bench, 2026-11-26). */
void buf_grow(struct buf *b, size_t need); /* make cap >= need; the slow path */

static inline void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		buf_grow(b, b->len + extra + 1);
}

static inline void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* For a writer that stores through d, a position in b's room (b->len
 * lags behind d until the writer sets it): room for at least extra
 * more bytes at d and the NUL after them. Returns the (maybe moved)
 * position and sets *lim to the end of the room (the NUL's byte). */
static inline char *buf_room(struct buf *b, char *d, size_t extra, const char **lim)
{
	b->len = (size_t)(d - b->data);
	buf_reserve(b, extra);
	*lim = b->data + b->cap - 1;
	return b->data + b->len;
}

void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const struct buf *b);     /* "" when empty; lent */
/* The bytes, NUL-terminated, now owned by the caller; b is empty after. */
char *buf_detach(struct buf *b);

#endif
