/*
 * attest: cloud security posture and compliance scanner. main() sets up the
 * library context, dispatches to a subcommand and maps the outcome to an exit
 * status; everything else lives in the library or in the cmd_*.c files.
 */
#include "config.h"

#include "cli.h"
#include "cli_collect.h" /* cli_collect */

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cli_command *const cli_commands[] = {
	&cli_scan,    &cli_frameworks, /* installed frameworks and their controls */
	&cli_checks,                   /* installed checks */
	&cli_collect,                  /* live AWS collection into an inventory */
	&cli_report,                   /* render a stored scan in any format */
	&cli_package,                  /* signed audit package of a stored scan */
	&cli_verify,                   /* check an audit package */
	&cli_watch,                    /* keep scores current from change events */
	&cli_history,                  /* history database: list, show, compare, trend, maintain */
	&cli_show,    &cli_diff,       &cli_trend, &cli_db, &cli_help, &cli_version, NULL,
};

const struct cli_command *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

/* Writes prefix, then the formatted message escaped for a terminal: the
 * arguments are often names and messages from untrusted files. */
static void
print_escaped(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048], *msg = buf;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf) && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, copy);
	va_end(copy);
	fputs(prefix, stderr);
	attest_term_fputs(msg ? msg : buf, stderr);
	if (msg != buf)
		free(msg);
}

int
cli_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_escaped("attest: ", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int
cli_lib_fail(attest_ctx *ctx)
{
	return cli_fail(EXIT_ERROR, "%s", attest_ctx_errmsg(ctx));
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "attest %s: ", cmd);
	va_start(ap, fmt);
	print_escaped("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'attest help %s'.\n", cmd);
	return EXIT_USAGE;
}

bool
cli_color(FILE *stream)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(stream)) && !(nc && *nc);
}

void
cli_log(void *data, attest_log_level level, const char *msg)
{
	static bool progress_line;
	bool tty = isatty(STDERR_FILENO);
	const int *verbose = data;

	if (level == ATTEST_LOG_INFO) {
		if (tty) {
			fputs("\r\033[K", stderr);
			attest_term_fputs(msg, stderr);
			progress_line = true;
		} else if (verbose && *verbose) {
			fputs("attest: ", stderr);
			attest_term_fputs(msg, stderr);
			fputc('\n', stderr);
		}
		return;
	}
	if (level == ATTEST_LOG_DEBUG && !(verbose && *verbose))
		return;
	if (progress_line) {
		fputs("\r\033[K", stderr);
		progress_line = false;
	}
	fputs(level == ATTEST_LOG_WARN ? "attest: warning: " : "attest: ", stderr);
	attest_term_fputs(msg, stderr);
	fputc('\n', stderr);
}

/* An interrupted command removes the temporary files the library holds (the
 * inventory database is a full copy of the estate's configuration), then
 * dies of the same signal. */
static void
on_signal(int sig)
{
	attest_tmp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

int
main(int argc, char **argv)
{
	const struct cli_command *cmd;
	attest_ctx *ctx;
	int status;

	if (argc < 2) {
		cli_help.run(NULL, 1, argv);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help.run(NULL, 1, argv);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return cli_version.run(NULL, 1, argv);
	cmd = cli_find(argv[1]);
	if (!cmd)
		return cli_fail(EXIT_USAGE, "'%s' is not an attest command; see 'attest --help'",
				argv[1]);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	ctx = attest_ctx_new();
	if (!ctx)
		return cli_fail(EXIT_ERROR, "out of memory");
	status = cmd->run(ctx, argc - 1, argv + 1);
	attest_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(EXIT_ERROR, "cannot write to standard output");
	return status;
}
