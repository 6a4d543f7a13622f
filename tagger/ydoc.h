/* tagger/ydoc.h - a small YAML document tree, built from libyaml events.
 *
 * tags.yaml is written by people, so every node keeps its line and column
 * for error messages. The loader is strict where people make mistakes:
 * tab characters, duplicate keys and non-scalar keys are reported, and
 * aliases are refused (never expanded: a tags.yaml may come from anyone,
 * and alias expansion is how a small file becomes a huge tree). The
 * caller owns the tree returned by ydoc_load and frees it with
 * ydoc_free. Owned by the tagger engineers. */
#ifndef RP_TAGGER_YDOC_H
#define RP_TAGGER_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define YDOC_MAX_BYTES  (8u * 1024 * 1024) /* one tags.yaml, bytes */
#define YDOC_MAX_DEPTH  64                 /* nesting of mappings and sequences */
#define YDOC_MAX_NODES  2000000            /* nodes in one document */

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_kind kind;
	unsigned line, column;   /* 1-based position of the node's first character */
	char *str;               /* scalar: the value, NUL-terminated; NULL otherwise */
	size_t len;              /* scalar: bytes in str */
	bool plain;              /* scalar: written without quotes (so `~`, `null` are null) */
	bool alias;              /* stands for a refused alias (already reported); str is "" */
	struct ynode **kids;     /* SEQ: n items; MAP: n keys and values, alternating */
	size_t n, cap;
};

/* Read the YAML text at path. Every mistake found is appended to err as a
 * line `PATH:LINE:COLUMN: what is wrong`, and *n_errors counts them. A
 * syntax error stops the parse (libyaml cannot go on past one): then
 * RP_ERR_INPUT (RP_ERR_IO, RP_ERR_LIMIT for those) and *ret untouched.
 * The other mistakes (tabs, duplicate keys, aliases) are reported and
 * counted but the tree is still returned, so the caller can go on and
 * report the rest of the file's mistakes: RP_OK and the root (an empty
 * mapping for an empty file) in *ret, owned by the caller. A duplicate
 * key stays in the tree; ydoc_get finds the first. */
RP_MUST_CHECK rp_err ydoc_load(const char *path, struct ynode **ret, struct buf *err,
                               size_t *n_errors);

void ydoc_free(struct ynode *n);

/* For a MAP: the value of key, or NULL. */
const struct ynode *ydoc_get(const struct ynode *map, const char *key);
/* True when a scalar reads as YAML null (plain "", "~", "null"). */
bool ydoc_is_null(const struct ynode *n);

#endif
