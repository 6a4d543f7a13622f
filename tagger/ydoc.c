/* tagger/ydoc.c - YAML text to a struct ynode tree via libyaml's event
 * API (never its document loader, which expands aliases). */
#include "tagger/ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "core/alloc.h"

struct loader {
	const char *path;
	struct buf *err;
	size_t n_errors;
	size_t n_nodes;
	bool limit_hit;
	bool syntax_error;
	unsigned tab_lines[64];   /* lines with a tab, reported (the first 64) */
	size_t n_tab_lines;
};

static void report(struct loader *ld, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct loader *ld, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	buf_printf(ld->err, "%s:%u:%u: ", ld->path, line, col);
	va_start(ap, fmt);
	buf_vprintf(ld->err, fmt, ap);
	va_end(ap);
	buf_addc(ld->err, '\n');
	ld->n_errors++;
}

static struct ynode *node_new(struct loader *ld, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = rp_calloc(1, sizeof *n);
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->column = (unsigned)m->column + 1;
	ld->n_nodes++;
	return n;
}

static void node_add(struct ynode *parent, struct ynode *kid)
{
	parent->kids = rp_grow(parent->kids, sizeof *parent->kids, parent->n + 1, &parent->cap);
	parent->kids[parent->n++] = kid;
}

void ydoc_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ydoc_free(n->kids[i]);
	rp_free(n->kids);
	rp_free(n->str);
	rp_free(n);
}

/* Tabs: YAML forbids them in indentation and libyaml's message for that
 * ("found character that cannot start any token") does not say so.
 * Report each line with a tab once, wherever it is, before parsing. */
static void scan_tabs(struct loader *ld, const char *text, size_t len)
{
	unsigned line = 1, col = 1;
	bool seen = false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
			seen = false;
			continue;
		}
		if (text[i] == '\t' && !seen) {
			report(ld, line, col, "tab character: indent and separate with spaces");
			seen = true;
			if (ld->n_tab_lines < sizeof ld->tab_lines / sizeof ld->tab_lines[0])
				ld->tab_lines[ld->n_tab_lines++] = line;
		}
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			col++;
	}
}

/* Builds the tree from the event stream; depth-first with an explicit
 * stack so hostile nesting cannot overflow the C stack. */
static struct ynode *build(struct loader *ld, yaml_parser_t *p)
{
	struct ynode *stack[YDOC_MAX_DEPTH + 1];
	size_t depth = 0;
	struct ynode *root = NULL;
	bool done = false;

	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(p, &ev)) {
			/* libyaml's complaint about a tab already reported says less */
			unsigned at = (unsigned)p->problem_mark.line + 1;
			bool tab = false;
			for (size_t i = 0; i < ld->n_tab_lines; i++)
				if (ld->tab_lines[i] == at || ld->tab_lines[i] + 1 == at)
					tab = true;
			ld->syntax_error = true;
			if (tab)
				break;
			report(ld, (unsigned)p->problem_mark.line + 1, (unsigned)p->problem_mark.column + 1,
			       "YAML syntax: %s%s%s", p->problem ? p->problem : "error",
			       p->context ? " " : "", p->context ? p->context : "");
			ld->syntax_error = true;
			break;
		}
		struct ynode *n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root)
				report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "a second YAML document: tags.yaml holds one");
			break;
		case YAML_ALIAS_EVENT:
			report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
			       "alias *%s: aliases are not allowed in tags.yaml; write the value out",
			       (const char *)ev.data.alias.anchor);
			n = node_new(ld, YNODE_SCALAR, &ev.start_mark);
			n->str = rp_strdup("");
			n->alias = true;
			break;
		case YAML_SCALAR_EVENT:
			n = node_new(ld, YNODE_SCALAR, &ev.start_mark);
			n->str = rp_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->len = strlen(n->str); /* a NUL inside the value ends it */
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
			n = node_new(ld, YNODE_SEQ, &ev.start_mark);
			break;
		case YAML_MAPPING_START_EVENT:
			n = node_new(ld, YNODE_MAP, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (ld->n_nodes > YDOC_MAX_NODES) {
			report(ld, (unsigned)p->mark.line + 1, (unsigned)p->mark.column + 1,
			       "more than %u nodes", YDOC_MAX_NODES);
			ld->limit_hit = true;
			ydoc_free(n);
			break;
		}
		if (!n)
			continue;
		if (depth == 0) {
			if (root)
				ydoc_free(root);
			root = n;
		} else {
			node_add(stack[depth - 1], n);
		}
		if (n->kind != YNODE_SCALAR) {
			if (depth == YDOC_MAX_DEPTH) {
				report(ld, n->line, n->column, "nested deeper than %d levels", YDOC_MAX_DEPTH);
				ld->limit_hit = true;
				break;
			}
			stack[depth++] = n;
		}
	}
	return root;
}

/* Duplicate and non-scalar keys, everywhere in the tree. */
static void check_keys(struct loader *ld, struct ynode *n)
{
	if (n->kind == YNODE_MAP) {
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			const struct ynode *k = n->kids[i];
			if (k->kind != YNODE_SCALAR) {
				report(ld, k->line, k->column, "a key must be a plain string");
				continue;
			}
			for (size_t j = 0; j < i; j += 2) {
				const struct ynode *o = n->kids[j];
				if (o->kind == YNODE_SCALAR && strcmp(o->str, k->str) == 0) {
					report(ld, k->line, k->column, "duplicate key \"%s\" (first at line %u)",
					       k->str, o->line);
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < n->n; i++)
		check_keys(ld, n->kids[i]);
}

static rp_err read_file(struct loader *ld, const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		buf_printf(ld->err, "%s: %s\n", path, strerror(errno));
		ld->n_errors++;
		return RP_ERR_IO;
	}
	char chunk[65536];
	size_t got;
	rp_err e = RP_OK;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + got > YDOC_MAX_BYTES) {
			buf_printf(ld->err, "%s: larger than %u bytes\n", path, YDOC_MAX_BYTES);
			ld->n_errors++;
			e = RP_ERR_LIMIT;
			break;
		}
		buf_add(out, chunk, got);
	}
	if (e == RP_OK && ferror(f)) {
		buf_printf(ld->err, "%s: %s\n", path, strerror(errno));
		ld->n_errors++;
		e = RP_ERR_IO;
	}
	fclose(f);
	return e;
}

rp_err ydoc_load(const char *path, struct ynode **ret, struct buf *err, size_t *n_errors)
{
	struct loader ld = { .path = path, .err = err };
	struct buf text = {0};
	struct ynode *root = NULL;
	yaml_parser_t parser;
	bool parser_ok = false;

	rp_err e = read_file(&ld, path, &text);
	if (e)
		goto out;
	scan_tabs(&ld, buf_str(&text), text.len);
	if (!yaml_parser_initialize(&parser)) {
		buf_printf(err, "%s: cannot start the YAML parser\n", path);
		ld.n_errors++;
		e = RP_ERR_IO;
		goto out;
	}
	parser_ok = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf_str(&text), text.len);
	root = build(&ld, &parser);
	if (ld.limit_hit)
		e = RP_ERR_LIMIT;
	else if (ld.syntax_error)
		e = RP_ERR_INPUT;
	if (e)
		goto out;
	if (root)
		check_keys(&ld, root);
	else {
		yaml_mark_t m = {0};
		root = node_new(&ld, YNODE_MAP, &m);
	}
out:
	if (parser_ok)
		yaml_parser_delete(&parser);
	buf_done(&text);
	if (n_errors)
		*n_errors = ld.n_errors;
	if (e == RP_OK)
		*ret = root;
	else
		ydoc_free(root);
	return e;
}

const struct ynode *ydoc_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->kind == YNODE_SCALAR && strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

bool ydoc_is_null(const struct ynode *n)
{
	if (!n || n->kind != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}
