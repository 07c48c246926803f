/*
 * attest help [COMMAND], attest --help, attest version / --version, and the
 * man page: `attest help --man` writes attest(1) from the commands' usage
 * texts and option tables, the same ones `attest help COMMAND` prints (the
 * build writes doc/attest.1 with it; tests/cli/man.sh compares the two).
 */
#include "config.h"

#include "cli.h"

#include <string.h>

static const char description[] =
	"Evaluates the configuration of a cloud estate against compliance frameworks\n"
	"(CIS AWS Foundations, ...) and keeps evidence-backed scores in a history\n"
	"database.\n";

static const char exit_status[] =
	"Exit status: 0 done, 1 error, 2 usage error, 3 --fail-under not met.\n";

void
cli_print_help(const struct cli_command *cmd, FILE *out)
{
	fputs(cmd->usage, out);
	if (cmd->options) {
		fputc('\n', out);
		cli_options_print(cmd->options, out);
	}
	if (cmd->epilogue) {
		fputc('\n', out);
		fputs(cmd->epilogue, out);
	}
}

/* One command's section: its synopsis lines verbatim, its description,
 * options and epilogue. */
/* One command's section: synopsis, description, options and epilogue. */
static void
man_command(const struct cli_command *cmd, FILE *out)
{
	const char *desc;

	fprintf(out, ".SS %s\n", cmd->name);
	desc = cli_roff_synopsis(cmd->usage, out);
	if (desc) {
		fputs(".PP\n", out);
		cli_roff_text(desc, out);
	}
	if (cmd->options) {
		fputs(".PP\nOptions:\n", out);
		cli_options_man(cmd->options, out);
	}
	if (cmd->epilogue) {
		fputs(".PP\n", out);
		cli_roff_text(cmd->epilogue, out);
	}
}

static void
man_page(FILE *out)
{
	size_t i;

	fprintf(out,
		".\\\" attest(1), written by 'attest help --man' from the option tables.\n"
		".TH ATTEST 1 \"\" \"attest %s\" \"User Commands\"\n"
		".nh\n.ad l\n"
		".SH NAME\n"
		"attest \\- cloud security posture and compliance scanner\n"
		".SH SYNOPSIS\n"
		".B attest\n"
		".I COMMAND\n"
		"[\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n"
		".SH DESCRIPTION\n",
		attest_version());
	cli_roff_text(description, out);
	fputs(".SH COMMANDS\n", out);
	for (i = 0; cli_commands[i]; i++)
		man_command(cli_commands[i], out);
	fputs(".SH EXIT STATUS\n", out);
	cli_roff_text(exit_status, out);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B ATTEST_DB\nthe history database (default: "
	      "$XDG_DATA_HOME/attest/history.db)\n"
	      ".TP\n.B ATTEST_FRAMEWORKS_PATH\ncolon-separated directories of catalogs and "
	      "checks, loaded after the bundled ones\n"
	      ".TP\n.B NO_COLOR\nno colour on a terminal\n",
	      out);
}

static int
run_help(attest_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd;
	size_t i;

	if (argc == 2 && strcmp(argv[1], "--man") == 0) {
		man_page(stdout);
		return EXIT_OK;
	}
	if (argc >= 2) {
		cmd = cli_find(argv[1]);
		if (!cmd)
			return cli_fail(EXIT_USAGE, "no help for '%s': not an attest command",
					argv[1]);
		cli_print_help(cmd, stdout);
		return EXIT_OK;
	}
	fputs("usage: attest COMMAND [OPTIONS] [ARGS]\n\n", stdout);
	fputs(description, stdout);
	fputs("\nCommands:\n", stdout);
	for (i = 0; cli_commands[i]; i++)
		printf("  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	fputs("\nRun 'attest help COMMAND' for a command's options.\n", stdout);
	fputs(exit_status, stdout);
	return EXIT_OK;
}

const struct cli_command cli_help = {
	"help",
	"show help for attest or one command",
	"usage: attest help [COMMAND]\n\nShows the commands, or one command's usage.\n",
	run_help,
	NULL,
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
	NULL,
};
