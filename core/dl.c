/* core/dl.c - a shared library opened on first use (see dl.h). */
#include "core/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym results fit function pointers");

bool dl_load(const char *what, const char *path, const char *const *sonames, size_t n_sonames,
             const struct dl_sym *syms, size_t n_syms, void *table, char *why, size_t why_len)
{
	void *lib = NULL;
	if (path && *path) {
		lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	} else {
		for (size_t i = 0; !lib && i < n_sonames; i++)
			lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	}
	if (!lib) {
		const char *err = dlerror();
		snprintf(why, why_len, "cannot load %s: %s", what, err ? err : "not found");
		return false;
	}
	/* Each pointer is copied with memcpy: ISO C has no cast from an
	 * object pointer to a function pointer; POSIX makes them the same
	 * size. */
	for (size_t i = 0; i < n_syms; i++) {
		void *p = dlsym(lib, syms[i].name);
		if (!p) {
			snprintf(why, why_len, "%s has no %s", what, syms[i].name);
			return false;
		}
		memcpy((char *)table + syms[i].off, &p, sizeof p);
	}
	return true;
}
