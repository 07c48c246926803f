/*
 * Command-line options defined once, as tables (after git's parse-options):
 * each table lists options with their long name, optional short name,
 * argument name and help text. A command lists the tables it accepts, in
 * groups under optional headings; from that list come getopt_long's arrays,
 * the "Options:" part of `attest help CMD` and the man page (`attest help
 * --man`, doc/attest.1), so that the three cannot disagree. Tables used by
 * several commands (the AWS collection options of `collect aws` and `scan
 * --aws`, the report formats of `scan` and `report`) are defined once, by
 * the code that handles them.
 */
#ifndef ATTEST_CLI_OPTIONS_H
#define ATTEST_CLI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

/* One option. A table ends with an entry whose name is NULL. */
struct cli_option {
	const char *name; /* long name, without "--" */
	int short_name;   /* 'f' for -f, or 0 */
	const char *arg;  /* argument name ("FILE"), NULL for a flag */
	int id;           /* what getopt_long returns for it */
	const char *help; /* one paragraph; the printer wraps it */
};

/* Tables under one heading (NULL: under "Options:"). A command's list of
 * groups ends with an entry whose opts is NULL. */
struct cli_optgroup {
	const char *heading;
	const struct cli_option *opts;
};

/* Ids of the shared tables, above any character a command uses. */
enum {
	CLI_OPT_AWS = 0x300,    /* + the AWS collection option (cli_collect.h) */
	CLI_OPT_FORMAT = 0x400, /* + the index of the format in cli_formats[] */
};

/* Options almost every command has. */
#define CLI_OPTION_HELP                                                                            \
	{                                                                                          \
		"help", 'h', NULL, 'h', "this help"                                                \
	}
#define CLI_OPTION_DB                                                                              \
	{                                                                                          \
		"db", 0, "PATH", 'd',                                                              \
			"history database (default: $ATTEST_DB, else "                             \
			"$XDG_DATA_HOME/attest/history.db)"                                        \
	}

#define CLI_OPTION_FRAMEWORKS_DIR                                                                  \
	{                                                                                          \
		"frameworks-dir", 0, "DIR", 'D',                                                   \
			"also load catalogs and checks from DIR (repeatable; also "                \
			"ATTEST_FRAMEWORKS_PATH, "                                                 \
			"colon-separated)"                                                         \
	}

#define CLI_MAX_OPTIONS 64

/* getopt_long's arrays built from a command's groups. */
struct cli_getopt {
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[3 * CLI_MAX_OPTIONS + 2];
};

/* Builds g from groups and resets getopt (optind 1, no messages: a leading
 * ':' makes a missing value ':' and an unknown option '?'). */
void cli_getopt_init(struct cli_getopt *g, const struct cli_optgroup *groups);
/* getopt_long over g's arrays. */
int cli_getopt_next(struct cli_getopt *g, int argc, char **argv);

/* Writes the "Options:" part of a help text: each option, its help wrapped
 * to 80 columns, each group under its heading. */
void cli_options_print(const struct cli_optgroup *groups, FILE *out);
/* Writes the options as man(7) .TP paragraphs, each group under its
 * heading. */
void cli_options_man(const struct cli_optgroup *groups, FILE *out);
/* Writes text as man(7) text: backslashes and leading dots or quotes
 * escaped, a dash that starts a word ("--db", "'-'") as a minus sign;
 * paragraphs split by blank lines, those with indented lines kept as
 * they are (.nf). */
void cli_roff_text(const char *text, FILE *out);
/* Writes the synopsis lines of a usage text (up to its first blank line)
 * without "usage: " and indentation; returns what follows the blank line,
 * or NULL. */
const char *cli_roff_synopsis(const char *usage, FILE *out);

#endif
