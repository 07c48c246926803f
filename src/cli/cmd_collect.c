/*
 * attest collect aws: reads the AWS account the credentials reach, or every
 * account of their organization, into a native NDJSON inventory
 * (doc/aws-collection.md). Progress goes to stderr
 * through the log callback; at the end a summary of calls, retries and
 * failed calls. Failed calls are gaps recorded in the inventory, not
 * errors: only credentials that do not authenticate, or endpoints that
 * cannot be reached at all, make it exit 1.
 */
#include "config.h"

#include "cli.h"
#include "cli_collect.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
	AWS_PROFILE = CLI_OPT_AWS,
	AWS_REGIONS,
	AWS_ROLE_ARN,
	AWS_EXTERNAL_ID,
	AWS_FROM_ORGANIZATION,
	AWS_ROLE_NAME,
};

const struct cli_option cli_aws_options[] = {
	{"profile", 0, "NAME", AWS_PROFILE, "use this profile of the shared config files"},
	{"regions", 0, "R1,R2|all", AWS_REGIONS, "collect these regions (default: all enabled)"},
	{"role-arn", 0, "ARN", AWS_ROLE_ARN, "assume this role first"},
	{"external-id", 0, "ID", AWS_EXTERNAL_ID, "with --role-arn or --role-name"},
	{"accounts-from-organization", 0, NULL, AWS_FROM_ORGANIZATION,
	 "collect every ACTIVE account of the organization (the credentials must be its "
	 "management account or a delegated administrator), concurrently"},
	{"role-name", 0, "NAME", AWS_ROLE_NAME,
	 "the role assumed in each account of the organization"},
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_option collect_options[] = {
	{"accounts-in-flight", 0, "N", 'A', "organization accounts collected at once (default 8)"},
	{"concurrency", 0, "N", 'c', "requests in flight (default 32)"},
	{"output", 'o', "FILE", 'o', "where to write the inventory ('-': stdout)"},
	{"type", 0, "TYPE", 't',
	 "collect only the services writing this resource type, e.g. AWS::EC2::SecurityGroup "
	 "(repeatable)"},
	{"verbose", 'v', NULL, 'v', "progress and failed calls even when not on a terminal"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup collect_groups[] = {
	{NULL, cli_aws_options},
	{NULL, collect_options},
	{NULL, NULL},
};

void
cli_collect_opts_release(struct cli_collect_opts *o)
{
	free(o->regions_buf);
	free(o->regions);
	free(o->types);
	memset(o, 0, sizeof(*o));
}

/* Adds a --type to o; returns an exit status. */
static int
add_type(struct cli_collect_opts *o, const char *arg)
{
	const char **t = realloc(o->types, (o->aws.n_types + 1) * sizeof(*t));

	if (!t)
		return cli_fail(EXIT_ERROR, "out of memory");
	o->types = t;
	t[o->aws.n_types++] = arg;
	o->aws.types = t;
	return EXIT_OK;
}

/* Parses "R1,R2" or "all" into o; returns an exit status. */
static int
set_regions(struct cli_collect_opts *o, const char *cmd, const char *arg)
{
	char *p, *save = NULL, *tok;
	const char **list;
	size_t n = 0;

	free(o->regions_buf);
	free(o->regions);
	o->regions = NULL;
	o->aws.regions = NULL;
	o->aws.n_regions = 0;
	o->regions_buf = strdup(arg);
	list = calloc(strlen(arg) / 2 + 2, sizeof(*list));
	if (!o->regions_buf || !list) {
		free(list);
		return cli_fail(EXIT_ERROR, "out of memory");
	}
	for (p = o->regions_buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if (*tok)
			list[n++] = tok;
	if (n == 0) {
		free(list);
		return cli_usage_error(cmd, "--regions needs a list of regions, or 'all'");
	}
	o->regions = list;
	o->aws.regions = list;
	o->aws.n_regions = n;
	return EXIT_OK;
}

int
cli_collect_option(struct cli_collect_opts *o, const char *cmd, int id, const char *arg)
{
	switch (id) {
	case AWS_PROFILE:
		o->aws.profile = arg;
		return EXIT_OK;
	case AWS_REGIONS:
		return set_regions(o, cmd, arg);
	case AWS_ROLE_ARN:
		o->aws.role_arn = arg;
		return EXIT_OK;
	case AWS_EXTERNAL_ID:
		o->aws.external_id = arg;
		return EXIT_OK;
	case AWS_FROM_ORGANIZATION:
		o->aws.from_organization = true;
		return EXIT_OK;
	case AWS_ROLE_NAME:
		o->aws.role_name = arg;
		return EXIT_OK;
	default:
		return -1;
	}
}

int
cli_collect_check(const struct cli_collect_opts *o, const char *cmd)
{
	if (o->aws.external_id && !o->aws.role_arn && !o->aws.role_name)
		return cli_usage_error(cmd, "--external-id needs --role-arn or --role-name");
	if (o->aws.role_name && !o->aws.from_organization)
		return cli_usage_error(cmd, "--role-name needs --accounts-from-organization");
	if (o->aws.accounts_in_flight && !o->aws.from_organization)
		return cli_usage_error(cmd,
				       "--accounts-in-flight needs --accounts-from-organization");
	if (o->aws.from_organization && !o->aws.role_name)
		return cli_usage_error(cmd, "--accounts-from-organization needs --role-name, the "
					    "role to assume in each account");
	return EXIT_OK;
}

int
cli_collect_run(attest_ctx *ctx, struct cli_collect_opts *o, const char *out)
{
	struct attest_aws_collect_stats st = {0};
	attest_rc rc;

	o->aws.stream = stdout;
	rc = attest_collect_aws(ctx, &o->aws, out, &st);
	cli_log(&o->verbose, ATTEST_LOG_INFO, "");
	if (rc == ATTEST_ERR_USAGE)
		return cli_fail(EXIT_USAGE, "%s", attest_ctx_errmsg(ctx));
	if (o->aws.from_organization)
		fprintf(stderr,
			"attest: collected %lu resources from %zu accounts (%zu not collected) in "
			"%zu regions: %lu calls, %lu retries, %lu errors; %zu types collected, %zu "
			"withheld\n",
			st.resources, st.accounts, st.accounts_failed, st.regions, st.calls,
			st.retries, st.errors, st.types_collected, st.types_failed);
	else
		fprintf(stderr,
			"attest: collected %lu resources from %zu regions: %lu calls, %lu retries, "
			"%lu failed calls; %zu types collected, %zu withheld\n",
			st.resources, st.regions, st.calls, st.retries, st.errors,
			st.types_collected, st.types_failed);
	if (rc != ATTEST_OK)
		return cli_lib_fail(ctx);
	if (st.accounts_failed)
		fprintf(stderr,
			"attest: accounts of the organization not collected: %zu; they are "
			"listed in the inventory's collection_log (sts AssumeRole)\n",
			st.accounts_failed);
	if (st.errors)
		fprintf(stderr, "attest: the failed calls are listed in the inventory's "
				"collection_log; the checks that needed them are not evaluated\n");
	return EXIT_OK;
}

static int
run_collect(attest_ctx *ctx, int argc, char **argv)
{
	struct cli_getopt g;
	struct cli_collect_opts o = {0};
	const char *out = NULL;
	long n;
	int c, status = EXIT_OK;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_print_help(&cli_collect, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "aws") != 0)
		return cli_usage_error("collect", "name the provider to collect from: 'aws'");
	argc--;
	argv++;
	cli_getopt_init(&g, collect_groups);
	while (status == EXIT_OK && (c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'A':
			if (cli_parse_long(optarg, 1, 256, &n) != 0)
				status = cli_usage_error(
					"collect", "--accounts-in-flight needs 1 to 256, not '%s'",
					optarg);
			o.aws.accounts_in_flight = (unsigned)n;
			break;
		case 'c':
			if (cli_parse_long(optarg, 1, 1024, &n) != 0)
				status = cli_usage_error("collect",
							 "--concurrency needs 1 to 1024, not '%s'",
							 optarg);
			o.aws.concurrency = (unsigned)n;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			status = add_type(&o, optarg);
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			cli_print_help(&cli_collect, stdout);
			cli_collect_opts_release(&o);
			return EXIT_OK;
		case ':':
			status = cli_usage_error("collect", "option '%s' needs a value",
						 argv[optind - 1]);
			break;
		default:
			if ((status = cli_collect_option(&o, "collect", c, optarg)) < 0)
				status = cli_usage_error("collect", "unknown option '%s'",
							 argv[optind - 1]);
			break;
		}
	}
	if (status == EXIT_OK && optind < argc)
		status = cli_usage_error("collect", "unexpected argument '%s'", argv[optind]);
	if (status == EXIT_OK && !out)
		status = cli_usage_error("collect", "name the inventory to write with -o FILE");
	if (status == EXIT_OK)
		status = cli_collect_check(&o, "collect");
	if (status == EXIT_OK) {
		attest_ctx_set_log(ctx, cli_log, &o.verbose);
		status = cli_collect_run(ctx, &o, out);
	}
	cli_collect_opts_release(&o);
	return status;
}

const struct cli_command cli_collect = {
	"collect",
	"collect a live AWS account into an inventory",
	"usage: attest collect aws [OPTIONS] -o FILE\n"
	"\n"
	"Collects the configuration of the AWS account your credentials reach (or of\n"
	"every account of their organization), in every enabled region, into a\n"
	"native NDJSON inventory for 'attest scan'.\n"
	"Credentials, region and endpoints are found as the AWS CLI finds them\n"
	"(AWS_* variables, shared config files, instance role).\n",
	run_collect,
	collect_groups,
	"Calls that fail (AccessDenied, unsupported region, ...) and accounts whose\n"
	"role cannot be assumed are listed in the inventory's collection_log; the\n"
	"checks needing that data are then not_evaluated. Exit status: 0 written,\n"
	"1 error, 2 usage.\n",
};
