/*
 * cli owns the attest program: arguments, calling the library, printing and
 * exit codes; it may call every module.
 *
 * The attest program: one file per subcommand, each a table entry. This is
 * the only code that prints; it turns library errors into messages on
 * stderr and exit codes:
 *   0 done (whatever the scan found)  1 error  2 usage  3 --fail-under not met
 */
#ifndef ATTEST_CLI_H
#define ATTEST_CLI_H

#include "attest.h"
#include "options.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_THRESHOLD = 3 };
/* Returned by a command's steps (parse, validate...) when the command goes
 * on; any other value is the exit status to leave with. */
#define CLI_CONTINUE (-1)

/* A command's help is its usage (synopsis and description), its options
 * (options.h) and its epilogue; the man page is made of the same parts. */
struct cli_command {
	const char *name;
	const char *summary;
	const char *usage; /* synopsis, a blank line, the description */
	int (*run)(attest_ctx *ctx, int argc, char **argv);
	const struct cli_optgroup *options; /* NULL: no options */
	const char *epilogue;               /* after the options, or NULL */
};

extern const struct cli_command cli_scan;
extern const struct cli_command cli_frameworks;
extern const struct cli_command cli_checks;
extern const struct cli_command cli_help;
extern const struct cli_command cli_version;
extern const struct cli_command cli_history;
extern const struct cli_command cli_show;
extern const struct cli_command cli_diff;
extern const struct cli_command cli_trend;
extern const struct cli_command cli_db;
extern const struct cli_command cli_report;
extern const struct cli_command cli_package;
extern const struct cli_command cli_verify;
extern const struct cli_command cli_watch;

const struct cli_command *cli_find(const char *name);
/* Writes cmd's help: usage, options, epilogue. */
void cli_print_help(const struct cli_command *cmd, FILE *out);
/* All commands, NULL-terminated. */
extern const struct cli_command *const cli_commands[];

/* Prints "attest: <msg>" to stderr and returns status. */
int cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the library's last error and returns EXIT_ERROR. */
int cli_lib_fail(attest_ctx *ctx);
/* Prints "attest <cmd>: <problem>" and a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Strict number parsing (numbers.c): decimal digits only, nothing around
 * them, min <= n <= max; a percentage may have one decimal point and lies in
 * 0..100. 0 on success, -1 otherwise (nothing printed). */
int cli_parse_long(const char *arg, long min, long max, long *out);
int cli_parse_percent(const char *arg, double *out);
/* A duration: digits with an optional unit s, m, h or d (none: seconds),
 * min <= seconds <= max. */
int cli_parse_duration(const char *arg, long min, long max, long *out);
/* True when colour may be used on stream: a terminal and NO_COLOR unset. */
bool cli_color(FILE *stream);
/* The log callback: warnings always, progress when stderr is a terminal. */
void cli_log(void *data, attest_log_level level, const char *msg);

#endif
