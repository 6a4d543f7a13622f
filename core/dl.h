/* core/dl.h - a shared library opened with dlopen on first use.
 *
 * rapporteur links neither libcurl nor libxml2: each drags a dozen or
 * more libraries into every process (TLS, Kerberos, ICU, libstdc++...),
 * and most runs need neither (core/url.c, fetchers/libxml.c say when
 * they do). Their owners keep a struct of function pointers and describe
 * it with a table of (symbol name, offset in the struct); dl_load fills
 * it. The library stays mapped for the life of the process. Loading once
 * and thread safety (pthread_once) are the caller's. */
#ifndef RP_DL_H
#define RP_DL_H

#include <stdbool.h>
#include <stddef.h>

/* One function of the table: its symbol and the offset of its pointer. */
struct dl_sym {
	const char *name;
	size_t off;
};

/* Open path, or when path is NULL or empty the first of the n_sonames
 * sonames that loads, and store each of the n_syms symbols at its offset
 * in table. True when every pointer is set; else false with the reason,
 * naming what (e.g. "libxml2"), in why[why_len] (why may be NULL when
 * why_len is 0; the table is then not to be used). */
bool dl_load(const char *what, const char *path, const char *const *sonames, size_t n_sonames,
             const struct dl_sym *syms, size_t n_syms, void *table, char *why, size_t why_len);

#endif
