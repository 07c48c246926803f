/*
 * attest show [SCAN]: one stored scan, rendered like the summary `attest
 * scan` prints (or as the JSON result with --json). SCAN is an id, a unique
 * prefix of one, or "latest" (the default: the most recent configuration).
 */
#include "config.h"

#include "history_cli.h"

#include <getopt.h>

static const char usage[] =
	"usage: attest show [OPTIONS] [SCAN]\n"
	"\n"
	"Shows a stored scan like the summary of 'attest scan': per framework its\n"
	"score, coverage, the move since the previous scan of the same scope and the\n"
	"worst failing controls. SCAN is a scan id, a unique prefix of one, or\n"
	"'latest' (the default: the scan of the most recent configuration, by the\n"
	"inventory's date, then start time, then the order stored). When 'attest\n"
	"watch' recorded the change that made a finding fail since the previous scan,\n"
	"the finding is listed with that event and the actor who made the change.\n";

static const struct cli_option show_options[] = {
	CLI_OPTION_DB,
	{"json", 0, NULL, 'j', "the full JSON result (doc/result-format.md) instead"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup show_groups[] = {
	{NULL, show_options},
	{NULL, NULL},
};

static int
run_show(attest_ctx *ctx, int argc, char **argv)
{
	struct cli_getopt g;
	attest_store *store = NULL;
	const char *db = NULL, *ref = "latest";
	char id[ATTEST_SCAN_ID_MAX];
	bool json = false;
	attest_rc rc;
	int c, status;

	cli_getopt_init(&g, show_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			cli_print_help(&cli_show, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("show", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("show", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		ref = argv[optind++];
	if (optind < argc)
		return cli_usage_error("show", "unexpected argument '%s'", argv[optind]);
	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	if (attest_store_resolve(store, ref, id) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	rc = json ? attest_report_json(store, id, stdout)
		  : attest_report_summary(store, id, stdout, cli_color(stdout));
	status = rc == ATTEST_OK ? EXIT_OK : cli_lib_fail(ctx);
	if (status == EXIT_OK && !json)
		status = cli_print_causes(ctx, store, id);
out:
	attest_store_close(store);
	return status;
}

const struct cli_command cli_show = {
	"show", "show one stored scan like the scan summary", usage, run_show, show_groups, NULL,
};
