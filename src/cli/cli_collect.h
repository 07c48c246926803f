/*
 * The AWS collection options shared by 'attest collect aws' and
 * 'attest scan --aws', and the step that runs a collection and prints its
 * summary.
 */
#ifndef ATTEST_CLI_COLLECT_H
#define ATTEST_CLI_COLLECT_H

#include "cli.h"

struct cli_collect_opts {
	struct attest_aws_collect_opts aws;
	char *regions_buf;    /* the --regions argument, split in place */
	const char **regions; /* pointers into regions_buf */
	const char **types;   /* the --type arguments (borrowed from argv) */
	int verbose;
};

/* The options shared by 'collect aws' and 'scan --aws' (ids CLI_OPT_AWS + n). */
extern const struct cli_option cli_aws_options[];
/* Applies option id of cli_aws_options with its argument to o: an exit
 * status, or -1 when id is not one of them. */
int cli_collect_option(struct cli_collect_opts *o, const char *cmd, int id, const char *arg);
void cli_collect_opts_release(struct cli_collect_opts *o);
/* Checks the options that go together (--external-id with --role-arn or
 * --role-name, --role-name with --accounts-from-organization); returns an
 * exit status. */
int cli_collect_check(const struct cli_collect_opts *o, const char *cmd);
/* Collects into out and prints the summary; returns an exit status. */
int cli_collect_run(attest_ctx *ctx, struct cli_collect_opts *o, const char *out);

extern const struct cli_command cli_collect;

#endif
