/* cli/cmd-import.c - scaffolding only: replaced by the real verb in this session. */
#include <stdio.h>
#include "cli/cmd.h"
int cmd_import(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("rapporteur import: not built yet\n", stderr);
	return 1;
}
