/* cli/cmd-digest.c - scaffolding only: replaced by the real verb in this session. */
#include <stdio.h>
#include "cli/cmd.h"
int cmd_digest(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("rapporteur digest: not built yet\n", stderr);
	return 1;
}
