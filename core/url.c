/* core/url.c - being written */
#include "core/url.h"
