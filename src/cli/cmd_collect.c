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

static const char usage_text[] =
	"usage: attest collect aws [OPTIONS] -o FILE\n"
	"\n"
	"Collects the configuration of the AWS account your credentials reach (or of\n"
	"every account of their organization), in every enabled region, into a\n"
	"native NDJSON inventory for 'attest scan'.\n"
	"Credentials, region and endpoints are found as the AWS CLI finds them\n"
	"(AWS_* variables, shared config files, instance role).\n"
	"\n"
	"Options:\n"
	"      --profile NAME       use this profile of the shared config files\n"
	"      --regions R1,R2|all  collect these regions (default: all enabled)\n"
	"      --role-arn ARN       assume this role first\n"
	"      --external-id ID     with --role-arn or --role-name\n"
	"      --accounts-from-organization\n"
	"                           collect every ACTIVE account of the organization\n"
	"                           (the credentials must be its management account or\n"
	"                           a delegated administrator), concurrently\n"
	"      --role-name NAME     the role assumed in each account of the organization\n"
	"      --accounts-in-flight N\n"
	"                           organization accounts collected at once (default 8)\n"
	"      --concurrency N      requests in flight (default 32)\n"
	"  -o, --output FILE        where to write the inventory ('-': stdout)\n"
	"  -v, --verbose            progress and failed calls even when not on a terminal\n"
	"  -h, --help               this help\n"
	"\n"
	"Calls that fail (AccessDenied, unsupported region, ...) and accounts whose\n"
	"role cannot be assumed are listed in the inventory's collection_log; the\n"
	"checks needing that data are then not_evaluated. Exit status: 0 written,\n"
	"1 error, 2 usage.\n";

void
cli_collect_opts_release(struct cli_collect_opts *o)
{
	free(o->regions_buf);
	free(o->regions);
	memset(o, 0, sizeof(*o));
}

int
cli_collect_set_regions(struct cli_collect_opts *o, const char *cmd, const char *arg)
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
cli_collect_check(const struct cli_collect_opts *o, const char *cmd)
{
	if (o->aws.external_id && !o->aws.role_arn && !o->aws.role_name)
		return cli_usage_error(cmd, "--external-id needs --role-arn or --role-name");
	if (o->aws.role_name && !o->aws.from_organization)
		return cli_usage_error(cmd, "--role-name needs --accounts-from-organization");
	if (o->aws.accounts_in_flight && !o->aws.from_organization)
		return cli_usage_error(cmd, "--accounts-in-flight needs --accounts-from-organization");
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
		fprintf(stderr, "attest: accounts of the organization not collected: %zu; they are "
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
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"regions", required_argument, NULL, 'r'},
		{"role-arn", required_argument, NULL, 'a'},
		{"external-id", required_argument, NULL, 'e'},
		{"concurrency", required_argument, NULL, 'c'},
		{"accounts-from-organization", no_argument, NULL, 'O'},
		{"role-name", required_argument, NULL, 'n'},
		{"accounts-in-flight", required_argument, NULL, 'A'},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cli_collect_opts o = {0};
	const char *out = NULL;
	long n;
	int c, status = EXIT_OK;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "aws") != 0)
		return cli_usage_error("collect", "name the provider to collect from: 'aws'");
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while (status == EXIT_OK && (c = getopt_long(argc, argv, ":o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o.aws.profile = optarg; break;
		case 'r': status = cli_collect_set_regions(&o, "collect", optarg); break;
		case 'a': o.aws.role_arn = optarg; break;
		case 'e': o.aws.external_id = optarg; break;
		case 'O': o.aws.from_organization = true; break;
		case 'n': o.aws.role_name = optarg; break;
		case 'A':
			if (cli_parse_long(optarg, 1, 256, &n) != 0)
				status = cli_usage_error("collect",
							 "--accounts-in-flight needs 1 to 256, not '%s'",
							 optarg);
			o.aws.accounts_in_flight = (unsigned)n;
			break;
		case 'c':
			if (cli_parse_long(optarg, 1, 1024, &n) != 0)
				status = cli_usage_error("collect", "--concurrency needs 1 to 1024, not '%s'",
							 optarg);
			o.aws.concurrency = (unsigned)n;
			break;
		case 'o': out = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			cli_collect_opts_release(&o);
			return EXIT_OK;
		case ':':
			status = cli_usage_error("collect", "option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			status = cli_usage_error("collect", "unknown option '%s'", argv[optind - 1]);
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
	usage_text,
	run_collect,
	NULL,
};
