/* core/date.c - being written */
#include "core/date.h"
