/*
 * attest package SCAN -o DIR|FILE.tar.gz: writes the signed audit package
 * of a stored scan (doc/audit-package.md): every report format of the
 * cli_formats[] table, the evidence, the inventory the scan read (kept by
 * `scan --keep-inputs`, or given here with --input) and the manifest with
 * its signature. A missing inventory is said on stderr and recorded in the
 * manifest; --require-inventory makes it an error. An inventory shipped
 * unredacted is warned about; --redact-inventory redacts it.
 * attest package --period FROM..TO writes the period package of one scope.
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
	"       attest package [OPTIONS] --period FROM..TO -o DIR|FILE.tar.gz --key KEY.pem\n"
	"\n"
	"Writes the audit package of a stored scan: a README, every report, the evidence\n"
	"(once per check, referred to from each framework's controls), index.csv of every\n"
	"finding, the exception and attestation registers, the inventory the scan read,\n"
	"and the SHA-256 of every file, signed with KEY. SCAN is a scan id, a unique\n"
	"prefix or 'latest'. With --period, writes the period package of one scope: every\n"
	"scan whose configuration date (as_of) falls in FROM..TO (dates or UTC times,\n"
	"inclusive), its OSCAL results and summary, each control's status timeline, the\n"
	"time to fix of findings fixed in the period, the exceptions and attestations on\n"
	"each scan date and the cadence gaps. An output ending in .tar.gz or .tgz is a\n"
	"gzip-compressed ustar archive; anything else is a new directory. Check a package\n"
	"with 'attest verify' or with the commands of its README.txt.\n";

static const struct cli_option package_options[] = {
	{"output", 'o', "PATH", 'o', "the package to write (required)"},
	{"key", 'k', "FILE", 'k',
	 "PEM private key, Ed25519 or RSA (>= 2048 bits), not encrypted (required)"},
	{"cert", 0, "FILE", 'c', "PEM X.509 certificate of the key, included in the package"},
	{"input", 0, "FILE", 'i',
	 "an inventory file the scan read, to include when the history database has no copy "
	 "(repeatable; matched by SHA-256)"},
	{"require-inventory", 0, NULL, 'r', "fail instead of packaging without the inventory"},
	{"redact-inventory", 0, NULL, 'R',
	 "replace credential-like values in the inventory by [REDACTED] (its SHA-256 then "
	 "differs from the scan's)"},
	{"period", 0, "FROM..TO", 'P', "a period package instead of one scan's"},
	{"scope", 0, "SCOPE", 'S',
	 "the scope of the period package (default: the one scope of the period's scans)"},
	{"cadence", 0, "DAYS", 'C',
	 "a longer time without a scan is a gap the period package states as a limitation "
	 "(default: 31)"},
	CLI_OPTION_DB,
	{"template", 0, "FILE", 't', "report template of the PDF"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup package_groups[] = {
	{NULL, package_options},
	{NULL, NULL},
};

/* reports/<file> of each format: <format>.xml for the XML dialects,
 * ocsf.ndjson for the OCSF events, report.<format> for the others
 * (report.json, report.xml, report.pdf). */
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
	if (strcmp(format, "ocsf") == 0)
		snprintf(out, size, "%s.ndjson", format);
	else
		snprintf(out, size, "report.%s", format);
}

/* Splits "FROM..TO" at its "..". */
static bool
split_period(char *arg, const char **from, const char **to)
{
	char *dots = strstr(arg, "..");

	if (!dots || dots == arg || !dots[2])
		return false;
	*dots = '\0';
	*from = arg;
	*to = dots + 2;
	return true;
}

static int
run_period(attest_ctx *ctx, const char *db, struct attest_period_opts *po, const char *out)
{
	struct attest_period_info info;
	attest_store *store = NULL;
	attest_rc rc;
	int status;

	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	if ((rc = attest_package_period(store, po, out, &info)) != ATTEST_OK) {
		/* a bad period or an ambiguous scope is the caller's to fix */
		status = rc == ATTEST_ERR_USAGE
				 ? cli_usage_error("package", "%s", attest_ctx_errmsg(ctx))
				 : cli_lib_fail(ctx);
		goto out;
	}
	if (info.gaps)
		fprintf(stderr,
			"attest: warning: %zu cadence gap%s of more than %d days without a scan; "
			"the package's README states them as limitations\n",
			info.gaps, info.gaps == 1 ? "" : "s",
			po->cadence_days ? po->cadence_days : 31);
	printf("period package of scope %s written to %s: %zu scans, %zu files in its manifest, "
	       "%zu findings fixed, %zu cadence gaps, signed (%s)\n",
	       info.scope, out, info.scans, info.files, info.fixed, info.gaps, info.algorithm);
	status = EXIT_OK;
out:
	attest_store_close(store);
	return status;
}

/* What the command line asks for. */
struct package_args {
	struct attest_package_opts o;
	struct attest_period_opts po;
	const char *inputs[MAX_INPUTS];
	size_t n_inputs;
	const char *out, *db, *tmpl, *ref;
};

/* One option (getopt's c) into a; CLI_CONTINUE or the exit status. */
static int
parse_option(struct package_args *a, int c, char **argv)
{
	char *end;
	long cadence;

	switch (c) {
	case 'o':
		a->out = optarg;
		break;
	case 'k':
		a->o.key_path = optarg;
		break;
	case 'c':
		a->o.cert_path = optarg;
		break;
	case 'i':
		if (a->n_inputs == MAX_INPUTS)
			return cli_usage_error("package", "too many --input options");
		a->inputs[a->n_inputs++] = optarg;
		break;
	case 'r':
		a->o.require_inventory = true;
		break;
	case 'R':
		a->o.redact_inventory = true;
		break;
	case 'P':
		if (!split_period(optarg, &a->po.from, &a->po.to))
			return cli_usage_error("package",
					       "--period needs FROM..TO, e.g. "
					       "2026-01-01..2026-03-31, not '%s'",
					       optarg);
		break;
	case 'S':
		a->po.scope = optarg;
		break;
	case 'C':
		cadence = strtol(optarg, &end, 10);
		if (*end || end == optarg || cadence < 1 || cadence > 3660)
			return cli_usage_error("package",
					       "--cadence needs a number of days "
					       "(1 to 3660), not '%s'",
					       optarg);
		a->po.cadence_days = (int)cadence;
		break;
	case 'd':
		a->db = optarg;
		break;
	case 't':
		a->tmpl = optarg;
		break;
	case 'h':
		cli_print_help(&cli_package, stdout);
		return EXIT_OK;
	case ':':
		return cli_usage_error("package", "option '%s' needs a value", argv[optind - 1]);
	default:
		return cli_usage_error("package", "unknown option '%s'", argv[optind - 1]);
	}
	return CLI_CONTINUE;
}

/* The options and the operands of a period package. */
static int
validate_period(const struct package_args *a, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error("package", "a period package takes no SCAN ('%s')",
				       argv[optind]);
	if (a->n_inputs || a->o.require_inventory || a->o.redact_inventory)
		return cli_usage_error("package",
				       "a period package holds no inventory: "
				       "--input, --require-inventory and --redact-inventory "
				       "are for one scan's package");
	if (!a->out)
		return cli_usage_error("package", "where to? give -o DIR or -o FILE.tar.gz");
	if (!a->o.key_path)
		return cli_usage_error("package", "a package is signed: give --key KEY.pem");
	return CLI_CONTINUE;
}

/* The options and the operand (a->ref) of one scan's package. */
static int
validate_scan(struct package_args *a, int argc, char **argv)
{
	if (a->po.scope || a->po.cadence_days)
		return cli_usage_error("package", "--scope and --cadence are for --period");
	if (optind >= argc)
		return cli_usage_error("package", "which scan? give an id, a prefix or 'latest'");
	a->ref = argv[optind++];
	if (optind < argc)
		return cli_usage_error("package", "unexpected argument '%s'", argv[optind]);
	if (!a->out)
		return cli_usage_error("package", "where to? give -o DIR or -o FILE.tar.gz");
	if (!a->o.key_path)
		return cli_usage_error("package", "a package is signed: give --key KEY.pem");
	return CLI_CONTINUE;
}

/* The warnings and the line that say what run_scan_package() wrote. */
static void
print_package(const struct package_args *a, const char *id, const struct attest_package_info *info)
{
	if (info->inputs_included < info->inputs)
		fprintf(stderr,
			"attest: warning: the package lacks %zu of the scan's %zu inventory files "
			"(%s); its manifest records them as missing\n",
			info->inputs - info->inputs_included, info->inputs, info->missing_reason);
	if (info->inputs_unredacted)
		fprintf(stderr,
			"attest: warning: the package ships %zu inventory file%s unredacted, as the "
			"scan read %s: secrets in %s (environment variables, user data, tags) "
			"are in the package; treat it as confidential, or package with "
			"--redact-inventory\n",
			info->inputs_unredacted, info->inputs_unredacted == 1 ? "" : "s",
			info->inputs_unredacted == 1 ? "it" : "them",
			info->inputs_unredacted == 1 ? "it" : "them");
	printf("package of scan %s written to %s: %zu files in its manifest, %zu of %zu "
	       "inventory files%s, signed (%s)\n",
	       id, a->out, info->files, info->inputs_included, info->inputs,
	       a->o.redact_inventory && info->inputs_included ? " (redacted)" : "",
	       info->algorithm);
}

/* Writes the package of scan a->ref with every report format. */
static int
run_scan_package(attest_ctx *ctx, struct package_args *a)
{
	struct attest_package_report reports[CLI_MAX_FORMATS];
	char files[CLI_MAX_FORMATS][64], id[ATTEST_SCAN_ID_MAX];
	struct attest_package_info info;
	attest_store *store = NULL;
	size_t i;
	int status;

	for (i = 0; cli_formats[i].option; i++) {
		report_file(cli_formats[i].option, files[i], sizeof(files[i]));
		reports[i] = (struct attest_package_report){cli_formats[i].option, files[i],
							    cli_formats[i].render};
	}
	a->o.reports = reports;
	a->o.n_reports = i;
	a->o.inputs = a->inputs;
	a->o.n_inputs = a->n_inputs;
	attest_ctx_set_log(ctx, cli_log, NULL);
	if (a->tmpl && attest_report_set_template(ctx, a->tmpl) != ATTEST_OK)
		return cli_lib_fail(ctx);
	if ((status = cli_history_open(ctx, a->db, true, &store)) != EXIT_OK)
		return status;
	if (attest_store_resolve(store, a->ref, id) != ATTEST_OK ||
	    attest_package_write(store, id, &a->o, a->out, &info) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	print_package(a, id, &info);
	status = EXIT_OK;
out:
	attest_store_close(store);
	return status;
}

static int
run_package(attest_ctx *ctx, int argc, char **argv)
{
	struct cli_getopt g;
	struct package_args a = {0};
	int c, status;

	cli_getopt_init(&g, package_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1)
		if ((status = parse_option(&a, c, argv)) != CLI_CONTINUE)
			return status;
	if (a.po.from) {
		if ((status = validate_period(&a, argc, argv)) != CLI_CONTINUE)
			return status;
		a.po.key_path = a.o.key_path;
		a.po.cert_path = a.o.cert_path;
		attest_ctx_set_log(ctx, cli_log, NULL);
		return run_period(ctx, a.db, &a.po, a.out);
	}
	if ((status = validate_scan(&a, argc, argv)) != CLI_CONTINUE)
		return status;
	return run_scan_package(ctx, &a);
}

const struct cli_command cli_package = {
	"package",      "write a signed audit package of a stored scan",
	usage_text,     run_package,
	package_groups, NULL,
};
