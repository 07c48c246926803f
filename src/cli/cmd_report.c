/*
 * attest report SCAN: renders a scan stored in the history database in any
 * of the report formats (the cli_formats[] table: --pdf, --json, --xml, ...),
 * several at once, each written atomically. SCAN is a scan id, a unique
 * prefix of one, or "latest". --template picks the report template, which
 * is checked before anything is rendered; --framework (repeatable) limits
 * the PDF to some of the scan's frameworks and --organization names the
 * organization in it.
 */
#include "config.h"

#include "history_cli.h"
#include "output.h"

#include <getopt.h>
#include <string.h>

#define CLI_MAX_REPORT_FRAMEWORKS 64

static const struct cli_option report_options[] = {
	CLI_OPTION_DB,
	{"template", 0, "FILE", 't',
	 "report template (templates/template.xsd; default: the bundled templates/default.xml)"},
	{"framework", 0, "ID", 'f',
	 "the PDF covers only this framework of the scan (repeatable; default: all of them)"},
	{"organization", 0, "NAME", 'o',
	 "the organization the PDF names (default: the template's)"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup report_groups[] = {
	{NULL, report_options},
	{"Reports (several may be written at once; FILE '-' is standard output):",
	 cli_format_options},
	{NULL, NULL},
};

/* What the command line asks for. */
struct report_args {
	const char *outputs[CLI_MAX_FORMATS];
	const char *db, *tmpl, *org, *ref;
	const char *fws[CLI_MAX_REPORT_FRAMEWORKS];
	size_t n_fws;
	bool any;
};

/* The options into a; CLI_CONTINUE or the exit status. */
static int
parse_options(struct report_args *a, int argc, char **argv)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, report_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 't':
			a->tmpl = optarg;
			break;
		case 'o':
			a->org = optarg;
			break;
		case 'f':
			if (a->n_fws == CLI_MAX_REPORT_FRAMEWORKS)
				return cli_usage_error("report", "at most %d --framework options",
						       CLI_MAX_REPORT_FRAMEWORKS);
			a->fws[a->n_fws++] = optarg;
			break;
		case 'h':
			cli_print_help(&cli_report, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("report", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			if (cli_formats_option(a->outputs, c, optarg)) {
				a->any = true;
				break;
			}
			return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return CLI_CONTINUE;
}

/* The scan operand (a->ref), a report asked for, the paths and the
 * report settings; CLI_CONTINUE or the exit status. */
static int
validate(attest_ctx *ctx, struct report_args *a, int argc, char **argv)
{
	int status;

	if (optind >= argc)
		return cli_usage_error("report", "which scan? give an id, a prefix or 'latest'");
	a->ref = argv[optind++];
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!a->any)
		return cli_usage_error("report",
				       "no report asked for: add --pdf FILE, --json FILE, ...");
	if ((status = cli_check_report_paths(ctx, "report", a->db, a->tmpl, a->outputs)) != EXIT_OK)
		return status;
	attest_ctx_set_log(ctx, cli_log, NULL); /* warnings, such as a placeholder organization */
	if ((a->tmpl && attest_report_set_template(ctx, a->tmpl) != ATTEST_OK) ||
	    (a->n_fws && attest_report_set_frameworks(ctx, a->fws, a->n_fws) != ATTEST_OK) ||
	    (a->org && attest_report_set_organization(ctx, a->org) != ATTEST_OK))
		return cli_lib_fail(ctx);
	return CLI_CONTINUE;
}

static int
run_report(attest_ctx *ctx, int argc, char **argv)
{
	struct report_args a = {0};
	attest_store *store = NULL;
	char id[ATTEST_SCAN_ID_MAX];
	size_t i;
	int status;

	if ((status = parse_options(&a, argc, argv)) != CLI_CONTINUE ||
	    (status = validate(ctx, &a, argc, argv)) != CLI_CONTINUE)
		return status;
	if ((status = cli_history_open(ctx, a.db, true, &store)) != EXIT_OK)
		return status;
	if (attest_store_resolve(store, a.ref, id) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	status = cli_write_formats(ctx, a.outputs, store, id);
	if (status == EXIT_OK && !cli_formats_use_stdout(a.outputs))
		for (i = 0; cli_formats[i].option; i++)
			if (a.outputs[i])
				printf("%s of scan %s written to %s\n", cli_formats[i].option, id,
				       a.outputs[i]);
out:
	attest_store_close(store);
	return status;
}

const struct cli_command cli_report = {
	"report",
	"render a stored scan as PDF, JSON, XML and other reports",
	"usage: attest report [OPTIONS] SCAN --FORMAT FILE...\n"
	"\n"
	"Renders a stored scan as reports. SCAN is a scan id, a unique prefix of one,\n"
	"or 'latest'. At least one format option is needed.\n",
	run_report,
	report_groups,
	NULL,
};
