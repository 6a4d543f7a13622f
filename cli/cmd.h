/* cli/cmd.h - one entry point per verb (cli/cmd-VERB.c).
 *
 * Each takes the arguments after the verb (argv[0] is the verb itself),
 * reports its own errors once on stderr and returns the exit status:
 * 0 ok, 1 runtime failure, 2 bad usage or bad input. */
#ifndef RP_CLI_CMD_H
#define RP_CLI_CMD_H

int cmd_parse(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_tags(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_hide(int argc, char **argv);     /* cli/cmd-hide.c, with unhide and delete */
int cmd_unhide(int argc, char **argv);
int cmd_delete(int argc, char **argv);

#endif
