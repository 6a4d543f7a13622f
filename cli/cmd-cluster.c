/* cli/cmd-cluster.c - scaffolding only: replaced by the real verb in this session. */
#include <stdio.h>
#include "cli/cmd.h"
int cmd_cluster(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("rapporteur cluster: not built yet\n", stderr);
	return 1;
}
