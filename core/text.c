/* core/text.c - being written */
#include "core/text.h"
