/* core/utf8.c - being written */
#include "core/utf8.h"
