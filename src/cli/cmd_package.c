/*
 * attest package SCAN -o DIR|FILE.tar.gz: writes the signed audit package
 * of a stored scan (doc/audit-package.md): every report format of the
 * cli_formats[] table, the evidence per control, the inventory the scan
 * read (kept by `scan --keep-inputs`, or given here with --input) and the
 * manifest with its signature. A missing inventory is said on stderr and
 * recorded in the manifest; --require-inventory makes it an error.
 */
#include "config.h"

#include "history_cli.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUTS 64

static const char usage_text[] =
	"usage: attest package [OPTIONS] SCAN -o DIR|FILE.tar.gz --key KEY.pem\n"
	"\n"
	"Writes the audit package of a stored scan: every report, the evidence of each\n"
	"control as JSON, the inventory the scan read and a manifest of every file's\n"
	"SHA-256, signed with KEY. SCAN is a scan id, a unique prefix or 'latest'.\n"
	"An output ending in .tar.gz or .tgz is a gzip-compressed ustar archive;\n"
	"anything else is a new directory. Check a package with 'attest verify'.\n"
	"\n"
	"Options:\n"
	"  -o, --output PATH        the package to write (required)\n"
	"  -k, --key FILE           PEM private key, Ed25519 or RSA (>= 2048 bits),\n"
	"                           not encrypted (required)\n"
	"      --cert FILE          PEM X.509 certificate of the key, included in the\n"
	"                           package\n"
	"      --input FILE         an inventory file the scan read, to include when the\n"
	"                           history database has no copy (repeatable; matched by\n"
	"                           SHA-256)\n"
	"      --require-inventory  fail instead of packaging without the inventory\n"
	"      --db PATH            history database (default: $ATTEST_DB, else\n"
	"                           $XDG_DATA_HOME/attest/history.db)\n"
	"      --template FILE      report template of the PDF\n"
	"  -h, --help               this help\n";

/* reports/<file> of each format: <format>.xml for the XML dialects,
 * report.<format> for the others (report.json, report.xml, report.pdf). */
static void
report_file(const char *format, char *out, size_t size)
{
	static const char *const xml[] = {"oscal", "xccdf", "junit", NULL};
	size_t i;

	for (i = 0; xml[i]; i++)
		if (strcmp(format, xml[i]) == 0) {
			snprintf(out, size, "%s.xml", format);
			return;
		}
	snprintf(out, size, "report.%s", format);
}

static int
run_package(attest_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"key", required_argument, NULL, 'k'},
		{"cert", required_argument, NULL, 'c'},
		{"input", required_argument, NULL, 'i'},
		{"require-inventory", no_argument, NULL, 'r'},
		{"db", required_argument, NULL, 'd'},
		{"template", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct attest_package_report reports[CLI_MAX_FORMATS];
	char files[CLI_MAX_FORMATS][64], id[ATTEST_SCAN_ID_MAX];
	const char *inputs[MAX_INPUTS];
	const char *out = NULL, *db = NULL, *tmpl = NULL, *ref;
	struct attest_package_opts o = {0};
	struct attest_package_info info;
	attest_store *store = NULL;
	size_t i, n_inputs = 0;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:k:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'k': o.key_path = optarg; break;
		case 'c': o.cert_path = optarg; break;
		case 'i':
			if (n_inputs == MAX_INPUTS)
				return cli_usage_error("package", "too many --input options");
			inputs[n_inputs++] = optarg;
			break;
		case 'r': o.require_inventory = true; break;
		case 'd': db = optarg; break;
		case 't': tmpl = optarg; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("package", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("package", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("package", "which scan? give an id, a prefix or 'latest'");
	ref = argv[optind++];
	if (optind < argc)
		return cli_usage_error("package", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage_error("package", "where to? give -o DIR or -o FILE.tar.gz");
	if (!o.key_path)
		return cli_usage_error("package", "a package is signed: give --key KEY.pem");
	for (i = 0; cli_formats[i].option; i++) {
		report_file(cli_formats[i].option, files[i], sizeof(files[i]));
		reports[i] = (struct attest_package_report){cli_formats[i].option, files[i],
							    cli_formats[i].render};
	}
	o.reports = reports;
	o.n_reports = i;
	o.inputs = inputs;
	o.n_inputs = n_inputs;
	attest_ctx_set_log(ctx, cli_log, NULL);
	if (tmpl && attest_report_set_template(ctx, tmpl) != ATTEST_OK)
		return cli_lib_fail(ctx);
	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	if (attest_store_resolve(store, ref, id) != ATTEST_OK ||
	    attest_package_write(store, id, &o, out, &info) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	if (info.inputs_included < info.inputs)
		fprintf(stderr,
			"attest: warning: the package lacks %zu of the scan's %zu inventory files "
			"(%s); its manifest records them as missing\n",
			info.inputs - info.inputs_included, info.inputs, info.missing_reason);
	printf("package of scan %s written to %s: %zu files in its manifest, %zu of %zu "
	       "inventory files, signed (%s)\n",
	       id, out, info.files, info.inputs_included, info.inputs, info.algorithm);
	status = EXIT_OK;
out:
	attest_store_close(store);
	return status;
}

const struct cli_command cli_package = {
	"package",
	"write a signed audit package of a stored scan",
	usage_text,
	run_package,
	NULL,
};
