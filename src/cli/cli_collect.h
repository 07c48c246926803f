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
	char *regions_buf;     /* the --regions argument, split in place */
	const char **regions;  /* pointers into regions_buf */
	int verbose;
};

/* Parses "R1,R2" or "all" into o; returns an exit status. */
int cli_collect_set_regions(struct cli_collect_opts *o, const char *cmd, const char *arg);
void cli_collect_opts_release(struct cli_collect_opts *o);
/* Checks the options that go together (--external-id with --role-arn or
 * --role-name, --role-name with --accounts-from-organization); returns an
 * exit status. */
int cli_collect_check(const struct cli_collect_opts *o, const char *cmd);
/* Collects into out and prints the summary; returns an exit status. */
int cli_collect_run(attest_ctx *ctx, struct cli_collect_opts *o, const char *out);

extern const struct cli_command cli_collect;

#endif
