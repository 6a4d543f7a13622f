/* store/digest.c - reads of stories for digests (see digest.h). */
