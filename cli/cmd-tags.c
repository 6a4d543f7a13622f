/* cli/cmd-tags.c - scaffolding only: replaced by the real verb in this session. */
#include <stdio.h>
#include "cli/cmd.h"
int cmd_tags(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("rapporteur tags: not built yet\n", stderr);
	return 1;
}
