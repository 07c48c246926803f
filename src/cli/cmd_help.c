/*
 * attest help [COMMAND], attest --help, attest version / --version.
 */
#include "config.h"

#include "cli.h"

#include <string.h>

static int
run_help(attest_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd;
	size_t i;

	if (argc >= 2) {
		cmd = cli_find(argv[1]);
		if (!cmd)
			return cli_fail(EXIT_USAGE, "no help for '%s': not an attest command",
					argv[1]);
		if (cmd->print_usage)
			cmd->print_usage(stdout);
		else
			fputs(cmd->usage, stdout);
		return EXIT_OK;
	}
	fputs("usage: attest COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "Evaluates the configuration of a cloud estate against compliance frameworks\n"
	      "(CIS AWS Foundations, ...) and keeps evidence-backed scores in a history\n"
	      "database.\n"
	      "\n"
	      "Commands:\n",
	      stdout);
	for (i = 0; cli_commands[i]; i++)
		printf("  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	fputs("\n"
	      "Run 'attest help COMMAND' for a command's options.\n"
	      "Exit status: 0 done, 1 error, 2 usage error, 3 --fail-under not met.\n",
	      stdout);
	return EXIT_OK;
}

const struct cli_command cli_help = {
	"help",
	"show help for attest or one command",
	"usage: attest help [COMMAND]\n\nShows the commands, or one command's usage.\n",
	run_help,
	NULL,
};

static int
run_version(attest_ctx *ctx, int argc, char **argv)
{
	printf("attest %s\n", attest_version());
	return EXIT_OK;
}

const struct cli_command cli_version = {
	"version",
	"print the version",
	"usage: attest version\n       attest --version\n",
	run_version,
	NULL,
};
