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

static const char usage_head[] =
	"usage: attest report [OPTIONS] SCAN --FORMAT FILE...\n"
	"\n"
	"Renders a stored scan as reports. SCAN is a scan id, a unique prefix of one,\n"
	"or 'latest'. At least one format option is needed.\n"
	"\n"
	"Options:\n"
	"      --db PATH            history database (default: $ATTEST_DB, else\n"
	"                           $XDG_DATA_HOME/attest/history.db)\n"
	"      --template FILE      report template (templates/template.xsd; default:\n"
	"                           the bundled templates/default.xml)\n"
	"      --framework ID       the PDF covers only this framework of the scan\n"
	"                           (repeatable; default: all of them)\n"
	"      --organization NAME  the organization the PDF names (default: the\n"
	"                           template's)\n"
	"  -h, --help               this help\n"
	"Reports (several may be written at once):\n";

static void
usage(FILE *out)
{
	fputs(usage_head, out);
	cli_formats_usage(out);
}

static int
run_report(attest_ctx *ctx, int argc, char **argv)
{
	static const struct option base[] = {
		{"db", required_argument, NULL, 'd'},
		{"template", required_argument, NULL, 't'},
		{"framework", required_argument, NULL, 'f'},
		{"organization", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
	};
	struct option longopts[sizeof(base) / sizeof(base[0]) + CLI_MAX_FORMATS];
	const char *outputs[CLI_MAX_FORMATS] = {NULL};
	const char *db = NULL, *tmpl = NULL, *org = NULL, *ref;
	const char *fws[CLI_MAX_REPORT_FRAMEWORKS];
	size_t n_fws = 0;
	size_t n = sizeof(base) / sizeof(base[0]), i;
	attest_store *store = NULL;
	char id[ATTEST_SCAN_ID_MAX];
	bool any = false;
	int c, status;

	memcpy(longopts, base, sizeof(base));
	for (i = 0; cli_formats[i].option; i++)
		longopts[n++] = (struct option){cli_formats[i].option, required_argument, NULL,
						1000 + (int)i};
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': tmpl = optarg; break;
		case 'o': org = optarg; break;
		case 'f':
			if (n_fws == CLI_MAX_REPORT_FRAMEWORKS)
				return cli_usage_error("report", "at most %d --framework options",
						       CLI_MAX_REPORT_FRAMEWORKS);
			fws[n_fws++] = optarg;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("report", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			if (c >= 1000 && c < 1000 + CLI_MAX_FORMATS) {
				outputs[c - 1000] = optarg;
				any = true;
				break;
			}
			return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("report", "which scan? give an id, a prefix or 'latest'");
	ref = argv[optind++];
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!any)
		return cli_usage_error("report", "no report asked for: add --pdf FILE, --json FILE, ...");
	if ((status = cli_check_report_paths(ctx, "report", db, tmpl, outputs)) != EXIT_OK)
		return status;
	attest_ctx_set_log(ctx, cli_log, NULL); /* warnings, such as a placeholder organization */
	if ((tmpl && attest_report_set_template(ctx, tmpl) != ATTEST_OK) ||
	    (n_fws && attest_report_set_frameworks(ctx, fws, n_fws) != ATTEST_OK) ||
	    (org && attest_report_set_organization(ctx, org) != ATTEST_OK))
		return cli_lib_fail(ctx);
	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	if (attest_store_resolve(store, ref, id) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	status = cli_write_formats(ctx, outputs, store, id);
	if (status == EXIT_OK && !cli_formats_use_stdout(outputs))
		for (i = 0; cli_formats[i].option; i++)
			if (outputs[i])
				printf("%s of scan %s written to %s\n", cli_formats[i].option, id,
				       outputs[i]);
out:
	attest_store_close(store);
	return status;
}

const struct cli_command cli_report = {
	"report",
	"render a stored scan as PDF, JSON, XML and other reports",
	NULL,
	run_report,
	usage,
};
